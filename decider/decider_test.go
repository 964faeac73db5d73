package decider_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/local"
	"github.com/flowy-go/flowy/worker"
)

// history builds histories by hand, the way an engine records them.
type history struct{ events []engine.Event }

func (h *history) add(a engine.EventAttributes) int64 {
	id := int64(len(h.events) + 1)
	h.events = append(h.events, engine.Event{ID: id, Attr: a})
	return id
}

// task adds a scheduled and started decision task and returns it.
func (h *history) task(prevStarted int64) *engine.DecisionTask {
	s := h.add(&engine.DecisionTaskScheduled{})
	st := h.add(&engine.DecisionTaskStarted{ScheduledEventID: s})
	return &engine.DecisionTask{
		Execution: engine.Execution{WorkflowID: "w", RunID: "r"}, Type: engine.WorkflowType{Name: "Twice", Version: "1"},
		Events: h.events[:len(h.events):len(h.events)], StartedEventID: st, PreviousStartedEventID: prevStarted,
	}
}

type Twice struct{ Square flowy.Task[int] }

func (w Twice) Run(x int) flowy.Result[int] { return w.Square.Call(w.Square.Call(x)) }

func twice() *flowy.Workflow {
	return &flowy.Workflow{Name: "Twice", Code: Twice{}, Deps: map[string]flowy.Dep{"Square": {Activity: "square"}}}
}

func newDecider(t *testing.T, cache int) *decider.Decider {
	d, err := decider.New([]*flowy.Workflow{twice()}, decider.Options{CacheSize: cache})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func schedule(id, input string, deps ...string) engine.Decision {
	d := &engine.ScheduleActivityTask{ActivityID: id, Type: engine.ActivityType{Name: "square", Version: "1"}, Input: input}
	if len(deps) > 0 {
		d.Control = `{"deps":["` + strings.Join(deps, `","`) + `"]}`
	}
	return d
}

// TestHandWrittenHistory drives the decider through a history by hand, with
// and without its cache, and checks every decision, including a close that
// the engine refused and a decision task that timed out.
func TestHandWrittenHistory(t *testing.T) {
	for _, cache := range []int{0, -1} {
		t.Run(fmt.Sprint("cache=", cache), func(t *testing.T) {
			d := newDecider(t, cache)
			h := &history{}
			h.add(&engine.WorkflowExecutionStarted{Type: engine.WorkflowType{Name: "Twice", Version: "1"}, Input: "[[3], {}]"})
			t1 := h.task(0)
			want(t, d.Decide(t1), schedule("Square-0-0", "[[3], {}]"))
			c1 := h.add(&engine.DecisionTaskCompleted{StartedEventID: t1.StartedEventID})
			s1 := h.add(&engine.ActivityTaskScheduled{ActivityID: "Square-0-0", Type: engine.ActivityType{Name: "square", Version: "1"}, Input: "[[3], {}]", DecisionTaskCompletedEventID: c1})
			h.add(&engine.ActivityTaskStarted{ScheduledEventID: s1})
			h.add(&engine.ActivityTaskCompleted{ScheduledEventID: s1, Result: "9"})
			// This decision task times out: its answer is lost.
			t2 := h.task(t1.StartedEventID)
			want(t, d.Decide(t2), schedule("Square-1-0", "[[9], {}]", "Square-0"))
			h.add(&engine.DecisionTaskTimedOut{StartedEventID: t2.StartedEventID})
			t3 := h.task(t1.StartedEventID)
			want(t, d.Decide(t3), schedule("Square-1-0", "[[9], {}]", "Square-0"))
			c3 := h.add(&engine.DecisionTaskCompleted{StartedEventID: t3.StartedEventID})
			s3 := h.add(&engine.ActivityTaskScheduled{ActivityID: "Square-1-0", Type: engine.ActivityType{Name: "square", Version: "1"}, Input: "[[9], {}]", DecisionTaskCompletedEventID: c3})
			h.add(&engine.ActivityTaskStarted{ScheduledEventID: s3})
			h.add(&engine.ActivityTaskCompleted{ScheduledEventID: s3, Result: "81"})
			t4 := h.task(t3.StartedEventID)
			want(t, d.Decide(t4), &engine.CompleteWorkflowExecution{Result: "81"})
			// The engine refuses the close (new events came in): decide again.
			c4 := h.add(&engine.DecisionTaskCompleted{StartedEventID: t4.StartedEventID})
			h.add(&engine.CompleteWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: c4})
			t5 := h.task(t4.StartedEventID)
			want(t, d.Decide(t5), &engine.CompleteWorkflowExecution{Result: "81"})
			// The whole history replays cleanly.
			c5 := h.add(&engine.DecisionTaskCompleted{StartedEventID: t5.StartedEventID})
			h.add(&engine.WorkflowExecutionCompleted{Result: "81", DecisionTaskCompletedEventID: c5})
			if err := decider.Replay(twice(), t1.Execution, h.events); err != nil {
				t.Errorf("Replay: %v", err)
			}
			// A history whose recorded decision differs is nondeterministic.
			h.events[s3-1].Attr.(*engine.ActivityTaskScheduled).Input = "[[10], {}]"
			err := decider.Replay(twice(), t1.Execution, h.events)
			var nd *decider.NondeterminismError
			if !errors.As(err, &nd) || nd.EventID != c3 || !strings.Contains(nd.Recorded, "[[10], {}]") || !strings.Contains(nd.Now, "[[9], {}]") {
				t.Errorf("Replay of a tampered history: %v", err)
			}
		})
	}
}

