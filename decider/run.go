package decider

import (
	"container/heap"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"unicode/utf8"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/failure"
	"github.com/flowy-go/flowy/internal/rt"
)

// run is the state of one workflow run: its code's goroutine, its calls and
// their futures, and where it is in the history.
type run struct {
	wf   *flowy.Workflow
	exec engine.Execution

	processed int64 // id of the last applied event
	answered  int64 // StartedEventID of the last decided task
	seq       int64 // finish order and call order counter
	input     string
	started   bool // WorkflowExecutionStarted applied

	counters map[string]int // calls per dependency
	byID     map[string]*call
	bySched  map[int64]*call
	byTimer  map[string]*call
	running  int
	schedQ   callQueue // attempts ready to be scheduled
	timerQ   callQueue // attempts waiting for their delay timer to start

	// Decisions of the last decided task, and matching them with the events
	// that recorded them.
	outbox     []engine.Decision
	outboxAt   int64 // the task's StartedEventID
	matching   int64 // DecisionTaskCompleted event id being matched (0: none)
	matchIndex int

	co        *coroutine
	closeSent bool  // a close decision was made and not refused
	closed    bool  // the run's close is recorded
	fatal     error // nondeterminism: fail the workflow
}

func newRun(w *flowy.Workflow, exec engine.Execution) *run {
	return &run{
		wf:       w,
		exec:     exec,
		counters: map[string]int{},
		byID:     map[string]*call{},
		bySched:  map[int64]*call{},
		byTimer:  map[string]*call{},
	}
}

// NextSeq implements rt.Runtime.
func (r *run) NextSeq() int64 {
	r.seq++
	return r.seq
}

// finished reports whether the run needs no more decisions from this state.
func (r *run) finished() bool { return r.closed || r.closeSent || r.fatal != nil }

// advance applies the events after the last applied one and returns the
// decisions for the task started at current (none when current is 0).
func (r *run) advance(events []engine.Event, current int64) []engine.Decision {
	// Started ids of decision tasks that completed: the code runs at each.
	var bounds []int64
	for i := r.processed; i < int64(len(events)); i++ {
		if a, ok := events[i].Attr.(*engine.DecisionTaskCompleted); ok {
			bounds = append(bounds, a.StartedEventID)
		}
	}
	var out []engine.Decision
	for i := r.processed; i < int64(len(events)) && r.fatal == nil; i++ {
		e := &events[i]
		r.apply(e)
		r.processed = e.ID
		if _, ok := e.Attr.(*engine.DecisionTaskStarted); !ok {
			continue
		}
		if len(bounds) > 0 && bounds[0] == e.ID {
			bounds = bounds[1:]
			r.outbox, r.outboxAt = r.decide(), e.ID
		} else if e.ID == current {
			out = r.decide()
			r.outbox, r.outboxAt = out, e.ID
		}
	}
	if r.matching != 0 {
		r.endMatch()
	}
	if r.fatal != nil && current != 0 && !r.closed {
		return []engine.Decision{r.failDecision(r.fatal, "nondeterminism")}
	}
	return out
}

