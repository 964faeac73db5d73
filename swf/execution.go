package swf

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsswf "github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/engine"
)

// StartWorkflow starts an execution and returns its run id. Unset fields
// take the type's registered defaults; SWF refuses a start for which
// neither gives a task list, timeouts or child policy (an error wrapping
// [engine.ErrInvalidArgument]).
func (e *Engine) StartWorkflow(ctx context.Context, p engine.StartWorkflowParams) (string, error) {
	const op = "StartWorkflowExecution"
	if err := errors.Join(
		checkDuration("execution timeout", p.ExecutionTimeout),
		checkDuration("decision timeout", p.DecisionTimeout),
		checkChildPolicy(p.ChildPolicy),
	); err != nil {
		return "", fmt.Errorf("swf: starting %s: %w", p.WorkflowID, err)
	}
	if err := e.check(op); err != nil {
		return "", err
	}
	out, err := e.c.StartWorkflowExecution(ctx, &awsswf.StartWorkflowExecutionInput{
		Domain:                       aws.String(e.domain),
		WorkflowId:                   aws.String(p.WorkflowID),
		WorkflowType:                 &types.WorkflowType{Name: aws.String(p.Type.Name), Version: aws.String(p.Type.Version)},
		Input:                        optional(p.Input),
		TaskList:                     taskList(p.TaskList),
		ExecutionStartToCloseTimeout: execDuration(p.ExecutionTimeout),
		TaskStartToCloseTimeout:      duration(p.DecisionTimeout),
		ChildPolicy:                  types.ChildPolicy(p.ChildPolicy),
		TagList:                      tags(p.Tags),
	}, copyBodies)
	if err != nil {
		return "", e.fault(op+" "+p.WorkflowID, err)
	}
	return aws.ToString(out.RunId), nil
}

// TerminateWorkflow terminates an open execution (an empty run id: the
// open run of the workflow id), applying its child policy.
func (e *Engine) TerminateWorkflow(ctx context.Context, exec engine.Execution, reason, details string) error {
	const op = "TerminateWorkflowExecution"
	if err := e.check(op); err != nil {
		return err
	}
	_, err := e.c.TerminateWorkflowExecution(ctx, &awsswf.TerminateWorkflowExecutionInput{
		Domain:     aws.String(e.domain),
		WorkflowId: aws.String(exec.WorkflowID),
		RunId:      optional(exec.RunID),
		Reason:     optional(reason),
		Details:    optional(details),
	}, copyBodies)
	if err != nil {
		return e.fault(op+" "+exec.WorkflowID, err)
	}
	return nil
}

// DescribeWorkflowExecution describes an execution. An empty run id means
// the latest run of the workflow id (its open run, else the last one
// started), which costs one or two list calls more.
func (e *Engine) DescribeWorkflowExecution(ctx context.Context, exec engine.Execution) (*engine.ExecutionInfo, error) {
	const op = "DescribeWorkflowExecution"
	if err := e.check(op); err != nil {
		return nil, err
	}
	exec, err := e.latest(ctx, exec)
	if err != nil {
		return nil, err
	}
	out, err := e.c.DescribeWorkflowExecution(ctx, &awsswf.DescribeWorkflowExecutionInput{
		Domain:    aws.String(e.domain),
		Execution: &types.WorkflowExecution{WorkflowId: aws.String(exec.WorkflowID), RunId: aws.String(exec.RunID)},
	}, copyBodies)
	if err != nil {
		return nil, e.fault(op+" "+exec.WorkflowID, err)
	}
	if out.ExecutionInfo == nil {
		return nil, fmt.Errorf("swf: %s %s: the answer has no executionInfo", op, exec.WorkflowID)
	}
	info := executionInfo(out.ExecutionInfo)
	if c := out.OpenCounts; c != nil {
		info.OpenActivities = int(c.OpenActivityTasks)
		info.OpenTimers = int(c.OpenTimers)
		info.OpenChildren = int(c.OpenChildWorkflowExecutions)
	}
	return &info, nil
}

