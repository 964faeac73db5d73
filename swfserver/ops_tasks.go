package swfserver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
)

func pollForDecisionTask(s *Server, ctx context.Context, in *swfwire.PollForDecisionTaskInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.taskList("taskList", in.TaskList, true)
	v.maxLen("identity", in.Identity, 256)
	v.maxLen("nextPageToken", in.NextPageToken, 2048)
	v.pageSize(in.MaximumPageSize)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.engine(in.Domain)
	if err != nil {
		return nil, err
	}
	if in.NextPageToken != "" {
		// A next page of a task already handed out: no polling.
		p, err := s.tokens.parsePageToken(in.NextPageToken, "PollForDecisionTask", in.Domain)
		if err != nil {
			return nil, err
		}
		exec := engine.Execution{WorkflowID: p.WfID, RunID: p.Run}
		events, err := eng.GetWorkflowExecutionHistory(ctx, exec)
		if err != nil {
			return nil, errorFault(err, "execution", execString(exec))
		}
		return s.decisionTaskPage(p, events, in.MaximumPageSize)
	}
	pctx, cancel := s.pollContext(ctx)
	defer cancel()
	task, err := eng.PollDecisionTask(pctx, engine.PollParams{TaskList: in.TaskList.Name, Identity: in.Identity})
	if err != nil {
		return nil, errorFault(err, "", "")
	}
	if task == nil {
		return &swfwire.DecisionTask{}, nil // SWF's empty poll: no task token
	}
	s.warnIfGone(ctx, "decision", task.Execution)
	first := int64(1)
	if in.StartAtPreviousStartedEvent && task.PreviousStartedEventID > 0 {
		first = task.PreviousStartedEventID
	}
	return s.decisionTaskPage(pageToken{
		Op: "PollForDecisionTask", Domain: in.Domain, Reverse: in.ReverseOrder,
		Task: task.Token, WfID: task.Execution.WorkflowID, Run: task.Execution.RunID,
		Started: task.StartedEventID, Prev: task.PreviousStartedEventID, First: first,
	}, task.Events, in.MaximumPageSize)
}

// decisionTaskPage answers a decision task poll with one page of the task's
// events: those from event p.First to the task's started event, from p.Next
// on (0: from the start), in the order p.Reverse says. history holds at
// least the events up to the started one.
func (s *Server) decisionTaskPage(p pageToken, history []engine.Event, size int) (*swfwire.DecisionTask, error) {
	if size == 0 {
		size = maxPageSize
	}
	if int64(len(history)) < p.Started || p.First < 1 || p.First > p.Started {
		return nil, fmt.Errorf("swfserver: run %s has %d events, fewer than the decision task's %d", p.Run, len(history), p.Started)
	}
	events := history[p.First-1 : p.Started]
	if p.Reverse {
		events = slices.Clone(events)
		slices.Reverse(events)
	}
	start := 0
	if p.Next != 0 {
		for start < len(events) && (!p.Reverse && events[start].ID < p.Next || p.Reverse && events[start].ID > p.Next) {
			start++
		}
	}
	end := min(start+size, len(events))
	page, err := swfwire.EventsToWire(events[start:end])
	if err != nil {
		return nil, err
	}
	var typ engine.WorkflowType
	if a, ok := history[0].Attr.(*engine.WorkflowExecutionStarted); ok {
		typ = a.Type
	}
	out := &swfwire.DecisionTask{
		TaskToken:              s.tokens.taskToken(p.Domain, p.Task),
		StartedEventID:         p.Started,
		WorkflowExecution:      &swfwire.WorkflowExecution{WorkflowID: p.WfID, RunID: p.Run},
		WorkflowType:           swfwire.WorkflowTypeOf(typ),
		Events:                 page,
		PreviousStartedEventID: p.Prev,
	}
	if end < len(events) {
		p.Next = events[end].ID
		out.NextPageToken = s.tokens.pageToken(p)
	}
	return out, nil
}

