// Package memory is flowy's in-process workflow engine.
//
// The engine keeps everything — registered types, executions and their
// histories, task lists, task tokens and timers — in the memory of the current
// process. Nothing is durable: when the process exits, every execution is
// gone. Workers and deciders in the same process talk to it by plain method
// calls, with no network and no serialization.
//
// It is the reference implementation of the [engine.Engine] contract (the
// behaviour of Amazon SWF, in the shapes of package engine) and the engine
// flowy embeds by default, for tests, development and single-process use. It
// enforces the SWF limits ([engine.MaxPayloadChars], [engine.MaxReasonChars],
// [engine.MaxIDChars], [engine.MaxHeartbeatDetailsChars]) so that code
// developed against it also runs against SWF.
//
// Closed executions and their histories are kept until the engine is
// garbage collected; a long-lived process that starts many workflows grows
// accordingly.
//
// The engine's logic can also run durably: with a [Journal]
// ([Options.Journal]) every state change is handed to the journal as one
// batch of records and calls wait until it is durable, closed runs leave
// memory for the journal, and [Restore] rebuilds an engine from what a
// journal kept. Package sqlite is such an engine. Without a journal (the
// default) none of this costs anything.
//
// Beyond the contract, the engine documents these choices:
//   - A workflow start with no task list (neither in the request nor as the
//     type's default) is an error. A child workflow without one uses its
//     parent's task list, and an activity without one its run's task list.
//   - A child policy left empty everywhere means ABANDON. A decision timeout
//     left zero everywhere is [DefaultDecisionTimeout]. Execution and
//     activity timeouts left zero everywhere mean no limit ([engine.NoTimeout]
//     is recorded).
//   - ChildWorkflowExecutionStarted, like every failed decision
//     (ScheduleActivityTaskFailed, StartTimerFailed,
//     StartChildWorkflowExecutionFailed, ...), schedules a decision task, as
//     in SWF.
//   - A close decision is refused with cause [engine.CauseUnhandledDecision]
//     when, while its decision task was started, an event arrived that
//     scheduled (or would have scheduled) a decision task: an activity, timer
//     or child closed, a signal arrived, or a cancel was requested.
//
// It also implements the optional capabilities [engine.CloseWaiter],
// [engine.TypeAdmin], [engine.ExecutionLister], [engine.PendingCounter] and
// [engine.Signaler].
package memory

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/flowy-go/flowy/engine"
)

var (
	_ engine.Engine      = (*Engine)(nil)
	_ engine.CloseWaiter = (*Engine)(nil)
)

// DefaultDecisionTimeout is the start-to-close timeout of decision tasks when
// neither the execution nor its type sets one.
const DefaultDecisionTimeout = 10 * time.Second

// Operation names passed to [Hooks].
const (
	OpRespondDecisionTaskCompleted = "RespondDecisionTaskCompleted"
	OpRespondActivityTaskCompleted = "RespondActivityTaskCompleted"
	OpRespondActivityTaskFailed    = "RespondActivityTaskFailed"
	OpRecordActivityTaskHeartbeat  = "RecordActivityTaskHeartbeat"
)

// Options configure an [Engine]. The zero value is ready to use.
type Options struct {
	// Logger receives debug logs of executions starting, closing and timing
	// out. Nil discards them.
	Logger *slog.Logger
	// Hooks inject faults, for tests.
	Hooks Hooks
	// Journal, if set, makes the engine durable: see [Journal]. Nil (the
	// default) keeps everything in memory only, at no cost.
	Journal Journal
}

// Hooks inject faults into an engine, for tests of workers and deciders. Each
// hook receives the name of the operation (one of the Op constants) and is
// called without the engine lock held, so it may block or call the engine.
type Hooks struct {
	// BeforeRespond runs first in each respond and heartbeat call. A non-nil
	// error is returned (wrapped) and nothing is recorded: a request lost on
	// its way to the engine.
	BeforeRespond func(op string) error
	// AfterRespond runs after a respond or heartbeat call succeeded. A non-nil
	// error is returned (wrapped) although the call's effects are kept: a
	// response lost on its way back.
	AfterRespond func(op string) error
}

