package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
)

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	if _, err := Open(testPath(t), Options{Synchronous: "OFF"}); !errors.Is(err, engine.ErrInvalidArgument) {
		t.Fatalf("Synchronous OFF: %v", err)
	}
	for _, p := range []string{"", ":memory:", "file:x.db"} {
		if _, err := Open(p, Options{}); !errors.Is(err, engine.ErrInvalidArgument) {
			t.Fatalf("path %q: %v", p, err)
		}
	}
	path := testPath(t)
	e := openTest(t, path, Options{Synchronous: "full"})
	if _, err := Open(path, Options{}); err == nil {
		t.Fatal("opened a file in use")
	}
	if _, err := OpenDomain(e.DB(), DefaultDomain, 0); err == nil {
		t.Fatal("opened a domain twice")
	}
	if _, err := OpenDomain(e.DB(), "", 0); !errors.Is(err, engine.ErrInvalidArgument) {
		t.Fatalf("empty domain: %v", err)
	}
	e.Close()
	e.Close() // again: nothing
	if _, err := e.StartWorkflow(context.Background(), engine.StartWorkflowParams{WorkflowID: "w", Type: wfType}); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("start after close: %v", err)
	}
	e = openTest(t, path, Options{}) // the lock is free again
	e.Close()
}

// TestDomains: engines of different domains share a file and see nothing of
// each other; each recovers its own state.
func TestDomains(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	db, err := OpenDB(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	open := func(db *DB, name string) (*Engine, *harness) {
		e, err := OpenDomain(db, name, 0)
		if err != nil {
			t.Fatal(err)
		}
		return e, newHarness(t, e)
	}
	a, ha := open(db, "a")
	b, hb := open(db, "b")
	ea := ha.start("same-id")
	eb := hb.start("same-id", func(p *engine.StartWorkflowParams) { p.Input = "b" })
	ha.decide(ha.pollDecision(), &engine.CompleteWorkflowExecution{Result: "done in a"})
	if info := hb.describe(eb); info.Status != engine.StatusOpen {
		t.Fatalf("b's run: %+v", info)
	}
	if _, err := b.DescribeWorkflowExecution(ha.ctx, ea); !errors.Is(err, engine.ErrUnknownResource) {
		t.Fatalf("a's run seen from b: %v", err)
	}
	if n, _ := a.CountPendingDecisionTasks(ha.ctx, decList); n != 0 {
		t.Fatalf("a has %d pending decision tasks", n)
	}
	if n, _ := b.CountPendingDecisionTasks(ha.ctx, decList); n != 1 {
		t.Fatalf("b has %d pending decision tasks", n)
	}
	names, err := db.Domains(ha.ctx)
	if err != nil || !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("domains %v %v", names, err)
	}
	a.Close() // the DB stays open for b
	hb.start("another")
	if err := db.Close(); err != nil { // closes b too
		t.Fatal(err)
	}
	if _, err := b.DescribeWorkflowExecution(ha.ctx, eb); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("b after the DB closed: %v", err)
	}

	db, err = OpenDB(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, ha = open(db, "a")
	b, hb = open(db, "b")
	if ev := ha.waitClosed(engine.Execution{WorkflowID: "same-id"}); ev.Attr.(*engine.WorkflowExecutionCompleted).Result != "done in a" {
		t.Fatalf("a's run after reopening: %+v", ev)
	}
	open2, err := b.ListExecutions(hb.ctx, engine.ExecutionFilter{Open: true})
	if err != nil || len(open2) != 2 {
		t.Fatalf("b's open runs after reopening: %+v %v", open2, err)
	}
	if list, _ := a.ListExecutions(ha.ctx, engine.ExecutionFilter{Open: true}); len(list) != 0 {
		t.Fatalf("a's open runs after reopening: %+v", list)
	}
	dt := hb.pollDecision()
	if dt.Execution.WorkflowID != "same-id" && dt.Execution.WorkflowID != "another" {
		t.Fatalf("b's decision task for %v", dt.Execution)
	}
}

func (h *harness) describe(exec engine.Execution) *engine.ExecutionInfo {
	h.t.Helper()
	info, err := h.e.DescribeWorkflowExecution(h.ctx, exec)
	h.must(err)
	return info
}

func TestRetention(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	e := openTest(t, path, Options{Retention: 200 * time.Millisecond})
	defer e.Close()
	h := newHarness(t, e)
	old := h.start("old")
	h.must(e.TerminateWorkflow(h.ctx, old, "", ""))
	open := h.start("open")
	if info := h.describe(old); info.Status != engine.StatusTerminated {
		t.Fatalf("closed run: %+v", info)
	}
	// The background sweep deletes the closed run once past the retention.
	h.eventually(func() bool {
		_, err := e.GetWorkflowExecutionHistory(h.ctx, old)
		return errors.Is(err, engine.ErrUnknownResource)
	})
	if _, err := e.DescribeWorkflowExecution(h.ctx, engine.Execution{WorkflowID: "old"}); !errors.Is(err, engine.ErrUnknownResource) {
		t.Fatalf("describe after retention: %v", err)
	}
	if info := h.describe(open); info.Status != engine.StatusOpen {
		t.Fatalf("open run: %+v", info)
	}
	var events int
	if err := e.db.reader.QueryRow(`SELECT count(*) FROM events e JOIN runs r ON r.seq = e.run WHERE r.run_id = ?`, old.RunID).Scan(&events); err != nil || events != 0 {
		t.Fatalf("%d events of the deleted run left (%v)", events, err)
	}
	// sweep deletes in chunks.
	e.stopSweeper()
	for i := range sweepChunk + 10 {
		h.must(e.TerminateWorkflow(h.ctx, h.start("bulk-"+string(rune('a'+i%26))+string(rune('a'+i/26))), "", ""))
	}
	n, err := e.sweep(time.Now().Add(time.Hour))
	if err != nil || n != sweepChunk+10 {
		t.Fatalf("swept %d (%v), want %d", n, err, sweepChunk+10)
	}
	if list, _ := e.ListExecutions(h.ctx, engine.ExecutionFilter{}); len(list) != 0 {
		t.Fatalf("%d closed runs left", len(list))
	}
}

