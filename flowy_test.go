package flowy_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy"
)

func TestJSONCodecWritesLikePython(t *testing.T) {
	for _, c := range []struct {
		args []any
		kw   map[string]any
		want string
	}{
		{[]any{10}, nil, `[[10], {}]`},
		{nil, map[string]any{"err": "Error!"}, `[[], {"err": "Error!"}]`},
		{[]any{1, 1}, nil, `[[1, 1], {}]`},
		{[]any{"a,b: c", map[string]int{"x": 1}}, map[string]any{"heartbeat": true}, `[["a,b: c", {"x": 1}], {"heartbeat": true}]`},
		{[]any{"é€😀<>&"}, nil, `[["\u00e9\u20ac\ud83d\ude00<>&"], {}]`},
		{[]any{`q"uo\te,:`}, nil, `[["q\"uo\\te,:"], {}]`},
	} {
		got, err := flowy.JSON.EncodeInput(c.args, c.kw)
		if err != nil || got != c.want {
			t.Errorf("EncodeInput(%v, %v) = %s, %v; want %s", c.args, c.kw, got, err, c.want)
		}
	}
	args, kw, err := flowy.JSON.DecodeInput(`[[1, "x"], {"b": [2]}]`)
	if err != nil || len(args) != 2 || args[1] != `"x"` || kw["b"] != `[2]` {
		t.Errorf("DecodeInput = %q %q %v", args, kw, err)
	}
	for _, bad := range []string{``, `{}`, `[1]`, `[[1], 2]`, `[[], {}, 3]`} {
		if _, _, err := flowy.JSON.DecodeInput(bad); err == nil {
			t.Errorf("DecodeInput(%q) gave no error", bad)
		}
	}
}

// Workflows run as plain code when their tasks are bound to functions.
type Combinators struct {
	Square, Add flowy.Task[int]
	Fail        flowy.Task[int]
}

func (w Combinators) Run() (string, error) {
	a, b, c := w.Square.Call(2), w.Square.Call(3), w.Square.Call(4)
	first, err := flowy.First(b, a, c).Get()
	if err != nil {
		return "", err
	}
	var order []int
	for _, r := range flowy.FinishOrder(c, a, b) {
		order = append(order, r.MustGet())
	}
	sum := flowy.ParallelReduce(w.Add, []flowy.Result[int]{a, flowy.Value(100), b, c})
	failed := w.Add.Call(a, map[string]any{"nested": []flowy.Result[int]{b, w.Fail.Call("x")}})
	return fmt.Sprint(first, order, sum.MustGet(), failed.Err()), nil
}

func TestFuncBinding(t *testing.T) {
	w := Combinators{
		Square: flowy.Func[int](func(x int) int { return x * x }),
		Add:    flowy.Func[int](func(a, b int) int { return a + b }),
		Fail:   flowy.Func[int](func(msg string) (int, error) { return 0, errors.New(msg) }),
	}
	got, err := w.Run()
	// Plain functions finish when called, so finish order is call order.
	if want := "4 [4 9 16] 129 task func-0 failed: x"; got != want || err != nil {
		t.Errorf("Run() = %q, %v; want %q", got, err, want)
	}
}

func TestEmptyAndZero(t *testing.T) {
	if err := flowy.ParallelReduce(flowy.Func[int](func(a, b int) int { return a + b }), nil).Err(); err == nil || !strings.Contains(err.Error(), "ParallelReduce of no results") {
		t.Errorf("ParallelReduce of nothing: %v", err)
	}
	if err := flowy.First[int]().Err(); err == nil {
		t.Error("First of nothing gave no error")
	}
	var r flowy.Result[int]
	if err := r.Err(); err == nil {
		t.Error("zero Result gave no error")
	}
	var task flowy.Task[int]
	if err := task.Call(1).Err(); err == nil || !strings.Contains(err.Error(), "unbound") {
		t.Errorf("unbound task: %v", err)
	}
	one := flowy.ParallelReduce(flowy.Func[int](func(a, b int) int { return a + b }), []flowy.Result[int]{flowy.Value(5)})
	if v, err := one.Get(); v != 5 || err != nil {
		t.Errorf("ParallelReduce of one = %v, %v", v, err)
	}
}

