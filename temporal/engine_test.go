package temporal_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/bench"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/conformance"
	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/temporal"
	"github.com/flowy-go/flowy/worker"
)

func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// startWorker starts a worker on eng until the test ends.
func startWorker(t *testing.T, eng engine.Engine, wfs []*flowy.Workflow, acts []*flowy.Activity, opts worker.Options) func() {
	t.Helper()
	w, err := worker.New(eng, wfs, acts, opts)
	if err != nil {
		t.Fatal(err)
	}
	stop, err := w.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stopOnce := func() { once.Do(stop) }
	t.Cleanup(stopOnce)
	return stopOnce
}

func sleepActivity() *flowy.Activity {
	return &flowy.Activity{Name: "sleep", Func: func(ctx context.Context, ms, x int) (int, error) {
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
			return x, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}}
}

func squareActivity() *flowy.Activity {
	return &flowy.Activity{Name: "square", Func: func(x int) int { return x * x }}
}

// checkIDs checks that event ids are 1..n.
func checkIDs(t *testing.T, events []engine.Event) {
	t.Helper()
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Fatalf("event %d has id %d:\n%s", i+1, ev.ID, conformance.FormatHistory(events))
		}
	}
}

// recorder records the decision tasks of an engine with their answers.
type recorder struct {
	*temporal.Engine
	mu    sync.Mutex
	tasks map[string]*engine.DecisionTask
	steps []step
	// delay, if set, runs before answering a decision task.
	delay func(p engine.RespondDecisionParams)
}

type step struct {
	task      *engine.DecisionTask
	decisions []engine.Decision
}

func (r *recorder) PollDecisionTask(ctx context.Context, p engine.PollParams) (*engine.DecisionTask, error) {
	t, err := r.Engine.PollDecisionTask(ctx, p)
	if t != nil {
		r.mu.Lock()
		if r.tasks == nil {
			r.tasks = map[string]*engine.DecisionTask{}
		}
		r.tasks[t.Token] = t
		r.mu.Unlock()
	}
	return t, err
}

func (r *recorder) RespondDecisionTaskCompleted(ctx context.Context, p engine.RespondDecisionParams) error {
	if r.delay != nil {
		r.delay(p)
	}
	err := r.Engine.RespondDecisionTaskCompleted(ctx, p)
	r.mu.Lock()
	defer r.mu.Unlock()
	if t := r.tasks[p.Token]; t != nil && err == nil {
		r.steps = append(r.steps, step{t, p.Decisions})
	}
	return err
}

// crossCheck decides every recorded task again with a fresh decider of the
// other cache mode, and replays the finished history.
func (r *recorder) crossCheck(t *testing.T, wfs []*flowy.Workflow, cache int, last engine.Execution, history []engine.Event) {
	t.Helper()
	other := 0
	if cache >= 0 {
		other = -1
	}
	d, err := decider.New(wfs, decider.Options{CacheSize: other})
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	steps := append([]step(nil), r.steps...)
	r.mu.Unlock()
	for i, s := range steps {
		if got := d.Decide(s.task); !reflect.DeepEqual(got, s.decisions) {
			t.Errorf("task %d (started at %d): the other decider decides\n%s\nbut the run decided\n%s", i,
				s.task.StartedEventID, conformance.FormatDecisions(got), conformance.FormatDecisions(s.decisions))
		}
	}
	if err := decider.Replay(wfs[0], last, history); err != nil {
		t.Errorf("replaying the history: %v", err)
	}
}

// Early returns Fast's result while Slow still runs.
type Early struct{ Fast, Slow flowy.Task[int] }

// Run returns 2.
func (w Early) Run() flowy.Result[int] {
	w.Slow.Call(300, 1)
	return w.Fast.Call(0, 2)
}

