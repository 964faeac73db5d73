package memory

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
)

func TestHappyPathActivity(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w1", func(p *engine.StartWorkflowParams) { p.Tags = []string{"a", "b"} })

	dt := h.pollDecision(decList)
	if dt.Execution != exec || dt.Type != wfType {
		t.Fatalf("decision task for %v %v, want %v %v", dt.Execution, dt.Type, exec, wfType)
	}
	expectTypes(t, dt.Events, "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted")
	if dt.StartedEventID != 3 || dt.PreviousStartedEventID != 0 {
		t.Fatalf("started %d previous %d, want 3 0", dt.StartedEventID, dt.PreviousStartedEventID)
	}
	if len(dt.Events) != cap(dt.Events) {
		t.Fatalf("Events has spare capacity %d: appends by the caller would write into the history", cap(dt.Events)-len(dt.Events))
	}
	st := attr[*engine.WorkflowExecutionStarted](t, dt.Events, 1)
	if st.Input != "in-w1" || st.TaskList != decList || st.Type != wfType ||
		st.DecisionTimeout != DefaultDecisionTimeout || st.ExecutionTimeout != engine.NoTimeout ||
		st.ChildPolicy != engine.ChildPolicyAbandon || st.Parent != nil || strings.Join(st.Tags, ",") != "a,b" {
		t.Fatalf("started event %+v", st)
	}
	if s := attr[*engine.DecisionTaskScheduled](t, dt.Events, 2); s.TaskList != decList || s.StartToClose != DefaultDecisionTimeout {
		t.Fatalf("decision scheduled %+v", s)
	}
	if s := attr[*engine.DecisionTaskStarted](t, dt.Events, 3); s.ScheduledEventID != 2 || s.Identity != "decider" {
		t.Fatalf("decision started %+v", s)
	}

	h.decide(dt, schedule("a1", func(d *engine.ScheduleActivityTask) {
		d.Control = "ctl"
		d.Timeouts.Heartbeat = time.Minute
	}))
	info := h.describe(exec)
	if info.Status != engine.StatusOpen || info.OpenActivities != 1 || info.OpenTimers != 0 || info.OpenChildren != 0 {
		t.Fatalf("describe while running: %+v", info)
	}

	at := h.pollActivity(actList)
	want := engine.ActivityTimeouts{
		ScheduleToStart: engine.NoTimeout,
		StartToClose:    5 * time.Second, // type default
		ScheduleToClose: engine.NoTimeout,
		Heartbeat:       time.Minute, // from the decision
	}
	if at.Execution != exec || at.ActivityID != "a1" || at.Type != actType || at.Input != "input-a1" ||
		at.StartedEventID != 6 || at.Timeouts != want || at.Token == "" {
		t.Fatalf("activity task %+v", at)
	}
	cancel, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, "half way")
	h.must(err)
	if cancel {
		t.Fatal("heartbeat reports a cancel request")
	}
	h.must(h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "result-a1"))

	dt = h.pollDecision(decList)
	if dt.PreviousStartedEventID != 3 || dt.StartedEventID != 9 {
		t.Fatalf("started %d previous %d, want 9 3", dt.StartedEventID, dt.PreviousStartedEventID)
	}
	h.decide(dt, &engine.CompleteWorkflowExecution{Result: "done"})

	ev := h.waitClosed(exec)
	if c, ok := ev.Attr.(*engine.WorkflowExecutionCompleted); !ok || c.Result != "done" {
		t.Fatalf("closing event %s %+v", ev.Type(), ev.Attr)
	}

	evs := h.history(exec)
	expectTypes(t, evs,
		"WorkflowExecutionStarted",   // 1
		"DecisionTaskScheduled",      // 2
		"DecisionTaskStarted",        // 3
		"DecisionTaskCompleted",      // 4
		"ActivityTaskScheduled",      // 5
		"ActivityTaskStarted",        // 6
		"ActivityTaskCompleted",      // 7
		"DecisionTaskScheduled",      // 8
		"DecisionTaskStarted",        // 9
		"DecisionTaskCompleted",      // 10
		"WorkflowExecutionCompleted", // 11
	)
	if c := attr[*engine.DecisionTaskCompleted](t, evs, 4); c.ScheduledEventID != 2 || c.StartedEventID != 3 {
		t.Fatalf("decision completed %+v", c)
	}
	s := attr[*engine.ActivityTaskScheduled](t, evs, 5)
	if s.ActivityID != "a1" || s.Type != actType || s.Input != "input-a1" || s.Control != "ctl" ||
		s.TaskList != actList || s.Timeouts != want || s.DecisionTaskCompletedEventID != 4 {
		t.Fatalf("activity scheduled %+v", s)
	}
	if s := attr[*engine.ActivityTaskStarted](t, evs, 6); s.ScheduledEventID != 5 || s.Identity != "worker" {
		t.Fatalf("activity started %+v", s)
	}
	if c := attr[*engine.ActivityTaskCompleted](t, evs, 7); c.ScheduledEventID != 5 || c.StartedEventID != 6 || c.Result != "result-a1" {
		t.Fatalf("activity completed %+v", c)
	}
	if c := attr[*engine.WorkflowExecutionCompleted](t, evs, 11); c.DecisionTaskCompletedEventID != 10 {
		t.Fatalf("workflow completed %+v", c)
	}
	info = h.describe(exec)
	if info.Status != engine.StatusCompleted || info.CloseTime.IsZero() || info.OpenActivities != 0 ||
		info.Execution != exec || info.Type != wfType || strings.Join(info.Tags, ",") != "a,b" {
		t.Fatalf("describe after close: %+v", info)
	}
}

