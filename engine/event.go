package engine

import "time"

// Event is one history event. Attr holds the event's attributes; its concrete
// type (one of the types in this file, always a pointer) says what the event is.
type Event struct {
	ID   int64 // 1, 2, 3, ... in order
	Time time.Time
	Attr EventAttributes
}

// Type returns the SWF name of the event type, e.g. "ActivityTaskCompleted".
func (e Event) Type() string { return e.Attr.EventType() }

// EventAttributes are the attributes of one kind of history event.
type EventAttributes interface {
	// EventType returns the SWF name of the event type.
	EventType() string
}

// TimeoutType says which timeout fired.
type TimeoutType string

// Timeout types, as in SWF.
const (
	TimeoutStartToClose    TimeoutType = "START_TO_CLOSE"
	TimeoutScheduleToStart TimeoutType = "SCHEDULE_TO_START"
	TimeoutScheduleToClose TimeoutType = "SCHEDULE_TO_CLOSE"
	TimeoutHeartbeat       TimeoutType = "HEARTBEAT"
)

// Causes of failed decisions, as in SWF.
const (
	CauseTypeDoesNotExist       = "TYPE_DOES_NOT_EXIST" // SWF: ACTIVITY_TYPE_DOES_NOT_EXIST / WORKFLOW_TYPE_DOES_NOT_EXIST
	CauseIDAlreadyInUse         = "ACTIVITY_ID_ALREADY_IN_USE"
	CauseTimerIDAlreadyInUse    = "TIMER_ID_ALREADY_IN_USE"
	CauseWorkflowAlreadyRunning = "WORKFLOW_ALREADY_RUNNING"
	CauseOpenLimitExceeded      = "OPEN_ACTIVITIES_LIMIT_EXCEEDED"
	CauseUnhandledDecision      = "UNHANDLED_DECISION"
)

// WorkflowExecutionStarted is the first event of every run.
type WorkflowExecutionStarted struct {
	Type                    WorkflowType
	Input                   string
	TaskList                string
	ExecutionTimeout        time.Duration
	DecisionTimeout         time.Duration
	ChildPolicy             ChildPolicy
	Tags                    []string
	Parent                  *Execution // set for child workflows
	ParentInitiatedEventID  int64
	ContinuedExecutionRunID string // set when started by continue-as-new
}

// WorkflowExecutionCompleted closes a run with a result.
type WorkflowExecutionCompleted struct {
	Result                       string
	DecisionTaskCompletedEventID int64
}

// WorkflowExecutionFailed closes a run with a failure.
type WorkflowExecutionFailed struct {
	Reason, Details              string
	DecisionTaskCompletedEventID int64
}

// WorkflowExecutionTimedOut closes a run whose execution timeout fired.
type WorkflowExecutionTimedOut struct{ ChildPolicy ChildPolicy }

// WorkflowExecutionTerminated closes a run that was terminated.
type WorkflowExecutionTerminated struct {
	Reason, Details string
	ChildPolicy     ChildPolicy
	Cause           string // "CHILD_POLICY_APPLIED" when the parent closed
}

// WorkflowExecutionCanceled closes a run that accepted a cancel request.
type WorkflowExecutionCanceled struct {
	Details                      string
	DecisionTaskCompletedEventID int64
}

// WorkflowExecutionCancelRequested records a request to cancel the run.
type WorkflowExecutionCancelRequested struct {
	Cause string
}

// WorkflowExecutionContinuedAsNew closes a run that restarted itself.
type WorkflowExecutionContinuedAsNew struct {
	NewRunID                     string
	Input                        string
	DecisionTaskCompletedEventID int64
}

// DecisionTaskScheduled records that a decision task was queued.
type DecisionTaskScheduled struct {
	TaskList     string
	StartToClose time.Duration
}

// DecisionTaskStarted records that a decider took the decision task.
type DecisionTaskStarted struct {
	ScheduledEventID int64
	Identity         string
}

// DecisionTaskCompleted records a decider's answer; the events for its
// decisions follow it.
type DecisionTaskCompleted struct {
	ScheduledEventID, StartedEventID int64
	ExecutionContext                 string
}

