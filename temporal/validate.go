package temporal

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// The contract's checks, shared by engines (package engine).
var (
	checkLen         = engine.CheckLen
	checkID          = engine.CheckID
	checkTimeout     = engine.CheckTimeout
	checkTimeouts    = engine.CheckTimeouts
	checkChildPolicy = engine.CheckChildPolicy
)

// maxTimerControl is the most bytes of a timer's control, which Temporal
// keeps in the event's user metadata (limit.userMetadataDetailsSize).
const maxTimerControl = 20000

// validateDecisions checks an answer to a decision task before anything is
// sent: the contract's rules (engine.ValidateDecisions), and Temporal's own
// limits — no execution context, timer controls of at most maxTimerControl
// bytes.
func validateDecisions(p engine.RespondDecisionParams) error {
	if p.ExecutionContext != "" {
		return invalid("Temporal has no execution context: it must be empty")
	}
	if err := engine.ValidateDecisions(p); err != nil {
		return err
	}
	for _, d := range p.Decisions {
		if t, ok := d.(*engine.StartTimer); ok && len(t.Control) > maxTimerControl {
			return fmt.Errorf("timer %q: control of %d bytes, over Temporal's limit of %d for a timer: %w",
				t.TimerID, len(t.Control), maxTimerControl, engine.ErrLimitExceeded)
		}
	}
	return nil
}
