// Package engine is the contract between flowy's workers and a workflow engine.
//
// An engine stores workflow executions and their histories, hands out decision
// and activity tasks on task lists, and turns the decisions a decider answers
// with into new history events. It speaks in the terms of Amazon SWF, the
// reference engine: history events, decisions, task lists, task tokens, the
// four activity timeouts and the decision task timeout. Everything above the
// engine — replay, retries, encodings, ids — is written once in the decider
// and the workers, so an engine only does bookkeeping and I/O.
//
// # Writing an engine
//
// An engine implements [Engine]. The rules every engine follows (the
// conformance suite in package conformance checks them):
//
//   - Registration. [Engine.RegisterWorkflowType] and
//     [Engine.RegisterActivityType] store a type and its defaults; registering
//     a type again returns an error wrapping [ErrTypeAlreadyExists] and changes
//     nothing. A decision that names an unregistered type does not fail the
//     decision task: it records a [ScheduleActivityTaskFailed] (or
//     [StartChildWorkflowExecutionFailed]) event with cause
//     [CauseTypeDoesNotExist], and the decider decides again.
//
//   - Defaults. A zero duration in a decision means "use the type's registered
//     default"; [NoTimeout] means unlimited. An empty task list means the
//     type's default task list.
//
//   - Starting. [Engine.StartWorkflow] records WorkflowExecutionStarted and
//     schedules a decision task (DecisionTaskScheduled). A workflow id may have
//     at most one open execution. A start with no task list, neither in the
//     request nor as the type's default, is an error ([ErrInvalidArgument]).
//     A child with none takes its parent's task list; an activity with none
//     takes its run's. A child policy left unset everywhere means ABANDON.
//
//   - Decision tasks. At most one decision task of an execution is scheduled or
//     started at a time. When a task is handed out the engine records
//     DecisionTaskStarted and gives the complete history up to and including
//     that event. Events that happen while a decision task is started
//     (activity completions, timers) are recorded at once, and a new decision
//     task is scheduled when the started one completes. When a decision task
//     completes, the engine records DecisionTaskCompleted and then one event per
//     decision, in the order given, each with DecisionTaskCompletedEventID set.
//     A decision task that is not answered within its start-to-close timeout
//     times out (DecisionTaskTimedOut) and a new one is scheduled; its token is
//     then invalid.
//
//   - Close decisions (complete, fail, continue-as-new) must be the last
//     decision of a list; an execution that closes cancels nothing by itself but
//     applies its child policy to its open children. A close decision is
//     refused (CompleteWorkflowExecutionFailed, FailWorkflowExecutionFailed or
//     ContinueAsNewWorkflowExecutionFailed with cause
//     [CauseUnhandledDecision]) when, while the decision task was started,
//     anything happened that schedules a decision task (an activity, timer or
//     child closed, a cancel request): the other decisions of the list are
//     still recorded, and a new decision task is scheduled, so no result is
//     lost to a close the decider made without seeing it. Continue-as-new closes the
//     run (WorkflowExecutionContinuedAsNew) and starts a new run with the same
//     workflow id and a new run id.
//
//   - Activity tasks. ScheduleActivityTask records ActivityTaskScheduled and
//     queues the task on its task list. Handing it out records
//     ActivityTaskStarted. Completion, failure and every timeout record exactly
//     one closing event (ActivityTaskCompleted, ActivityTaskFailed,
//     ActivityTaskTimedOut) and schedule a decision task. A response with a
//     token whose task already closed returns an error wrapping
//     [ErrUnknownResource] and records nothing.
//
//   - Timeouts: schedule-to-start (queued too long), start-to-close (running
//     too long), schedule-to-close (both), heartbeat (no heartbeat for that
//     long since start or the last heartbeat), decision start-to-close, and the
//     execution's start-to-close, which closes it with
//     WorkflowExecutionTimedOut.
//
//   - Timers. StartTimer records TimerStarted and, after the delay, TimerFired
//     plus a decision task.
//
//   - Child workflows. StartChildWorkflowExecution records
//     StartChildWorkflowExecutionInitiated, starts the child (recording
//     ChildWorkflowExecutionStarted in the parent) and, when the child closes,
//     one of ChildWorkflowExecutionCompleted, -Failed, -TimedOut, -Canceled or
//     -Terminated in the parent. ChildWorkflowExecutionStarted schedules a
//     decision task of the parent, as every failed decision does. A child
//     whose workflow id is in use records StartChildWorkflowExecutionFailed
//     with cause
//     [CauseWorkflowAlreadyRunning].
//
//   - Long polls. [Engine.PollDecisionTask] and [Engine.PollActivityTask] block
//     until a task is available or the context ends, and then return
//     (nil, nil) for "no task" — never an error for an expired poll. Once
//     the engine is closed they return an error wrapping [ErrClosed].
//
//   - Limits. Engines that enforce payload limits (SWF: 32,768 characters for
//     input, result, details and control, 256 for reasons and ids, 2,048 for
//     heartbeat details) reject oversize
//     requests with an error wrapping [ErrLimitExceeded]; the decider and the
//     activity worker check the same limits before sending, so a well-behaved
//     client never sees that error.
//
//   - Malformed requests (empty ids, negative durations other than
//     [NoTimeout], unknown child policies, a close decision that is not last)
//     return an error wrapping [ErrInvalidArgument] and record nothing.
//
// Not in the contract yet: canceling activities or timers by decision, and
// markers.
//
// Optional capabilities are separate interfaces, found by type assertion:
// [CloseWaiter] (wait for a run to close), and for tools [TypeAdmin],
// [ExecutionLister], [PendingCounter] and [Signaler] (signals and cancel
// requests, recorded in the history; flowy's decider does not act on them
// yet). Package memory is the reference implementation, and package
// conformance the suite every engine must pass.
package engine