// Engine is the in-process engine. Create one with [New]; all methods are
// safe for concurrent use.
type Engine struct {
	log   *slog.Logger
	hooks Hooks
	done  chan struct{} // closed by Close

	journal Journal // nil: nothing is durable

	mu        sync.Mutex
	closed    bool
	wfTypes   map[engine.WorkflowType]*engine.WorkflowTypeDetail
	actTypes  map[engine.ActivityType]*engine.ActivityTypeDetail
	runs      map[engine.Execution]*run
	latest    map[string]*run // workflow id → open or latest run
	decLists  map[string]*taskList[decRef]
	actLists  map[string]*taskList[*activity]
	decTokens map[string]*run // token → run whose decision task is started
	actTokens map[string]*activity
	runSeq    uint64 // runs started, for a stable order of runs started at once

	// With a journal: the records of the state change in progress, the runs
	// it closed, and the sequence number of the last batch appended.
	batch   []Record
	closing []*run
	lastSeq uint64
}

var errClosed = fmt.Errorf("memory: %w", engine.ErrClosed)

// New returns an empty engine.
func New(opts Options) *Engine {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{
		log:       log,
		hooks:     opts.Hooks,
		journal:   opts.Journal,
		done:      make(chan struct{}),
		wfTypes:   make(map[engine.WorkflowType]*engine.WorkflowTypeDetail),
		actTypes:  make(map[engine.ActivityType]*engine.ActivityTypeDetail),
		runs:      make(map[engine.Execution]*run),
		latest:    make(map[string]*run),
		decLists:  make(map[string]*taskList[decRef]),
		actLists:  make(map[string]*taskList[*activity]),
		decTokens: make(map[string]*run),
		actTokens: make(map[string]*activity),
	}
}

// Close stops the engine: its timers stop, blocked polls and WaitClosed calls
// return an error wrapping [engine.ErrClosed], and so do all later calls.
// Closing again does nothing.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	close(e.done)
	for _, r := range e.latest {
		if r.status == engine.StatusOpen {
			r.stopTimers()
		}
	}
	return nil
}

// run is one run of a workflow execution. All fields are guarded by the
// engine lock.
type run struct {
	exec        engine.Execution
	seq         uint64 // start order
	typ         engine.WorkflowType
	taskList    string
	execTimeout time.Duration // resolved: > 0 or NoTimeout
	decTimeout  time.Duration // resolved: > 0 or NoTimeout
	childPolicy engine.ChildPolicy
	tags        []string          // never modified
	parent      *engine.Execution // the parent run, for child workflows
	asChild     *child            // the parent's record of this child

	// events is the history. It is only appended to, and an appended element
	// is never modified, so slices events[:n] handed out are never written.
	events     []engine.Event
	status     engine.ExecutionStatus
	startTime  time.Time
	closeTime  time.Time
	closeEvent engine.Event
	closedCh   chan struct{} // made on demand by WaitClosed, closed on close

	execTimer       *time.Timer
	dec             decisionState
	cancelRequested bool

	activities map[string]*activity // open activities by activity id
	timers     map[string]*wfTimer  // open timers by timer id
	children   map[string]*child    // open children by workflow id
}

// Decision task states of a run.
const (
	decNone = iota
	decScheduled
	decStarted
)

type decisionState struct {
	state       int
	scheduledID int64
	startedID   int64
	token       string
	// pending: something that schedules a decision task happened while one
	// was started; schedule one when it ends, and refuse close decisions.
	pending       bool
	deadline      time.Time
	timer         *time.Timer // reused for every decision task of the run
	prevStartedID int64       // started id of the last completed decision task
}

// decRef is a queued decision task: valid while its run is open and the
// run's scheduled decision task is still this one.
type decRef struct {
	r           *run
	scheduledID int64
}