// The DecisionTask history shares storage with the engine; later events must
// not change what a decider holds.
func TestDecisionEventsAreStable(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	dt := h.pollDecision(decList)
	held := dt.Events
	snapshot := types(held)
	h.decide(dt, schedule("a"), &engine.StartTimer{TimerID: "t", StartToFire: time.Hour})
	_ = append(held, engine.Event{ID: 99}) // a caller's append must not reach the history
	evs := h.history(exec)
	if evs[3].ID != 4 || evs[3].Type() != "DecisionTaskCompleted" {
		t.Fatalf("history changed by a caller's append: %s", dump(evs))
	}
	if got := types(held); strings.Join(got, " ") != strings.Join(snapshot, " ") || len(held) != 3 {
		t.Fatalf("held events changed: %v", got)
	}
}

func TestActivityFailure(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	h.decide(h.pollDecision(decList), schedule("a"))
	at := h.pollActivity(actList)
	h.must(h.e.RespondActivityTaskFailed(h.ctx, at.Token, "boom", "stack"))
	dt := h.pollDecision(decList)
	f := last[*engine.ActivityTaskFailed](t, dt.Events)
	if f.Reason != "boom" || f.Details != "stack" || f.ScheduledEventID != 5 || f.StartedEventID != 6 {
		t.Fatalf("activity failed %+v", f)
	}
	h.decide(dt, &engine.FailWorkflowExecution{Reason: "activity failed", Details: "a"})
	ev := h.waitClosed(exec)
	if f, ok := ev.Attr.(*engine.WorkflowExecutionFailed); !ok || f.Reason != "activity failed" || f.Details != "a" || f.DecisionTaskCompletedEventID != 10 {
		t.Fatalf("closing event %s %+v", ev.Type(), ev.Attr)
	}
	expectTypes(t, h.history(exec),
		"WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
		"ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskFailed",
		"DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted", "WorkflowExecutionFailed")
	if s := h.describe(exec).Status; s != engine.StatusFailed {
		t.Fatalf("status %s", s)
	}
	// The token is spent.
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "late"), engine.ErrUnknownResource)
}

func TestActivityTimeouts(t *testing.T) {
	t.Parallel()
	const short = 40 * time.Millisecond

	t.Run("ScheduleToStart", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		exec := h.start("w")
		h.decide(h.pollDecision(decList), schedule("a", withTimeouts(engine.ActivityTimeouts{ScheduleToStart: short})))
		dt := h.pollDecision(decList) // scheduled by the timeout
		to := last[*engine.ActivityTaskTimedOut](t, dt.Events)
		if to.TimeoutType != engine.TimeoutScheduleToStart || to.ScheduledEventID != 5 || to.StartedEventID != 0 {
			t.Fatalf("timed out %+v", to)
		}
		expectTypes(t, dt.Events[4:], "ActivityTaskScheduled", "ActivityTaskTimedOut", "DecisionTaskScheduled", "DecisionTaskStarted")
		// The timed-out task is never handed out.
		h.noActivity(actList, 50*time.Millisecond)
		if n := h.describe(exec).OpenActivities; n != 0 {
			t.Fatalf("%d open activities", n)
		}
	})

	t.Run("StartToClose", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.start("w")
		h.decide(h.pollDecision(decList), schedule("a", withTimeouts(engine.ActivityTimeouts{StartToClose: short})))
		at := h.pollActivity(actList)
		dt := h.pollDecision(decList)
		to := last[*engine.ActivityTaskTimedOut](t, dt.Events)
		if to.TimeoutType != engine.TimeoutStartToClose || to.ScheduledEventID != 5 || to.StartedEventID != 6 {
			t.Fatalf("timed out %+v", to)
		}
		started := dt.Events[5].Time
		if d := dt.Events[6].Time.Sub(started); d < short {
			t.Fatalf("timed out after %v, before its %v timeout", d, short)
		}
		expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "late"), engine.ErrUnknownResource)
		_, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, "")
		expectErr(t, err, engine.ErrUnknownResource)
	})

	t.Run("ScheduleToClose", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.start("w")
		h.decide(h.pollDecision(decList), schedule("a", withTimeouts(engine.ActivityTimeouts{
			ScheduleToClose: 5 * short, StartToClose: time.Minute, Heartbeat: time.Minute})))
		time.Sleep(short) // queued for a while, then started
		at := h.pollActivity(actList)
		dt := h.pollDecision(decList)
		to := last[*engine.ActivityTaskTimedOut](t, dt.Events)
		if to.TimeoutType != engine.TimeoutScheduleToClose || to.StartedEventID != 6 {
			t.Fatalf("timed out %+v", to)
		}
		if d := dt.Events[6].Time.Sub(dt.Events[4].Time); d < 5*short {
			t.Fatalf("timed out %v after scheduling, before its %v timeout", d, 5*short)
		}
		expectErr(t, h.e.RespondActivityTaskFailed(h.ctx, at.Token, "late", ""), engine.ErrUnknownResource)
	})

	t.Run("Heartbeat", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.start("w")
		const hb = 100 * time.Millisecond
		h.decide(h.pollDecision(decList), schedule("a", withTimeouts(engine.ActivityTimeouts{Heartbeat: hb})))
		at := h.pollActivity(actList)
		// Heartbeats keep the task alive well past one heartbeat timeout.
		var lastBeat time.Time
		for i := range 8 {
			time.Sleep(hb / 5)
			lastBeat = time.Now()
			if _, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, "beat-"+string(rune('0'+i))); err != nil {
				t.Fatalf("heartbeat %d: %v", i, err)
			}
		}
		dt := h.pollDecision(decList)
		to := last[*engine.ActivityTaskTimedOut](t, dt.Events)
		if to.TimeoutType != engine.TimeoutHeartbeat || to.StartedEventID != 6 || to.Details != "beat-7" {
			t.Fatalf("timed out %+v", to)
		}
		if d := dt.Events[6].Time.Sub(lastBeat); d < hb {
			t.Fatalf("timed out %v after the last heartbeat, before its %v timeout", d, hb)
		}
		_, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, "")
		expectErr(t, err, engine.ErrUnknownResource)
	})
}

func TestDecisionTaskTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	exec := h.start("w", func(p *engine.StartWorkflowParams) { p.DecisionTimeout = 40 * time.Millisecond })
	dt1 := h.pollDecision(decList)
	dt2 := h.pollDecision(decList) // rescheduled after the timeout
	expectTypes(t, dt2.Events,
		"WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted",
		"DecisionTaskTimedOut", "DecisionTaskScheduled", "DecisionTaskStarted")
	to := attr[*engine.DecisionTaskTimedOut](t, dt2.Events, 4)
	if to.ScheduledEventID != 2 || to.StartedEventID != 3 || to.TimeoutType != engine.TimeoutStartToClose {
		t.Fatalf("timed out %+v", to)
	}
	if dt2.PreviousStartedEventID != 0 || dt2.StartedEventID != 6 {
		t.Fatalf("started %d previous %d", dt2.StartedEventID, dt2.PreviousStartedEventID)
	}
	err := h.e.RespondDecisionTaskCompleted(h.ctx, engine.RespondDecisionParams{Token: dt1.Token,
		Decisions: []engine.Decision{&engine.CompleteWorkflowExecution{}}})
	expectErr(t, err, engine.ErrUnknownResource)
	if n := len(h.history(exec)); n != 6 {
		t.Fatalf("stale answer recorded something: %d events", n)
	}
	h.decide(dt2, &engine.CompleteWorkflowExecution{Result: "ok"})
	if ev := h.waitClosed(exec); ev.Type() != "WorkflowExecutionCompleted" {
		t.Fatalf("closed by %s", ev.Type())
	}
	// No timeout fires on a closed run.
	time.Sleep(60 * time.Millisecond)
	if n := len(h.history(exec)); n != 8 {
		t.Fatalf("history grew after close:\n%s", dump(h.history(exec)))
	}
}

func TestTimer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	exec := h.start("w")
	h.decide(h.pollDecision(decList),
		&engine.StartTimer{TimerID: "t1", StartToFire: 30 * time.Millisecond, Control: "c"},
		&engine.StartTimer{TimerID: "t1", StartToFire: time.Millisecond},
	)
	if n := h.describe(exec).OpenTimers; n != 1 {
		t.Fatalf("%d open timers", n)
	}
	h.eventually(func() bool { return h.describe(exec).OpenTimers == 0 }) // fired
	dt := h.pollDecision(decList)
	expectTypes(t, dt.Events,
		"WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
		"TimerStarted", "StartTimerFailed",
		// The failed decision schedules a decision task at once; the timer
		// fires while it waits.
		"DecisionTaskScheduled", "TimerFired", "DecisionTaskStarted")
	ts := attr[*engine.TimerStarted](t, dt.Events, 5)
	if ts.TimerID != "t1" || ts.StartToFire != 30*time.Millisecond || ts.Control != "c" || ts.DecisionTaskCompletedEventID != 4 {
		t.Fatalf("timer started %+v", ts)
	}
	if f := attr[*engine.StartTimerFailed](t, dt.Events, 6); f.TimerID != "t1" || f.Cause != engine.CauseTimerIDAlreadyInUse || f.DecisionTaskCompletedEventID != 4 {
		t.Fatalf("start timer failed %+v", f)
	}
	if f := attr[*engine.TimerFired](t, dt.Events, 8); f.TimerID != "t1" || f.StartedEventID != 5 {
		t.Fatalf("timer fired %+v", f)
	}
	if d := dt.Events[7].Time.Sub(dt.Events[4].Time); d < 30*time.Millisecond {
		t.Fatalf("fired after %v", d)
	}
	if n := h.describe(exec).OpenTimers; n != 0 {
		t.Fatalf("%d open timers", n)
	}
	// The id is free again; a timer of a closed run never fires.
	h.decide(dt, &engine.StartTimer{TimerID: "t1", StartToFire: 20 * time.Millisecond}, &engine.CompleteWorkflowExecution{})
	time.Sleep(40 * time.Millisecond)
	expectTypes(t, h.history(exec)[9:], "DecisionTaskCompleted", "TimerStarted", "WorkflowExecutionCompleted")
}

