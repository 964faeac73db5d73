// Package trace rebuilds the picture of a workflow run from its history
// alone: a node per task (activity, child workflow, timer) with its attempts,
// times and outcome, and an edge from every task whose result went into
// another's arguments (the decider records those in each scheduling
// decision's control field). Renderers draw it as Graphviz DOT, SVG, or one
// self-contained HTML page with the graph and a timeline.
package trace

import (
	"sort"
	"strings"
	"time"

	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/failure"
)

// Kind is the kind of a node.
type Kind string

// Node kinds.
const (
	Activity Kind = "activity"
	Child    Kind = "child"
	Timer    Kind = "timer"
)

// Outcome is how a node or attempt ended, or where it is.
type Outcome string

// Outcomes.
const (
	Scheduled  Outcome = "scheduled" // waiting for a worker (or a timer to fire)
	Running    Outcome = "running"
	Completed  Outcome = "completed"
	Failed     Outcome = "failed"
	TimedOut   Outcome = "timed out"
	Canceled   Outcome = "canceled"
	Terminated Outcome = "terminated"
	// Abandoned: still open when the run closed (e.g. the losers of First).
	Abandoned Outcome = "abandoned"
)

// Attempt is one attempt of a task.
type Attempt struct {
	ID       string // NAME-CALL-RETRY
	Delay    time.Duration
	Waited   time.Time // when the retry timer started (zero without one)
	Schedule time.Time
	Start    time.Time // zero if it never started
	Close    time.Time // zero while open
	Outcome  Outcome
	Detail   string // the failure reason or timeout type
}

// Node is one task of the run.
type Node struct {
	Key      string // NAME-CALL, or the timer id
	Kind     Kind
	Type     string // NAME/VERSION of the activity or workflow type
	Input    string
	Result   string // when completed (cut to 200 characters)
	Error    string // when failed or timed out
	Outcome  Outcome
	Deps     []string // keys of the nodes whose results went into its input
	More     int      // dependencies not recorded (over SWF's limits)
	Attempts []Attempt
	// Critical is set on the nodes of the critical path.
	Critical bool
}

// First returns when the node was first scheduled (or its timer started).
func (n *Node) First() time.Time {
	a := n.Attempts[0]
	if !a.Waited.IsZero() {
		return a.Waited
	}
	return a.Schedule
}

// Last returns when the node's last attempt closed, or the zero time.
func (n *Node) Last() time.Time { return n.Attempts[len(n.Attempts)-1].Close }

// Trace is a run's graph.
type Trace struct {
	Execution engine.Execution
	Type      string // NAME/VERSION
	Input     string
	Start     time.Time
	Close     time.Time // zero while open
	Status    engine.ExecutionStatus
	Result    string
	Error     string
	// End is the time of the last event: the close, or "now" for a run in
	// progress.
	End time.Time
	// Nodes in the order they were first scheduled.
	Nodes []*Node
	// ByKey indexes Nodes.
	ByKey map[string]*Node
}

// Edges returns the dependency edges (from, to), in node order.
func (t *Trace) Edges() [][2]string {
	var out [][2]string
	for _, n := range t.Nodes {
		for _, d := range n.Deps {
			if _, ok := t.ByKey[d]; ok {
				out = append(out, [2]string{d, n.Key})
			}
		}
	}
	return out
}

// key returns the call key NAME-CALL of an attempt id NAME-CALL-RETRY, or of
// a child workflow id PREFIX-:NAME-CALL-RETRY.
func key(id string) (k string, ok bool) {
	if i := strings.LastIndex(id, "-:"); i >= 0 {
		id = id[i+2:]
	}
	i := strings.LastIndexByte(id, '-')
	if i <= 0 {
		return id, false
	}
	return id[:i], true
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return failure.Truncate(s, n)
}

