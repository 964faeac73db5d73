package swfwire

import (
	"errors"
	"strings"

	"github.com/flowy-go/flowy/engine"
)

// ErrUnsupported is wrapped by conversion errors for SWF event and decision
// types that package engine does not have.
var ErrUnsupported = errors.New("not supported by flowy engines")

// TaskList is a task list: {"name": ...}.
type TaskList struct {
	Name string `json:"name"`
}

// TaskListOf returns the task list named name, or nil (an absent field) for
// the empty name.
func TaskListOf(name string) *TaskList {
	if name == "" {
		return nil
	}
	return &TaskList{Name: name}
}

// NameOf returns the name of l, "" when l is nil.
func (l *TaskList) NameOf() string {
	if l == nil {
		return ""
	}
	return l.Name
}

// WorkflowType names a workflow type.
type WorkflowType struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ActivityType names an activity type.
type ActivityType struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// WorkflowExecution names one run of a workflow.
type WorkflowExecution struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
}

// WorkflowTypeOf converts an engine workflow type.
func WorkflowTypeOf(t engine.WorkflowType) *WorkflowType {
	return &WorkflowType{Name: t.Name, Version: t.Version}
}

// Engine converts t to an engine workflow type; nil is the zero type.
func (t *WorkflowType) Engine() engine.WorkflowType {
	if t == nil {
		return engine.WorkflowType{}
	}
	return engine.WorkflowType{Name: t.Name, Version: t.Version}
}

// ActivityTypeOf converts an engine activity type.
func ActivityTypeOf(t engine.ActivityType) *ActivityType {
	return &ActivityType{Name: t.Name, Version: t.Version}
}

// Engine converts t to an engine activity type; nil is the zero type.
func (t *ActivityType) Engine() engine.ActivityType {
	if t == nil {
		return engine.ActivityType{}
	}
	return engine.ActivityType{Name: t.Name, Version: t.Version}
}

// ExecutionOf converts an engine execution.
func ExecutionOf(e engine.Execution) *WorkflowExecution {
	return &WorkflowExecution{WorkflowID: e.WorkflowID, RunID: e.RunID}
}

// ExecutionOfPtr converts an optional engine execution (nil stays nil).
func ExecutionOfPtr(e *engine.Execution) *WorkflowExecution {
	if e == nil {
		return nil
	}
	return ExecutionOf(*e)
}

// Engine converts e to an engine execution; nil is the zero execution.
func (e *WorkflowExecution) Engine() engine.Execution {
	if e == nil {
		return engine.Execution{}
	}
	return engine.Execution{WorkflowID: e.WorkflowID, RunID: e.RunID}
}

// EnginePtr converts an optional execution (nil stays nil).
func (e *WorkflowExecution) EnginePtr() *engine.Execution {
	if e == nil {
		return nil
	}
	x := e.Engine()
	return &x
}

// Fault and exception names (the part of "__type" after '#').
const (
	FaultUnknownResource                 = "UnknownResourceFault"
	FaultTypeAlreadyExists               = "TypeAlreadyExistsFault"
	FaultDomainAlreadyExists             = "DomainAlreadyExistsFault"
	FaultWorkflowExecutionAlreadyStarted = "WorkflowExecutionAlreadyStartedFault"
	FaultTypeDeprecated                  = "TypeDeprecatedFault"
	FaultDomainDeprecated                = "DomainDeprecatedFault"
	FaultLimitExceeded                   = "LimitExceededFault"
	FaultOperationNotPermitted           = "OperationNotPermittedFault"
	FaultDefaultUndefined                = "DefaultUndefinedFault"

	ExceptionValidation                 = "ValidationException"
	ExceptionSerialization              = "SerializationException"
	ExceptionUnknownOperation           = "UnknownOperationException"
	ExceptionMissingAuthenticationToken = "MissingAuthenticationTokenException"
	ExceptionIncompleteSignature        = "IncompleteSignatureException"
	ExceptionUnrecognizedClient         = "UnrecognizedClientException"
	ExceptionInvalidSignature           = "InvalidSignatureException"
	ExceptionRequestEntityTooLarge      = "RequestEntityTooLargeException"
	ExceptionServiceUnavailable         = "ServiceUnavailableException"
	ExceptionInternalFailure            = "InternalFailure"
)

// FaultType returns the "__type" SWF writes for a fault or exception name:
// SWF's own faults live in "com.amazonaws.swf.base.model", validation errors
// in "com.amazon.coral.validate", and the other protocol errors in
// "com.amazon.coral.service".
func FaultType(name string) string {
	switch {
	case strings.HasSuffix(name, "Fault"):
		return "com.amazonaws.swf.base.model#" + name
	case name == ExceptionValidation:
		return "com.amazon.coral.validate#" + name
	}
	return "com.amazon.coral.service#" + name
}

// ErrorBody is the body of an error response:
// {"__type": "com.amazonaws.swf.base.model#UnknownResourceFault", "message": ...}.
type ErrorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message,omitempty"`
}

// Name returns the fault's name, the part of Type after '#'.
func (b ErrorBody) Name() string {
	_, after, found := strings.Cut(b.Type, "#")
	if !found {
		return b.Type
	}
	return after
}
