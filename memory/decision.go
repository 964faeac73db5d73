package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// scheduleDecision schedules a decision task for r: it records
// DecisionTaskScheduled and queues the task, unless one is already scheduled
// or the run is closed. If one is started, another is scheduled when it ends.
func (e *Engine) scheduleDecision(r *run) {
	if r.status != engine.StatusOpen {
		return
	}
	switch r.dec.state {
	case decScheduled:
		return
	case decStarted:
		r.dec.pending = true
		return
	}
	id := e.record(r, &engine.DecisionTaskScheduled{TaskList: r.taskList, StartToClose: r.decTimeout})
	r.dec.state = decScheduled
	r.dec.scheduledID = id
	l := e.decList(r.taskList)
	l.pending++
	l.offer(decRef{r: r, scheduledID: id}, false)
}

func validDecision(d decRef) bool {
	r := d.r
	return r.status == engine.StatusOpen && r.dec.state == decScheduled && r.dec.scheduledID == d.scheduledID
}

// startDecision hands out the scheduled decision task of d.r.
func (e *Engine) startDecision(d decRef, identity string) *engine.DecisionTask {
	r := d.r
	id := e.record(r, &engine.DecisionTaskStarted{ScheduledEventID: d.scheduledID, Identity: identity})
	r.dec.state = decStarted
	r.dec.startedID = id
	r.dec.token = decisionToken(r.exec.RunID, id)
	e.decTokens[r.dec.token] = r
	if r.decTimeout > 0 {
		r.dec.deadline = time.Now().Add(r.decTimeout)
		if r.dec.timer == nil {
			r.dec.timer = time.AfterFunc(r.decTimeout, func() { e.decisionTimedOut(r) })
		} else {
			r.dec.timer.Reset(r.decTimeout)
		}
	}
	return &engine.DecisionTask{
		Token:                  r.dec.token,
		Execution:              r.exec,
		Type:                   r.typ,
		Events:                 r.history(id),
		StartedEventID:         id,
		PreviousStartedEventID: r.dec.prevStartedID,
	}
}

// endDecision ends r's started decision task: its token becomes invalid.
func (e *Engine) endDecision(r *run) {
	delete(e.decTokens, r.dec.token)
	r.dec.token = ""
	r.dec.state = decNone
	r.dec.pending = false
	if r.dec.timer != nil {
		r.dec.timer.Stop()
	}
}

func (e *Engine) decisionTimedOut(r *run) {
	e.mu.Lock()
	if e.closed || r.status != engine.StatusOpen || r.dec.state != decStarted {
		e.mu.Unlock()
		return
	}
	if now := time.Now(); now.Before(r.dec.deadline) {
		// A later decision task reused the timer.
		r.dec.timer.Reset(r.dec.deadline.Sub(now))
		e.mu.Unlock()
		return
	}
	e.log.Debug("memory: decision task timed out", "workflow_id", r.exec.WorkflowID, "run_id", r.exec.RunID,
		"started_event_id", r.dec.startedID)
	e.record(r, &engine.DecisionTaskTimedOut{
		ScheduledEventID: r.dec.scheduledID,
		StartedEventID:   r.dec.startedID,
		TimeoutType:      engine.TimeoutStartToClose,
	})
	e.endDecision(r)
	e.scheduleDecision(r)
	e.finishTimer()
}

// PollDecisionTask waits for a decision task on the task list. It returns
// (nil, nil) when ctx ends first, and an error wrapping [engine.ErrClosed]
// when the engine closes.
func (e *Engine) PollDecisionTask(ctx context.Context, p engine.PollParams) (*engine.DecisionTask, error) {
	if p.TaskList == "" {
		return nil, invalid("memory: poll for decision task: empty task list")
	}
	return poll(ctx, e,
		func() *taskList[decRef] { return e.decList(p.TaskList) },
		validDecision,
		func(d decRef) *engine.DecisionTask { return e.startDecision(d, p.Identity) })
}

