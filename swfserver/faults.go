package swfserver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
	"github.com/flowy-go/flowy/sigv4"
)

// fault is an error answer: an HTTP status and an SWF fault or AWS exception
// name (swfwire's Fault and Exception constants) with its message.
type fault struct {
	status int
	name   string
	msg    string
}

func (f *fault) Error() string { return f.name + ": " + f.msg }

// newFault returns an HTTP 400 fault.
func newFault(name, format string, args ...any) *fault {
	return &fault{status: http.StatusBadRequest, name: name, msg: fmt.Sprintf(format, args...)}
}

func notPermitted(format string, args ...any) *fault {
	return newFault(swfwire.FaultOperationNotPermitted, format, args...)
}

// unsupported is the answer to an operation whose engine lacks the optional
// capability it needs.
func unsupported(op, capability string) *fault {
	return notPermitted("%s is not supported by this domain's engine (it does not implement engine.%s)", op, capability)
}

func typeString(kind, name, version string) string {
	return fmt.Sprintf("%s=[name=%s, version=%s]", kind, name, version)
}

func execString(e engine.Execution) string {
	return fmt.Sprintf("WorkflowExecution=[workflowId=%s, runId=%s]", e.WorkflowID, e.RunID)
}

// errorFault turns an error of an engine, of Domains or of sigv4 into the
// fault SWF answers with. kind and subject name the resource as SWF's
// messages do ("type", "WorkflowType=[name=x, version=1]"): an unknown
// resource is "Unknown KIND: SUBJECT", and the other faults say the subject.
// Both may be empty: the message is then the error's.
func errorFault(err error, kind, subject string) *fault {
	var f *fault
	if errors.As(err, &f) {
		return f
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		return newFault(se.Code, "%s", se.Message)
	}
	msg := err.Error()
	if subject != "" {
		msg = subject
	}
	switch {
	case errors.Is(err, engine.ErrUnknownResource):
		if kind != "" && subject != "" {
			msg = "Unknown " + kind + ": " + subject
		}
		return newFault(swfwire.FaultUnknownResource, "%s", msg)
	case errors.Is(err, engine.ErrTypeAlreadyExists):
		return newFault(swfwire.FaultTypeAlreadyExists, "%s", msg)
	case errors.Is(err, engine.ErrTypeDeprecated):
		return newFault(swfwire.FaultTypeDeprecated, "%s", msg)
	case errors.Is(err, engine.ErrAlreadyStarted):
		return newFault(swfwire.FaultWorkflowExecutionAlreadyStarted, "%s", msg)
	case errors.Is(err, ErrDomainAlreadyExists):
		return newFault(swfwire.FaultDomainAlreadyExists, "%s", msg)
	case errors.Is(err, ErrDomainDeprecated):
		return newFault(swfwire.FaultDomainDeprecated, "%s", msg)
	case errors.Is(err, engine.ErrLimitExceeded):
		return newFault(swfwire.FaultLimitExceeded, "%s", err.Error())
	case errors.Is(err, engine.ErrInvalidArgument):
		return newFault(swfwire.ExceptionValidation, "%s", err.Error())
	case errors.Is(err, engine.ErrClosed):
		return &fault{status: http.StatusServiceUnavailable, name: swfwire.ExceptionServiceUnavailable, msg: err.Error()}
	}
	return &fault{status: http.StatusInternalServerError, name: swfwire.ExceptionInternalFailure, msg: err.Error()}
}

// validator collects the constraint violations of a request, worded as
// SWF's validation layer words them.
type validator struct{ errs []string }

// quote shows a value in a message, shortened.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 64 {
		r := []rune(s)
		s = string(r[:61]) + "..."
	}
	return "'" + s + "'"
}

func (v *validator) add(value, path, constraint string) {
	v.errs = append(v.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, path, constraint))
}

// required checks that a member is present.
func (v *validator) required(path string, present bool) bool {
	if !present {
		v.add("null", path, "Member must not be null")
	}
	return present
}

// str checks a required string member's length (in characters).
func (v *validator) str(path, s string, max int) {
	if v.required(path, s != "") {
		v.maxLen(path, s, max)
	}
}

// maxLen checks an optional string member's length (in characters).
func (v *validator) maxLen(path, s string, max int) {
	if len(s) > max && utf8.RuneCountInString(s) > max {
		v.add(quote(s), path, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
}

// enum checks an optional member against its values.
func (v *validator) enum(path, s string, values ...string) {
	for _, x := range values {
		if s == x {
			return
		}
	}
	if s != "" {
		v.add(quote(s), path, "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
	}
}

// pageSize checks maximumPageSize (0 is "the default").
func (v *validator) pageSize(n int) {
	switch {
	case n < 0:
		v.add(fmt.Sprint(n), "maximumPageSize", "Member must have value greater than or equal to 0")
	case n > maxPageSize:
		v.add(fmt.Sprint(n), "maximumPageSize", fmt.Sprintf("Member must have value less than or equal to %d", maxPageSize))
	}
}

// tags checks a tag list.
func (v *validator) tags(path string, tags []string) {
	if len(tags) > 5 {
		v.add(fmt.Sprintf("%q", tags), path, "Member must have length less than or equal to 5")
	}
	for i, t := range tags {
		v.maxLen(fmt.Sprintf("%s.%d.member", path, i+1), t, 256)
	}
}

// duration parses an optional duration member.
func (v *validator) duration(path, s string) int64 {
	if len(s) > 8 {
		v.add(quote(s), path, "Member must have length less than or equal to 8")
		return 0
	}
	d, err := swfwire.ParseDuration(s)
	if err != nil {
		v.add(quote(s), path, "Member must be a number of seconds or NONE")
	}
	return int64(d)
}

// taskList checks a task list member.
func (v *validator) taskList(path string, l *swfwire.TaskList, required bool) {
	if l == nil {
		if required {
			v.required(path, false)
		}
		return
	}
	v.str(path+".name", l.Name, 256)
}

// workflowType checks a workflow type member.
func (v *validator) workflowType(path string, t *swfwire.WorkflowType) {
	if v.required(path, t != nil) {
		v.str(path+".name", t.Name, 256)
		v.str(path+".version", t.Version, 64)
	}
}

// activityType checks an activity type member.
func (v *validator) activityType(path string, t *swfwire.ActivityType) {
	if v.required(path, t != nil) {
		v.str(path+".name", t.Name, 256)
		v.str(path+".version", t.Version, 64)
	}
}

// childPolicy checks an optional child policy member.
func (v *validator) childPolicy(path, p string) {
	v.enum(path, p, string(engine.ChildPolicyTerminate), string(engine.ChildPolicyRequestCancel), string(engine.ChildPolicyAbandon))
}

// err returns the ValidationException of the violations, or nil.
func (v *validator) err() error {
	switch len(v.errs) {
	case 0:
		return nil
	case 1:
		return newFault(swfwire.ExceptionValidation, "1 validation error detected: %s", v.errs[0])
	}
	return newFault(swfwire.ExceptionValidation, "%d validation errors detected: %s", len(v.errs), strings.Join(v.errs, "; "))
}
