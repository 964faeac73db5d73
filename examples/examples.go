// Package examples is a catalogue of small flowy workflows, written with the
// public API only, each with the activities it calls, its arguments, its
// expected result and the wall time it ideally takes.
//
// Nine of them are timing examples: they call one activity type, "a" (see
// [NewA]), which sleeps for a given time, so that the wall time of a run shows
// how much of the workflow ran in parallel.
// [Example.Ideal] is that wall time on a perfect engine (one with no
// latency), at time scale 1.
//
// The cli package runs them ("flowy example NAME"); tests and benchmarks use
// them as reference workloads.
package examples

import (
	"context"
	"time"

	"github.com/flowy-go/flowy"
)

// Example is one example workflow, with everything needed to run it.
type Example struct {
	// Name is the example's name, also the name of its workflow type.
	Name string
	// Description says in one line what the workflow does.
	Description string
	// Workflow is the workflow to run. [All] and [Find] return a fresh value
	// on every call (Workflow.Prepare mutates it).
	Workflow *flowy.Workflow
	// Workflows are the child workflow types the workflow calls, if any.
	Workflows []*flowy.Workflow
	// Activities are the activity types the workflow (and its children)
	// call, built for the time scale given to [All] or [Find].
	Activities []*flowy.Activity
	// Args are the arguments to start the workflow with.
	Args []any
	// Want is the workflow's expected result (an int). The results of
	// WaitFirst and WaitFirstTwo depend on which activities finish first,
	// which the sleeps decide: at time scale 0 they may differ from Want.
	Want any
	// Ideal is the ideal wall time of a run at time scale 1: the length of
	// the critical path of activity sleeps. Multiply by the time scale.
	Ideal time.Duration
}

// All returns every example, in a stable order, with activities whose sleeps
// are multiplied by timeScale (0: no sleeping at all; 1: the documented
// times).
func All(timeScale float64) []Example {
	square := func() *flowy.Activity {
		return &flowy.Activity{Name: "square", Func: func(x int) int { return x * x }}
	}
	sum := func() *flowy.Activity {
		return &flowy.Activity{Name: "sum", Func: func(a, b int) int { return a + b }}
	}
	squareSumDeps := func() map[string]flowy.Dep {
		return map[string]flowy.Dep{
			"Square": {Activity: "square"},
			"Sum":    {Activity: "sum"},
		}
	}
	timing := func(name, desc string, code any, want int, ideal float64) Example {
		return Example{
			Name:        name,
			Description: desc,
			Workflow: &flowy.Workflow{
				Name: name,
				Code: code,
				Deps: map[string]flowy.Dep{"A": {Activity: "a"}},
			},
			Activities: []*flowy.Activity{NewA(timeScale)},
			Want:       want,
			Ideal:      time.Duration(ideal * float64(time.Second)),
		}
	}
	return []Example{
		{
			Name:        "SumSquares",
			Description: "squares 1..n in parallel and sums them with ParallelReduce (n=10)",
			Workflow:    &flowy.Workflow{Name: "SumSquares", Code: SumSquares{}, Deps: squareSumDeps()},
			Activities:  []*flowy.Activity{square(), sum()},
			Args:        []any{10},
			Want:        385,
		},
		{
			Name:        "SquareSum",
			Description: "squares a and b in parallel, then sums the squares (a=2, b=10)",
			Workflow:    &flowy.Workflow{Name: "SquareSum", Code: SquareSum{}, Deps: squareSumDeps()},
			Activities:  []*flowy.Activity{square(), sum()},
			Args:        []any{2, 10},
			Want:        104,
		},
		timing("Sequential", "four calls of a in a chain, each on the previous result",
			Sequential{}, 65536, 5.0),
		timing("ParallelWait", "four calls of a in parallel, waits for all, then one more call",
			ParallelWait{}, 9, 2.0),
		timing("ParallelSum", "four calls of a in parallel, summed in list order",
			ParallelSum{}, 30, 2.0),
		timing("WaitFirst", "four calls of a in parallel, returns the first to finish",
			WaitFirst{}, 4, 0.5),
		timing("WaitFirstTwo", "four calls of a in parallel, sums the first two to finish",
			WaitFirstTwo{}, 5, 1.0),
		timing("Conditional", "reads a result and makes a second call only if it is large",
			Conditional{}, 400, 2.0),
		timing("NaiveMapReduce", "six maps in parallel, reduced in list order",
			NaiveMapReduce{}, 91, 10.5),
		timing("FinishOrderMapReduce", "six maps in parallel, reduced in finish order",
			FinishOrderMapReduce{}, 91, 8.5),
		timing("ParallelMapReduce", "six maps in parallel, reduced with ParallelReduce",
			ParallelMapReduce{}, 91, 8.0),
	}
}