// TestUnhandledCommand checks that a close decision the server refuses
// (UNHANDLED_COMMAND: an activity completed while the decision task was
// started) is not an error, shows in the history as a DecisionTaskFailed,
// and is decided again correctly, with and without sticky queues and the
// decider's cache.
func TestUnhandledCommand(t *testing.T) {
	for _, sticky := range []int{0, -1} {
		for _, cache := range []int{0, -1} {
			name := map[bool]string{true: "sticky", false: "nosticky"}[sticky == 0] + "/" + map[bool]string{true: "cache", false: "nocache"}[cache == 0]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ctx := testContext(t, 60*time.Second)
				e := newEngine(t, temporal.Options{StickyCacheSize: sticky})
				var once atomic.Bool
				rec := &recorder{Engine: e, delay: func(p engine.RespondDecisionParams) {
					if n := len(p.Decisions); n > 0 && engine.IsClose(p.Decisions[n-1]) && once.CompareAndSwap(false, true) {
						time.Sleep(800 * time.Millisecond) // Slow completes meanwhile
					}
				}}
				wf := &flowy.Workflow{Name: "Early", Code: Early{}, Deps: map[string]flowy.Dep{
					"Fast": {Activity: "sleep"}, "Slow": {Activity: "sleep"}}}
				startWorker(t, rec, []*flowy.Workflow{wf}, []*flowy.Activity{sleepActivity()},
					worker.Options{Decider: decider.Options{CacheSize: cache}})
				exec, err := client.Start(ctx, rec, wf, client.StartOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if v, err := client.Result[int](ctx, rec, exec, nil); err != nil || v != 2 {
					t.Fatalf("result %v, %v; want 2", v, err)
				}
				hist, err := e.GetWorkflowExecutionHistory(ctx, exec)
				if err != nil {
					t.Fatal(err)
				}
				checkIDs(t, hist)
				refused := 0
				for _, ev := range hist {
					if f, ok := ev.Attr.(*temporal.DecisionTaskFailed); ok && f.Cause == "UNHANDLED_COMMAND" {
						refused++
					}
				}
				if refused != 1 {
					t.Errorf("%d refused close decisions in the history, want 1:\n%s", refused, conformance.FormatHistory(hist))
				}
				if got := conformance.Decisions(hist); strings.Join(got, "\n") != strings.Join([]string{
					"ScheduleActivityTask Slow-0-0 [[300, 1], {}]",
					"ScheduleActivityTask Fast-0-0 [[0, 2], {}]",
					"CompleteWorkflowExecution 2"}, "\n") {
					t.Errorf("decisions:\n%s", strings.Join(got, "\n"))
				}
				rec.crossCheck(t, []*flowy.Workflow{wf}, cache, exec, hist)
			})
		}
	}
}

// Waiter waits for a long activity.
type Waiter struct{ Sleep flowy.Task[int] }

// Run waits ms milliseconds.
func (w Waiter) Run(ms int) flowy.Result[int] { return w.Sleep.Call(ms, 1) }

// TestSignalCancelTerminate checks the Signaler capability, and that
// terminating a run shows in its history, in WaitClosed and in Describe.
func TestSignalCancelTerminate(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, 60*time.Second)
	e := newEngine(t, temporal.Options{})
	wf := &flowy.Workflow{Name: "Waiter", Code: Waiter{}, Deps: map[string]flowy.Dep{"Sleep": {Activity: "sleep"}}}
	startWorker(t, e, []*flowy.Workflow{wf}, []*flowy.Activity{sleepActivity()}, worker.Options{})
	exec, err := client.Start(ctx, e, wf, client.StartOptions{Tags: []string{"a", "b"}}, 30000)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SignalWorkflow(ctx, exec, "hello", `{"x": 1}`); err != nil {
		t.Fatal(err)
	}
	if err := e.RequestCancelWorkflow(ctx, engine.Execution{WorkflowID: exec.WorkflowID}); err != nil {
		t.Fatal(err)
	}
	info, err := e.DescribeWorkflowExecution(ctx, exec)
	if err != nil {
		t.Fatal(err)
	}
	if info.Status != engine.StatusOpen || info.Type != (engine.WorkflowType{Name: "Waiter", Version: "1"}) ||
		!reflect.DeepEqual(info.Tags, []string{"a", "b"}) || info.Execution != exec {
		t.Errorf("describe: %+v", info)
	}
	closed := make(chan engine.Event, 1)
	go func() {
		ev, err := e.WaitClosed(ctx, engine.Execution{WorkflowID: exec.WorkflowID})
		if err != nil {
			t.Error(err)
		}
		closed <- ev
	}()
	time.Sleep(200 * time.Millisecond)
	if err := e.TerminateWorkflow(ctx, exec, "enough", `{"why": "test"}`); err != nil {
		t.Fatal(err)
	}
	ev := <-closed
	want := &engine.WorkflowExecutionTerminated{Reason: "enough", Details: `{"why": "test"}`, ChildPolicy: engine.ChildPolicyAbandon}
	if !reflect.DeepEqual(ev.Attr, want) {
		t.Errorf("WaitClosed returned %s %+v, want %+v", ev.Type(), ev.Attr, want)
	}
	hist, err := e.GetWorkflowExecutionHistory(ctx, exec)
	if err != nil {
		t.Fatal(err)
	}
	checkIDs(t, hist)
	var signaled, cancelReq bool
	for _, ev := range hist {
		switch a := ev.Attr.(type) {
		case *engine.WorkflowExecutionSignaled:
			signaled = a.SignalName == "hello" && a.Input == `{"x": 1}`
		case *engine.WorkflowExecutionCancelRequested:
			cancelReq = true
		}
	}
	if !signaled || !cancelReq || !reflect.DeepEqual(hist[len(hist)-1].Attr, want) {
		t.Errorf("history:\n%s", conformance.FormatHistory(hist))
	}
	if info, err = e.DescribeWorkflowExecution(ctx, exec); err != nil || info.Status != engine.StatusTerminated || info.CloseTime.IsZero() {
		t.Errorf("describe after terminate: %+v, %v", info, err)
	}
	if err := e.TerminateWorkflow(ctx, exec, "again", ""); !errors.Is(err, engine.ErrUnknownResource) {
		t.Errorf("terminating a closed run: %v, want ErrUnknownResource", err)
	}
}

