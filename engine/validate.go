package engine

// Checks of requests against the contract's rules and SWF's limits, shared
// by engines: each returns an error wrapping ErrInvalidArgument or
// ErrLimitExceeded, naming what is wrong.

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// CheckLen returns an error wrapping [ErrLimitExceeded] if s has more
// than limit characters.
func CheckLen(what, s string, limit int) error {
	if len(s) <= limit { // a character is at least one byte
		return nil
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return fmt.Errorf("%s has %d characters, over the limit of %d: %w", what, n, limit, ErrLimitExceeded)
	}
	return nil
}

// invalid returns an error wrapping [ErrInvalidArgument].
func invalidf(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, ErrInvalidArgument)...)
}

// CheckID checks a workflow, activity or timer id.
func CheckID(what, id string) error {
	if id == "" {
		return invalidf("empty %s", what)
	}
	return CheckLen(what, id, MaxIDChars)
}

// CheckTimeout checks a duration that may be zero (default) or NoTimeout.
func CheckTimeout(what string, d time.Duration) error {
	if d < 0 && d != NoTimeout {
		return invalidf("%s is negative (%v): use NoTimeout for no limit", what, d)
	}
	return nil
}

// CheckTimeouts checks the four activity timeouts (see CheckTimeout).
func CheckTimeouts(prefix string, t ActivityTimeouts) error {
	return errors.Join(
		CheckTimeout(prefix+"schedule-to-start timeout", t.ScheduleToStart),
		CheckTimeout(prefix+"start-to-close timeout", t.StartToClose),
		CheckTimeout(prefix+"schedule-to-close timeout", t.ScheduleToClose),
		CheckTimeout(prefix+"heartbeat timeout", t.Heartbeat),
	)
}

// CheckChildPolicy checks a child policy (unset, or one of SWF's three).
func CheckChildPolicy(p ChildPolicy) error {
	switch p {
	case ChildPolicyUnset, ChildPolicyTerminate, ChildPolicyRequestCancel, ChildPolicyAbandon:
		return nil
	}
	return invalidf("unknown child policy %q", p)
}

// ValidateDecisions checks an answer to a decision task before anything is
// recorded: close decisions last, ids present, nothing over its limit.
func ValidateDecisions(p RespondDecisionParams) error {
	if err := CheckLen("execution context", p.ExecutionContext, MaxPayloadChars); err != nil {
		return err
	}
	for i, d := range p.Decisions {
		if d == nil {
			return invalidf("decision %d is nil", i)
		}
		if IsClose(d) && i != len(p.Decisions)-1 {
			return invalidf("decision %d (%s) closes the run but is not the last of %d decisions",
				i, d.DecisionType(), len(p.Decisions))
		}
		if err := validateDecision(d); err != nil {
			return fmt.Errorf("decision %d (%s): %w", i, d.DecisionType(), err)
		}
	}
	return nil
}

func validateDecision(d Decision) error {
	switch d := d.(type) {
	case *ScheduleActivityTask:
		return errors.Join(
			CheckID("activity id", d.ActivityID),
			CheckLen("input", d.Input, MaxPayloadChars),
			CheckLen("control", d.Control, MaxPayloadChars),
			CheckTimeouts("", d.Timeouts),
		)
	case *StartTimer:
		var neg error
		if d.StartToFire < 0 {
			neg = invalidf("timer %q: negative start-to-fire timeout (%v)", d.TimerID, d.StartToFire)
		}
		return errors.Join(
			CheckID("timer id", d.TimerID),
			CheckLen("control", d.Control, MaxPayloadChars),
			neg,
		)
	case *StartChildWorkflowExecution:
		return errors.Join(
			CheckID("workflow id", d.WorkflowID),
			CheckLen("input", d.Input, MaxPayloadChars),
			CheckLen("control", d.Control, MaxPayloadChars),
			CheckTimeout("execution timeout", d.ExecutionTimeout),
			CheckTimeout("decision timeout", d.DecisionTimeout),
			CheckChildPolicy(d.ChildPolicy),
		)
	case *CompleteWorkflowExecution:
		return CheckLen("result", d.Result, MaxPayloadChars)
	case *FailWorkflowExecution:
		return errors.Join(
			CheckLen("reason", d.Reason, MaxReasonChars),
			CheckLen("details", d.Details, MaxPayloadChars),
		)
	case *ContinueAsNewWorkflowExecution:
		return errors.Join(
			CheckLen("input", d.Input, MaxPayloadChars),
			CheckTimeout("execution timeout", d.ExecutionTimeout),
			CheckTimeout("decision timeout", d.DecisionTimeout),
			CheckChildPolicy(d.ChildPolicy),
		)
	}
	return invalidf("unsupported decision type %T", d)
}
