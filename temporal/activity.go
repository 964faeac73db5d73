package temporal

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/flowy-go/flowy/engine"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// activityPoll is an activity task as it came from the server.
type activityPoll struct {
	resp *workflowservice.PollActivityTaskQueueResponse
}

// activityFeed returns the feed of a task list's activity tasks.
func (e *Engine) activityFeed(taskList string) *feed[*activityPoll] {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f := e.actFeeds[taskList]; f != nil {
		return f
	}
	f := newFeed(e, e.pollActivityTask, e.queue(taskList))
	e.actFeeds[taskList] = f
	return f
}

func (e *Engine) pollActivityTask(ctx context.Context, q *taskqueuepb.TaskQueue, identity string) (*activityPoll, bool, error) {
	resp, err := e.svc.PollActivityTaskQueue(ctx, &workflowservice.PollActivityTaskQueueRequest{
		Namespace: e.ns,
		TaskQueue: q,
		Identity:  e.identity(identity),
	})
	if err != nil {
		return nil, false, mapError(err)
	}
	if len(resp.TaskToken) == 0 {
		return nil, false, nil
	}
	return &activityPoll{resp: resp}, true, nil
}

// PollActivityTask waits for an activity task on the task list. It returns
// (nil, nil) when ctx ends first, and an error wrapping [engine.ErrClosed]
// once the engine is closed. Temporal records ActivityTaskStarted only when
// the task closes, so the task's StartedEventID is 0; its Timeouts have no
// schedule-to-start timeout (the task has started).
func (e *Engine) PollActivityTask(ctx context.Context, p engine.PollParams) (*engine.ActivityTask, error) {
	if p.TaskList == "" {
		return nil, invalid("temporal: poll for activity task: empty task list")
	}
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	ap, ok, err := e.activityFeed(p.TaskList).get(ctx, p.Identity)
	if err != nil {
		return nil, fmt.Errorf("temporal: poll for activity task on %q: %w", p.TaskList, err)
	}
	if !ok {
		return nil, nil
	}
	r := ap.resp
	return &engine.ActivityTask{
		Token:      base64.RawURLEncoding.EncodeToString(r.TaskToken),
		Execution:  fromExec(r.WorkflowExecution),
		ActivityID: r.ActivityId,
		Type:       engine.ActivityType{Name: r.ActivityType.GetName(), Version: headerVersion(r.Header)},
		Input:      fromPayloads(r.Input),
		Timeouts: engine.ActivityTimeouts{
			StartToClose:    fromDur(r.StartToCloseTimeout),
			ScheduleToClose: fromDur(r.ScheduleToCloseTimeout),
			Heartbeat:       fromDur(r.HeartbeatTimeout),
		},
	}, nil
}

func activityToken(op, token string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("temporal: %s: activity task token %q: not a token of this engine: %w", op, token, engine.ErrUnknownResource)
	}
	return b, nil
}

// RespondActivityTaskCompleted records an activity's result. A token whose
// task already closed returns an error wrapping [engine.ErrUnknownResource].
func (e *Engine) RespondActivityTaskCompleted(ctx context.Context, token, result string) error {
	const op = "RespondActivityTaskCompleted"
	if err := checkLen("result", result, engine.MaxPayloadChars); err != nil {
		return fmt.Errorf("temporal: %s: %w", op, err)
	}
	tok, err := activityToken(op, token)
	if err != nil {
		return err
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	_, err = e.svc.RespondActivityTaskCompleted(ctx, &workflowservice.RespondActivityTaskCompletedRequest{
		Namespace: e.ns,
		TaskToken: tok,
		Result:    payloads(result),
		Identity:  e.opts.Identity,
	})
	if err != nil {
		return fmt.Errorf("temporal: %s: %w", op, mapTokenError(err))
	}
	return nil
}

// RespondActivityTaskFailed records an activity's failure, as a
// non-retryable Temporal application failure (see the package doc). A token
// whose task already closed returns an error wrapping
// [engine.ErrUnknownResource].
func (e *Engine) RespondActivityTaskFailed(ctx context.Context, token, reason, details string) error {
	const op = "RespondActivityTaskFailed"
	if err := errors.Join(
		checkLen("reason", reason, engine.MaxReasonChars),
		checkLen("details", details, engine.MaxPayloadChars),
	); err != nil {
		return fmt.Errorf("temporal: %s: %w", op, err)
	}
	tok, err := activityToken(op, token)
	if err != nil {
		return err
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	_, err = e.svc.RespondActivityTaskFailed(ctx, &workflowservice.RespondActivityTaskFailedRequest{
		Namespace: e.ns,
		TaskToken: tok,
		Failure:   encodeFailure(reason, details),
		Identity:  e.opts.Identity,
	})
	if err != nil {
		return fmt.Errorf("temporal: %s: %w", op, mapTokenError(err))
	}
	return nil
}

// RecordActivityTaskHeartbeat records a heartbeat with its details.
// cancelRequested reports that the activity should stop: the run asked to
// cancel it, or an operator paused or reset it (Temporal's ActivityPaused and
// ActivityReset). A token whose task already closed (or whose run closed)
// returns an error wrapping [engine.ErrUnknownResource].
func (e *Engine) RecordActivityTaskHeartbeat(ctx context.Context, token, details string) (bool, error) {
	const op = "RecordActivityTaskHeartbeat"
	if err := checkLen("details", details, engine.MaxHeartbeatDetailsChars); err != nil {
		return false, fmt.Errorf("temporal: %s: %w", op, err)
	}
	tok, err := activityToken(op, token)
	if err != nil {
		return false, err
	}
	if err := e.enter(ctx); err != nil {
		return false, err
	}
	resp, err := e.svc.RecordActivityTaskHeartbeat(ctx, &workflowservice.RecordActivityTaskHeartbeatRequest{
		Namespace: e.ns,
		TaskToken: tok,
		Details:   payloads(details),
		Identity:  e.opts.Identity,
	})
	if err != nil {
		return false, fmt.Errorf("temporal: %s: %w", op, mapTokenError(err))
	}
	return resp.CancelRequested || resp.ActivityPaused || resp.ActivityReset, nil
}