// wfTimer is an open timer of a run.
type wfTimer struct {
	id        string
	startedID int64
	timer     *time.Timer
}

// child is a parent's record of a child workflow. It stays the same when the
// child continues as new.
type child struct {
	workflowID  string
	parent      *run
	initiatedID int64
	startedID   int64
	cur         *run // the child's current run
}

// record appends an event to r's history (and to the batch in progress, with
// a journal) and returns its id.
func (e *Engine) record(r *run, attr engine.EventAttributes) int64 {
	id := int64(len(r.events)) + 1
	ev := engine.Event{ID: id, Time: time.Now(), Attr: attr}
	r.events = append(r.events, ev)
	if e.journal != nil {
		e.batch = append(e.batch, Record{Exec: r.exec, Event: ev})
	}
	return id
}

// history returns the history up to event n, capped so that appending to it
// never writes into the run's history.
func (r *run) history(n int64) []engine.Event { return r.events[:n:n] }

func (r *run) stopTimers() {
	if r.execTimer != nil {
		r.execTimer.Stop()
	}
	if r.dec.timer != nil {
		r.dec.timer.Stop()
	}
	for _, a := range r.activities {
		if a.timer != nil {
			a.timer.Stop()
		}
	}
	for _, t := range r.timers {
		t.timer.Stop()
	}
}

func newRunID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails
	return hex.EncodeToString(b[:])
}

// Task tokens are derived from the run id and event ids, never from process
// memory, so that a journaled engine restored after a restart accepts the
// tokens of the tasks that are still open. They are unique: a run's event ids
// are never reused.

// activityToken is the token of an activity task.
func activityToken(runID string, scheduledID, startedID int64) string {
	b := make([]byte, 0, 2+len(runID)+2+2*8)
	b = append(append(append(b, 'a', ':'), runID...), ':')
	b = append(strconv.AppendInt(b, scheduledID, 36), ':')
	return string(strconv.AppendInt(b, startedID, 36))
}

// decisionToken is the token of a decision task.
func decisionToken(runID string, startedID int64) string {
	b := make([]byte, 0, 2+len(runID)+1+8)
	b = append(append(append(b, 'd', ':'), runID...), ':')
	return string(strconv.AppendInt(b, startedID, 36))
}

func (e *Engine) decList(name string) *taskList[decRef] {
	l := e.decLists[name]
	if l == nil {
		l = &taskList[decRef]{}
		e.decLists[name] = l
	}
	return l
}

func (e *Engine) actList(name string) *taskList[*activity] {
	l := e.actLists[name]
	if l == nil {
		l = &taskList[*activity]{}
		e.actLists[name] = l
	}
	return l
}

// enter checks ctx and the engine state at the start of a call, and takes
// the lock.
func (e *Engine) enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return errClosed
	}
	return nil
}

// fail releases the lock after a call that changed nothing, and returns err.
func (e *Engine) fail(err error) error {
	e.mu.Unlock()
	return err
}

// RegisterWorkflowType registers a workflow type and its defaults.
func (e *Engine) RegisterWorkflowType(ctx context.Context, t engine.WorkflowTypeInfo) error {
	if t.Name == "" {
		return invalid("memory: workflow type: empty name")
	}
	what := fmt.Sprintf("memory: workflow type %s/%s", t.Name, t.Version)
	if err := errors.Join(
		checkTimeout("default execution timeout", t.DefaultExecutionTimeout),
		checkTimeout("default decision timeout", t.DefaultDecisionTimeout),
		checkChildPolicy(t.DefaultChildPolicy),
	); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	if _, ok := e.wfTypes[t.WorkflowType]; ok {
		return e.fail(fmt.Errorf("%s: %w", what, engine.ErrTypeAlreadyExists))
	}
	d := &engine.WorkflowTypeDetail{WorkflowTypeInfo: t, Status: engine.TypeRegistered, Created: time.Now()}
	e.wfTypes[t.WorkflowType] = d
	e.journalWorkflowType(d)
	return e.finish()
}

