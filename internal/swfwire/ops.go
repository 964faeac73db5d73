package swfwire

// Request and response bodies of the SWF operations, named as in the SWF API
// reference (OperationInput, and the output shape's name). Members follow the
// API model; those flowy does not use (task priorities, Lambda roles,
// resource tags) are kept so that requests decode completely.

// ResourceTag is a tag of a domain.
type ResourceTag struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// RegisterDomainInput is the body of RegisterDomain.
type RegisterDomainInput struct {
	Name                                   string        `json:"name"`
	Description                            string        `json:"description,omitempty"`
	WorkflowExecutionRetentionPeriodInDays string        `json:"workflowExecutionRetentionPeriodInDays"`
	Tags                                   []ResourceTag `json:"tags,omitempty"`
}

// DescribeDomainInput is the body of DescribeDomain.
type DescribeDomainInput struct {
	Name string `json:"name"`
}

// DeprecateDomainInput is the body of DeprecateDomain.
type DeprecateDomainInput struct {
	Name string `json:"name"`
}

// DomainInfo describes a domain.
type DomainInfo struct {
	Name        string `json:"name"`
	Status      string `json:"status"`
	Description string `json:"description,omitempty"`
	Arn         string `json:"arn,omitempty"`
}

// DomainConfiguration is the configuration of a domain.
type DomainConfiguration struct {
	WorkflowExecutionRetentionPeriodInDays string `json:"workflowExecutionRetentionPeriodInDays"`
}

// DomainDetail is the answer of DescribeDomain.
type DomainDetail struct {
	DomainInfo    DomainInfo          `json:"domainInfo"`
	Configuration DomainConfiguration `json:"configuration"`
}

// ListDomainsInput is the body of ListDomains.
type ListDomainsInput struct {
	RegistrationStatus string `json:"registrationStatus"`
	NextPageToken      string `json:"nextPageToken,omitempty"`
	MaximumPageSize    int    `json:"maximumPageSize,omitempty"`
	ReverseOrder       bool   `json:"reverseOrder,omitempty"`
}

// DomainInfos is the answer of ListDomains.
type DomainInfos struct {
	DomainInfos   []DomainInfo `json:"domainInfos"`
	NextPageToken string       `json:"nextPageToken,omitempty"`
}

// RegisterWorkflowTypeInput is the body of RegisterWorkflowType.
type RegisterWorkflowTypeInput struct {
	Domain                              string    `json:"domain"`
	Name                                string    `json:"name"`
	Version                             string    `json:"version"`
	Description                         string    `json:"description,omitempty"`
	DefaultTaskStartToCloseTimeout      string    `json:"defaultTaskStartToCloseTimeout,omitempty"`
	DefaultExecutionStartToCloseTimeout string    `json:"defaultExecutionStartToCloseTimeout,omitempty"`
	DefaultTaskList                     *TaskList `json:"defaultTaskList,omitempty"`
	DefaultTaskPriority                 string    `json:"defaultTaskPriority,omitempty"`
	DefaultChildPolicy                  string    `json:"defaultChildPolicy,omitempty"`
	DefaultLambdaRole                   string    `json:"defaultLambdaRole,omitempty"`
}

// RegisterActivityTypeInput is the body of RegisterActivityType.
type RegisterActivityTypeInput struct {
	Domain                            string    `json:"domain"`
	Name                              string    `json:"name"`
	Version                           string    `json:"version"`
	Description                       string    `json:"description,omitempty"`
	DefaultTaskStartToCloseTimeout    string    `json:"defaultTaskStartToCloseTimeout,omitempty"`
	DefaultTaskHeartbeatTimeout       string    `json:"defaultTaskHeartbeatTimeout,omitempty"`
	DefaultTaskList                   *TaskList `json:"defaultTaskList,omitempty"`
	DefaultTaskPriority               string    `json:"defaultTaskPriority,omitempty"`
	DefaultTaskScheduleToStartTimeout string    `json:"defaultTaskScheduleToStartTimeout,omitempty"`
	DefaultTaskScheduleToCloseTimeout string    `json:"defaultTaskScheduleToCloseTimeout,omitempty"`
}

