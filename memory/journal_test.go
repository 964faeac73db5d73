package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// fakeJournal keeps batches in memory: every batch is durable at once, and
// closed runs are served from the records.
type fakeJournal struct {
	mu      sync.Mutex
	batches [][]Record
	waits   int
}

func (j *fakeJournal) Append(b []Record) uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.batches = append(j.batches, b)
	return uint64(len(j.batches))
}

func (j *fakeJournal) Wait(seq uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.waits++
	if seq > uint64(len(j.batches)) {
		return fmt.Errorf("waiting for batch %d of %d", seq, len(j.batches))
	}
	return nil
}

type fakeRun struct {
	exec   engine.Execution
	events []engine.Event
	status engine.ExecutionStatus
}

// runs replays the records.
func (j *fakeJournal) runs() []*fakeRun {
	j.mu.Lock()
	defer j.mu.Unlock()
	var order []*fakeRun
	byExec := map[engine.Execution]*fakeRun{}
	for _, b := range j.batches {
		for _, rec := range b {
			if rec.Event.Attr == nil {
				continue
			}
			r := byExec[rec.Exec]
			if r == nil {
				r = &fakeRun{exec: rec.Exec, status: engine.StatusOpen}
				byExec[rec.Exec] = r
				order = append(order, r)
			}
			r.events = append(r.events, rec.Event)
			if rec.Close != "" {
				r.status = rec.Close
			}
		}
	}
	return order
}

func (j *fakeJournal) state() State {
	var s State
	wf := map[engine.WorkflowType]engine.WorkflowTypeDetail{}
	act := map[engine.ActivityType]engine.ActivityTypeDetail{}
	j.mu.Lock()
	for _, b := range j.batches {
		for _, rec := range b {
			if d := rec.WorkflowType; d != nil {
				wf[d.WorkflowType] = *d
			}
			if d := rec.ActivityType; d != nil {
				act[d.ActivityType] = *d
			}
		}
	}
	j.mu.Unlock()
	for _, d := range wf {
		s.WorkflowTypes = append(s.WorkflowTypes, d)
	}
	for _, d := range act {
		s.ActivityTypes = append(s.ActivityTypes, d)
	}
	for _, r := range j.runs() {
		if r.status == engine.StatusOpen {
			s.Open = append(s.Open, RunHistory{Execution: r.exec, Events: r.events})
		}
	}
	return s
}

func (j *fakeJournal) closed(exec engine.Execution) (*fakeRun, error) {
	var found *fakeRun
	for _, r := range j.runs() {
		if r.status != engine.StatusOpen && r.exec.WorkflowID == exec.WorkflowID && (exec.RunID == "" || exec.RunID == r.exec.RunID) {
			found = r
		}
	}
	if found == nil {
		return nil, fmt.Errorf("fake journal: %v: %w", exec, engine.ErrUnknownResource)
	}
	return found, nil
}

func (r *fakeRun) info() *engine.ExecutionInfo {
	st := r.events[0].Attr.(*engine.WorkflowExecutionStarted)
	return &engine.ExecutionInfo{Execution: r.exec, Type: st.Type, Status: r.status, StartTime: r.events[0].Time,
		CloseTime: r.events[len(r.events)-1].Time, Parent: st.Parent, Tags: st.Tags}
}

func (j *fakeJournal) ClosedRun(ctx context.Context, exec engine.Execution) (*engine.ExecutionInfo, engine.Event, error) {
	r, err := j.closed(exec)
	if err != nil {
		return nil, engine.Event{}, err
	}
	return r.info(), r.events[len(r.events)-1], nil
}

func (j *fakeJournal) ClosedHistory(ctx context.Context, exec engine.Execution) ([]engine.Event, error) {
	r, err := j.closed(exec)
	if err != nil {
		return nil, err
	}
	return r.events, nil
}

func (j *fakeJournal) ListClosed(ctx context.Context, f engine.ExecutionFilter) ([]engine.ExecutionInfo, error) {
	var out []engine.ExecutionInfo
	for _, r := range j.runs() {
		if r.status != engine.StatusOpen && (f.WorkflowID == "" || f.WorkflowID == r.exec.WorkflowID) {
			out = append(out, *r.info())
		}
	}
	slices.SortFunc(out, func(a, b engine.ExecutionInfo) int { return b.StartTime.Compare(a.StartTime) })
	return out, nil
}

