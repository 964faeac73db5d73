package swf

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsswf "github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/engine"
)

// RegisterWorkflowType registers a workflow type with its defaults (unset
// ones are left out). When the type exists, it compares the registered
// defaults with t: the same give an error wrapping
// [engine.ErrTypeAlreadyExists], others an error wrapping [ErrTypeConflict].
func (e *Engine) RegisterWorkflowType(ctx context.Context, t engine.WorkflowTypeInfo) error {
	what := fmt.Sprintf("workflow type %s/%s", t.Name, t.Version)
	if err := errors.Join(
		checkDuration("default execution timeout", t.DefaultExecutionTimeout),
		checkDuration("default decision timeout", t.DefaultDecisionTimeout),
		checkChildPolicy(t.DefaultChildPolicy),
	); err != nil {
		return fmt.Errorf("swf: registering %s: %w", what, err)
	}
	if err := e.check("RegisterWorkflowType"); err != nil {
		return err
	}
	_, err := e.c.RegisterWorkflowType(ctx, &awsswf.RegisterWorkflowTypeInput{
		Domain:                              aws.String(e.domain),
		Name:                                aws.String(t.Name),
		Version:                             aws.String(t.Version),
		DefaultTaskList:                     taskList(t.DefaultTaskList),
		DefaultExecutionStartToCloseTimeout: execDuration(t.DefaultExecutionTimeout),
		DefaultTaskStartToCloseTimeout:      duration(t.DefaultDecisionTimeout),
		DefaultChildPolicy:                  types.ChildPolicy(t.DefaultChildPolicy),
	}, copyBodies)
	if !isFault(err, "TypeAlreadyExistsFault") {
		if err != nil {
			return e.fault("RegisterWorkflowType "+what, err)
		}
		return nil
	}
	out, derr := e.c.DescribeWorkflowType(ctx, &awsswf.DescribeWorkflowTypeInput{
		Domain:       aws.String(e.domain),
		WorkflowType: &types.WorkflowType{Name: aws.String(t.Name), Version: aws.String(t.Version)},
	}, copyBodies)
	if derr != nil {
		return e.fault("DescribeWorkflowType "+what, derr)
	}
	var have []setting
	if c := out.Configuration; c != nil {
		have = workflowDefaults(engine.WorkflowTypeInfo{
			DefaultTaskList:         taskListName(c.DefaultTaskList),
			DefaultExecutionTimeout: parseDur(c.DefaultExecutionStartToCloseTimeout),
			DefaultDecisionTimeout:  parseDur(c.DefaultTaskStartToCloseTimeout),
			DefaultChildPolicy:      engine.ChildPolicy(c.DefaultChildPolicy),
		})
	}
	var status types.RegistrationStatus
	if out.TypeInfo != nil {
		status = out.TypeInfo.Status
	}
	return compareDefaults(what, status, have, workflowDefaults(t), err)
}

// RegisterActivityType registers an activity type with its defaults (unset
// ones are left out). When the type exists, it compares the registered
// defaults with t: the same give an error wrapping
// [engine.ErrTypeAlreadyExists], others an error wrapping [ErrTypeConflict].
func (e *Engine) RegisterActivityType(ctx context.Context, t engine.ActivityTypeInfo) error {
	what := fmt.Sprintf("activity type %s/%s", t.Name, t.Version)
	if err := checkTimeouts("default ", t.ActivityTimeouts); err != nil {
		return fmt.Errorf("swf: registering %s: %w", what, err)
	}
	if err := e.check("RegisterActivityType"); err != nil {
		return err
	}
	_, err := e.c.RegisterActivityType(ctx, &awsswf.RegisterActivityTypeInput{
		Domain:                            aws.String(e.domain),
		Name:                              aws.String(t.Name),
		Version:                           aws.String(t.Version),
		DefaultTaskList:                   taskList(t.DefaultTaskList),
		DefaultTaskScheduleToStartTimeout: duration(t.ScheduleToStart),
		DefaultTaskStartToCloseTimeout:    duration(t.StartToClose),
		DefaultTaskScheduleToCloseTimeout: duration(t.ScheduleToClose),
		DefaultTaskHeartbeatTimeout:       duration(t.Heartbeat),
	}, copyBodies)
	if !isFault(err, "TypeAlreadyExistsFault") {
		if err != nil {
			return e.fault("RegisterActivityType "+what, err)
		}
		return nil
	}
	out, derr := e.c.DescribeActivityType(ctx, &awsswf.DescribeActivityTypeInput{
		Domain:       aws.String(e.domain),
		ActivityType: &types.ActivityType{Name: aws.String(t.Name), Version: aws.String(t.Version)},
	}, copyBodies)
	if derr != nil {
		return e.fault("DescribeActivityType "+what, derr)
	}
	var have []setting
	if c := out.Configuration; c != nil {
		have = activityDefaults(engine.ActivityTypeInfo{
			DefaultTaskList: taskListName(c.DefaultTaskList),
			ActivityTimeouts: engine.ActivityTimeouts{
				ScheduleToStart: parseDur(c.DefaultTaskScheduleToStartTimeout),
				StartToClose:    parseDur(c.DefaultTaskStartToCloseTimeout),
				ScheduleToClose: parseDur(c.DefaultTaskScheduleToCloseTimeout),
				Heartbeat:       parseDur(c.DefaultTaskHeartbeatTimeout),
			},
		})
	}
	var status types.RegistrationStatus
	if out.TypeInfo != nil {
		status = out.TypeInfo.Status
	}
	return compareDefaults(what, status, have, activityDefaults(t), err)
}