// apply applies one event.
func (r *run) apply(e *engine.Event) {
	if r.matching != 0 && !isDecisionEvent(e, r.matching) {
		r.endMatch()
	}
	switch a := e.Attr.(type) {
	case *engine.WorkflowExecutionStarted:
		r.input, r.started = a.Input, true
	case *engine.DecisionTaskCompleted:
		if a.StartedEventID == r.outboxAt {
			r.matching, r.matchIndex = e.ID, 0
		}
	case *engine.ActivityTaskScheduled:
		if c := r.match(e, a.ActivityID); c != nil {
			r.bySched[e.ID] = c
		}
	case *engine.ScheduleActivityTaskFailed:
		if c := r.match(e, a.ActivityID); c != nil {
			r.running--
			c.fail(&flowy.TaskError{Task: c.key, Reason: fmt.Sprintf("cannot schedule activity %s/%s: %s", a.Type.Name, a.Type.Version, a.Cause)})
		}
	case *engine.ActivityTaskCompleted:
		if c := r.bySched[a.ScheduledEventID]; c != nil {
			r.running--
			c.f.SetRaw(a.Result, c.codec.IsJSON(), c.codec.Decode, r.NextSeq())
		}
	case *engine.ActivityTaskFailed:
		if c := r.bySched[a.ScheduledEventID]; c != nil {
			r.running--
			c.failed(a.Reason, a.Details)
		}
	case *engine.ActivityTaskTimedOut:
		if c := r.bySched[a.ScheduledEventID]; c != nil {
			r.running--
			c.timedOut(string(a.TimeoutType))
		}
	case *engine.TimerStarted:
		r.match(e, a.TimerID)
	case *engine.StartTimerFailed:
		if c := r.match(e, a.TimerID); c != nil {
			c.fail(&flowy.TaskError{Task: c.key, Reason: "cannot start retry timer " + a.TimerID + ": " + a.Cause})
		}
	case *engine.TimerFired:
		if c := r.byTimer[a.TimerID]; c != nil {
			delete(r.byTimer, a.TimerID)
			c.delayed = false
			heap.Push(&r.schedQ, c)
		}
	case *engine.StartChildWorkflowExecutionInitiated:
		r.match(e, a.WorkflowID)
	case *engine.StartChildWorkflowExecutionFailed:
		var c *call
		if a.DecisionTaskCompletedEventID == r.matching && a.InitiatedEventID == 0 {
			c = r.match(e, a.WorkflowID)
		} else {
			c = r.byID[a.WorkflowID]
		}
		if c != nil {
			r.running--
			c.fail(&flowy.TaskError{Task: c.key, Reason: fmt.Sprintf("cannot start child workflow %s/%s: %s", a.Type.Name, a.Type.Version, a.Cause)})
		}
	case *engine.ChildWorkflowExecutionCompleted:
		if c := r.byID[a.Execution.WorkflowID]; c != nil {
			r.running--
			c.f.SetRaw(a.Result, c.codec.IsJSON(), c.codec.Decode, r.NextSeq())
		}
	case *engine.ChildWorkflowExecutionFailed:
		if c := r.byID[a.Execution.WorkflowID]; c != nil {
			r.running--
			c.failed(a.Reason, a.Details)
		}
	case *engine.ChildWorkflowExecutionTimedOut:
		if c := r.byID[a.Execution.WorkflowID]; c != nil {
			r.running--
			c.timedOut(string(engine.TimeoutStartToClose))
		}
	case *engine.ChildWorkflowExecutionCanceled:
		if c := r.byID[a.Execution.WorkflowID]; c != nil {
			r.running--
			c.fail(&flowy.TaskError{Task: c.key, Reason: "child workflow canceled", Details: a.Details})
		}
	case *engine.ChildWorkflowExecutionTerminated:
		if c := r.byID[a.Execution.WorkflowID]; c != nil {
			r.running--
			c.fail(&flowy.TaskError{Task: c.key, Reason: "child workflow terminated"})
		}
	case *engine.WorkflowExecutionCompleted, *engine.WorkflowExecutionFailed, *engine.WorkflowExecutionContinuedAsNew:
		r.match(e, "")
		r.closed = true
	case *engine.WorkflowExecutionTimedOut, *engine.WorkflowExecutionTerminated, *engine.WorkflowExecutionCanceled:
		r.closed = true
	case *engine.CompleteWorkflowExecutionFailed, *engine.FailWorkflowExecutionFailed, *engine.ContinueAsNewWorkflowExecutionFailed:
		r.match(e, "")
		r.closeSent = false
	}
}

// isDecisionEvent reports whether e records a decision of the task completed
// at event completed.
func isDecisionEvent(e *engine.Event, completed int64) bool {
	switch a := e.Attr.(type) {
	case *engine.ActivityTaskScheduled:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.ScheduleActivityTaskFailed:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.TimerStarted:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.StartTimerFailed:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.StartChildWorkflowExecutionInitiated:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.StartChildWorkflowExecutionFailed:
		return a.DecisionTaskCompletedEventID == completed && a.InitiatedEventID == 0
	case *engine.WorkflowExecutionCompleted:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.WorkflowExecutionFailed:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.WorkflowExecutionContinuedAsNew:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.CompleteWorkflowExecutionFailed:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.FailWorkflowExecutionFailed:
		return a.DecisionTaskCompletedEventID == completed
	case *engine.ContinueAsNewWorkflowExecutionFailed:
		return a.DecisionTaskCompletedEventID == completed
	}
	return false
}