func TestScheduleActivityFailures(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	h.decide(h.pollDecision(decList),
		schedule("a"),
		schedule("a"), // in use
		&engine.ScheduleActivityTask{ActivityID: "b", Type: engine.ActivityType{Name: "nope", Version: "1"}},
	)
	dt := h.pollDecision(decList) // the failures schedule a decision task
	expectTypes(t, dt.Events,
		"WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
		"ActivityTaskScheduled", "ScheduleActivityTaskFailed", "ScheduleActivityTaskFailed",
		"DecisionTaskScheduled", "DecisionTaskStarted")
	f := attr[*engine.ScheduleActivityTaskFailed](t, dt.Events, 6)
	if f.ActivityID != "a" || f.Cause != engine.CauseIDAlreadyInUse || f.Type != actType || f.DecisionTaskCompletedEventID != 4 {
		t.Fatalf("failed %+v", f)
	}
	f = attr[*engine.ScheduleActivityTaskFailed](t, dt.Events, 7)
	if f.ActivityID != "b" || f.Cause != engine.CauseTypeDoesNotExist || f.Type.Name != "nope" || f.DecisionTaskCompletedEventID != 4 {
		t.Fatalf("failed %+v", f)
	}
	// Only one task was queued.
	at := h.pollActivity(actList)
	if at.ActivityID != "a" || at.Input != "input-a" {
		t.Fatalf("activity task %+v", at)
	}
	h.noActivity(actList, 20*time.Millisecond)
	// Once closed, the id may be used again.
	h.must(h.e.RespondActivityTaskCompleted(h.ctx, at.Token, ""))
	h.decide(dt, schedule("a"))
	if s := last[*engine.ActivityTaskScheduled](t, h.history(exec)); s.DecisionTaskCompletedEventID != 12 {
		t.Fatalf("rescheduled %+v\n%s", s, dump(h.history(exec)))
	}
}

func TestActivityTaskListResolution(t *testing.T) {
	h := newHarness(t)
	h.must(h.e.RegisterActivityType(h.ctx, engine.ActivityTypeInfo{ActivityType: engine.ActivityType{Name: "bare", Version: "1"}}))
	h.start("w")
	h.decide(h.pollDecision(decList),
		schedule("explicit", func(d *engine.ScheduleActivityTask) { d.TaskList = "special" }),
		&engine.ScheduleActivityTask{ActivityID: "bare", Type: engine.ActivityType{Name: "bare", Version: "1"}},
	)
	if at := h.pollActivity("special"); at.ActivityID != "explicit" {
		t.Fatalf("got %q on the explicit list", at.ActivityID)
	}
	at := h.pollActivity(decList) // no default anywhere: the run's task list
	none := engine.ActivityTimeouts{ScheduleToStart: engine.NoTimeout, StartToClose: engine.NoTimeout,
		ScheduleToClose: engine.NoTimeout, Heartbeat: engine.NoTimeout}
	if at.ActivityID != "bare" || at.Timeouts != none {
		t.Fatalf("activity task %+v", at)
	}
}

func TestContinueAsNew(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w", func(p *engine.StartWorkflowParams) {
		p.ExecutionTimeout = time.Hour
		p.ChildPolicy = engine.ChildPolicyTerminate
		p.Tags = []string{"x"}
	})
	dt := h.pollDecision(decList)
	h.decide(dt, &engine.ContinueAsNewWorkflowExecution{Input: "next", DecisionTimeout: 5 * time.Second})
	ev := h.waitClosed(exec)
	can, ok := ev.Attr.(*engine.WorkflowExecutionContinuedAsNew)
	if !ok || can.Input != "next" || can.NewRunID == "" || can.NewRunID == exec.RunID || can.DecisionTaskCompletedEventID != 4 {
		t.Fatalf("closing event %s %+v", ev.Type(), ev.Attr)
	}
	if s := h.describe(exec).Status; s != engine.StatusContinuedAsNew {
		t.Fatalf("old run status %s", s)
	}
	next := engine.Execution{WorkflowID: "w", RunID: can.NewRunID}
	if info := h.describe(engine.Execution{WorkflowID: "w"}); info.Execution != next || info.Status != engine.StatusOpen {
		t.Fatalf("latest run %+v", info)
	}
	dt = h.pollDecision(decList)
	if dt.Execution != next || dt.PreviousStartedEventID != 0 {
		t.Fatalf("decision task %v previous %d", dt.Execution, dt.PreviousStartedEventID)
	}
	expectTypes(t, dt.Events, "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted")
	st := attr[*engine.WorkflowExecutionStarted](t, dt.Events, 1)
	if st.Input != "next" || st.ContinuedExecutionRunID != exec.RunID || st.ExecutionTimeout != time.Hour ||
		st.DecisionTimeout != 5*time.Second || st.ChildPolicy != engine.ChildPolicyTerminate ||
		st.TaskList != decList || st.Type != wfType || strings.Join(st.Tags, ",") != "x" {
		t.Fatalf("new run started %+v", st)
	}
	// An unknown version refuses the continue-as-new.
	h.decide(dt, &engine.ContinueAsNewWorkflowExecution{Version: "9"})
	dt = h.pollDecision(decList)
	if f := last[*engine.ContinueAsNewWorkflowExecutionFailed](t, dt.Events); f.Cause != engine.CauseTypeDoesNotExist {
		t.Fatalf("failed %+v", f)
	}
	h.decide(dt, &engine.CompleteWorkflowExecution{Result: "r"})
	if ev := h.waitClosed(engine.Execution{WorkflowID: "w"}); ev.Type() != "WorkflowExecutionCompleted" {
		t.Fatalf("closed by %s", ev.Type())
	}
}

