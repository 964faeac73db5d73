package temporal

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flowy-go/flowy/engine"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/codes"
)

// retry calls f until it succeeds, fails for another reason than the server
// being unavailable or overloaded, or five attempts were made.
func (e *Engine) retry(ctx context.Context, f func() error) error {
	delay := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || attempt == 5 {
			return err
		}
		switch statusOf(err).Code() {
		case codes.Unavailable, codes.ResourceExhausted:
		default:
			return err
		}
		e.log.Debug("temporal: retrying", "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// requestID returns a random request id (a version 4 UUID).
func requestID() string {
	h := randomHex(16)
	b := []byte(h)
	b[12] = '4'
	b[16] = "89ab"[b[16]%4]
	return fmt.Sprintf("%s-%s-%s-%s-%s", b[0:8], b[8:12], b[12:16], b[16:20], b[20:32])
}

// StartWorkflow starts a workflow execution and returns its run id. Fields
// left unset take the type's recorded defaults; the request carries a
// request id, so that a start retried after a lost answer does not start
// twice. An unrecorded type returns an error wrapping
// [engine.ErrUnknownResource] (see [Options.AllowUnregisteredTypes]), an
// open run with the same workflow id one wrapping [engine.ErrAlreadyStarted],
// no task list one wrapping [engine.ErrInvalidArgument].
func (e *Engine) StartWorkflow(ctx context.Context, p engine.StartWorkflowParams) (string, error) {
	what := fmt.Sprintf("temporal: start workflow %q", p.WorkflowID)
	if err := errors.Join(
		checkID("workflow id", p.WorkflowID),
		checkLen("input", p.Input, engine.MaxPayloadChars),
		checkTimeout("execution timeout", p.ExecutionTimeout),
		checkTimeout("decision timeout", p.DecisionTimeout),
		checkChildPolicy(p.ChildPolicy),
	); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return "", err
	}
	t, ok := e.workflowType(p.Type)
	if !ok {
		return "", fmt.Errorf("%s: workflow type %s/%s: %w", what, p.Type.Name, p.Type.Version, engine.ErrUnknownResource)
	}
	taskList := cmp.Or(p.TaskList, t.DefaultTaskList)
	if taskList == "" {
		return "", invalid("%s: no task list: neither the request nor workflow type %s/%s sets one", what, p.Type.Name, p.Type.Version)
	}
	req := &workflowservice.StartWorkflowExecutionRequest{
		Namespace:                e.ns,
		WorkflowId:               p.WorkflowID,
		WorkflowType:             &commonpb.WorkflowType{Name: p.Type.Name},
		TaskQueue:                e.queue(taskList),
		Input:                    payloads(p.Input),
		WorkflowRunTimeout:       dur(resolve(p.ExecutionTimeout, t.DefaultExecutionTimeout)),
		WorkflowTaskTimeout:      decisionTimeout(cmp.Or(p.DecisionTimeout, t.DefaultDecisionTimeout)),
		Identity:                 e.opts.Identity,
		RequestId:                requestID(),
		WorkflowIdReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIdConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		Memo: runMemo{
			Version:     p.Type.Version,
			ChildPolicy: cmp.Or(p.ChildPolicy, t.DefaultChildPolicy, engine.ChildPolicyAbandon),
			Tags:        p.Tags,
		}.memo(),
	}
	// When deciders of this engine poll the task list, the first decision
	// task comes with the answer (eager start) and goes straight to them.
	f := e.pollingDeciders(taskList)
	req.RequestEagerExecution = f != nil
	var resp *workflowservice.StartWorkflowExecutionResponse
	err := e.retry(ctx, func() (err error) {
		resp, err = e.svc.StartWorkflowExecution(ctx, req)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, mapError(err))
	}
	if wt := resp.EagerWorkflowTask; f != nil && wt != nil && len(wt.TaskToken) > 0 {
		f.offer(&decisionPoll{resp: wt, identity: e.opts.Identity}, false)
	}
	return resp.RunId, nil
}

// TerminateWorkflow closes an open execution at once
// (WorkflowExecutionTerminated); Temporal applies the parent close policy
// to its children. An empty run id means the open run of the workflow id.
func (e *Engine) TerminateWorkflow(ctx context.Context, exec engine.Execution, reason, details string) error {
	what := "temporal: terminate workflow execution " + execString(exec)
	if err := errors.Join(
		checkLen("reason", reason, engine.MaxReasonChars),
		checkLen("details", details, engine.MaxPayloadChars),
	); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	err := e.retry(ctx, func() error {
		_, err := e.svc.TerminateWorkflowExecution(ctx, &workflowservice.TerminateWorkflowExecutionRequest{
			Namespace:         e.ns,
			WorkflowExecution: wfExec(exec),
			Reason:            reason,
			Details:           payloads(details),
			Identity:          e.opts.Identity,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapError(err))
	}
	return nil
}

func execString(exec engine.Execution) string {
	if exec.RunID == "" {
		return fmt.Sprintf("%q", exec.WorkflowID)
	}
	return fmt.Sprintf("%q run %s", exec.WorkflowID, exec.RunID)
}

// DescribeWorkflowExecution describes an execution. An empty run id means
// the latest run of the workflow id. For an open run, the open timers are
// counted from its history (Temporal does not report them).
func (e *Engine) DescribeWorkflowExecution(ctx context.Context, exec engine.Execution) (*engine.ExecutionInfo, error) {
	what := "temporal: describe workflow execution " + execString(exec)
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	var resp *workflowservice.DescribeWorkflowExecutionResponse
	err := e.retry(ctx, func() (err error) {
		resp, err = e.svc.DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
			Namespace: e.ns,
			Execution: wfExec(exec),
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapError(err))
	}
	wi := resp.WorkflowExecutionInfo
	m := readMemo(wi.Memo)
	info := &engine.ExecutionInfo{
		Execution:      fromExec(wi.Execution),
		Type:           engine.WorkflowType{Name: wi.Type.GetName(), Version: m.Version},
		Status:         executionStatus(wi.Status),
		StartTime:      wi.StartTime.AsTime(),
		Tags:           m.Tags,
		OpenActivities: len(resp.PendingActivities),
		OpenChildren:   len(resp.PendingChildren),
	}
	if wi.CloseTime != nil {
		info.CloseTime = wi.CloseTime.AsTime()
	}
	if p := wi.ParentExecution; p != nil {
		pe := fromExec(p)
		info.Parent = &pe
	}
	if info.Status == engine.StatusOpen {
		hist, err := e.history(ctx, info.Execution, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		c := newConverter(e.opts.TaskQueuePrefix)
		for _, ev := range hist {
			c.convert(ev)
		}
		info.OpenTimers = len(c.timers)
	}
	return info, nil
}

// executionStatus returns the engine status of a Temporal execution status.
func executionStatus(s enumspb.WorkflowExecutionStatus) engine.ExecutionStatus {
	switch s {
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return engine.StatusCompleted
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return engine.StatusFailed
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return engine.StatusCanceled
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return engine.StatusTerminated
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return engine.StatusContinuedAsNew
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return engine.StatusTimedOut
	}
	return engine.StatusOpen
}

// GetWorkflowExecutionHistory returns the whole history of a run (every
// page), converted to engine events. An empty run id means the latest run
// of the workflow id.
func (e *Engine) GetWorkflowExecutionHistory(ctx context.Context, exec engine.Execution) ([]engine.Event, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	hist, err := e.history(ctx, exec, nil)
	if err != nil {
		return nil, fmt.Errorf("temporal: history of %s: %w", execString(exec), err)
	}
	c := newConverter(e.opts.TaskQueuePrefix)
	events := make([]engine.Event, len(hist))
	for i, ev := range hist {
		events[i] = c.convert(ev)
	}
	return events, nil
}

// WaitClosed blocks until the run closes and returns its closing event; it
// long-polls the server for the run's close event. It follows nothing: a run
// that continued as new returns WorkflowExecutionContinuedAsNew. An empty run
// id means the latest run of the workflow id at the time of the call.
func (e *Engine) WaitClosed(ctx context.Context, exec engine.Execution) (engine.Event, error) {
	what := "temporal: wait for " + execString(exec)
	if err := e.enter(ctx); err != nil {
		return engine.Event{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(e.ctx, cancel)
	defer stop()
	var token []byte
	for {
		pctx, pcancel := context.WithTimeout(ctx, pollTimeout)
		resp, err := e.svc.GetWorkflowExecutionHistory(pctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
			Namespace:              e.ns,
			Execution:              wfExec(exec),
			NextPageToken:          token,
			WaitNewEvent:           true,
			HistoryEventFilterType: enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
		})
		pcancel()
		switch {
		case e.ctx.Err() != nil:
			return engine.Event{}, errClosed
		case ctx.Err() != nil:
			return engine.Event{}, ctx.Err()
		case err != nil && statusOf(err).Code() == codes.DeadlineExceeded:
			continue // the long poll expired
		case err != nil:
			return engine.Event{}, fmt.Errorf("%s: %w", what, mapError(err))
		}
		if evs := resp.History.GetEvents(); len(evs) > 0 {
			return e.closeEvent(ctx, exec, evs[len(evs)-1])
		}
		token = resp.NextPageToken
	}
}

// closeEvent converts a run's closing event, with the run's settings when
// the event needs them.
func (e *Engine) closeEvent(ctx context.Context, exec engine.Execution, ev *historypb.HistoryEvent) (engine.Event, error) {
	c := newConverter(e.opts.TaskQueuePrefix)
	switch ev.EventType {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
		resp, err := e.svc.GetWorkflowExecutionHistory(ctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
			Namespace:       e.ns,
			Execution:       wfExec(exec),
			MaximumPageSize: 1,
		})
		if err != nil {
			return engine.Event{}, fmt.Errorf("temporal: start of %s: %w", execString(exec), mapError(err))
		}
		if evs := resp.History.GetEvents(); len(evs) > 0 {
			c.convert(evs[0])
		}
	}
	return c.convert(ev), nil
}

// SignalWorkflow delivers a signal to an open execution
// (WorkflowExecutionSignaled, and a decision task). An empty run id means
// the open run of the workflow id.
func (e *Engine) SignalWorkflow(ctx context.Context, exec engine.Execution, name, input string) error {
	what := "temporal: signal workflow execution " + execString(exec)
	if err := errors.Join(checkID("signal name", name), checkLen("input", input, engine.MaxPayloadChars)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	req := &workflowservice.SignalWorkflowExecutionRequest{
		Namespace:         e.ns,
		WorkflowExecution: wfExec(exec),
		SignalName:        name,
		Input:             payloads(input),
		Identity:          e.opts.Identity,
		RequestId:         requestID(),
	}
	err := e.retry(ctx, func() error {
		_, err := e.svc.SignalWorkflowExecution(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapError(err))
	}
	return nil
}

// RequestCancelWorkflow asks an open execution to cancel itself
// (WorkflowExecutionCancelRequested, and a decision task). An empty run id
// means the open run of the workflow id.
func (e *Engine) RequestCancelWorkflow(ctx context.Context, exec engine.Execution) error {
	what := "temporal: request cancel of workflow execution " + execString(exec)
	if err := e.enter(ctx); err != nil {
		return err
	}
	req := &workflowservice.RequestCancelWorkflowExecutionRequest{
		Namespace:         e.ns,
		WorkflowExecution: wfExec(exec),
		Identity:          e.opts.Identity,
		RequestId:         requestID(),
	}
	err := e.retry(ctx, func() error {
		_, err := e.svc.RequestCancelWorkflowExecution(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapError(err))
	}
	return nil
}
