package swf

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsswf "github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/engine"
)

// maxRemembered bounds the runs remembered for continue-as-new (tokens a
// decider never answered would otherwise pile up). When it is reached the
// memory is cleared: a continue-as-new then falls back to the type's
// defaults, as in SWF.
const maxRemembered = 10000

// runSettings are the settings of a run that a continue-as-new keeps.
type runSettings struct {
	taskList        string
	execTimeout     time.Duration
	decisionTimeout time.Duration
	childPolicy     engine.ChildPolicy
	tags            []string
}

// PollDecisionTask long-polls the task list for a decision task and reads
// its whole history, page by page. It returns (nil, nil) when the poll ends
// empty or ctx ends first.
func (e *Engine) PollDecisionTask(ctx context.Context, p engine.PollParams) (*engine.DecisionTask, error) {
	const op = "PollForDecisionTask"
	if err := e.check(op); err != nil {
		return nil, err
	}
	pctx, cancel := e.pollContext(ctx)
	defer cancel()
	in := &awsswf.PollForDecisionTaskInput{
		Domain:          aws.String(e.domain),
		TaskList:        taskList(p.TaskList),
		Identity:        optional(p.Identity),
		MaximumPageSize: e.opts.PageSize,
	}
	out, err := e.c.PollForDecisionTask(pctx, in, copyBodies)
	if err != nil {
		if ended, err2 := e.pollEnded(ctx, op); ended {
			return nil, err2
		}
		return nil, e.fault(op, err)
	}
	token := aws.ToString(out.TaskToken)
	if token == "" {
		return nil, nil
	}
	history := out.Events
	for next := aws.ToString(out.NextPageToken); next != ""; {
		page, err := e.decisionPage(pctx, in, next)
		if err != nil {
			if ended, err2 := e.pollEnded(ctx, op); ended {
				return nil, err2 // the task times out and is handed out again
			}
			return nil, err
		}
		history = append(history, page.Events...)
		next = aws.ToString(page.NextPageToken)
	}
	events, err := convertEvents(history)
	if err != nil {
		return nil, fmt.Errorf("swf: decision task of %s: %w", execution(out.WorkflowExecution).WorkflowID, err)
	}
	if sid := out.StartedEventId; sid > 0 && int64(len(events)) > sid {
		events = events[:sid] // the contract: up to this task's started event
	}
	task := &engine.DecisionTask{
		Token:                  token,
		Execution:              execution(out.WorkflowExecution),
		Type:                   workflowType(out.WorkflowType),
		Events:                 events,
		StartedEventID:         out.StartedEventId,
		PreviousStartedEventID: lastCompletedStart(events),
	}
	if len(events) > 0 {
		if s, ok := events[0].Attr.(*engine.WorkflowExecutionStarted); ok {
			e.remember(token, &runSettings{taskList: s.TaskList, execTimeout: s.ExecutionTimeout,
				decisionTimeout: s.DecisionTimeout, childPolicy: s.ChildPolicy, tags: s.Tags})
		}
	}
	return task, nil
}

// decisionPage reads one more page of a decision task's history, asking
// again (with a doubling delay) when it fails.
func (e *Engine) decisionPage(ctx context.Context, in *awsswf.PollForDecisionTaskInput, next string) (*awsswf.PollForDecisionTaskOutput, error) {
	pin := *in
	pin.NextPageToken = aws.String(next)
	delay := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		out, err := e.c.PollForDecisionTask(ctx, &pin, copyBodies)
		if err == nil {
			return out, nil
		}
		if attempt >= max(e.opts.PageRetries, 0) || ctx.Err() != nil {
			return nil, e.fault("PollForDecisionTask (history page)", err)
		}
		e.log.Warn("swf: reading a page of a decision task's history failed; trying again", "delay", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, e.fault("PollForDecisionTask (history page)", ctx.Err())
		case <-t.C:
		}
		delay *= 2
	}
}

func (e *Engine) remember(token string, s *runSettings) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.runs) >= maxRemembered {
		clear(e.runs)
	}
	e.runs[token] = s
}

func (e *Engine) forget(token string) *runSettings {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.runs[token]
	delete(e.runs, token)
	return s
}

// RespondDecisionTaskCompleted answers a decision task. Only the fields the
// decisions set are sent, except that a continue-as-new keeps the current
// run's settings for the ones it leaves unset.
func (e *Engine) RespondDecisionTaskCompleted(ctx context.Context, p engine.RespondDecisionParams) error {
	const op = "RespondDecisionTaskCompleted"
	run := e.forget(p.Token)
	ds, err := convertDecisions(p.Decisions, run)
	if err != nil {
		return err
	}
	if err := e.check(op); err != nil {
		return err
	}
	_, err = e.c.RespondDecisionTaskCompleted(ctx, &awsswf.RespondDecisionTaskCompletedInput{
		TaskToken:        aws.String(p.Token),
		Decisions:        ds,
		ExecutionContext: optional(p.ExecutionContext),
	}, copyBodies)
	if err != nil {
		return e.fault(op, err)
	}
	return nil
}

// convertDecisions converts decisions to SWF's; run, if known, holds the
// settings a continue-as-new keeps. The result is never nil: SWF's answer
// lists the decisions even when there are none.
func convertDecisions(decisions []engine.Decision, run *runSettings) ([]types.Decision, error) {
	out := make([]types.Decision, 0, len(decisions))
	for i, d := range decisions {
		if engine.IsClose(d) && i != len(decisions)-1 {
			return nil, fmt.Errorf("swf: decision %d (%s) closes the run but is not the last: %w", i+1, d.DecisionType(), engine.ErrInvalidArgument)
		}
		sd, err := convertDecision(d, run)
		if err != nil {
			return nil, fmt.Errorf("swf: decision %d: %w", i+1, err)
		}
		out = append(out, sd)
	}
	return out, nil
}

