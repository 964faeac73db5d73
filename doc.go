// Package flowy builds distributed, asynchronous, durable workflows as plain,
// single-threaded Go code. It is a Go re-creation of the Python library Flowy.
//
// A workflow is a struct whose Task fields are its dependencies (activities
// and child workflows) and whose Run method is its code:
//
//	type SumSquares struct {
//		Square flowy.Task[int]
//		Sum    flowy.Task[int]
//	}
//
//	func (w SumSquares) Run(n int) flowy.Result[int] {
//		squares := make([]flowy.Result[int], n)
//		for i := range squares {
//			squares[i] = w.Square.Call(i + 1) // all scheduled at once
//		}
//		return flowy.ParallelReduce(w.Sum, squares) // reduces as results arrive
//	}
//
// Calling a task never blocks: it returns a [Result] at once. Results passed
// as arguments to other calls (also nested in slices, maps and structs) are
// dependencies: flowy infers the dependency graph from them and schedules each
// call as soon as its arguments are ready, so the code never starts a
// goroutine or waits on a channel. Reading a pending result with
// [Result.Get] suspends the workflow until it is ready. [First],
// [FinishOrder] and [ParallelReduce] combine results without blocking, and
// [Restart] continues the workflow as a new run.
//
// A failed task's Result holds a [*TaskError] ([*TaskTimedout] when every
// attempt timed out); a call with a failed argument is not scheduled and
// carries the error of the earliest-finished failed argument.
//
// # Configuration
//
// Names, versions, task lists, timeouts, retries, rate limits and codecs live
// outside the workflow code, in a [Workflow] (with a [Dep] per dependency)
// and in each [Activity], so the same code runs on every engine unchanged.
//
// # Running
//
// Package local runs a workflow in this process on the in-memory engine with
// one call; package worker runs deciders and activities against any engine
// (package engine is the contract, package memory the embedded default); and
// package client starts workflows and waits for their results.
//
// # Determinism
//
// The engine may run workflow code many times against its history, so the
// code must be deterministic: it may depend only on its input and on its
// tasks' results — not on time, randomness, global state or map iteration
// order. A run whose decisions differ from its history fails with a
// nondeterminism error instead of corrupting it (see package decider).
//
// # Testing
//
// Bound to plain functions with [Func], a workflow's tasks run synchronously
// and the workflow runs as ordinary code in a unit test, with no engine.
package flowy