// TestStickyFallback checks that decision tasks reach another worker when
// the one whose sticky queue a run uses goes away: at once when its engine
// closes, after the sticky timeout when it just stops polling.
func TestStickyFallback(t *testing.T) {
	for _, closeIt := range []bool{true, false} {
		name := map[bool]string{true: "closed", false: "stopped"}[closeIt]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t, 60*time.Second)
			prefix := "sticky-" + name + "-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "") + "-"
			a := newEngine(t, temporal.Options{TaskQueuePrefix: prefix, StickyTimeout: time.Second})
			b := newEngine(t, temporal.Options{TaskQueuePrefix: prefix})
			gate := make(chan struct{})
			var calls atomic.Int32
			square := &flowy.Activity{Name: "square", Func: func(x int) int {
				if calls.Add(1) == 1 {
					<-gate
				}
				return x * x
			}}
			chain := &flowy.Workflow{Name: "Chain", Code: conformance.Chain{}, Deps: map[string]flowy.Dep{"Square": {Activity: "square"}}}
			// Temporal has no type registry: the deciding engine needs its
			// own record of the activity type.
			if err := a.RegisterActivityType(ctx, engine.ActivityTypeInfo{ActivityType: engine.ActivityType{Name: "square", Version: "1"}}); err != nil {
				t.Fatal(err)
			}
			stopA := startWorker(t, a, []*flowy.Workflow{chain}, nil, worker.Options{})
			startWorker(t, b, nil, []*flowy.Activity{square}, worker.Options{})
			exec, err := client.Start(ctx, a, chain, client.StartOptions{}, 2)
			if err != nil {
				t.Fatal(err)
			}
			for calls.Load() == 0 {
				if ctx.Err() != nil {
					t.Fatal("the first activity never started")
				}
				time.Sleep(10 * time.Millisecond)
			}
			stopA()
			if closeIt {
				a.Close()
			}
			stopped := time.Now()
			close(gate)
			startWorker(t, b, []*flowy.Workflow{chain}, nil, worker.Options{})
			if v, err := client.Result[int](ctx, b, exec, nil); err != nil || v != 256 {
				t.Fatalf("result %v, %v; want 256", v, err)
			}
			took := time.Since(stopped)
			hist, err := b.GetWorkflowExecutionHistory(ctx, exec)
			if err != nil {
				t.Fatal(err)
			}
			checkIDs(t, hist)
			timedOut := 0
			for _, ev := range hist {
				if a, ok := ev.Attr.(*engine.DecisionTaskTimedOut); ok && a.TimeoutType == engine.TimeoutScheduleToStart {
					timedOut++
				}
			}
			t.Logf("finished %v after the first worker went away; %d sticky decision tasks timed out", took, timedOut)
			if !closeIt && timedOut != 1 {
				t.Errorf("%d decision tasks timed out on the sticky queue, want 1:\n%s", timedOut, conformance.FormatHistory(hist))
			}
			if closeIt && took > 900*time.Millisecond {
				t.Errorf("after the engine closed, the run took %v to finish: its sticky queue was not given up", took)
			}
			if cached, fetched, full := temporal.DecisionStats(b); fetched+full == 0 {
				t.Errorf("the new worker got decision tasks with %d cached, %d fetched, %d full histories", cached, fetched, full)
			}
		})
	}
}

