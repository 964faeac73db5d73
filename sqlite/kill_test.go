package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/engine"
)

// The kill test runs an engine with workers in a child process (this test
// binary, running TestHelperProcess), kills it with SIGKILL at random
// moments, starts it again, and finally checks that every workflow finished
// with its correct result and that no activity attempt completed twice.

const (
	helperEnv   = "FLOWY_SQLITE_HELPER" // "run" or "finish"
	helperDB    = "FLOWY_SQLITE_HELPER_DB"
	helperCount = "FLOWY_SQLITE_HELPER_WORKFLOWS"

	killStartToClose = 500 * time.Millisecond
	killMaxSleep     = 40 * time.Millisecond
)

// killWorkflow returns the workflow i of the kill test, its argument and
// its result.
func killWorkflow(i int) (name string, arg, want int) {
	if i%4 == 3 {
		n := 6 + i%5
		return "Outer", n, sumSquares(n) + sumSquares(n+1) + 1
	}
	n := 20 + i%13
	return "SumSquares", n, sumSquares(n)
}

// TestHelperProcess is the child process of TestKill; it does nothing in a
// normal test run.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("the child process of TestKill")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	count, err := strconv.Atoi(os.Getenv(helperCount))
	if err != nil {
		fail(err)
	}
	e, err := Open(os.Getenv(helperDB), Options{})
	if err != nil {
		fail(err)
	}
	startWorkers(t, e, killStartToClose, killMaxSleep)
	ctx := context.Background()
	wfs := map[string]int{}
	for i, wf := range testWorkflows(killStartToClose) {
		wfs[wf.Name] = i
	}
	for i := range count {
		id := wfID(i)
		_, err := e.DescribeWorkflowExecution(ctx, engine.Execution{WorkflowID: id})
		if err == nil {
			continue // started by an earlier process
		}
		if !errors.Is(err, engine.ErrUnknownResource) {
			fail(err)
		}
		name, arg, _ := killWorkflow(i)
		if _, err := client.Start(ctx, e, testWorkflows(killStartToClose)[wfs[name]], client.StartOptions{WorkflowID: id}, arg); err != nil {
			fail(err)
		}
	}
	fmt.Println("ready")
	if mode != "finish" {
		for { // until killed
			time.Sleep(100 * time.Millisecond)
			closed, err := e.ListExecutions(ctx, engine.ExecutionFilter{})
			if err != nil {
				fail(err)
			}
			fmt.Printf("progress %d closed runs, %d records\n", len(closed), e.DB().Stats().Records)
		}
	}
	for i := range count {
		ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		_, _, err := client.Wait(ctx, e, engine.Execution{WorkflowID: wfID(i)})
		cancel()
		if err != nil {
			fail(err)
		}
	}
	if err := e.Close(); err != nil {
		fail(err)
	}
	fmt.Println("done")
	os.Exit(0)
}

// TestKill kills the engine's process 5 times over some 10 s (with
// FLOWY_SOAK=1: 40 times over a few minutes, and more workflows).
func TestKill(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	kills, workflows, maxRun := 5, 32, 1500*time.Millisecond
	if os.Getenv("FLOWY_SOAK") == "1" {
		kills, workflows, maxRun = 40, 400, 3*time.Second
	}
	path := testPath(t)
	// Each child starts the workflows an earlier one did not, up to count:
	// more at each restart, so that there is work in flight at every kill.
	helper := func(mode string, count int) (*exec.Cmd, *bufio.Scanner, *bytes.Buffer) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v=false")
		cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDB+"="+path, helperCount+"="+strconv.Itoa(count))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, bufio.NewScanner(out), &stderr
	}
	// waitFor reads the child's output until line, or fails the test; it
	// keeps the last line that follows in *last.
	var mu sync.Mutex
	waitFor := func(cmd *exec.Cmd, out *bufio.Scanner, stderr *bytes.Buffer, line string, timeout time.Duration, last *string) {
		t.Helper()
		found := make(chan bool, 1)
		go func() {
			for out.Scan() {
				if strings.TrimSpace(out.Text()) == line {
					found <- true
					break
				}
			}
			for out.Scan() {
				mu.Lock()
				*last = out.Text()
				mu.Unlock()
			}
			found <- false
		}()
		select {
		case ok := <-found:
			if ok {
				return
			}
		case <-time.After(timeout):
		}
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the helper did not say %q: %s", line, stderr.String())
	}
	for i := range kills {
		cmd, out, stderr := helper("run", workflows*(i+1)/(kills+1))
		var last string
		waitFor(cmd, out, stderr, "ready", 30*time.Second, &last)
		time.Sleep(rand.N(maxRun))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		mu.Lock()
		t.Logf("kill %d; the child's last report: %s", i+1, last)
		mu.Unlock()
	}
	cmd, out, stderr := helper("finish", workflows)
	var last string
	waitFor(cmd, out, stderr, "done", 90*time.Second, &last)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v: %s", err, stderr.String())
	}

	e := openTest(t, path, Options{})
	defer e.Close()
	ctx := context.Background()
	var ids []string
	for i := range workflows {
		id := wfID(i)
		ids = append(ids, id)
		_, _, want := killWorkflow(i)
		got, err := client.Result[int](ctx, e, engine.Execution{WorkflowID: id}, nil)
		if err != nil {
			t.Errorf("%s: %v", id, err)
		} else if got != want {
			t.Errorf("%s: got %d, want %d", id, got, want)
		}
	}
	checkHistories(t, e, ids)
}
