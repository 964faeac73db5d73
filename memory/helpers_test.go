package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
)

var (
	wfType    = engine.WorkflowType{Name: "wf", Version: "1"}
	childType = engine.WorkflowType{Name: "child", Version: "1"}
	actType   = engine.ActivityType{Name: "act", Version: "1"}
)

const (
	decList      = "decisions"
	childDecList = "child-decisions"
	actList      = "activities"
)

// harness drives an engine through its API, failing the test on unexpected
// errors.
type harness struct {
	t   *testing.T
	e   *Engine
	ctx context.Context
}

func newHarness(t *testing.T, opts ...Options) *harness {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	e := New(o)
	t.Cleanup(func() { e.Close() })
	h := &harness{t: t, e: e, ctx: context.Background()}
	h.must(e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{
		WorkflowType:    wfType,
		DefaultTaskList: decList,
	}))
	h.must(e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{
		WorkflowType:    childType,
		DefaultTaskList: childDecList,
	}))
	h.must(e.RegisterActivityType(h.ctx, engine.ActivityTypeInfo{
		ActivityType:    actType,
		DefaultTaskList: actList,
		ActivityTimeouts: engine.ActivityTimeouts{
			StartToClose: 5 * time.Second,
		},
	}))
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

// pollDecision polls list and fails if no task comes within 2 s.
func (h *harness) pollDecision(list string) *engine.DecisionTask {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 2*time.Second)
	defer cancel()
	dt, err := h.e.PollDecisionTask(ctx, engine.PollParams{TaskList: list, Identity: "decider"})
	h.must(err)
	if dt == nil {
		h.t.Fatalf("no decision task on %q", list)
	}
	return dt
}

// pollActivity polls list and fails if no task comes within 2 s.
func (h *harness) pollActivity(list string) *engine.ActivityTask {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 2*time.Second)
	defer cancel()
	at, err := h.e.PollActivityTask(ctx, engine.PollParams{TaskList: list, Identity: "worker"})
	h.must(err)
	if at == nil {
		h.t.Fatalf("no activity task on %q", list)
	}
	return at
}

// noDecision asserts that no decision task arrives on list within d.
func (h *harness) noDecision(list string, d time.Duration) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, d)
	defer cancel()
	dt, err := h.e.PollDecisionTask(ctx, engine.PollParams{TaskList: list})
	h.must(err)
	if dt != nil {
		h.t.Fatalf("unexpected decision task for %v at event %d", dt.Execution, dt.StartedEventID)
	}
}

// noActivity asserts that no activity task arrives on list within d.
func (h *harness) noActivity(list string, d time.Duration) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, d)
	defer cancel()
	at, err := h.e.PollActivityTask(ctx, engine.PollParams{TaskList: list})
	h.must(err)
	if at != nil {
		h.t.Fatalf("unexpected activity task %q", at.ActivityID)
	}
}

func (h *harness) decide(dt *engine.DecisionTask, ds ...engine.Decision) {
	h.t.Helper()
	h.must(h.e.RespondDecisionTaskCompleted(h.ctx, engine.RespondDecisionParams{Token: dt.Token, Decisions: ds}))
}

func (h *harness) history(exec engine.Execution) []engine.Event {
	h.t.Helper()
	evs, err := h.e.GetWorkflowExecutionHistory(h.ctx, exec)
	h.must(err)
	for i, ev := range evs {
		if ev.ID != int64(i+1) {
			h.t.Fatalf("event %d has id %d", i, ev.ID)
		}
		if ev.Time.IsZero() {
			h.t.Fatalf("event %d has no time", ev.ID)
		}
	}
	return evs
}

func (h *harness) waitClosed(exec engine.Execution) engine.Event {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 2*time.Second)
	defer cancel()
	ev, err := h.e.WaitClosed(ctx, exec)
	h.must(err)
	return ev
}

func (h *harness) describe(exec engine.Execution) *engine.ExecutionInfo {
	h.t.Helper()
	info, err := h.e.DescribeWorkflowExecution(h.ctx, exec)
	h.must(err)
	return info
}

// eventually waits up to 2 s for cond to hold.
func (h *harness) eventually(cond func() bool) {
	h.t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			h.t.Fatal("condition not met in 2 s")
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

// expectTypes checks the sequence of event types of evs.
func expectTypes(t *testing.T, evs []engine.Event, want ...string) {
	t.Helper()
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history:\n got  %s\n want %s", strings.Join(got, " "), strings.Join(want, " "))
	}
}

// attr returns the attributes of event id (1-based) as a T, failing if it is
// not one.
func attr[T engine.EventAttributes](t *testing.T, evs []engine.Event, id int64) T {
	t.Helper()
	if id < 1 || id > int64(len(evs)) {
		t.Fatalf("no event %d in a history of %d", id, len(evs))
	}
	a, ok := evs[id-1].Attr.(T)
	if !ok {
		var zero T
		t.Fatalf("event %d is %s, not %T", id, evs[id-1].Type(), zero)
	}
	return a
}

// last returns the attributes of the last event of type T in evs.
func last[T engine.EventAttributes](t *testing.T, evs []engine.Event) T {
	t.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if a, ok := evs[i].Attr.(T); ok {
			return a
		}
	}
	var zero T
	t.Fatalf("no %T in history %v", zero, types(evs))
	return zero
}

func expectErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want one wrapping %v", err, target)
	}
}

func schedule(id string, mod ...func(*engine.ScheduleActivityTask)) *engine.ScheduleActivityTask {
	d := &engine.ScheduleActivityTask{ActivityID: id, Type: actType, Input: "input-" + id}
	for _, m := range mod {
		m(d)
	}
	return d
}

func withTimeouts(to engine.ActivityTimeouts) func(*engine.ScheduleActivityTask) {
	return func(d *engine.ScheduleActivityTask) { d.Timeouts = to }
}

func dump(evs []engine.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "%d %s %+v\n", ev.ID, ev.Type(), ev.Attr)
	}
	return b.String()
}
