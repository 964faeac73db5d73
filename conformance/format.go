package conformance

import (
	"fmt"
	"strings"

	"github.com/flowy-go/flowy/engine"
)

// FormatHistory renders a history one event a line, for test failures.
func FormatHistory(events []engine.Event) string {
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "%4d %s %s\n", e.ID, e.Type(), strings.TrimPrefix(fmt.Sprintf("%+v", e.Attr), "&"))
	}
	return b.String()
}

// FormatDecisions renders decisions one a line.
func FormatDecisions(ds []engine.Decision) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s %s\n", d.DecisionType(), strings.TrimPrefix(fmt.Sprintf("%+v", d), "&"))
	}
	if len(ds) == 0 {
		b.WriteString("  (none)\n")
	}
	return b.String()
}

// Decisions returns the decision events of a history, rendered as
// "ScheduleActivityTask ID INPUT", "StartTimer ID", "StartChildWorkflowExecution ID INPUT",
// "CompleteWorkflowExecution RESULT", "FailWorkflowExecution REASON" or
// "ContinueAsNewWorkflowExecution INPUT".
func Decisions(events []engine.Event) []string {
	var out []string
	for _, e := range events {
		switch a := e.Attr.(type) {
		case *engine.ActivityTaskScheduled:
			out = append(out, "ScheduleActivityTask "+a.ActivityID+" "+a.Input)
		case *engine.ScheduleActivityTaskFailed:
			out = append(out, "ScheduleActivityTask "+a.ActivityID+" (failed: "+a.Cause+")")
		case *engine.TimerStarted:
			out = append(out, "StartTimer "+a.TimerID)
		case *engine.StartChildWorkflowExecutionInitiated:
			id := a.WorkflowID
			if i := strings.Index(id, "-:"); i >= 0 {
				id = id[i+2:]
			}
			out = append(out, "StartChildWorkflowExecution "+id+" "+a.Input)
		case *engine.WorkflowExecutionCompleted:
			out = append(out, "CompleteWorkflowExecution "+a.Result)
		case *engine.WorkflowExecutionFailed:
			out = append(out, "FailWorkflowExecution "+a.Reason)
		case *engine.WorkflowExecutionContinuedAsNew:
			out = append(out, "ContinueAsNewWorkflowExecution "+a.Input)
		}
	}
	return out
}