// DecisionTaskTimedOut records a decision task that was not answered in time.
type DecisionTaskTimedOut struct {
	ScheduledEventID, StartedEventID int64
	TimeoutType                      TimeoutType
}

// ActivityTaskScheduled records a ScheduleActivityTask decision.
type ActivityTaskScheduled struct {
	ActivityID                   string
	Type                         ActivityType
	Input                        string
	Control                      string
	TaskList                     string
	Timeouts                     ActivityTimeouts // defaults resolved
	DecisionTaskCompletedEventID int64
}

// ScheduleActivityTaskFailed records a ScheduleActivityTask decision the
// engine could not carry out.
type ScheduleActivityTaskFailed struct {
	ActivityID                   string
	Type                         ActivityType
	Cause                        string
	DecisionTaskCompletedEventID int64
}

// ActivityTaskStarted records that a worker took the activity task.
type ActivityTaskStarted struct {
	ScheduledEventID int64
	Identity         string
}

// ActivityTaskCompleted records an activity's result.
type ActivityTaskCompleted struct {
	ScheduledEventID, StartedEventID int64
	Result                           string
}

// ActivityTaskFailed records an activity's failure.
type ActivityTaskFailed struct {
	ScheduledEventID, StartedEventID int64
	Reason, Details                  string
}

// ActivityTaskTimedOut records an activity timeout. StartedEventID is 0 when
// the task never started.
type ActivityTaskTimedOut struct {
	ScheduledEventID, StartedEventID int64
	TimeoutType                      TimeoutType
	Details                          string // the last heartbeat's details
}

// TimerStarted records a StartTimer decision.
type TimerStarted struct {
	TimerID                      string
	StartToFire                  time.Duration
	Control                      string
	DecisionTaskCompletedEventID int64
}

// StartTimerFailed records a StartTimer decision that could not be carried out.
type StartTimerFailed struct {
	TimerID                      string
	Cause                        string
	DecisionTaskCompletedEventID int64
}

// TimerFired records that a timer fired.
type TimerFired struct {
	TimerID        string
	StartedEventID int64
}

// StartChildWorkflowExecutionInitiated records a StartChildWorkflowExecution
// decision.
type StartChildWorkflowExecutionInitiated struct {
	WorkflowID                   string
	Type                         WorkflowType
	Input                        string
	Control                      string
	TaskList                     string
	ExecutionTimeout             time.Duration
	DecisionTimeout              time.Duration
	ChildPolicy                  ChildPolicy
	Tags                         []string
	DecisionTaskCompletedEventID int64
}

// StartChildWorkflowExecutionFailed records a child that could not start.
type StartChildWorkflowExecutionFailed struct {
	WorkflowID                   string
	Type                         WorkflowType
	Cause                        string
	InitiatedEventID             int64
	DecisionTaskCompletedEventID int64
}

// ChildWorkflowExecutionStarted records that a child started.
type ChildWorkflowExecutionStarted struct {
	Execution        Execution
	Type             WorkflowType
	InitiatedEventID int64
}

// ChildWorkflowExecutionCompleted records a child's result.
type ChildWorkflowExecutionCompleted struct {
	Execution                        Execution
	Type                             WorkflowType
	Result                           string
	InitiatedEventID, StartedEventID int64
}

// ChildWorkflowExecutionFailed records a child's failure.
type ChildWorkflowExecutionFailed struct {
	Execution                        Execution
	Type                             WorkflowType
	Reason, Details                  string
	InitiatedEventID, StartedEventID int64
}

// ChildWorkflowExecutionTimedOut records a child whose execution timed out.
type ChildWorkflowExecutionTimedOut struct {
	Execution                        Execution
	Type                             WorkflowType
	InitiatedEventID, StartedEventID int64
}

// ChildWorkflowExecutionCanceled records a child that was canceled.
type ChildWorkflowExecutionCanceled struct {
	Execution                        Execution
	Type                             WorkflowType
	Details                          string
	InitiatedEventID, StartedEventID int64
}

// ChildWorkflowExecutionTerminated records a child that was terminated.
type ChildWorkflowExecutionTerminated struct {
	Execution                        Execution
	Type                             WorkflowType
	InitiatedEventID, StartedEventID int64
}