// WorkflowTypeRequest is the body of DescribeWorkflowType and
// DeprecateWorkflowType.
type WorkflowTypeRequest struct {
	Domain       string        `json:"domain"`
	WorkflowType *WorkflowType `json:"workflowType"`
}

// ActivityTypeRequest is the body of DescribeActivityType and
// DeprecateActivityType.
type ActivityTypeRequest struct {
	Domain       string        `json:"domain"`
	ActivityType *ActivityType `json:"activityType"`
}

// WorkflowTypeInfo describes a workflow type.
type WorkflowTypeInfo struct {
	WorkflowType    WorkflowType `json:"workflowType"`
	Status          string       `json:"status"`
	Description     string       `json:"description,omitempty"`
	CreationDate    Timestamp    `json:"creationDate"`
	DeprecationDate Timestamp    `json:"deprecationDate,omitzero"`
}

// WorkflowTypeConfiguration is the registered defaults of a workflow type.
type WorkflowTypeConfiguration struct {
	DefaultTaskStartToCloseTimeout      string    `json:"defaultTaskStartToCloseTimeout,omitempty"`
	DefaultExecutionStartToCloseTimeout string    `json:"defaultExecutionStartToCloseTimeout,omitempty"`
	DefaultTaskList                     *TaskList `json:"defaultTaskList,omitempty"`
	DefaultTaskPriority                 string    `json:"defaultTaskPriority,omitempty"`
	DefaultChildPolicy                  string    `json:"defaultChildPolicy,omitempty"`
	DefaultLambdaRole                   string    `json:"defaultLambdaRole,omitempty"`
}

// WorkflowTypeDetail is the answer of DescribeWorkflowType.
type WorkflowTypeDetail struct {
	TypeInfo      WorkflowTypeInfo          `json:"typeInfo"`
	Configuration WorkflowTypeConfiguration `json:"configuration"`
}

// ActivityTypeInfo describes an activity type.
type ActivityTypeInfo struct {
	ActivityType    ActivityType `json:"activityType"`
	Status          string       `json:"status"`
	Description     string       `json:"description,omitempty"`
	CreationDate    Timestamp    `json:"creationDate"`
	DeprecationDate Timestamp    `json:"deprecationDate,omitzero"`
}

// ActivityTypeConfiguration is the registered defaults of an activity type.
type ActivityTypeConfiguration struct {
	DefaultTaskStartToCloseTimeout    string    `json:"defaultTaskStartToCloseTimeout,omitempty"`
	DefaultTaskHeartbeatTimeout       string    `json:"defaultTaskHeartbeatTimeout,omitempty"`
	DefaultTaskList                   *TaskList `json:"defaultTaskList,omitempty"`
	DefaultTaskPriority               string    `json:"defaultTaskPriority,omitempty"`
	DefaultTaskScheduleToStartTimeout string    `json:"defaultTaskScheduleToStartTimeout,omitempty"`
	DefaultTaskScheduleToCloseTimeout string    `json:"defaultTaskScheduleToCloseTimeout,omitempty"`
}

// ActivityTypeDetail is the answer of DescribeActivityType.
type ActivityTypeDetail struct {
	TypeInfo      ActivityTypeInfo          `json:"typeInfo"`
	Configuration ActivityTypeConfiguration `json:"configuration"`
}

// ListTypesInput is the body of ListWorkflowTypes and ListActivityTypes.
type ListTypesInput struct {
	Domain             string `json:"domain"`
	Name               string `json:"name,omitempty"`
	RegistrationStatus string `json:"registrationStatus"`
	NextPageToken      string `json:"nextPageToken,omitempty"`
	MaximumPageSize    int    `json:"maximumPageSize,omitempty"`
	ReverseOrder       bool   `json:"reverseOrder,omitempty"`
}

// WorkflowTypeInfos is the answer of ListWorkflowTypes.
type WorkflowTypeInfos struct {
	TypeInfos     []WorkflowTypeInfo `json:"typeInfos"`
	NextPageToken string             `json:"nextPageToken,omitempty"`
}