// match checks a decision event against the next decision of the outbox and
// returns the call the decision was for (nil for close decisions).
func (r *run) match(e *engine.Event, id string) *call {
	if r.matching == 0 || r.matchIndex >= len(r.outbox) {
		r.mismatch(describeEvent(e), "")
		return nil
	}
	d := r.outbox[r.matchIndex]
	r.matchIndex++
	if !sameDecision(e, d) {
		r.mismatch(describeEvent(e), describeDecision(d))
		return nil
	}
	if id == "" {
		return nil
	}
	if _, ok := d.(*engine.StartTimer); ok {
		return r.byTimer[id]
	}
	return r.byID[id]
}

func (r *run) endMatch() {
	if r.matchIndex < len(r.outbox) {
		r.mismatch("", describeDecision(r.outbox[r.matchIndex]))
	}
	r.matching, r.outbox = 0, nil
}

func (r *run) mismatch(recorded, now string) {
	if r.fatal == nil {
		r.fatal = &NondeterminismError{EventID: r.matching, Recorded: recorded, Now: now}
	}
}

func sameDecision(e *engine.Event, d engine.Decision) bool {
	switch a := e.Attr.(type) {
	case *engine.ActivityTaskScheduled:
		s, ok := d.(*engine.ScheduleActivityTask)
		return ok && s.ActivityID == a.ActivityID && s.Type == a.Type && s.Input == a.Input
	case *engine.ScheduleActivityTaskFailed:
		s, ok := d.(*engine.ScheduleActivityTask)
		return ok && s.ActivityID == a.ActivityID && s.Type == a.Type
	case *engine.TimerStarted:
		s, ok := d.(*engine.StartTimer)
		return ok && s.TimerID == a.TimerID
	case *engine.StartTimerFailed:
		s, ok := d.(*engine.StartTimer)
		return ok && s.TimerID == a.TimerID
	case *engine.StartChildWorkflowExecutionInitiated:
		s, ok := d.(*engine.StartChildWorkflowExecution)
		return ok && s.WorkflowID == a.WorkflowID && s.Type == a.Type && s.Input == a.Input
	case *engine.StartChildWorkflowExecutionFailed:
		s, ok := d.(*engine.StartChildWorkflowExecution)
		return ok && s.WorkflowID == a.WorkflowID
	case *engine.WorkflowExecutionCompleted:
		s, ok := d.(*engine.CompleteWorkflowExecution)
		return ok && s.Result == a.Result
	case *engine.CompleteWorkflowExecutionFailed:
		_, ok := d.(*engine.CompleteWorkflowExecution)
		return ok
	case *engine.WorkflowExecutionFailed:
		_, ok := d.(*engine.FailWorkflowExecution)
		return ok
	case *engine.FailWorkflowExecutionFailed:
		_, ok := d.(*engine.FailWorkflowExecution)
		return ok
	case *engine.WorkflowExecutionContinuedAsNew:
		s, ok := d.(*engine.ContinueAsNewWorkflowExecution)
		return ok && s.Input == a.Input
	case *engine.ContinueAsNewWorkflowExecutionFailed:
		_, ok := d.(*engine.ContinueAsNewWorkflowExecution)
		return ok
	}
	return false
}

func describeEvent(e *engine.Event) string {
	switch a := e.Attr.(type) {
	case *engine.ActivityTaskScheduled:
		return fmt.Sprintf("ScheduleActivityTask %s (%s/%s, input %.200s)", a.ActivityID, a.Type.Name, a.Type.Version, a.Input)
	case *engine.ScheduleActivityTaskFailed:
		return fmt.Sprintf("ScheduleActivityTask %s (%s/%s)", a.ActivityID, a.Type.Name, a.Type.Version)
	case *engine.TimerStarted:
		return "StartTimer " + a.TimerID
	case *engine.StartTimerFailed:
		return "StartTimer " + a.TimerID
	case *engine.StartChildWorkflowExecutionInitiated:
		return fmt.Sprintf("StartChildWorkflowExecution %s (%s/%s, input %.200s)", a.WorkflowID, a.Type.Name, a.Type.Version, a.Input)
	case *engine.StartChildWorkflowExecutionFailed:
		return fmt.Sprintf("StartChildWorkflowExecution %s (%s/%s)", a.WorkflowID, a.Type.Name, a.Type.Version)
	case *engine.WorkflowExecutionCompleted:
		return fmt.Sprintf("CompleteWorkflowExecution (result %.200s)", a.Result)
	}
	return e.Type()
}

