package sqlite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
)

var (
	_ engine.Engine          = (*Engine)(nil)
	_ engine.CloseWaiter     = (*Engine)(nil)
	_ engine.TypeAdmin       = (*Engine)(nil)
	_ engine.ExecutionLister = (*Engine)(nil)
	_ engine.PendingCounter  = (*Engine)(nil)
	_ engine.Signaler        = (*Engine)(nil)
)

// DefaultDomain is the domain of the engine [Open] returns.
const DefaultDomain = "default"

// Options configure [Open] and [OpenDB].
type Options struct {
	// Retention is how long closed executions are kept after they close;
	// a background sweep deletes older ones with their histories. Zero
	// keeps them forever. (Open only: OpenDomain takes it per domain.)
	Retention time.Duration
	// Synchronous is SQLite's synchronous setting: "NORMAL" (the default)
	// or "FULL" (or "EXTRA"). With NORMAL, a commit survives the death of
	// the process at any instant, but an operating system crash or a power
	// loss may lose the last commits before a WAL checkpoint (the database
	// stays consistent). FULL syncs the WAL at every commit, so commits
	// survive those too, at the cost of one fsync per group commit.
	Synchronous string
	// Logger receives the engine's logs; nil discards them.
	Logger *slog.Logger
}

// Engine is a durable engine: the memory engine's logic, with every state
// change journaled to one domain of an SQLite file. All methods are safe for
// concurrent use; they behave as [memory.Engine]'s do (see there), and in
// addition return only once what they changed, or read, is committed —
// except the polls, which hand out tasks before their start is committed
// (see [Engine.PollActivityTask]). Open one with [Open] or [OpenDomain].
type Engine struct {
	db        *DB
	domain    string
	ownsDB    bool
	retention time.Duration
	log       *slog.Logger
	core      *memory.Engine
	j         *journal

	sweepStop chan struct{}
	sweepDone chan struct{}
	stopOnce  sync.Once
	closeOnce sync.Once
	closeErr  error
}

// Open opens the SQLite file at path (creating it if needed) and returns an
// engine for its domain "default" ([DefaultDomain]), with the open
// executions recovered as [OpenDomain] describes. Close closes the file too.
func Open(path string, opts Options) (*Engine, error) {
	db, err := OpenDB(path, opts)
	if err != nil {
		return nil, err
	}
	e, err := OpenDomain(db, DefaultDomain, opts.Retention)
	if err != nil {
		db.Close()
		return nil, err
	}
	e.ownsDB = true
	return e, nil
}

// OpenDomain returns the engine of one domain of db, which keeps its closed
// executions for retention after they close (0: forever). Domains are
// independent engines sharing the file (and its group commits): types,
// executions and task lists of one are invisible to the others. A domain may
// be open once at a time in a DB.
//
// Opening recovers the domain's state from its history: every open run
// resumes as [memory.Restore] describes — queued activity tasks are queued
// again, started ones stay started (their workers may still complete them
// with their tokens, once) and time out at their recorded times if their
// workers died, timers and execution timeouts fire at their original times
// (at once if past), and a decision task that was scheduled or started is
// scheduled again.
func OpenDomain(db *DB, domain string, retention time.Duration) (*Engine, error) {
	if domain == "" || len(domain) > engine.MaxIDChars {
		return nil, fmt.Errorf("sqlite: domain name %q: empty or over %d characters: %w", domain, engine.MaxIDChars, engine.ErrInvalidArgument)
	}
	if retention < 0 {
		return nil, fmt.Errorf("sqlite: domain %s: negative retention %v: %w", domain, retention, engine.ErrInvalidArgument)
	}
	db.mu.Lock()
	if db.err != nil {
		err := db.err
		db.mu.Unlock()
		return nil, err
	}
	if _, ok := db.domains[domain]; ok {
		db.mu.Unlock()
		return nil, fmt.Errorf("sqlite: domain %s is already open in %s", domain, db.path)
	}
	db.domains[domain] = nil // reserved
	db.mu.Unlock()

	e := &Engine{db: db, domain: domain, retention: retention, log: db.log.With("domain", domain)}
	e.j = &journal{db: db, domain: domain}
	if err := e.open(); err != nil {
		db.mu.Lock()
		delete(db.domains, domain)
		db.mu.Unlock()
		return nil, fmt.Errorf("sqlite: opening domain %s of %s: %w", domain, db.path, err)
	}
	db.mu.Lock()
	db.domains[domain] = e
	db.mu.Unlock()
	if retention > 0 {
		e.sweepStop, e.sweepDone = make(chan struct{}), make(chan struct{})
		go e.sweeper()
	}
	return e, nil
}