// RegisterActivityType registers an activity type and its defaults.
func (e *Engine) RegisterActivityType(ctx context.Context, t engine.ActivityTypeInfo) error {
	if t.Name == "" {
		return invalid("memory: activity type: empty name")
	}
	what := fmt.Sprintf("memory: activity type %s/%s", t.Name, t.Version)
	if err := checkTimeouts("default ", t.ActivityTimeouts); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	if _, ok := e.actTypes[t.ActivityType]; ok {
		return e.fail(fmt.Errorf("%s: %w", what, engine.ErrTypeAlreadyExists))
	}
	d := &engine.ActivityTypeDetail{ActivityTypeInfo: t, Status: engine.TypeRegistered, Created: time.Now()}
	e.actTypes[t.ActivityType] = d
	e.journalActivityType(d)
	return e.finish()
}

// runParams are the resolved settings of a new run.
type runParams struct {
	workflowID  string
	typ         engine.WorkflowType
	input       string
	taskList    string
	execTimeout time.Duration
	decTimeout  time.Duration
	childPolicy engine.ChildPolicy
	tags        []string
	asChild     *child
	continued   string // run id of the run that continued as new
	runID       string // empty: a new random run id
}

// resolve returns the first non-zero duration of ds, or NoTimeout.
func resolve(ds ...time.Duration) time.Duration {
	for _, d := range ds {
		if d != 0 {
			return d
		}
	}
	return engine.NoTimeout
}

// StartWorkflow starts a workflow execution and returns its run id. It
// records WorkflowExecutionStarted and DecisionTaskScheduled. An unregistered
// type returns an error wrapping [engine.ErrUnknownResource], an open run with
// the same workflow id one wrapping [engine.ErrAlreadyStarted], an id or input
// over its limit one wrapping [engine.ErrLimitExceeded]; an empty workflow id
// or no task list is an error too.
func (e *Engine) StartWorkflow(ctx context.Context, p engine.StartWorkflowParams) (string, error) {
	what := fmt.Sprintf("memory: start workflow %q", p.WorkflowID)
	if err := errors.Join(
		checkID("workflow id", p.WorkflowID),
		checkLen("input", p.Input, engine.MaxPayloadChars),
		checkTimeout("execution timeout", p.ExecutionTimeout),
		checkTimeout("decision timeout", p.DecisionTimeout),
		checkChildPolicy(p.ChildPolicy),
	); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return "", err
	}
	t, ok := e.wfTypes[p.Type]
	if !ok {
		return "", e.fail(fmt.Errorf("%s: workflow type %s/%s: %w", what, p.Type.Name, p.Type.Version, engine.ErrUnknownResource))
	}
	if t.Status == engine.TypeDeprecated {
		return "", e.fail(fmt.Errorf("%s: workflow type %s/%s: %w", what, p.Type.Name, p.Type.Version, engine.ErrTypeDeprecated))
	}
	if cur := e.latest[p.WorkflowID]; cur != nil && cur.status == engine.StatusOpen {
		return "", e.fail(fmt.Errorf("%s: run %s is open: %w", what, cur.exec.RunID, engine.ErrAlreadyStarted))
	}
	taskList := cmp.Or(p.TaskList, t.DefaultTaskList)
	if taskList == "" {
		return "", e.fail(invalid("%s: no task list: neither the request nor workflow type %s/%s sets one", what, p.Type.Name, p.Type.Version))
	}
	r := e.startRun(runParams{
		workflowID:  p.WorkflowID,
		typ:         p.Type,
		input:       p.Input,
		taskList:    taskList,
		execTimeout: resolve(p.ExecutionTimeout, t.DefaultExecutionTimeout),
		decTimeout:  resolve(p.DecisionTimeout, t.DefaultDecisionTimeout, DefaultDecisionTimeout),
		childPolicy: cmp.Or(p.ChildPolicy, t.DefaultChildPolicy, engine.ChildPolicyAbandon),
		tags:        slices.Clone(p.Tags),
	})
	return r.exec.RunID, e.finish()
}