// Build rebuilds the trace of a run from its history (complete, or as far as
// it goes for a run in progress).
func Build(exec engine.Execution, events []engine.Event) *Trace {
	t := &Trace{Execution: exec, ByKey: map[string]*Node{}, Status: engine.StatusOpen}
	byID := map[string]*Node{}   // attempt id or child workflow id → node
	bySched := map[int64]*Node{} // scheduling event id → node
	timers := map[string]*Node{} // timer id → node waiting on it (retry delays)
	attempt := func(n *Node, id string) *Attempt {
		for i := len(n.Attempts) - 1; i >= 0; i-- {
			if n.Attempts[i].ID == id {
				return &n.Attempts[i]
			}
		}
		return nil
	}
	node := func(id string, kind Kind, typ string, at time.Time) (*Node, *Attempt) {
		k, _ := key(id)
		n := t.ByKey[k]
		if n == nil {
			n = &Node{Key: k}
			t.ByKey[k] = n
			t.Nodes = append(t.Nodes, n)
		}
		if kind != "" {
			n.Kind = kind
		}
		if typ != "" {
			n.Type = typ
		}
		a := attempt(n, shortID(id))
		if a == nil {
			n.Attempts = append(n.Attempts, Attempt{ID: shortID(id)})
			a = &n.Attempts[len(n.Attempts)-1]
		}
		n.Outcome = Scheduled
		if a.Schedule.IsZero() {
			a.Schedule, a.Outcome = at, Scheduled
		}
		return n, a
	}
	closeAttempt := func(n *Node, a *Attempt, at time.Time, o Outcome, detail string) {
		if n == nil || a == nil {
			return
		}
		a.Close, a.Outcome, a.Detail = at, o, detail
		n.Outcome = o
		if o == Failed || o == TimedOut || o == Canceled || o == Terminated {
			n.Error = detail
		}
	}
	current := func(n *Node) *Attempt {
		if n == nil || len(n.Attempts) == 0 {
			return nil
		}
		return &n.Attempts[len(n.Attempts)-1]
	}
	for _, e := range events {
		at := e.Time
		t.End = at
		switch a := e.Attr.(type) {
		case *engine.WorkflowExecutionStarted:
			t.Type, t.Input, t.Start = a.Type.Name+"/"+a.Type.Version, cut(a.Input, 200), at
		case *engine.ActivityTaskScheduled:
			n, att := node(a.ActivityID, Activity, a.Type.Name+"/"+a.Type.Version, at)
			setDeps(n, a.Control)
			if n.Input == "" {
				n.Input = cut(a.Input, 200)
			}
			att.Schedule = at
			byID[a.ActivityID], bySched[e.ID] = n, n
		case *engine.ScheduleActivityTaskFailed:
			n, att := node(a.ActivityID, Activity, a.Type.Name+"/"+a.Type.Version, at)
			closeAttempt(n, att, at, Failed, "cannot schedule: "+a.Cause)
		case *engine.ActivityTaskStarted:
			if n := bySched[a.ScheduledEventID]; n != nil {
				current(n).Start, current(n).Outcome, n.Outcome = at, Running, Running
			}
		case *engine.ActivityTaskCompleted:
			if n := bySched[a.ScheduledEventID]; n != nil {
				closeAttempt(n, current(n), at, Completed, "")
				n.Result = cut(a.Result, 200)
			}
		case *engine.ActivityTaskFailed:
			if n := bySched[a.ScheduledEventID]; n != nil {
				_, msg := failure.Decode(a.Reason, a.Details)
				closeAttempt(n, current(n), at, Failed, cut(firstLine(msg), 300))
			}
		case *engine.ActivityTaskTimedOut:
			if n := bySched[a.ScheduledEventID]; n != nil {
				closeAttempt(n, current(n), at, TimedOut, string(a.TimeoutType))
			}
		case *engine.TimerStarted:
			if id, ok := strings.CutSuffix(a.TimerID, ":t"); ok {
				if _, isTask := key(id); isTask { // a retry delay: part of the task
					n, att := node(id, "", "", at)
					att.Waited, att.Delay, att.Schedule = at, a.StartToFire, time.Time{}
					timers[a.TimerID] = n
					continue
				}
			}
			n := &Node{Key: a.TimerID, Kind: Timer, Outcome: Running,
				Attempts: []Attempt{{ID: a.TimerID, Schedule: at, Start: at, Delay: a.StartToFire, Outcome: Running}}}
			t.ByKey[n.Key] = n
			t.Nodes = append(t.Nodes, n)
			timers[a.TimerID] = n
		case *engine.TimerFired:
			if n := timers[a.TimerID]; n != nil && n.Kind == Timer {
				closeAttempt(n, current(n), at, Completed, "")
			}
		case *engine.StartChildWorkflowExecutionInitiated:
			n, att := node(a.WorkflowID, Child, a.Type.Name+"/"+a.Type.Version, at)
			setDeps(n, a.Control)
			if n.Input == "" {
				n.Input = cut(a.Input, 200)
			}
			att.Schedule = at
			byID[a.WorkflowID] = n
		case *engine.StartChildWorkflowExecutionFailed:
			n := byID[a.WorkflowID]
			if n == nil {
				n, _ = node(a.WorkflowID, Child, a.Type.Name+"/"+a.Type.Version, at)
			}
			closeAttempt(n, current(n), at, Failed, "cannot start: "+a.Cause)
		case *engine.ChildWorkflowExecutionStarted:
			if n := byID[a.Execution.WorkflowID]; n != nil {
				current(n).Start, current(n).Outcome, n.Outcome = at, Running, Running
			}
		case *engine.ChildWorkflowExecutionCompleted:
			if n := byID[a.Execution.WorkflowID]; n != nil {
				closeAttempt(n, current(n), at, Completed, "")
				n.Result = cut(a.Result, 200)
			}
		case *engine.ChildWorkflowExecutionFailed:
			if n := byID[a.Execution.WorkflowID]; n != nil {
				_, msg := failure.Decode(a.Reason, a.Details)
				closeAttempt(n, current(n), at, Failed, cut(firstLine(msg), 300))
			}
		case *engine.ChildWorkflowExecutionTimedOut:
			closeAttempt(byID[a.Execution.WorkflowID], current(byID[a.Execution.WorkflowID]), at, TimedOut, "START_TO_CLOSE")
		case *engine.ChildWorkflowExecutionCanceled:
			closeAttempt(byID[a.Execution.WorkflowID], current(byID[a.Execution.WorkflowID]), at, Canceled, "canceled")
		case *engine.ChildWorkflowExecutionTerminated:
			closeAttempt(byID[a.Execution.WorkflowID], current(byID[a.Execution.WorkflowID]), at, Terminated, "terminated")
		case *engine.WorkflowExecutionCompleted:
			t.Status, t.Close, t.Result = engine.StatusCompleted, at, cut(a.Result, 500)
		case *engine.WorkflowExecutionFailed:
			_, msg := failure.Decode(a.Reason, a.Details)
			t.Status, t.Close, t.Error = engine.StatusFailed, at, cut(msg, 2000)
		case *engine.WorkflowExecutionTimedOut:
			t.Status, t.Close, t.Error = engine.StatusTimedOut, at, "the execution timed out"
		case *engine.WorkflowExecutionTerminated:
			t.Status, t.Close, t.Error = engine.StatusTerminated, at, "terminated: "+a.Reason
		case *engine.WorkflowExecutionCanceled:
			t.Status, t.Close, t.Error = engine.StatusCanceled, at, "canceled"
		case *engine.WorkflowExecutionContinuedAsNew:
			t.Status, t.Close, t.Result = engine.StatusContinuedAsNew, at, "continued as new run "+a.NewRunID
		}
	}
	for _, n := range t.Nodes {
		if n.Kind == "" { // a delayed attempt that was never scheduled
			n.Kind = Activity
		}
		if a := current(n); !t.Close.IsZero() && a.Close.IsZero() {
			a.Close, a.Outcome, n.Outcome = t.Close, Abandoned, Abandoned
		}
	}
	t.markCritical()
	return t
}

