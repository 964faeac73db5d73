package swf

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsswf "github.com/aws/aws-sdk-go-v2/service/swf"

	"github.com/flowy-go/flowy/engine"
)

// PollActivityTask long-polls the task list for an activity task. It
// returns (nil, nil) when the poll ends empty or ctx ends first. The task's
// Timeouts are zero: SWF does not say them when it hands out a task.
func (e *Engine) PollActivityTask(ctx context.Context, p engine.PollParams) (*engine.ActivityTask, error) {
	const op = "PollForActivityTask"
	if err := e.check(op); err != nil {
		return nil, err
	}
	pctx, cancel := e.pollContext(ctx)
	defer cancel()
	out, err := e.c.PollForActivityTask(pctx, &awsswf.PollForActivityTaskInput{
		Domain:   aws.String(e.domain),
		TaskList: taskList(p.TaskList),
		Identity: optional(p.Identity),
	}, copyBodies)
	if err != nil {
		if ended, err2 := e.pollEnded(ctx, op); ended {
			return nil, err2
		}
		return nil, e.fault(op, err)
	}
	if aws.ToString(out.TaskToken) == "" {
		return nil, nil
	}
	return &engine.ActivityTask{
		Token:          aws.ToString(out.TaskToken),
		Execution:      execution(out.WorkflowExecution),
		ActivityID:     aws.ToString(out.ActivityId),
		Type:           activityType(out.ActivityType),
		Input:          aws.ToString(out.Input),
		StartedEventID: out.StartedEventId,
	}, nil
}

// RespondActivityTaskCompleted records an activity's result.
func (e *Engine) RespondActivityTaskCompleted(ctx context.Context, token, result string) error {
	const op = "RespondActivityTaskCompleted"
	if err := e.check(op); err != nil {
		return err
	}
	_, err := e.c.RespondActivityTaskCompleted(ctx, &awsswf.RespondActivityTaskCompletedInput{
		TaskToken: aws.String(token),
		Result:    optional(result),
	}, copyBodies)
	if err != nil {
		return e.fault(op, err)
	}
	return nil
}

// RespondActivityTaskFailed records an activity's failure.
func (e *Engine) RespondActivityTaskFailed(ctx context.Context, token, reason, details string) error {
	const op = "RespondActivityTaskFailed"
	if err := e.check(op); err != nil {
		return err
	}
	_, err := e.c.RespondActivityTaskFailed(ctx, &awsswf.RespondActivityTaskFailedInput{
		TaskToken: aws.String(token),
		Reason:    optional(reason),
		Details:   optional(details),
	}, copyBodies)
	if err != nil {
		return e.fault(op, err)
	}
	return nil
}

// RecordActivityTaskHeartbeat records a heartbeat; cancelRequested reports
// that a cancellation of the task was requested.
func (e *Engine) RecordActivityTaskHeartbeat(ctx context.Context, token, details string) (cancelRequested bool, err error) {
	const op = "RecordActivityTaskHeartbeat"
	if err := e.check(op); err != nil {
		return false, err
	}
	out, err := e.c.RecordActivityTaskHeartbeat(ctx, &awsswf.RecordActivityTaskHeartbeatInput{
		TaskToken: aws.String(token),
		Details:   optional(details),
	}, copyBodies)
	if err != nil {
		return false, e.fault(op, err)
	}
	return out.CancelRequested, nil
}
