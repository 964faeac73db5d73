package swf

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/engine"
)

// OtherEvent stands for a history event of an SWF type that package engine
// has no type for (MarkerRecorded, TimerCanceled, ActivityTaskCanceled,
// SignalExternalWorkflowExecutionInitiated, Lambda events, ...). flowy's
// decider never causes them and ignores them; they are kept so that event
// ids stay dense (Events[i].ID == i+1).
type OtherEvent struct {
	Type string // SWF's name of the event type
}

// EventType implements engine.EventAttributes.
func (o *OtherEvent) EventType() string { return o.Type }

// Causes of failed decisions SWF spells with the type's kind.
const (
	causeActivityTypeDoesNotExist = "ACTIVITY_TYPE_DOES_NOT_EXIST"
	causeWorkflowTypeDoesNotExist = "WORKFLOW_TYPE_DOES_NOT_EXIST"
	causeActivityTypeDeprecated   = "ACTIVITY_TYPE_DEPRECATED"
	causeWorkflowTypeDeprecated   = "WORKFLOW_TYPE_DEPRECATED"
)

// cause converts SWF's cause of a failed decision to the engine's.
func cause[T ~string](c T) string {
	switch string(c) {
	case causeActivityTypeDoesNotExist, causeWorkflowTypeDoesNotExist:
		return engine.CauseTypeDoesNotExist
	case causeActivityTypeDeprecated, causeWorkflowTypeDeprecated:
		return engine.CauseTypeDeprecated
	}
	return string(c)
}

func workflowType(t *types.WorkflowType) engine.WorkflowType {
	if t == nil {
		return engine.WorkflowType{}
	}
	return engine.WorkflowType{Name: aws.ToString(t.Name), Version: aws.ToString(t.Version)}
}

func activityType(t *types.ActivityType) engine.ActivityType {
	if t == nil {
		return engine.ActivityType{}
	}
	return engine.ActivityType{Name: aws.ToString(t.Name), Version: aws.ToString(t.Version)}
}

func execution(x *types.WorkflowExecution) engine.Execution {
	if x == nil {
		return engine.Execution{}
	}
	return engine.Execution{WorkflowID: aws.ToString(x.WorkflowId), RunID: aws.ToString(x.RunId)}
}

// convertEvents converts a history, which must number its events 1, 2, 3...
func convertEvents(hs []types.HistoryEvent) ([]engine.Event, error) {
	events := make([]engine.Event, len(hs))
	for i := range hs {
		if hs[i].EventId != int64(i+1) {
			return nil, fmt.Errorf("swf: history event %d has id %d: the history has gaps or is out of order", i+1, hs[i].EventId)
		}
		ev, err := convertEvent(&hs[i])
		if err != nil {
			return nil, err
		}
		events[i] = ev
	}
	return events, nil
}

// convertEvent converts one history event. An event whose attributes are
// missing is an error; one of a type package engine does not have is an
// *OtherEvent.
func convertEvent(h *types.HistoryEvent) (engine.Event, error) {
	ev := engine.Event{ID: h.EventId, Time: aws.ToTime(h.EventTimestamp)}
	attr, ok := convertAttributes(h)
	if !ok {
		return ev, fmt.Errorf("swf: history event %d (%s) has no attributes", h.EventId, h.EventType)
	}
	ev.Attr = attr
	return ev, nil
}

