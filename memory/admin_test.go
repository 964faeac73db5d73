package memory

import (
	"slices"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
)

func TestTypeAdmin(t *testing.T) {
	h := newHarness(t)
	before := time.Now()
	h.must(h.e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{
		WorkflowType:            engine.WorkflowType{Name: "wf", Version: "2"},
		DefaultTaskList:         decList,
		DefaultExecutionTimeout: time.Hour,
	}))
	d, err := h.e.DescribeWorkflowType(h.ctx, engine.WorkflowType{Name: "wf", Version: "2"})
	h.must(err)
	if d.Status != engine.TypeRegistered || d.Created.Before(before) || !d.DeprecatedSince.IsZero() ||
		d.Description != "" || d.DefaultExecutionTimeout != time.Hour || d.DefaultTaskList != decList {
		t.Fatalf("describe %+v", d)
	}
	ad, err := h.e.DescribeActivityType(h.ctx, actType)
	h.must(err)
	if ad.Status != engine.TypeRegistered || ad.Created.IsZero() || ad.StartToClose != 5*time.Second {
		t.Fatalf("describe activity %+v", ad)
	}
	_, err = h.e.DescribeWorkflowType(h.ctx, engine.WorkflowType{Name: "nope"})
	expectErr(t, err, engine.ErrUnknownResource)
	_, err = h.e.DescribeActivityType(h.ctx, engine.ActivityType{Name: "nope"})
	expectErr(t, err, engine.ErrUnknownResource)
	expectErr(t, h.e.DeprecateWorkflowType(h.ctx, engine.WorkflowType{Name: "nope"}), engine.ErrUnknownResource)
	expectErr(t, h.e.DeprecateActivityType(h.ctx, engine.ActivityType{Name: "nope"}), engine.ErrUnknownResource)

	names := func(ds []engine.WorkflowTypeDetail) []string {
		var s []string
		for _, d := range ds {
			s = append(s, d.Name+"/"+d.Version)
		}
		return s
	}
	all, err := h.e.ListWorkflowTypes(h.ctx, engine.TypeRegistered, "")
	h.must(err)
	if got := names(all); !slices.Equal(got, []string{"child/1", "wf/1", "wf/2"}) {
		t.Fatalf("registered workflow types %v", got)
	}

	// A run of wf/1 open before the deprecation carries on.
	exec := h.start("w")
	h.must(h.e.DeprecateWorkflowType(h.ctx, wfType))
	expectErr(t, h.e.DeprecateWorkflowType(h.ctx, wfType), engine.ErrTypeDeprecated)
	d, err = h.e.DescribeWorkflowType(h.ctx, wfType)
	h.must(err)
	if d.Status != engine.TypeDeprecated || d.DeprecatedSince.Before(d.Created) {
		t.Fatalf("deprecated %+v", d)
	}
	expectErr(t, h.e.RegisterWorkflowType(h.ctx, engine.WorkflowTypeInfo{WorkflowType: wfType, DefaultTaskList: "x"}), engine.ErrTypeAlreadyExists)
	_, err = h.e.StartWorkflow(h.ctx, engine.StartWorkflowParams{WorkflowID: "w2", Type: wfType})
	expectErr(t, err, engine.ErrTypeDeprecated)

	dep, err := h.e.ListWorkflowTypes(h.ctx, engine.TypeDeprecated, "")
	h.must(err)
	reg, err := h.e.ListWorkflowTypes(h.ctx, engine.TypeRegistered, "wf")
	h.must(err)
	if got := names(dep); !slices.Equal(got, []string{"wf/1"}) {
		t.Fatalf("deprecated types %v", got)
	}
	if got := names(reg); !slices.Equal(got, []string{"wf/2"}) {
		t.Fatalf("registered types named wf %v", got)
	}

	h.must(h.e.DeprecateActivityType(h.ctx, actType))
	expectErr(t, h.e.DeprecateActivityType(h.ctx, actType), engine.ErrTypeDeprecated)
	acts, err := h.e.ListActivityTypes(h.ctx, engine.TypeDeprecated, "act")
	h.must(err)
	if len(acts) != 1 || acts[0].ActivityType != actType || acts[0].DeprecatedSince.IsZero() {
		t.Fatalf("deprecated activity types %+v", acts)
	}
	if acts, _ := h.e.ListActivityTypes(h.ctx, engine.TypeRegistered, ""); len(acts) != 0 {
		t.Fatalf("registered activity types %+v", acts)
	}

	// Decisions naming deprecated types fail with TYPE_DEPRECATED.
	h.must(h.e.DeprecateWorkflowType(h.ctx, childType))
	dt := h.pollDecision(decList)
	h.decide(dt, schedule("a"), &engine.StartChildWorkflowExecution{WorkflowID: "c", Type: childType})
	evs := h.history(exec)
	if f := last[*engine.ScheduleActivityTaskFailed](t, evs); f.Cause != engine.CauseTypeDeprecated || f.ActivityID != "a" {
		t.Fatalf("schedule failed %+v", f)
	}
	if f := last[*engine.StartChildWorkflowExecutionFailed](t, evs); f.Cause != engine.CauseTypeDeprecated || f.WorkflowID != "c" {
		t.Fatalf("child failed %+v", f)
	}
	dt = h.pollDecision(decList)
	h.decide(dt, &engine.ContinueAsNewWorkflowExecution{Input: "again"})
	if f := last[*engine.ContinueAsNewWorkflowExecutionFailed](t, h.history(exec)); f.Cause != engine.CauseTypeDeprecated {
		t.Fatalf("continue-as-new failed %+v", f)
	}
	// The open run carries on.
	h.decide(h.pollDecision(decList), &engine.CompleteWorkflowExecution{Result: "ok"})
	if s := h.describe(exec).Status; s != engine.StatusCompleted {
		t.Fatalf("status %s", s)
	}
}