// Find returns the example with the given name, built for timeScale.
func Find(name string, timeScale float64) (Example, bool) {
	for _, e := range All(timeScale) {
		if e.Name == name {
			return e, true
		}
	}
	return Example{}, false
}

// Names returns the names of all examples, in the order of [All].
func Names() []string {
	all := All(0)
	names := make([]string, len(all))
	for i, e := range all {
		names[i] = e.Name
	}
	return names
}

// NewA returns activity type "a", with parameters x, y and sleep: it returns
// x*x when y is nil (not given), else x+y, after sleeping sleep*timeScale
// seconds. It stops early, with the context's error, when its context ends.
func NewA(timeScale float64) *flowy.Activity {
	return &flowy.Activity{
		Name:   "a",
		Params: []string{"x", "y", "sleep"},
		Func: func(ctx context.Context, x int, y *int, sleep float64) (int, error) {
			return aScaled(ctx, timeScale, x, y, sleep)
		},
	}
}

func aScaled(ctx context.Context, timeScale float64, x int, y *int, sleep float64) (int, error) {
	if d := time.Duration(sleep * timeScale * float64(time.Second)); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return 0, context.Cause(ctx)
		case <-t.C:
		}
	} else if err := ctx.Err(); err != nil {
		return 0, context.Cause(ctx)
	}
	if y == nil {
		return x * x, nil
	}
	return x + *y, nil
}

// SumSquares squares 1..n in parallel, and Sum starts as soon as any two
// results are ready (the seed's workflow).
type SumSquares struct {
	Square flowy.Task[int]
	Sum    flowy.Task[int]
}