// startRun creates a run, records WorkflowExecutionStarted and schedules its
// first decision task.
func (e *Engine) startRun(p runParams) *run {
	r := &run{
		exec:        engine.Execution{WorkflowID: p.workflowID, RunID: p.runID},
		typ:         p.typ,
		taskList:    p.taskList,
		execTimeout: p.execTimeout,
		decTimeout:  p.decTimeout,
		childPolicy: p.childPolicy,
		tags:        p.tags,
		asChild:     p.asChild,
		status:      engine.StatusOpen,
		events:      make([]engine.Event, 0, 16),
	}
	if r.exec.RunID == "" {
		r.exec.RunID = newRunID()
	}
	e.runSeq++
	r.seq = e.runSeq
	started := &engine.WorkflowExecutionStarted{
		Type:                    p.typ,
		Input:                   p.input,
		TaskList:                p.taskList,
		ExecutionTimeout:        p.execTimeout,
		DecisionTimeout:         p.decTimeout,
		ChildPolicy:             p.childPolicy,
		Tags:                    p.tags,
		ContinuedExecutionRunID: p.continued,
	}
	if c := p.asChild; c != nil {
		pe := c.parent.exec
		r.parent = &pe
		started.Parent = &pe
		started.ParentInitiatedEventID = c.initiatedID
		c.cur = r
	}
	e.record(r, started)
	r.startTime = r.events[0].Time
	e.runs[r.exec] = r
	e.latest[r.exec.WorkflowID] = r
	if r.execTimeout > 0 {
		r.execTimer = time.AfterFunc(r.execTimeout, func() { e.executionTimedOut(r) })
	}
	e.log.Debug("memory: workflow started", "workflow_id", r.exec.WorkflowID, "run_id", r.exec.RunID,
		"type", r.typ.Name, "version", r.typ.Version)
	e.scheduleDecision(r)
	return r
}

func (e *Engine) executionTimedOut(r *run) {
	e.mu.Lock()
	if e.closed || r.status != engine.StatusOpen {
		e.mu.Unlock()
		return
	}
	e.log.Debug("memory: workflow timed out", "workflow_id", r.exec.WorkflowID, "run_id", r.exec.RunID)
	e.closeRun(r, &engine.WorkflowExecutionTimedOut{ChildPolicy: r.childPolicy}, engine.StatusTimedOut)
	e.finishTimer()
}

// closeRun records the closing event of r and closes it: its decision task,
// activity tasks and timers end, WaitClosed calls return, the child policy is
// applied to its open children and, if r is a child, the parent learns of it
// (unless r continued as new: the next run is the same child).
func (e *Engine) closeRun(r *run, attr engine.EventAttributes, status engine.ExecutionStatus) {
	id := e.record(r, attr)
	r.status = status
	r.closeEvent = r.events[id-1]
	if e.journal != nil {
		e.batch[len(e.batch)-1].Close = status
		e.closing = append(e.closing, r)
	}
	r.closeTime = r.closeEvent.Time
	if r.execTimer != nil {
		r.execTimer.Stop()
	}
	if r.dec.state == decStarted {
		e.endDecision(r)
	}
	if r.dec.state == decScheduled {
		e.decLists[r.taskList].pending--
	}
	r.dec.state = decNone // a queued decision task is skipped: the run is closed
	r.dec.pending = false
	if r.dec.timer != nil {
		r.dec.timer.Stop()
	}
	for _, a := range r.activities {
		e.closeActivity(a)
	}
	for _, t := range r.timers {
		t.timer.Stop()
	}
	r.timers = nil
	if r.closedCh != nil {
		close(r.closedCh)
	}
	e.log.Debug("memory: workflow closed", "workflow_id", r.exec.WorkflowID, "run_id", r.exec.RunID,
		"event", attr.EventType())

	if len(r.children) > 0 {
		children := make([]*child, 0, len(r.children))
		for _, c := range r.children {
			children = append(children, c)
		}
		r.children = nil
		slices.SortFunc(children, func(a, b *child) int { return int(a.initiatedID - b.initiatedID) })
		for _, c := range children {
			cr := c.cur
			if cr.status != engine.StatusOpen {
				continue
			}
			switch r.childPolicy {
			case engine.ChildPolicyTerminate:
				e.closeRun(cr, &engine.WorkflowExecutionTerminated{
					ChildPolicy: cr.childPolicy,
					Cause:       "CHILD_POLICY_APPLIED",
				}, engine.StatusTerminated)
			case engine.ChildPolicyRequestCancel:
				e.requestCancel(cr, "CHILD_POLICY_APPLIED")
			}
		}
	}

	if c := r.asChild; c != nil && status != engine.StatusContinuedAsNew {
		e.childClosed(c, r, attr)
	}
}

