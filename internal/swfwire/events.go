package swfwire

// HistoryEvent is one event of a history. Exactly one attributes member is
// set: the one named after EventType.
type HistoryEvent struct {
	EventID        int64     `json:"eventId"`
	EventTimestamp Timestamp `json:"eventTimestamp"`
	EventType      string    `json:"eventType"`

	WorkflowExecutionStartedEventAttributes             *WorkflowExecutionStartedEventAttributes             `json:"workflowExecutionStartedEventAttributes,omitempty"`
	WorkflowExecutionCompletedEventAttributes           *WorkflowExecutionCompletedEventAttributes           `json:"workflowExecutionCompletedEventAttributes,omitempty"`
	WorkflowExecutionFailedEventAttributes              *WorkflowExecutionFailedEventAttributes              `json:"workflowExecutionFailedEventAttributes,omitempty"`
	WorkflowExecutionTimedOutEventAttributes            *WorkflowExecutionTimedOutEventAttributes            `json:"workflowExecutionTimedOutEventAttributes,omitempty"`
	WorkflowExecutionTerminatedEventAttributes          *WorkflowExecutionTerminatedEventAttributes          `json:"workflowExecutionTerminatedEventAttributes,omitempty"`
	WorkflowExecutionCanceledEventAttributes            *WorkflowExecutionCanceledEventAttributes            `json:"workflowExecutionCanceledEventAttributes,omitempty"`
	WorkflowExecutionCancelRequestedEventAttributes     *WorkflowExecutionCancelRequestedEventAttributes     `json:"workflowExecutionCancelRequestedEventAttributes,omitempty"`
	WorkflowExecutionContinuedAsNewEventAttributes      *WorkflowExecutionContinuedAsNewEventAttributes      `json:"workflowExecutionContinuedAsNewEventAttributes,omitempty"`
	WorkflowExecutionSignaledEventAttributes            *WorkflowExecutionSignaledEventAttributes            `json:"workflowExecutionSignaledEventAttributes,omitempty"`
	DecisionTaskScheduledEventAttributes                *DecisionTaskScheduledEventAttributes                `json:"decisionTaskScheduledEventAttributes,omitempty"`
	DecisionTaskStartedEventAttributes                  *DecisionTaskStartedEventAttributes                  `json:"decisionTaskStartedEventAttributes,omitempty"`
	DecisionTaskCompletedEventAttributes                *DecisionTaskCompletedEventAttributes                `json:"decisionTaskCompletedEventAttributes,omitempty"`
	DecisionTaskTimedOutEventAttributes                 *DecisionTaskTimedOutEventAttributes                 `json:"decisionTaskTimedOutEventAttributes,omitempty"`
	ActivityTaskScheduledEventAttributes                *ActivityTaskScheduledEventAttributes                `json:"activityTaskScheduledEventAttributes,omitempty"`
	ScheduleActivityTaskFailedEventAttributes           *ScheduleActivityTaskFailedEventAttributes           `json:"scheduleActivityTaskFailedEventAttributes,omitempty"`
	ActivityTaskStartedEventAttributes                  *ActivityTaskStartedEventAttributes                  `json:"activityTaskStartedEventAttributes,omitempty"`
	ActivityTaskCompletedEventAttributes                *ActivityTaskCompletedEventAttributes                `json:"activityTaskCompletedEventAttributes,omitempty"`
	ActivityTaskFailedEventAttributes                   *ActivityTaskFailedEventAttributes                   `json:"activityTaskFailedEventAttributes,omitempty"`
	ActivityTaskTimedOutEventAttributes                 *ActivityTaskTimedOutEventAttributes                 `json:"activityTaskTimedOutEventAttributes,omitempty"`
	TimerStartedEventAttributes                         *TimerStartedEventAttributes                         `json:"timerStartedEventAttributes,omitempty"`
	StartTimerFailedEventAttributes                     *StartTimerFailedEventAttributes                     `json:"startTimerFailedEventAttributes,omitempty"`
	TimerFiredEventAttributes                           *TimerFiredEventAttributes                           `json:"timerFiredEventAttributes,omitempty"`
	StartChildWorkflowExecutionInitiatedEventAttributes *StartChildWorkflowExecutionInitiatedEventAttributes `json:"startChildWorkflowExecutionInitiatedEventAttributes,omitempty"`
	StartChildWorkflowExecutionFailedEventAttributes    *StartChildWorkflowExecutionFailedEventAttributes    `json:"startChildWorkflowExecutionFailedEventAttributes,omitempty"`
	ChildWorkflowExecutionStartedEventAttributes        *ChildWorkflowExecutionStartedEventAttributes        `json:"childWorkflowExecutionStartedEventAttributes,omitempty"`
	ChildWorkflowExecutionCompletedEventAttributes      *ChildWorkflowExecutionCompletedEventAttributes      `json:"childWorkflowExecutionCompletedEventAttributes,omitempty"`
	ChildWorkflowExecutionFailedEventAttributes         *ChildWorkflowExecutionFailedEventAttributes         `json:"childWorkflowExecutionFailedEventAttributes,omitempty"`
	ChildWorkflowExecutionTimedOutEventAttributes       *ChildWorkflowExecutionTimedOutEventAttributes       `json:"childWorkflowExecutionTimedOutEventAttributes,omitempty"`
	ChildWorkflowExecutionCanceledEventAttributes       *ChildWorkflowExecutionCanceledEventAttributes       `json:"childWorkflowExecutionCanceledEventAttributes,omitempty"`
	ChildWorkflowExecutionTerminatedEventAttributes     *ChildWorkflowExecutionTerminatedEventAttributes     `json:"childWorkflowExecutionTerminatedEventAttributes,omitempty"`
	CompleteWorkflowExecutionFailedEventAttributes      *CompleteWorkflowExecutionFailedEventAttributes      `json:"completeWorkflowExecutionFailedEventAttributes,omitempty"`
	FailWorkflowExecutionFailedEventAttributes          *FailWorkflowExecutionFailedEventAttributes          `json:"failWorkflowExecutionFailedEventAttributes,omitempty"`
	ContinueAsNewWorkflowExecutionFailedEventAttributes *ContinueAsNewWorkflowExecutionFailedEventAttributes `json:"continueAsNewWorkflowExecutionFailedEventAttributes,omitempty"`
}