// Run squares 1..n and sums the squares.
func (w SumSquares) Run(n int) flowy.Result[int] {
	squares := make([]flowy.Result[int], n)
	for i := range squares {
		squares[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(w.Sum, squares)
}

// SquareSum squares two numbers in parallel and sums the squares.
type SquareSum struct {
	Square flowy.Task[int]
	Sum    flowy.Task[int]
}

// Run returns a*a + b*b.
func (w SquareSum) Run(a, b int) flowy.Result[int] {
	return w.Sum.Call(w.Square.Call(a), w.Square.Call(b))
}

// sleep is a keyword argument for activity "a".
func sleep(s float64) flowy.Kw { return flowy.Kw{"sleep": s} }

// four calls a(1), a(2), a(3), a(4) with sleeps 1.0, 0.5, 1.5 and 2.0.
func four(a flowy.Task[int]) []flowy.Result[int] {
	return []flowy.Result[int]{
		a.Call(1, sleep(1.0)),
		a.Call(2, sleep(0.5)),
		a.Call(3, sleep(1.5)),
		a.Call(4, sleep(2.0)),
	}
}

// sixMaps calls a(1..6) with sleeps 0.5, 1.5, 1.0, 6.0, 5.0 and 2.0.
func sixMaps(a flowy.Task[int]) []flowy.Result[int] {
	sleeps := []float64{0.5, 1.5, 1.0, 6.0, 5.0, 2.0}
	maps := make([]flowy.Result[int], len(sleeps))
	for i, s := range sleeps {
		maps[i] = a.Call(i+1, sleep(s))
	}
	return maps
}

// reduceInOrder reduces rs in their order by calling a(acc, r) with sleep s:
// each call waits for the previous one and for r.
func reduceInOrder(a flowy.Task[int], rs []flowy.Result[int], s float64) flowy.Result[int] {
	acc := rs[0]
	for _, r := range rs[1:] {
		acc = a.Call(acc, r, sleep(s))
	}
	return acc
}

// Sequential calls a four times in a chain: 2 → 4 → 16 → 256 → 65536.
type Sequential struct{ A flowy.Task[int] }

// Run returns a(a(a(a(2)))), with sleeps 1.0, 0.5, 1.5 and 2.0.
func (w Sequential) Run() flowy.Result[int] {
	r := flowy.Value(2)
	for _, s := range []float64{1.0, 0.5, 1.5, 2.0} {
		r = w.A.Call(r, sleep(s))
	}
	return r
}

// ParallelWait calls a four times in parallel and waits for them all.
type ParallelWait struct{ A flowy.Task[int] }

// Run waits for a(1..4) and returns a(3) (with no sleep).
func (w ParallelWait) Run() flowy.Result[int] {
	rs := four(w.A)
	flowy.Wait(rs[0], rs[1], rs[2], rs[3])
	return w.A.Call(3, sleep(0))
}

// ParallelSum calls a four times in parallel and sums the results.
type ParallelSum struct{ A flowy.Task[int] }

// Run sums a(1..4) in list order with calls a(x, y) (with no sleep).
func (w ParallelSum) Run() flowy.Result[int] {
	return reduceInOrder(w.A, four(w.A), 0)
}

// WaitFirst calls a four times in parallel and returns the first result.
type WaitFirst struct{ A flowy.Task[int] }

// Run returns the first of a(1..4) to finish: a(2).
func (w WaitFirst) Run() flowy.Result[int] {
	return flowy.First(four(w.A)...)
}

// WaitFirstTwo calls a four times in parallel and sums the first two
// results to finish.
type WaitFirstTwo struct{ A flowy.Task[int] }

// Run returns the sum of the first two of a(1..4) to finish: a(2) + a(1).
func (w WaitFirstTwo) Run() flowy.Result[int] {
	fo := flowy.FinishOrder(four(w.A)...)
	return w.A.Call(fo[0], fo[1], sleep(0))
}

// Conditional reads a result and decides on it.
type Conditional struct{ A flowy.Task[int] }

// Run computes x = a(10) and returns a(20) if x >= 100, else x.
func (w Conditional) Run() (int, error) {
	x, err := w.A.Call(10, sleep(1.0)).Get()
	if err != nil {
		return 0, err
	}
	if x >= 100 {
		return w.A.Call(20, sleep(1.0)).Get()
	}
	return x, nil
}

// NaiveMapReduce maps a over 1..6 and reduces in list order, so a slow map
// early in the list holds up the whole reduction.
type NaiveMapReduce struct{ A flowy.Task[int] }

// Run returns the sum of the squares of 1..6, reduced in list order.
func (w NaiveMapReduce) Run() flowy.Result[int] {
	return reduceInOrder(w.A, sixMaps(w.A), 1.5)
}

// FinishOrderMapReduce maps a over 1..6 and reduces in finish order.
type FinishOrderMapReduce struct{ A flowy.Task[int] }

// Run returns the sum of the squares of 1..6, reduced in finish order.
func (w FinishOrderMapReduce) Run() flowy.Result[int] {
	return reduceInOrder(w.A, flowy.FinishOrder(sixMaps(w.A)...), 1.5)
}

// ParallelMapReduce maps a over 1..6 and reduces with [flowy.ParallelReduce],
// which starts a reduction as soon as any two values are ready.
type ParallelMapReduce struct{ A flowy.Task[int] }

// Run returns the sum of the squares of 1..6, reduced in parallel.
func (w ParallelMapReduce) Run() flowy.Result[int] {
	add := flowy.ReduceFunc[int](func(x, y flowy.Result[int]) flowy.Result[int] {
		return w.A.Call(x, y, sleep(1.5))
	})
	return flowy.ParallelReduce(add, sixMaps(w.A))
}