// ActivityTypeInfos is the answer of ListActivityTypes.
type ActivityTypeInfos struct {
	TypeInfos     []ActivityTypeInfo `json:"typeInfos"`
	NextPageToken string             `json:"nextPageToken,omitempty"`
}

// StartWorkflowExecutionInput is the body of StartWorkflowExecution.
type StartWorkflowExecutionInput struct {
	Domain                       string        `json:"domain"`
	WorkflowID                   string        `json:"workflowId"`
	WorkflowType                 *WorkflowType `json:"workflowType"`
	TaskList                     *TaskList     `json:"taskList,omitempty"`
	TaskPriority                 string        `json:"taskPriority,omitempty"`
	Input                        string        `json:"input,omitempty"`
	ExecutionStartToCloseTimeout string        `json:"executionStartToCloseTimeout,omitempty"`
	TagList                      []string      `json:"tagList,omitempty"`
	TaskStartToCloseTimeout      string        `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string        `json:"childPolicy,omitempty"`
	LambdaRole                   string        `json:"lambdaRole,omitempty"`
}

// Run is the answer of StartWorkflowExecution.
type Run struct {
	RunID string `json:"runId"`
}

// SignalWorkflowExecutionInput is the body of SignalWorkflowExecution.
type SignalWorkflowExecutionInput struct {
	Domain     string `json:"domain"`
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId,omitempty"`
	SignalName string `json:"signalName"`
	Input      string `json:"input,omitempty"`
}

// TerminateWorkflowExecutionInput is the body of TerminateWorkflowExecution.
type TerminateWorkflowExecutionInput struct {
	Domain      string `json:"domain"`
	WorkflowID  string `json:"workflowId"`
	RunID       string `json:"runId,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Details     string `json:"details,omitempty"`
	ChildPolicy string `json:"childPolicy,omitempty"`
}

// RequestCancelWorkflowExecutionInput is the body of
// RequestCancelWorkflowExecution.
type RequestCancelWorkflowExecutionInput struct {
	Domain     string `json:"domain"`
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId,omitempty"`
}

// PollForDecisionTaskInput is the body of PollForDecisionTask.
type PollForDecisionTaskInput struct {
	Domain                      string    `json:"domain"`
	TaskList                    *TaskList `json:"taskList"`
	Identity                    string    `json:"identity,omitempty"`
	NextPageToken               string    `json:"nextPageToken,omitempty"`
	MaximumPageSize             int       `json:"maximumPageSize,omitempty"`
	ReverseOrder                bool      `json:"reverseOrder,omitempty"`
	StartAtPreviousStartedEvent bool      `json:"startAtPreviousStartedEvent,omitempty"`
}

// DecisionTask is the answer of PollForDecisionTask. An empty poll is
// {"previousStartedEventId": 0, "startedEventId": 0}: no task token.
type DecisionTask struct {
	TaskToken              string             `json:"taskToken,omitempty"`
	StartedEventID         int64              `json:"startedEventId"`
	WorkflowExecution      *WorkflowExecution `json:"workflowExecution,omitempty"`
	WorkflowType           *WorkflowType      `json:"workflowType,omitempty"`
	Events                 []HistoryEvent     `json:"events,omitempty"`
	NextPageToken          string             `json:"nextPageToken,omitempty"`
	PreviousStartedEventID int64              `json:"previousStartedEventId"`
}

// RespondDecisionTaskCompletedInput is the body of
// RespondDecisionTaskCompleted.
type RespondDecisionTaskCompletedInput struct {
	TaskToken                      string     `json:"taskToken"`
	Decisions                      []Decision `json:"decisions,omitempty"`
	ExecutionContext               string     `json:"executionContext,omitempty"`
	TaskList                       *TaskList  `json:"taskList,omitempty"`
	TaskListScheduleToStartTimeout string     `json:"taskListScheduleToStartTimeout,omitempty"`
}

