package flowy_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/local"
)

// SumSquares is the seed's workflow: Square runs for every number at once,
// and Sum starts as soon as any two results are ready.
type SumSquares struct {
	Square flowy.Task[int]
	Sum    flowy.Task[int]
}

func (w SumSquares) Run(n int) flowy.Result[int] {
	squares := make([]flowy.Result[int], n)
	for i := range squares {
		squares[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(w.Sum, squares)
}

func Example() {
	wf := &flowy.Workflow{
		Name: "SumSquares",
		Code: SumSquares{},
		Deps: map[string]flowy.Dep{
			"Square": {Activity: "square"},
			"Sum":    {Activity: "sum"},
		},
	}
	activities := []*flowy.Activity{
		{Name: "square", Func: func(x int) int { return x * x }},
		{Name: "sum", Func: func(a, b int) int { return a + b }},
	}
	res, err := local.Run[int](context.Background(), wf, local.Config{Activities: activities}, 10)
	fmt.Println(res, err)
	// Output: 385 <nil>
}

// A workflow runs as plain synchronous code in a unit test when its tasks are
// bound to functions.
func ExampleFunc() {
	w := SumSquares{
		Square: flowy.Func[int](func(x int) int { return x * x }),
		Sum:    flowy.Func[int](func(a, b int) int { return a + b }),
	}
	fmt.Println(w.Run(3).Get())
	// Output: 14 <nil>
}

type Race struct{ Sleep flowy.Task[string] }

// Run returns the first of three results to finish, and all three in finish
// order.
func (w Race) Run() (string, error) {
	slow, fast, mid := w.Sleep.Call(300, "slow"), w.Sleep.Call(10, "fast"), w.Sleep.Call(100, "mid")
	first, err := flowy.First(slow, fast, mid).Get()
	if err != nil {
		return "", err
	}
	order := ""
	for _, r := range flowy.FinishOrder(slow, fast, mid) {
		order += " " + r.MustGet()
	}
	return first + ":" + order, nil
}

// First and FinishOrder follow the order in which tasks finish.
func ExampleFirst() {
	wf := &flowy.Workflow{Name: "Race", Code: Race{}, Deps: map[string]flowy.Dep{"Sleep": {Activity: "sleep"}}}
	sleep := &flowy.Activity{Name: "sleep", Func: func(ms int, s string) string {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return s
	}}
	res, err := local.Run[string](context.Background(), wf, local.Config{Activities: []*flowy.Activity{sleep}})
	fmt.Println(res, err)
	// Output: fast: fast mid slow <nil>
}

type Mixed struct{ Square, Add flowy.Task[int] }

func (w Mixed) Run() flowy.Result[int] {
	items := []flowy.Result[int]{w.Square.Call(3), flowy.Value(100), w.Square.Call(4)}
	return flowy.ParallelReduce(w.Add, items)
}

// ParallelReduce mixes plain values with results.
func ExampleParallelReduce() {
	w := Mixed{
		Square: flowy.Func[int](func(x int) int { return x * x }),
		Add:    flowy.Func[int](func(a, b int) int { return a + b }),
	}
	fmt.Println(w.Run().Get())
	// Output: 125 <nil>
}

type Countdown struct{ Square flowy.Task[int] }

// Run restarts itself (continue-as-new) until n is 0.
func (w Countdown) Run(n int) flowy.Result[int] {
	if n > 0 {
		return flowy.Restart[int](n - 1)
	}
	return w.Square.Call(9)
}

// A workflow restarts itself with new arguments; each run has a fresh
// history.
func ExampleRestart() {
	wf := &flowy.Workflow{Name: "Countdown", Code: Countdown{}, Deps: map[string]flowy.Dep{"Square": {Activity: "square"}}}
	square := &flowy.Activity{Name: "square", Func: func(x int) int { return x * x }}
	res, err := local.Run[int](context.Background(), wf, local.Config{Activities: []*flowy.Activity{square}}, 3)
	fmt.Println(res, err)
	// Output: 81 <nil>
}

type Careful struct {
	Fetch flowy.Task[string]
	Greet flowy.Task[string]
}

// Run calls Greet with Fetch's result, and handles Fetch's failure: the call
// with a failed argument is never scheduled and carries that error.
func (w Careful) Run(url string) string {
	greeting, err := w.Greet.Call(w.Fetch.Call(url), flowy.Kw{"punct": "!"}).Get()
	var te *flowy.TaskError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s failed (%s): %s", te.Task, te.Kind, te.Reason)
	}
	return greeting
}

// Errors travel through arguments; keyword arguments reach activities that
// name their parameters.
func ExampleTaskError() {
	w := Careful{
		Fetch: flowy.Func[string](func(url string) (string, error) {
			if url == "" {
				return "", flowy.NewError("bad-url", "empty url")
			}
			return "world", nil
		}),
		Greet: flowy.Func[string](func(name, punct string) string { return "hello " + name + punct }, "name", "punct"),
	}
	fmt.Println(w.Run("flowy.example"))
	fmt.Println(w.Run(""))
	// Output:
	// hello world!
	// func-1 failed (bad-url): empty url
}