// executionInfo converts SWF's description of an execution (without the
// open counts, which only DescribeWorkflowExecution gives).
func executionInfo(x *types.WorkflowExecutionInfo) engine.ExecutionInfo {
	info := engine.ExecutionInfo{
		Execution: execution(x.Execution),
		Type:      workflowType(x.WorkflowType),
		Status:    engine.StatusOpen,
		StartTime: aws.ToTime(x.StartTimestamp),
		CloseTime: aws.ToTime(x.CloseTimestamp),
		Tags:      x.TagList,
	}
	if x.ExecutionStatus == types.ExecutionStatusClosed {
		info.Status = engine.ExecutionStatus(x.CloseStatus)
	}
	if x.Parent != nil {
		p := execution(x.Parent)
		info.Parent = &p
	}
	return info
}

// latest returns exec, or for an empty run id the latest run of the
// workflow id: the open one, else the closed one started last.
func (e *Engine) latest(ctx context.Context, exec engine.Execution) (engine.Execution, error) {
	if exec.RunID != "" {
		return exec, nil
	}
	for _, open := range []bool{true, false} {
		infos, err := e.list(ctx, engine.ExecutionFilter{Open: open, WorkflowID: exec.WorkflowID}, 1)
		if err != nil {
			return exec, err
		}
		if len(infos) > 0 {
			return infos[0].Execution, nil
		}
	}
	return exec, fmt.Errorf("swf: no execution with workflow id %q: %w", exec.WorkflowID, engine.ErrUnknownResource)
}

// GetWorkflowExecutionHistory returns the whole history of a run (an empty
// run id: the latest run of the workflow id), page by page.
func (e *Engine) GetWorkflowExecutionHistory(ctx context.Context, exec engine.Execution) ([]engine.Event, error) {
	const op = "GetWorkflowExecutionHistory"
	if err := e.check(op); err != nil {
		return nil, err
	}
	exec, err := e.latest(ctx, exec)
	if err != nil {
		return nil, err
	}
	in := &awsswf.GetWorkflowExecutionHistoryInput{
		Domain:          aws.String(e.domain),
		Execution:       &types.WorkflowExecution{WorkflowId: aws.String(exec.WorkflowID), RunId: aws.String(exec.RunID)},
		MaximumPageSize: e.opts.PageSize,
	}
	var history []types.HistoryEvent
	for {
		out, err := e.c.GetWorkflowExecutionHistory(ctx, in, copyBodies)
		if err != nil {
			return nil, e.fault(op+" "+exec.WorkflowID, err)
		}
		history = append(history, out.Events...)
		if aws.ToString(out.NextPageToken) == "" {
			break
		}
		in.NextPageToken = out.NextPageToken
	}
	events, err := convertEvents(history)
	if err != nil {
		return nil, fmt.Errorf("swf: history of %s: %w", exec.WorkflowID, err)
	}
	return events, nil
}

// ListExecutions lists the executions f selects (open ones if f.Open is
// set, closed ones otherwise), newest start first. SWF filters by one of
// workflow id, type, tag and close status at a time: the first one set is
// sent, and the others are applied to the answer. Open counts are zero
// (DescribeWorkflowExecution has them).
func (e *Engine) ListExecutions(ctx context.Context, f engine.ExecutionFilter) ([]engine.ExecutionInfo, error) {
	if err := e.check("ListExecutions"); err != nil {
		return nil, err
	}
	return e.list(ctx, f, 0)
}

