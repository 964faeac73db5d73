package memory

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// load runs workflows through an engine with concurrent deciders and
// activity workers. Workflows whose input is "seq" run their activities one
// after the other; those with "par" schedule them all at once.
type load struct {
	tb         testing.TB
	e          *Engine
	activities int // per workflow
	handedOut  sync.Map
	dupes      atomic.Int64
	done       atomic.Int64
}

func (l *load) decide(dt *engine.DecisionTask) []engine.Decision {
	evs := dt.Events
	input := evs[0].Attr.(*engine.WorkflowExecutionStarted).Input
	if input == "par" {
		if dt.PreviousStartedEventID == 0 {
			ds := make([]engine.Decision, l.activities)
			for i := range ds {
				ds[i] = &engine.ScheduleActivityTask{ActivityID: strconv.Itoa(i), Type: actType, Input: "x"}
			}
			return ds
		}
		completed := 0
		for _, ev := range evs {
			if _, ok := ev.Attr.(*engine.ActivityTaskCompleted); ok {
				completed++
			}
		}
		if completed == l.activities {
			return []engine.Decision{&engine.CompleteWorkflowExecution{Result: "ok"}}
		}
		return nil
	}
	// Sequential: the next activity after the last scheduled one.
	next := 0
	for i := len(evs) - 1; i >= 0; i-- {
		if s, ok := evs[i].Attr.(*engine.ActivityTaskScheduled); ok {
			n, _ := strconv.Atoi(s.ActivityID)
			next = n + 1
			break
		}
	}
	if next == l.activities {
		return []engine.Decision{&engine.CompleteWorkflowExecution{Result: "ok"}}
	}
	return []engine.Decision{&engine.ScheduleActivityTask{ActivityID: strconv.Itoa(next), Type: actType, Input: "x"}}
}

func (l *load) decider(ctx context.Context) {
	for {
		dt, err := l.e.PollDecisionTask(ctx, engine.PollParams{TaskList: decList, Identity: "decider"})
		if dt == nil || err != nil {
			return
		}
		if err := l.e.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: dt.Token, Decisions: l.decide(dt)}); err != nil {
			l.tb.Errorf("respond decision: %v", err)
			return
		}
	}
}

func (l *load) worker(ctx context.Context) {
	for {
		at, err := l.e.PollActivityTask(ctx, engine.PollParams{TaskList: actList, Identity: "worker"})
		if at == nil || err != nil {
			return
		}
		key := at.Execution.RunID + "/" + at.ActivityID
		if _, dup := l.handedOut.LoadOrStore(key, true); dup {
			l.dupes.Add(1)
		}
		if err := l.e.RespondActivityTaskCompleted(ctx, at.Token, at.Input); err != nil {
			l.tb.Errorf("respond activity: %v", err)
			return
		}
		l.done.Add(1)
	}
}

// run starts n workflows and waits until they all closed.
func (l *load) run(n, deciders, workers int, mode func(i int) string) []engine.Execution {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range deciders {
		wg.Go(func() { l.decider(ctx) })
	}
	for range workers {
		wg.Go(func() { l.worker(ctx) })
	}
	execs := make([]engine.Execution, n)
	for i := range n {
		id := fmt.Sprintf("load-%d", i)
		runID, err := l.e.StartWorkflow(ctx, engine.StartWorkflowParams{WorkflowID: id, Type: wfType, Input: mode(i)})
		if err != nil {
			l.tb.Fatal(err)
		}
		execs[i] = engine.Execution{WorkflowID: id, RunID: runID}
	}
	for _, ex := range execs {
		wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
		ev, err := l.e.WaitClosed(wctx, ex)
		wcancel()
		if err != nil {
			l.tb.Fatalf("%v: %v", ex, err)
		}
		if ev.Type() != "WorkflowExecutionCompleted" {
			l.tb.Fatalf("%v closed by %s", ex, ev.Type())
		}
	}
	cancel()
	wg.Wait()
	return execs
}

func TestConcurrentLoad(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	l := &load{tb: t, e: h.e, activities: 10}
	execs := l.run(200, 4, 8, func(i int) string {
		if i%2 == 0 {
			return "seq"
		}
		return "par"
	})
	if n := l.dupes.Load(); n != 0 {
		t.Fatalf("%d activity tasks handed out twice", n)
	}
	if n := l.done.Load(); n != 200*10 {
		t.Fatalf("%d activities done, want %d", n, 200*10)
	}
	for _, ex := range execs {
		counts := map[string]int{}
		for _, ev := range h.history(ex) {
			counts[ev.Type()]++
		}
		if counts["ActivityTaskScheduled"] != 10 || counts["ActivityTaskCompleted"] != 10 ||
			counts["ActivityTaskTimedOut"] != 0 || counts["DecisionTaskTimedOut"] != 0 ||
			counts["DecisionTaskScheduled"] != counts["DecisionTaskCompleted"] {
			t.Fatalf("%v: %v", ex, counts)
		}
	}
}

// BenchmarkActivities runs b.N activities end to end (decision, poll,
// completion, decision) over 100 workflows running activities one at a time.
func BenchmarkActivities(b *testing.B) {
	benchmarkLoad(b, 100, "seq")
}

// BenchmarkConcurrentWorkflows runs 1,000 concurrent workflows with
// activities in parallel.
func BenchmarkConcurrentWorkflows(b *testing.B) {
	benchmarkLoad(b, 1000, "par")
}

func benchmarkLoad(b *testing.B, workflows int, mode string) {
	e := New(Options{})
	defer e.Close()
	ctx := context.Background()
	e.RegisterWorkflowType(ctx, engine.WorkflowTypeInfo{WorkflowType: wfType, DefaultTaskList: decList})
	e.RegisterActivityType(ctx, engine.ActivityTypeInfo{ActivityType: actType, DefaultTaskList: actList,
		ActivityTimeouts: engine.ActivityTimeouts{StartToClose: time.Minute, ScheduleToStart: time.Minute}})
	per := max(1, b.N/workflows)
	l := &load{tb: b, e: e, activities: per}
	b.ResetTimer()
	start := time.Now()
	l.run(workflows, 2, 4, func(int) string { return mode })
	b.ReportMetric(float64(l.done.Load())/time.Since(start).Seconds(), "activities/s")
}
