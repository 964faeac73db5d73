package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/flowy-go/flowy/engine"
)

var (
	_ engine.TypeAdmin       = (*Engine)(nil)
	_ engine.ExecutionLister = (*Engine)(nil)
	_ engine.PendingCounter  = (*Engine)(nil)
	_ engine.Signaler        = (*Engine)(nil)
)

// DescribeWorkflowType describes a registered workflow type. The engine
// keeps no descriptions: Description is always empty. An unknown type
// returns an error wrapping [engine.ErrUnknownResource].
func (e *Engine) DescribeWorkflowType(ctx context.Context, t engine.WorkflowType) (*engine.WorkflowTypeDetail, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	d, ok := e.wfTypes[t]
	if !ok {
		return nil, e.fail(fmt.Errorf("memory: describe workflow type %s/%s: %w", t.Name, t.Version, engine.ErrUnknownResource))
	}
	c := *d
	return &c, e.finish()
}

// DescribeActivityType describes a registered activity type. The engine
// keeps no descriptions: Description is always empty. An unknown type
// returns an error wrapping [engine.ErrUnknownResource].
func (e *Engine) DescribeActivityType(ctx context.Context, t engine.ActivityType) (*engine.ActivityTypeDetail, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	d, ok := e.actTypes[t]
	if !ok {
		return nil, e.fail(fmt.Errorf("memory: describe activity type %s/%s: %w", t.Name, t.Version, engine.ErrUnknownResource))
	}
	c := *d
	return &c, e.finish()
}

// ListWorkflowTypes lists the workflow types with the status (all of them if
// status is empty) and the name (any name if empty), ordered by name then
// version.
func (e *Engine) ListWorkflowTypes(ctx context.Context, status engine.TypeStatus, name string) ([]engine.WorkflowTypeDetail, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	var out []engine.WorkflowTypeDetail
	for _, d := range e.wfTypes {
		if (status == "" || d.Status == status) && (name == "" || d.Name == name) {
			out = append(out, *d)
		}
	}
	if err := e.finish(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b engine.WorkflowTypeDetail) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out, nil
}

// ListActivityTypes lists the activity types with the status (all of them if
// status is empty) and the name (any name if empty), ordered by name then
// version.
func (e *Engine) ListActivityTypes(ctx context.Context, status engine.TypeStatus, name string) ([]engine.ActivityTypeDetail, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	var out []engine.ActivityTypeDetail
	for _, d := range e.actTypes {
		if (status == "" || d.Status == status) && (name == "" || d.Name == name) {
			out = append(out, *d)
		}
	}
	if err := e.finish(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b engine.ActivityTypeDetail) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out, nil
}

// DeprecateWorkflowType deprecates a workflow type: it can no longer start
// executions ([Engine.StartWorkflow] returns an error wrapping
// [engine.ErrTypeDeprecated]; child workflow and continue-as-new decisions
// fail with cause [engine.CauseTypeDeprecated]), open executions carry on,
// and registering it again still returns [engine.ErrTypeAlreadyExists]. An
// unknown type returns an error wrapping [engine.ErrUnknownResource], a
// deprecated one an error wrapping [engine.ErrTypeDeprecated].
func (e *Engine) DeprecateWorkflowType(ctx context.Context, t engine.WorkflowType) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	what := fmt.Sprintf("memory: deprecate workflow type %s/%s", t.Name, t.Version)
	d, ok := e.wfTypes[t]
	if !ok {
		return e.fail(fmt.Errorf("%s: %w", what, engine.ErrUnknownResource))
	}
	if d.Status == engine.TypeDeprecated {
		return e.fail(fmt.Errorf("%s: %w", what, engine.ErrTypeDeprecated))
	}
	nd := *d // a new value: details handed out are never written
	nd.Status, nd.DeprecatedSince = engine.TypeDeprecated, time.Now()
	e.wfTypes[t] = &nd
	e.journalWorkflowType(&nd)
	return e.finish()
}

// DeprecateActivityType deprecates an activity type: decisions scheduling it
// fail with cause [engine.CauseTypeDeprecated]; tasks already scheduled
// carry on. An unknown type returns an error wrapping
// [engine.ErrUnknownResource], a deprecated one an error wrapping
// [engine.ErrTypeDeprecated].
func (e *Engine) DeprecateActivityType(ctx context.Context, t engine.ActivityType) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	what := fmt.Sprintf("memory: deprecate activity type %s/%s", t.Name, t.Version)
	d, ok := e.actTypes[t]
	if !ok {
		return e.fail(fmt.Errorf("%s: %w", what, engine.ErrUnknownResource))
	}
	if d.Status == engine.TypeDeprecated {
		return e.fail(fmt.Errorf("%s: %w", what, engine.ErrTypeDeprecated))
	}
	nd := *d
	nd.Status, nd.DeprecatedSince = engine.TypeDeprecated, time.Now()
	e.actTypes[t] = &nd
	e.journalActivityType(&nd)
	return e.finish()
}

