package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/worker"
)

// SumSquares is the workflow of the recovery tests: 1²+...+n², the squares
// and sums done by activities that take a few milliseconds.
type SumSquares struct{ Square, Sum flowy.Task[int] }

// Run returns 1²+...+n².
func (w SumSquares) Run(n int) flowy.Result[int] {
	rs := make([]flowy.Result[int], n)
	for i := range rs {
		rs[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(w.Sum, rs)
}

// Outer runs two SumSquares children and a square of their sum's parity, so
// that recovery covers child workflows.
type Outer struct {
	Child  flowy.Task[int]
	Square flowy.Task[int]
}

// Run returns Σ1..n² + Σ1..(n+1)² + 1.
func (w Outer) Run(n int) (int, error) {
	a, b := w.Child.Call(n), w.Child.Call(n+1)
	one := w.Square.Call(1)
	x, err := a.Get()
	if err != nil {
		return 0, err
	}
	y, err := b.Get()
	if err != nil {
		return 0, err
	}
	z, err := one.Get()
	return x + y + z, err
}

func sumSquares(n int) int { return n * (n + 1) * (2*n + 1) / 6 }

// testWorkflows returns the recovery tests' workflows. Activities time out
// after startToClose and are retried (ten attempts, the second after a
// 20 ms timer), so that tasks whose worker died with the engine are done
// again.
func testWorkflows(startToClose time.Duration) []*flowy.Workflow {
	retry := []time.Duration{0, 20 * time.Millisecond, 0, 0, 0, 0, 0, 0, 0, 0}
	act := func(name string) flowy.Dep {
		return flowy.Dep{Activity: name, StartToClose: startToClose, Retry: retry}
	}
	return []*flowy.Workflow{
		{Name: "SumSquares", Code: SumSquares{}, Deps: map[string]flowy.Dep{"Square": act("square"), "Sum": act("sum")},
			DecisionTimeout: 5 * time.Second},
		{Name: "Outer", Code: Outer{}, Deps: map[string]flowy.Dep{
			"Child":  {Workflow: "SumSquares", Retry: retry},
			"Square": act("square"),
		}, DecisionTimeout: 5 * time.Second},
	}
}

// testActivities returns the activities, which sleep up to maxSleep.
func testActivities(maxSleep time.Duration) []*flowy.Activity {
	nap := func() {
		if maxSleep > 0 {
			time.Sleep(rand.N(maxSleep))
		}
	}
	return []*flowy.Activity{
		{Name: "square", Func: func(x int) int { nap(); return x * x }},
		{Name: "sum", Func: func(a, b int) int { nap(); return a + b }},
	}
}

// startWorkers runs workers on e; the returned function stops them.
func startWorkers(t testing.TB, e engine.Engine, startToClose, maxSleep time.Duration) func() {
	t.Helper()
	w, err := worker.New(e, testWorkflows(startToClose), testActivities(maxSleep), worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stop, err := w.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	return func() { once.Do(stop) }
}

func openTest(t testing.TB, path string, opts Options) *Engine {
	t.Helper()
	e, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func testPath(t testing.TB) string { return filepath.Join(t.TempDir(), "flowy.db") }

// checkHistories checks every history of every run of the workflow ids and
// their children: each activity attempt (activity id) completed at most once,
// and every ActivityTaskCompleted names a started attempt of its run.
func checkHistories(t testing.TB, e engine.Engine, ids []string) {
	t.Helper()
	ctx := context.Background()
	seen := map[engine.Execution]bool{}
	var check func(exec engine.Execution)
	check = func(exec engine.Execution) {
		if seen[exec] {
			return
		}
		seen[exec] = true
		evs, err := e.GetWorkflowExecutionHistory(ctx, exec)
		if err != nil {
			t.Errorf("history of %v: %v", exec, err)
			return
		}
		scheduled := map[int64]string{}
		started := map[int64]bool{}
		completed := map[string]int{}
		for i, ev := range evs {
			if ev.ID != int64(i+1) {
				t.Errorf("%v: event %d has id %d", exec, i+1, ev.ID)
			}
			switch a := ev.Attr.(type) {
			case *engine.ActivityTaskScheduled:
				scheduled[ev.ID] = a.ActivityID
			case *engine.ActivityTaskStarted:
				started[ev.ID] = true
			case *engine.ActivityTaskCompleted:
				id, ok := scheduled[a.ScheduledEventID]
				if !ok || !started[a.StartedEventID] {
					t.Errorf("%v: event %d completes an unknown task: %+v", exec, ev.ID, a)
				}
				if completed[id]++; completed[id] > 1 {
					t.Errorf("%v: activity %s completed twice", exec, id)
				}
			case *engine.ChildWorkflowExecutionStarted:
				check(a.Execution)
			case *engine.WorkflowExecutionContinuedAsNew:
				check(engine.Execution{WorkflowID: exec.WorkflowID, RunID: a.NewRunID})
			}
		}
	}
	for _, id := range ids {
		check(engine.Execution{WorkflowID: id})
	}
}

func wfID(i int) string { return fmt.Sprintf("wf-%d", i) }

var (
	wfType  = engine.WorkflowType{Name: "wf", Version: "1"}
	actType = engine.ActivityType{Name: "act", Version: "1"}
)

const (
	decList = "decisions"
	actList = "activities"
)

// harness drives an engine through its API, failing the test on unexpected
// errors.
type harness struct {
	t   testing.TB
	e   engine.Engine
	ctx context.Context
}

// newHarness registers the harness's types (unless they exist).
func newHarness(t testing.TB, e engine.Engine) *harness {
	t.Helper()
	h := &harness{t: t, e: e, ctx: context.Background()}
	if err := e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{WorkflowType: wfType, DefaultTaskList: decList}); err != nil &&
		!errors.Is(err, engine.ErrTypeAlreadyExists) {
		t.Fatal(err)
	}
	if err := e.RegisterActivityType(h.ctx, engine.ActivityTypeInfo{ActivityType: actType, DefaultTaskList: actList}); err != nil &&
		!errors.Is(err, engine.ErrTypeAlreadyExists) {
		t.Fatal(err)
	}
	return h
}

func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) start(id string, mod ...func(*engine.StartWorkflowParams)) engine.Execution {
	h.t.Helper()
	p := engine.StartWorkflowParams{WorkflowID: id, Type: wfType, Input: "in-" + id}
	for _, m := range mod {
		m(&p)
	}
	runID, err := h.e.StartWorkflow(h.ctx, p)
	h.must(err)
	return engine.Execution{WorkflowID: id, RunID: runID}
}

func (h *harness) pollDecision() *engine.DecisionTask {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	dt, err := h.e.PollDecisionTask(ctx, engine.PollParams{TaskList: decList, Identity: "decider"})
	h.must(err)
	if dt == nil {
		h.t.Fatal("no decision task")
	}
	return dt
}

func (h *harness) pollActivity() *engine.ActivityTask {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	at, err := h.e.PollActivityTask(ctx, engine.PollParams{TaskList: actList, Identity: "worker"})
	h.must(err)
	if at == nil {
		h.t.Fatal("no activity task")
	}
	return at
}

func (h *harness) decide(dt *engine.DecisionTask, ds ...engine.Decision) {
	h.t.Helper()
	h.must(h.e.RespondDecisionTaskCompleted(h.ctx, engine.RespondDecisionParams{Token: dt.Token, Decisions: ds}))
}

func (h *harness) history(exec engine.Execution) []engine.Event {
	h.t.Helper()
	evs, err := h.e.GetWorkflowExecutionHistory(h.ctx, exec)
	h.must(err)
	return evs
}

func (h *harness) waitClosed(exec engine.Execution) engine.Event {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	ev, err := h.e.(engine.CloseWaiter).WaitClosed(ctx, exec)
	h.must(err)
	return ev
}

// eventually waits up to 5 s for cond to hold.
func (h *harness) eventually(cond func() bool) {
	h.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			h.t.Fatal("condition not met in 5 s")
		}
	}
}

func types(evs []engine.Event) []string {
	s := make([]string, len(evs))
	for i, ev := range evs {
		s[i] = ev.Type()
	}
	return s
}