// shortID drops a child workflow id's prefix.
func shortID(id string) string {
	if i := strings.LastIndex(id, "-:"); i >= 0 {
		return id[i+2:]
	}
	return id
}

func setDeps(n *Node, control string) {
	if n.Deps != nil {
		return
	}
	c := decider.ParseControl(control)
	n.Deps, n.More = c.Deps, c.More
	if n.Deps == nil {
		n.Deps = []string{}
	}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// markCritical marks the critical path: from the task that finished last,
// back through the dependency that finished last before each task started.
func (t *Trace) markCritical() {
	var last *Node
	for _, n := range t.Nodes {
		if n.Kind == Timer || n.Last().IsZero() {
			continue
		}
		if last == nil || n.Last().After(last.Last()) {
			last = n
		}
	}
	for n := last; n != nil; {
		n.Critical = true
		var gate *Node
		for _, d := range n.Deps {
			if p := t.ByKey[d]; p != nil && !p.Critical && !p.Last().IsZero() && (gate == nil || p.Last().After(gate.Last())) {
				gate = p
			}
		}
		n = gate
	}
}

// Levels returns each node's depth in the dependency graph (0 for nodes
// without recorded dependencies), for layouts.
func (t *Trace) Levels() map[string]int {
	level := map[string]int{}
	for _, n := range t.Nodes { // dependencies are scheduled before dependents
		l := 0
		for _, d := range n.Deps {
			if dl, ok := level[d]; ok && dl+1 > l {
				l = dl + 1
			}
		}
		level[n.Key] = l
	}
	return level
}

// SortedByStart returns the nodes ordered by when they were first scheduled.
func (t *Trace) SortedByStart() []*Node {
	out := append([]*Node(nil), t.Nodes...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].First().Before(out[j].First()) })
	return out
}