func TestTaskTimedoutIsTaskError(t *testing.T) {
	var err error = &flowy.TaskTimedout{TaskError: flowy.TaskError{Task: "A-0", Reason: "slow"}, TimeoutType: "HEARTBEAT", Attempts: 3}
	var te *flowy.TaskError
	if !errors.As(fmt.Errorf("wrapped: %w", err), &te) || te.Task != "A-0" {
		t.Errorf("errors.As(TaskTimedout, *TaskError) = %v", te)
	}
	var to *flowy.TaskTimedout
	if !errors.As(err, &to) || to.Attempts != 3 {
		t.Errorf("errors.As(TaskTimedout, *TaskTimedout) failed")
	}
	if got := err.Error(); got != "task A-0 timed out (HEARTBEAT) after 3 attempt(s)" {
		t.Errorf("Error() = %q", got)
	}
	if k := flowy.ErrorKind(fmt.Errorf("x: %w", flowy.NewError("net", "down"))); k != "net" {
		t.Errorf("ErrorKind = %q", k)
	}
}

func TestActivityInvoke(t *testing.T) {
	a := &flowy.Activity{Name: "f", Params: []string{"x", "y"}, Func: func(x int, y string) string { return fmt.Sprint(x, y) }}
	for _, c := range []struct{ input, want, err string }{
		{`[[1, "a"], {}]`, `"1a"`, ""},
		{`[[], {"y": "b", "x": 2}]`, `"2b"`, ""},
		{`[[3], {}]`, `"3"`, ""},
		{`[[1, "a", 3], {}]`, "", "takes 2 argument(s), got 3 positional"},
		{`[[1], {"z": 1}]`, "", `unknown keyword argument "z"`},
		{`[[1], {"x": 1}]`, "", `argument "x" given twice`},
		{`[["one"], {}]`, "", `argument "x": json: cannot unmarshal string`},
		{`not json`, "", "bad input"},
	} {
		got, err := a.Invoke(t.Context(), c.input)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || flowy.ErrorKind(err) != "bad-input" {
				t.Errorf("Invoke(%s) = %q, %v; want a bad-input error containing %q", c.input, got, err, c.err)
			}
			continue
		}
		if got != c.want || err != nil {
			t.Errorf("Invoke(%s) = %q, %v; want %s", c.input, got, err, c.want)
		}
	}
	p := &flowy.Activity{Name: "p", Func: func() int { panic("oops") }}
	_, err := p.Invoke(t.Context(), `[[], {}]`)
	if flowy.ErrorKind(err) != "panic" || !strings.Contains(err.Error(), "panic: oops") || !strings.Contains(err.Error(), "goroutine") {
		t.Errorf("panicking activity: %v", err)
	}
	for _, bad := range []any{42, func(...int) {}, func() (int, int) { return 0, 0 }, func() (int, string, int) { return 0, "", 0 }} {
		if err := (&flowy.Activity{Name: "bad", Func: bad}).Prepare(); err == nil {
			t.Errorf("Prepare accepted Func %T", bad)
		}
	}
}

func TestWorkflowPrepareErrors(t *testing.T) {
	type NoRun struct{ A flowy.Task[int] }
	for _, c := range []struct {
		wf   *flowy.Workflow
		want string
	}{
		{&flowy.Workflow{Name: "x", Code: 3}, "not a struct"},
		{&flowy.Workflow{Name: "x", Code: NoRun{}}, "no Run method"},
		{&flowy.Workflow{Name: "x", Code: SumSquares{}, Deps: map[string]flowy.Dep{"Square": {Activity: "sq"}}}, "dependency Sum (field Sum) has no configuration"},
		{&flowy.Workflow{Name: "x", Code: SumSquares{}, Deps: map[string]flowy.Dep{"Square": {Activity: "sq"}, "Sum": {Activity: "s"}, "Typo": {Activity: "t"}}}, "Typo, which is not a Task field"},
		{&flowy.Workflow{Name: "x", Code: SumSquares{}, Deps: map[string]flowy.Dep{"Square": {Activity: "sq", Workflow: "w"}, "Sum": {Activity: "s"}}}, "not both"},
		{&flowy.Workflow{Name: "x", Code: SumSquares{}, Deps: map[string]flowy.Dep{"Square": {Activity: "sq", Retry: []time.Duration{}}, "Sum": {Activity: "s"}}}, "at least one delay"},
	} {
		if err := c.wf.Prepare(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Prepare(%+v) = %v, want an error containing %q", c.wf, err, c.want)
		}
	}
}