func describeDecision(d engine.Decision) string {
	switch s := d.(type) {
	case *engine.ScheduleActivityTask:
		return fmt.Sprintf("ScheduleActivityTask %s (%s/%s, input %.200s)", s.ActivityID, s.Type.Name, s.Type.Version, s.Input)
	case *engine.StartTimer:
		return "StartTimer " + s.TimerID
	case *engine.StartChildWorkflowExecution:
		return fmt.Sprintf("StartChildWorkflowExecution %s (%s/%s, input %.200s)", s.WorkflowID, s.Type.Name, s.Type.Version, s.Input)
	case *engine.CompleteWorkflowExecution:
		return fmt.Sprintf("CompleteWorkflowExecution (result %.200s)", s.Result)
	}
	return d.DecisionType()
}

// ---- the code's goroutine ----

// coroutine runs the workflow code. The decider and the code's goroutine
// hand control to each other through yield and resume, so exactly one of them
// runs at a time.
type coroutine struct {
	yield   chan struct{}
	resume  chan bool // true: go on; false: abandon
	blocked *rt.Future
	done    bool
	aborted bool
	result  *rt.Future
	panic   string // panic message and stack
}

// runCode starts or resumes the code until it is parked on a pending result
// or has returned.
func (r *run) runCode() {
	if r.co == nil {
		co := &coroutine{yield: make(chan struct{}), resume: make(chan bool, 1)}
		r.co = co
		go r.body(co)
		<-co.yield
	}
	co := r.co
	for !co.done && co.blocked != nil && co.blocked.Done() {
		co.blocked = nil
		co.resume <- true
		<-co.yield
	}
}

func (r *run) body(co *coroutine) {
	defer func() {
		if co.aborted {
			return
		}
		if p := recover(); p != nil {
			co.panic = fmt.Sprintf("panic in workflow code: %v\n\n%s", p, debug.Stack())
		}
		co.done = true
		co.yield <- struct{}{}
	}()
	co.result = rt.StartWorkflow(r.wf, r.input, r.bind)
}

// Await implements rt.Runtime: it parks the code until f is resolved.
func (r *run) Await(f *rt.Future) {
	co := r.co
	if f.Done() {
		return
	}
	if co.aborted {
		runtime.Goexit()
	}
	co.blocked = f
	co.yield <- struct{}{}
	if !<-co.resume {
		runtime.Goexit()
	}
}

// discard abandons the code's goroutine, if parked.
func (r *run) discard() {
	if co := r.co; co != nil && !co.done && !co.aborted {
		co.aborted = true
		co.resume <- false
	}
}

// ---- calls ----

// call is one call of a task by the workflow code.
type call struct {
	r       *run
	dep     string
	cfg     flowy.Dep
	codec   flowy.Codec
	key     string // NAME-CALL
	order   int64  // call order
	c       *rt.Call
	f       *rt.Future
	waiting int    // pending dependencies
	input   string // encoded once the dependencies are ready
	control string // the dependencies' call keys, for the history
	attempt int    // index of the current attempt (RETRY)
	id      string // NAME-CALL-RETRY of the current attempt
	delayed bool   // the current attempt waits for its timer
	delay   int64  // nanoseconds of the current attempt's delay

	timeouts, failures int
	qi                 int // index in a callQueue
}

// binding binds one dependency of a run.
type binding struct {
	r   *run
	dep string
	cfg flowy.Dep
	cd  flowy.Codec
}

func (r *run) bind(dep string) rt.Binding {
	return &binding{r: r, dep: dep, cfg: r.wf.Deps[dep], cd: r.wf.DepCodec(dep)}
}

