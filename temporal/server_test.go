package temporal_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/flowy-go/flowy/temporal"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// The tests run against a Temporal server: the one at FLOWY_TEMPORAL_ADDR,
// or a dev server that TestMain starts with the Temporal CLI (found at
// $FLOWY_TEMPORAL_CLI, /var/cache/flowy-tools/temporal or on PATH) and
// stops at the end. Without either, the tests that need a server skip.

var (
	serverAddr string // host:port of the server; "" when there is none
	noServer   string // why there is none
	serverCLI  string // the Temporal CLI, if found
	namespace  = "flowy-test-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	queueSeq   atomic.Int64
)

func TestMain(m *testing.M) {
	serverCLI = findCLI()
	serverAddr = os.Getenv("FLOWY_TEMPORAL_ADDR")
	var stop func()
	if serverAddr == "" {
		if serverCLI == "" {
			noServer = "no Temporal server: FLOWY_TEMPORAL_ADDR is not set and no Temporal CLI was found " +
				"($FLOWY_TEMPORAL_CLI, /var/cache/flowy-tools/temporal, PATH); install it with .ci/temporal.sh install"
		} else {
			var err error
			serverAddr, stop, err = startDevServer(serverCLI)
			if err != nil {
				noServer = "no Temporal server: starting a dev server failed: " + err.Error()
				serverAddr = ""
			}
		}
	}
	if noServer != "" {
		fmt.Fprintf(os.Stderr, "\n!!! temporal tests: %s — the tests that need a server SKIP !!!\n\n", noServer)
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// findCLI returns the Temporal CLI: $FLOWY_TEMPORAL_CLI if set (none if it
// is not an executable), else /var/cache/flowy-tools/temporal, else
// temporal on PATH.
func findCLI() string {
	executable := func(p string) bool {
		st, err := os.Stat(p)
		return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
	}
	if p, ok := os.LookupEnv("FLOWY_TEMPORAL_CLI"); ok {
		if executable(p) {
			return p
		}
		return ""
	}
	if p := "/var/cache/flowy-tools/temporal"; executable(p) {
		return p
	}
	p, _ := exec.LookPath("temporal")
	return p
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startDevServer starts `temporal server start-dev` on free ports and
// returns its address and a function that stops it (by its process id).
func startDevServer(cli string) (string, func(), error) {
	var lastErr error
	for range 3 {
		var ports [3]int
		for i := range ports {
			p, err := freePort()
			if err != nil {
				return "", nil, err
			}
			ports[i] = p
		}
		addr := "127.0.0.1:" + strconv.Itoa(ports[0])
		logf, err := os.CreateTemp("", "flowy-temporal-dev-*.log")
		if err != nil {
			return "", nil, err
		}
		cmd := exec.Command(cli, "server", "start-dev", "--headless", "--ip", "127.0.0.1",
			"--port", strconv.Itoa(ports[0]), "--http-port", strconv.Itoa(ports[1]), "--metrics-port", strconv.Itoa(ports[2]),
			"--log-level", "error",
			"--dynamic-config-value", "history.transferProcessorMaxPollRPS=1000")
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			logf.Close()
			return "", nil, err
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stop := func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
			logf.Close()
			os.Remove(logf.Name())
		}
		if err := waitServing(addr, exited); err != nil {
			stop()
			log, _ := os.ReadFile(logf.Name())
			lastErr = fmt.Errorf("%v (log: %s)", err, strings.TrimSpace(string(log)))
			continue
		}
		fmt.Fprintf(os.Stderr, "temporal tests: dev server %s (pid %d) at %s\n", filepath.Base(cli), cmd.Process.Pid, addr)
		return addr, stop, nil
	}
	return "", nil, lastErr
}

// waitServing waits until the server at addr answers.
func waitServing(addr string, exited <-chan error) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	svc := workflowservice.NewWorkflowServiceClient(conn)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("the dev server exited: %v", err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := svc.DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
		cancel()
		if err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the dev server did not answer within 60 s")
}

// needServer skips the test when there is no server.
func needServer(t testing.TB) {
	t.Helper()
	if serverAddr == "" {
		t.Skip(noServer)
	}
}

// newEngine returns an engine on the test namespace with task queues of its
// own, closed when the test ends.
func newEngine(t testing.TB, opts temporal.Options) *temporal.Engine {
	t.Helper()
	needServer(t)
	opts.HostPort = serverAddr
	if opts.Namespace == "" {
		opts.Namespace = namespace
	}
	if opts.TaskQueuePrefix == "" {
		opts.TaskQueuePrefix = fmt.Sprintf("t%d-", queueSeq.Add(1))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e, err := temporal.New(ctx, opts)
	if err != nil {
		t.Fatalf("temporal.New: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}
