// Package client starts workflow executions on an engine and waits for their
// results.
package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/failure"
)

// StartOptions say how to start an execution. Zero values take the workflow
// type's registered defaults.
type StartOptions struct {
	// WorkflowID of the execution ("" = a random id).
	WorkflowID       string
	TaskList         string
	ExecutionTimeout time.Duration
	DecisionTimeout  time.Duration
	ChildPolicy      flowy.ChildPolicy
	Tags             []string
}

// Start starts an execution of wf with arguments (a trailing flowy.Kw holds
// keyword arguments), encoded with the workflow's codec.
func Start(ctx context.Context, eng engine.Engine, wf *flowy.Workflow, opts StartOptions, args ...any) (engine.Execution, error) {
	if err := wf.Prepare(); err != nil {
		return engine.Execution{}, err
	}
	codec := wf.Codec
	if codec == nil {
		codec = flowy.JSON
	}
	var kw map[string]any
	if n := len(args); n > 0 {
		if k, ok := args[n-1].(flowy.Kw); ok {
			args, kw = args[:n-1], k
		}
	}
	input, err := codec.EncodeInput(args, kw)
	if err != nil {
		return engine.Execution{}, fmt.Errorf("client: encoding the input of %s: %w", wf.Name, err)
	}
	return StartRaw(ctx, eng, engine.WorkflowType{Name: wf.Name, Version: wf.Version}, input, opts)
}

// StartRaw starts an execution with an already encoded input.
func StartRaw(ctx context.Context, eng engine.Engine, t engine.WorkflowType, input string, opts StartOptions) (engine.Execution, error) {
	id := opts.WorkflowID
	if id == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		id = t.Name + "-" + hex.EncodeToString(b[:])
	}
	runID, err := eng.StartWorkflow(ctx, engine.StartWorkflowParams{
		WorkflowID:       id,
		Type:             t,
		Input:            input,
		TaskList:         opts.TaskList,
		ExecutionTimeout: opts.ExecutionTimeout,
		DecisionTimeout:  opts.DecisionTimeout,
		ChildPolicy:      opts.ChildPolicy,
		Tags:             opts.Tags,
	})
	if err != nil {
		return engine.Execution{}, fmt.Errorf("client: starting %s: %w", t.Name, err)
	}
	return engine.Execution{WorkflowID: id, RunID: runID}, nil
}

// WorkflowError is the error of an execution that did not complete: it
// failed, timed out, was terminated or canceled.
type WorkflowError struct {
	Execution engine.Execution
	Status    engine.ExecutionStatus
	Reason    string
	Kind      string // the error kind, when the failure carried one
	Message   string // the whole failure message (Reason is cut to 256)
	Details   string
}

func (e *WorkflowError) Error() string {
	msg := fmt.Sprintf("workflow %s (run %s) %s", e.Execution.WorkflowID, e.Execution.RunID, e.Status)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Wait waits until the execution closes, following continue-as-new to the
// last run, and returns the closing event of that run and its execution.
func Wait(ctx context.Context, eng engine.Engine, exec engine.Execution) (engine.Event, engine.Execution, error) {
	for {
		ev, err := waitClosed(ctx, eng, exec)
		if err != nil {
			return engine.Event{}, exec, err
		}
		if c, ok := ev.Attr.(*engine.WorkflowExecutionContinuedAsNew); ok {
			exec = engine.Execution{WorkflowID: exec.WorkflowID, RunID: c.NewRunID}
			continue
		}
		return ev, exec, nil
	}
}

func waitClosed(ctx context.Context, eng engine.Engine, exec engine.Execution) (engine.Event, error) {
	if cw, ok := eng.(engine.CloseWaiter); ok {
		return cw.WaitClosed(ctx, exec)
	}
	return WaitClosedByPolling(ctx, eng, exec)
}

// WaitClosedByPolling waits until a run closes by polling
// DescribeWorkflowExecution, for engines without engine.CloseWaiter, and
// returns its closing event.
func WaitClosedByPolling(ctx context.Context, eng engine.Engine, exec engine.Execution) (engine.Event, error) {
	delay := 10 * time.Millisecond
	for {
		info, err := eng.DescribeWorkflowExecution(ctx, exec)
		if err != nil {
			return engine.Event{}, err
		}
		if info.Status != engine.StatusOpen {
			events, err := eng.GetWorkflowExecutionHistory(ctx, info.Execution)
			if err != nil {
				return engine.Event{}, err
			}
			if len(events) == 0 {
				return engine.Event{}, errors.New("client: closed execution with an empty history")
			}
			return events[len(events)-1], nil
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return engine.Event{}, ctx.Err()
		case <-t.C:
		}
		delay = min(delay*2, time.Second)
	}
}

// Result waits for the execution's result and decodes it into T with the
// workflow's codec (nil: JSON). An execution that did not complete returns a
// *WorkflowError.
func Result[T any](ctx context.Context, eng engine.Engine, exec engine.Execution, codec flowy.Codec) (T, error) {
	ev, last, err := Wait(ctx, eng, exec)
	if err != nil {
		var zero T
		return zero, err
	}
	return Decode[T](ev, last, codec)
}

// Decode returns the result recorded by the closing event of a run (as
// returned by Wait), decoded into T with codec (nil: JSON), or a
// *WorkflowError for a run that did not complete.
func Decode[T any](ev engine.Event, last engine.Execution, codec flowy.Codec) (T, error) {
	var zero T
	if codec == nil {
		codec = flowy.JSON
	}
	we := &WorkflowError{Execution: last}
	switch a := ev.Attr.(type) {
	case *engine.WorkflowExecutionCompleted:
		var v T
		if err := codec.Decode(a.Result, &v); err != nil {
			return zero, fmt.Errorf("client: decoding the result %.100q of %s: %w", a.Result, last.WorkflowID, err)
		}
		return v, nil
	case *engine.WorkflowExecutionFailed:
		we.Status, we.Reason, we.Details = engine.StatusFailed, a.Reason, a.Details
		we.Kind, we.Message = failure.Decode(a.Reason, a.Details)
	case *engine.WorkflowExecutionTimedOut:
		we.Status = engine.StatusTimedOut
	case *engine.WorkflowExecutionTerminated:
		we.Status, we.Reason, we.Details = engine.StatusTerminated, a.Reason, a.Details
	case *engine.WorkflowExecutionCanceled:
		we.Status, we.Details = engine.StatusCanceled, a.Details
	default:
		return zero, fmt.Errorf("client: unexpected closing event %s", ev.Type())
	}
	return zero, we
}