// WorkflowExecutionStartedEventAttributes: the first event of a run.
type WorkflowExecutionStartedEventAttributes struct {
	WorkflowType                 *WorkflowType      `json:"workflowType"`
	Input                        string             `json:"input,omitempty"`
	TaskList                     *TaskList          `json:"taskList"`
	TaskPriority                 string             `json:"taskPriority,omitempty"`
	ExecutionStartToCloseTimeout string             `json:"executionStartToCloseTimeout,omitempty"`
	TaskStartToCloseTimeout      string             `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string             `json:"childPolicy"`
	TagList                      []string           `json:"tagList,omitempty"`
	ParentWorkflowExecution      *WorkflowExecution `json:"parentWorkflowExecution,omitempty"`
	ParentInitiatedEventID       int64              `json:"parentInitiatedEventId"`
	ContinuedExecutionRunID      string             `json:"continuedExecutionRunId,omitempty"`
	LambdaRole                   string             `json:"lambdaRole,omitempty"`
}

// WorkflowExecutionCompletedEventAttributes: a run closed with a result.
type WorkflowExecutionCompletedEventAttributes struct {
	Result                       string `json:"result,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// WorkflowExecutionFailedEventAttributes: a run closed with a failure.
type WorkflowExecutionFailedEventAttributes struct {
	Reason                       string `json:"reason,omitempty"`
	Details                      string `json:"details,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// WorkflowExecutionTimedOutEventAttributes: a run's execution timeout fired.
type WorkflowExecutionTimedOutEventAttributes struct {
	TimeoutType string `json:"timeoutType"`
	ChildPolicy string `json:"childPolicy"`
}

// WorkflowExecutionTerminatedEventAttributes: a run was terminated.
type WorkflowExecutionTerminatedEventAttributes struct {
	Reason      string `json:"reason,omitempty"`
	Details     string `json:"details,omitempty"`
	ChildPolicy string `json:"childPolicy"`
	Cause       string `json:"cause,omitempty"`
}

// WorkflowExecutionCanceledEventAttributes: a run accepted a cancel request.
type WorkflowExecutionCanceledEventAttributes struct {
	Details                      string `json:"details,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// WorkflowExecutionCancelRequestedEventAttributes: a cancel was requested.
type WorkflowExecutionCancelRequestedEventAttributes struct {
	ExternalWorkflowExecution *WorkflowExecution `json:"externalWorkflowExecution,omitempty"`
	ExternalInitiatedEventID  int64              `json:"externalInitiatedEventId,omitempty"`
	Cause                     string             `json:"cause,omitempty"`
}

// WorkflowExecutionContinuedAsNewEventAttributes: a run restarted itself.
type WorkflowExecutionContinuedAsNewEventAttributes struct {
	Input                        string        `json:"input,omitempty"`
	DecisionTaskCompletedEventID int64         `json:"decisionTaskCompletedEventId"`
	NewExecutionRunID            string        `json:"newExecutionRunId"`
	ExecutionStartToCloseTimeout string        `json:"executionStartToCloseTimeout,omitempty"`
	TaskList                     *TaskList     `json:"taskList,omitempty"`
	TaskPriority                 string        `json:"taskPriority,omitempty"`
	TaskStartToCloseTimeout      string        `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string        `json:"childPolicy,omitempty"`
	TagList                      []string      `json:"tagList,omitempty"`
	WorkflowType                 *WorkflowType `json:"workflowType,omitempty"`
	LambdaRole                   string        `json:"lambdaRole,omitempty"`
}

// WorkflowExecutionSignaledEventAttributes: a signal arrived.
type WorkflowExecutionSignaledEventAttributes struct {
	SignalName                string             `json:"signalName"`
	Input                     string             `json:"input,omitempty"`
	ExternalWorkflowExecution *WorkflowExecution `json:"externalWorkflowExecution,omitempty"`
	ExternalInitiatedEventID  int64              `json:"externalInitiatedEventId,omitempty"`
}

// DecisionTaskScheduledEventAttributes: a decision task was queued.
type DecisionTaskScheduledEventAttributes struct {
	TaskList               *TaskList `json:"taskList"`
	TaskPriority           string    `json:"taskPriority,omitempty"`
	StartToCloseTimeout    string    `json:"startToCloseTimeout,omitempty"`
	ScheduleToStartTimeout string    `json:"scheduleToStartTimeout,omitempty"`
}

// DecisionTaskStartedEventAttributes: a decider took the decision task.
type DecisionTaskStartedEventAttributes struct {
	Identity         string `json:"identity,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
}

// DecisionTaskCompletedEventAttributes: a decider answered.
type DecisionTaskCompletedEventAttributes struct {
	ExecutionContext string `json:"executionContext,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
	StartedEventID   int64  `json:"startedEventId"`
}

// DecisionTaskTimedOutEventAttributes: a decision task was not answered in
// time.
type DecisionTaskTimedOutEventAttributes struct {
	TimeoutType      string `json:"timeoutType"`
	ScheduledEventID int64  `json:"scheduledEventId"`
	StartedEventID   int64  `json:"startedEventId"`
}

// ActivityTaskScheduledEventAttributes: an activity task was scheduled.
type ActivityTaskScheduledEventAttributes struct {
	ActivityType                 *ActivityType `json:"activityType"`
	ActivityID                   string        `json:"activityId"`
	Input                        string        `json:"input,omitempty"`
	Control                      string        `json:"control,omitempty"`
	ScheduleToStartTimeout       string        `json:"scheduleToStartTimeout,omitempty"`
	ScheduleToCloseTimeout       string        `json:"scheduleToCloseTimeout,omitempty"`
	StartToCloseTimeout          string        `json:"startToCloseTimeout,omitempty"`
	TaskList                     *TaskList     `json:"taskList"`
	TaskPriority                 string        `json:"taskPriority,omitempty"`
	DecisionTaskCompletedEventID int64         `json:"decisionTaskCompletedEventId"`
	HeartbeatTimeout             string        `json:"heartbeatTimeout,omitempty"`
}

// ScheduleActivityTaskFailedEventAttributes: a ScheduleActivityTask decision
// failed.
type ScheduleActivityTaskFailedEventAttributes struct {
	ActivityType                 *ActivityType `json:"activityType"`
	ActivityID                   string        `json:"activityId"`
	Cause                        string        `json:"cause"`
	DecisionTaskCompletedEventID int64         `json:"decisionTaskCompletedEventId"`
}

// ActivityTaskStartedEventAttributes: a worker took the activity task.
type ActivityTaskStartedEventAttributes struct {
	Identity         string `json:"identity,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
}

// ActivityTaskCompletedEventAttributes: an activity's result.
type ActivityTaskCompletedEventAttributes struct {
	Result           string `json:"result,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
	StartedEventID   int64  `json:"startedEventId"`
}

// ActivityTaskFailedEventAttributes: an activity's failure.
type ActivityTaskFailedEventAttributes struct {
	Reason           string `json:"reason,omitempty"`
	Details          string `json:"details,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
	StartedEventID   int64  `json:"startedEventId"`
}

// ActivityTaskTimedOutEventAttributes: an activity timed out.
type ActivityTaskTimedOutEventAttributes struct {
	TimeoutType      string `json:"timeoutType"`
	ScheduledEventID int64  `json:"scheduledEventId"`
	StartedEventID   int64  `json:"startedEventId"`
	Details          string `json:"details,omitempty"`
}

// TimerStartedEventAttributes: a timer was started.
type TimerStartedEventAttributes struct {
	TimerID                      string `json:"timerId"`
	Control                      string `json:"control,omitempty"`
	StartToFireTimeout           string `json:"startToFireTimeout"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// StartTimerFailedEventAttributes: a StartTimer decision failed.
type StartTimerFailedEventAttributes struct {
	TimerID                      string `json:"timerId"`
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// TimerFiredEventAttributes: a timer fired.
type TimerFiredEventAttributes struct {
	TimerID        string `json:"timerId"`
	StartedEventID int64  `json:"startedEventId"`
}

// StartChildWorkflowExecutionInitiatedEventAttributes: a child workflow was
// requested.
type StartChildWorkflowExecutionInitiatedEventAttributes struct {
	WorkflowID                   string        `json:"workflowId"`
	WorkflowType                 *WorkflowType `json:"workflowType"`
	Control                      string        `json:"control,omitempty"`
	Input                        string        `json:"input,omitempty"`
	ExecutionStartToCloseTimeout string        `json:"executionStartToCloseTimeout,omitempty"`
	TaskList                     *TaskList     `json:"taskList"`
	TaskPriority                 string        `json:"taskPriority,omitempty"`
	DecisionTaskCompletedEventID int64         `json:"decisionTaskCompletedEventId"`
	ChildPolicy                  string        `json:"childPolicy"`
	TaskStartToCloseTimeout      string        `json:"taskStartToCloseTimeout,omitempty"`
	TagList                      []string      `json:"tagList,omitempty"`
	LambdaRole                   string        `json:"lambdaRole,omitempty"`
}

// StartChildWorkflowExecutionFailedEventAttributes: a child could not start.
type StartChildWorkflowExecutionFailedEventAttributes struct {
	WorkflowType                 *WorkflowType `json:"workflowType"`
	Cause                        string        `json:"cause"`
	WorkflowID                   string        `json:"workflowId"`
	InitiatedEventID             int64         `json:"initiatedEventId"`
	DecisionTaskCompletedEventID int64         `json:"decisionTaskCompletedEventId"`
	Control                      string        `json:"control,omitempty"`
}

// ChildWorkflowExecutionStartedEventAttributes: a child started.
type ChildWorkflowExecutionStartedEventAttributes struct {
	WorkflowExecution *WorkflowExecution `json:"workflowExecution"`
	WorkflowType      *WorkflowType      `json:"workflowType"`
	InitiatedEventID  int64              `json:"initiatedEventId"`
}

// ChildWorkflowExecutionCompletedEventAttributes: a child's result.
type ChildWorkflowExecutionCompletedEventAttributes struct {
	WorkflowExecution *WorkflowExecution `json:"workflowExecution"`
	WorkflowType      *WorkflowType      `json:"workflowType"`
	Result            string             `json:"result,omitempty"`
	InitiatedEventID  int64              `json:"initiatedEventId"`
	StartedEventID    int64              `json:"startedEventId"`
}

// ChildWorkflowExecutionFailedEventAttributes: a child's failure.
type ChildWorkflowExecutionFailedEventAttributes struct {
	WorkflowExecution *WorkflowExecution `json:"workflowExecution"`
	WorkflowType      *WorkflowType      `json:"workflowType"`
	Reason            string             `json:"reason,omitempty"`
	Details           string             `json:"details,omitempty"`
	InitiatedEventID  int64              `json:"initiatedEventId"`
	StartedEventID    int64              `json:"startedEventId"`
}

// ChildWorkflowExecutionTimedOutEventAttributes: a child timed out.
type ChildWorkflowExecutionTimedOutEventAttributes struct {
	WorkflowExecution *WorkflowExecution `json:"workflowExecution"`
	WorkflowType      *WorkflowType      `json:"workflowType"`
	TimeoutType       string             `json:"timeoutType"`
	InitiatedEventID  int64              `json:"initiatedEventId"`
	StartedEventID    int64              `json:"startedEventId"`
}

// ChildWorkflowExecutionCanceledEventAttributes: a child was canceled.
type ChildWorkflowExecutionCanceledEventAttributes struct {
	WorkflowExecution *WorkflowExecution `json:"workflowExecution"`
	WorkflowType      *WorkflowType      `json:"workflowType"`
	Details           string             `json:"details,omitempty"`
	InitiatedEventID  int64              `json:"initiatedEventId"`
	StartedEventID    int64              `json:"startedEventId"`
}

// ChildWorkflowExecutionTerminatedEventAttributes: a child was terminated.
type ChildWorkflowExecutionTerminatedEventAttributes struct {
	WorkflowExecution *WorkflowExecution `json:"workflowExecution"`
	WorkflowType      *WorkflowType      `json:"workflowType"`
	InitiatedEventID  int64              `json:"initiatedEventId"`
	StartedEventID    int64              `json:"startedEventId"`
}

// CompleteWorkflowExecutionFailedEventAttributes: a refused
// CompleteWorkflowExecution decision.
type CompleteWorkflowExecutionFailedEventAttributes struct {
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// FailWorkflowExecutionFailedEventAttributes: a refused
// FailWorkflowExecution decision.
type FailWorkflowExecutionFailedEventAttributes struct {
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// ContinueAsNewWorkflowExecutionFailedEventAttributes: a refused
// ContinueAsNewWorkflowExecution decision.
type ContinueAsNewWorkflowExecutionFailedEventAttributes struct {
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}
