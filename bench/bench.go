// Package bench measures flowy end to end on any engine: (a) a ParallelReduce
// sum of squares over many numbers, (b) many small workflows started at once,
// and (c) the cost of one decision deep into a long history, with a warm
// decider and after a cold replay. `go test -bench` and `flowy bench` run it.
package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
	"github.com/flowy-go/flowy/worker"
)

// SumSquares is benchmark (a)'s workflow.
type SumSquares struct{ Square, Sum flowy.Task[int] }

// Run returns 1²+...+n² with ParallelReduce.
func (w SumSquares) Run(n int) flowy.Result[int] {
	rs := make([]flowy.Result[int], n)
	for i := range rs {
		rs[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(w.Sum, rs)
}

// SquareSum is benchmark (b)'s workflow.
type SquareSum struct{ Square, Sum flowy.Task[int] }

// Run returns a²+b².
func (w SquareSum) Run(a, b int) flowy.Result[int] {
	return w.Sum.Call(w.Square.Call(a), w.Square.Call(b))
}

// Chain is benchmark (c)'s workflow: n additions in a row.
type Chain struct{ Add flowy.Task[int] }

// Run returns n.
func (w Chain) Run(n int) flowy.Result[int] {
	r := flowy.Value(0)
	for range n {
		r = w.Add.Call(r, 1)
	}
	return r
}

func deps() map[string]flowy.Dep {
	return map[string]flowy.Dep{"Square": {Activity: "square"}, "Sum": {Activity: "sum"}}
}

// Workflows returns fresh definitions of the benchmarks' workflows.
func Workflows() []*flowy.Workflow {
	return []*flowy.Workflow{
		{Name: "BenchSumSquares", Code: SumSquares{}, Deps: deps()},
		{Name: "BenchSquareSum", Code: SquareSum{}, Deps: deps()},
		{Name: "BenchChain", Code: Chain{}, Deps: map[string]flowy.Dep{"Add": {Activity: "sum"}}},
	}
}

// Activities returns the benchmarks' activities (they do no work).
func Activities() []*flowy.Activity {
	return []*flowy.Activity{
		{Name: "square", Func: func(x int) int { return x * x }},
		{Name: "sum", Func: func(a, b int) int { return a + b }},
	}
}

// Result is one measurement.
type Result struct {
	Name       string        `json:"name"`
	Engine     string        `json:"engine"`
	N          int           `json:"n"`
	Activities int           `json:"activities"`
	Workflows  int           `json:"workflows"`
	Duration   time.Duration `json:"-"`
	Seconds    float64       `json:"seconds"`
	// PerSecond is activities per second for (a), workflows per second for
	// (b), decisions per second for (c).
	PerSecond float64 `json:"per_second"`
}

func (r Result) String() string {
	return fmt.Sprintf("%-28s %-8s n=%-6d %8.3fs %10.0f/s", r.Name, r.Engine, r.N, r.Seconds, r.PerSecond)
}

// Env is an engine with workers running the benchmarks' types.
type Env struct {
	Engine engine.Engine
	Name   string
	wfs    map[string]*flowy.Workflow
	stop   func()
}

// Start starts workers for the benchmarks on eng; Stop stops them.
func Start(ctx context.Context, eng engine.Engine, name string, opts worker.Options) (*Env, error) {
	wfs := Workflows()
	w, err := worker.New(eng, wfs, Activities(), opts)
	if err != nil {
		return nil, err
	}
	stop, err := w.Start(ctx)
	if err != nil {
		return nil, err
	}
	env := &Env{Engine: eng, Name: name, wfs: map[string]*flowy.Workflow{}, stop: stop}
	for _, wf := range wfs {
		env.wfs[wf.Name] = wf
	}
	return env, nil
}

// Stop stops the workers.
func (e *Env) Stop() { e.stop() }

// MapReduce runs benchmark (a): a ParallelReduce sum of squares of 1..n
// (2n-1 activities), end to end.
func (e *Env) MapReduce(ctx context.Context, n int) (Result, error) {
	start := time.Now()
	exec, err := client.Start(ctx, e.Engine, e.wfs["BenchSumSquares"], client.StartOptions{}, n)
	if err != nil {
		return Result{}, err
	}
	got, err := client.Result[int](ctx, e.Engine, exec, nil)
	if err != nil {
		return Result{}, err
	}
	d := time.Since(start)
	if want := n * (n + 1) * (2*n + 1) / 6; got != want {
		return Result{}, fmt.Errorf("bench: sum of squares of 1..%d is %d, got %d", n, want, got)
	}
	acts := 2*n - 1
	return Result{Name: "a: parallel-reduce", Engine: e.Name, N: n, Activities: acts, Workflows: 1,
		Duration: d, Seconds: d.Seconds(), PerSecond: float64(acts) / d.Seconds()}, nil
}

// ManyWorkflows runs benchmark (b): n workflows started at once, each
// square(2) + square(10) summed by a third activity.
func (e *Env) ManyWorkflows(ctx context.Context, n int) (Result, error) {
	start := time.Now()
	execs := make([]engine.Execution, n)
	for i := range execs {
		exec, err := client.Start(ctx, e.Engine, e.wfs["BenchSquareSum"], client.StartOptions{}, 2, 10)
		if err != nil {
			return Result{}, err
		}
		execs[i] = exec
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, exec := range execs {
		wg.Go(func() {
			got, err := client.Result[int](ctx, e.Engine, exec, nil)
			if err == nil && got != 104 {
				err = fmt.Errorf("bench: %s gave %d, want 104", exec.WorkflowID, got)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return Result{}, err
	}
	return Result{Name: "b: many-workflows", Engine: e.Name, N: n, Activities: 3 * n, Workflows: n,
		Duration: d, Seconds: d.Seconds(), PerSecond: float64(n) / d.Seconds()}, nil
}

// recorder keeps every decision task an engine hands out.
type recorder struct {
	engine.Engine
	mu    sync.Mutex
	tasks []*engine.DecisionTask
}

func (r *recorder) PollDecisionTask(ctx context.Context, p engine.PollParams) (*engine.DecisionTask, error) {
	t, err := r.Engine.PollDecisionTask(ctx, p)
	if t != nil {
		r.mu.Lock()
		r.tasks = append(r.tasks, t)
		r.mu.Unlock()
	}
	return t, err
}

func (r *recorder) WaitClosed(ctx context.Context, exec engine.Execution) (engine.Event, error) {
	return r.Engine.(engine.CloseWaiter).WaitClosed(ctx, exec)
}

// History records the decision tasks of a Chain of n additions run on the
// memory engine: task i has i completed activities before it.
func History(ctx context.Context, n int) ([]*engine.DecisionTask, error) {
	eng := memory.New(memory.Options{})
	defer eng.Close()
	rec := &recorder{Engine: eng}
	env, err := Start(ctx, rec, "memory", worker.Options{Deciders: 1, ActivityWorkers: 1})
	if err != nil {
		return nil, err
	}
	defer env.Stop()
	exec, err := client.Start(ctx, rec, env.wfs["BenchChain"], client.StartOptions{}, n)
	if err != nil {
		return nil, err
	}
	if got, err := client.Result[int](ctx, rec, exec, nil); err != nil || got != n {
		return nil, fmt.Errorf("bench: chain of %d gave %d, %v", n, got, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.tasks, nil
}

// DecisionCost runs benchmark (c) on recorded tasks (from History): the time
// of one decision at the end of the history with a warm decider (the mean
// over the last `last` tasks, after deciding the ones before them), and of one
// cold decision (a full replay of the last task's history). Each is the best
// of five rounds, so that a garbage collection in one round does not decide
// the figure.
func DecisionCost(tasks []*engine.DecisionTask, last int) (warm, cold time.Duration, err error) {
	wf := Workflows()[2]
	if err := wf.Prepare(); err != nil {
		return 0, 0, err
	}
	last = min(last, len(tasks))
	split := len(tasks) - last
	const rounds = 5
	for i := range rounds {
		dec, err := decider.New([]*flowy.Workflow{wf}, decider.Options{})
		if err != nil {
			return 0, 0, err
		}
		for _, t := range tasks[:split] {
			dec.Decide(t)
		}
		start := time.Now()
		for _, t := range tasks[split:] {
			dec.Decide(t)
		}
		w := time.Since(start) / time.Duration(last)
		dec.Forget(tasks[0].Execution.RunID)

		d, _ := decider.New([]*flowy.Workflow{wf}, decider.Options{CacheSize: -1})
		start = time.Now()
		d.Decide(tasks[len(tasks)-1])
		c := time.Since(start)
		if i == 0 || w < warm {
			warm = w
		}
		if i == 0 || c < cold {
			cold = c
		}
	}
	return warm, cold, nil
}