// requestCancel records a cancel request in r and schedules a decision task.
func (e *Engine) requestCancel(r *run, cause string) {
	e.record(r, &engine.WorkflowExecutionCancelRequested{Cause: cause})
	r.cancelRequested = true
	e.scheduleDecision(r)
}

// childClosed records in the parent that its child closed (the child's final
// run cr, closed by the event attr).
func (e *Engine) childClosed(c *child, cr *run, attr engine.EventAttributes) {
	p := c.parent
	if p.status != engine.StatusOpen {
		return // abandoned
	}
	delete(p.children, c.workflowID)
	ex, typ := cr.exec, cr.typ
	var ev engine.EventAttributes
	switch a := attr.(type) {
	case *engine.WorkflowExecutionCompleted:
		ev = &engine.ChildWorkflowExecutionCompleted{Execution: ex, Type: typ, Result: a.Result,
			InitiatedEventID: c.initiatedID, StartedEventID: c.startedID}
	case *engine.WorkflowExecutionFailed:
		ev = &engine.ChildWorkflowExecutionFailed{Execution: ex, Type: typ, Reason: a.Reason, Details: a.Details,
			InitiatedEventID: c.initiatedID, StartedEventID: c.startedID}
	case *engine.WorkflowExecutionTimedOut:
		ev = &engine.ChildWorkflowExecutionTimedOut{Execution: ex, Type: typ,
			InitiatedEventID: c.initiatedID, StartedEventID: c.startedID}
	case *engine.WorkflowExecutionCanceled:
		ev = &engine.ChildWorkflowExecutionCanceled{Execution: ex, Type: typ, Details: a.Details,
			InitiatedEventID: c.initiatedID, StartedEventID: c.startedID}
	case *engine.WorkflowExecutionTerminated:
		ev = &engine.ChildWorkflowExecutionTerminated{Execution: ex, Type: typ,
			InitiatedEventID: c.initiatedID, StartedEventID: c.startedID}
	default:
		return
	}
	e.record(p, ev)
	e.scheduleDecision(p)
}

// findRun returns the run exec names; an empty run id means the open or
// latest run of the workflow id.
func (e *Engine) findRun(exec engine.Execution) (*run, error) {
	var r *run
	if exec.RunID == "" {
		r = e.latest[exec.WorkflowID]
	} else {
		r = e.runs[exec]
	}
	if r == nil {
		return nil, fmt.Errorf("memory: workflow execution %s: %w", execString(exec), engine.ErrUnknownResource)
	}
	return r, nil
}

func execString(exec engine.Execution) string {
	if exec.RunID == "" {
		return fmt.Sprintf("%q", exec.WorkflowID)
	}
	return fmt.Sprintf("%q run %s", exec.WorkflowID, exec.RunID)
}

