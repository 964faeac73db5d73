package engine

import (
	"context"
	"time"
)

// Decision is one decision in a decision task's answer. Its concrete type (one
// of the types in this file, always a pointer) says what it is.
type Decision interface {
	// DecisionType returns the SWF name of the decision type.
	DecisionType() string
}

// ScheduleActivityTask schedules an activity task. Zero timeouts and an empty
// task list take the activity type's registered defaults.
type ScheduleActivityTask struct {
	ActivityID string
	Type       ActivityType
	Input      string
	Control    string
	TaskList   string
	Timeouts   ActivityTimeouts
}

// StartTimer starts a timer.
type StartTimer struct {
	TimerID     string
	StartToFire time.Duration
	Control     string
}

// StartChildWorkflowExecution starts a child workflow. Zero values take the
// child type's registered defaults.
type StartChildWorkflowExecution struct {
	WorkflowID       string
	Type             WorkflowType
	Input            string
	Control          string
	TaskList         string
	ExecutionTimeout time.Duration
	DecisionTimeout  time.Duration
	ChildPolicy      ChildPolicy
	Tags             []string
}

// CompleteWorkflowExecution closes the run with a result.
type CompleteWorkflowExecution struct{ Result string }

// FailWorkflowExecution closes the run with a failure.
type FailWorkflowExecution struct{ Reason, Details string }

// ContinueAsNewWorkflowExecution closes the run and starts a new run of the
// same workflow id with new input. Zero values keep the current run's settings.
type ContinueAsNewWorkflowExecution struct {
	Input            string
	TaskList         string
	ExecutionTimeout time.Duration
	DecisionTimeout  time.Duration
	ChildPolicy      ChildPolicy
	Version          string // empty: the same workflow type version
	Tags             []string
}

func (*ScheduleActivityTask) DecisionType() string           { return "ScheduleActivityTask" }
func (*StartTimer) DecisionType() string                     { return "StartTimer" }
func (*StartChildWorkflowExecution) DecisionType() string    { return "StartChildWorkflowExecution" }
func (*CompleteWorkflowExecution) DecisionType() string      { return "CompleteWorkflowExecution" }
func (*FailWorkflowExecution) DecisionType() string          { return "FailWorkflowExecution" }
func (*ContinueAsNewWorkflowExecution) DecisionType() string { return "ContinueAsNewWorkflowExecution" }

// IsClose reports whether d closes the run (it must then be the last decision).
func IsClose(d Decision) bool {
	switch d.(type) {
	case *CompleteWorkflowExecution, *FailWorkflowExecution, *ContinueAsNewWorkflowExecution:
		return true
	}
	return false
}

// CloseWaiter is an optional capability: an engine that can tell when a run
// closes without polling. The memory engine implements it; callers fall back
// to polling DescribeWorkflowExecution.
type CloseWaiter interface {
	// WaitClosed blocks until the run closes (or ctx ends) and returns its
	// closing event.
	WaitClosed(ctx context.Context, exec Execution) (Event, error)
}
