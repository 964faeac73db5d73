package faulttest

import "net"

// netListen returns a free 127.0.0.1 address for the server, which keeps it
// across restarts.
func netListen() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