// list lists executions; limit > 0 stops after that many (SWF's order:
// newest first).
func (e *Engine) list(ctx context.Context, f engine.ExecutionFilter, limit int) ([]engine.ExecutionInfo, error) {
	started := timeFilter(f.StartedAfter, f.StartedBefore)
	var (
		execF  *types.WorkflowExecutionFilter
		typeF  *types.WorkflowTypeFilter
		tagF   *types.TagFilter
		closeF *types.CloseStatusFilter
	)
	switch {
	case f.WorkflowID != "":
		execF = &types.WorkflowExecutionFilter{WorkflowId: aws.String(f.WorkflowID)}
	case f.TypeName != "":
		typeF = &types.WorkflowTypeFilter{Name: aws.String(f.TypeName), Version: optional(f.TypeVer)}
	case f.Tag != "":
		tagF = &types.TagFilter{Tag: aws.String(f.Tag)}
	case !f.Open && f.CloseStatus != "":
		closeF = &types.CloseStatusFilter{Status: types.CloseStatus(f.CloseStatus)}
	}
	pageSize := e.opts.PageSize
	if limit > 0 {
		pageSize = int32(min(limit, int(pageSize)))
	}
	var out []engine.ExecutionInfo
	var next *string
	for {
		var infos []types.WorkflowExecutionInfo
		if f.Open {
			page, err := e.c.ListOpenWorkflowExecutions(ctx, &awsswf.ListOpenWorkflowExecutionsInput{
				Domain: aws.String(e.domain), StartTimeFilter: started, ExecutionFilter: execF,
				TypeFilter: typeF, TagFilter: tagF, MaximumPageSize: pageSize, NextPageToken: next,
			}, copyBodies)
			if err != nil {
				return nil, e.fault("ListOpenWorkflowExecutions", err)
			}
			infos, next = page.ExecutionInfos, page.NextPageToken
		} else {
			in := &awsswf.ListClosedWorkflowExecutionsInput{
				Domain: aws.String(e.domain), ExecutionFilter: execF, TypeFilter: typeF, TagFilter: tagF,
				CloseStatusFilter: closeF, MaximumPageSize: pageSize, NextPageToken: next,
			}
			// SWF takes a start-time or a close-time filter, not both.
			if f.StartedAfter.IsZero() && f.StartedBefore.IsZero() && !(f.ClosedAfter.IsZero() && f.ClosedBefore.IsZero()) {
				in.CloseTimeFilter = timeFilter(f.ClosedAfter, f.ClosedBefore)
			} else {
				in.StartTimeFilter = started
			}
			page, err := e.c.ListClosedWorkflowExecutions(ctx, in, copyBodies)
			if err != nil {
				return nil, e.fault("ListClosedWorkflowExecutions", err)
			}
			infos, next = page.ExecutionInfos, page.NextPageToken
		}
		for i := range infos {
			if info := executionInfo(&infos[i]); selects(&f, &info) {
				out = append(out, info)
			}
		}
		if aws.ToString(next) == "" || (limit > 0 && len(out) >= limit) {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b engine.ExecutionInfo) int { return b.StartTime.Compare(a.StartTime) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// timeFilter returns SWF's time filter for [after, before]; SWF needs the
// oldest date, so no bound is the epoch.
func timeFilter(after, before time.Time) *types.ExecutionTimeFilter {
	if after.IsZero() {
		after = time.Unix(0, 0)
	}
	f := &types.ExecutionTimeFilter{OldestDate: aws.Time(after)}
	if !before.IsZero() {
		f.LatestDate = aws.Time(before)
	}
	return f
}

// selects reports whether f selects info (every filter, whichever SWF
// applied).
func selects(f *engine.ExecutionFilter, info *engine.ExecutionInfo) bool {
	open := info.Status == engine.StatusOpen
	switch {
	case open != f.Open,
		!inRange(info.StartTime, f.StartedAfter, f.StartedBefore),
		!open && !inRange(info.CloseTime, f.ClosedAfter, f.ClosedBefore),
		!open && f.CloseStatus != "" && info.Status != f.CloseStatus,
		f.WorkflowID != "" && info.Execution.WorkflowID != f.WorkflowID,
		f.TypeName != "" && (info.Type.Name != f.TypeName || f.TypeVer != "" && info.Type.Version != f.TypeVer),
		f.Tag != "" && !slices.Contains(info.Tags, f.Tag):
		return false
	}
	return true
}

// inRange reports whether t is within [after, before]; a zero bound is no
// bound.
func inRange(t, after, before time.Time) bool {
	return (after.IsZero() || !t.Before(after)) && (before.IsZero() || !t.After(before))
}
