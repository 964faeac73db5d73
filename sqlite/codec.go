package sqlite

import (
	"encoding/json"
	"fmt"

	"github.com/flowy-go/flowy/engine"
)

// eventTypes maps each event type name to a constructor of its attributes.
// Events are stored as their type name and their attributes' JSON (Go field
// names, durations in nanoseconds).
var eventTypes = map[string]func() engine.EventAttributes{}

func init() {
	for _, f := range []func() engine.EventAttributes{
		func() engine.EventAttributes { return new(engine.WorkflowExecutionStarted) },
		func() engine.EventAttributes { return new(engine.WorkflowExecutionCompleted) },
		func() engine.EventAttributes { return new(engine.WorkflowExecutionFailed) },
		func() engine.EventAttributes { return new(engine.WorkflowExecutionTimedOut) },
		func() engine.EventAttributes { return new(engine.WorkflowExecutionTerminated) },
		func() engine.EventAttributes { return new(engine.WorkflowExecutionCanceled) },
		func() engine.EventAttributes { return new(engine.WorkflowExecutionCancelRequested) },
		func() engine.EventAttributes { return new(engine.WorkflowExecutionContinuedAsNew) },
		func() engine.EventAttributes { return new(engine.WorkflowExecutionSignaled) },
		func() engine.EventAttributes { return new(engine.DecisionTaskScheduled) },
		func() engine.EventAttributes { return new(engine.DecisionTaskStarted) },
		func() engine.EventAttributes { return new(engine.DecisionTaskCompleted) },
		func() engine.EventAttributes { return new(engine.DecisionTaskTimedOut) },
		func() engine.EventAttributes { return new(engine.ActivityTaskScheduled) },
		func() engine.EventAttributes { return new(engine.ScheduleActivityTaskFailed) },
		func() engine.EventAttributes { return new(engine.ActivityTaskStarted) },
		func() engine.EventAttributes { return new(engine.ActivityTaskCompleted) },
		func() engine.EventAttributes { return new(engine.ActivityTaskFailed) },
		func() engine.EventAttributes { return new(engine.ActivityTaskTimedOut) },
		func() engine.EventAttributes { return new(engine.TimerStarted) },
		func() engine.EventAttributes { return new(engine.StartTimerFailed) },
		func() engine.EventAttributes { return new(engine.TimerFired) },
		func() engine.EventAttributes { return new(engine.StartChildWorkflowExecutionInitiated) },
		func() engine.EventAttributes { return new(engine.StartChildWorkflowExecutionFailed) },
		func() engine.EventAttributes { return new(engine.ChildWorkflowExecutionStarted) },
		func() engine.EventAttributes { return new(engine.ChildWorkflowExecutionCompleted) },
		func() engine.EventAttributes { return new(engine.ChildWorkflowExecutionFailed) },
		func() engine.EventAttributes { return new(engine.ChildWorkflowExecutionTimedOut) },
		func() engine.EventAttributes { return new(engine.ChildWorkflowExecutionCanceled) },
		func() engine.EventAttributes { return new(engine.ChildWorkflowExecutionTerminated) },
		func() engine.EventAttributes { return new(engine.CompleteWorkflowExecutionFailed) },
		func() engine.EventAttributes { return new(engine.FailWorkflowExecutionFailed) },
		func() engine.EventAttributes { return new(engine.ContinueAsNewWorkflowExecutionFailed) },
	} {
		eventTypes[f().EventType()] = f
	}
}

// encodeAttr returns the JSON of an event's attributes.
func encodeAttr(a engine.EventAttributes) (string, error) {
	if _, ok := eventTypes[a.EventType()]; !ok {
		return "", fmt.Errorf("sqlite: no encoding for event type %s (%T)", a.EventType(), a)
	}
	b, err := json.Marshal(a)
	return string(b), err
}

// decodeAttr decodes the attributes of an event of type typ.
func decodeAttr(typ string, data []byte) (engine.EventAttributes, error) {
	f, ok := eventTypes[typ]
	if !ok {
		return nil, fmt.Errorf("sqlite: unknown event type %q", typ)
	}
	a := f()
	if err := json.Unmarshal(data, a); err != nil {
		return nil, fmt.Errorf("sqlite: decoding a %s event: %w", typ, err)
	}
	return a, nil
}