func TestUnhandledDecision(t *testing.T) {
	closes := map[string]struct {
		decision engine.Decision
		failed   string
	}{
		"complete": {&engine.CompleteWorkflowExecution{Result: "r"}, "CompleteWorkflowExecutionFailed"},
		"fail":     {&engine.FailWorkflowExecution{Reason: "r"}, "FailWorkflowExecutionFailed"},
		"continue": {&engine.ContinueAsNewWorkflowExecution{}, "ContinueAsNewWorkflowExecutionFailed"},
	}
	for name, tc := range closes {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			exec := h.start("w")
			h.decide(h.pollDecision(decList), schedule("a"), schedule("b"))
			a, b := h.pollActivity(actList), h.pollActivity(actList)
			h.must(h.e.RespondActivityTaskCompleted(h.ctx, a.Token, "ra"))
			dt := h.pollDecision(decList)
			// b completes while the decider works on a's result.
			h.must(h.e.RespondActivityTaskCompleted(h.ctx, b.Token, "rb"))
			h.decide(dt, &engine.StartTimer{TimerID: "t", StartToFire: time.Hour}, tc.decision)
			evs := h.history(exec)
			expectTypes(t, evs[dt.StartedEventID-1:],
				"DecisionTaskStarted", "ActivityTaskCompleted", "DecisionTaskCompleted",
				"TimerStarted", tc.failed, "DecisionTaskScheduled")
			var cause string
			switch f := evs[len(evs)-2].Attr.(type) {
			case *engine.CompleteWorkflowExecutionFailed:
				cause = f.Cause
			case *engine.FailWorkflowExecutionFailed:
				cause = f.Cause
			case *engine.ContinueAsNewWorkflowExecutionFailed:
				cause = f.Cause
			}
			if cause != engine.CauseUnhandledDecision {
				t.Fatalf("cause %q", cause)
			}
			if info := h.describe(exec); info.Status != engine.StatusOpen || info.OpenTimers != 1 {
				t.Fatalf("describe %+v", info)
			}
			// The next decision task sees b's result and may close.
			dt2 := h.pollDecision(decList)
			if dt2.PreviousStartedEventID != dt.StartedEventID {
				t.Fatalf("previous %d, want %d", dt2.PreviousStartedEventID, dt.StartedEventID)
			}
			h.decide(dt2, tc.decision)
			if s := h.describe(exec).Status; s == engine.StatusOpen {
				t.Fatal("still open")
			}
		})
	}
}

// An activity that merely starts while a decision task is started does not
// refuse a close.
func TestCloseAcceptedWithoutNewResults(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	h.decide(h.pollDecision(decList), &engine.StartTimer{TimerID: "t", StartToFire: 0}, schedule("a"))
	dt := h.pollDecision(decList)
	at := h.pollActivity(actList)
	h.decide(dt, &engine.CompleteWorkflowExecution{})
	if ev := h.waitClosed(exec); ev.Type() != "WorkflowExecutionCompleted" {
		t.Fatalf("closed by %s", ev.Type())
	}
	// The open activity's token died with the run.
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, ""), engine.ErrUnknownResource)
	_, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, "")
	expectErr(t, err, engine.ErrUnknownResource)
}

