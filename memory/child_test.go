package memory

import (
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// startChild has the parent's next decision task start child "c", checks
// the parent's events and returns the child's execution and the parent's
// decision task that ChildWorkflowExecutionStarted scheduled (unanswered).
func (h *harness) startChild(parent engine.Execution, mod ...func(*engine.StartChildWorkflowExecution)) (engine.Execution, *engine.DecisionTask) {
	h.t.Helper()
	t := h.t
	dt := h.pollDecision(decList)
	if dt.Execution.WorkflowID != parent.WorkflowID {
		t.Fatalf("decision task for %v", dt.Execution)
	}
	d := &engine.StartChildWorkflowExecution{WorkflowID: "c", Type: childType, Input: "cin", Control: "ctl"}
	for _, m := range mod {
		m(d)
	}
	h.decide(dt, d)
	evs := h.history(parent)
	n := dt.StartedEventID
	expectTypes(t, evs[n:], "DecisionTaskCompleted", "StartChildWorkflowExecutionInitiated",
		"ChildWorkflowExecutionStarted", "DecisionTaskScheduled")
	init := attr[*engine.StartChildWorkflowExecutionInitiated](t, evs, n+2)
	if init.WorkflowID != d.WorkflowID || init.Type != d.Type || init.Input != "cin" || init.Control != "ctl" ||
		init.DecisionTaskCompletedEventID != n+1 {
		t.Fatalf("initiated %+v", init)
	}
	started := attr[*engine.ChildWorkflowExecutionStarted](t, evs, n+3)
	if started.InitiatedEventID != n+2 || started.Type != d.Type || started.Execution.WorkflowID != d.WorkflowID {
		t.Fatalf("child started %+v", started)
	}
	return started.Execution, h.pollDecision(decList)
}

func TestChildCompletes(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p")
	child, dt := h.startChild(parent)
	h.decide(dt)
	if info := h.describe(parent); info.OpenChildren != 1 {
		t.Fatalf("parent %+v", info)
	}
	if info := h.describe(child); info.Parent == nil || *info.Parent != parent || info.Type != childType {
		t.Fatalf("child %+v", info)
	}
	dt = h.pollDecision(childDecList)
	st := attr[*engine.WorkflowExecutionStarted](t, dt.Events, 1)
	if st.Parent == nil || *st.Parent != parent || st.ParentInitiatedEventID != 5 || st.Input != "cin" ||
		st.TaskList != childDecList || st.ChildPolicy != engine.ChildPolicyAbandon ||
		st.ExecutionTimeout != engine.NoTimeout || st.DecisionTimeout != DefaultDecisionTimeout {
		t.Fatalf("child started %+v", st)
	}
	h.decide(dt, &engine.CompleteWorkflowExecution{Result: "cres"})
	dt = h.pollDecision(decList)
	c := last[*engine.ChildWorkflowExecutionCompleted](t, dt.Events)
	if c.Execution != child || c.Type != childType || c.Result != "cres" || c.InitiatedEventID != 5 || c.StartedEventID != 6 {
		t.Fatalf("child completed %+v", c)
	}
	expectTypes(t, dt.Events[9:], "ChildWorkflowExecutionCompleted", "DecisionTaskScheduled", "DecisionTaskStarted")
	if info := h.describe(parent); info.OpenChildren != 0 {
		t.Fatalf("parent %+v", info)
	}
}

func TestChildCloses(t *testing.T) {
	cases := map[string]struct {
		mod   func(*engine.StartChildWorkflowExecution)
		close func(h *harness, child engine.Execution)
		check func(t *testing.T, ev engine.EventAttributes, child engine.Execution)
	}{
		"fails": {
			close: func(h *harness, child engine.Execution) {
				h.decide(h.pollDecision(childDecList), &engine.FailWorkflowExecution{Reason: "r", Details: "d"})
			},
			check: func(t *testing.T, ev engine.EventAttributes, child engine.Execution) {
				f, ok := ev.(*engine.ChildWorkflowExecutionFailed)
				if !ok || f.Reason != "r" || f.Details != "d" || f.Execution != child || f.InitiatedEventID != 5 || f.StartedEventID != 6 {
					t.Fatalf("%s %+v", ev.EventType(), ev)
				}
			},
		},
		"times out": {
			mod: func(d *engine.StartChildWorkflowExecution) { d.ExecutionTimeout = 40 * time.Millisecond },
			close: func(h *harness, child engine.Execution) {
				h.waitClosed(child)
			},
			check: func(t *testing.T, ev engine.EventAttributes, child engine.Execution) {
				f, ok := ev.(*engine.ChildWorkflowExecutionTimedOut)
				if !ok || f.Execution != child || f.InitiatedEventID != 5 || f.StartedEventID != 6 {
					t.Fatalf("%s %+v", ev.EventType(), ev)
				}
			},
		},
		"is terminated": {
			close: func(h *harness, child engine.Execution) {
				h.must(h.e.TerminateWorkflow(h.ctx, child, "stop", ""))
			},
			check: func(t *testing.T, ev engine.EventAttributes, child engine.Execution) {
				f, ok := ev.(*engine.ChildWorkflowExecutionTerminated)
				if !ok || f.Execution != child || f.InitiatedEventID != 5 || f.StartedEventID != 6 {
					t.Fatalf("%s %+v", ev.EventType(), ev)
				}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			parent := h.start("p")
			var mods []func(*engine.StartChildWorkflowExecution)
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			child, dt := h.startChild(parent, mods...)
			h.decide(dt)
			tc.close(h, child)
			dt = h.pollDecision(decList)
			evs := dt.Events
			expectTypes(t, evs[len(evs)-3:], evs[len(evs)-3].Type(), "DecisionTaskScheduled", "DecisionTaskStarted")
			tc.check(t, evs[len(evs)-3].Attr, child)
		})
	}
}

func TestChildStartFails(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p")
	busy := h.start("busy")
	h.decide(h.pollDecision(decList),
		&engine.StartChildWorkflowExecution{WorkflowID: "c", Type: engine.WorkflowType{Name: "nope"}},
		&engine.StartChildWorkflowExecution{WorkflowID: "busy", Type: childType},
		&engine.StartChildWorkflowExecution{WorkflowID: "p", Type: wfType}, // itself
	)
	// One of the two decision tasks is busy's; answer it first if needed.
	if dt := h.pollDecision(decList); dt.Execution == busy {
		h.pollDecision(decList)
	}
	evs := h.history(parent)
	expectTypes(t, evs[3:],
		"DecisionTaskCompleted",
		"StartChildWorkflowExecutionInitiated", "StartChildWorkflowExecutionFailed",
		"StartChildWorkflowExecutionInitiated", "StartChildWorkflowExecutionFailed",
		"StartChildWorkflowExecutionInitiated", "StartChildWorkflowExecutionFailed",
		"DecisionTaskScheduled", "DecisionTaskStarted")
	for id, cause := range map[int64]string{6: engine.CauseTypeDoesNotExist, 8: engine.CauseWorkflowAlreadyRunning, 10: engine.CauseWorkflowAlreadyRunning} {
		f := attr[*engine.StartChildWorkflowExecutionFailed](t, evs, id)
		if f.Cause != cause || f.InitiatedEventID != id-1 || f.DecisionTaskCompletedEventID != 4 {
			t.Fatalf("event %d: %+v", id, f)
		}
	}
	if info := h.describe(parent); info.OpenChildren != 0 {
		t.Fatalf("parent %+v", info)
	}
	if n := len(h.history(busy)); n != 2 && n != 3 {
		t.Fatalf("busy was touched:\n%s", dump(h.history(busy)))
	}
}

func TestChildPolicyTerminate(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p", func(p *engine.StartWorkflowParams) { p.ChildPolicy = engine.ChildPolicyTerminate })
	child, pdt := h.startChild(parent, func(d *engine.StartChildWorkflowExecution) { d.ChildPolicy = engine.ChildPolicyTerminate })
	// The child starts a grandchild and an activity.
	h.decide(h.pollDecision(childDecList), &engine.StartChildWorkflowExecution{WorkflowID: "g", Type: childType}, schedule("a"))
	at := h.pollActivity(actList)
	grand := last[*engine.ChildWorkflowExecutionStarted](t, h.history(child)).Execution

	h.decide(pdt, &engine.CompleteWorkflowExecution{Result: "bye"})
	parentLen := len(h.history(parent))

	for _, ex := range []engine.Execution{child, grand} {
		ev := h.waitClosed(ex)
		tm, ok := ev.Attr.(*engine.WorkflowExecutionTerminated)
		if !ok || tm.Cause != "CHILD_POLICY_APPLIED" {
			t.Fatalf("%v closed by %s %+v", ex, ev.Type(), ev.Attr)
		}
		if s := h.describe(ex).Status; s != engine.StatusTerminated {
			t.Fatalf("%v status %s", ex, s)
		}
	}
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, ""), engine.ErrUnknownResource)
	evs := h.history(parent)
	if len(evs) != parentLen || evs[len(evs)-1].Type() != "WorkflowExecutionCompleted" {
		t.Fatalf("parent history after close:\n%s", dump(evs))
	}
	h.noDecision(childDecList, 20*time.Millisecond)
}