// validateDecision checks one decision's members; path is
// "decisions.N.member".
func (v *validator) decision(path string, d *swfwire.Decision) {
	if !v.required(path+".decisionType", d.DecisionType != "") {
		return
	}
	v.enum(path+".decisionType", d.DecisionType, swfwire.DecisionTypes...)
	attrs := path + "." + strings.ToLower(d.DecisionType[:1]) + d.DecisionType[1:] + "DecisionAttributes"
	switch d.DecisionType {
	case "ScheduleActivityTask":
		a := d.ScheduleActivityTaskDecisionAttributes
		if !v.required(attrs, a != nil) {
			return
		}
		v.activityType(attrs+".activityType", a.ActivityType)
		v.str(attrs+".activityId", a.ActivityID, engine.MaxIDChars)
		v.maxLen(attrs+".control", a.Control, engine.MaxPayloadChars)
		v.maxLen(attrs+".input", a.Input, engine.MaxPayloadChars)
		v.taskList(attrs+".taskList", a.TaskList, false)
		v.duration(attrs+".scheduleToCloseTimeout", a.ScheduleToCloseTimeout)
		v.duration(attrs+".scheduleToStartTimeout", a.ScheduleToStartTimeout)
		v.duration(attrs+".startToCloseTimeout", a.StartToCloseTimeout)
		v.duration(attrs+".heartbeatTimeout", a.HeartbeatTimeout)
	case "StartTimer":
		a := d.StartTimerDecisionAttributes
		if !v.required(attrs, a != nil) {
			return
		}
		v.str(attrs+".timerId", a.TimerID, engine.MaxIDChars)
		v.maxLen(attrs+".control", a.Control, engine.MaxPayloadChars)
		if v.required(attrs+".startToFireTimeout", a.StartToFireTimeout != "") {
			v.duration(attrs+".startToFireTimeout", a.StartToFireTimeout)
		}
	case "StartChildWorkflowExecution":
		a := d.StartChildWorkflowExecutionDecisionAttributes
		if !v.required(attrs, a != nil) {
			return
		}
		v.workflowType(attrs+".workflowType", a.WorkflowType)
		v.str(attrs+".workflowId", a.WorkflowID, engine.MaxIDChars)
		v.maxLen(attrs+".control", a.Control, engine.MaxPayloadChars)
		v.maxLen(attrs+".input", a.Input, engine.MaxPayloadChars)
		v.taskList(attrs+".taskList", a.TaskList, false)
		v.duration(attrs+".executionStartToCloseTimeout", a.ExecutionStartToCloseTimeout)
		v.duration(attrs+".taskStartToCloseTimeout", a.TaskStartToCloseTimeout)
		v.childPolicy(attrs+".childPolicy", a.ChildPolicy)
		v.tags(attrs+".tagList", a.TagList)
	case "CompleteWorkflowExecution":
		if a := d.CompleteWorkflowExecutionDecisionAttributes; a != nil {
			v.maxLen(attrs+".result", a.Result, engine.MaxPayloadChars)
		}
	case "FailWorkflowExecution":
		if a := d.FailWorkflowExecutionDecisionAttributes; a != nil {
			v.maxLen(attrs+".reason", a.Reason, engine.MaxReasonChars)
			v.maxLen(attrs+".details", a.Details, engine.MaxPayloadChars)
		}
	case "ContinueAsNewWorkflowExecution":
		if a := d.ContinueAsNewWorkflowExecutionDecisionAttributes; a != nil {
			v.maxLen(attrs+".input", a.Input, engine.MaxPayloadChars)
			v.taskList(attrs+".taskList", a.TaskList, false)
			v.duration(attrs+".executionStartToCloseTimeout", a.ExecutionStartToCloseTimeout)
			v.duration(attrs+".taskStartToCloseTimeout", a.TaskStartToCloseTimeout)
			v.childPolicy(attrs+".childPolicy", a.ChildPolicy)
			v.tags(attrs+".tagList", a.TagList)
			v.maxLen(attrs+".workflowTypeVersion", a.WorkflowTypeVersion, 64)
		}
	}
}

func respondDecisionTaskCompleted(s *Server, ctx context.Context, in *swfwire.RespondDecisionTaskCompletedInput) (any, error) {
	var v validator
	v.required("taskToken", in.TaskToken != "")
	v.maxLen("executionContext", in.ExecutionContext, engine.MaxPayloadChars)
	for i := range in.Decisions {
		v.decision(fmt.Sprintf("decisions.%d.member", i+1), &in.Decisions[i])
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.TaskList != nil || in.TaskListScheduleToStartTimeout != "" {
		return nil, notPermitted("taskList and taskListScheduleToStartTimeout are not supported: engines schedule the next decision task on the run's task list")
	}
	tok, err := s.tokens.parseTaskToken(in.TaskToken)
	if err != nil {
		return nil, err
	}
	decisions := make([]engine.Decision, len(in.Decisions))
	for i, w := range in.Decisions {
		d, err := swfwire.DecisionFromWire(w)
		if errors.Is(err, swfwire.ErrUnsupported) {
			return nil, notPermitted("decision %d: %s decisions are not supported by flowy engines; nothing was recorded", i+1, w.DecisionType)
		}
		if err != nil {
			return nil, newFault(swfwire.ExceptionValidation, "decision %d: %v", i+1, err)
		}
		decisions[i] = d
	}
	eng, err := s.engine(tok.Domain)
	if err != nil {
		return nil, err
	}
	err = eng.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: tok.Token, Decisions: decisions, ExecutionContext: in.ExecutionContext})
	if err != nil {
		return nil, errorFault(err, "", "")
	}
	return nil, nil
}

