package swf_test

// The conformance suite against a third-party SWF emulator: moto's
// moto_server (Python), started by the test on a free 127.0.0.1 port. moto
// implements a subset of SWF (see motoSkips); the cases it cannot run are
// skipped, each with its reason.

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowy-go/flowy/conformance"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swf"
)

// motoSkips are the conformance cases moto cannot run, with the reason
// (found by running them against moto 5.2).
var motoSkips = map[string]string{
	"Restart":               "moto answers a ContinueAsNewWorkflowExecution decision with an internal error (NotImplementedError): the run never closes",
	"ChildWorkflow":         "moto answers a StartChildWorkflowExecution decision with an internal error (NotImplementedError): the parent never closes",
	"ChildWorkflowFails":    "moto answers a StartChildWorkflowExecution decision with an internal error (NotImplementedError): the parent never closes",
	"ChildWorkflowTimesOut": "moto answers a StartChildWorkflowExecution decision with an internal error (NotImplementedError): the parent never closes",
	"RetryTimeout":          "moto enforces no start-to-close timeout of activity tasks (only heartbeat timeouts): the attempt never times out",
	"RetryTimeoutDelay":     "moto enforces no start-to-close timeout of activity tasks (only heartbeat timeouts): the attempt never times out",
	"RetryTimeoutExhausted": "moto enforces no schedule-to-close timeout of activity tasks (only heartbeat timeouts): the attempts never time out",
}

// startMoto starts moto_server on a free port and returns its URL; the test
// is skipped, loudly, when moto_server is not installed.
func startMoto(t *testing.T) string {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Log("**************************************************************")
		t.Log("moto_server is not on the PATH: the conformance suite does NOT")
		t.Log("run against a third-party SWF emulator. Install it with:")
		t.Log("    pip install 'moto[server]'")
		t.Log("**************************************************************")
		t.Skip("moto_server missing")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = nil, nil
	if os.Getenv("FLOWY_MOTO_LOG") != "" {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// withDefaults gives the types a worker registers the defaults SWF (and
// moto) need where the conformance cases give none: unlimited activity
// timeouts, and finite execution and decision timeouts (moto reads neither
// "NONE" nor an unset one) and ABANDON, the engine contract's default.
type withDefaults struct {
	*swf.Engine
	execution, decision time.Duration
}

func (e withDefaults) RegisterWorkflowType(ctx context.Context, t engine.WorkflowTypeInfo) error {
	if t.DefaultExecutionTimeout == 0 {
		t.DefaultExecutionTimeout = e.execution
	}
	if t.DefaultDecisionTimeout == 0 {
		t.DefaultDecisionTimeout = e.decision
	}
	if t.DefaultChildPolicy == "" {
		t.DefaultChildPolicy = engine.ChildPolicyAbandon
	}
	return e.Engine.RegisterWorkflowType(ctx, t)
}

func (e withDefaults) RegisterActivityType(ctx context.Context, t engine.ActivityTypeInfo) error {
	for _, d := range []*time.Duration{&t.ScheduleToStart, &t.StartToClose, &t.ScheduleToClose, &t.Heartbeat} {
		if *d == 0 {
			*d = engine.NoTimeout
		}
	}
	return e.Engine.RegisterActivityType(ctx, t)
}

// TestMain runs more tests in parallel than the default GOMAXPROCS (unless
// -parallel is given): the conformance cases on moto mostly wait, moto
// answering an empty poll after one second.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set && runtime.GOMAXPROCS(0) < 8 {
		flag.Set("test.parallel", "8")
	}
	os.Exit(m.Run())
}

// TestMotoConformance runs the conformance cases moto supports through the
// swf engine against moto_server. HeartbeatTimeout runs apart, scaled so
// that its heartbeat timeout is 2 s: SWF's timeouts are whole seconds, and
// moto starts the heartbeat clock when the task is scheduled, not when a
// worker takes it. The other cases need no whole seconds and run unscaled.
//
// The cases whose outcome depends on which of their activities finishes
// first (by sleeps 20 ms to 600 ms apart) run scaled too: moto answers an
// empty poll only after a second, so a task can wait up to a second for a
// worker, which reorders short sleeps (seen under load).
func TestMotoConformance(t *testing.T) {
	timed := []string{"HeartbeatTimeout", "First", "FinishOrder", "NestedErrorUnhandled"}
	if testing.Short() {
		t.Skip("the moto conformance run takes about half a minute")
	}
	t.Parallel() // beside the flowy server run
	url := startMoto(t)
	client := testClient(url)
	var only []string
	for _, c := range conformance.Cases() {
		if reason, skip := motoSkips[c.Name]; skip {
			t.Run("skipped/"+c.Name, func(t *testing.T) { t.Skip(reason) })
			continue
		}
		if !slices.Contains(timed, c.Name) {
			only = append(only, c.Name)
		}
	}
	var n atomic.Int64
	newEngine := func(t *testing.T) engine.Engine {
		// A domain per case: cases run in parallel, on the same task list.
		name := fmt.Sprintf("flowy-%d", n.Add(1))
		eng := swf.New(client, name, swf.Options{})
		if err := eng.RegisterDomain(context.Background(), 1, t.Name()); err != nil {
			t.Fatalf("registering domain %s: %v", name, err)
		}
		t.Cleanup(func() { eng.Close() })
		return withDefaults{Engine: eng, execution: 10 * time.Minute, decision: 30 * time.Second}
	}
	unsupported := []conformance.Feature{conformance.ChildWorkflows, conformance.ContinueAsNew}
	t.Run("unscaled", func(t *testing.T) {
		conformance.Run(t, newEngine, conformance.Options{Only: only, Unsupported: unsupported, CaseTimeout: 50 * time.Second})
	})
	// After the others, on an idle moto: a busy one may take longer than
	// the heartbeat timeout to hand the task out.
	t.Run("scaled", func(t *testing.T) {
		conformance.Run(t, newEngine, conformance.Options{Only: timed, Unsupported: unsupported,
			Scale: 10, CaseTimeout: 50 * time.Second})
	})
}