// CompleteWorkflowExecutionFailed records a close decision the engine refused
// (e.g. UNHANDLED_DECISION: new events arrived while deciding).
type CompleteWorkflowExecutionFailed struct {
	Cause                        string
	DecisionTaskCompletedEventID int64
}

// FailWorkflowExecutionFailed records a refused FailWorkflowExecution decision.
type FailWorkflowExecutionFailed struct {
	Cause                        string
	DecisionTaskCompletedEventID int64
}

// ContinueAsNewWorkflowExecutionFailed records a refused continue-as-new.
type ContinueAsNewWorkflowExecutionFailed struct {
	Cause                        string
	DecisionTaskCompletedEventID int64
}

func (*WorkflowExecutionStarted) EventType() string    { return "WorkflowExecutionStarted" }
func (*WorkflowExecutionCompleted) EventType() string  { return "WorkflowExecutionCompleted" }
func (*WorkflowExecutionFailed) EventType() string     { return "WorkflowExecutionFailed" }
func (*WorkflowExecutionTimedOut) EventType() string   { return "WorkflowExecutionTimedOut" }
func (*WorkflowExecutionTerminated) EventType() string { return "WorkflowExecutionTerminated" }
func (*WorkflowExecutionCanceled) EventType() string   { return "WorkflowExecutionCanceled" }
func (*WorkflowExecutionCancelRequested) EventType() string {
	return "WorkflowExecutionCancelRequested"
}
func (*WorkflowExecutionContinuedAsNew) EventType() string { return "WorkflowExecutionContinuedAsNew" }
func (*DecisionTaskScheduled) EventType() string           { return "DecisionTaskScheduled" }
func (*DecisionTaskStarted) EventType() string             { return "DecisionTaskStarted" }
func (*DecisionTaskCompleted) EventType() string           { return "DecisionTaskCompleted" }
func (*DecisionTaskTimedOut) EventType() string            { return "DecisionTaskTimedOut" }
func (*ActivityTaskScheduled) EventType() string           { return "ActivityTaskScheduled" }
func (*ScheduleActivityTaskFailed) EventType() string      { return "ScheduleActivityTaskFailed" }
func (*ActivityTaskStarted) EventType() string             { return "ActivityTaskStarted" }
func (*ActivityTaskCompleted) EventType() string           { return "ActivityTaskCompleted" }
func (*ActivityTaskFailed) EventType() string              { return "ActivityTaskFailed" }
func (*ActivityTaskTimedOut) EventType() string            { return "ActivityTaskTimedOut" }
func (*TimerStarted) EventType() string                    { return "TimerStarted" }
func (*StartTimerFailed) EventType() string                { return "StartTimerFailed" }
func (*TimerFired) EventType() string                      { return "TimerFired" }
func (*StartChildWorkflowExecutionInitiated) EventType() string {
	return "StartChildWorkflowExecutionInitiated"
}
func (*StartChildWorkflowExecutionFailed) EventType() string {
	return "StartChildWorkflowExecutionFailed"
}
func (*ChildWorkflowExecutionStarted) EventType() string   { return "ChildWorkflowExecutionStarted" }
func (*ChildWorkflowExecutionCompleted) EventType() string { return "ChildWorkflowExecutionCompleted" }
func (*ChildWorkflowExecutionFailed) EventType() string    { return "ChildWorkflowExecutionFailed" }
func (*ChildWorkflowExecutionTimedOut) EventType() string  { return "ChildWorkflowExecutionTimedOut" }
func (*ChildWorkflowExecutionCanceled) EventType() string  { return "ChildWorkflowExecutionCanceled" }
func (*ChildWorkflowExecutionTerminated) EventType() string {
	return "ChildWorkflowExecutionTerminated"
}
func (*CompleteWorkflowExecutionFailed) EventType() string { return "CompleteWorkflowExecutionFailed" }
func (*FailWorkflowExecutionFailed) EventType() string     { return "FailWorkflowExecutionFailed" }
func (*ContinueAsNewWorkflowExecutionFailed) EventType() string {
	return "ContinueAsNewWorkflowExecutionFailed"
}