// RespondDecisionTaskCompleted answers a decision task. An unknown or stale
// token returns an error wrapping [engine.ErrUnknownResource]; invalid
// decisions (a close decision that is not the last, an empty id) return an
// error, and oversize ones an error wrapping [engine.ErrLimitExceeded]. In
// all these cases nothing is recorded.
func (e *Engine) RespondDecisionTaskCompleted(ctx context.Context, p engine.RespondDecisionParams) error {
	const op = OpRespondDecisionTaskCompleted
	if err := e.before(ctx, op); err != nil {
		return err
	}
	if err := validateDecisions(p); err != nil {
		return fmt.Errorf("memory: %s: %w", op, err)
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return errClosed
	}
	r, ok := e.decTokens[p.Token]
	if !ok {
		e.mu.Unlock()
		return fmt.Errorf("memory: %s: decision task token %q: no such started task "+
			"(it completed or timed out, or its run closed): %w", op, p.Token, engine.ErrUnknownResource)
	}
	completedID := e.record(r, &engine.DecisionTaskCompleted{
		ScheduledEventID: r.dec.scheduledID,
		StartedEventID:   r.dec.startedID,
		ExecutionContext: p.ExecutionContext,
	})
	r.dec.prevStartedID = r.dec.startedID
	unhandled := r.dec.pending
	e.endDecision(r)

	again := unhandled // schedule a decision task after the decisions
	// Children started by the decisions: their ChildWorkflowExecutionStarted
	// events follow the decisions' events (and precede a close), so that
	// these stay together, one per decision, in order.
	var children []*child
	for _, d := range p.Decisions {
		switch d := d.(type) {
		case *engine.ScheduleActivityTask:
			if !e.scheduleActivity(r, d, completedID) {
				again = true
			}
		case *engine.StartTimer:
			if !e.startTimer(r, d, completedID) {
				again = true
			}
		case *engine.StartChildWorkflowExecution:
			if c := e.startChild(r, d, completedID); c != nil {
				children = append(children, c)
			}
			again = true // ChildWorkflowExecutionStarted or StartChildWorkflowExecutionFailed
		case *engine.CompleteWorkflowExecution:
			if unhandled {
				e.record(r, &engine.CompleteWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: completedID})
				continue
			}
			e.childrenStarted(r, children)
			children = nil
			e.closeRun(r, &engine.WorkflowExecutionCompleted{Result: d.Result, DecisionTaskCompletedEventID: completedID},
				engine.StatusCompleted)
		case *engine.FailWorkflowExecution:
			if unhandled {
				e.record(r, &engine.FailWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: completedID})
				continue
			}
			e.childrenStarted(r, children)
			children = nil
			e.closeRun(r, &engine.WorkflowExecutionFailed{Reason: d.Reason, Details: d.Details, DecisionTaskCompletedEventID: completedID},
				engine.StatusFailed)
		case *engine.ContinueAsNewWorkflowExecution:
			if unhandled {
				e.record(r, &engine.ContinueAsNewWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: completedID})
				continue
			}
			if !e.continueAsNew(r, d, completedID, func() { e.childrenStarted(r, children); children = nil }) {
				again = true
			}
		}
	}
	e.childrenStarted(r, children)
	if again {
		e.scheduleDecision(r) // does nothing if the run closed
	}
	if err := e.finish(); err != nil {
		return err
	}
	return e.after(op)
}

// startTimer carries out a StartTimer decision; false if it failed.
func (e *Engine) startTimer(r *run, d *engine.StartTimer, completedID int64) bool {
	if _, ok := r.timers[d.TimerID]; ok {
		e.record(r, &engine.StartTimerFailed{TimerID: d.TimerID, Cause: engine.CauseTimerIDAlreadyInUse, DecisionTaskCompletedEventID: completedID})
		return false
	}
	t := &wfTimer{id: d.TimerID}
	t.startedID = e.record(r, &engine.TimerStarted{TimerID: d.TimerID, StartToFire: d.StartToFire, Control: d.Control,
		DecisionTaskCompletedEventID: completedID})
	if r.timers == nil {
		r.timers = make(map[string]*wfTimer)
	}
	r.timers[d.TimerID] = t
	t.timer = time.AfterFunc(d.StartToFire, func() { e.timerFired(r, t) })
	return true
}

func (e *Engine) timerFired(r *run, t *wfTimer) {
	e.mu.Lock()
	if e.closed || r.status != engine.StatusOpen || r.timers[t.id] != t {
		e.mu.Unlock()
		return
	}
	delete(r.timers, t.id)
	e.record(r, &engine.TimerFired{TimerID: t.id, StartedEventID: t.startedID})
	e.scheduleDecision(r)
	e.finishTimer()
}