// restart closes h's engine and restores a new one from the journal.
func (h *harness) restart(j *fakeJournal) {
	h.t.Helper()
	h.e.Close()
	e, err := Restore(Options{Journal: j}, j.state())
	h.must(err)
	h.t.Cleanup(func() { e.Close() })
	h.e = e
}

func TestJournalBatches(t *testing.T) {
	j := &fakeJournal{}
	h := newHarness(t, Options{Journal: j})
	if n := len(j.batches); n != 3 {
		t.Fatalf("3 registrations made %d batches", n)
	}
	exec := h.start("w")
	if b := j.batches[3]; len(b) != 2 || b[0].Event.ID != 1 || b[0].Exec != exec || b[1].Event.Type() != "DecisionTaskScheduled" {
		t.Fatalf("start batch %+v", b)
	}
	dt := h.pollDecision(decList)
	n := len(j.batches)
	h.decide(dt, schedule("a"), schedule("b"), &engine.CompleteWorkflowExecution{Result: "r"})
	if len(j.batches) != n+1 {
		t.Fatalf("one decision task answer made %d batches", len(j.batches)-n)
	}
	b := j.batches[n]
	if got := len(b); got != 4 || b[3].Close != engine.StatusCompleted || b[2].Close != "" {
		t.Fatalf("answer batch %+v", b)
	}
	// The closed run left memory; reads come from the journal.
	h.e.mu.Lock()
	_, inMemory := h.e.runs[exec]
	h.e.mu.Unlock()
	if inMemory {
		t.Fatal("closed run still in memory")
	}
	if info := h.describe(exec); info.Status != engine.StatusCompleted {
		t.Fatalf("describe %+v", info)
	}
	if ev := h.waitClosed(engine.Execution{WorkflowID: "w"}); ev.Type() != "WorkflowExecutionCompleted" {
		t.Fatalf("closing event %s", ev.Type())
	}
	expectTypes(t, h.history(exec), "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted",
		"DecisionTaskCompleted", "ActivityTaskScheduled", "ActivityTaskScheduled", "WorkflowExecutionCompleted")
	list, err := h.e.ListExecutions(h.ctx, engine.ExecutionFilter{})
	h.must(err)
	if len(list) != 1 || list[0].Execution != exec {
		t.Fatalf("closed list %+v", list)
	}
	_, err = h.e.GetWorkflowExecutionHistory(h.ctx, engine.Execution{WorkflowID: "nope"})
	expectErr(t, err, engine.ErrUnknownResource)
	expectErr(t, h.e.TerminateWorkflow(h.ctx, exec, "", ""), engine.ErrUnknownResource)
}