import (
	"context"
	"errors"
	"time"
)

// NoTimeout in a duration field means "no limit" (SWF's "NONE").
const NoTimeout time.Duration = -1

// Limits of Amazon SWF, which every engine's callers respect.
const (
	MaxPayloadChars          = 32768 // input, result, details, control
	MaxReasonChars           = 256   // failure and terminate reasons
	MaxIDChars               = 256   // workflow, activity and timer ids
	MaxHeartbeatDetailsChars = 2048
)

// Errors engines return, wrapped with context. Test with [errors.Is].
var (
	// ErrUnknownResource: no such execution, type or task (or the task token
	// is no longer valid because the task closed or timed out).
	ErrUnknownResource = errors.New("unknown resource")
	// ErrTypeAlreadyExists: a type with that name and version is registered.
	ErrTypeAlreadyExists = errors.New("type already exists")
	// ErrTypeDeprecated: the type is deprecated (see TypeAdmin).
	ErrTypeDeprecated = errors.New("type deprecated")
	// ErrAlreadyStarted: an open execution with that workflow id exists.
	ErrAlreadyStarted = errors.New("workflow execution already started")
	// ErrLimitExceeded: a payload, reason or id is over its limit.
	ErrLimitExceeded = errors.New("limit exceeded")
	// ErrClosed: the engine has been closed.
	ErrClosed = errors.New("engine closed")
	// ErrInvalidArgument: a malformed request (an empty id or task list, a
	// negative duration, a close decision that is not the last, an unknown
	// child policy). Nothing is recorded.
	ErrInvalidArgument = errors.New("invalid argument")
)

// Engine is a workflow engine. All methods are safe for concurrent use.
type Engine interface {
	// RegisterWorkflowType registers a workflow type and its defaults.
	RegisterWorkflowType(ctx context.Context, t WorkflowTypeInfo) error
	// RegisterActivityType registers an activity type and its defaults.
	RegisterActivityType(ctx context.Context, t ActivityTypeInfo) error

	// StartWorkflow starts a workflow execution and returns its run id.
	StartWorkflow(ctx context.Context, p StartWorkflowParams) (runID string, err error)
	// TerminateWorkflow closes an open execution at once
	// (WorkflowExecutionTerminated), applying its child policy. An empty run
	// id means the open run of the workflow id.
	TerminateWorkflow(ctx context.Context, exec Execution, reason, details string) error

	// PollDecisionTask waits for a decision task on the task list. It returns
	// (nil, nil) when the context ends first.
	PollDecisionTask(ctx context.Context, p PollParams) (*DecisionTask, error)
	// RespondDecisionTaskCompleted answers a decision task with decisions.
	RespondDecisionTaskCompleted(ctx context.Context, p RespondDecisionParams) error

	// PollActivityTask waits for an activity task on the task list. It
	// returns (nil, nil) when the context ends first.
	PollActivityTask(ctx context.Context, p PollParams) (*ActivityTask, error)
	// RespondActivityTaskCompleted records an activity's result.
	RespondActivityTaskCompleted(ctx context.Context, token, result string) error
	// RespondActivityTaskFailed records an activity's failure.
	RespondActivityTaskFailed(ctx context.Context, token, reason, details string) error
	// RecordActivityTaskHeartbeat records a heartbeat. cancelRequested reports
	// that the activity should stop.
	RecordActivityTaskHeartbeat(ctx context.Context, token, details string) (cancelRequested bool, err error)

	// DescribeWorkflowExecution describes an execution. An empty run id means
	// the latest run of the workflow id.
	DescribeWorkflowExecution(ctx context.Context, exec Execution) (*ExecutionInfo, error)
	// GetWorkflowExecutionHistory returns the whole history of a run. An empty
	// run id means the latest run of the workflow id.
	GetWorkflowExecutionHistory(ctx context.Context, exec Execution) ([]Event, error)
}