func convertDecision(d engine.Decision, run *runSettings) (types.Decision, error) {
	switch d := d.(type) {
	case *engine.ScheduleActivityTask:
		if err := checkTimeouts("", d.Timeouts); err != nil {
			return types.Decision{}, err
		}
		return types.Decision{
			DecisionType: types.DecisionTypeScheduleActivityTask,
			ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
				ActivityId:             aws.String(d.ActivityID),
				ActivityType:           &types.ActivityType{Name: aws.String(d.Type.Name), Version: aws.String(d.Type.Version)},
				Input:                  optional(d.Input),
				Control:                optional(d.Control),
				TaskList:               taskList(d.TaskList),
				ScheduleToStartTimeout: duration(d.Timeouts.ScheduleToStart),
				StartToCloseTimeout:    duration(d.Timeouts.StartToClose),
				ScheduleToCloseTimeout: duration(d.Timeouts.ScheduleToClose),
				HeartbeatTimeout:       duration(d.Timeouts.Heartbeat),
			},
		}, nil
	case *engine.StartTimer:
		if d.StartToFire < 0 {
			return types.Decision{}, fmt.Errorf("swf: timer %s: negative delay %v: %w", d.TimerID, d.StartToFire, engine.ErrInvalidArgument)
		}
		fire := formatDuration(d.StartToFire)
		if fire == "" {
			fire = "0"
		}
		return types.Decision{
			DecisionType: types.DecisionTypeStartTimer,
			StartTimerDecisionAttributes: &types.StartTimerDecisionAttributes{
				TimerId:            aws.String(d.TimerID),
				StartToFireTimeout: aws.String(fire),
				Control:            optional(d.Control),
			},
		}, nil
	case *engine.StartChildWorkflowExecution:
		if err := errors.Join(checkDuration("execution timeout", d.ExecutionTimeout),
			checkDuration("decision timeout", d.DecisionTimeout), checkChildPolicy(d.ChildPolicy)); err != nil {
			return types.Decision{}, err
		}
		return types.Decision{
			DecisionType: types.DecisionTypeStartChildWorkflowExecution,
			StartChildWorkflowExecutionDecisionAttributes: &types.StartChildWorkflowExecutionDecisionAttributes{
				WorkflowId:                   aws.String(d.WorkflowID),
				WorkflowType:                 &types.WorkflowType{Name: aws.String(d.Type.Name), Version: aws.String(d.Type.Version)},
				Input:                        optional(d.Input),
				Control:                      optional(d.Control),
				TaskList:                     taskList(d.TaskList),
				ExecutionStartToCloseTimeout: execDuration(d.ExecutionTimeout),
				TaskStartToCloseTimeout:      duration(d.DecisionTimeout),
				ChildPolicy:                  types.ChildPolicy(d.ChildPolicy),
				TagList:                      tags(d.Tags),
			},
		}, nil
	case *engine.CompleteWorkflowExecution:
		return types.Decision{
			DecisionType: types.DecisionTypeCompleteWorkflowExecution,
			CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{
				Result: optional(d.Result),
			},
		}, nil
	case *engine.FailWorkflowExecution:
		return types.Decision{
			DecisionType: types.DecisionTypeFailWorkflowExecution,
			FailWorkflowExecutionDecisionAttributes: &types.FailWorkflowExecutionDecisionAttributes{
				Reason:  optional(d.Reason),
				Details: optional(d.Details),
			},
		}, nil
	case *engine.ContinueAsNewWorkflowExecution:
		if err := errors.Join(checkDuration("execution timeout", d.ExecutionTimeout),
			checkDuration("decision timeout", d.DecisionTimeout), checkChildPolicy(d.ChildPolicy)); err != nil {
			return types.Decision{}, err
		}
		c := *d
		if run != nil {
			c.TaskList = cmp.Or(c.TaskList, run.taskList)
			c.ExecutionTimeout = cmp.Or(c.ExecutionTimeout, run.execTimeout)
			c.DecisionTimeout = cmp.Or(c.DecisionTimeout, run.decisionTimeout)
			c.ChildPolicy = cmp.Or(c.ChildPolicy, run.childPolicy)
			if c.Tags == nil {
				c.Tags = run.tags
			}
		}
		return types.Decision{
			DecisionType: types.DecisionTypeContinueAsNewWorkflowExecution,
			ContinueAsNewWorkflowExecutionDecisionAttributes: &types.ContinueAsNewWorkflowExecutionDecisionAttributes{
				Input:                        optional(c.Input),
				TaskList:                     taskList(c.TaskList),
				ExecutionStartToCloseTimeout: execDuration(c.ExecutionTimeout),
				TaskStartToCloseTimeout:      duration(c.DecisionTimeout),
				ChildPolicy:                  types.ChildPolicy(c.ChildPolicy),
				TagList:                      tags(c.Tags),
				WorkflowTypeVersion:          optional(c.Version),
			},
		}, nil
	case nil:
		return types.Decision{}, fmt.Errorf("swf: nil decision: %w", engine.ErrInvalidArgument)
	}
	return types.Decision{}, fmt.Errorf("swf: decision type %s (%T) is not supported: %w", d.DecisionType(), d, engine.ErrInvalidArgument)
}

// tags returns a tag list field (nil, so absent, when empty).
func tags(t []string) []string {
	if len(t) == 0 {
		return nil
	}
	return t
}
