package temporal

import (
	"encoding/json"
	"strings"

	"github.com/flowy-go/flowy/engine"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// DecisionTaskFailed records a decision task that the server failed
// (Temporal's WorkflowTaskFailed): none of its decisions were recorded, and
// another decision task follows. The usual cause is UNHANDLED_COMMAND: a
// close decision was refused because new events arrived while the task was
// started (SWF records this as CompleteWorkflowExecutionFailed and friends,
// and keeps the other decisions; Temporal drops them all). Package engine has
// no such event; a decider treats it as it treats DecisionTaskTimedOut.
type DecisionTaskFailed struct {
	ScheduledEventID, StartedEventID int64
	// Cause is Temporal's cause, e.g. "UNHANDLED_COMMAND".
	Cause string
	// Message is the failure message.
	Message  string
	Identity string
}

// EventType implements engine.EventAttributes.
func (*DecisionTaskFailed) EventType() string { return "DecisionTaskFailed" }

// OtherEvent is a Temporal event with no counterpart in package engine (a
// canceled timer, a search attribute update, a marker flowy did not write,
// ...). The engine keeps it in the history so that event ids stay Temporal's;
// flowy's decider ignores it.
type OtherEvent struct {
	// TemporalType is Temporal's name of the event type, e.g. "TimerCanceled".
	TemporalType string
	// Attributes are the event's attributes as protobuf JSON.
	Attributes string
}

// EventType implements engine.EventAttributes: Temporal's name of the type.
func (a *OtherEvent) EventType() string { return a.TemporalType }

// Marker names of the failed decisions the engine records.
const (
	markerScheduleActivityFailed = "flowy.ScheduleActivityTaskFailed"
	markerStartTimerFailed       = "flowy.StartTimerFailed"
	markerStartChildFailed       = "flowy.StartChildWorkflowExecutionFailed"
	markerContinueAsNewFailed    = "flowy.ContinueAsNewWorkflowExecutionFailed"
)

// failedDecision is the detail of a marker recording a failed decision.
type failedDecision struct {
	ID      string `json:"id,omitempty"` // activity, timer or workflow id
	Type    string `json:"type,omitempty"`
	Version string `json:"version,omitempty"`
	Cause   string `json:"cause"`
}

// converter turns a run's Temporal history, event by event, into engine
// events. It remembers what later events need and do not carry: the run's
// settings, the types of children, the open activities and timers.
type converter struct {
	prefix   string
	started  *engine.WorkflowExecutionStarted
	children map[int64]engine.WorkflowType // initiated event id → child type
	actIDs   map[int64]string              // scheduled event id → id, open activities
	openActs map[string]bool               // ids of open activities
	timers   map[string]bool               // ids of open timers
}

func newConverter(prefix string) *converter {
	return &converter{
		prefix:   prefix,
		children: map[int64]engine.WorkflowType{},
		actIDs:   map[int64]string{},
		openActs: map[string]bool{},
		timers:   map[string]bool{},
	}
}

func (c *converter) taskList(name string) string { return strings.TrimPrefix(name, c.prefix) }

func (c *converter) closeActivity(scheduledID int64) {
	if id, ok := c.actIDs[scheduledID]; ok {
		delete(c.actIDs, scheduledID)
		delete(c.openActs, id)
	}
}

func (c *converter) childPolicy() engine.ChildPolicy {
	if c.started != nil {
		return c.started.ChildPolicy
	}
	return ""
}

func (c *converter) childType(initiatedID int64, t *commonpb.WorkflowType) engine.WorkflowType {
	if ct, ok := c.children[initiatedID]; ok {
		return ct
	}
	return engine.WorkflowType{Name: t.GetName(), Version: defaultVersion}
}

// convert returns the engine event of a Temporal event.
func (c *converter) convert(ev *historypb.HistoryEvent) engine.Event {
	return engine.Event{ID: ev.EventId, Time: ev.EventTime.AsTime(), Attr: c.attributes(ev)}
}

func (c *converter) attributes(ev *historypb.HistoryEvent) engine.EventAttributes {
	switch ev.EventType {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		a := ev.GetWorkflowExecutionStartedEventAttributes()
		m := readMemo(a.Memo)
		s := &engine.WorkflowExecutionStarted{
			Type:                    engine.WorkflowType{Name: a.WorkflowType.GetName(), Version: m.Version},
			Input:                   fromPayloads(a.Input),
			TaskList:                c.taskList(a.TaskQueue.GetName()),
			ExecutionTimeout:        fromDur(a.WorkflowRunTimeout),
			DecisionTimeout:         fromDur(a.WorkflowTaskTimeout),
			ChildPolicy:             m.ChildPolicy,
			Tags:                    m.Tags,
			ContinuedExecutionRunID: a.ContinuedExecutionRunId,
		}
		if p := a.ParentWorkflowExecution; p != nil {
			pe := fromExec(p)
			s.Parent = &pe
			s.ParentInitiatedEventID = a.ParentInitiatedEventId
		}
		c.started = s
		return s
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
		a := ev.GetWorkflowExecutionCompletedEventAttributes()
		return &engine.WorkflowExecutionCompleted{Result: fromPayloads(a.Result), DecisionTaskCompletedEventID: a.WorkflowTaskCompletedEventId}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
		a := ev.GetWorkflowExecutionFailedEventAttributes()
		reason, details := decodeFailure(a.Failure)
		return &engine.WorkflowExecutionFailed{Reason: reason, Details: details, DecisionTaskCompletedEventID: a.WorkflowTaskCompletedEventId}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
		return &engine.WorkflowExecutionTimedOut{ChildPolicy: c.childPolicy()}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
		a := ev.GetWorkflowExecutionTerminatedEventAttributes()
		t := &engine.WorkflowExecutionTerminated{Reason: a.Reason, Details: fromPayloads(a.Details), ChildPolicy: c.childPolicy()}
		if a.Reason == "by parent close policy" {
			t.Cause = "CHILD_POLICY_APPLIED"
		}
		return t
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
		a := ev.GetWorkflowExecutionCanceledEventAttributes()
		return &engine.WorkflowExecutionCanceled{Details: fromPayloads(a.Details), DecisionTaskCompletedEventID: a.WorkflowTaskCompletedEventId}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
		a := ev.GetWorkflowExecutionCancelRequestedEventAttributes()
		return &engine.WorkflowExecutionCancelRequested{Cause: a.Cause}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
		a := ev.GetWorkflowExecutionSignaledEventAttributes()
		return &engine.WorkflowExecutionSignaled{SignalName: a.SignalName, Input: fromPayloads(a.Input)}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
		a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes()
		return &engine.WorkflowExecutionContinuedAsNew{NewRunID: a.NewExecutionRunId, Input: fromPayloads(a.Input),
			DecisionTaskCompletedEventID: a.WorkflowTaskCompletedEventId}

	case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
		a := ev.GetWorkflowTaskScheduledEventAttributes()
		tl := a.TaskQueue.GetName()
		if a.TaskQueue.GetKind() == enumspb.TASK_QUEUE_KIND_STICKY && a.TaskQueue.GetNormalName() != "" {
			tl = a.TaskQueue.GetNormalName()
		}
		return &engine.DecisionTaskScheduled{TaskList: c.taskList(tl), StartToClose: fromDur(a.StartToCloseTimeout)}
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
		a := ev.GetWorkflowTaskStartedEventAttributes()
		return &engine.DecisionTaskStarted{ScheduledEventID: a.ScheduledEventId, Identity: a.Identity}
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
		a := ev.GetWorkflowTaskCompletedEventAttributes()
		return &engine.DecisionTaskCompleted{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId}
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
		a := ev.GetWorkflowTaskTimedOutEventAttributes()
		return &engine.DecisionTaskTimedOut{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			TimeoutType: fromTimeoutType(a.TimeoutType)}
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
		a := ev.GetWorkflowTaskFailedEventAttributes()
		reason, _ := decodeFailure(a.Failure)
		return &DecisionTaskFailed{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			Cause:   enumName(enumspb.WorkflowTaskFailedCause_name, int32(a.Cause), "WORKFLOW_TASK_FAILED_CAUSE_"),
			Message: reason, Identity: a.Identity}

	case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
		a := ev.GetActivityTaskScheduledEventAttributes()
		c.actIDs[ev.EventId] = a.ActivityId
		c.openActs[a.ActivityId] = true
		return &engine.ActivityTaskScheduled{
			ActivityID: a.ActivityId,
			Type:       engine.ActivityType{Name: a.ActivityType.GetName(), Version: headerVersion(a.Header)},
			Input:      fromPayloads(a.Input),
			Control:    headerControl(a.Header),
			TaskList:   c.taskList(a.TaskQueue.GetName()),
			Timeouts: engine.ActivityTimeouts{
				ScheduleToStart: fromDur(a.ScheduleToStartTimeout),
				StartToClose:    fromDur(a.StartToCloseTimeout),
				ScheduleToClose: fromDur(a.ScheduleToCloseTimeout),
				Heartbeat:       fromDur(a.HeartbeatTimeout),
			},
			DecisionTaskCompletedEventID: a.WorkflowTaskCompletedEventId,
		}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
		a := ev.GetActivityTaskStartedEventAttributes()
		return &engine.ActivityTaskStarted{ScheduledEventID: a.ScheduledEventId, Identity: a.Identity}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		a := ev.GetActivityTaskCompletedEventAttributes()
		c.closeActivity(a.ScheduledEventId)
		return &engine.ActivityTaskCompleted{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			Result: fromPayloads(a.Result)}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		a := ev.GetActivityTaskFailedEventAttributes()
		c.closeActivity(a.ScheduledEventId)
		reason, details := decodeFailure(a.Failure)
		return &engine.ActivityTaskFailed{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			Reason: reason, Details: details}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
		a := ev.GetActivityTaskTimedOutEventAttributes()
		c.closeActivity(a.ScheduledEventId)
		tt, details := timeoutType(a.Failure)
		return &engine.ActivityTaskTimedOut{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			TimeoutType: tt, Details: details}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
		c.closeActivity(ev.GetActivityTaskCanceledEventAttributes().ScheduledEventId)

	case enumspb.EVENT_TYPE_TIMER_STARTED:
		a := ev.GetTimerStartedEventAttributes()
		c.timers[a.TimerId] = true
		return &engine.TimerStarted{TimerID: a.TimerId, StartToFire: a.StartToFireTimeout.AsDuration(),
			Control: fromPayload(ev.GetUserMetadata().GetDetails()), DecisionTaskCompletedEventID: a.WorkflowTaskCompletedEventId}
	case enumspb.EVENT_TYPE_TIMER_FIRED:
		a := ev.GetTimerFiredEventAttributes()
		delete(c.timers, a.TimerId)
		return &engine.TimerFired{TimerID: a.TimerId, StartedEventID: a.StartedEventId}
	case enumspb.EVENT_TYPE_TIMER_CANCELED:
		delete(c.timers, ev.GetTimerCanceledEventAttributes().TimerId)

	case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
		a := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes()
		m := readMemo(a.Memo)
		t := engine.WorkflowType{Name: a.WorkflowType.GetName(), Version: m.Version}
		c.children[ev.EventId] = t
		return &engine.StartChildWorkflowExecutionInitiated{
			WorkflowID:                   a.WorkflowId,
			Type:                         t,
			Input:                        fromPayloads(a.Input),
			Control:                      headerControl(a.Header),
			TaskList:                     c.taskList(a.TaskQueue.GetName()),
			ExecutionTimeout:             fromDur(a.WorkflowRunTimeout),
			DecisionTimeout:              fromDur(a.WorkflowTaskTimeout),
			ChildPolicy:                  m.ChildPolicy,
			Tags:                         m.Tags,
			DecisionTaskCompletedEventID: a.WorkflowTaskCompletedEventId,
		}
	case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
		a := ev.GetStartChildWorkflowExecutionFailedEventAttributes()
		cause := enumName(enumspb.StartChildWorkflowExecutionFailedCause_name, int32(a.Cause), "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_")
		if a.Cause == enumspb.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS {
			cause = engine.CauseWorkflowAlreadyRunning
		}
		return &engine.StartChildWorkflowExecutionFailed{WorkflowID: a.WorkflowId, Type: c.childType(a.InitiatedEventId, a.WorkflowType),
			Cause: cause, InitiatedEventID: a.InitiatedEventId, DecisionTaskCompletedEventID: a.WorkflowTaskCompletedEventId}
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
		a := ev.GetChildWorkflowExecutionStartedEventAttributes()
		return &engine.ChildWorkflowExecutionStarted{Execution: fromExec(a.WorkflowExecution),
			Type: c.childType(a.InitiatedEventId, a.WorkflowType), InitiatedEventID: a.InitiatedEventId}
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
		a := ev.GetChildWorkflowExecutionCompletedEventAttributes()
		return &engine.ChildWorkflowExecutionCompleted{Execution: fromExec(a.WorkflowExecution), Type: c.childType(a.InitiatedEventId, a.WorkflowType),
			Result: fromPayloads(a.Result), InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
		a := ev.GetChildWorkflowExecutionFailedEventAttributes()
		reason, details := decodeFailure(a.Failure)
		return &engine.ChildWorkflowExecutionFailed{Execution: fromExec(a.WorkflowExecution), Type: c.childType(a.InitiatedEventId, a.WorkflowType),
			Reason: reason, Details: details, InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
		a := ev.GetChildWorkflowExecutionTimedOutEventAttributes()
		return &engine.ChildWorkflowExecutionTimedOut{Execution: fromExec(a.WorkflowExecution), Type: c.childType(a.InitiatedEventId, a.WorkflowType),
			InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
		a := ev.GetChildWorkflowExecutionCanceledEventAttributes()
		return &engine.ChildWorkflowExecutionCanceled{Execution: fromExec(a.WorkflowExecution), Type: c.childType(a.InitiatedEventId, a.WorkflowType),
			Details: fromPayloads(a.Details), InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
		a := ev.GetChildWorkflowExecutionTerminatedEventAttributes()
		return &engine.ChildWorkflowExecutionTerminated{Execution: fromExec(a.WorkflowExecution), Type: c.childType(a.InitiatedEventId, a.WorkflowType),
			InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}

	case enumspb.EVENT_TYPE_MARKER_RECORDED:
		if attr := c.marker(ev.GetMarkerRecordedEventAttributes()); attr != nil {
			return attr
		}
	}
	return other(ev)
}

// marker returns the failed decision a flowy marker records, or nil.
func (c *converter) marker(a *historypb.MarkerRecordedEventAttributes) engine.EventAttributes {
	if !strings.HasPrefix(a.MarkerName, "flowy.") {
		return nil
	}
	var f failedDecision
	if ps := a.Details[markerDetails].GetPayloads(); len(ps) != 1 || !fromJSONPayload(ps[0], &f) {
		return nil
	}
	completed := a.WorkflowTaskCompletedEventId
	switch a.MarkerName {
	case markerScheduleActivityFailed:
		return &engine.ScheduleActivityTaskFailed{ActivityID: f.ID, Type: engine.ActivityType{Name: f.Type, Version: f.Version},
			Cause: f.Cause, DecisionTaskCompletedEventID: completed}
	case markerStartTimerFailed:
		return &engine.StartTimerFailed{TimerID: f.ID, Cause: f.Cause, DecisionTaskCompletedEventID: completed}
	case markerStartChildFailed:
		return &engine.StartChildWorkflowExecutionFailed{WorkflowID: f.ID, Type: engine.WorkflowType{Name: f.Type, Version: f.Version},
			Cause: f.Cause, DecisionTaskCompletedEventID: completed}
	case markerContinueAsNewFailed:
		return &engine.ContinueAsNewWorkflowExecutionFailed{Cause: f.Cause, DecisionTaskCompletedEventID: completed}
	}
	return nil
}

// markerDetailsOf returns the details of a marker recording a failed decision.
func markerDetailsOf(f failedDecision) map[string]*commonpb.Payloads {
	b, _ := json.Marshal(f)
	return map[string]*commonpb.Payloads{markerDetails: {Payloads: []*commonpb.Payload{payload(string(b))}}}
}

// other returns the OtherEvent of a Temporal event.
func other(ev *historypb.HistoryEvent) *OtherEvent {
	o := &OtherEvent{TemporalType: enumCamel(enumspb.EventType_name, int32(ev.EventType), "EVENT_TYPE_")}
	if m := attributesMessage(ev); m != nil {
		if b, err := protojson.Marshal(m); err == nil {
			o.Attributes = string(b)
		}
	}
	return o
}

// attributesMessage returns the attributes of an event as a message.
func attributesMessage(ev *historypb.HistoryEvent) proto.Message {
	r := ev.ProtoReflect()
	od := r.Descriptor().Oneofs().ByName("attributes")
	if od == nil {
		return nil
	}
	fd := r.WhichOneof(od)
	if fd == nil {
		return nil
	}
	return r.Get(fd).Message().Interface()
}

// enumName returns the name of an enum value without its prefix, e.g.
// "UNHANDLED_COMMAND".
func enumName(names map[int32]string, v int32, prefix string) string {
	return strings.TrimPrefix(names[v], prefix)
}

// enumCamel returns the name of an enum value without its prefix, in camel
// case, e.g. "TimerCanceled".
func enumCamel(names map[int32]string, v int32, prefix string) string {
	var b strings.Builder
	for _, w := range strings.Split(enumName(names, v, prefix), "_") {
		if w == "" {
			continue
		}
		b.WriteString(w[:1])
		b.WriteString(strings.ToLower(w[1:]))
	}
	return b.String()
}
