package flowy

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"sync/atomic"

	"github.com/flowy-go/flowy/internal/failure"
	"github.com/flowy-go/flowy/internal/rt"
)

// Task is a dependency of a workflow: an activity or a child workflow whose
// result has type T. Declare tasks as exported fields of the workflow struct;
// the engine binds them from the workflow's configuration ([Workflow.Deps]),
// and [Func] binds them to plain functions in unit tests.
type Task[T any] struct {
	b rt.Binding
}

// Kw holds keyword arguments. Pass it as the last argument of [Task.Call]:
// Python Flowy's wire format carries positional and keyword arguments, and a
// Go workflow can call a Python activity that takes keywords.
type Kw map[string]any

// Call calls the task with arguments and returns its Result at once. Results
// among the arguments (also nested in slices, maps and structs) are
// dependencies: the task is scheduled when they are all ready.
func (t Task[T]) Call(args ...any) Result[T] {
	if t.b == nil {
		return Fail[T](fmt.Errorf("flowy: call of an unbound Task[%s] (not a field of a registered workflow, and not bound with flowy.Func)", typeName[T]()))
	}
	c := &rt.Call{Args: args}
	if n := len(args); n > 0 {
		if kw, ok := args[n-1].(Kw); ok {
			c.Args, c.Kwargs = args[:n-1], kw
		}
	}
	for _, a := range c.Args {
		collectFutures(reflect.ValueOf(a), &c.Deps)
	}
	for _, k := range sortedKeys(c.Kwargs) {
		collectFutures(reflect.ValueOf(c.Kwargs[k]), &c.Deps)
	}
	return Result[T]{t.b.Call(c)}
}

var waitableType = reflect.TypeFor[Waitable]()

// collectFutures appends the futures of the Results found in v.
func collectFutures(v reflect.Value, out *[]*rt.Future) {
	if !v.IsValid() {
		return
	}
	if v.Type().Implements(waitableType) && v.Kind() == reflect.Struct {
		if v.CanInterface() {
			if f := v.Interface().(Waitable).future(); f != nil {
				*out = append(*out, f)
			}
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectFutures(v.Elem(), out)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return // []byte
		}
		for i := 0; i < v.Len(); i++ {
			collectFutures(v.Index(i), out)
		}
	case reflect.Map:
		if v.Len() == 0 {
			return
		}
		keys := v.MapKeys()
		sortValues(keys)
		for _, k := range keys {
			collectFutures(v.MapIndex(k), out)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				collectFutures(v.Field(i), out)
			}
		}
	}
}

// Func binds a task to a plain Go function, so that a workflow runs as
// ordinary synchronous code in a unit test, with no engine. fn has the shape
// of an activity (see [Activity.Func]) and params, if given, name its
// parameters for keyword arguments (see [Activity.Params]). Each call encodes
// its arguments and decodes them into fn's parameters with the JSON codec,
// exactly as an activity worker would, runs fn, and returns a ready or failed
// Result. A failure is a [*TaskError] as an engine would record it, for the
// task "func-N" (N counts the task's calls from 0).
func Func[T any](fn any, params ...string) Task[T] {
	a := &Activity{Name: "func", Func: fn, Params: params}
	if err := a.prepare(); err != nil {
		return Task[T]{b: failBinding{err}}
	}
	return Task[T]{b: &funcBinding{a: a}}
}

type failBinding struct{ err error }

func (b failBinding) Call(*rt.Call) *rt.Future {
	f := &rt.Future{}
	f.SetError(b.err, rt.NextSeq(nil))
	return f
}

type funcBinding struct {
	a     *Activity
	calls atomic.Int64
}

func (b *funcBinding) Call(c *rt.Call) *rt.Future {
	f := &rt.Future{}
	key := "func-" + strconv.FormatInt(b.calls.Add(1)-1, 10)
	for _, d := range c.Deps {
		if !d.Done() {
			f.SetError(fmt.Errorf("flowy: Func task called with a pending Result outside a workflow run"), rt.NextSeq(nil))
			return f
		}
	}
	if err := firstError(c.Deps); err != nil {
		f.SetError(err, rt.NextSeq(nil))
		return f
	}
	codec := b.a.codec()
	input, err := codec.EncodeInput(c.Args, c.Kwargs)
	if err != nil {
		f.SetError(&TaskError{Task: key, Kind: "bad-input", Reason: "encoding arguments: " + err.Error()}, rt.NextSeq(nil))
		return f
	}
	out, err := b.a.Invoke(context.Background(), input)
	if err != nil {
		// As an engine records it: a TaskError with the reason and kind.
		kind := ErrorKind(err)
		reason, details := failure.Encode(kind, err.Error())
		f.SetError(&TaskError{Task: key, Reason: reason, Kind: kind, Details: details}, rt.NextSeq(nil))
		return f
	}
	f.SetRaw(out, codec.IsJSON(), codec.Decode, rt.NextSeq(nil))
	return f
}

// firstError returns the error of the earliest-finished failed future among
// deps, or nil.
func firstError(deps []*rt.Future) error {
	var first *rt.Future
	for _, d := range deps {
		if d.State() == rt.Failed && (first == nil || d.Seq < first.Seq) {
			first = d
		}
	}
	if first == nil {
		return nil
	}
	return first.Err
}