// ListExecutions lists the executions f selects (open ones if f.Open is set,
// closed ones otherwise), newest start first. The close-time bounds and
// CloseStatus do not apply to open executions. It scans every execution the
// engine holds (with a journal: open ones in memory, closed ones in the
// journal).
func (e *Engine) ListExecutions(ctx context.Context, f engine.ExecutionFilter) ([]engine.ExecutionInfo, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	if !f.Open && e.journal != nil {
		if err := e.finish(); err != nil {
			return nil, err
		}
		return e.journal.ListClosed(ctx, f)
	}
	defer e.mu.Unlock()
	var runs []*run
	for _, r := range e.runs {
		if matches(r, &f) {
			runs = append(runs, r)
		}
	}
	slices.SortFunc(runs, func(a, b *run) int {
		return cmp.Or(b.startTime.Compare(a.startTime), cmp.Compare(b.seq, a.seq))
	})
	out := make([]engine.ExecutionInfo, len(runs))
	for i, r := range runs {
		out[i] = *r.info()
	}
	return out, nil
}

// matches reports whether f selects r.
func matches(r *run, f *engine.ExecutionFilter) bool {
	open := r.status == engine.StatusOpen
	if open != f.Open {
		return false
	}
	if !inRange(r.startTime, f.StartedAfter, f.StartedBefore) {
		return false
	}
	if !open {
		if !inRange(r.closeTime, f.ClosedAfter, f.ClosedBefore) {
			return false
		}
		if f.CloseStatus != "" && r.status != f.CloseStatus {
			return false
		}
	}
	if f.WorkflowID != "" && r.exec.WorkflowID != f.WorkflowID {
		return false
	}
	if f.TypeName != "" && (r.typ.Name != f.TypeName || f.TypeVer != "" && r.typ.Version != f.TypeVer) {
		return false
	}
	if f.Tag != "" && !slices.Contains(r.tags, f.Tag) {
		return false
	}
	return true
}

// inRange reports whether t is within [after, before], a zero bound being
// no bound.
func inRange(t, after, before time.Time) bool {
	return (after.IsZero() || !t.Before(after)) && (before.IsZero() || !t.After(before))
}

// CountPendingDecisionTasks counts the decision tasks scheduled on the task
// list and not yet started.
func (e *Engine) CountPendingDecisionTasks(ctx context.Context, taskList string) (int, error) {
	if err := e.enter(ctx); err != nil {
		return 0, err
	}
	n := 0
	if l := e.decLists[taskList]; l != nil {
		n = l.pending
	}
	return n, e.finish()
}

// CountPendingActivityTasks counts the activity tasks scheduled on the task
// list and not yet started (tasks that timed out or whose run closed are
// not counted).
func (e *Engine) CountPendingActivityTasks(ctx context.Context, taskList string) (int, error) {
	if err := e.enter(ctx); err != nil {
		return 0, err
	}
	n := 0
	if l := e.actLists[taskList]; l != nil {
		n = l.pending
	}
	return n, e.finish()
}

// openRun returns the open run exec names (an empty run id: the open run of
// the workflow id), or an error wrapping [engine.ErrUnknownResource].
func (e *Engine) openRun(what string, exec engine.Execution) (*run, error) {
	r, err := e.findRun(exec)
	if err != nil {
		return nil, err
	}
	if r.status != engine.StatusOpen {
		return nil, fmt.Errorf("%s: run %s is closed: %w", what, r.exec.RunID, engine.ErrUnknownResource)
	}
	return r, nil
}

// SignalWorkflow records WorkflowExecutionSignaled in an open run and
// schedules a decision task. An empty run id means the open run of the
// workflow id. An unknown or closed run returns an error wrapping
// [engine.ErrUnknownResource]; an empty signal name one wrapping
// [engine.ErrInvalidArgument]; a name or input over its limit one wrapping
// [engine.ErrLimitExceeded]. Like an activity closing, a signal that arrives
// while a decision task is started makes the engine refuse that task's close
// decision.
func (e *Engine) SignalWorkflow(ctx context.Context, exec engine.Execution, name, input string) error {
	what := "memory: signal workflow execution " + execString(exec)
	if err := errors.Join(
		checkID("signal name", name),
		checkLen("input", input, engine.MaxPayloadChars),
	); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	r, err := e.openRun(what, exec)
	if err != nil {
		return e.fail(err)
	}
	e.record(r, &engine.WorkflowExecutionSignaled{SignalName: name, Input: input})
	e.scheduleDecision(r)
	return e.finish()
}

// RequestCancelWorkflow records WorkflowExecutionCancelRequested in an open
// run and schedules a decision task; from then on heartbeats of the run's
// activities report the cancel request. Each request is recorded. An empty
// run id means the open run of the workflow id; an unknown or closed run
// returns an error wrapping [engine.ErrUnknownResource].
func (e *Engine) RequestCancelWorkflow(ctx context.Context, exec engine.Execution) error {
	what := "memory: request cancel of workflow execution " + execString(exec)
	if err := e.enter(ctx); err != nil {
		return err
	}
	r, err := e.openRun(what, exec)
	if err != nil {
		return e.fail(err)
	}
	e.requestCancel(r, "")
	return e.finish()
}