// open records the domain and recovers its state.
func (e *Engine) open() error {
	ctx := context.Background()
	now := time.Now()
	seq := e.db.appendBatch(e.domain, nil, func(ctx context.Context, w *wconn) error {
		_, err := w.exec(w.stmts.domain, e.domain, now.UnixNano())
		return err
	})
	if err := e.db.wait(seq); err != nil {
		return err
	}
	start := time.Now()
	st, err := e.load(ctx)
	if err != nil {
		return err
	}
	events := 0
	for _, r := range st.Open {
		events += len(r.Events)
	}
	core, err := memory.Restore(memory.Options{Logger: e.log, Journal: e.j}, st)
	if err != nil {
		return err
	}
	e.core = core
	e.log.Info("sqlite: domain open", "path", e.db.path, "open_runs", len(st.Open), "events", events,
		"workflow_types", len(st.WorkflowTypes), "activity_types", len(st.ActivityTypes), "duration", time.Since(start))
	return nil
}

// Domain returns the engine's domain.
func (e *Engine) Domain() string { return e.domain }

// DB returns the database the engine's domain lives in.
func (e *Engine) DB() *DB { return e.db }

// Close stops the engine: its timers stop, blocked polls and WaitClosed
// calls return an error wrapping [engine.ErrClosed], and so do later calls.
// It returns once every change already made is committed. An engine from
// [Open] closes its file too. Closing again does nothing.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		e.core.Close()
		e.stopSweeper()
		e.closeErr = e.db.wait(e.j.last.Load())
		e.db.mu.Lock()
		delete(e.db.domains, e.domain)
		e.db.mu.Unlock()
		if e.ownsDB {
			e.closeErr = errors.Join(e.closeErr, e.db.Close())
		}
	})
	return e.closeErr
}

// journal is a domain's [memory.Journal] on the DB.
type journal struct {
	db     *DB
	domain string
	last   atomic.Uint64 // the last batch this domain appended
}

func (j *journal) Append(recs []memory.Record) uint64 {
	seq := j.db.appendBatch(j.domain, recs, nil)
	j.last.Store(seq)
	return seq
}

func (j *journal) Wait(seq uint64) error { return j.db.wait(seq) }

// The methods below forward to the memory engine core.

// RegisterWorkflowType registers a workflow type and its defaults.
func (e *Engine) RegisterWorkflowType(ctx context.Context, t engine.WorkflowTypeInfo) error {
	return e.core.RegisterWorkflowType(ctx, t)
}

// RegisterActivityType registers an activity type and its defaults.
func (e *Engine) RegisterActivityType(ctx context.Context, t engine.ActivityTypeInfo) error {
	return e.core.RegisterActivityType(ctx, t)
}

// StartWorkflow starts a workflow execution and returns its run id.
func (e *Engine) StartWorkflow(ctx context.Context, p engine.StartWorkflowParams) (string, error) {
	return e.core.StartWorkflow(ctx, p)
}

// TerminateWorkflow closes an open execution at once.
func (e *Engine) TerminateWorkflow(ctx context.Context, exec engine.Execution, reason, details string) error {
	return e.core.TerminateWorkflow(ctx, exec, reason, details)
}

// PollDecisionTask waits for a decision task on the task list; (nil, nil)
// when ctx ends first.
func (e *Engine) PollDecisionTask(ctx context.Context, p engine.PollParams) (*engine.DecisionTask, error) {
	return e.core.PollDecisionTask(ctx, p)
}

// RespondDecisionTaskCompleted answers a decision task.
func (e *Engine) RespondDecisionTaskCompleted(ctx context.Context, p engine.RespondDecisionParams) error {
	return e.core.RespondDecisionTaskCompleted(ctx, p)
}

// PollActivityTask waits for an activity task on the task list; (nil, nil)
// when ctx ends first. The task is handed out before its ActivityTaskStarted
// event is committed: if the process dies first, the task is handed out
// again after the restart and the first token is refused (the activity runs
// at least once in any case); see [memory.Engine.PollActivityTask].
func (e *Engine) PollActivityTask(ctx context.Context, p engine.PollParams) (*engine.ActivityTask, error) {
	return e.core.PollActivityTask(ctx, p)
}