// startChild carries out a StartChildWorkflowExecution decision: it records
// StartChildWorkflowExecutionInitiated and starts the child, and returns it
// for childrenStarted; or it records StartChildWorkflowExecutionFailed and
// returns nil.
func (e *Engine) startChild(r *run, d *engine.StartChildWorkflowExecution, completedID int64) *child {
	initID := e.record(r, &engine.StartChildWorkflowExecutionInitiated{
		WorkflowID:                   d.WorkflowID,
		Type:                         d.Type,
		Input:                        d.Input,
		Control:                      d.Control,
		TaskList:                     d.TaskList,
		ExecutionTimeout:             d.ExecutionTimeout,
		DecisionTimeout:              d.DecisionTimeout,
		ChildPolicy:                  d.ChildPolicy,
		Tags:                         d.Tags,
		DecisionTaskCompletedEventID: completedID,
	})
	fail := func(cause string) {
		e.record(r, &engine.StartChildWorkflowExecutionFailed{WorkflowID: d.WorkflowID, Type: d.Type, Cause: cause,
			InitiatedEventID: initID, DecisionTaskCompletedEventID: completedID})
	}
	t, ok := e.wfTypes[d.Type]
	if !ok {
		fail(engine.CauseTypeDoesNotExist)
		return nil
	}
	if t.Status == engine.TypeDeprecated {
		fail(engine.CauseTypeDeprecated)
		return nil
	}
	if cur := e.latest[d.WorkflowID]; cur != nil && cur.status == engine.StatusOpen {
		fail(engine.CauseWorkflowAlreadyRunning)
		return nil
	}
	c := &child{workflowID: d.WorkflowID, parent: r, initiatedID: initID}
	e.startRun(runParams{
		workflowID:  d.WorkflowID,
		typ:         d.Type,
		input:       d.Input,
		taskList:    cmp.Or(d.TaskList, t.DefaultTaskList, r.taskList),
		execTimeout: resolve(d.ExecutionTimeout, t.DefaultExecutionTimeout),
		decTimeout:  resolve(d.DecisionTimeout, t.DefaultDecisionTimeout, DefaultDecisionTimeout),
		childPolicy: cmp.Or(d.ChildPolicy, t.DefaultChildPolicy, engine.ChildPolicyAbandon),
		tags:        slices.Clone(d.Tags),
		asChild:     c,
	})
	return c
}

// childrenStarted records ChildWorkflowExecutionStarted in parent r for the
// children its decisions started, and makes them its open children.
func (e *Engine) childrenStarted(r *run, children []*child) {
	for _, c := range children {
		c.startedID = e.record(r, &engine.ChildWorkflowExecutionStarted{Execution: c.cur.exec, Type: c.cur.typ,
			InitiatedEventID: c.initiatedID})
		if r.children == nil {
			r.children = make(map[string]*child)
		}
		r.children[c.workflowID] = c
	}
}

// continueAsNew carries out a ContinueAsNewWorkflowExecution decision; false
// if it failed. beforeClose runs before the run closes.
func (e *Engine) continueAsNew(r *run, d *engine.ContinueAsNewWorkflowExecution, completedID int64, beforeClose func()) bool {
	typ := r.typ
	if d.Version != "" {
		typ.Version = d.Version
	}
	t, ok := e.wfTypes[typ]
	cause := ""
	switch {
	case !ok:
		cause = engine.CauseTypeDoesNotExist
	case t.Status == engine.TypeDeprecated:
		cause = engine.CauseTypeDeprecated
	}
	if cause != "" {
		e.record(r, &engine.ContinueAsNewWorkflowExecutionFailed{Cause: cause, DecisionTaskCompletedEventID: completedID})
		return false
	}
	tags := r.tags
	if d.Tags != nil {
		tags = slices.Clone(d.Tags)
	}
	p := runParams{
		workflowID:  r.exec.WorkflowID,
		typ:         typ,
		input:       d.Input,
		taskList:    cmp.Or(d.TaskList, r.taskList),
		execTimeout: resolve(d.ExecutionTimeout, r.execTimeout),
		decTimeout:  resolve(d.DecisionTimeout, r.decTimeout),
		childPolicy: cmp.Or(d.ChildPolicy, r.childPolicy),
		tags:        tags,
		asChild:     r.asChild,
		continued:   r.exec.RunID,
	}
	// The closing event names the new run, which starts once the old one has
	// closed (and applied its child policy).
	p.runID = newRunID()
	beforeClose()
	e.closeRun(r, &engine.WorkflowExecutionContinuedAsNew{
		NewRunID:                     p.runID,
		Input:                        d.Input,
		DecisionTaskCompletedEventID: completedID,
	}, engine.StatusContinuedAsNew)
	e.startRun(p)
	return true
}