func TestChildPolicyRequestCancel(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p", func(p *engine.StartWorkflowParams) { p.ChildPolicy = engine.ChildPolicyRequestCancel })
	child, pdt := h.startChild(parent)
	h.decide(h.pollDecision(childDecList), schedule("a"))
	at := h.pollActivity(actList)
	h.decide(pdt, &engine.CompleteWorkflowExecution{})
	cancel, err := h.e.RecordActivityTaskHeartbeat(h.ctx, at.Token, "")
	h.must(err)
	if !cancel {
		t.Fatal("heartbeat does not report the cancel request")
	}
	dt := h.pollDecision(childDecList)
	expectTypes(t, dt.Events[len(dt.Events)-3:], "WorkflowExecutionCancelRequested", "DecisionTaskScheduled", "DecisionTaskStarted")
	if cr := last[*engine.WorkflowExecutionCancelRequested](t, dt.Events); cr.Cause != "CHILD_POLICY_APPLIED" {
		t.Fatalf("cancel requested %+v", cr)
	}
	if s := h.describe(child).Status; s != engine.StatusOpen {
		t.Fatalf("child status %s", s)
	}
	h.decide(dt, &engine.FailWorkflowExecution{Reason: "canceled"})
	h.waitClosed(child)
	expectErr(t, h.e.RespondActivityTaskCompleted(h.ctx, at.Token, ""), engine.ErrUnknownResource)
	if ev := h.history(parent); ev[len(ev)-1].Type() != "WorkflowExecutionCompleted" {
		t.Fatalf("the closed parent recorded the child's close:\n%s", dump(ev))
	}
}