// PollForActivityTaskInput is the body of PollForActivityTask.
type PollForActivityTaskInput struct {
	Domain   string    `json:"domain"`
	TaskList *TaskList `json:"taskList"`
	Identity string    `json:"identity,omitempty"`
}

// ActivityTask is the answer of PollForActivityTask. An empty poll is
// {"startedEventId": 0}: no task token.
type ActivityTask struct {
	TaskToken         string             `json:"taskToken,omitempty"`
	ActivityID        string             `json:"activityId,omitempty"`
	StartedEventID    int64              `json:"startedEventId"`
	WorkflowExecution *WorkflowExecution `json:"workflowExecution,omitempty"`
	ActivityType      *ActivityType      `json:"activityType,omitempty"`
	Input             string             `json:"input,omitempty"`
}

// RespondActivityTaskCompletedInput is the body of
// RespondActivityTaskCompleted.
type RespondActivityTaskCompletedInput struct {
	TaskToken string `json:"taskToken"`
	Result    string `json:"result,omitempty"`
}

// RespondActivityTaskFailedInput is the body of RespondActivityTaskFailed.
type RespondActivityTaskFailedInput struct {
	TaskToken string `json:"taskToken"`
	Reason    string `json:"reason,omitempty"`
	Details   string `json:"details,omitempty"`
}

// RespondActivityTaskCanceledInput is the body of
// RespondActivityTaskCanceled.
type RespondActivityTaskCanceledInput struct {
	TaskToken string `json:"taskToken"`
	Details   string `json:"details,omitempty"`
}

// RecordActivityTaskHeartbeatInput is the body of
// RecordActivityTaskHeartbeat.
type RecordActivityTaskHeartbeatInput struct {
	TaskToken string `json:"taskToken"`
	Details   string `json:"details,omitempty"`
}

// ActivityTaskStatus is the answer of RecordActivityTaskHeartbeat.
type ActivityTaskStatus struct {
	CancelRequested bool `json:"cancelRequested"`
}

// GetWorkflowExecutionHistoryInput is the body of
// GetWorkflowExecutionHistory.
type GetWorkflowExecutionHistoryInput struct {
	Domain          string             `json:"domain"`
	Execution       *WorkflowExecution `json:"execution"`
	NextPageToken   string             `json:"nextPageToken,omitempty"`
	MaximumPageSize int                `json:"maximumPageSize,omitempty"`
	ReverseOrder    bool               `json:"reverseOrder,omitempty"`
}

// History is the answer of GetWorkflowExecutionHistory.
type History struct {
	Events        []HistoryEvent `json:"events"`
	NextPageToken string         `json:"nextPageToken,omitempty"`
}

// DescribeWorkflowExecutionInput is the body of DescribeWorkflowExecution.
type DescribeWorkflowExecutionInput struct {
	Domain    string             `json:"domain"`
	Execution *WorkflowExecution `json:"execution"`
}

// WorkflowExecutionInfo describes an execution.
type WorkflowExecutionInfo struct {
	Execution       WorkflowExecution  `json:"execution"`
	WorkflowType    WorkflowType       `json:"workflowType"`
	StartTimestamp  Timestamp          `json:"startTimestamp"`
	CloseTimestamp  Timestamp          `json:"closeTimestamp,omitzero"`
	ExecutionStatus string             `json:"executionStatus"`
	CloseStatus     string             `json:"closeStatus,omitempty"`
	Parent          *WorkflowExecution `json:"parent,omitempty"`
	TagList         []string           `json:"tagList,omitempty"`
	CancelRequested bool               `json:"cancelRequested"`
}

// Execution statuses of [WorkflowExecutionInfo].
const (
	ExecutionOpen   = "OPEN"
	ExecutionClosed = "CLOSED"
)

// WorkflowExecutionConfiguration is the configuration of an execution.
type WorkflowExecutionConfiguration struct {
	TaskStartToCloseTimeout      string    `json:"taskStartToCloseTimeout"`
	ExecutionStartToCloseTimeout string    `json:"executionStartToCloseTimeout"`
	TaskList                     *TaskList `json:"taskList"`
	TaskPriority                 string    `json:"taskPriority,omitempty"`
	ChildPolicy                  string    `json:"childPolicy"`
	LambdaRole                   string    `json:"lambdaRole,omitempty"`
}

