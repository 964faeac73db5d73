package flowy

import (
	"errors"
	"slices"

	"github.com/flowy-go/flowy/internal/rt"
)

// derived returns a new pending future belonging to the same run as rs.
func derived[T any](rs []Result[T]) *rt.Future {
	f := &rt.Future{}
	for _, r := range rs {
		if r.f != nil && r.f.RT != nil {
			f.RT = r.f.RT
			break
		}
	}
	return f
}

// finished returns the indexes of the resolved results, in finish order
// (ties in argument order).
func finished[T any](rs []Result[T]) []int {
	var idx []int
	for i, r := range rs {
		if r.f.Done() {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch sa, sb := rs[a].f.Seq, rs[b].f.Seq; {
		case sa < sb:
			return -1
		case sa > sb:
			return 1
		}
		return 0
	})
	return idx
}

func checkResults[T any](name string, rs []Result[T]) error {
	if len(rs) == 0 {
		return errors.New("flowy: " + name + " of no results")
	}
	for _, r := range rs {
		if r.f == nil {
			return errZeroResult
		}
	}
	return nil
}

// First returns the first of rs to finish (ready or failed), by finish order.
// It does not block: the returned Result is pending until one of rs finishes.
func First[T any](rs ...Result[T]) Result[T] {
	if err := checkResults("First", rs); err != nil {
		return Fail[T](err)
	}
	if idx := finished(rs); len(idx) > 0 {
		return rs[idx[0]]
	}
	out := derived(rs)
	for _, r := range rs {
		r.f.OnDone(func(src *rt.Future) {
			if !out.Done() {
				out.SetFrom(src)
			}
		})
	}
	return Result[T]{out}
}

// FinishOrder returns rs in the order they finish: the i-th Result returned
// is the i-th of rs to finish. It does not block: the finished ones come
// first, and the others are pending until their turn is known, so reading the
// i-th waits only until i+1 of rs have finished.
func FinishOrder[T any](rs ...Result[T]) []Result[T] {
	if err := checkResults("FinishOrder", rs); err != nil {
		return []Result[T]{Fail[T](err)}
	}
	out := make([]Result[T], len(rs))
	idx := finished(rs)
	for k, i := range idx {
		out[k] = rs[i]
	}
	next := len(idx)
	if next == len(rs) {
		return out
	}
	for k := next; k < len(rs); k++ {
		out[k] = Result[T]{derived(rs)}
	}
	for _, r := range rs {
		if !r.f.Done() {
			r.f.OnDone(func(src *rt.Future) {
				out[next].f.SetFrom(src)
				next++
			})
		}
	}
	return out
}

// Reducer combines two results into one, for [ParallelReduce]. A Task is a
// Reducer (it calls itself with the two results); so is a [ReduceFunc].
type Reducer[T any] interface {
	Reduce(a, b Result[T]) Result[T]
}

// Reduce calls the task with a and b.
func (t Task[T]) Reduce(a, b Result[T]) Result[T] { return t.Call(a, b) }

// ReduceFunc is a function of two results used as a [Reducer]. It runs as
// workflow code: to keep the reduction parallel, combine the results by
// calling tasks rather than by reading them.
type ReduceFunc[T any] func(a, b Result[T]) Result[T]

// Reduce calls f.
func (f ReduceFunc[T]) Reduce(a, b Result[T]) Result[T] { return f(a, b) }

// ParallelReduce reduces items with r (which must be associative and
// commutative) in parallel: a reduction starts as soon as any two values are
// ready, whether items or results of earlier reductions, and there are exactly
// len(items)-1 of them. Plain values can be mixed in with [Value]. It does not
// block. An empty list gives a failed Result; a failed item fails the result
// with the earliest-finished error.
func ParallelReduce[T any](r Reducer[T], items []Result[T]) Result[T] {
	if err := checkResults("ParallelReduce", items); err != nil {
		return Fail[T](err)
	}
	n := len(items)
	if n == 1 {
		return items[0]
	}
	// Values enter a stream in finish order; reduction j takes stream
	// positions 2j and 2j+1, and its result enters the stream in turn.
	pos := make([]Result[T], 2*n-2)
	for k := range pos {
		pos[k] = Result[T]{derived(items)}
	}
	next := 0
	feed := func(src *rt.Future) {
		pos[next].f.SetFrom(src)
		next++
	}
	for _, i := range finished(items) {
		feed(items[i].f)
	}
	for _, it := range items {
		if !it.f.Done() {
			it.f.OnDone(feed)
		}
	}
	var res Result[T]
	for j := 0; j < n-1; j++ {
		res = r.Reduce(pos[2*j], pos[2*j+1])
		if res.f == nil {
			return Fail[T](errors.New("flowy: ParallelReduce: the reducer returned a zero Result"))
		}
		if j < n-2 {
			res.f.OnDone(feed)
		}
	}
	return res
}