func pollForActivityTask(s *Server, ctx context.Context, in *swfwire.PollForActivityTaskInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.taskList("taskList", in.TaskList, true)
	v.maxLen("identity", in.Identity, 256)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.engine(in.Domain)
	if err != nil {
		return nil, err
	}
	pctx, cancel := s.pollContext(ctx)
	defer cancel()
	task, err := eng.PollActivityTask(pctx, engine.PollParams{TaskList: in.TaskList.Name, Identity: in.Identity})
	if err != nil {
		return nil, errorFault(err, "", "")
	}
	if task == nil {
		return &swfwire.ActivityTask{}, nil // SWF's empty poll: no task token
	}
	s.warnIfGone(ctx, "activity", task.Execution)
	return &swfwire.ActivityTask{
		TaskToken:         s.tokens.taskToken(in.Domain, task.Token),
		ActivityID:        task.ActivityID,
		StartedEventID:    task.StartedEventID,
		WorkflowExecution: swfwire.ExecutionOf(task.Execution),
		ActivityType:      swfwire.ActivityTypeOf(task.Type),
		Input:             task.Input,
	}, nil
}

// activityEngine checks a task token and returns its engine and engine
// token.
func (s *Server) activityEngine(token string) (engine.Engine, string, error) {
	tok, err := s.tokens.parseTaskToken(token)
	if err != nil {
		return nil, "", err
	}
	eng, err := s.engine(tok.Domain)
	if err != nil {
		return nil, "", err
	}
	return eng, tok.Token, nil
}

func respondActivityTaskCompleted(s *Server, ctx context.Context, in *swfwire.RespondActivityTaskCompletedInput) (any, error) {
	var v validator
	v.required("taskToken", in.TaskToken != "")
	v.maxLen("result", in.Result, engine.MaxPayloadChars)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, token, err := s.activityEngine(in.TaskToken)
	if err != nil {
		return nil, err
	}
	if err := eng.RespondActivityTaskCompleted(ctx, token, in.Result); err != nil {
		return nil, errorFault(err, "", "")
	}
	return nil, nil
}

func respondActivityTaskFailed(s *Server, ctx context.Context, in *swfwire.RespondActivityTaskFailedInput) (any, error) {
	var v validator
	v.required("taskToken", in.TaskToken != "")
	v.maxLen("reason", in.Reason, engine.MaxReasonChars)
	v.maxLen("details", in.Details, engine.MaxPayloadChars)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, token, err := s.activityEngine(in.TaskToken)
	if err != nil {
		return nil, err
	}
	if err := eng.RespondActivityTaskFailed(ctx, token, in.Reason, in.Details); err != nil {
		return nil, errorFault(err, "", "")
	}
	return nil, nil
}

// CanceledReason is the failure reason RespondActivityTaskCanceled records:
// engines have no ActivityTaskCanceled event, so a canceled activity is
// recorded as failed.
const CanceledReason = "canceled"

func respondActivityTaskCanceled(s *Server, ctx context.Context, in *swfwire.RespondActivityTaskCanceledInput) (any, error) {
	var v validator
	v.required("taskToken", in.TaskToken != "")
	v.maxLen("details", in.Details, engine.MaxPayloadChars)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, token, err := s.activityEngine(in.TaskToken)
	if err != nil {
		return nil, err
	}
	if err := eng.RespondActivityTaskFailed(ctx, token, CanceledReason, in.Details); err != nil {
		return nil, errorFault(err, "", "")
	}
	return nil, nil
}

func recordActivityTaskHeartbeat(s *Server, ctx context.Context, in *swfwire.RecordActivityTaskHeartbeatInput) (any, error) {
	var v validator
	v.required("taskToken", in.TaskToken != "")
	v.maxLen("details", in.Details, engine.MaxHeartbeatDetailsChars)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, token, err := s.activityEngine(in.TaskToken)
	if err != nil {
		return nil, err
	}
	cancel, err := eng.RecordActivityTaskHeartbeat(ctx, token, in.Details)
	if err != nil {
		return nil, errorFault(err, "", "")
	}
	return &swfwire.ActivityTaskStatus{CancelRequested: cancel}, nil
}

// warnIfGone logs a task handed to a poll whose client has gone: nobody will
// answer it, and it waits for its start-to-close timeout (on SWF too). It
// happens when a worker stops polling just as a task arrives.
func (s *Server) warnIfGone(ctx context.Context, kind string, exec engine.Execution) {
	if ctx.Err() != nil {
		s.log.Warn("swfserver: a "+kind+" task went to a poll whose client had left; it will time out",
			"workflowId", exec.WorkflowID, "runId", exec.RunID)
	}
}