func TestInvalidDecisionsRecordNothing(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	dt := h.pollDecision(decList)
	long := strings.Repeat("x", engine.MaxPayloadChars+1)
	cases := []struct {
		name  string
		ds    []engine.Decision
		ctx   string
		limit bool
	}{
		{"close not last", []engine.Decision{&engine.CompleteWorkflowExecution{}, schedule("a")}, "", false},
		{"two closes", []engine.Decision{&engine.FailWorkflowExecution{}, &engine.CompleteWorkflowExecution{}}, "", false},
		{"nil", []engine.Decision{nil}, "", false},
		{"empty activity id", []engine.Decision{schedule("")}, "", false},
		{"empty timer id", []engine.Decision{&engine.StartTimer{}}, "", false},
		{"negative timer", []engine.Decision{&engine.StartTimer{TimerID: "t", StartToFire: -time.Second}}, "", false},
		{"negative timeout", []engine.Decision{schedule("a", withTimeouts(engine.ActivityTimeouts{Heartbeat: -2}))}, "", false},
		{"bad child policy", []engine.Decision{&engine.StartChildWorkflowExecution{WorkflowID: "c", Type: childType, ChildPolicy: "KILL"}}, "", false},
		{"activity id", []engine.Decision{schedule(strings.Repeat("i", engine.MaxIDChars+1))}, "", true},
		{"timer id", []engine.Decision{&engine.StartTimer{TimerID: strings.Repeat("i", engine.MaxIDChars+1)}}, "", true},
		{"child id", []engine.Decision{&engine.StartChildWorkflowExecution{WorkflowID: strings.Repeat("i", engine.MaxIDChars+1), Type: childType}}, "", true},
		{"input", []engine.Decision{schedule("a", func(d *engine.ScheduleActivityTask) { d.Input = long })}, "", true},
		{"control", []engine.Decision{&engine.StartTimer{TimerID: "t", Control: long}}, "", true},
		{"child input", []engine.Decision{&engine.StartChildWorkflowExecution{WorkflowID: "c", Type: childType, Input: long}}, "", true},
		{"result", []engine.Decision{schedule("a"), &engine.CompleteWorkflowExecution{Result: long}}, "", true},
		{"reason", []engine.Decision{&engine.FailWorkflowExecution{Reason: strings.Repeat("r", engine.MaxReasonChars+1)}}, "", true},
		{"details", []engine.Decision{&engine.FailWorkflowExecution{Details: long}}, "", true},
		{"continue input", []engine.Decision{&engine.ContinueAsNewWorkflowExecution{Input: long}}, "", true},
		{"execution context", nil, long, true},
		// Characters, not bytes: 32,769 two-byte characters.
		{"multibyte", []engine.Decision{&engine.CompleteWorkflowExecution{Result: strings.Repeat("é", engine.MaxPayloadChars+1)}}, "", true},
	}
	for _, tc := range cases {
		err := h.e.RespondDecisionTaskCompleted(h.ctx, engine.RespondDecisionParams{Token: dt.Token, Decisions: tc.ds, ExecutionContext: tc.ctx})
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		if errors.Is(err, engine.ErrLimitExceeded) != tc.limit {
			t.Fatalf("%s: error %v; wraps ErrLimitExceeded: %v, want %v", tc.name, err, !tc.limit, tc.limit)
		}
		if errors.Is(err, engine.ErrInvalidArgument) == tc.limit {
			t.Fatalf("%s: error %v; wraps ErrInvalidArgument: %v, want %v", tc.name, err, tc.limit, !tc.limit)
		}
		if errors.Is(err, engine.ErrUnknownResource) {
			t.Fatalf("%s: error %v wraps ErrUnknownResource", tc.name, err)
		}
		if n := len(h.history(exec)); n != 3 {
			t.Fatalf("%s: recorded something:\n%s", tc.name, dump(h.history(exec)))
		}
	}
	// At the limit, in characters, is fine; the token is still valid.
	h.decide(dt, &engine.CompleteWorkflowExecution{Result: strings.Repeat("é", engine.MaxPayloadChars)})
	if ev := h.waitClosed(exec); ev.Type() != "WorkflowExecutionCompleted" {
		t.Fatalf("closed by %s", ev.Type())
	}
}

func TestActivityLimitsRecordNothing(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	h.decide(h.pollDecision(decList), schedule("a"))
	at := h.pollActivity(actList)
	n := len(h.history(exec))
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, strings.Repeat("x", engine.MaxPayloadChars+1)), engine.ErrLimitExceeded)
	expectErr(t, h.e.RespondActivityTaskFailed(h.ctx, at.Token, strings.Repeat("x", engine.MaxReasonChars+1), ""), engine.ErrLimitExceeded)
	expectErr(t, h.e.RespondActivityTaskFailed(h.ctx, at.Token, "", strings.Repeat("x", engine.MaxPayloadChars+1)), engine.ErrLimitExceeded)
	_, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, strings.Repeat("x", engine.MaxHeartbeatDetailsChars+1))
	expectErr(t, err, engine.ErrLimitExceeded)
	if m := len(h.history(exec)); m != n {
		t.Fatalf("recorded %d events", m-n)
	}
	h.noDecision(decList, 10*time.Millisecond)
	h.must(h.e.RespondActivityTaskCompleted(h.ctx, at.Token, strings.Repeat("é", engine.MaxPayloadChars)))
}

func TestStaleTokens(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	dt := h.pollDecision(decList)
	h.decide(dt, schedule("a"))
	respond := func(tok string) error {
		return h.e.RespondDecisionTaskCompleted(h.ctx, engine.RespondDecisionParams{Token: tok,
			Decisions: []engine.Decision{&engine.CompleteWorkflowExecution{}}})
	}
	expectErr(t, respond(dt.Token), engine.ErrUnknownResource)
	expectErr(t, respond("bogus"), engine.ErrUnknownResource)
	at := h.pollActivity(actList)
	h.must(h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "r"))
	n := len(h.history(exec))
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "r"), engine.ErrUnknownResource)
	expectErr(t, h.e.RespondActivityTaskFailed(h.ctx, at.Token, "r", ""), engine.ErrUnknownResource)
	_, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, "")
	expectErr(t, err, engine.ErrUnknownResource)
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, "bogus", "r"), engine.ErrUnknownResource)
	if m := len(h.history(exec)); m != n {
		t.Fatalf("stale responses recorded %d events", m-n)
	}
	// A terminated run's decision task token is dead too.
	dt = h.pollDecision(decList)
	h.must(h.e.TerminateWorkflow(h.ctx, engine.Execution{WorkflowID: "w"}, "stop", "now"))
	expectErr(t, respond(dt.Token), engine.ErrUnknownResource)
	expectErr(t, h.e.TerminateWorkflow(h.ctx, exec, "again", ""), engine.ErrUnknownResource)
	expectErr(t, h.e.TerminateWorkflow(h.ctx, engine.Execution{WorkflowID: "w"}, "again", ""), engine.ErrUnknownResource)
	term := last[*engine.WorkflowExecutionTerminated](t, h.history(exec))
	if term.Reason != "stop" || term.Details != "now" || term.ChildPolicy != engine.ChildPolicyAbandon || term.Cause != "" {
		t.Fatalf("terminated %+v", term)
	}
}