func TestListExecutions(t *testing.T) {
	h := newHarness(t)
	t0 := time.Now()
	a := h.start("a", func(p *engine.StartWorkflowParams) { p.Tags = []string{"x", "y"} })
	time.Sleep(2 * time.Millisecond)
	t1 := time.Now()
	b := h.start("b", func(p *engine.StartWorkflowParams) { p.Tags = []string{"y"} })
	c := h.start("c", func(p *engine.StartWorkflowParams) { p.Type = childType })
	time.Sleep(2 * time.Millisecond)
	t2 := time.Now()
	h.must(h.e.TerminateWorkflow(h.ctx, a, "", ""))
	time.Sleep(2 * time.Millisecond)
	t3 := time.Now()
	h.decide(h.pollDecision(childDecList), &engine.CompleteWorkflowExecution{})
	b2 := h.start("a") // reuses the id of a closed run

	list := func(f engine.ExecutionFilter) []engine.Execution {
		t.Helper()
		infos, err := h.e.ListExecutions(h.ctx, f)
		h.must(err)
		var out []engine.Execution
		for _, i := range infos {
			out = append(out, i.Execution)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    engine.ExecutionFilter
		want []engine.Execution
	}{
		{"open", engine.ExecutionFilter{Open: true}, []engine.Execution{b2, b}},
		{"closed", engine.ExecutionFilter{}, []engine.Execution{c, a}},
		{"started after", engine.ExecutionFilter{Open: true, StartedAfter: t1}, []engine.Execution{b2, b}},
		{"started before", engine.ExecutionFilter{StartedBefore: t1}, []engine.Execution{a}},
		{"started between", engine.ExecutionFilter{StartedAfter: t0, StartedBefore: t2}, []engine.Execution{c, a}},
		{"closed after", engine.ExecutionFilter{ClosedAfter: t3}, []engine.Execution{c}},
		{"closed before", engine.ExecutionFilter{ClosedBefore: t3}, []engine.Execution{a}},
		{"closed bounds ignored when open", engine.ExecutionFilter{Open: true, ClosedBefore: t0}, []engine.Execution{b2, b}},
		{"workflow id", engine.ExecutionFilter{WorkflowID: "a"}, []engine.Execution{a}},
		{"workflow id open", engine.ExecutionFilter{Open: true, WorkflowID: "a"}, []engine.Execution{b2}},
		{"type", engine.ExecutionFilter{TypeName: "child"}, []engine.Execution{c}},
		{"type and version", engine.ExecutionFilter{TypeName: "wf", TypeVer: "1"}, []engine.Execution{a}},
		{"other version", engine.ExecutionFilter{TypeName: "wf", TypeVer: "2"}, nil},
		{"tag", engine.ExecutionFilter{Open: true, Tag: "y"}, []engine.Execution{b}},
		{"tag closed", engine.ExecutionFilter{Tag: "x"}, []engine.Execution{a}},
		{"close status", engine.ExecutionFilter{CloseStatus: engine.StatusCompleted}, []engine.Execution{c}},
		{"close status terminated", engine.ExecutionFilter{CloseStatus: engine.StatusTerminated}, []engine.Execution{a}},
	} {
		if got := list(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	infos, err := h.e.ListExecutions(h.ctx, engine.ExecutionFilter{Tag: "x"})
	h.must(err)
	if i := infos[0]; i.Status != engine.StatusTerminated || i.CloseTime.IsZero() || !slices.Equal(i.Tags, []string{"x", "y"}) || i.Type != wfType {
		t.Fatalf("info %+v", i)
	}
}

func TestCountPending(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	count := func(dec bool, list string) int {
		t.Helper()
		var n int
		var err error
		if dec {
			n, err = h.e.CountPendingDecisionTasks(h.ctx, list)
		} else {
			n, err = h.e.CountPendingActivityTasks(h.ctx, list)
		}
		h.must(err)
		return n
	}
	expect := func(decs, acts int) {
		t.Helper()
		if d, a := count(true, decList), count(false, actList); d != decs || a != acts {
			t.Fatalf("pending: %d decision tasks, %d activity tasks; want %d, %d", d, a, decs, acts)
		}
	}
	expect(0, 0)
	if n := count(false, "never-used"); n != 0 {
		t.Fatalf("unknown list: %d", n)
	}
	w1 := h.start("w1")
	h.start("w2")
	expect(2, 0)
	h.decide(h.pollDecision(decList), schedule("a"), schedule("b"),
		schedule("c", withTimeouts(engine.ActivityTimeouts{ScheduleToStart: 30 * time.Millisecond})))
	expect(1, 3)
	at := h.pollActivity(actList)
	expect(1, 2)
	h.eventually(func() bool { return count(false, actList) == 1 }) // c timed out
	h.must(h.e.RespondActivityTaskCompleted(h.ctx, at.Token, ""))
	expect(2, 1) // w1's decision task is back
	h.must(h.e.TerminateWorkflow(h.ctx, w1, "", ""))
	expect(1, 0)
	h.pollDecision(decList)
	expect(0, 0)
}

func TestSignalAndCancel(t *testing.T) {
	h := newHarness(t)
	exec := h.start("w")
	h.decide(h.pollDecision(decList), schedule("a", func(d *engine.ScheduleActivityTask) { d.Timeouts.Heartbeat = time.Minute }))
	at := h.pollActivity(actList)

	h.must(h.e.SignalWorkflow(h.ctx, engine.Execution{WorkflowID: "w"}, "sig", "payload"))
	dt := h.pollDecision(decList)
	expectTypes(t, dt.Events[len(dt.Events)-3:], "WorkflowExecutionSignaled", "DecisionTaskScheduled", "DecisionTaskStarted")
	if s := last[*engine.WorkflowExecutionSignaled](t, dt.Events); s.SignalName != "sig" || s.Input != "payload" {
		t.Fatalf("signaled %+v", s)
	}
	// A signal while the decision task is started refuses its close decision.
	h.must(h.e.SignalWorkflow(h.ctx, exec, "sig2", ""))
	h.decide(dt, &engine.CompleteWorkflowExecution{})
	if f := last[*engine.CompleteWorkflowExecutionFailed](t, h.history(exec)); f.Cause != engine.CauseUnhandledDecision {
		t.Fatalf("complete failed %+v", f)
	}
	h.decide(h.pollDecision(decList))

	if c, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, ""); err != nil || c {
		t.Fatalf("heartbeat before the cancel request: %v %v", c, err)
	}
	h.must(h.e.RequestCancelWorkflow(h.ctx, engine.Execution{WorkflowID: "w"}))
	if c, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, ""); err != nil || !c {
		t.Fatalf("heartbeat after the cancel request: %v %v", c, err)
	}
	dt = h.pollDecision(decList)
	expectTypes(t, dt.Events[len(dt.Events)-3:], "WorkflowExecutionCancelRequested", "DecisionTaskScheduled", "DecisionTaskStarted")

	expectErr(t, h.e.SignalWorkflow(h.ctx, engine.Execution{WorkflowID: "nope"}, "s", ""), engine.ErrUnknownResource)
	expectErr(t, h.e.RequestCancelWorkflow(h.ctx, engine.Execution{WorkflowID: "w", RunID: "nope"}), engine.ErrUnknownResource)
	expectErr(t, h.e.SignalWorkflow(h.ctx, exec, "", ""), engine.ErrInvalidArgument)
	n := len(h.history(exec))
	h.must(h.e.TerminateWorkflow(h.ctx, exec, "", ""))
	expectErr(t, h.e.SignalWorkflow(h.ctx, exec, "s", ""), engine.ErrUnknownResource)
	expectErr(t, h.e.RequestCancelWorkflow(h.ctx, exec), engine.ErrUnknownResource)
	if m := len(h.history(exec)); m != n+1 {
		t.Fatalf("%d events after terminate, want 1", m-n)
	}
}