// TestCapabilities runs the same scenario on the memory engine and on a
// sqlite engine that is reopened in the middle, and compares what the
// optional capabilities report.
func TestCapabilities(t *testing.T) {
	t.Parallel()
	type report struct {
		WorkflowTypes []string
		ActivityTypes []string
		Lists         [][]string
		Pending       [2]int
		Heartbeat     bool
		Signaled      string
	}
	scenario := func(e engine.Engine, reopen func() engine.Engine) report {
		var r report
		h := newHarness(t, e)
		admin := func() engine.TypeAdmin { return h.e.(engine.TypeAdmin) }
		h.must(e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{WorkflowType: engine.WorkflowType{Name: "wf", Version: "2"}, DefaultTaskList: decList}))
		h.must(admin().DeprecateWorkflowType(h.ctx, engine.WorkflowType{Name: "wf", Version: "2"}))
		a := h.start("a", func(p *engine.StartWorkflowParams) { p.Tags = []string{"x", "y"} })
		h.start("b", func(p *engine.StartWorkflowParams) { p.Tags = []string{"y"} })
		h.must(e.TerminateWorkflow(h.ctx, a, "", ""))
		c := h.start("c")
		dt := h.pollDecision()
		for dt.Execution.WorkflowID != "c" {
			h.decide(dt)
			dt = h.pollDecision()
		}
		h.decide(dt, &engine.ScheduleActivityTask{ActivityID: "act", Type: actType}, &engine.ScheduleActivityTask{ActivityID: "q", Type: actType})
		at := h.pollActivity()

		h.e = reopen()
		e = h.e
		h.must(e.(engine.Signaler).SignalWorkflow(h.ctx, engine.Execution{WorkflowID: "c"}, "sig", "payload"))
		h.must(e.(engine.Signaler).RequestCancelWorkflow(h.ctx, c))
		cancel, err := e.RecordActivityTaskHeartbeat(h.ctx, at.Token, "")
		h.must(err)
		r.Heartbeat = cancel
		h.must(e.RespondActivityTaskCompleted(h.ctx, at.Token, "r"))
		dt = h.pollDecision()
		for _, ev := range dt.Events {
			if s, ok := ev.Attr.(*engine.WorkflowExecutionSignaled); ok {
				r.Signaled = s.SignalName + ":" + s.Input
			}
		}
		h.decide(dt, &engine.CompleteWorkflowExecution{Result: "ok"})
		h.start("a") // reuses a closed run's id

		wts, err := admin().ListWorkflowTypes(h.ctx, "", "")
		h.must(err)
		for _, d := range wts {
			if d.Created.IsZero() || (d.Status == engine.TypeDeprecated) == d.DeprecatedSince.IsZero() {
				t.Errorf("type %+v", d)
			}
			r.WorkflowTypes = append(r.WorkflowTypes, d.Name+"/"+d.Version+"/"+string(d.Status))
		}
		ats, err := admin().ListActivityTypes(h.ctx, engine.TypeRegistered, "act")
		h.must(err)
		for _, d := range ats {
			r.ActivityTypes = append(r.ActivityTypes, d.Name+"/"+d.Version+"/"+string(d.Status))
		}
		for _, f := range []engine.ExecutionFilter{
			{Open: true}, {}, {Tag: "x"}, {Open: true, Tag: "y"}, {CloseStatus: engine.StatusCompleted},
			{WorkflowID: "a"}, {Open: true, WorkflowID: "a"}, {TypeName: "wf", TypeVer: "1"}, {TypeName: "nope"},
			{StartedAfter: time.Now().Add(-time.Minute), ClosedBefore: time.Now().Add(time.Minute)},
			{ClosedAfter: time.Now().Add(time.Minute)},
		} {
			infos, err := e.(engine.ExecutionLister).ListExecutions(h.ctx, f)
			h.must(err)
			var ids []string
			for _, i := range infos {
				ids = append(ids, i.Execution.WorkflowID+":"+string(i.Status)+":"+strings.Join(i.Tags, ","))
			}
			r.Lists = append(r.Lists, ids)
		}
		pc := e.(engine.PendingCounter)
		r.Pending[0], _ = pc.CountPendingDecisionTasks(h.ctx, decList)
		r.Pending[1], _ = pc.CountPendingActivityTasks(h.ctx, actList)
		return r
	}

	m := memory.New(memory.Options{})
	defer m.Close()
	want := scenario(m, func() engine.Engine { return m })

	path := filepath.Join(t.TempDir(), "caps.db")
	s := openTest(t, path, Options{})
	got := scenario(s, func() engine.Engine {
		s.Close()
		s = openTest(t, path, Options{})
		return s
	})
	defer s.Close()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sqlite reports\n%+v\nmemory reports\n%+v", got, want)
	}
}
