package memory

import (
	"context"
	"fmt"

	"github.com/flowy-go/flowy/engine"
)

// A Journal makes an engine durable. An engine created with a journal
// ([Options.Journal], [Restore]) runs exactly as without one, and in
// addition:
//
//   - Every state change — one API call, one timer or timeout firing —
//     hands its records (the history events it appended, in order, and the
//     types it registered or deprecated) to [Journal.Append] as one batch,
//     with the engine's lock held, so batches arrive in the order the
//     changes were made.
//   - A call returns only once [Journal.Wait] reports durable the batch it
//     made, or (for calls that read) the last batch made before it read
//     anything, so no caller ever sees a state that could be lost. The
//     exception is the polls, which hand out their task without waiting
//     for its started event: the answer to the task is durable only after
//     it, and a task whose start was lost is handed out again after a
//     restore, so no result or decision can be lost that way (see
//     PollActivityTask).
//   - Once a run's closing batch is durable the run leaves memory: the engine
//     keeps only open runs (and closed ones whose close is not yet durable),
//     and reads closed runs back through the journal's read methods.
//
// Package sqlite implements it on an SQLite file; [Restore] rebuilds an
// engine from the state such a journal kept.
type Journal interface {
	// Append queues one batch and returns its sequence number, greater than
	// that of every earlier batch (the first is 1). It is called with the
	// engine's lock held: it must be quick and must not call the engine. The
	// journal owns the slice from then on; the events' attributes are never
	// modified.
	Append(batch []Record) (seq uint64)
	// Wait blocks until batch seq and every earlier batch are durable, and
	// returns an error if that cannot happen (the engine then returns it,
	// wrapped, from the call that waited).
	Wait(seq uint64) error

	// ClosedRun returns a closed run that is no longer in memory, with its
	// closing event. An empty run id means the latest run of the workflow
	// id. No such run returns an error wrapping [engine.ErrUnknownResource].
	ClosedRun(ctx context.Context, exec engine.Execution) (*engine.ExecutionInfo, engine.Event, error)
	// ClosedHistory returns the history of a closed run that is no longer in
	// memory (an empty run id: the latest run of the workflow id), or an
	// error wrapping [engine.ErrUnknownResource].
	ClosedHistory(ctx context.Context, exec engine.Execution) ([]engine.Event, error)
	// ListClosed lists the closed runs f selects (f.Open is false), newest
	// start first, as [engine.ExecutionLister] does.
	ListClosed(ctx context.Context, f engine.ExecutionFilter) ([]engine.ExecutionInfo, error)
}

// Record is one durable change in a batch: either a history event of a run,
// or a type's registration or deprecation.
type Record struct {
	// Exec and Event: a history event of run Exec. The run's first event
	// (ID 1, WorkflowExecutionStarted) starts the run.
	Exec  engine.Execution
	Event engine.Event
	// Close is set on the event that closes the run: its close status.
	Close engine.ExecutionStatus
	// WorkflowType, if set, is a workflow type as it now is (registered or
	// deprecated); the record has no event.
	WorkflowType *engine.WorkflowTypeDetail
	// ActivityType, if set, is an activity type as it now is.
	ActivityType *engine.ActivityTypeDetail
}

// ticket is what a caller awaits after releasing the engine lock: the last
// batch appended when it released the lock, and the runs its state change
// closed (evicted from memory once the batch is durable).
type ticket struct {
	seq    uint64
	closed []*run
}

// unlock hands the batch made under the lock to the journal, if any, and
// releases the lock. Every release of the lock after a state change goes
// through it; the caller then awaits the ticket.
func (e *Engine) unlock() ticket {
	var t ticket
	if e.journal != nil {
		if len(e.batch) > 0 {
			e.lastSeq = e.journal.Append(e.batch)
			e.batch = nil
		}
		t = ticket{seq: e.lastSeq, closed: e.closing}
		e.closing = nil
	}
	e.mu.Unlock()
	return t
}

// await waits until t's batch is durable, then evicts the runs it closed.
// Without a journal it returns at once.
func (e *Engine) await(t ticket) error {
	if t.seq == 0 {
		return nil
	}
	if err := e.journal.Wait(t.seq); err != nil {
		return fmt.Errorf("memory: journal: %w", err)
	}
	if len(t.closed) > 0 {
		e.mu.Lock()
		for _, r := range t.closed {
			e.evict(r)
		}
		e.mu.Unlock()
	}
	return nil
}

// finish releases the lock and awaits the ticket: the end of a call.
func (e *Engine) finish() error { return e.await(e.unlock()) }

// finishTimer ends a state change made by a timer or timeout firing: the
// journal's failure, if any, has no caller to go to and is logged.
func (e *Engine) finishTimer() {
	if err := e.finish(); err != nil {
		e.log.Error("memory: recording a timeout", "err", err)
	}
}

// evict removes a closed run whose close is durable from memory; the
// journal serves it from then on. Handed-out histories keep their storage.
func (e *Engine) evict(r *run) {
	if e.runs[r.exec] == r {
		delete(e.runs, r.exec)
	}
	if e.latest[r.exec.WorkflowID] == r {
		delete(e.latest, r.exec.WorkflowID)
	}
	r.events = nil
}

// journalWorkflowType and journalActivityType record a type's new state.
func (e *Engine) journalWorkflowType(d *engine.WorkflowTypeDetail) {
	if e.journal != nil {
		c := *d
		e.batch = append(e.batch, Record{WorkflowType: &c})
	}
}

func (e *Engine) journalActivityType(d *engine.ActivityTypeDetail) {
	if e.journal != nil {
		c := *d
		e.batch = append(e.batch, Record{ActivityType: &c})
	}
}