func TestRestore(t *testing.T) {
	j := &fakeJournal{}
	h := newHarness(t, Options{Journal: j})
	h.must(h.e.DeprecateActivityType(h.ctx, engine.ActivityType{Name: "act", Version: "1"}))
	h.must(h.e.RegisterActivityType(h.ctx, engine.ActivityTypeInfo{ActivityType: engine.ActivityType{Name: "act", Version: "2"},
		DefaultTaskList: actList}))
	act2 := func(d *engine.ScheduleActivityTask) { d.Type.Version = "2" }
	exec := h.start("w")
	h.decide(h.pollDecision(decList),
		schedule("started", act2, withTimeouts(engine.ActivityTimeouts{StartToClose: time.Hour})),
		schedule("queued", act2),
		schedule("expires", act2, withTimeouts(engine.ActivityTimeouts{ScheduleToStart: 30 * time.Millisecond})),
		&engine.StartTimer{TimerID: "soon", StartToFire: 30 * time.Millisecond},
		&engine.StartTimer{TimerID: "later", StartToFire: time.Hour},
		&engine.StartChildWorkflowExecution{WorkflowID: "c", Type: childType})
	at := h.pollActivity(actList)
	if at.ActivityID != "started" {
		t.Fatalf("got %s", at.ActivityID)
	}
	dt := h.pollDecision(decList) // started, never answered
	h.must(h.e.RequestCancelWorkflow(h.ctx, exec))
	before := len(h.history(exec))

	h.restart(j)
	time.Sleep(50 * time.Millisecond) // "soon" and "expires" are due

	// The started decision task timed out; its token is dead.
	expectErr(t, h.e.RespondDecisionTaskCompleted(h.ctx, engine.RespondDecisionParams{Token: dt.Token}), engine.ErrUnknownResource)
	// The started activity's token still works, once.
	if c, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, ""); err != nil || !c {
		t.Fatalf("heartbeat after restore: %v %v", c, err)
	}
	h.must(h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "done"))
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, "again"), engine.ErrUnknownResource)
	q := h.pollActivity(actList)
	if q.ActivityID != "queued" {
		t.Fatalf("queued activity %s", q.ActivityID)
	}
	h.noActivity(actList, 10*time.Millisecond)
	// A deprecated type stays deprecated.
	if d, err := h.e.DescribeActivityType(h.ctx, actType); err != nil || d.Status != engine.TypeDeprecated {
		t.Fatalf("deprecated type after restore: %+v %v", d, err)
	}
	// The child completes; the parent hears of it.
	h.decide(h.pollDecision(childDecList), &engine.CompleteWorkflowExecution{Result: "cr"})

	dt = h.pollDecision(decList)
	got := types(dt.Events[before:])
	for _, want := range []string{"DecisionTaskTimedOut", "ActivityTaskCompleted", "ActivityTaskTimedOut",
		"TimerFired", "ChildWorkflowExecutionCompleted"} {
		if !slices.Contains(got, want) {
			t.Fatalf("no %s after the restart: %v", want, got)
		}
	}
	if f := last[*engine.TimerFired](t, dt.Events); f.TimerID != "soon" {
		t.Fatalf("timer fired %+v", f)
	}
	if info := h.describe(exec); info.OpenTimers != 1 || info.OpenActivities != 1 || info.OpenChildren != 0 {
		t.Fatalf("describe after restart %+v", info)
	}
	h.decide(dt, &engine.CompleteWorkflowExecution{Result: "ok"})
	if ev := h.waitClosed(exec); ev.Attr.(*engine.WorkflowExecutionCompleted).Result != "ok" {
		t.Fatalf("closed %+v", ev)
	}
	// Nothing of the closed runs is in memory; a second restart has nothing
	// open.
	if s := j.state(); len(s.Open) != 0 {
		t.Fatalf("open after close: %v", s.Open)
	}
}

func TestRestoreExecutionTimeout(t *testing.T) {
	j := &fakeJournal{}
	h := newHarness(t, Options{Journal: j})
	exec := h.start("w", func(p *engine.StartWorkflowParams) { p.ExecutionTimeout = 30 * time.Millisecond })
	h.restart(j)
	ev := h.waitClosed(exec)
	if ev.Type() != "WorkflowExecutionTimedOut" {
		t.Fatalf("closed by %s", ev.Type())
	}
	if d := ev.Time.Sub(h.history(exec)[0].Time); d < 30*time.Millisecond {
		t.Fatalf("timed out after %v", d)
	}
}

func TestRestoreRejectsBadState(t *testing.T) {
	ev := func(id int64, a engine.EventAttributes) engine.Event {
		return engine.Event{ID: id, Time: time.Now(), Attr: a}
	}
	started := &engine.WorkflowExecutionStarted{Type: wfType, TaskList: decList}
	for _, s := range []State{
		{Open: []RunHistory{{Execution: engine.Execution{WorkflowID: "w", RunID: "1"}}}},
		{Open: []RunHistory{{Execution: engine.Execution{WorkflowID: "w", RunID: "1"}, Events: []engine.Event{ev(2, started)}}}},
		{Open: []RunHistory{{Execution: engine.Execution{WorkflowID: "w", RunID: "1"}, Events: []engine.Event{ev(1, &engine.TimerFired{})}}}},
		{Open: []RunHistory{
			{Execution: engine.Execution{WorkflowID: "w", RunID: "1"}, Events: []engine.Event{ev(1, started)}},
			{Execution: engine.Execution{WorkflowID: "w", RunID: "2"}, Events: []engine.Event{ev(1, started)}},
		}},
		{Open: []RunHistory{{Execution: engine.Execution{WorkflowID: "w", RunID: "1"},
			Events: []engine.Event{ev(1, started), ev(2, &engine.WorkflowExecutionCompleted{})}}}},
	} {
		if e, err := Restore(Options{}, s); err == nil {
			e.Close()
			t.Errorf("restored %+v", s)
		}
	}
}
