package swf

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsswf "github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/engine"
)

// DescribeWorkflowType describes a registered workflow type and its
// defaults.
func (e *Engine) DescribeWorkflowType(ctx context.Context, t engine.WorkflowType) (*engine.WorkflowTypeDetail, error) {
	const op = "DescribeWorkflowType"
	if err := e.check(op); err != nil {
		return nil, err
	}
	out, err := e.c.DescribeWorkflowType(ctx, &awsswf.DescribeWorkflowTypeInput{
		Domain:       aws.String(e.domain),
		WorkflowType: &types.WorkflowType{Name: aws.String(t.Name), Version: aws.String(t.Version)},
	}, copyBodies)
	if err != nil {
		return nil, e.fault(fmt.Sprintf("%s %s/%s", op, t.Name, t.Version), err)
	}
	d := &engine.WorkflowTypeDetail{WorkflowTypeInfo: engine.WorkflowTypeInfo{WorkflowType: t}}
	if c := out.Configuration; c != nil {
		d.DefaultTaskList = taskListName(c.DefaultTaskList)
		d.DefaultExecutionTimeout = parseDur(c.DefaultExecutionStartToCloseTimeout)
		d.DefaultDecisionTimeout = parseDur(c.DefaultTaskStartToCloseTimeout)
		d.DefaultChildPolicy = engine.ChildPolicy(c.DefaultChildPolicy)
	}
	if i := out.TypeInfo; i != nil {
		d.Description = aws.ToString(i.Description)
		d.Status = engine.TypeStatus(i.Status)
		d.Created = aws.ToTime(i.CreationDate)
		d.DeprecatedSince = aws.ToTime(i.DeprecationDate)
	}
	return d, nil
}

// DescribeActivityType describes a registered activity type and its
// defaults.
func (e *Engine) DescribeActivityType(ctx context.Context, t engine.ActivityType) (*engine.ActivityTypeDetail, error) {
	const op = "DescribeActivityType"
	if err := e.check(op); err != nil {
		return nil, err
	}
	out, err := e.c.DescribeActivityType(ctx, &awsswf.DescribeActivityTypeInput{
		Domain:       aws.String(e.domain),
		ActivityType: &types.ActivityType{Name: aws.String(t.Name), Version: aws.String(t.Version)},
	}, copyBodies)
	if err != nil {
		return nil, e.fault(fmt.Sprintf("%s %s/%s", op, t.Name, t.Version), err)
	}
	d := &engine.ActivityTypeDetail{ActivityTypeInfo: engine.ActivityTypeInfo{ActivityType: t}}
	if c := out.Configuration; c != nil {
		d.DefaultTaskList = taskListName(c.DefaultTaskList)
		d.ScheduleToStart = parseDur(c.DefaultTaskScheduleToStartTimeout)
		d.StartToClose = parseDur(c.DefaultTaskStartToCloseTimeout)
		d.ScheduleToClose = parseDur(c.DefaultTaskScheduleToCloseTimeout)
		d.Heartbeat = parseDur(c.DefaultTaskHeartbeatTimeout)
	}
	if i := out.TypeInfo; i != nil {
		d.Description = aws.ToString(i.Description)
		d.Status = engine.TypeStatus(i.Status)
		d.Created = aws.ToTime(i.CreationDate)
		d.DeprecatedSince = aws.ToTime(i.DeprecationDate)
	}
	return d, nil
}

// statuses returns the registration statuses to list for status ("": both).
func statuses(status engine.TypeStatus) []types.RegistrationStatus {
	if status == "" {
		return []types.RegistrationStatus{types.RegistrationStatusRegistered, types.RegistrationStatusDeprecated}
	}
	return []types.RegistrationStatus{types.RegistrationStatus(status)}
}

