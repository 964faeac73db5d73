package memory

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/flowy-go/flowy/engine"
)

// checkLen returns an error wrapping [engine.ErrLimitExceeded] if s has more
// than limit characters.
func checkLen(what, s string, limit int) error {
	if len(s) <= limit { // a character is at least one byte
		return nil
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return fmt.Errorf("%s has %d characters, over the limit of %d: %w", what, n, limit, engine.ErrLimitExceeded)
	}
	return nil
}

// invalid returns an error wrapping [engine.ErrInvalidArgument].
func invalid(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, engine.ErrInvalidArgument)...)
}

// checkID checks a workflow, activity or timer id.
func checkID(what, id string) error {
	if id == "" {
		return invalid("empty %s", what)
	}
	return checkLen(what, id, engine.MaxIDChars)
}

// checkTimeout checks a duration that may be zero (default) or NoTimeout.
func checkTimeout(what string, d time.Duration) error {
	if d < 0 && d != engine.NoTimeout {
		return invalid("%s is negative (%v): use engine.NoTimeout for no limit", what, d)
	}
	return nil
}

func checkTimeouts(prefix string, t engine.ActivityTimeouts) error {
	return errors.Join(
		checkTimeout(prefix+"schedule-to-start timeout", t.ScheduleToStart),
		checkTimeout(prefix+"start-to-close timeout", t.StartToClose),
		checkTimeout(prefix+"schedule-to-close timeout", t.ScheduleToClose),
		checkTimeout(prefix+"heartbeat timeout", t.Heartbeat),
	)
}

func checkChildPolicy(p engine.ChildPolicy) error {
	switch p {
	case engine.ChildPolicyUnset, engine.ChildPolicyTerminate, engine.ChildPolicyRequestCancel, engine.ChildPolicyAbandon:
		return nil
	}
	return invalid("unknown child policy %q", p)
}

// validateDecisions checks an answer to a decision task before anything is
// recorded: close decisions last, ids present, nothing over its limit.
func validateDecisions(p engine.RespondDecisionParams) error {
	if err := checkLen("execution context", p.ExecutionContext, engine.MaxPayloadChars); err != nil {
		return err
	}
	for i, d := range p.Decisions {
		if d == nil {
			return invalid("decision %d is nil", i)
		}
		if engine.IsClose(d) && i != len(p.Decisions)-1 {
			return invalid("decision %d (%s) closes the run but is not the last of %d decisions",
				i, d.DecisionType(), len(p.Decisions))
		}
		if err := validateDecision(d); err != nil {
			return fmt.Errorf("decision %d (%s): %w", i, d.DecisionType(), err)
		}
	}
	return nil
}

func validateDecision(d engine.Decision) error {
	switch d := d.(type) {
	case *engine.ScheduleActivityTask:
		return errors.Join(
			checkID("activity id", d.ActivityID),
			checkLen("input", d.Input, engine.MaxPayloadChars),
			checkLen("control", d.Control, engine.MaxPayloadChars),
			checkTimeouts("", d.Timeouts),
		)
	case *engine.StartTimer:
		var neg error
		if d.StartToFire < 0 {
			neg = invalid("timer %q: negative start-to-fire timeout (%v)", d.TimerID, d.StartToFire)
		}
		return errors.Join(
			checkID("timer id", d.TimerID),
			checkLen("control", d.Control, engine.MaxPayloadChars),
			neg,
		)
	case *engine.StartChildWorkflowExecution:
		return errors.Join(
			checkID("workflow id", d.WorkflowID),
			checkLen("input", d.Input, engine.MaxPayloadChars),
			checkLen("control", d.Control, engine.MaxPayloadChars),
			checkTimeout("execution timeout", d.ExecutionTimeout),
			checkTimeout("decision timeout", d.DecisionTimeout),
			checkChildPolicy(d.ChildPolicy),
		)
	case *engine.CompleteWorkflowExecution:
		return checkLen("result", d.Result, engine.MaxPayloadChars)
	case *engine.FailWorkflowExecution:
		return errors.Join(
			checkLen("reason", d.Reason, engine.MaxReasonChars),
			checkLen("details", d.Details, engine.MaxPayloadChars),
		)
	case *engine.ContinueAsNewWorkflowExecution:
		return errors.Join(
			checkLen("input", d.Input, engine.MaxPayloadChars),
			checkTimeout("execution timeout", d.ExecutionTimeout),
			checkTimeout("decision timeout", d.DecisionTimeout),
			checkChildPolicy(d.ChildPolicy),
		)
	}
	return invalid("unsupported decision type %T", d)
}
