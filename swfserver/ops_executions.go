package swfserver

import (
	"context"
	"errors"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
)

func startWorkflowExecution(s *Server, ctx context.Context, in *swfwire.StartWorkflowExecutionInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.str("workflowId", in.WorkflowID, 256)
	v.workflowType("workflowType", in.WorkflowType)
	v.taskList("taskList", in.TaskList, false)
	v.maxLen("input", in.Input, engine.MaxPayloadChars)
	v.tags("tagList", in.TagList)
	v.childPolicy("childPolicy", in.ChildPolicy)
	p := engine.StartWorkflowParams{
		WorkflowID:       in.WorkflowID,
		Type:             in.WorkflowType.Engine(),
		Input:            in.Input,
		TaskList:         in.TaskList.NameOf(),
		ExecutionTimeout: time.Duration(v.duration("executionStartToCloseTimeout", in.ExecutionStartToCloseTimeout)),
		DecisionTimeout:  time.Duration(v.duration("taskStartToCloseTimeout", in.TaskStartToCloseTimeout)),
		ChildPolicy:      engine.ChildPolicy(in.ChildPolicy),
		Tags:             in.TagList,
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.registeredEngine(ctx, in.Domain)
	if err != nil {
		return nil, err
	}
	runID, err := eng.StartWorkflow(ctx, p)
	switch {
	case err == nil:
		return &swfwire.Run{RunID: runID}, nil
	case errors.Is(err, engine.ErrInvalidArgument) && p.TaskList == "":
		// The only argument left to be invalid: no task list here nor as
		// the type's default.
		return nil, newFault(swfwire.FaultDefaultUndefined, "No default task list is registered for %s: give a taskList", wfTypeString(p.Type))
	case errors.Is(err, engine.ErrAlreadyStarted):
		return nil, errorFault(err, "", execString(engine.Execution{WorkflowID: p.WorkflowID}))
	}
	return nil, errorFault(err, "type", wfTypeString(p.Type))
}

// signaler returns the domain's engine as an engine.Signaler.
func (s *Server) signaler(domain, op string) (engine.Signaler, error) {
	eng, err := s.engine(domain)
	if err != nil {
		return nil, err
	}
	sg, ok := eng.(engine.Signaler)
	if !ok {
		return nil, unsupported(op, "Signaler")
	}
	return sg, nil
}

func signalWorkflowExecution(s *Server, ctx context.Context, in *swfwire.SignalWorkflowExecutionInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.str("workflowId", in.WorkflowID, 256)
	v.maxLen("runId", in.RunID, 64)
	v.str("signalName", in.SignalName, 256)
	v.maxLen("input", in.Input, engine.MaxPayloadChars)
	if err := v.err(); err != nil {
		return nil, err
	}
	sg, err := s.signaler(in.Domain, "SignalWorkflowExecution")
	if err != nil {
		return nil, err
	}
	exec := engine.Execution{WorkflowID: in.WorkflowID, RunID: in.RunID}
	if err := sg.SignalWorkflow(ctx, exec, in.SignalName, in.Input); err != nil {
		return nil, errorFault(err, "execution", execString(exec))
	}
	return nil, nil
}

func requestCancelWorkflowExecution(s *Server, ctx context.Context, in *swfwire.RequestCancelWorkflowExecutionInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.str("workflowId", in.WorkflowID, 256)
	v.maxLen("runId", in.RunID, 64)
	if err := v.err(); err != nil {
		return nil, err
	}
	sg, err := s.signaler(in.Domain, "RequestCancelWorkflowExecution")
	if err != nil {
		return nil, err
	}
	exec := engine.Execution{WorkflowID: in.WorkflowID, RunID: in.RunID}
	if err := sg.RequestCancelWorkflow(ctx, exec); err != nil {
		return nil, errorFault(err, "execution", execString(exec))
	}
	return nil, nil
}

func terminateWorkflowExecution(s *Server, ctx context.Context, in *swfwire.TerminateWorkflowExecutionInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.str("workflowId", in.WorkflowID, 256)
	v.maxLen("runId", in.RunID, 64)
	v.maxLen("reason", in.Reason, engine.MaxReasonChars)
	v.maxLen("details", in.Details, engine.MaxPayloadChars)
	v.childPolicy("childPolicy", in.ChildPolicy)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.engine(in.Domain)
	if err != nil {
		return nil, err
	}
	exec := engine.Execution{WorkflowID: in.WorkflowID, RunID: in.RunID}
	if in.ChildPolicy != "" {
		// Engines apply the run's own child policy: only that one can be
		// asked for.
		h, err := eng.GetWorkflowExecutionHistory(ctx, exec)
		if err != nil {
			return nil, errorFault(err, "execution", execString(exec))
		}
		own := engine.ChildPolicyAbandon // the engine contract's default
		if len(h) > 0 {
			if a, ok := h[0].Attr.(*engine.WorkflowExecutionStarted); ok && a.ChildPolicy != "" {
				own = a.ChildPolicy
			}
		}
		if engine.ChildPolicy(in.ChildPolicy) != own {
			return nil, notPermitted("childPolicy %s: this server's engines terminate a run with its own child policy, %s", in.ChildPolicy, own)
		}
	}
	if err := eng.TerminateWorkflow(ctx, exec, in.Reason, in.Details); err != nil {
		return nil, errorFault(err, "execution", execString(exec))
	}
	return nil, nil
}
