package swfwire

import (
	"fmt"
	"slices"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// Decision is one decision of a RespondDecisionTaskCompleted request.
// Exactly one attributes member is set: the one named after DecisionType.
type Decision struct {
	DecisionType string `json:"decisionType"`

	ScheduleActivityTaskDecisionAttributes           *ScheduleActivityTaskDecisionAttributes           `json:"scheduleActivityTaskDecisionAttributes,omitempty"`
	StartTimerDecisionAttributes                     *StartTimerDecisionAttributes                     `json:"startTimerDecisionAttributes,omitempty"`
	StartChildWorkflowExecutionDecisionAttributes    *StartChildWorkflowExecutionDecisionAttributes    `json:"startChildWorkflowExecutionDecisionAttributes,omitempty"`
	CompleteWorkflowExecutionDecisionAttributes      *CompleteWorkflowExecutionDecisionAttributes      `json:"completeWorkflowExecutionDecisionAttributes,omitempty"`
	FailWorkflowExecutionDecisionAttributes          *FailWorkflowExecutionDecisionAttributes          `json:"failWorkflowExecutionDecisionAttributes,omitempty"`
	ContinueAsNewWorkflowExecutionDecisionAttributes *ContinueAsNewWorkflowExecutionDecisionAttributes `json:"continueAsNewWorkflowExecutionDecisionAttributes,omitempty"`
}

// ScheduleActivityTaskDecisionAttributes schedule an activity task.
type ScheduleActivityTaskDecisionAttributes struct {
	ActivityType           *ActivityType `json:"activityType"`
	ActivityID             string        `json:"activityId"`
	Control                string        `json:"control,omitempty"`
	Input                  string        `json:"input,omitempty"`
	ScheduleToCloseTimeout string        `json:"scheduleToCloseTimeout,omitempty"`
	TaskList               *TaskList     `json:"taskList,omitempty"`
	TaskPriority           string        `json:"taskPriority,omitempty"`
	ScheduleToStartTimeout string        `json:"scheduleToStartTimeout,omitempty"`
	StartToCloseTimeout    string        `json:"startToCloseTimeout,omitempty"`
	HeartbeatTimeout       string        `json:"heartbeatTimeout,omitempty"`
}

// StartTimerDecisionAttributes start a timer.
type StartTimerDecisionAttributes struct {
	TimerID            string `json:"timerId"`
	Control            string `json:"control,omitempty"`
	StartToFireTimeout string `json:"startToFireTimeout"`
}

// StartChildWorkflowExecutionDecisionAttributes start a child workflow.
type StartChildWorkflowExecutionDecisionAttributes struct {
	WorkflowType                 *WorkflowType `json:"workflowType"`
	WorkflowID                   string        `json:"workflowId"`
	Control                      string        `json:"control,omitempty"`
	Input                        string        `json:"input,omitempty"`
	ExecutionStartToCloseTimeout string        `json:"executionStartToCloseTimeout,omitempty"`
	TaskList                     *TaskList     `json:"taskList,omitempty"`
	TaskPriority                 string        `json:"taskPriority,omitempty"`
	TaskStartToCloseTimeout      string        `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string        `json:"childPolicy,omitempty"`
	TagList                      []string      `json:"tagList,omitempty"`
	LambdaRole                   string        `json:"lambdaRole,omitempty"`
}

// CompleteWorkflowExecutionDecisionAttributes close the run with a result.
type CompleteWorkflowExecutionDecisionAttributes struct {
	Result string `json:"result,omitempty"`
}

// FailWorkflowExecutionDecisionAttributes close the run with a failure.
type FailWorkflowExecutionDecisionAttributes struct {
	Reason  string `json:"reason,omitempty"`
	Details string `json:"details,omitempty"`
}

// ContinueAsNewWorkflowExecutionDecisionAttributes close the run and start
// a new one.
type ContinueAsNewWorkflowExecutionDecisionAttributes struct {
	Input                        string    `json:"input,omitempty"`
	ExecutionStartToCloseTimeout string    `json:"executionStartToCloseTimeout,omitempty"`
	TaskList                     *TaskList `json:"taskList,omitempty"`
	TaskPriority                 string    `json:"taskPriority,omitempty"`
	TaskStartToCloseTimeout      string    `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string    `json:"childPolicy,omitempty"`
	TagList                      []string  `json:"tagList,omitempty"`
	WorkflowTypeVersion          string    `json:"workflowTypeVersion,omitempty"`
	LambdaRole                   string    `json:"lambdaRole,omitempty"`
}

// DecisionTypes are all of SWF's decision types, those package engine has and
// those it does not.
var DecisionTypes = []string{
	"ScheduleActivityTask", "RequestCancelActivityTask", "CompleteWorkflowExecution",
	"FailWorkflowExecution", "CancelWorkflowExecution", "ContinueAsNewWorkflowExecution",
	"RecordMarker", "StartTimer", "CancelTimer", "SignalExternalWorkflowExecution",
	"RequestCancelExternalWorkflowExecution", "StartChildWorkflowExecution",
	"ScheduleLambdaFunction",
}

// DecisionToWire converts an engine decision. A negative duration other than
// [engine.NoTimeout] is an error: it has no wire form.
func DecisionToWire(d engine.Decision) (Decision, error) {
	if d == nil {
		return Decision{}, fmt.Errorf("swfwire: nil decision")
	}
	w := Decision{DecisionType: d.DecisionType()}
	var bad []string
	dur := func(field string, v time.Duration) string {
		if v < 0 && v != engine.NoTimeout {
			bad = append(bad, field)
		}
		return FormatDuration(v)
	}
	switch a := d.(type) {
	case *engine.ScheduleActivityTask:
		w.ScheduleActivityTaskDecisionAttributes = &ScheduleActivityTaskDecisionAttributes{
			ActivityType:           ActivityTypeOf(a.Type),
			ActivityID:             a.ActivityID,
			Control:                a.Control,
			Input:                  a.Input,
			TaskList:               TaskListOf(a.TaskList),
			ScheduleToStartTimeout: dur("scheduleToStartTimeout", a.Timeouts.ScheduleToStart),
			StartToCloseTimeout:    dur("startToCloseTimeout", a.Timeouts.StartToClose),
			ScheduleToCloseTimeout: dur("scheduleToCloseTimeout", a.Timeouts.ScheduleToClose),
			HeartbeatTimeout:       dur("heartbeatTimeout", a.Timeouts.Heartbeat),
		}
	case *engine.StartTimer:
		w.StartTimerDecisionAttributes = &StartTimerDecisionAttributes{
			TimerID: a.TimerID, Control: a.Control, StartToFireTimeout: dur("startToFireTimeout", a.StartToFire),
		}
	case *engine.StartChildWorkflowExecution:
		w.StartChildWorkflowExecutionDecisionAttributes = &StartChildWorkflowExecutionDecisionAttributes{
			WorkflowType:                 WorkflowTypeOf(a.Type),
			WorkflowID:                   a.WorkflowID,
			Control:                      a.Control,
			Input:                        a.Input,
			ExecutionStartToCloseTimeout: dur("executionStartToCloseTimeout", a.ExecutionTimeout),
			TaskList:                     TaskListOf(a.TaskList),
			TaskStartToCloseTimeout:      dur("taskStartToCloseTimeout", a.DecisionTimeout),
			ChildPolicy:                  string(a.ChildPolicy),
			TagList:                      a.Tags,
		}
	case *engine.CompleteWorkflowExecution:
		w.CompleteWorkflowExecutionDecisionAttributes = &CompleteWorkflowExecutionDecisionAttributes{Result: a.Result}
	case *engine.FailWorkflowExecution:
		w.FailWorkflowExecutionDecisionAttributes = &FailWorkflowExecutionDecisionAttributes{Reason: a.Reason, Details: a.Details}
	case *engine.ContinueAsNewWorkflowExecution:
		w.ContinueAsNewWorkflowExecutionDecisionAttributes = &ContinueAsNewWorkflowExecutionDecisionAttributes{
			Input:                        a.Input,
			ExecutionStartToCloseTimeout: dur("executionStartToCloseTimeout", a.ExecutionTimeout),
			TaskList:                     TaskListOf(a.TaskList),
			TaskStartToCloseTimeout:      dur("taskStartToCloseTimeout", a.DecisionTimeout),
			ChildPolicy:                  string(a.ChildPolicy),
			TagList:                      a.Tags,
			WorkflowTypeVersion:          a.Version,
		}
	default:
		return w, fmt.Errorf("swfwire: decision type %s (%T): %w", w.DecisionType, d, ErrUnsupported)
	}
	if len(bad) > 0 {
		return w, fmt.Errorf("swfwire: %s decision: negative %v", w.DecisionType, bad)
	}
	return w, nil
}

// DecisionFromWire converts a decision. A decision whose attributes member
// is missing, or whose durations do not parse, is an error; an SWF decision
// type that package engine does not have is an error wrapping
// [ErrUnsupported], and an unknown decision type an error that does not.
func DecisionFromWire(w Decision) (engine.Decision, error) {
	var p durations
	var d engine.Decision
	missing := false
	switch w.DecisionType {
	case "ScheduleActivityTask":
		a := w.ScheduleActivityTaskDecisionAttributes
		if missing = a == nil; !missing {
			d = &engine.ScheduleActivityTask{
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
			}
		}
	case "StartTimer":
		a := w.StartTimerDecisionAttributes
		if missing = a == nil; !missing {
			d = &engine.StartTimer{TimerID: a.TimerID, StartToFire: p.parse("startToFireTimeout", a.StartToFireTimeout), Control: a.Control}
		}
	case "StartChildWorkflowExecution":
		a := w.StartChildWorkflowExecutionDecisionAttributes
		if missing = a == nil; !missing {
			d = &engine.StartChildWorkflowExecution{
				WorkflowID:       a.WorkflowID,
				Type:             a.WorkflowType.Engine(),
				Input:            a.Input,
				Control:          a.Control,
				TaskList:         a.TaskList.NameOf(),
				ExecutionTimeout: p.parse("executionStartToCloseTimeout", a.ExecutionStartToCloseTimeout),
				DecisionTimeout:  p.parse("taskStartToCloseTimeout", a.TaskStartToCloseTimeout),
				ChildPolicy:      engine.ChildPolicy(a.ChildPolicy),
				Tags:             a.TagList,
			}
		}
	case "CompleteWorkflowExecution":
		a := w.CompleteWorkflowExecutionDecisionAttributes
		if a == nil { // every member is optional: SWF accepts no attributes
			a = &CompleteWorkflowExecutionDecisionAttributes{}
		}
		d = &engine.CompleteWorkflowExecution{Result: a.Result}
	case "FailWorkflowExecution":
		a := w.FailWorkflowExecutionDecisionAttributes
		if a == nil {
			a = &FailWorkflowExecutionDecisionAttributes{}
		}
		d = &engine.FailWorkflowExecution{Reason: a.Reason, Details: a.Details}
	case "ContinueAsNewWorkflowExecution":
		a := w.ContinueAsNewWorkflowExecutionDecisionAttributes
		if a == nil {
			a = &ContinueAsNewWorkflowExecutionDecisionAttributes{}
		}
		d = &engine.ContinueAsNewWorkflowExecution{
			Input:            a.Input,
			TaskList:         a.TaskList.NameOf(),
			ExecutionTimeout: p.parse("executionStartToCloseTimeout", a.ExecutionStartToCloseTimeout),
			DecisionTimeout:  p.parse("taskStartToCloseTimeout", a.TaskStartToCloseTimeout),
			ChildPolicy:      engine.ChildPolicy(a.ChildPolicy),
			Version:          a.WorkflowTypeVersion,
			Tags:             a.TagList,
		}
	default:
		if slices.Contains(DecisionTypes, w.DecisionType) {
			return nil, fmt.Errorf("swfwire: decision type %s: %w", w.DecisionType, ErrUnsupported)
		}
		return nil, fmt.Errorf("swfwire: unknown decision type %q", w.DecisionType)
	}
	if missing {
		return nil, fmt.Errorf("swfwire: %s decision: %w", w.DecisionType, errNoAttributes)
	}
	if p.err != nil {
		return nil, fmt.Errorf("swfwire: %s decision: %w", w.DecisionType, p.err)
	}
	return d, nil
}
