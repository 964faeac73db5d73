// Package decider is flowy's decider core: it runs workflow code against a
// workflow's history and returns the decisions to answer a decision task with.
// It does no I/O; a worker polls decision tasks from an engine and hands them
// to a Decider.
//
// # How a run is decided
//
// The workflow's Run method runs on its own goroutine. Calling a task never
// blocks: the call is recorded, and becomes a ScheduleActivityTask (or
// StartChildWorkflowExecution, or a StartTimer for a retry delay) decision as
// soon as the results among its arguments are ready. Reading a pending result
// parks the goroutine; the decider then answers with the decisions gathered.
//
// The history is applied event by event. At the DecisionTaskStarted event of
// each decision task that completed, the code runs as far as the events
// before it allow — exactly as it did when that task was decided — and the
// decisions it makes are compared with the ones the history recorded after the
// task's DecisionTaskCompleted event. A difference means the code is not
// deterministic (it changed, or it depends on something other than its input
// and task results): the workflow fails with a [NondeterminismError] rather
// than scheduling tasks that do not match its history.
//
// Between decision tasks a Decider keeps each run's state (its parked
// goroutine and its futures) in a cache, so a decision costs only the events
// that are new. When the state is missing (another worker decided before, the
// process restarted, the cache evicted it) the run is rebuilt by replaying the
// whole history. Both paths run the same code on the same events, so their
// decisions are identical by construction; the conformance suite checks it by
// running every workflow with and without the cache.
//
// Task ids follow Python Flowy: an activity attempt is NAME-CALL-RETRY (the
// dependency's name, the call's index among that dependency's calls, the
// attempt's index), the timer before a delayed attempt is NAME-CALL-RETRY:t,
// and a child workflow's id is a hash of the parent run followed by "-:" and
// NAME-CALL-RETRY.
package decider

import (
	"container/list"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/failure"
)

// DefaultCacheSize is the number of runs whose state a Decider keeps when
// Options.CacheSize is 0.
const DefaultCacheSize = 10000

// Options configure a Decider.
type Options struct {
	// CacheSize is the most runs whose state is kept between decision tasks
	// (0: DefaultCacheSize; negative: none, so every decision replays the
	// whole history).
	CacheSize int
	// Logger receives debug logs; nil discards them.
	Logger *slog.Logger
}

// Decider decides decision tasks for a set of workflow types. It is safe for
// concurrent use; the decision tasks of one run must not be decided
// concurrently (engines hand out one at a time).
type Decider struct {
	wfs       map[engine.WorkflowType]*flowy.Workflow
	cacheSize int
	log       *slog.Logger

	mu    sync.Mutex
	cache map[string]*list.Element // run id → element holding *run
	lru   *list.List               // front: most recently used
}

// New returns a Decider for the workflows, which it prepares (see
// flowy.Workflow.Prepare).
func New(workflows []*flowy.Workflow, opts Options) (*Decider, error) {
	d := &Decider{
		wfs:       map[engine.WorkflowType]*flowy.Workflow{},
		cacheSize: opts.CacheSize,
		log:       opts.Logger,
		cache:     map[string]*list.Element{},
		lru:       list.New(),
	}
	if d.cacheSize == 0 {
		d.cacheSize = DefaultCacheSize
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	for _, w := range workflows {
		if err := w.Prepare(); err != nil {
			return nil, err
		}
		t := engine.WorkflowType{Name: w.Name, Version: w.Version}
		if _, dup := d.wfs[t]; dup {
			return nil, fmt.Errorf("decider: workflow type %s/%s given twice", t.Name, t.Version)
		}
		d.wfs[t] = w
	}
	return d, nil
}

// Decide returns the decisions for a decision task.
func (d *Decider) Decide(task *engine.DecisionTask) []engine.Decision {
	w, ok := d.wfs[task.Type]
	if !ok {
		known := make([]string, 0, len(d.wfs))
		for t := range d.wfs {
			known = append(known, t.Name+"/"+t.Version)
		}
		sort.Strings(known)
		reason, details := failure.Encode("unknown-workflow", fmt.Sprintf(
			"flowy: no workflow type %s/%s is registered with this decider (it knows %s)",
			task.Type.Name, task.Type.Version, strings.Join(known, ", ")))
		return []engine.Decision{&engine.FailWorkflowExecution{Reason: reason, Details: details}}
	}
	r := d.take(task.Execution.RunID)
	if r != nil && (r.answered != task.PreviousStartedEventID || r.processed > int64(len(task.Events))) {
		d.log.Debug("decider: cached state is stale, replaying", "run", task.Execution.RunID,
			"answered", r.answered, "previousStarted", task.PreviousStartedEventID)
		r.discard()
		r = nil
	}
	if r == nil {
		r = newRun(w, task.Execution)
	}
	out := r.advance(task.Events, task.StartedEventID)
	r.answered = task.StartedEventID
	if d.cacheSize > 0 && !r.finished() {
		d.put(r)
	} else {
		r.discard()
	}
	return out
}

// Replay runs a whole recorded history of a run of w through a fresh state and
// reports the first difference between the decisions the code makes now and
// the ones recorded, as a *NondeterminismError. It returns nil for a history
// the code reproduces.
func Replay(w *flowy.Workflow, exec engine.Execution, events []engine.Event) error {
	if err := w.Prepare(); err != nil {
		return err
	}
	r := newRun(w, exec)
	defer r.discard()
	r.advance(events, 0)
	return r.fatal
}

// Forget drops the cached state of a run, if any.
func (d *Decider) Forget(runID string) {
	if r := d.take(runID); r != nil {
		r.discard()
	}
}

// CachedRuns returns how many runs' states are cached.
func (d *Decider) CachedRuns() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lru.Len()
}

func (d *Decider) take(runID string) *run {
	d.mu.Lock()
	defer d.mu.Unlock()
	el, ok := d.cache[runID]
	if !ok {
		return nil
	}
	delete(d.cache, runID)
	d.lru.Remove(el)
	return el.Value.(*run)
}

func (d *Decider) put(r *run) {
	d.mu.Lock()
	var evicted *run
	if d.lru.Len() >= d.cacheSize {
		el := d.lru.Back()
		evicted = el.Value.(*run)
		d.lru.Remove(el)
		delete(d.cache, evicted.exec.RunID)
	}
	d.cache[r.exec.RunID] = d.lru.PushFront(r)
	d.mu.Unlock()
	if evicted != nil {
		evicted.discard()
	}
}

// NondeterminismError reports workflow code that made different decisions
// than the ones its history recorded.
type NondeterminismError struct {
	// EventID is the id of the DecisionTaskCompleted event whose recorded
	// decisions differ.
	EventID int64
	// Recorded describes the recorded decision ("" if the code made more
	// decisions than were recorded); Now the decision the code makes now (""
	// if it made fewer).
	Recorded, Now string
}

func (e *NondeterminismError) Error() string {
	rec, now := e.Recorded, e.Now
	if rec == "" {
		rec = "nothing more"
	}
	if now == "" {
		now = "nothing more"
	}
	return fmt.Sprintf("nondeterministic workflow code: for the decision task completed at event %d the history recorded %s, but the code now decides %s",
		e.EventID, rec, now)
}
