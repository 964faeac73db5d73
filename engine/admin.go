package engine

import (
	"context"
	"time"
)

// The optional capabilities below serve tools — the SWF protocol server, the
// CLI, a web UI — rather than workers. An engine implements the ones it can;
// callers find them by type assertion and report an unsupported operation
// when one is missing.

// TypeStatus is the registration status of a type.
type TypeStatus string

// Type statuses, as in SWF.
const (
	TypeRegistered TypeStatus = "REGISTERED"
	TypeDeprecated TypeStatus = "DEPRECATED"
)

// WorkflowTypeDetail is a registered workflow type with its status.
type WorkflowTypeDetail struct {
	WorkflowTypeInfo
	Description     string
	Status          TypeStatus
	Created         time.Time
	DeprecatedSince time.Time // zero unless deprecated
}

// ActivityTypeDetail is a registered activity type with its status.
type ActivityTypeDetail struct {
	ActivityTypeInfo
	Description     string
	Status          TypeStatus
	Created         time.Time
	DeprecatedSince time.Time
}

// TypeAdmin describes, lists and deprecates registered types. A deprecated
// type cannot start new executions or be scheduled (the decision fails with
// cause TYPE_DEPRECATED), but open executions carry on.
type TypeAdmin interface {
	DescribeWorkflowType(ctx context.Context, t WorkflowType) (*WorkflowTypeDetail, error)
	DescribeActivityType(ctx context.Context, t ActivityType) (*ActivityTypeDetail, error)
	// ListWorkflowTypes lists types with the status, and the name if not
	// empty, ordered by name then version.
	ListWorkflowTypes(ctx context.Context, status TypeStatus, name string) ([]WorkflowTypeDetail, error)
	ListActivityTypes(ctx context.Context, status TypeStatus, name string) ([]ActivityTypeDetail, error)
	DeprecateWorkflowType(ctx context.Context, t WorkflowType) error
	DeprecateActivityType(ctx context.Context, t ActivityType) error
}

// CauseTypeDeprecated is the cause of a decision naming a deprecated type.
const CauseTypeDeprecated = "TYPE_DEPRECATED"

// ExecutionFilter selects executions to list. Zero fields select everything.
type ExecutionFilter struct {
	// Open selects open executions; otherwise closed ones.
	Open bool
	// StartedAfter and StartedBefore bound the start time (inclusive).
	StartedAfter, StartedBefore time.Time
	// ClosedAfter and ClosedBefore bound the close time (closed only).
	ClosedAfter, ClosedBefore time.Time
	WorkflowID                string
	TypeName                  string
	TypeVer                   string // only with TypeName
	Tag                       string
	// CloseStatus selects closed executions by status.
	CloseStatus ExecutionStatus
}

// ExecutionLister lists executions, newest start first.
type ExecutionLister interface {
	ListExecutions(ctx context.Context, f ExecutionFilter) ([]ExecutionInfo, error)
}

// PendingCounter counts the tasks waiting on a task list.
type PendingCounter interface {
	CountPendingDecisionTasks(ctx context.Context, taskList string) (int, error)
	CountPendingActivityTasks(ctx context.Context, taskList string) (int, error)
}

// Signaler delivers signals and cancel requests to open executions: a
// signal records WorkflowExecutionSignaled, a cancel request
// WorkflowExecutionCancelRequested, and each schedules a decision task.
type Signaler interface {
	SignalWorkflow(ctx context.Context, exec Execution, name, input string) error
	RequestCancelWorkflow(ctx context.Context, exec Execution) error
}

// WorkflowExecutionSignaled records a signal.
type WorkflowExecutionSignaled struct {
	SignalName string
	Input      string
}

// EventType implements EventAttributes.
func (*WorkflowExecutionSignaled) EventType() string { return "WorkflowExecutionSignaled" }
