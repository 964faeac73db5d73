// Command flowy is the flowy command line tool; see package cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/flowy-go/flowy/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
