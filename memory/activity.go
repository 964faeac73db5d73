package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// Activity task states.
const (
	actScheduled = iota
	actStarted
	actClosed
)

// activity is one activity task. All fields are guarded by the engine lock.
type activity struct {
	run         *run
	id          string
	typ         engine.ActivityType
	input       string
	taskList    string
	timeouts    engine.ActivityTimeouts // resolved: > 0 or NoTimeout
	scheduledID int64
	startedID   int64
	state       int
	token       string
	scheduledAt time.Time
	startedAt   time.Time
	lastBeat    time.Time
	details     string // of the last heartbeat
	// timer fires at the earliest deadline of the timeouts in force; the
	// callback finds which one is due, or re-arms it (a heartbeat moved the
	// heartbeat deadline, or the task started).
	timer *time.Timer
}

// nextDeadline returns the earliest deadline among the timeouts in force.
func (a *activity) nextDeadline() (at time.Time, typ engine.TimeoutType, ok bool) {
	consider := func(d time.Duration, from time.Time, tt engine.TimeoutType) {
		if d <= 0 {
			return
		}
		if dl := from.Add(d); !ok || dl.Before(at) {
			at, typ, ok = dl, tt, true
		}
	}
	switch a.state {
	case actScheduled:
		consider(a.timeouts.ScheduleToStart, a.scheduledAt, engine.TimeoutScheduleToStart)
	case actStarted:
		consider(a.timeouts.StartToClose, a.startedAt, engine.TimeoutStartToClose)
		consider(a.timeouts.Heartbeat, a.lastBeat, engine.TimeoutHeartbeat)
	default:
		return
	}
	consider(a.timeouts.ScheduleToClose, a.scheduledAt, engine.TimeoutScheduleToClose)
	return
}

// arm sets a's timer to its next deadline.
func (e *Engine) arm(a *activity, now time.Time) {
	at, _, ok := a.nextDeadline()
	if !ok {
		if a.timer != nil {
			a.timer.Stop()
		}
		return
	}
	d := at.Sub(now)
	if a.timer == nil {
		a.timer = time.AfterFunc(d, func() { e.activityTimerFired(a) })
	} else {
		a.timer.Reset(d)
	}
}

func (e *Engine) activityTimerFired(a *activity) {
	e.mu.Lock()
	if e.closed || a.state == actClosed {
		e.mu.Unlock()
		return
	}
	at, tt, ok := a.nextDeadline()
	if !ok {
		e.mu.Unlock()
		return
	}
	if now := time.Now(); now.Before(at) {
		a.timer.Reset(at.Sub(now))
		e.mu.Unlock()
		return
	}
	r := a.run
	e.record(r, &engine.ActivityTaskTimedOut{
		ScheduledEventID: a.scheduledID,
		StartedEventID:   a.startedID,
		TimeoutType:      tt,
		Details:          a.details,
	})
	e.closeActivity(a)
	e.scheduleDecision(r)
	e.finishTimer()
}

// closeActivity ends a: its timer stops and its token becomes invalid. A
// queued task that closed is skipped by polls.
func (e *Engine) closeActivity(a *activity) {
	if a.state == actScheduled {
		e.actLists[a.taskList].pending--
	}
	a.state = actClosed
	if a.timer != nil {
		a.timer.Stop()
	}
	if a.token != "" {
		delete(e.actTokens, a.token)
	}
	delete(a.run.activities, a.id)
}

// scheduleActivity carries out a ScheduleActivityTask decision; false if it
// failed.
func (e *Engine) scheduleActivity(r *run, d *engine.ScheduleActivityTask, completedID int64) bool {
	t, ok := e.actTypes[d.Type]
	cause := ""
	switch {
	case !ok:
		cause = engine.CauseTypeDoesNotExist
	case t.Status == engine.TypeDeprecated:
		cause = engine.CauseTypeDeprecated
	case r.activities[d.ActivityID] != nil:
		cause = engine.CauseIDAlreadyInUse
	}
	if cause != "" {
		e.record(r, &engine.ScheduleActivityTaskFailed{ActivityID: d.ActivityID, Type: d.Type, Cause: cause,
			DecisionTaskCompletedEventID: completedID})
		return false
	}
	a := &activity{
		run:      r,
		id:       d.ActivityID,
		typ:      d.Type,
		input:    d.Input,
		taskList: cmp.Or(d.TaskList, t.DefaultTaskList, r.taskList),
		timeouts: engine.ActivityTimeouts{
			ScheduleToStart: resolve(d.Timeouts.ScheduleToStart, t.ScheduleToStart),
			StartToClose:    resolve(d.Timeouts.StartToClose, t.StartToClose),
			ScheduleToClose: resolve(d.Timeouts.ScheduleToClose, t.ScheduleToClose),
			Heartbeat:       resolve(d.Timeouts.Heartbeat, t.Heartbeat),
		},
		state: actScheduled,
	}
	a.scheduledID = e.record(r, &engine.ActivityTaskScheduled{
		ActivityID:                   a.id,
		Type:                         a.typ,
		Input:                        a.input,
		Control:                      d.Control,
		TaskList:                     a.taskList,
		Timeouts:                     a.timeouts,
		DecisionTaskCompletedEventID: completedID,
	})
	a.scheduledAt = r.events[a.scheduledID-1].Time
	if r.activities == nil {
		r.activities = make(map[string]*activity)
	}
	r.activities[a.id] = a
	e.arm(a, time.Now())
	l := e.actList(a.taskList)
	l.pending++
	l.offer(a, false)
	return true
}

func validActivity(a *activity) bool { return a.state == actScheduled }

