package worker_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
	"github.com/flowy-go/flowy/worker"
)

type SumSquares struct{ Square, Sum flowy.Task[int] }

func (w SumSquares) Run(n int) flowy.Result[int] {
	rs := make([]flowy.Result[int], n)
	for i := range rs {
		rs[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(w.Sum, rs)
}

// TestLostResponses loses a tenth of respond calls on the way to the engine
// and a tenth on the way back (their effects kept), and checks that every
// workflow still finishes with its correct result: lost decisions time out and are decided again
// (from a replay), lost activity results time out and are retried.
func TestLostResponses(t *testing.T) {
	for _, cache := range []int{0, -1} {
		t.Run(fmt.Sprint("cache=", cache), func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			rng := rand.New(rand.NewPCG(1, uint64(cache+2)))
			var lostBefore, lostAfter atomic.Int32
			lose := func(counter *atomic.Int32) func(string) error {
				return func(op string) error {
					mu.Lock()
					defer mu.Unlock()
					if rng.IntN(10) < 1 {
						counter.Add(1)
						return errors.New("injected: lost " + op)
					}
					return nil
				}
			}
			eng := memory.New(memory.Options{Hooks: memory.Hooks{BeforeRespond: lose(&lostBefore), AfterRespond: lose(&lostAfter)}})
			defer eng.Close()
			retry := []time.Duration{0, 0, 0, 0, 0, 0, 0, 0}
			wf := &flowy.Workflow{
				Name: "SumSquares", Code: SumSquares{}, DecisionTimeout: 300 * time.Millisecond,
				Deps: map[string]flowy.Dep{
					"Square": {Activity: "square", StartToClose: 300 * time.Millisecond, Retry: retry},
					"Sum":    {Activity: "sum", StartToClose: 300 * time.Millisecond, Retry: retry},
				},
			}
			acts := []*flowy.Activity{
				{Name: "square", Func: func(x int) int { return x * x }},
				{Name: "sum", Func: func(a, b int) int { return a + b }},
			}
			w, err := worker.New(eng, []*flowy.Workflow{wf}, acts, worker.Options{Decider: decider.Options{CacheSize: cache}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			stop, err := w.Start(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			var wg sync.WaitGroup
			for i := range 30 {
				n := 3 + i%7
				exec, err := client.Start(ctx, eng, wf, client.StartOptions{}, n)
				if err != nil {
					t.Fatal(err)
				}
				wg.Go(func() {
					got, err := client.Result[int](ctx, eng, exec, nil)
					if want := n * (n + 1) * (2*n + 1) / 6; got != want || err != nil {
						t.Errorf("SumSquares(%d) = %d, %v; want %d", n, got, err, want)
					}
				})
			}
			wg.Wait()
			t.Logf("lost %d requests and %d responses", lostBefore.Load(), lostAfter.Load())
			if lostBefore.Load() == 0 || lostAfter.Load() == 0 {
				t.Error("no fault was injected")
			}
		})
	}
}

// TestActivityWorker checks the activity side: an unknown activity type, a
// heartbeat that reaches the engine, and a result over SWF's limit.
func TestActivityWorker(t *testing.T) {
	eng := memory.New(memory.Options{})
	defer eng.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	heartbeats := make(chan error, 1)
	acts := []*flowy.Activity{
		{Name: "beat", Func: func(ctx context.Context) (string, error) {
			info, ok := flowy.GetActivityInfo(ctx)
			heartbeats <- flowy.Heartbeat(ctx, map[string]int{"done": 1})
			return info.ActivityID, map[bool]error{true: nil, false: errors.New("no activity info")}[ok]
		}},
	}
	w, err := worker.New(eng, nil, acts, worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stop, err := w.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := eng.RegisterActivityType(ctx, engine.ActivityTypeInfo{ActivityType: engine.ActivityType{Name: "unknown", Version: "1"}, DefaultTaskList: "default"}); err != nil {
		t.Fatal(err)
	}
	if err := eng.RegisterWorkflowType(ctx, engine.WorkflowTypeInfo{WorkflowType: engine.WorkflowType{Name: "manual", Version: "1"}, DefaultTaskList: "manual"}); err != nil {
		t.Fatal(err)
	}
	exec, err := client.StartRaw(ctx, eng, engine.WorkflowType{Name: "manual", Version: "1"}, "[[], {}]", client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	task, err := eng.PollDecisionTask(ctx, engine.PollParams{TaskList: "manual"})
	if err != nil || task == nil {
		t.Fatal(task, err)
	}
	err = eng.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: task.Token, Decisions: []engine.Decision{
		&engine.ScheduleActivityTask{ActivityID: "b-0-0", Type: engine.ActivityType{Name: "beat", Version: "1"}, Input: "[[], {}]"},
		&engine.ScheduleActivityTask{ActivityID: "u-0-0", Type: engine.ActivityType{Name: "unknown", Version: "1"}, Input: "[[], {}]"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-heartbeats; err != nil {
		t.Errorf("heartbeat: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		events, _ := eng.GetWorkflowExecutionHistory(ctx, exec)
		var done, failed string
		for _, e := range events {
			switch a := e.Attr.(type) {
			case *engine.ActivityTaskCompleted:
				done = a.Result
			case *engine.ActivityTaskFailed:
				failed = a.Reason
			}
		}
		if done != "" && failed != "" {
			if done != `"b-0-0"` {
				t.Errorf("beat returned %s, want its activity id", done)
			}
			if want := "flowy: activity type unknown/1 is not registered with this worker"; failed != want {
				t.Errorf("unknown activity failed with %q, want %q", failed, want)
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the activities did not finish")
}

// refusing is an engine that refuses every decision list scheduling an
// activity, as an engine refuses decisions over its limits.
type refusing struct{ *memory.Engine }

func (r refusing) RespondDecisionTaskCompleted(ctx context.Context, p engine.RespondDecisionParams) error {
	for _, d := range p.Decisions {
		if _, ok := d.(*engine.ScheduleActivityTask); ok {
			return fmt.Errorf("refusing: %w", engine.ErrLimitExceeded)
		}
	}
	return r.Engine.RespondDecisionTaskCompleted(ctx, p)
}

// TestRefusedDecisionsFailTheWorkflow: decisions the engine refuses would be
// refused at every retry; the workflow fails with the engine's reason rather
// than hang.
func TestRefusedDecisionsFailTheWorkflow(t *testing.T) {
	mem := memory.New(memory.Options{})
	defer mem.Close()
	eng := refusing{mem}
	wf := &flowy.Workflow{Name: "SumSquares", Code: SumSquares{}, Deps: map[string]flowy.Dep{"Square": {Activity: "square"}, "Sum": {Activity: "sum"}}}
	w, err := worker.New(eng, []*flowy.Workflow{wf}, nil, worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stop, err := w.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	exec, err := client.Start(ctx, eng, wf, client.StartOptions{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Result[int](ctx, mem, exec, nil)
	var we *client.WorkflowError
	if !errors.As(err, &we) || !strings.Contains(we.Reason, "the engine refused the decisions: refusing: limit exceeded") {
		t.Errorf("result error %v, want a failure saying the engine refused the decisions", err)
	}
}