// TerminateWorkflow closes an open execution at once
// (WorkflowExecutionTerminated) and applies its child policy. An empty run id
// means the open run of the workflow id.
func (e *Engine) TerminateWorkflow(ctx context.Context, exec engine.Execution, reason, details string) error {
	what := "memory: terminate workflow execution " + execString(exec)
	if err := errors.Join(
		checkLen("reason", reason, engine.MaxReasonChars),
		checkLen("details", details, engine.MaxPayloadChars),
	); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	r, err := e.openRun(what, exec)
	if err != nil {
		return e.fail(err)
	}
	e.closeRun(r, &engine.WorkflowExecutionTerminated{
		Reason:      reason,
		Details:     details,
		ChildPolicy: r.childPolicy,
	}, engine.StatusTerminated)
	return e.finish()
}

// DescribeWorkflowExecution describes an execution. An empty run id means the
// open or latest run of the workflow id.
func (e *Engine) DescribeWorkflowExecution(ctx context.Context, exec engine.Execution) (*engine.ExecutionInfo, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	r, err := e.findRun(exec)
	if err != nil {
		if err := e.notInMemory(err); err != nil {
			return nil, err
		}
		info, _, err := e.journal.ClosedRun(ctx, exec)
		return info, err
	}
	info := r.info()
	return info, e.finish()
}

// notInMemory releases the lock after a run was not found in memory. Without
// a journal it returns notFound. With one it returns nil once everything
// done before the lookup is durable: the caller then reads the run from the
// journal, which holds every closed run that left memory.
func (e *Engine) notInMemory(notFound error) error {
	if e.journal == nil {
		e.mu.Unlock()
		return notFound
	}
	return e.await(e.unlock())
}

// info describes r.
func (r *run) info() *engine.ExecutionInfo {
	info := &engine.ExecutionInfo{
		Execution:      r.exec,
		Type:           r.typ,
		Status:         r.status,
		StartTime:      r.startTime,
		CloseTime:      r.closeTime,
		Tags:           slices.Clone(r.tags),
		OpenActivities: len(r.activities),
		OpenTimers:     len(r.timers),
		OpenChildren:   len(r.children),
	}
	if r.parent != nil {
		pe := *r.parent
		info.Parent = &pe
	}
	return info
}

// GetWorkflowExecutionHistory returns the whole history of a run. An empty run
// id means the open or latest run of the workflow id. The slice shares the
// engine's storage: callers must not modify its elements.
func (e *Engine) GetWorkflowExecutionHistory(ctx context.Context, exec engine.Execution) ([]engine.Event, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	r, err := e.findRun(exec)
	if err != nil {
		if err := e.notInMemory(err); err != nil {
			return nil, err
		}
		return e.journal.ClosedHistory(ctx, exec)
	}
	evs := r.history(int64(len(r.events)))
	return evs, e.finish()
}

// WaitClosed blocks until the run closes and returns its closing event
// (WorkflowExecutionCompleted, -Failed, -TimedOut, -Terminated, -Canceled or
// -ContinuedAsNew). An empty run id means the open or latest run of the
// workflow id at the time of the call. It returns at once if the run is
// already closed, and ctx's error if ctx ends first.
func (e *Engine) WaitClosed(ctx context.Context, exec engine.Execution) (engine.Event, error) {
	if err := e.enter(ctx); err != nil {
		return engine.Event{}, err
	}
	r, err := e.findRun(exec)
	if err != nil {
		if err := e.notInMemory(err); err != nil {
			return engine.Event{}, err
		}
		_, ev, err := e.journal.ClosedRun(ctx, exec)
		return ev, err
	}
	if r.status != engine.StatusOpen {
		ev := r.closeEvent
		return ev, e.finish()
	}
	if r.closedCh == nil {
		r.closedCh = make(chan struct{})
	}
	ch := r.closedCh
	e.mu.Unlock()
	select {
	case <-ch:
		e.mu.Lock()
		ev := r.closeEvent
		return ev, e.finish() // the close is durable
	case <-ctx.Done():
		return engine.Event{}, ctx.Err()
	case <-e.done:
		return engine.Event{}, errClosed
	}
}