// ListWorkflowTypes lists the workflow types with the status (both if
// empty) and the name (any if empty), ordered by name then version. SWF's
// list has no defaults: each type is described, one call per type.
func (e *Engine) ListWorkflowTypes(ctx context.Context, status engine.TypeStatus, name string) ([]engine.WorkflowTypeDetail, error) {
	const op = "ListWorkflowTypes"
	if err := e.check(op); err != nil {
		return nil, err
	}
	var found []engine.WorkflowType
	for _, st := range statuses(status) {
		in := &awsswf.ListWorkflowTypesInput{Domain: aws.String(e.domain), RegistrationStatus: st,
			Name: optional(name), MaximumPageSize: e.opts.PageSize}
		for {
			out, err := e.c.ListWorkflowTypes(ctx, in, copyBodies)
			if err != nil {
				return nil, e.fault(op, err)
			}
			for _, i := range out.TypeInfos {
				found = append(found, workflowType(i.WorkflowType))
			}
			if aws.ToString(out.NextPageToken) == "" {
				break
			}
			in.NextPageToken = out.NextPageToken
		}
	}
	out := make([]engine.WorkflowTypeDetail, 0, len(found))
	for _, t := range found {
		d, err := e.DescribeWorkflowType(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b engine.WorkflowTypeDetail) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out, nil
}

// ListActivityTypes lists the activity types with the status (both if
// empty) and the name (any if empty), ordered by name then version. SWF's
// list has no defaults: each type is described, one call per type.
func (e *Engine) ListActivityTypes(ctx context.Context, status engine.TypeStatus, name string) ([]engine.ActivityTypeDetail, error) {
	const op = "ListActivityTypes"
	if err := e.check(op); err != nil {
		return nil, err
	}
	var found []engine.ActivityType
	for _, st := range statuses(status) {
		in := &awsswf.ListActivityTypesInput{Domain: aws.String(e.domain), RegistrationStatus: st,
			Name: optional(name), MaximumPageSize: e.opts.PageSize}
		for {
			out, err := e.c.ListActivityTypes(ctx, in, copyBodies)
			if err != nil {
				return nil, e.fault(op, err)
			}
			for _, i := range out.TypeInfos {
				found = append(found, activityType(i.ActivityType))
			}
			if aws.ToString(out.NextPageToken) == "" {
				break
			}
			in.NextPageToken = out.NextPageToken
		}
	}
	out := make([]engine.ActivityTypeDetail, 0, len(found))
	for _, t := range found {
		d, err := e.DescribeActivityType(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b engine.ActivityTypeDetail) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out, nil
}

// DeprecateWorkflowType deprecates a workflow type. An unknown type returns
// an error wrapping [engine.ErrUnknownResource], a deprecated one an error
// wrapping [engine.ErrTypeDeprecated].
func (e *Engine) DeprecateWorkflowType(ctx context.Context, t engine.WorkflowType) error {
	const op = "DeprecateWorkflowType"
	if err := e.check(op); err != nil {
		return err
	}
	_, err := e.c.DeprecateWorkflowType(ctx, &awsswf.DeprecateWorkflowTypeInput{
		Domain:       aws.String(e.domain),
		WorkflowType: &types.WorkflowType{Name: aws.String(t.Name), Version: aws.String(t.Version)},
	}, copyBodies)
	if err != nil {
		return e.fault(fmt.Sprintf("%s %s/%s", op, t.Name, t.Version), err)
	}
	return nil
}

// DeprecateActivityType deprecates an activity type. An unknown type
// returns an error wrapping [engine.ErrUnknownResource], a deprecated one an
// error wrapping [engine.ErrTypeDeprecated].
func (e *Engine) DeprecateActivityType(ctx context.Context, t engine.ActivityType) error {
	const op = "DeprecateActivityType"
	if err := e.check(op); err != nil {
		return err
	}
	_, err := e.c.DeprecateActivityType(ctx, &awsswf.DeprecateActivityTypeInput{
		Domain:       aws.String(e.domain),
		ActivityType: &types.ActivityType{Name: aws.String(t.Name), Version: aws.String(t.Version)},
	}, copyBodies)
	if err != nil {
		return e.fault(fmt.Sprintf("%s %s/%s", op, t.Name, t.Version), err)
	}
	return nil
}

// CountPendingDecisionTasks counts the decision tasks waiting on the task
// list (SWF stops counting at a limit of its own).
func (e *Engine) CountPendingDecisionTasks(ctx context.Context, list string) (int, error) {
	const op = "CountPendingDecisionTasks"
	if err := e.check(op); err != nil {
		return 0, err
	}
	out, err := e.c.CountPendingDecisionTasks(ctx, &awsswf.CountPendingDecisionTasksInput{
		Domain: aws.String(e.domain), TaskList: taskList(list),
	}, copyBodies)
	if err != nil {
		return 0, e.fault(op, err)
	}
	return int(out.Count), nil
}

// CountPendingActivityTasks counts the activity tasks waiting on the task
// list (SWF stops counting at a limit of its own).
func (e *Engine) CountPendingActivityTasks(ctx context.Context, list string) (int, error) {
	const op = "CountPendingActivityTasks"
	if err := e.check(op); err != nil {
		return 0, err
	}
	out, err := e.c.CountPendingActivityTasks(ctx, &awsswf.CountPendingActivityTasksInput{
		Domain: aws.String(e.domain), TaskList: taskList(list),
	}, copyBodies)
	if err != nil {
		return 0, e.fault(op, err)
	}
	return int(out.Count), nil
}

// SignalWorkflow signals an open execution (an empty run id: the open run
// of the workflow id).
func (e *Engine) SignalWorkflow(ctx context.Context, exec engine.Execution, name, input string) error {
	const op = "SignalWorkflowExecution"
	if err := e.check(op); err != nil {
		return err
	}
	_, err := e.c.SignalWorkflowExecution(ctx, &awsswf.SignalWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String(exec.WorkflowID), RunId: optional(exec.RunID),
		SignalName: aws.String(name), Input: optional(input),
	}, copyBodies)
	if err != nil {
		return e.fault(op+" "+exec.WorkflowID, err)
	}
	return nil
}

// RequestCancelWorkflow asks an open execution to cancel itself (an empty
// run id: the open run of the workflow id).
func (e *Engine) RequestCancelWorkflow(ctx context.Context, exec engine.Execution) error {
	const op = "RequestCancelWorkflowExecution"
	if err := e.check(op); err != nil {
		return err
	}
	_, err := e.c.RequestCancelWorkflowExecution(ctx, &awsswf.RequestCancelWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String(exec.WorkflowID), RunId: optional(exec.RunID),
	}, copyBodies)
	if err != nil {
		return e.fault(op+" "+exec.WorkflowID, err)
	}
	return nil
}