// RespondActivityTaskCompleted records an activity's result. A token whose
// task is closed — a late or duplicate completion, also across restarts —
// returns an error wrapping [engine.ErrUnknownResource] and records nothing.
func (e *Engine) RespondActivityTaskCompleted(ctx context.Context, token, result string) error {
	return e.core.RespondActivityTaskCompleted(ctx, token, result)
}

// RespondActivityTaskFailed records an activity's failure; a token whose
// task is closed returns an error wrapping [engine.ErrUnknownResource].
func (e *Engine) RespondActivityTaskFailed(ctx context.Context, token, reason, details string) error {
	return e.core.RespondActivityTaskFailed(ctx, token, reason, details)
}

// RecordActivityTaskHeartbeat records a heartbeat (in memory only: after a
// restart the heartbeat timeout counts from the restart).
func (e *Engine) RecordActivityTaskHeartbeat(ctx context.Context, token, details string) (bool, error) {
	return e.core.RecordActivityTaskHeartbeat(ctx, token, details)
}

// DescribeWorkflowExecution describes an execution, open or closed.
func (e *Engine) DescribeWorkflowExecution(ctx context.Context, exec engine.Execution) (*engine.ExecutionInfo, error) {
	return e.core.DescribeWorkflowExecution(ctx, exec)
}

// GetWorkflowExecutionHistory returns the whole history of a run, open or
// closed (until retention removes it).
func (e *Engine) GetWorkflowExecutionHistory(ctx context.Context, exec engine.Execution) ([]engine.Event, error) {
	return e.core.GetWorkflowExecutionHistory(ctx, exec)
}

// WaitClosed blocks until the run closes and returns its closing event.
func (e *Engine) WaitClosed(ctx context.Context, exec engine.Execution) (engine.Event, error) {
	return e.core.WaitClosed(ctx, exec)
}

// DescribeWorkflowType describes a registered workflow type.
func (e *Engine) DescribeWorkflowType(ctx context.Context, t engine.WorkflowType) (*engine.WorkflowTypeDetail, error) {
	return e.core.DescribeWorkflowType(ctx, t)
}

// DescribeActivityType describes a registered activity type.
func (e *Engine) DescribeActivityType(ctx context.Context, t engine.ActivityType) (*engine.ActivityTypeDetail, error) {
	return e.core.DescribeActivityType(ctx, t)
}

// ListWorkflowTypes lists workflow types by status (all if empty) and name.
func (e *Engine) ListWorkflowTypes(ctx context.Context, status engine.TypeStatus, name string) ([]engine.WorkflowTypeDetail, error) {
	return e.core.ListWorkflowTypes(ctx, status, name)
}

// ListActivityTypes lists activity types by status (all if empty) and name.
func (e *Engine) ListActivityTypes(ctx context.Context, status engine.TypeStatus, name string) ([]engine.ActivityTypeDetail, error) {
	return e.core.ListActivityTypes(ctx, status, name)
}

// DeprecateWorkflowType deprecates a workflow type.
func (e *Engine) DeprecateWorkflowType(ctx context.Context, t engine.WorkflowType) error {
	return e.core.DeprecateWorkflowType(ctx, t)
}

// DeprecateActivityType deprecates an activity type.
func (e *Engine) DeprecateActivityType(ctx context.Context, t engine.ActivityType) error {
	return e.core.DeprecateActivityType(ctx, t)
}

// ListExecutions lists executions, newest start first: open ones from
// memory, closed ones from the file.
func (e *Engine) ListExecutions(ctx context.Context, f engine.ExecutionFilter) ([]engine.ExecutionInfo, error) {
	return e.core.ListExecutions(ctx, f)
}

// CountPendingDecisionTasks counts the decision tasks waiting on a task list.
func (e *Engine) CountPendingDecisionTasks(ctx context.Context, taskList string) (int, error) {
	return e.core.CountPendingDecisionTasks(ctx, taskList)
}

// CountPendingActivityTasks counts the activity tasks waiting on a task list.
func (e *Engine) CountPendingActivityTasks(ctx context.Context, taskList string) (int, error) {
	return e.core.CountPendingActivityTasks(ctx, taskList)
}

// SignalWorkflow records a signal in an open run and schedules a decision
// task.
func (e *Engine) SignalWorkflow(ctx context.Context, exec engine.Execution, name, input string) error {
	return e.core.SignalWorkflow(ctx, exec, name, input)
}

// RequestCancelWorkflow records a cancel request in an open run and
// schedules a decision task.
func (e *Engine) RequestCancelWorkflow(ctx context.Context, exec engine.Execution) error {
	return e.core.RequestCancelWorkflow(ctx, exec)
}