// TestStickyCache checks that a warm engine hands out decision tasks from
// the history it kept, reading nothing more.
func TestStickyCache(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, 60*time.Second)
	e := newEngine(t, temporal.Options{})
	chain := &flowy.Workflow{Name: "Chain", Code: conformance.Chain{}, Deps: map[string]flowy.Dep{"Square": {Activity: "square"}}}
	startWorker(t, e, []*flowy.Workflow{chain}, []*flowy.Activity{squareActivity()}, worker.Options{})
	exec, err := client.Start(ctx, e, chain, client.StartOptions{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := client.Result[int](ctx, e, exec, nil); err != nil || v != 256 {
		t.Fatalf("result %v, %v; want 256", v, err)
	}
	cached, fetched, full := temporal.DecisionStats(e)
	if full != 1 || fetched != 0 || cached < 3 {
		t.Errorf("decision tasks: %d with the kept history, %d read again, %d whole; want 1 whole and the others kept", cached, fetched, full)
	}
	if n := temporal.CachedRuns(e); n != 1 {
		t.Errorf("%d runs cached, want 1", n)
	}
}

// TestLongHistory runs benchmark (a) with 300 numbers (a history of over
// 2,000 events, read in pages) without sticky queues, so that every decision
// task's history comes in several pages.
func TestLongHistory(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, 120*time.Second)
	env := startBench(t, temporal.Options{StickyCacheSize: -1})
	if _, err := env.MapReduce(ctx, 300); err != nil {
		t.Fatal(err)
	}
	_ = bench.Workflows
}