func want(t *testing.T, got []engine.Decision, want ...engine.Decision) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decisions %s, want %s", show(got), show(want))
	}
}

func show(ds []engine.Decision) string {
	var s []string
	for _, d := range ds {
		s = append(s, fmt.Sprintf("%+v", d))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func TestUnknownWorkflowType(t *testing.T) {
	d := newDecider(t, 0)
	h := &history{}
	h.add(&engine.WorkflowExecutionStarted{Input: "[[], {}]"})
	task := h.task(0)
	task.Type = engine.WorkflowType{Name: "Nope", Version: "2"}
	got := d.Decide(task)
	if len(got) != 1 {
		t.Fatalf("decisions %s", show(got))
	}
	f, ok := got[0].(*engine.FailWorkflowExecution)
	if !ok || !strings.Contains(f.Reason, "no workflow type Nope/2") {
		t.Errorf("decision %+v, want a failure naming Nope/2", got[0])
	}
}

func TestBadWorkflowInput(t *testing.T) {
	d := newDecider(t, 0)
	h := &history{}
	h.add(&engine.WorkflowExecutionStarted{Input: `[["three"], {}]`})
	got := d.Decide(h.task(0))
	if f, ok := got[0].(*engine.FailWorkflowExecution); !ok || !strings.Contains(f.Reason, "bad input") {
		t.Errorf("decisions %s, want a bad input failure", show(got))
	}
}

// TestSmallCache runs many workflows at once through a decider that can
// cache only one run, so most decisions replay from history.
func TestSmallCache(t *testing.T) {
	acts := []*flowy.Activity{
		{Name: "square", Func: func(x int) int { return x * x }},
		{Name: "sum", Func: func(a, b int) int { return a + b }},
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			wf := &flowy.Workflow{Name: "SumSquares", Code: SumSquares{}, Deps: map[string]flowy.Dep{"Square": {Activity: "square"}, "Sum": {Activity: "sum"}}}
			got, err := local.Run[int](context.Background(), wf, local.Config{Activities: acts, Worker: worker.Options{Decider: decider.Options{CacheSize: 1}}}, 10+i)
			n := 10 + i
			if want := n * (n + 1) * (2*n + 1) / 6; got != want || err != nil {
				t.Errorf("SumSquares(%d) = %d, %v; want %d", n, got, err, want)
			}
		})
	}
	wg.Wait()
}

type SumSquares struct{ Square, Sum flowy.Task[int] }

func (w SumSquares) Run(n int) flowy.Result[int] {
	rs := make([]flowy.Result[int], n)
	for i := range rs {
		rs[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(w.Sum, rs)
}