func TestStartAndRegisterErrors(t *testing.T) {
	h := newHarness(t)
	expectErr(t, h.e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{WorkflowType: wfType}), engine.ErrTypeAlreadyExists)
	expectErr(t, h.e.RegisterActivityType(h.ctx, engine.ActivityTypeInfo{ActivityType: actType}), engine.ErrTypeAlreadyExists)
	if err := h.e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{}); err == nil {
		t.Fatal("registered a type without a name")
	}
	start := func(p engine.StartWorkflowParams) error {
		_, err := h.e.StartWorkflow(h.ctx, p)
		return err
	}
	expectErr(t, start(engine.StartWorkflowParams{WorkflowID: "w", Type: engine.WorkflowType{Name: "nope"}}), engine.ErrUnknownResource)
	if err := start(engine.StartWorkflowParams{Type: wfType}); err == nil {
		t.Fatal("started a workflow without an id")
	}
	expectErr(t, start(engine.StartWorkflowParams{WorkflowID: strings.Repeat("w", engine.MaxIDChars+1), Type: wfType}), engine.ErrLimitExceeded)
	expectErr(t, start(engine.StartWorkflowParams{WorkflowID: "w", Type: wfType, Input: strings.Repeat("x", engine.MaxPayloadChars+1)}), engine.ErrLimitExceeded)
	h.must(h.e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{WorkflowType: engine.WorkflowType{Name: "nolist"}}))
	if err := start(engine.StartWorkflowParams{WorkflowID: "w", Type: engine.WorkflowType{Name: "nolist"}}); err == nil {
		t.Fatal("started a workflow without a task list")
	}
	if _, err := h.e.DescribeWorkflowExecution(h.ctx, engine.Execution{WorkflowID: "w"}); !errors.Is(err, engine.ErrUnknownResource) {
		t.Fatalf("failed starts left an execution: %v", err)
	}
	exec := h.start("w")
	expectErr(t, start(engine.StartWorkflowParams{WorkflowID: "w", Type: wfType}), engine.ErrAlreadyStarted)
	h.must(h.e.TerminateWorkflow(h.ctx, exec, "", ""))
	again := h.start("w") // the id is free once the run closed
	if again.RunID == exec.RunID {
		t.Fatal("run id reused")
	}
	_, err := h.e.GetWorkflowExecutionHistory(h.ctx, engine.Execution{WorkflowID: "w", RunID: "nope"})
	expectErr(t, err, engine.ErrUnknownResource)
	_, err = h.e.WaitClosed(h.ctx, engine.Execution{WorkflowID: "nope"})
	expectErr(t, err, engine.ErrUnknownResource)
	if _, err := h.e.PollDecisionTask(h.ctx, engine.PollParams{}); err == nil {
		t.Fatal("polled an empty task list")
	}
}

func TestExecutionTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	exec := h.start("w", func(p *engine.StartWorkflowParams) { p.ExecutionTimeout = 40 * time.Millisecond })
	h.decide(h.pollDecision(decList), schedule("a"), &engine.StartTimer{TimerID: "t", StartToFire: time.Hour})
	at := h.pollActivity(actList)
	ev := h.waitClosed(exec)
	if to, ok := ev.Attr.(*engine.WorkflowExecutionTimedOut); !ok || to.ChildPolicy != engine.ChildPolicyAbandon {
		t.Fatalf("closed by %s %+v", ev.Type(), ev.Attr)
	}
	info := h.describe(exec)
	if info.Status != engine.StatusTimedOut || info.OpenActivities != 0 || info.OpenTimers != 0 {
		t.Fatalf("describe %+v", info)
	}
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, ""), engine.ErrUnknownResource)
	h.noDecision(decList, 20*time.Millisecond)
}

func TestLongPollCanceled(t *testing.T) {
	h := newHarness(t)
	for _, poll := range []func(context.Context) (any, error){
		func(ctx context.Context) (any, error) {
			return h.e.PollDecisionTask(ctx, engine.PollParams{TaskList: decList})
		},
		func(ctx context.Context) (any, error) {
			return h.e.PollActivityTask(ctx, engine.PollParams{TaskList: actList})
		},
	} {
		ctx, cancel := context.WithCancel(h.ctx)
		type result struct {
			task any
			err  error
		}
		done := make(chan result)
		go func() {
			task, err := poll(ctx)
			done <- result{task, err}
		}()
		select {
		case r := <-done:
			t.Fatalf("poll returned before cancel: %v %v", r.task, r.err)
		case <-time.After(30 * time.Millisecond):
		}
		cancel()
		select {
		case r := <-done:
			if r.err != nil {
				t.Fatalf("canceled poll: %v", r.err)
			}
			switch task := r.task.(type) {
			case *engine.DecisionTask:
				if task != nil {
					t.Fatal("canceled poll returned a task")
				}
			case *engine.ActivityTask:
				if task != nil {
					t.Fatal("canceled poll returned a task")
				}
			}
		case <-time.After(time.Second):
			t.Fatal("canceled poll did not return")
		}
	}
	// The canceled polls took nothing: a new task goes to a new poll.
	h.start("w")
	h.pollDecision(decList)
}

