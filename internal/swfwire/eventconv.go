package swfwire

import (
	"errors"
	"fmt"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// SWF's names of causes that package engine spells without the type's kind.
const (
	causeActivityTypeDoesNotExist = "ACTIVITY_TYPE_DOES_NOT_EXIST"
	causeWorkflowTypeDoesNotExist = "WORKFLOW_TYPE_DOES_NOT_EXIST"
	causeActivityTypeDeprecated   = "ACTIVITY_TYPE_DEPRECATED"
	causeWorkflowTypeDeprecated   = "WORKFLOW_TYPE_DEPRECATED"
)

// timeoutStartToClose is the only timeout type of executions.
const timeoutStartToClose = string(engine.TimeoutStartToClose)

// causeToWire spells an engine cause as SWF does for a type of the given
// kind ("ACTIVITY" or "WORKFLOW").
func causeToWire(cause, kind string) string {
	switch cause {
	case engine.CauseTypeDoesNotExist:
		return kind + "_TYPE_DOES_NOT_EXIST"
	case engine.CauseTypeDeprecated:
		return kind + "_TYPE_DEPRECATED"
	}
	return cause
}

// causeFromWire is the inverse of causeToWire.
func causeFromWire(cause string) string {
	switch cause {
	case causeActivityTypeDoesNotExist, causeWorkflowTypeDoesNotExist:
		return engine.CauseTypeDoesNotExist
	case causeActivityTypeDeprecated, causeWorkflowTypeDeprecated:
		return engine.CauseTypeDeprecated
	}
	return cause
}

// EventToWire converts an engine event. Fields package engine does not
// record are filled as SWF would where they are implied (the timeout type
// of executions is always START_TO_CLOSE) and left out otherwise; the
// attributes of WorkflowExecutionContinuedAsNew only carry the new run id,
// input and decision event (a server can fill in the rest from the new run).
func EventToWire(e engine.Event) (HistoryEvent, error) {
	h := HistoryEvent{EventID: e.ID, EventTimestamp: TimeOf(e.Time)}
	if e.Attr == nil {
		return h, fmt.Errorf("swfwire: event %d has no attributes", e.ID)
	}
	h.EventType = e.Attr.EventType()
	d := FormatDuration
	switch a := e.Attr.(type) {
	case *engine.WorkflowExecutionStarted:
		h.WorkflowExecutionStartedEventAttributes = &WorkflowExecutionStartedEventAttributes{
			WorkflowType:                 WorkflowTypeOf(a.Type),
			Input:                        a.Input,
			TaskList:                     &TaskList{Name: a.TaskList},
			ExecutionStartToCloseTimeout: d(a.ExecutionTimeout),
			TaskStartToCloseTimeout:      d(a.DecisionTimeout),
			ChildPolicy:                  string(a.ChildPolicy),
			TagList:                      a.Tags,
			ParentWorkflowExecution:      ExecutionOfPtr(a.Parent),
			ParentInitiatedEventID:       a.ParentInitiatedEventID,
			ContinuedExecutionRunID:      a.ContinuedExecutionRunID,
		}
	case *engine.WorkflowExecutionCompleted:
		h.WorkflowExecutionCompletedEventAttributes = &WorkflowExecutionCompletedEventAttributes{
			Result: a.Result, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.WorkflowExecutionFailed:
		h.WorkflowExecutionFailedEventAttributes = &WorkflowExecutionFailedEventAttributes{
			Reason: a.Reason, Details: a.Details, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.WorkflowExecutionTimedOut:
		h.WorkflowExecutionTimedOutEventAttributes = &WorkflowExecutionTimedOutEventAttributes{
			TimeoutType: timeoutStartToClose, ChildPolicy: string(a.ChildPolicy),
		}
	case *engine.WorkflowExecutionTerminated:
		h.WorkflowExecutionTerminatedEventAttributes = &WorkflowExecutionTerminatedEventAttributes{
			Reason: a.Reason, Details: a.Details, ChildPolicy: string(a.ChildPolicy), Cause: a.Cause,
		}
	case *engine.WorkflowExecutionCanceled:
		h.WorkflowExecutionCanceledEventAttributes = &WorkflowExecutionCanceledEventAttributes{
			Details: a.Details, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.WorkflowExecutionCancelRequested:
		h.WorkflowExecutionCancelRequestedEventAttributes = &WorkflowExecutionCancelRequestedEventAttributes{Cause: a.Cause}
	case *engine.WorkflowExecutionContinuedAsNew:
		h.WorkflowExecutionContinuedAsNewEventAttributes = &WorkflowExecutionContinuedAsNewEventAttributes{
			Input: a.Input, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID, NewExecutionRunID: a.NewRunID,
		}
	case *engine.WorkflowExecutionSignaled:
		h.WorkflowExecutionSignaledEventAttributes = &WorkflowExecutionSignaledEventAttributes{
			SignalName: a.SignalName, Input: a.Input,
		}
	case *engine.DecisionTaskScheduled:
		h.DecisionTaskScheduledEventAttributes = &DecisionTaskScheduledEventAttributes{
			TaskList: &TaskList{Name: a.TaskList}, StartToCloseTimeout: d(a.StartToClose),
		}
	case *engine.DecisionTaskStarted:
		h.DecisionTaskStartedEventAttributes = &DecisionTaskStartedEventAttributes{
			Identity: a.Identity, ScheduledEventID: a.ScheduledEventID,
		}
	case *engine.DecisionTaskCompleted:
		h.DecisionTaskCompletedEventAttributes = &DecisionTaskCompletedEventAttributes{
			ExecutionContext: a.ExecutionContext, ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.DecisionTaskTimedOut:
		h.DecisionTaskTimedOutEventAttributes = &DecisionTaskTimedOutEventAttributes{
			TimeoutType: string(a.TimeoutType), ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.ActivityTaskScheduled:
		h.ActivityTaskScheduledEventAttributes = &ActivityTaskScheduledEventAttributes{
			ActivityType:                 ActivityTypeOf(a.Type),
			ActivityID:                   a.ActivityID,
			Input:                        a.Input,
			Control:                      a.Control,
			ScheduleToStartTimeout:       d(a.Timeouts.ScheduleToStart),
			ScheduleToCloseTimeout:       d(a.Timeouts.ScheduleToClose),
			StartToCloseTimeout:          d(a.Timeouts.StartToClose),
			HeartbeatTimeout:             d(a.Timeouts.Heartbeat),
			TaskList:                     &TaskList{Name: a.TaskList},
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.ScheduleActivityTaskFailed:
		h.ScheduleActivityTaskFailedEventAttributes = &ScheduleActivityTaskFailedEventAttributes{
			ActivityType:                 ActivityTypeOf(a.Type),
			ActivityID:                   a.ActivityID,
			Cause:                        causeToWire(a.Cause, "ACTIVITY"),
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.ActivityTaskStarted:
		h.ActivityTaskStartedEventAttributes = &ActivityTaskStartedEventAttributes{
			Identity: a.Identity, ScheduledEventID: a.ScheduledEventID,
		}
	case *engine.ActivityTaskCompleted:
		h.ActivityTaskCompletedEventAttributes = &ActivityTaskCompletedEventAttributes{
			Result: a.Result, ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.ActivityTaskFailed:
		h.ActivityTaskFailedEventAttributes = &ActivityTaskFailedEventAttributes{
			Reason: a.Reason, Details: a.Details, ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.ActivityTaskTimedOut:
		h.ActivityTaskTimedOutEventAttributes = &ActivityTaskTimedOutEventAttributes{
			TimeoutType: string(a.TimeoutType), ScheduledEventID: a.ScheduledEventID,
			StartedEventID: a.StartedEventID, Details: a.Details,
		}
	case *engine.TimerStarted:
		h.TimerStartedEventAttributes = &TimerStartedEventAttributes{
			TimerID: a.TimerID, Control: a.Control, StartToFireTimeout: d(a.StartToFire),
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.StartTimerFailed:
		h.StartTimerFailedEventAttributes = &StartTimerFailedEventAttributes{
			TimerID: a.TimerID, Cause: a.Cause, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.TimerFired:
		h.TimerFiredEventAttributes = &TimerFiredEventAttributes{TimerID: a.TimerID, StartedEventID: a.StartedEventID}
	case *engine.StartChildWorkflowExecutionInitiated:
		h.StartChildWorkflowExecutionInitiatedEventAttributes = &StartChildWorkflowExecutionInitiatedEventAttributes{
			WorkflowID:                   a.WorkflowID,
			WorkflowType:                 WorkflowTypeOf(a.Type),
			Control:                      a.Control,
			Input:                        a.Input,
			ExecutionStartToCloseTimeout: d(a.ExecutionTimeout),
			TaskList:                     &TaskList{Name: a.TaskList},
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
			ChildPolicy:                  string(a.ChildPolicy),
			TaskStartToCloseTimeout:      d(a.DecisionTimeout),
			TagList:                      a.Tags,
		}
	case *engine.StartChildWorkflowExecutionFailed:
		h.StartChildWorkflowExecutionFailedEventAttributes = &StartChildWorkflowExecutionFailedEventAttributes{
			WorkflowType:                 WorkflowTypeOf(a.Type),
			Cause:                        causeToWire(a.Cause, "WORKFLOW"),
			WorkflowID:                   a.WorkflowID,
			InitiatedEventID:             a.InitiatedEventID,
			DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.ChildWorkflowExecutionStarted:
		h.ChildWorkflowExecutionStartedEventAttributes = &ChildWorkflowExecutionStartedEventAttributes{
			WorkflowExecution: ExecutionOf(a.Execution), WorkflowType: WorkflowTypeOf(a.Type), InitiatedEventID: a.InitiatedEventID,
		}
	case *engine.ChildWorkflowExecutionCompleted:
		h.ChildWorkflowExecutionCompletedEventAttributes = &ChildWorkflowExecutionCompletedEventAttributes{
			WorkflowExecution: ExecutionOf(a.Execution), WorkflowType: WorkflowTypeOf(a.Type), Result: a.Result,
			InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.ChildWorkflowExecutionFailed:
		h.ChildWorkflowExecutionFailedEventAttributes = &ChildWorkflowExecutionFailedEventAttributes{
			WorkflowExecution: ExecutionOf(a.Execution), WorkflowType: WorkflowTypeOf(a.Type),
			Reason: a.Reason, Details: a.Details,
			InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.ChildWorkflowExecutionTimedOut:
		h.ChildWorkflowExecutionTimedOutEventAttributes = &ChildWorkflowExecutionTimedOutEventAttributes{
			WorkflowExecution: ExecutionOf(a.Execution), WorkflowType: WorkflowTypeOf(a.Type),
			TimeoutType:      timeoutStartToClose,
			InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.ChildWorkflowExecutionCanceled:
		h.ChildWorkflowExecutionCanceledEventAttributes = &ChildWorkflowExecutionCanceledEventAttributes{
			WorkflowExecution: ExecutionOf(a.Execution), WorkflowType: WorkflowTypeOf(a.Type), Details: a.Details,
			InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.ChildWorkflowExecutionTerminated:
		h.ChildWorkflowExecutionTerminatedEventAttributes = &ChildWorkflowExecutionTerminatedEventAttributes{
			WorkflowExecution: ExecutionOf(a.Execution), WorkflowType: WorkflowTypeOf(a.Type),
			InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
		}
	case *engine.CompleteWorkflowExecutionFailed:
		h.CompleteWorkflowExecutionFailedEventAttributes = &CompleteWorkflowExecutionFailedEventAttributes{
			Cause: a.Cause, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.FailWorkflowExecutionFailed:
		h.FailWorkflowExecutionFailedEventAttributes = &FailWorkflowExecutionFailedEventAttributes{
			Cause: a.Cause, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	case *engine.ContinueAsNewWorkflowExecutionFailed:
		h.ContinueAsNewWorkflowExecutionFailedEventAttributes = &ContinueAsNewWorkflowExecutionFailedEventAttributes{
			Cause: a.Cause, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
		}
	default:
		return h, fmt.Errorf("swfwire: event %d: event type %s (%T): %w", e.ID, h.EventType, e.Attr, ErrUnsupported)
	}
	return h, nil
}

// durations parses duration strings, remembering the first error with the
// name of its field.
type durations struct{ err error }

func (p *durations) parse(field, s string) time.Duration {
	d, err := ParseDuration(s)
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("%s: %w", field, err)
	}
	return d
}

// errNoAttributes reports an event or decision without its attributes member.
var errNoAttributes = errors.New("attributes missing")

// EventFromWire converts a history event. An event whose attributes member
// is missing, or whose durations do not parse, is an error; an SWF event
// type that package engine does not have is an error wrapping
// [ErrUnsupported].
func EventFromWire(h HistoryEvent) (engine.Event, error) {
	e := engine.Event{ID: h.EventID, Time: h.EventTimestamp.Time}
	var p durations
	var attr engine.EventAttributes
	missing := false
	switch h.EventType {
	case "WorkflowExecutionStarted":
		a := h.WorkflowExecutionStartedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionStarted{
				Type:                    a.WorkflowType.Engine(),
				Input:                   a.Input,
				TaskList:                a.TaskList.NameOf(),
				ExecutionTimeout:        p.parse("executionStartToCloseTimeout", a.ExecutionStartToCloseTimeout),
				DecisionTimeout:         p.parse("taskStartToCloseTimeout", a.TaskStartToCloseTimeout),
				ChildPolicy:             engine.ChildPolicy(a.ChildPolicy),
				Tags:                    a.TagList,
				Parent:                  a.ParentWorkflowExecution.EnginePtr(),
				ParentInitiatedEventID:  a.ParentInitiatedEventID,
				ContinuedExecutionRunID: a.ContinuedExecutionRunID,
			}
		}
	case "WorkflowExecutionCompleted":
		a := h.WorkflowExecutionCompletedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionCompleted{Result: a.Result, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID}
		}
	case "WorkflowExecutionFailed":
		a := h.WorkflowExecutionFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionFailed{Reason: a.Reason, Details: a.Details, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID}
		}
	case "WorkflowExecutionTimedOut":
		a := h.WorkflowExecutionTimedOutEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionTimedOut{ChildPolicy: engine.ChildPolicy(a.ChildPolicy)}
		}
	case "WorkflowExecutionTerminated":
		a := h.WorkflowExecutionTerminatedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionTerminated{Reason: a.Reason, Details: a.Details, ChildPolicy: engine.ChildPolicy(a.ChildPolicy), Cause: a.Cause}
		}
	case "WorkflowExecutionCanceled":
		a := h.WorkflowExecutionCanceledEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionCanceled{Details: a.Details, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID}
		}
	case "WorkflowExecutionCancelRequested":
		a := h.WorkflowExecutionCancelRequestedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionCancelRequested{Cause: a.Cause}
		}
	case "WorkflowExecutionContinuedAsNew":
		a := h.WorkflowExecutionContinuedAsNewEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionContinuedAsNew{NewRunID: a.NewExecutionRunID, Input: a.Input, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID}
		}
	case "WorkflowExecutionSignaled":
		a := h.WorkflowExecutionSignaledEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.WorkflowExecutionSignaled{SignalName: a.SignalName, Input: a.Input}
		}
	case "DecisionTaskScheduled":
		a := h.DecisionTaskScheduledEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.DecisionTaskScheduled{TaskList: a.TaskList.NameOf(), StartToClose: p.parse("startToCloseTimeout", a.StartToCloseTimeout)}
		}
	case "DecisionTaskStarted":
		a := h.DecisionTaskStartedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.DecisionTaskStarted{ScheduledEventID: a.ScheduledEventID, Identity: a.Identity}
		}
	case "DecisionTaskCompleted":
		a := h.DecisionTaskCompletedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.DecisionTaskCompleted{ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID, ExecutionContext: a.ExecutionContext}
		}
	case "DecisionTaskTimedOut":
		a := h.DecisionTaskTimedOutEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.DecisionTaskTimedOut{ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID, TimeoutType: engine.TimeoutType(a.TimeoutType)}
		}
	case "ActivityTaskScheduled":
		a := h.ActivityTaskScheduledEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ActivityTaskScheduled{
				ActivityID: a.ActivityID,
				Type:       a.ActivityType.Engine(),
				Input:      a.Input,
				Control:    a.Control,
				TaskList:   a.TaskList.NameOf(),
				Timeouts: engine.ActivityTimeouts{
					ScheduleToStart: p.parse("scheduleToStartTimeout", a.ScheduleToStartTimeout),
					StartToClose:    p.parse("startToCloseTimeout", a.StartToCloseTimeout),
					ScheduleToClose: p.parse("scheduleToCloseTimeout", a.ScheduleToCloseTimeout),
					Heartbeat:       p.parse("heartbeatTimeout", a.HeartbeatTimeout),
				},
				DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
			}
		}
	case "ScheduleActivityTaskFailed":
		a := h.ScheduleActivityTaskFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ScheduleActivityTaskFailed{
				ActivityID: a.ActivityID, Type: a.ActivityType.Engine(), Cause: causeFromWire(a.Cause),
				DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
			}
		}
	case "ActivityTaskStarted":
		a := h.ActivityTaskStartedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ActivityTaskStarted{ScheduledEventID: a.ScheduledEventID, Identity: a.Identity}
		}
	case "ActivityTaskCompleted":
		a := h.ActivityTaskCompletedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ActivityTaskCompleted{ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID, Result: a.Result}
		}
	case "ActivityTaskFailed":
		a := h.ActivityTaskFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ActivityTaskFailed{ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID, Reason: a.Reason, Details: a.Details}
		}
	case "ActivityTaskTimedOut":
		a := h.ActivityTaskTimedOutEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ActivityTaskTimedOut{
				ScheduledEventID: a.ScheduledEventID, StartedEventID: a.StartedEventID,
				TimeoutType: engine.TimeoutType(a.TimeoutType), Details: a.Details,
			}
		}
	case "TimerStarted":
		a := h.TimerStartedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.TimerStarted{
				TimerID: a.TimerID, StartToFire: p.parse("startToFireTimeout", a.StartToFireTimeout), Control: a.Control,
				DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
			}
		}
	case "StartTimerFailed":
		a := h.StartTimerFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.StartTimerFailed{TimerID: a.TimerID, Cause: a.Cause, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID}
		}
	case "TimerFired":
		a := h.TimerFiredEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.TimerFired{TimerID: a.TimerID, StartedEventID: a.StartedEventID}
		}
	case "StartChildWorkflowExecutionInitiated":
		a := h.StartChildWorkflowExecutionInitiatedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.StartChildWorkflowExecutionInitiated{
				WorkflowID:                   a.WorkflowID,
				Type:                         a.WorkflowType.Engine(),
				Input:                        a.Input,
				Control:                      a.Control,
				TaskList:                     a.TaskList.NameOf(),
				ExecutionTimeout:             p.parse("executionStartToCloseTimeout", a.ExecutionStartToCloseTimeout),
				DecisionTimeout:              p.parse("taskStartToCloseTimeout", a.TaskStartToCloseTimeout),
				ChildPolicy:                  engine.ChildPolicy(a.ChildPolicy),
				Tags:                         a.TagList,
				DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
			}
		}
	case "StartChildWorkflowExecutionFailed":
		a := h.StartChildWorkflowExecutionFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.StartChildWorkflowExecutionFailed{
				WorkflowID: a.WorkflowID, Type: a.WorkflowType.Engine(), Cause: causeFromWire(a.Cause),
				InitiatedEventID: a.InitiatedEventID, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID,
			}
		}
	case "ChildWorkflowExecutionStarted":
		a := h.ChildWorkflowExecutionStartedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ChildWorkflowExecutionStarted{
				Execution: a.WorkflowExecution.Engine(), Type: a.WorkflowType.Engine(), InitiatedEventID: a.InitiatedEventID,
			}
		}
	case "ChildWorkflowExecutionCompleted":
		a := h.ChildWorkflowExecutionCompletedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ChildWorkflowExecutionCompleted{
				Execution: a.WorkflowExecution.Engine(), Type: a.WorkflowType.Engine(), Result: a.Result,
				InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
			}
		}
	case "ChildWorkflowExecutionFailed":
		a := h.ChildWorkflowExecutionFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ChildWorkflowExecutionFailed{
				Execution: a.WorkflowExecution.Engine(), Type: a.WorkflowType.Engine(), Reason: a.Reason, Details: a.Details,
				InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
			}
		}
	case "ChildWorkflowExecutionTimedOut":
		a := h.ChildWorkflowExecutionTimedOutEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ChildWorkflowExecutionTimedOut{
				Execution: a.WorkflowExecution.Engine(), Type: a.WorkflowType.Engine(),
				InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
			}
		}
	case "ChildWorkflowExecutionCanceled":
		a := h.ChildWorkflowExecutionCanceledEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ChildWorkflowExecutionCanceled{
				Execution: a.WorkflowExecution.Engine(), Type: a.WorkflowType.Engine(), Details: a.Details,
				InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
			}
		}
	case "ChildWorkflowExecutionTerminated":
		a := h.ChildWorkflowExecutionTerminatedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ChildWorkflowExecutionTerminated{
				Execution: a.WorkflowExecution.Engine(), Type: a.WorkflowType.Engine(),
				InitiatedEventID: a.InitiatedEventID, StartedEventID: a.StartedEventID,
			}
		}
	case "CompleteWorkflowExecutionFailed":
		a := h.CompleteWorkflowExecutionFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.CompleteWorkflowExecutionFailed{Cause: a.Cause, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID}
		}
	case "FailWorkflowExecutionFailed":
		a := h.FailWorkflowExecutionFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.FailWorkflowExecutionFailed{Cause: a.Cause, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID}
		}
	case "ContinueAsNewWorkflowExecutionFailed":
		a := h.ContinueAsNewWorkflowExecutionFailedEventAttributes
		if missing = a == nil; !missing {
			attr = &engine.ContinueAsNewWorkflowExecutionFailed{Cause: a.Cause, DecisionTaskCompletedEventID: a.DecisionTaskCompletedEventID}
		}
	default:
		return e, fmt.Errorf("swfwire: event %d: event type %q: %w", h.EventID, h.EventType, ErrUnsupported)
	}
	if missing {
		return e, fmt.Errorf("swfwire: event %d (%s): %w", h.EventID, h.EventType, errNoAttributes)
	}
	if p.err != nil {
		return e, fmt.Errorf("swfwire: event %d (%s): %w", h.EventID, h.EventType, p.err)
	}
	e.Attr = attr
	return e, nil
}

// EventsToWire converts a slice of events.
func EventsToWire(events []engine.Event) ([]HistoryEvent, error) {
	out := make([]HistoryEvent, len(events))
	for i, e := range events {
		var err error
		if out[i], err = EventToWire(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EventsFromWire converts a slice of history events.
func EventsFromWire(events []HistoryEvent) ([]engine.Event, error) {
	out := make([]engine.Event, len(events))
	for i, h := range events {
		var err error
		if out[i], err = EventFromWire(h); err != nil {
			return nil, err
		}
	}
	return out, nil
}