// startActivity hands out a.
func (e *Engine) startActivity(a *activity, identity string) *engine.ActivityTask {
	r := a.run
	a.startedID = e.record(r, &engine.ActivityTaskStarted{ScheduledEventID: a.scheduledID, Identity: identity})
	a.state = actStarted
	a.startedAt = r.events[a.startedID-1].Time
	a.lastBeat = a.startedAt
	a.token = activityToken(r.exec.RunID, a.scheduledID, a.startedID)
	e.actTokens[a.token] = a
	e.arm(a, time.Now())
	return &engine.ActivityTask{
		Token:          a.token,
		Execution:      r.exec,
		ActivityID:     a.id,
		Type:           a.typ,
		Input:          a.input,
		StartedEventID: a.startedID,
		Timeouts:       a.timeouts,
	}
}

// PollActivityTask waits for an activity task on the task list. It returns
// (nil, nil) when ctx ends first, and an error wrapping [engine.ErrClosed]
// when the engine closes.
//
// With a journal, the task is handed out before its ActivityTaskStarted
// event is durable. If the engine dies before it is, the task is queued
// again after the restore and handed out anew (the activity runs at least
// once in any case), and the first worker's token is refused — unless the
// new start happens to get the same event id, and then whichever of the two
// workers answers first is recorded, once. A task whose start was durable
// keeps its token across restarts.
func (e *Engine) PollActivityTask(ctx context.Context, p engine.PollParams) (*engine.ActivityTask, error) {
	if p.TaskList == "" {
		return nil, invalid("memory: poll for activity task: empty task list")
	}
	return poll(ctx, e,
		func() *taskList[*activity] { return e.actList(p.TaskList) },
		validActivity,
		func(a *activity) *engine.ActivityTask { return e.startActivity(a, p.Identity) })
}

// before runs at the start of respond calls: it checks ctx and runs the
// BeforeRespond hook.
func (e *Engine) before(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if h := e.hooks.BeforeRespond; h != nil {
		if err := h(op); err != nil {
			return fmt.Errorf("memory: %s: %w", op, err)
		}
	}
	return nil
}

// after runs the AfterRespond hook at the end of a successful respond call.
func (e *Engine) after(op string) error {
	if h := e.hooks.AfterRespond; h != nil {
		if err := h(op); err != nil {
			return fmt.Errorf("memory: %s: %w", op, err)
		}
	}
	return nil
}

// startedActivity returns the started activity of token, with the lock held;
// on error the lock is released.
func (e *Engine) startedActivity(op, token string) (*activity, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, errClosed
	}
	a, ok := e.actTokens[token]
	if !ok {
		e.mu.Unlock()
		return nil, fmt.Errorf("memory: %s: activity task token %q: no such started task "+
			"(it completed, failed or timed out, or its run closed): %w", op, token, engine.ErrUnknownResource)
	}
	return a, nil
}

// RespondActivityTaskCompleted records an activity's result. A token whose
// task closed (completed, failed, timed out, or its run closed) returns an
// error wrapping [engine.ErrUnknownResource] and records nothing.
func (e *Engine) RespondActivityTaskCompleted(ctx context.Context, token, result string) error {
	const op = OpRespondActivityTaskCompleted
	if err := e.before(ctx, op); err != nil {
		return err
	}
	if err := checkLen("result", result, engine.MaxPayloadChars); err != nil {
		return fmt.Errorf("memory: %s: %w", op, err)
	}
	a, err := e.startedActivity(op, token)
	if err != nil {
		return err
	}
	r := a.run
	e.record(r, &engine.ActivityTaskCompleted{ScheduledEventID: a.scheduledID, StartedEventID: a.startedID, Result: result})
	e.closeActivity(a)
	e.scheduleDecision(r)
	if err := e.finish(); err != nil {
		return err
	}
	return e.after(op)
}

// RespondActivityTaskFailed records an activity's failure. A token whose task
// closed returns an error wrapping [engine.ErrUnknownResource] and records
// nothing.
func (e *Engine) RespondActivityTaskFailed(ctx context.Context, token, reason, details string) error {
	const op = OpRespondActivityTaskFailed
	if err := e.before(ctx, op); err != nil {
		return err
	}
	if err := errors.Join(
		checkLen("reason", reason, engine.MaxReasonChars),
		checkLen("details", details, engine.MaxPayloadChars),
	); err != nil {
		return fmt.Errorf("memory: %s: %w", op, err)
	}
	a, err := e.startedActivity(op, token)
	if err != nil {
		return err
	}
	r := a.run
	e.record(r, &engine.ActivityTaskFailed{ScheduledEventID: a.scheduledID, StartedEventID: a.startedID,
		Reason: reason, Details: details})
	e.closeActivity(a)
	e.scheduleDecision(r)
	if err := e.finish(); err != nil {
		return err
	}
	return e.after(op)
}

// RecordActivityTaskHeartbeat records a heartbeat: the heartbeat timeout
// starts again and details are kept (they go into ActivityTaskTimedOut if
// the task times out). cancelRequested reports that a cancel was requested
// for the activity's run. Details are limited to
// [engine.MaxHeartbeatDetailsChars].
func (e *Engine) RecordActivityTaskHeartbeat(ctx context.Context, token, details string) (cancelRequested bool, err error) {
	const op = OpRecordActivityTaskHeartbeat
	if err := e.before(ctx, op); err != nil {
		return false, err
	}
	if err := checkLen("details", details, engine.MaxHeartbeatDetailsChars); err != nil {
		return false, fmt.Errorf("memory: %s: %w", op, err)
	}
	a, err := e.startedActivity(op, token)
	if err != nil {
		return false, err
	}
	a.lastBeat = time.Now()
	a.details = details
	cancel := a.run.cancelRequested
	e.mu.Unlock()
	return cancel, e.after(op)
}