// Call implements rt.Binding; it runs on the code's goroutine.
func (b *binding) Call(rc *rt.Call) *rt.Future {
	r := b.r
	n := r.counters[b.dep]
	r.counters[b.dep] = n + 1
	key := b.dep + "-" + strconv.Itoa(n)
	c := &call{r: r, dep: b.dep, cfg: b.cfg, codec: b.cd, key: key,
		order: r.NextSeq(), c: rc, f: &rt.Future{RT: r, Task: key}}
	for _, d := range rc.Deps {
		if d.State() == rt.Failed {
			c.f.SetError(firstError(rc.Deps), r.NextSeq())
			return c.f
		}
	}
	for _, d := range rc.Deps {
		if !d.Done() {
			c.waiting++
			d.OnDone(c.depDone)
		}
	}
	if c.waiting == 0 {
		c.ready()
	}
	return c.f
}

func firstError(deps []*rt.Future) error {
	var first *rt.Future
	for _, d := range deps {
		if d.State() == rt.Failed && (first == nil || d.Seq < first.Seq) {
			first = d
		}
	}
	return first.Err
}

func (c *call) depDone(d *rt.Future) {
	if c.f.Done() {
		return
	}
	if d.State() == rt.Failed {
		c.f.SetError(d.Err, c.r.NextSeq())
		return
	}
	c.waiting--
	if c.waiting == 0 {
		c.ready()
	}
}

// ready encodes the call's input and queues its first attempt.
func (c *call) ready() {
	input, err := rt.EncodeArgs(c.codec, c.c)
	if err != nil {
		c.fail(&flowy.TaskError{Task: c.key, Kind: "bad-input", Reason: "encoding arguments: " + err.Error()})
		return
	}
	if n := utf8.RuneCountInString(input); n > engine.MaxPayloadChars {
		c.fail(&flowy.TaskError{Task: c.key, Kind: "limit", Reason: fmt.Sprintf(
			"input too large: %d characters (limit %d)", n, engine.MaxPayloadChars)})
		return
	}
	c.input, c.control, c.c = input, control(c.c.Deps), nil
	c.next(0, c.cfg.Retry[0])
}

// next queues attempt number a after a delay.
func (c *call) next(a int, delay interface{ Nanoseconds() int64 }) {
	c.attempt = a
	c.id = c.key + "-" + strconv.Itoa(a)
	c.delay = delay.Nanoseconds()
	if c.delay > 0 {
		c.delayed = true
		heap.Push(&c.r.timerQ, c)
		return
	}
	heap.Push(&c.r.schedQ, c)
}

func (c *call) fail(err error) {
	if !c.f.Done() {
		c.f.SetError(err, c.r.NextSeq())
	}
}

func (c *call) failed(reason, details string) {
	kind, _ := failure.Decode(reason, details)
	c.failures++
	if c.cfg.RetryPolicy.Retries(kind, c.failures) {
		c.next(c.attempt+1, c.cfg.RetryPolicy.Delay(c.failures))
		return
	}
	c.fail(&flowy.TaskError{Task: c.key, Reason: reason, Kind: kind, Details: details})
}

func (c *call) timedOut(timeoutType string) {
	c.timeouts++
	if c.timeouts < len(c.cfg.Retry) {
		c.next(c.attempt+1, c.cfg.Retry[c.timeouts])
		return
	}
	c.fail(&flowy.TaskTimedout{TaskError: flowy.TaskError{Task: c.key, Kind: "timeout",
		Reason: fmt.Sprintf("timed out (%s) after %d attempt(s)", timeoutType, c.attempt+1)},
		TimeoutType: timeoutType, Attempts: c.attempt + 1})
}

// childID returns the workflow id of a child attempt: a hash of the parent
// run, then "-:" and the attempt's id (Python Flowy uses a random uuid there,
// which cannot be replayed).
func (r *run) childID(id string) string {
	h := sha1.Sum([]byte(r.exec.WorkflowID + "\x00" + r.exec.RunID))
	return hex.EncodeToString(h[:8]) + "-:" + id
}

// callQueue is a heap of calls in call order.
type callQueue []*call

func (q callQueue) Len() int           { return len(q) }
func (q callQueue) Less(i, j int) bool { return q[i].order < q[j].order }
func (q callQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].qi, q[j].qi = i, j
}
func (q *callQueue) Push(x any) {
	c := x.(*call)
	c.qi = len(*q)
	*q = append(*q, c)
}
func (q *callQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return c
}
