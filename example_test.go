package flowy_test

import (
	"context"
	"fmt"

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