func TestChildPolicyAbandon(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p", func(p *engine.StartWorkflowParams) { p.ChildPolicy = engine.ChildPolicyAbandon })
	child, pdt := h.startChild(parent)
	h.decide(pdt, &engine.CompleteWorkflowExecution{})
	dt := h.pollDecision(childDecList)
	expectTypes(t, dt.Events, "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted")
	h.decide(dt, &engine.CompleteWorkflowExecution{})
	if ev := h.waitClosed(child); ev.Type() != "WorkflowExecutionCompleted" {
		t.Fatalf("child closed by %s", ev.Type())
	}
}

func TestChildContinuesAsNew(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p")
	child, pdt := h.startChild(parent, func(d *engine.StartChildWorkflowExecution) { d.TaskList = "custom" })
	h.decide(pdt)
	h.decide(h.pollDecision("custom"), &engine.ContinueAsNewWorkflowExecution{Input: "again"})
	can := h.waitClosed(child).Attr.(*engine.WorkflowExecutionContinuedAsNew)
	h.noDecision(decList, 20*time.Millisecond) // the parent hears nothing
	if info := h.describe(parent); info.OpenChildren != 1 {
		t.Fatalf("parent %+v", info)
	}
	dt := h.pollDecision("custom")
	next := engine.Execution{WorkflowID: "c", RunID: can.NewRunID}
	st := attr[*engine.WorkflowExecutionStarted](t, dt.Events, 1)
	if dt.Execution != next || st.Parent == nil || *st.Parent != parent || st.ParentInitiatedEventID != 5 ||
		st.ContinuedExecutionRunID != child.RunID || st.Input != "again" || st.TaskList != "custom" {
		t.Fatalf("new run started %+v", st)
	}
	h.decide(dt, &engine.CompleteWorkflowExecution{Result: "final"})
	dt = h.pollDecision(decList)
	c := last[*engine.ChildWorkflowExecutionCompleted](t, dt.Events)
	if c.Execution != next || c.Result != "final" || c.InitiatedEventID != 5 || c.StartedEventID != 6 {
		t.Fatalf("child completed %+v", c)
	}
}

// The events of one decision task's decisions stay together, in order: the
// ChildWorkflowExecutionStarted events of the children it starts follow
// them (and precede a close).
func TestChildrenStartedAfterDecisionEvents(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p")
	dt := h.pollDecision(decList)
	h.decide(dt,
		&engine.StartChildWorkflowExecution{WorkflowID: "c1", Type: childType},
		&engine.StartChildWorkflowExecution{WorkflowID: "c2", Type: childType},
		schedule("a"))
	evs := h.history(parent)
	expectTypes(t, evs[dt.StartedEventID:], "DecisionTaskCompleted",
		"StartChildWorkflowExecutionInitiated", "StartChildWorkflowExecutionInitiated", "ActivityTaskScheduled",
		"ChildWorkflowExecutionStarted", "ChildWorkflowExecutionStarted", "DecisionTaskScheduled")
	if s := attr[*engine.ChildWorkflowExecutionStarted](t, evs, 9); s.InitiatedEventID != 6 || s.Execution.WorkflowID != "c2" {
		t.Fatalf("second child started %+v", s)
	}
	if info := h.describe(parent); info.OpenChildren != 2 {
		t.Fatalf("parent %+v", info)
	}

	// A child started by the decision list that closes the run is started
	// (and its parent's child policy applies to it) before the close.
	p2 := h.start("p2", func(p *engine.StartWorkflowParams) { p.ChildPolicy = engine.ChildPolicyTerminate })
	var dt2 *engine.DecisionTask
	for dt2 == nil || dt2.Execution.WorkflowID != "p2" {
		dt2 = h.pollDecision(decList)
	}
	h.decide(dt2, &engine.StartChildWorkflowExecution{WorkflowID: "c3", Type: childType},
		&engine.CompleteWorkflowExecution{Result: "done"})
	expectTypes(t, h.history(p2)[dt2.StartedEventID:], "DecisionTaskCompleted",
		"StartChildWorkflowExecutionInitiated", "ChildWorkflowExecutionStarted", "WorkflowExecutionCompleted")
	if ev := h.waitClosed(engine.Execution{WorkflowID: "c3"}); ev.Type() != "WorkflowExecutionTerminated" {
		t.Fatalf("child of a closed TERMINATE parent: %s", ev.Type())
	}
}
