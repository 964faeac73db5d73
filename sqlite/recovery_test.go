package sqlite

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/engine"
)

// TestRecovery runs workflows, stops the engine in the middle twice —
// cleanly, or abandoning it as a killed process would leave it — and checks
// that after reopening every workflow finishes with its correct result, and
// that no activity attempt completed twice.
func TestRecovery(t *testing.T) {
	for _, mode := range []string{"close", "abandon"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			path := testPath(t)
			const startToClose = 300 * time.Millisecond
			const maxSleep = 3 * time.Millisecond
			e := openTest(t, path, Options{})
			stop := startWorkers(t, e, startToClose, maxSleep)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			wfs := testWorkflows(startToClose)
			type started struct {
				exec engine.Execution
				want int
			}
			var runs []started
			var ids []string
			for i := range 6 {
				wf, n, want := wfs[0], 30+i, sumSquares(30+i)
				if i%3 == 2 {
					wf, n, want = wfs[1], 8, sumSquares(8)+sumSquares(9)+1
				}
				exec, err := client.Start(ctx, e, wf, client.StartOptions{WorkflowID: wfID(i)}, n)
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, started{exec, want})
				ids = append(ids, exec.WorkflowID)
			}
			for round := range 2 {
				time.Sleep(time.Duration(40+40*round) * time.Millisecond)
				if mode == "close" {
					if err := e.Close(); err != nil {
						t.Fatal(err)
					}
				} else {
					e.db.abandon()
				}
				stop()
				e = openTest(t, path, Options{})
				stop = startWorkers(t, e, startToClose, maxSleep)
			}
			defer func() { stop(); e.Close() }()
			for _, r := range runs {
				got, err := client.Result[int](ctx, e, r.exec, nil)
				if err != nil {
					t.Fatalf("%s: %v", r.exec.WorkflowID, err)
				}
				if got != r.want {
					t.Errorf("%s: got %d, want %d", r.exec.WorkflowID, got, r.want)
				}
			}
			checkHistories(t, e, ids)
		})
	}
}

// TestTimeoutsFireAfterReopen: timers, activity timeouts and execution
// timeouts that passed while the engine was closed fire when it opens again,
// and those still ahead fire at their original time.
func TestTimeoutsFireAfterReopen(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	e := openTest(t, path, Options{})
	h := newHarness(t, e)
	timers := h.start("timers")
	h.decide(h.pollDecision(),
		&engine.StartTimer{TimerID: "passed", StartToFire: 100 * time.Millisecond},
		&engine.StartTimer{TimerID: "ahead", StartToFire: 600 * time.Millisecond},
		&engine.ScheduleActivityTask{ActivityID: "started", Type: actType, Timeouts: engine.ActivityTimeouts{StartToClose: 100 * time.Millisecond}},
		&engine.ScheduleActivityTask{ActivityID: "queued", Type: actType, Timeouts: engine.ActivityTimeouts{ScheduleToStart: 100 * time.Millisecond}},
	)
	if at := h.pollActivity(); at.ActivityID != "started" { // the first queued
		t.Fatalf("polled %s", at.ActivityID)
	}
	expired := h.start("expires", func(p *engine.StartWorkflowParams) { p.ExecutionTimeout = 100 * time.Millisecond })
	h.decide(h.pollDecision())
	base := h.history(timers)[0].Time
	e.Close()

	time.Sleep(250 * time.Millisecond)
	e = openTest(t, path, Options{})
	defer e.Close()
	h = newHarness(t, e)
	ev := h.waitClosed(expired)
	if ev.Type() != "WorkflowExecutionTimedOut" {
		t.Fatalf("expired: closed by %s", ev.Type())
	}
	// Everything that passed while closed fires at once.
	defer func() {
		if t.Failed() {
			for _, ev := range h.history(timers) {
				t.Logf("%d %s %+v", ev.ID, ev.Type(), ev.Attr)
			}
		}
	}()
	h.eventually(func() bool {
		ts := strings.Join(types(h.history(timers)), " ")
		return strings.Count(ts, "TimerFired") >= 1 && strings.Count(ts, "ActivityTaskTimedOut") == 2
	})
	reopened := time.Now()
	evs := h.history(timers)
	var timedOut []string
	for _, ev := range evs {
		switch a := ev.Attr.(type) {
		case *engine.TimerFired:
			if a.TimerID != "passed" {
				t.Fatalf("timer %s fired", a.TimerID)
			}
		case *engine.ActivityTaskTimedOut:
			timedOut = append(timedOut, string(a.TimeoutType))
		}
	}
	slices.Sort(timedOut)
	if !slices.Equal(timedOut, []string{"SCHEDULE_TO_START", "START_TO_CLOSE"}) {
		t.Fatalf("activity timeouts %v in %s", timedOut, strings.Join(types(evs), " "))
	}
	if d := reopened.Sub(base); d > 600*time.Millisecond {
		t.Skipf("too slow to check the timer still ahead (%v)", d)
	}
	// "ahead" fires at its time, counted from before the restart.
	h.eventually(func() bool {
		return strings.Count(strings.Join(types(h.history(timers)), " "), "TimerFired") == 2
	})
	evs = h.history(timers)
	for _, ev := range evs {
		if a, ok := ev.Attr.(*engine.TimerFired); ok && a.TimerID == "ahead" {
			if d := ev.Time.Sub(base); d < 600*time.Millisecond || d > 2*time.Second {
				t.Fatalf("timer ahead fired %v after its start", d)
			}
		}
	}
}

// TestStaleCompletion: a worker that outlived the engine's restart completes
// its task with its token, once; every later completion is refused with an
// error wrapping ErrUnknownResource that says why.
func TestStaleCompletion(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"close", "abandon"} {
		path := testPath(t)
		e := openTest(t, path, Options{})
		h := newHarness(t, e)
		exec := h.start("w")
		h.decide(h.pollDecision(), &engine.ScheduleActivityTask{ActivityID: "a", Type: actType,
			Timeouts: engine.ActivityTimeouts{StartToClose: time.Hour}})
		at := h.pollActivity()
		// A poll does not wait for its started event to be committed; a
		// later call does (if the engine died before, the task would be
		// handed out again and this token refused).
		h.describe(exec)
		if mode == "close" {
			e.Close()
		} else {
			e.db.abandon()
		}
		e = openTest(t, path, Options{})
		h = newHarness(t, e)
		h.must(e.RespondActivityTaskCompleted(h.ctx, at.Token, "result"))
		err := e.RespondActivityTaskCompleted(h.ctx, at.Token, "again")
		if !errors.Is(err, engine.ErrUnknownResource) || !strings.Contains(err.Error(), "no such started task") {
			t.Fatalf("%s: duplicate completion: %v", mode, err)
		}
		err = e.RespondActivityTaskFailed(h.ctx, at.Token, "late", "")
		if !errors.Is(err, engine.ErrUnknownResource) {
			t.Fatalf("%s: late failure: %v", mode, err)
		}
		e.Close()
		e = openTest(t, path, Options{})
		h = newHarness(t, e)
		if err := e.RespondActivityTaskCompleted(h.ctx, at.Token, "after another restart"); !errors.Is(err, engine.ErrUnknownResource) {
			t.Fatalf("%s: completion after a second restart: %v", mode, err)
		}
		n := 0
		for _, ev := range h.history(exec) {
			if c, ok := ev.Attr.(*engine.ActivityTaskCompleted); ok {
				n++
				if c.Result != "result" {
					t.Fatalf("%s: result %q", mode, c.Result)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%s: %d completions", mode, n)
		}
		e.Close()
	}
}
