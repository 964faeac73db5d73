package flowy

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/flowy-go/flowy/internal/rt"
)

// Result is the handle of a task call: ready (holding a value), failed
// (holding a [TaskError], or a [TaskTimedout]) or pending. Calling a task never
// blocks; reading a pending Result with [Result.Get] suspends the workflow
// until it is ready or failed.
//
// Results may be passed as arguments to other task calls, also nested inside
// slices, maps and structs: such a call is scheduled only when all of them are
// ready, and fails at once with the error of the earliest-finished failed one.
type Result[T any] struct {
	f *rt.Future
}

// Value returns a ready Result holding v, for mixing plain values with task
// results (e.g. in [ParallelReduce]).
func Value[T any](v T) Result[T] {
	f := &rt.Future{}
	f.SetValue(v, 0)
	return Result[T]{f}
}

// Fail returns a failed Result holding err.
func Fail[T any](err error) Result[T] {
	f := &rt.Future{}
	f.SetError(err, rt.NextSeq(nil))
	return Result[T]{f}
}

var errZeroResult = errors.New("flowy: zero Result (not returned by a task call)")

// Get returns the value of the result, or its error. Reading a pending result
// suspends the workflow until the result is ready or failed.
func (r Result[T]) Get() (T, error) {
	var zero T
	if r.f == nil {
		return zero, errZeroResult
	}
	if !r.f.Await() {
		return zero, errors.New("flowy: read of a pending Result outside a workflow run")
	}
	if r.f.Restart != nil {
		return zero, errRestartRead
	}
	if r.f.State() == rt.Failed {
		return zero, r.f.Err
	}
	return decodeFuture[T](r.f)
}

// MustGet returns the value of the result and panics on error. In workflow
// code, a panic fails the workflow with its message.
func (r Result[T]) MustGet() T {
	v, err := r.Get()
	if err != nil {
		panic(err)
	}
	return v
}

// Err waits for the result like Get and returns only its error.
func (r Result[T]) Err() error {
	_, err := r.Get()
	return err
}

func decodeFuture[T any](f *rt.Future) (T, error) {
	var zero T
	if f.HasVal {
		if v, ok := f.Val.(T); ok {
			return v, nil
		}
		if f.Val == nil {
			return zero, nil
		}
		if f.Raw == "" {
			return zero, fmt.Errorf("flowy: result holds %T, not %s", f.Val, typeName[T]())
		}
	}
	var v T
	if err := f.Decode(f.Raw, &v); err != nil {
		return zero, fmt.Errorf("flowy: decoding result %.100q as %s: %w", f.Raw, typeName[T](), err)
	}
	f.Val, f.HasVal = v, true
	return v, nil
}

func typeName[T any]() string { return reflect.TypeFor[T]().String() }

// Wait waits until every result is ready or failed (suspending the workflow
// while any is pending) and does not read their values.
func Wait(results ...Waitable) {
	for _, r := range results {
		if f := r.future(); f != nil {
			f.Await()
		}
	}
}

// WaitAll is [Wait] for a slice of results.
func WaitAll[T any](results []Result[T]) {
	for _, r := range results {
		if r.f != nil {
			r.f.Await()
		}
	}
}

// Waitable is any Result.
type Waitable interface {
	future() *rt.Future
}

func (r Result[T]) future() *rt.Future { return r.f }

// MarshalJSON encodes the value of a ready result, so results nested in
// arguments encode as their values. It fails for pending or failed results
// (which the decider never encodes: such calls are not scheduled).
func (r Result[T]) MarshalJSON() ([]byte, error) {
	if r.f == nil {
		return nil, errZeroResult
	}
	switch r.f.State() {
	case rt.Pending:
		return nil, errors.New("flowy: cannot encode a pending Result")
	case rt.Failed:
		return nil, fmt.Errorf("flowy: cannot encode a failed Result: %w", r.f.Err)
	}
	if r.f.RawJSON && !r.f.HasVal {
		return []byte(r.f.Raw), nil
	}
	v, err := decodeFuture[T](r.f)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// String describes the result's state, for debugging.
func (r Result[T]) String() string {
	if r.f == nil {
		return "Result(zero)"
	}
	switch r.f.State() {
	case rt.Pending:
		return "Result(pending)"
	case rt.Failed:
		return fmt.Sprintf("Result(failed: %v)", r.f.Err)
	}
	v, err := decodeFuture[T](r.f)
	if err != nil {
		return fmt.Sprintf("Result(undecodable: %v)", err)
	}
	return fmt.Sprintf("Result(%v)", v)
}
