package memory

import (
	"fmt"
	"slices"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// State is the durable state of a journaled engine: what [Restore] rebuilds
// an engine from.
type State struct {
	WorkflowTypes []engine.WorkflowTypeDetail
	ActivityTypes []engine.ActivityTypeDetail
	// Open holds the complete histories of the open runs, in start order.
	Open []RunHistory
}

// RunHistory is the history of one run.
type RunHistory struct {
	Execution engine.Execution
	Events    []engine.Event // Events[i].ID == i+1
}

// Restore returns an engine in the state s describes, as a journaled engine
// left it (closed runs stay in the journal), and journals to opts.Journal
// what recovery records. Each open run resumes from its history:
//
//   - Activity tasks scheduled and not started are queued again; started ones
//     stay started, with their tokens valid, and time out at the times their
//     timeouts give counted from the recorded events — except the heartbeat
//     timeout, which counts from the restore.
//   - Timers fire at their original time, at once if it has passed, and so
//     does the execution timeout.
//   - A scheduled decision task is queued again. A started one is timed out
//     (DecisionTaskTimedOut) and a new one scheduled: its decider may be gone.
//   - Child links between open parents and open children are restored; a
//     cancel request in the history is reported by heartbeats again.
//
// Restore returns once the events it recorded are durable.
func Restore(opts Options, s State) (*Engine, error) {
	e := New(opts)
	e.mu.Lock()
	for _, d := range s.WorkflowTypes {
		e.wfTypes[d.WorkflowType] = &d
	}
	for _, d := range s.ActivityTypes {
		e.actTypes[d.ActivityType] = &d
	}
	runs := make([]*restored, 0, len(s.Open))
	for _, h := range s.Open {
		rr, err := e.restoreRun(h)
		if err != nil {
			e.mu.Unlock()
			e.Close()
			return nil, err
		}
		runs = append(runs, rr)
	}
	for _, rr := range runs {
		e.linkChildren(rr)
	}
	now := time.Now()
	for _, rr := range runs {
		e.resume(rr, now)
	}
	if err := e.finish(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// restored is a run being restored, with what its history says is open.
type restored struct {
	r          *run
	activities []*activity          // open, in scheduled order
	timers     map[string]time.Time // open timers' fire times
	timerIDs   map[string]int64     // open timers' started event ids
	children   map[string]*child    // open children by workflow id
}

// restoreRun rebuilds run h from its history.
func (e *Engine) restoreRun(h RunHistory) (*restored, error) {
	what := "memory: restore " + execString(h.Execution)
	if len(h.Events) == 0 {
		return nil, fmt.Errorf("%s: empty history", what)
	}
	for i, ev := range h.Events {
		if ev.ID != int64(i+1) || ev.Attr == nil {
			return nil, fmt.Errorf("%s: event %d has id %d", what, i+1, ev.ID)
		}
	}
	st, ok := h.Events[0].Attr.(*engine.WorkflowExecutionStarted)
	if !ok {
		return nil, fmt.Errorf("%s: the history starts with %s", what, h.Events[0].Type())
	}
	if e.runs[h.Execution] != nil {
		return nil, fmt.Errorf("%s: the run is given twice", what)
	}
	if cur := e.latest[h.Execution.WorkflowID]; cur != nil {
		return nil, fmt.Errorf("%s: run %s of the workflow id is open too", what, cur.exec.RunID)
	}
	e.runSeq++
	r := &run{
		exec:        h.Execution,
		seq:         e.runSeq,
		typ:         st.Type,
		taskList:    st.TaskList,
		execTimeout: st.ExecutionTimeout,
		decTimeout:  st.DecisionTimeout,
		childPolicy: st.ChildPolicy,
		tags:        st.Tags,
		events:      slices.Clip(h.Events),
		status:      engine.StatusOpen,
		startTime:   h.Events[0].Time,
	}
	if st.Parent != nil {
		pe := *st.Parent
		r.parent = &pe
	}
	rr := &restored{r: r, timers: map[string]time.Time{}, timerIDs: map[string]int64{}, children: map[string]*child{}}
	acts := map[int64]*activity{}
	for _, ev := range h.Events[1:] {
		switch a := ev.Attr.(type) {
		case *engine.DecisionTaskScheduled:
			r.dec.state, r.dec.scheduledID = decScheduled, ev.ID
		case *engine.DecisionTaskStarted:
			r.dec.state, r.dec.startedID = decStarted, ev.ID
		case *engine.DecisionTaskCompleted:
			r.dec.state, r.dec.prevStartedID = decNone, a.StartedEventID
		case *engine.DecisionTaskTimedOut:
			r.dec.state = decNone
		case *engine.ActivityTaskScheduled:
			acts[ev.ID] = &activity{
				run:         r,
				id:          a.ActivityID,
				typ:         a.Type,
				input:       a.Input,
				taskList:    a.TaskList,
				timeouts:    a.Timeouts,
				scheduledID: ev.ID,
				scheduledAt: ev.Time,
				state:       actScheduled,
			}
		case *engine.ActivityTaskStarted:
			if x := acts[a.ScheduledEventID]; x != nil {
				x.state, x.startedID, x.startedAt = actStarted, ev.ID, ev.Time
			}
		case *engine.ActivityTaskCompleted:
			delete(acts, a.ScheduledEventID)
		case *engine.ActivityTaskFailed:
			delete(acts, a.ScheduledEventID)
		case *engine.ActivityTaskTimedOut:
			delete(acts, a.ScheduledEventID)
		case *engine.TimerStarted:
			rr.timers[a.TimerID] = ev.Time.Add(a.StartToFire)
			rr.timerIDs[a.TimerID] = ev.ID
		case *engine.TimerFired:
			delete(rr.timers, a.TimerID)
			delete(rr.timerIDs, a.TimerID)
		case *engine.ChildWorkflowExecutionStarted:
			rr.children[a.Execution.WorkflowID] = &child{workflowID: a.Execution.WorkflowID, parent: r,
				initiatedID: a.InitiatedEventID, startedID: ev.ID}
		case *engine.ChildWorkflowExecutionCompleted:
			delete(rr.children, a.Execution.WorkflowID)
		case *engine.ChildWorkflowExecutionFailed:
			delete(rr.children, a.Execution.WorkflowID)
		case *engine.ChildWorkflowExecutionTimedOut:
			delete(rr.children, a.Execution.WorkflowID)
		case *engine.ChildWorkflowExecutionCanceled:
			delete(rr.children, a.Execution.WorkflowID)
		case *engine.ChildWorkflowExecutionTerminated:
			delete(rr.children, a.Execution.WorkflowID)
		case *engine.WorkflowExecutionCancelRequested:
			r.cancelRequested = true
		case *engine.WorkflowExecutionCompleted, *engine.WorkflowExecutionFailed, *engine.WorkflowExecutionTimedOut,
			*engine.WorkflowExecutionTerminated, *engine.WorkflowExecutionCanceled, *engine.WorkflowExecutionContinuedAsNew:
			return nil, fmt.Errorf("%s: event %d (%s) closed the run", what, ev.ID, ev.Type())
		}
	}
	for _, a := range acts {
		rr.activities = append(rr.activities, a)
	}
	slices.SortFunc(rr.activities, func(a, b *activity) int { return int(a.scheduledID - b.scheduledID) })
	e.runs[r.exec] = r
	e.latest[r.exec.WorkflowID] = r
	return rr, nil
}

// linkChildren links rr's open children to their current runs.
func (e *Engine) linkChildren(rr *restored) {
	p := rr.r
	for id, c := range rr.children {
		cr := e.latest[id]
		if cr == nil || cr.status != engine.StatusOpen || cr.parent == nil || *cr.parent != p.exec {
			// Cannot happen with a journal's batches; a parent that waits
			// for a child that is gone would wait forever, so say so.
			e.log.Warn("memory: restore: open child has no open run", "workflow_id", p.exec.WorkflowID,
				"run_id", p.exec.RunID, "child_workflow_id", id)
			continue
		}
		c.cur = cr
		cr.asChild = c
		if p.children == nil {
			p.children = make(map[string]*child)
		}
		p.children[id] = c
	}
}

// resume re-arms rr's timers and queues its tasks.
func (e *Engine) resume(rr *restored, now time.Time) {
	r := rr.r
	if r.execTimeout > 0 {
		r.execTimer = time.AfterFunc(r.startTime.Add(r.execTimeout).Sub(now), func() { e.executionTimedOut(r) })
	}
	for id, at := range rr.timers {
		t := &wfTimer{id: id, startedID: rr.timerIDs[id]}
		if r.timers == nil {
			r.timers = make(map[string]*wfTimer)
		}
		r.timers[id] = t
		t.timer = time.AfterFunc(at.Sub(now), func() { e.timerFired(r, t) })
	}
	for _, a := range rr.activities {
		if r.activities == nil {
			r.activities = make(map[string]*activity)
		}
		r.activities[a.id] = a
		if a.state == actStarted {
			a.lastBeat = now
			a.token = activityToken(r.exec.RunID, a.scheduledID, a.startedID)
			e.actTokens[a.token] = a
		} else {
			l := e.actList(a.taskList)
			l.pending++
			l.offer(a, false)
		}
		e.arm(a, now)
	}
	switch r.dec.state {
	case decScheduled:
		l := e.decList(r.taskList)
		l.pending++
		l.offer(decRef{r: r, scheduledID: r.dec.scheduledID}, false)
	case decStarted:
		e.record(r, &engine.DecisionTaskTimedOut{
			ScheduledEventID: r.dec.scheduledID,
			StartedEventID:   r.dec.startedID,
			TimeoutType:      engine.TimeoutStartToClose,
		})
		r.dec.state = decNone
		e.scheduleDecision(r)
	}
}