// convertAttributes returns the engine attributes of h, and false when h
// lacks the attributes its type needs.
func convertAttributes(h *types.HistoryEvent) (engine.EventAttributes, bool) {
	d := parseDur
	switch h.EventType {
	case types.EventTypeWorkflowExecutionStarted:
		a := h.WorkflowExecutionStartedEventAttributes
		if a == nil {
			return nil, false
		}
		s := &engine.WorkflowExecutionStarted{
			Type:                    workflowType(a.WorkflowType),
			Input:                   aws.ToString(a.Input),
			TaskList:                taskListName(a.TaskList),
			ExecutionTimeout:        d(a.ExecutionStartToCloseTimeout),
			DecisionTimeout:         d(a.TaskStartToCloseTimeout),
			ChildPolicy:             engine.ChildPolicy(a.ChildPolicy),
			Tags:                    a.TagList,
			ParentInitiatedEventID:  a.ParentInitiatedEventId,
			ContinuedExecutionRunID: aws.ToString(a.ContinuedExecutionRunId),
		}
		if a.ParentWorkflowExecution != nil {
			p := execution(a.ParentWorkflowExecution)
			s.Parent = &p
		}
		return s, true
	case types.EventTypeWorkflowExecutionCompleted:
		a := h.WorkflowExecutionCompletedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.WorkflowExecutionCompleted{Result: aws.ToString(a.Result), DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeWorkflowExecutionFailed:
		a := h.WorkflowExecutionFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.WorkflowExecutionFailed{Reason: aws.ToString(a.Reason), Details: aws.ToString(a.Details),
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeWorkflowExecutionTimedOut:
		a := h.WorkflowExecutionTimedOutEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.WorkflowExecutionTimedOut{ChildPolicy: engine.ChildPolicy(a.ChildPolicy)}, true
	case types.EventTypeWorkflowExecutionTerminated:
		a := h.WorkflowExecutionTerminatedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.WorkflowExecutionTerminated{Reason: aws.ToString(a.Reason), Details: aws.ToString(a.Details),
			ChildPolicy: engine.ChildPolicy(a.ChildPolicy), Cause: string(a.Cause)}, true
	case types.EventTypeWorkflowExecutionCanceled:
		a := h.WorkflowExecutionCanceledEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.WorkflowExecutionCanceled{Details: aws.ToString(a.Details), DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeWorkflowExecutionCancelRequested:
		a := h.WorkflowExecutionCancelRequestedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.WorkflowExecutionCancelRequested{Cause: string(a.Cause)}, true
	case types.EventTypeWorkflowExecutionContinuedAsNew:
		a := h.WorkflowExecutionContinuedAsNewEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.WorkflowExecutionContinuedAsNew{NewRunID: aws.ToString(a.NewExecutionRunId), Input: aws.ToString(a.Input),
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeWorkflowExecutionSignaled:
		a := h.WorkflowExecutionSignaledEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.WorkflowExecutionSignaled{SignalName: aws.ToString(a.SignalName), Input: aws.ToString(a.Input)}, true
	case types.EventTypeDecisionTaskScheduled:
		a := h.DecisionTaskScheduledEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.DecisionTaskScheduled{TaskList: taskListName(a.TaskList), StartToClose: d(a.StartToCloseTimeout)}, true
	case types.EventTypeDecisionTaskStarted:
		a := h.DecisionTaskStartedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.DecisionTaskStarted{ScheduledEventID: a.ScheduledEventId, Identity: aws.ToString(a.Identity)}, true
	case types.EventTypeDecisionTaskCompleted:
		a := h.DecisionTaskCompletedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.DecisionTaskCompleted{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			ExecutionContext: aws.ToString(a.ExecutionContext)}, true
	case types.EventTypeDecisionTaskTimedOut:
		a := h.DecisionTaskTimedOutEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.DecisionTaskTimedOut{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			TimeoutType: engine.TimeoutType(a.TimeoutType)}, true
	case types.EventTypeActivityTaskScheduled:
		a := h.ActivityTaskScheduledEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ActivityTaskScheduled{
			ActivityID: aws.ToString(a.ActivityId),
			Type:       activityType(a.ActivityType),
			Input:      aws.ToString(a.Input),
			Control:    aws.ToString(a.Control),
			TaskList:   taskListName(a.TaskList),
			Timeouts: engine.ActivityTimeouts{
				ScheduleToStart: d(a.ScheduleToStartTimeout),
				StartToClose:    d(a.StartToCloseTimeout),
				ScheduleToClose: d(a.ScheduleToCloseTimeout),
				Heartbeat:       d(a.HeartbeatTimeout),
			},
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId,
		}, true
	case types.EventTypeScheduleActivityTaskFailed:
		a := h.ScheduleActivityTaskFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ScheduleActivityTaskFailed{ActivityID: aws.ToString(a.ActivityId), Type: activityType(a.ActivityType),
			Cause: cause(a.Cause), DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeActivityTaskStarted:
		a := h.ActivityTaskStartedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ActivityTaskStarted{ScheduledEventID: a.ScheduledEventId, Identity: aws.ToString(a.Identity)}, true
	case types.EventTypeActivityTaskCompleted:
		a := h.ActivityTaskCompletedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ActivityTaskCompleted{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			Result: aws.ToString(a.Result)}, true
	case types.EventTypeActivityTaskFailed:
		a := h.ActivityTaskFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ActivityTaskFailed{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			Reason: aws.ToString(a.Reason), Details: aws.ToString(a.Details)}, true
	case types.EventTypeActivityTaskTimedOut:
		a := h.ActivityTaskTimedOutEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ActivityTaskTimedOut{ScheduledEventID: a.ScheduledEventId, StartedEventID: a.StartedEventId,
			TimeoutType: engine.TimeoutType(a.TimeoutType), Details: aws.ToString(a.Details)}, true
	case types.EventTypeTimerStarted:
		a := h.TimerStartedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.TimerStarted{TimerID: aws.ToString(a.TimerId), StartToFire: d(a.StartToFireTimeout),
			Control: aws.ToString(a.Control), DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeStartTimerFailed:
		a := h.StartTimerFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.StartTimerFailed{TimerID: aws.ToString(a.TimerId), Cause: cause(a.Cause),
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeTimerFired:
		a := h.TimerFiredEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.TimerFired{TimerID: aws.ToString(a.TimerId), StartedEventID: a.StartedEventId}, true
	case types.EventTypeStartChildWorkflowExecutionInitiated:
		a := h.StartChildWorkflowExecutionInitiatedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.StartChildWorkflowExecutionInitiated{
			WorkflowID:                   aws.ToString(a.WorkflowId),
			Type:                         workflowType(a.WorkflowType),
			Input:                        aws.ToString(a.Input),
			Control:                      aws.ToString(a.Control),
			TaskList:                     taskListName(a.TaskList),
			ExecutionTimeout:             d(a.ExecutionStartToCloseTimeout),
			DecisionTimeout:              d(a.TaskStartToCloseTimeout),
			ChildPolicy:                  engine.ChildPolicy(a.ChildPolicy),
			Tags:                         a.TagList,
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId,
		}, true
	case types.EventTypeStartChildWorkflowExecutionFailed:
		a := h.StartChildWorkflowExecutionFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.StartChildWorkflowExecutionFailed{WorkflowID: aws.ToString(a.WorkflowId), Type: workflowType(a.WorkflowType),
			Cause: cause(a.Cause), InitiatedEventID: a.InitiatedEventId, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeChildWorkflowExecutionStarted:
		a := h.ChildWorkflowExecutionStartedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ChildWorkflowExecutionStarted{Execution: execution(a.WorkflowExecution), Type: workflowType(a.WorkflowType),
			InitiatedEventID: a.InitiatedEventId}, true
	case types.EventTypeChildWorkflowExecutionCompleted:
		a := h.ChildWorkflowExecutionCompletedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ChildWorkflowExecutionCompleted{Execution: execution(a.WorkflowExecution), Type: workflowType(a.WorkflowType),
			Result: aws.ToString(a.Result), InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}, true
	case types.EventTypeChildWorkflowExecutionFailed:
		a := h.ChildWorkflowExecutionFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ChildWorkflowExecutionFailed{Execution: execution(a.WorkflowExecution), Type: workflowType(a.WorkflowType),
			Reason: aws.ToString(a.Reason), Details: aws.ToString(a.Details), InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}, true
	case types.EventTypeChildWorkflowExecutionTimedOut:
		a := h.ChildWorkflowExecutionTimedOutEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ChildWorkflowExecutionTimedOut{Execution: execution(a.WorkflowExecution), Type: workflowType(a.WorkflowType),
			InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}, true
	case types.EventTypeChildWorkflowExecutionCanceled:
		a := h.ChildWorkflowExecutionCanceledEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ChildWorkflowExecutionCanceled{Execution: execution(a.WorkflowExecution), Type: workflowType(a.WorkflowType),
			Details: aws.ToString(a.Details), InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}, true
	case types.EventTypeChildWorkflowExecutionTerminated:
		a := h.ChildWorkflowExecutionTerminatedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ChildWorkflowExecutionTerminated{Execution: execution(a.WorkflowExecution), Type: workflowType(a.WorkflowType),
			InitiatedEventID: a.InitiatedEventId, StartedEventID: a.StartedEventId}, true
	case types.EventTypeCompleteWorkflowExecutionFailed:
		a := h.CompleteWorkflowExecutionFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.CompleteWorkflowExecutionFailed{Cause: string(a.Cause), DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeFailWorkflowExecutionFailed:
		a := h.FailWorkflowExecutionFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.FailWorkflowExecutionFailed{Cause: string(a.Cause), DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	case types.EventTypeContinueAsNewWorkflowExecutionFailed:
		a := h.ContinueAsNewWorkflowExecutionFailedEventAttributes
		if a == nil {
			return nil, false
		}
		return &engine.ContinueAsNewWorkflowExecutionFailed{Cause: cause(a.Cause), DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventId}, true
	}
	return &OtherEvent{Type: string(h.EventType)}, true
}

// lastCompletedStart returns the started event id of the last decision task
// that completed in events (0 if none).
func lastCompletedStart(events []engine.Event) int64 {
	for i := len(events) - 1; i >= 0; i-- {
		if a, ok := events[i].Attr.(*engine.DecisionTaskCompleted); ok {
			return a.StartedEventID
		}
	}
	return 0
}
