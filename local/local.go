// Package local runs a workflow to completion in this process, on a fresh
// in-memory engine with its own workers: the quickest way to run flowy code
// (like Python Flowy's LocalWorkflow.run).
package local

import (
	"context"
	"errors"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
	"github.com/flowy-go/flowy/worker"
)

// Config holds what a run needs besides the workflow itself.
type Config struct {
	// Engine, if set, runs the workflow instead of a new memory engine (the
	// workers still run in this process); Run does not close it.
	Engine engine.Engine
	// Activities the workflow (and its children) call.
	Activities []*flowy.Activity
	// Workflows are other workflow types the run needs (child workflows).
	Workflows []*flowy.Workflow
	// Worker configures the workers (concurrency, decider cache).
	Worker worker.Options
	// Start configures the execution (workflow id, timeouts).
	Start client.StartOptions
	// Started, if set, is called once the run has started, with the engine
	// running it (e.g. to show progress).
	Started func(eng engine.Engine, exec engine.Execution)
	// Closed, if set, is called when the run has closed, before the engine
	// is closed: read the history there (e.g. to trace the run). exec is the
	// last run (after any continue-as-new).
	Closed func(ctx context.Context, eng engine.Engine, exec engine.Execution)
}

// Run runs wf with args on a new memory engine (or cfg.Engine) with workers
// in this process, and returns its result. A workflow that fails returns a
// *client.WorkflowError.
func Run[T any](ctx context.Context, wf *flowy.Workflow, cfg Config, args ...any) (T, error) {
	var zero T
	eng := cfg.Engine
	if eng == nil {
		m := memory.New(memory.Options{})
		defer m.Close()
		eng = m
	}
	w, err := worker.New(eng, append([]*flowy.Workflow{wf}, cfg.Workflows...), cfg.Activities, cfg.Worker)
	if err != nil {
		return zero, err
	}
	stop, err := w.Start(ctx)
	if err != nil {
		return zero, err
	}
	defer stop()
	exec, err := client.Start(ctx, eng, wf, cfg.Start, args...)
	if err != nil {
		return zero, err
	}
	if cfg.Started != nil {
		cfg.Started(eng, exec)
	}
	ev, last, err := client.Wait(ctx, eng, exec)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			return zero, errors.Join(err, ctx.Err())
		}
		return zero, err
	}
	if cfg.Closed != nil {
		cfg.Closed(ctx, eng, last)
	}
	return client.Decode[T](ev, last, wf.Codec)
}
