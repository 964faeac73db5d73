package sqlite

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

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

// encodeAttr returns the JSON of an event's attributes: what json.Marshal
// writes, byte for byte, written directly for the events every activity
// makes (ActivityTask*, DecisionTask*), and by json.Marshal for the others.
func encodeAttr(a engine.EventAttributes) (string, error) {
	var b []byte
	switch a := a.(type) {
	case *engine.ActivityTaskScheduled:
		b = make([]byte, 0, 320+len(a.Input)+len(a.Control))
		b = appendStr(append(b, `{"ActivityID":`...), a.ActivityID)
		b = appendStr(append(b, `,"Type":{"Name":`...), a.Type.Name)
		b = appendStr(append(b, `,"Version":`...), a.Type.Version)
		b = appendStr(append(b, `},"Input":`...), a.Input)
		b = appendStr(append(b, `,"Control":`...), a.Control)
		b = appendStr(append(b, `,"TaskList":`...), a.TaskList)
		b = strconv.AppendInt(append(b, `,"Timeouts":{"ScheduleToStart":`...), int64(a.Timeouts.ScheduleToStart), 10)
		b = strconv.AppendInt(append(b, `,"StartToClose":`...), int64(a.Timeouts.StartToClose), 10)
		b = strconv.AppendInt(append(b, `,"ScheduleToClose":`...), int64(a.Timeouts.ScheduleToClose), 10)
		b = strconv.AppendInt(append(b, `,"Heartbeat":`...), int64(a.Timeouts.Heartbeat), 10)
		b = strconv.AppendInt(append(b, `},"DecisionTaskCompletedEventID":`...), a.DecisionTaskCompletedEventID, 10)
	case *engine.ActivityTaskStarted:
		b = make([]byte, 0, 64+len(a.Identity))
		b = strconv.AppendInt(append(b, `{"ScheduledEventID":`...), a.ScheduledEventID, 10)
		b = appendStr(append(b, `,"Identity":`...), a.Identity)
	case *engine.ActivityTaskCompleted:
		b = make([]byte, 0, 80+len(a.Result))
		b = strconv.AppendInt(append(b, `{"ScheduledEventID":`...), a.ScheduledEventID, 10)
		b = strconv.AppendInt(append(b, `,"StartedEventID":`...), a.StartedEventID, 10)
		b = appendStr(append(b, `,"Result":`...), a.Result)
	case *engine.DecisionTaskScheduled:
		b = make([]byte, 0, 64+len(a.TaskList))
		b = appendStr(append(b, `{"TaskList":`...), a.TaskList)
		b = strconv.AppendInt(append(b, `,"StartToClose":`...), int64(a.StartToClose), 10)
	case *engine.DecisionTaskStarted:
		b = make([]byte, 0, 64+len(a.Identity))
		b = strconv.AppendInt(append(b, `{"ScheduledEventID":`...), a.ScheduledEventID, 10)
		b = appendStr(append(b, `,"Identity":`...), a.Identity)
	case *engine.DecisionTaskCompleted:
		b = make([]byte, 0, 96+len(a.ExecutionContext))
		b = strconv.AppendInt(append(b, `{"ScheduledEventID":`...), a.ScheduledEventID, 10)
		b = strconv.AppendInt(append(b, `,"StartedEventID":`...), a.StartedEventID, 10)
		b = appendStr(append(b, `,"ExecutionContext":`...), a.ExecutionContext)
	default:
		if _, ok := eventTypes[a.EventType()]; !ok {
			return "", fmt.Errorf("sqlite: no encoding for event type %s (%T)", a.EventType(), a)
		}
		b, err := json.Marshal(a)
		return string(b), err
	}
	return string(append(b, '}')), nil
}

// appendStr appends s as encoding/json writes a string (HTML characters,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD).
func appendStr(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(append(b, s[start:i]...), `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(b, s[start:]...), '"')
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