// TestErrors checks the errors of the contract.
func TestErrors(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, 60*time.Second)
	e := newEngine(t, temporal.Options{})
	wt := engine.WorkflowType{Name: "W", Version: "1"}
	if err := e.RegisterWorkflowType(ctx, engine.WorkflowTypeInfo{WorkflowType: wt}); err != nil {
		t.Fatal(err)
	}
	if err := e.RegisterWorkflowType(ctx, engine.WorkflowTypeInfo{WorkflowType: wt}); !errors.Is(err, engine.ErrTypeAlreadyExists) {
		t.Errorf("registering twice: %v", err)
	}
	if err := e.RegisterActivityType(ctx, engine.ActivityTypeInfo{ActivityType: engine.ActivityType{Name: "a"},
		ActivityTimeouts: engine.ActivityTimeouts{Heartbeat: -5}}); !errors.Is(err, engine.ErrInvalidArgument) {
		t.Errorf("a negative timeout: %v", err)
	}
	_, err := e.StartWorkflow(ctx, engine.StartWorkflowParams{WorkflowID: "x", Type: engine.WorkflowType{Name: "nosuch"}})
	if !errors.Is(err, engine.ErrUnknownResource) {
		t.Errorf("starting an unknown type: %v", err)
	}
	if _, err = e.StartWorkflow(ctx, engine.StartWorkflowParams{WorkflowID: "x", Type: wt}); !errors.Is(err, engine.ErrInvalidArgument) {
		t.Errorf("starting without a task list: %v", err)
	}
	id := "errors-" + time.Now().Format("150405.000000000")
	p := engine.StartWorkflowParams{WorkflowID: id, Type: wt, TaskList: "nobody", Input: "[[], {}]"}
	runID, err := e.StartWorkflow(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = e.StartWorkflow(ctx, p); !errors.Is(err, engine.ErrAlreadyStarted) {
		t.Errorf("starting twice: %v", err)
	}
	exec := engine.Execution{WorkflowID: id, RunID: runID}
	hist, err := e.GetWorkflowExecutionHistory(ctx, engine.Execution{WorkflowID: id})
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %v, %v", hist, err)
	}
	st, ok := hist[0].Attr.(*engine.WorkflowExecutionStarted)
	if !ok || st.Input != "[[], {}]" || st.TaskList != "nobody" || st.Type != wt || st.ExecutionTimeout != engine.NoTimeout ||
		st.DecisionTimeout != 10*time.Second || st.ChildPolicy != engine.ChildPolicyAbandon {
		t.Errorf("started event: %+v", hist[0].Attr)
	}
	// A decision task, answered wrongly, then rightly.
	task, err := e.PollDecisionTask(ctx, engine.PollParams{TaskList: "nobody", Identity: "tester"})
	if err != nil || task == nil || task.Execution != exec || task.StartedEventID != 3 || len(task.Events) != 3 {
		t.Fatalf("poll: %+v, %v", task, err)
	}
	err = e.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: task.Token, Decisions: []engine.Decision{
		&engine.CompleteWorkflowExecution{Result: "1"}, &engine.StartTimer{TimerID: "t", StartToFire: time.Second}}})
	if !errors.Is(err, engine.ErrInvalidArgument) {
		t.Errorf("a close decision that is not the last: %v", err)
	}
	if err = e.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: task.Token, Decisions: []engine.Decision{
		&engine.StartTimer{TimerID: "t", StartToFire: time.Hour, Control: `{"c": 1}`},
		&engine.StartTimer{TimerID: "t", StartToFire: time.Hour},
		&engine.ScheduleActivityTask{ActivityID: "a", Type: engine.ActivityType{Name: "nosuch", Version: "2"}},
		&engine.StartChildWorkflowExecution{WorkflowID: "c", Type: engine.WorkflowType{Name: "nosuch", Version: "3"}},
	}}); err != nil {
		t.Fatal(err)
	}
	if err = e.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: task.Token}); !errors.Is(err, engine.ErrUnknownResource) {
		t.Errorf("answering twice: %v", err)
	}
	// The failed decisions schedule another decision task.
	task, err = e.PollDecisionTask(ctx, engine.PollParams{TaskList: "nobody", Identity: "tester"})
	if err != nil || task == nil {
		t.Fatalf("second poll: %+v, %v", task, err)
	}
	checkIDs(t, task.Events)
	want := []engine.EventAttributes{
		&engine.TimerStarted{TimerID: "t", StartToFire: time.Hour, Control: `{"c": 1}`, DecisionTaskCompletedEventID: 4},
		&engine.StartTimerFailed{TimerID: "t", Cause: engine.CauseTimerIDAlreadyInUse, DecisionTaskCompletedEventID: 4},
		&engine.ScheduleActivityTaskFailed{ActivityID: "a", Type: engine.ActivityType{Name: "nosuch", Version: "2"},
			Cause: engine.CauseTypeDoesNotExist, DecisionTaskCompletedEventID: 4},
		&engine.StartChildWorkflowExecutionFailed{WorkflowID: "c", Type: engine.WorkflowType{Name: "nosuch", Version: "3"},
			Cause: engine.CauseTypeDoesNotExist, DecisionTaskCompletedEventID: 4},
	}
	for i, w := range want {
		if got := task.Events[4+i].Attr; !reflect.DeepEqual(got, w) {
			t.Errorf("event %d: %s %+v, want %+v", 5+i, task.Events[4+i].Type(), got, w)
		}
	}
	if task.PreviousStartedEventID != 3 || task.Type != wt {
		t.Errorf("task: previous started %d, type %v", task.PreviousStartedEventID, task.Type)
	}
	if err := e.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: task.Token, Decisions: []engine.Decision{
		&engine.FailWorkflowExecution{Reason: "bad", Details: `{"kind": "k", "message": "bad\nworse"}`}}}); err != nil {
		t.Fatal(err)
	}
	ev, err := e.WaitClosed(ctx, exec)
	if err != nil || !reflect.DeepEqual(ev.Attr, &engine.WorkflowExecutionFailed{Reason: "bad",
		Details: `{"kind": "k", "message": "bad\nworse"}`, DecisionTaskCompletedEventID: ev.ID - 1}) {
		t.Errorf("WaitClosed: %s %+v, %v", ev.Type(), ev.Attr, err)
	}
	// Nothing to poll: (nil, nil) when the context ends.
	pctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if task, err := e.PollActivityTask(pctx, engine.PollParams{TaskList: "nobody"}); task != nil || err != nil {
		t.Errorf("empty poll: %v, %v", task, err)
	}
	for name, err := range map[string]error{
		"complete": e.RespondActivityTaskCompleted(ctx, "bm9wZQ", "1"),
		"fail":     e.RespondActivityTaskFailed(ctx, "!", "r", ""),
	} {
		if !errors.Is(err, engine.ErrUnknownResource) {
			t.Errorf("%s with a bad token: %v", name, err)
		}
	}
	if _, err := e.DescribeWorkflowExecution(ctx, engine.Execution{WorkflowID: "nosuch-" + id}); !errors.Is(err, engine.ErrUnknownResource) {
		t.Errorf("describing an unknown run: %v", err)
	}
	e.Close()
	if _, err := e.PollDecisionTask(ctx, engine.PollParams{TaskList: "nobody"}); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("polling a closed engine: %v", err)
	}
}

