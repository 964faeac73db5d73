package temporal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flowy-go/flowy/engine"
	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// mapError wraps a gRPC error from the server with the engine error it
// means, keeping the server's message.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	var kind error
	switch serviceerror.FromStatus(st).(type) {
	case *serviceerror.NotFound, *serviceerror.NamespaceNotFound:
		kind = engine.ErrUnknownResource
	case *serviceerror.WorkflowExecutionAlreadyStarted:
		kind = engine.ErrAlreadyStarted
	case *serviceerror.InvalidArgument:
		kind = engine.ErrInvalidArgument
	}
	switch st.Code() {
	case codes.Canceled:
		return context.Canceled
	case codes.DeadlineExceeded:
		return context.DeadlineExceeded
	}
	if kind == nil {
		return fmt.Errorf("%s: %s", st.Code(), st.Message())
	}
	return fmt.Errorf("%s: %w", st.Message(), kind)
}

// mapTokenError is mapError for calls answering a task: a token the server
// cannot read names no task it knows.
func mapTokenError(err error) error {
	if st := statusOf(err); st.Code() == codes.InvalidArgument && strings.Contains(strings.ToLower(st.Message()), "task token") {
		return fmt.Errorf("%s: %w", st.Message(), engine.ErrUnknownResource)
	}
	return mapError(err)
}

// statusOf returns the gRPC status of an error.
func statusOf(err error) *status.Status { return status.Convert(err) }

func isNotFound(err error) bool {
	st, ok := status.FromError(err)
	return ok && st.Code() == codes.NotFound
}

// invalid returns an error wrapping [engine.ErrInvalidArgument].
func invalid(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, engine.ErrInvalidArgument)...)
}

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

// maxTimerControl is the most bytes of a timer's control, which Temporal
// keeps in the event's user metadata (limit.userMetadataDetailsSize).
const maxTimerControl = 20000

// validateDecisions checks an answer to a decision task before anything is
// sent: close decisions last, ids present, nothing over its limit.
func validateDecisions(p engine.RespondDecisionParams) error {
	if p.ExecutionContext != "" {
		return invalid("Temporal has no execution context: it must be empty")
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
		var neg, ctl error
		if d.StartToFire < 0 {
			neg = invalid("timer %q: negative start-to-fire timeout (%v)", d.TimerID, d.StartToFire)
		}
		if len(d.Control) > maxTimerControl {
			ctl = fmt.Errorf("timer %q: control of %d bytes, over Temporal's limit of %d for a timer: %w",
				d.TimerID, len(d.Control), maxTimerControl, engine.ErrLimitExceeded)
		}
		return errors.Join(
			checkID("timer id", d.TimerID),
			checkLen("control", d.Control, engine.MaxPayloadChars),
			neg, ctl,
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