// setting is one registered default, as SWF writes it (nil: unset).
type setting struct {
	field string // SWF's name of the field
	value *string
}

// workflowDefaults lists the defaults of a workflow type as SWF writes them.
func workflowDefaults(t engine.WorkflowTypeInfo) []setting {
	return []setting{
		{"defaultTaskList", optional(t.DefaultTaskList)},
		{"defaultExecutionStartToCloseTimeout", execDuration(t.DefaultExecutionTimeout)},
		{"defaultTaskStartToCloseTimeout", duration(t.DefaultDecisionTimeout)},
		{"defaultChildPolicy", optional(string(t.DefaultChildPolicy))},
	}
}

// activityDefaults lists the defaults of an activity type as SWF writes
// them.
func activityDefaults(t engine.ActivityTypeInfo) []setting {
	return []setting{
		{"defaultTaskList", optional(t.DefaultTaskList)},
		{"defaultTaskScheduleToStartTimeout", duration(t.ScheduleToStart)},
		{"defaultTaskStartToCloseTimeout", duration(t.StartToClose)},
		{"defaultTaskScheduleToCloseTimeout", duration(t.ScheduleToClose)},
		{"defaultTaskHeartbeatTimeout", duration(t.Heartbeat)},
	}
}

// compareDefaults returns the error of registering a type that exists:
// wrapping ErrTypeAlreadyExists (and the SWF fault) when its defaults are the
// ones wanted, or ErrTypeConflict naming every difference.
func compareDefaults(what string, status types.RegistrationStatus, have, want []setting, fault error) error {
	var diffs []string
	for i, w := range want {
		var h *string
		if i < len(have) {
			h = have[i].value
		}
		if aws.ToString(h) != aws.ToString(w.value) {
			diffs = append(diffs, fmt.Sprintf("%s is %s there, %s here", w.field, show(h), show(w.value)))
		}
	}
	state := "registered"
	if status == types.RegistrationStatusDeprecated {
		state = "registered (and deprecated)"
	}
	if len(diffs) > 0 {
		return fmt.Errorf("swf: %s is already %s with other defaults: %s: %w",
			what, state, strings.Join(diffs, "; "), ErrTypeConflict)
	}
	return fmt.Errorf("swf: %s is already %s with these defaults: %w: %w", what, state, engine.ErrTypeAlreadyExists, fault)
}

func show(s *string) string {
	if s == nil {
		return "unset"
	}
	return fmt.Sprintf("%q", *s)
}

// checkTimeouts checks the four activity timeouts.
func checkTimeouts(prefix string, t engine.ActivityTimeouts) error {
	return errors.Join(
		checkDuration(prefix+"schedule-to-start timeout", t.ScheduleToStart),
		checkDuration(prefix+"start-to-close timeout", t.StartToClose),
		checkDuration(prefix+"schedule-to-close timeout", t.ScheduleToClose),
		checkDuration(prefix+"heartbeat timeout", t.Heartbeat),
	)
}