// Leaver starts a long child, waits a little and returns without it.
type Leaver struct {
	Child flowy.Task[int]
	Sleep flowy.Task[int]
}

// Run returns 1 while the child still runs.
func (w Leaver) Run() (int, error) {
	w.Child.Call(60000)
	return w.Sleep.Call(1500, 1).Get()
}

// TestChildPolicy checks that a parent's child policy becomes its
// children's parent close policy: TERMINATE terminates an open child when
// the parent closes (cause CHILD_POLICY_APPLIED), ABANDON leaves it running.
func TestChildPolicy(t *testing.T) {
	for _, policy := range []engine.ChildPolicy{engine.ChildPolicyTerminate, engine.ChildPolicyAbandon} {
		t.Run(string(policy), func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t, 60*time.Second)
			e := newEngine(t, temporal.Options{})
			parent := &flowy.Workflow{Name: "Leaver", Code: Leaver{}, ChildPolicy: policy, Deps: map[string]flowy.Dep{
				"Child": {Workflow: "Waiter"}, "Sleep": {Activity: "sleep"}}}
			child := &flowy.Workflow{Name: "Waiter", Code: Waiter{}, Deps: map[string]flowy.Dep{"Sleep": {Activity: "sleep"}}}
			startWorker(t, e, []*flowy.Workflow{parent, child}, []*flowy.Activity{sleepActivity()}, worker.Options{})
			exec, err := client.Start(ctx, e, parent, client.StartOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if v, err := client.Result[int](ctx, e, exec, nil); err != nil || v != 1 {
				t.Fatalf("result %v, %v", v, err)
			}
			hist, err := e.GetWorkflowExecutionHistory(ctx, exec)
			if err != nil {
				t.Fatal(err)
			}
			var childExec engine.Execution
			for _, ev := range hist {
				switch a := ev.Attr.(type) {
				case *engine.ChildWorkflowExecutionStarted:
					childExec = a.Execution
				case *engine.StartChildWorkflowExecutionInitiated:
					if a.ChildPolicy != engine.ChildPolicyAbandon || a.Type != (engine.WorkflowType{Name: "Waiter", Version: "1"}) {
						t.Errorf("child initiated with %+v", a)
					}
				}
			}
			if childExec.RunID == "" {
				t.Fatalf("the child never started:\n%s", conformance.FormatHistory(hist))
			}
			info, err := e.DescribeWorkflowExecution(ctx, childExec)
			if err != nil {
				t.Fatal(err)
			}
			if info.Parent == nil || *info.Parent != exec {
				t.Errorf("the child's parent is %v, want %v", info.Parent, exec)
			}
			if policy == engine.ChildPolicyAbandon {
				if info.Status != engine.StatusOpen {
					t.Errorf("an abandoned child is %s, want OPEN", info.Status)
				}
				if err := e.TerminateWorkflow(ctx, childExec, "done", ""); err != nil {
					t.Fatal(err)
				}
				return
			}
			ev, err := e.WaitClosed(ctx, childExec)
			if err != nil {
				t.Fatal(err)
			}
			if a, ok := ev.Attr.(*engine.WorkflowExecutionTerminated); !ok || a.Cause != "CHILD_POLICY_APPLIED" || a.ChildPolicy != engine.ChildPolicyAbandon {
				t.Errorf("the child closed with %s %+v, want a termination by the child policy", ev.Type(), ev.Attr)
			}
		})
	}
}