// Execution names one run of a workflow.
type Execution struct {
	WorkflowID string
	RunID      string
}

// WorkflowType names a workflow type.
type WorkflowType struct{ Name, Version string }

// ActivityType names an activity type.
type ActivityType struct{ Name, Version string }

// ChildPolicy says what happens to open child executions when their parent
// closes.
type ChildPolicy string

// Child policies, as in SWF.
const (
	ChildPolicyUnset         ChildPolicy = ""
	ChildPolicyTerminate     ChildPolicy = "TERMINATE"
	ChildPolicyRequestCancel ChildPolicy = "REQUEST_CANCEL"
	ChildPolicyAbandon       ChildPolicy = "ABANDON"
)

// WorkflowTypeInfo is a workflow type with its registered defaults.
type WorkflowTypeInfo struct {
	WorkflowType
	DefaultTaskList         string
	DefaultExecutionTimeout time.Duration // start-to-close of the execution
	DefaultDecisionTimeout  time.Duration // start-to-close of decision tasks
	DefaultChildPolicy      ChildPolicy
}

// ActivityTypeInfo is an activity type with its registered defaults.
type ActivityTypeInfo struct {
	ActivityType
	DefaultTaskList string
	ActivityTimeouts
}

// ActivityTimeouts are the four activity timeouts. Zero means "default",
// [NoTimeout] means unlimited.
type ActivityTimeouts struct {
	ScheduleToStart time.Duration
	StartToClose    time.Duration
	ScheduleToClose time.Duration
	Heartbeat       time.Duration
}

// StartWorkflowParams starts an execution.
type StartWorkflowParams struct {
	WorkflowID       string
	Type             WorkflowType
	Input            string
	TaskList         string        // empty: the type's default
	ExecutionTimeout time.Duration // zero: the type's default
	DecisionTimeout  time.Duration // zero: the type's default
	ChildPolicy      ChildPolicy   // empty: the type's default
	Tags             []string
}

// PollParams is the argument of the poll calls.
type PollParams struct {
	TaskList string
	Identity string // the worker's identity, recorded in the started event
}

// DecisionTask is a decision task handed to a decider.
type DecisionTask struct {
	Token     string
	Execution Execution
	Type      WorkflowType
	// Events is the complete history of the run up to and including this
	// task's DecisionTaskStarted event. Events[i].ID == i+1. Callers must not
	// modify it.
	Events []Event
	// StartedEventID is the id of this task's DecisionTaskStarted event.
	StartedEventID int64
	// PreviousStartedEventID is the DecisionTaskStarted event id of the last
	// decision task of this run that completed (0 if none). A decider that
	// kept its state from that task can process only the later events.
	PreviousStartedEventID int64
}

// RespondDecisionParams answers a decision task.
type RespondDecisionParams struct {
	Token            string
	Decisions        []Decision
	ExecutionContext string
}

// ActivityTask is an activity task handed to an activity worker.
type ActivityTask struct {
	Token          string
	Execution      Execution
	ActivityID     string
	Type           ActivityType
	Input          string
	StartedEventID int64
	// Timeouts in force for this task (defaults resolved).
	Timeouts ActivityTimeouts
}

// ExecutionStatus is the status of an execution.
type ExecutionStatus string

// Execution statuses. Open executions are "OPEN"; closed ones carry the close
// status, as in SWF.
const (
	StatusOpen           ExecutionStatus = "OPEN"
	StatusCompleted      ExecutionStatus = "COMPLETED"
	StatusFailed         ExecutionStatus = "FAILED"
	StatusCanceled       ExecutionStatus = "CANCELED"
	StatusTerminated     ExecutionStatus = "TERMINATED"
	StatusContinuedAsNew ExecutionStatus = "CONTINUED_AS_NEW"
	StatusTimedOut       ExecutionStatus = "TIMED_OUT"
)

// ExecutionInfo describes an execution.
type ExecutionInfo struct {
	Execution Execution
	Type      WorkflowType
	Status    ExecutionStatus
	StartTime time.Time
	CloseTime time.Time // zero while open
	Parent    *Execution
	Tags      []string
	// OpenActivities, OpenTimers and OpenChildren count what is in flight.
	OpenActivities, OpenTimers, OpenChildren int
}