// WorkflowExecutionOpenCounts counts what is open in an execution.
type WorkflowExecutionOpenCounts struct {
	OpenActivityTasks           int `json:"openActivityTasks"`
	OpenDecisionTasks           int `json:"openDecisionTasks"`
	OpenTimers                  int `json:"openTimers"`
	OpenChildWorkflowExecutions int `json:"openChildWorkflowExecutions"`
	OpenLambdaFunctions         int `json:"openLambdaFunctions"`
}

// WorkflowExecutionDetail is the answer of DescribeWorkflowExecution.
type WorkflowExecutionDetail struct {
	ExecutionInfo               WorkflowExecutionInfo          `json:"executionInfo"`
	ExecutionConfiguration      WorkflowExecutionConfiguration `json:"executionConfiguration"`
	OpenCounts                  WorkflowExecutionOpenCounts    `json:"openCounts"`
	LatestActivityTaskTimestamp Timestamp                      `json:"latestActivityTaskTimestamp,omitzero"`
	LatestExecutionContext      string                         `json:"latestExecutionContext,omitempty"`
}

// ExecutionTimeFilter selects executions by a time range; OldestDate is
// required.
type ExecutionTimeFilter struct {
	OldestDate *Timestamp `json:"oldestDate"`
	LatestDate *Timestamp `json:"latestDate,omitempty"`
}

// WorkflowTypeFilter selects executions by type; Version is optional.
type WorkflowTypeFilter struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// TagFilter selects executions by tag.
type TagFilter struct {
	Tag string `json:"tag"`
}

// WorkflowExecutionFilter selects executions by workflow id.
type WorkflowExecutionFilter struct {
	WorkflowID string `json:"workflowId"`
}

// CloseStatusFilter selects closed executions by close status.
type CloseStatusFilter struct {
	Status string `json:"status"`
}

// ExecutionsInput is the body of ListOpenWorkflowExecutions,
// ListClosedWorkflowExecutions, CountOpenWorkflowExecutions and
// CountClosedWorkflowExecutions (the open ones have no close filters, the
// counts no paging).
type ExecutionsInput struct {
	Domain            string                   `json:"domain"`
	StartTimeFilter   *ExecutionTimeFilter     `json:"startTimeFilter,omitempty"`
	CloseTimeFilter   *ExecutionTimeFilter     `json:"closeTimeFilter,omitempty"`
	ExecutionFilter   *WorkflowExecutionFilter `json:"executionFilter,omitempty"`
	CloseStatusFilter *CloseStatusFilter       `json:"closeStatusFilter,omitempty"`
	TypeFilter        *WorkflowTypeFilter      `json:"typeFilter,omitempty"`
	TagFilter         *TagFilter               `json:"tagFilter,omitempty"`
	NextPageToken     string                   `json:"nextPageToken,omitempty"`
	MaximumPageSize   int                      `json:"maximumPageSize,omitempty"`
	ReverseOrder      bool                     `json:"reverseOrder,omitempty"`
}

// WorkflowExecutionInfos is the answer of the execution lists.
type WorkflowExecutionInfos struct {
	ExecutionInfos []WorkflowExecutionInfo `json:"executionInfos"`
	NextPageToken  string                  `json:"nextPageToken,omitempty"`
}

// WorkflowExecutionCount is the answer of the execution counts.
type WorkflowExecutionCount struct {
	Count     int  `json:"count"`
	Truncated bool `json:"truncated"`
}

// PendingTasksInput is the body of CountPendingDecisionTasks and
// CountPendingActivityTasks.
type PendingTasksInput struct {
	Domain   string    `json:"domain"`
	TaskList *TaskList `json:"taskList"`
}

// PendingTaskCount is the answer of the pending task counts.
type PendingTaskCount struct {
	Count     int  `json:"count"`
	Truncated bool `json:"truncated"`
}