// A task offered to a poll at the moment its context ends is not lost.
func TestPollCancelRaceLosesNothing(t *testing.T) {
	h := newHarness(t)
	for i := range 200 {
		ctx, cancel := context.WithCancel(h.ctx)
		got := make(chan *engine.DecisionTask, 1)
		go func() {
			dt, _ := h.e.PollDecisionTask(ctx, engine.PollParams{TaskList: decList})
			got <- dt
		}()
		if i%2 == 0 {
			time.Sleep(50 * time.Microsecond)
		}
		go cancel()
		exec := h.start("w" + string(rune('A'+i%26)) + string(rune('a'+i/26)))
		dt := <-got
		if dt == nil {
			dt = h.pollDecision(decList)
		}
		if dt.Execution != exec {
			t.Fatalf("iteration %d: task for %v, want %v", i, dt.Execution, exec)
		}
		h.decide(dt, &engine.CompleteWorkflowExecution{})
		cancel()
	}
}

func TestWaitClosed(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := h.e.WaitClosed(ctx, exec); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitClosed on an open run: %v", err)
	}
	var wg sync.WaitGroup
	evs := make([]engine.Event, 3)
	for i := range evs {
		wg.Go(func() {
			e := exec
			if i == 0 {
				e.RunID = "" // the open run at the time of the call
			}
			evs[i] = h.waitClosed(e)
		})
	}
	time.Sleep(20 * time.Millisecond)
	h.must(h.e.TerminateWorkflow(h.ctx, exec, "bye", ""))
	wg.Wait()
	for _, ev := range evs {
		if tm, ok := ev.Attr.(*engine.WorkflowExecutionTerminated); !ok || tm.Reason != "bye" || ev.ID != 3 {
			t.Fatalf("closing event %d %s %+v", ev.ID, ev.Type(), ev.Attr)
		}
	}
	if ev := h.waitClosed(exec); ev.ID != 3 { // already closed: at once
		t.Fatalf("closing event %d", ev.ID)
	}
}

func TestCloseEngine(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	exec := h.start("w", func(p *engine.StartWorkflowParams) { p.ExecutionTimeout = 300 * time.Millisecond })
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Go(func() {
		_, err := h.e.PollActivityTask(h.ctx, engine.PollParams{TaskList: actList})
		errs <- err
	})
	wg.Go(func() {
		_, err := h.e.PollDecisionTask(h.ctx, engine.PollParams{TaskList: "empty"})
		errs <- err
	})
	wg.Go(func() {
		_, err := h.e.WaitClosed(h.ctx, exec)
		errs <- err
	})
	time.Sleep(20 * time.Millisecond)
	h.must(h.e.Close())
	h.must(h.e.Close())
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("blocked calls did not return on Close")
	}
	close(errs)
	for err := range errs {
		expectErr(t, err, engine.ErrClosed)
	}
	_, err := h.e.StartWorkflow(h.ctx, engine.StartWorkflowParams{WorkflowID: "x", Type: wfType})
	expectErr(t, err, engine.ErrClosed)
	_, err = h.e.PollDecisionTask(h.ctx, engine.PollParams{TaskList: decList})
	expectErr(t, err, engine.ErrClosed)
	_, err = h.e.DescribeWorkflowExecution(h.ctx, exec)
	expectErr(t, err, engine.ErrClosed)
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, "a-1", ""), engine.ErrClosed)
	// Timers stopped: the execution timeout does not fire.
	time.Sleep(350 * time.Millisecond)
	h.e.mu.Lock()
	status, n := h.e.latest["w"].status, len(h.e.latest["w"].events)
	h.e.mu.Unlock()
	if status != engine.StatusOpen || n != 2 {
		t.Fatalf("after Close: status %s, %d events", status, n)
	}
}

func TestHooks(t *testing.T) {
	injected := errors.New("injected")
	var mu sync.Mutex
	fail := map[string]string{} // op → "before" or "after"
	hook := func(when string) func(string) error {
		return func(op string) error {
			mu.Lock()
			defer mu.Unlock()
			if fail[op] == when {
				delete(fail, op)
				return injected
			}
			return nil
		}
	}
	h := newHarness(t, Options{Hooks: Hooks{BeforeRespond: hook("before"), AfterRespond: hook("after")}})
	exec := h.start("w")
	dt := h.pollDecision(decList)
	fail[OpRespondDecisionTaskCompleted] = "before"
	err := h.e.RespondDecisionTaskCompleted(h.ctx, engine.RespondDecisionParams{Token: dt.Token, Decisions: []engine.Decision{schedule("a")}})
	expectErr(t, err, injected)
	if n := len(h.history(exec)); n != 3 {
		t.Fatalf("lost request recorded something: %d events", n)
	}
	h.decide(dt, schedule("a"))
	at := h.pollActivity(actList)
	fail[OpRespondActivityTaskCompleted] = "after"
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "r"), injected)
	// The response was lost, not the completion.
	if c := last[*engine.ActivityTaskCompleted](t, h.history(exec)); c.Result != "r" {
		t.Fatalf("completed %+v", c)
	}
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "r"), engine.ErrUnknownResource)
}
