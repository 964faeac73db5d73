package flowy

import (
	"errors"
	"fmt"
)

// TaskError is the error of a task that failed: read from a failed Result,
// or carried into the Result of a call that had a failed Result among its
// arguments. Test for it with errors.As.
type TaskError struct {
	// Task is the call key of the task, NAME-CALL (e.g. "Square-3").
	Task string
	// Reason is the failure's reason, as recorded in the history.
	Reason string
	// Kind is the error kind the activity reported (see [Error]); empty for
	// plain errors.
	Kind string
	// Details are the failure's details, as recorded in the history.
	Details string
}

func (e *TaskError) Error() string {
	if e.Reason == "" {
		return "task " + e.Task + " failed"
	}
	return "task " + e.Task + " failed: " + e.Reason
}

// TaskTimedout is the error of a task whose every attempt timed out. It is
// also a [TaskError]: errors.As(err, new(*flowy.TaskError)) holds for it.
type TaskTimedout struct {
	TaskError
	// TimeoutType is the kind of the last timeout (e.g. "START_TO_CLOSE").
	TimeoutType string
	// Attempts is how many attempts were made.
	Attempts int
}

func (e *TaskTimedout) Error() string {
	return fmt.Sprintf("task %s timed out (%s) after %d attempt(s)", e.Task, e.TimeoutType, e.Attempts)
}

// Unwrap returns the embedded TaskError, so errors.As finds it.
func (e *TaskTimedout) Unwrap() error { return &e.TaskError }

// Error is an error with a kind, for activities and workflows to return. The
// kind travels with the failure through the history, so a [RetryPolicy] can
// name kinds not to retry, and the caller sees it in [TaskError.Kind].
type Error struct {
	Kind    string
	Message string
}

// NewError returns an *Error of the given kind.
func NewError(kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Message }

// ErrorKind returns the kind of err: that of the first [*Error] or
// [*TaskError] in its chain, or "".
func ErrorKind(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var te *TaskError
	if errors.As(err, &te) {
		return te.Kind
	}
	return ""
}
