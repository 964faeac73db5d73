// Package conformance is flowy's engine conformance suite: a table of
// workflows that every engine must run with the same results, errors and
// decisions. An engine's test runs it in a few lines:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(t *testing.T) engine.Engine {
//			e := memory.New(memory.Options{})
//			t.Cleanup(func() { e.Close() })
//			return e
//		}, conformance.Options{})
//	}
//
// Every case runs twice: with the decider's cache, and without it (full replay
// of the history at every decision). In each run every decision task the
// engine hands out is recorded with the decisions given, and then decided
// again by a fresh decider of the other kind, which must give identical
// decisions; and the finished history is replayed once more to check it
// reproduces every recorded decision.
package conformance

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/worker"
)

// Feature is an engine capability that some cases need.
type Feature string

// Features an engine may lack.
const (
	ChildWorkflows Feature = "child-workflows"
	ContinueAsNew  Feature = "continue-as-new"
	Timers         Feature = "timers"
	Heartbeat      Feature = "heartbeats"
)

// Options configure a run of the suite.
type Options struct {
	// Unsupported lists features the engine lacks; cases needing them are
	// skipped.
	Unsupported []Feature
	// Only, if set, runs only the named cases.
	Only []string
	// CaseTimeout bounds each case (0: 60 s).
	CaseTimeout time.Duration
	// Scale multiplies the cases' timeouts and sleeps, for slow engines (0: 1).
	Scale float64
}

// Case is one workflow of the suite.
type Case struct {
	Name string
	// Needs lists the features the case uses.
	Needs []Feature
	// Build returns fresh workflows (the first is started), activities and
	// arguments, for one run. s scales durations.
	Build func(s Scale) Setup
}

// Scale scales durations in a case.
type Scale float64

// D returns d scaled.
func (s Scale) D(d time.Duration) time.Duration { return time.Duration(float64(d) * float64(s)) }

// Setup is what a case runs.
type Setup struct {
	Workflows  []*flowy.Workflow
	Activities []*flowy.Activity
	Args       []any
	Start      client.StartOptions
	// Check asserts the outcome.
	Check func(t *testing.T, o *Outcome)
	// During, if set, runs beside the workflow with controls over the
	// workers (used by the nondeterminism case); the workflow's outcome is
	// awaited after it returns.
	During func(t *testing.T, h *Harness)
	// NoCrossCheck skips deciding the recorded tasks again (for code that is
	// deliberately nondeterministic).
	NoCrossCheck bool
}

// Outcome is how a case's workflow ended.
type Outcome struct {
	// Result is the encoded result (when Err is nil).
	Result string
	// Err is a *client.WorkflowError when the workflow did not complete.
	Err error
	// History is the history of the last run of the started workflow.
	History []engine.Event
	// Exec is that run.
	Exec engine.Execution
	// Engine is the engine, to read other histories.
	Engine engine.Engine
}

// Run runs every case against engines from newEngine, with and without the
// decider cache. newEngine is called once per case and mode.
func Run(t *testing.T, newEngine func(t *testing.T) engine.Engine, opts Options) {
	for _, mode := range []struct {
		name  string
		cache int
	}{{"cache", 0}, {"nocache", -1}} {
		t.Run(mode.name, func(t *testing.T) {
			for _, c := range Cases() {
				if !selected(c, opts) {
					continue
				}
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					runCase(t, c, newEngine(t), mode.cache, opts)
				})
			}
		})
	}
}

func selected(c Case, opts Options) bool {
	if len(opts.Only) > 0 {
		found := false
		for _, n := range opts.Only {
			found = found || n == c.Name
		}
		if !found {
			return false
		}
	}
	for _, need := range c.Needs {
		for _, u := range opts.Unsupported {
			if need == u {
				return false
			}
		}
	}
	return true
}

// Harness gives a case's During function control over the workers. Deciders
// and activity workers run apart, so deciders can be stopped and restarted
// (with empty caches) while activities run.
type Harness struct {
	t       *testing.T
	eng     *recorder
	setup   Setup
	cache   int
	mu      sync.Mutex
	stopDec func()
	stopAct func()
	Exec    engine.Execution
	Context context.Context
}

// StopDeciders stops the deciders.
func (h *Harness) StopDeciders() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopDec != nil {
		h.stopDec()
		h.stopDec = nil
	}
}

// StartDeciders starts new deciders (with empty caches).
func (h *Harness) StartDeciders() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopDec == nil {
		h.stopDec = h.start(h.setup.Workflows, nil)
	}
}

func (h *Harness) startActivities() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopAct = h.start(nil, h.setup.Activities)
}

func (h *Harness) stopAll() {
	h.StopDeciders()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopAct != nil {
		h.stopAct()
		h.stopAct = nil
	}
}

func (h *Harness) start(wfs []*flowy.Workflow, acts []*flowy.Activity) func() {
	w, err := worker.New(h.eng, wfs, acts, worker.Options{
		Decider: decider.Options{CacheSize: h.cache},
	})
	if err != nil {
		h.t.Fatalf("worker: %v", err)
	}
	stop, err := w.Start(h.Context)
	if err != nil {
		h.t.Fatalf("starting worker: %v", err)
	}
	return stop
}

func runCase(t *testing.T, c Case, eng engine.Engine, cache int, opts Options) {
	scale := opts.Scale
	if scale == 0 {
		scale = 1
	}
	timeout := opts.CaseTimeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	setup := c.Build(Scale(scale))
	rec := &recorder{Engine: eng, tokens: map[string]*engine.DecisionTask{}}
	h := &Harness{t: t, eng: rec, setup: setup, cache: cache, Context: ctx}
	h.startActivities()
	h.StartDeciders()
	defer h.stopAll()

	wf := setup.Workflows[0]
	exec, err := client.Start(ctx, rec, wf, setup.Start, setup.Args...)
	if err != nil {
		t.Fatalf("starting %s: %v", wf.Name, err)
	}
	h.Exec = exec
	if setup.During != nil {
		setup.During(t, h)
	}
	o := &Outcome{Engine: eng}
	ev, last, err := client.Wait(ctx, rec, exec)
	if err != nil {
		t.Fatalf("waiting for %s: %v", wf.Name, err)
	}
	o.Exec = last
	if a, ok := ev.Attr.(*engine.WorkflowExecutionCompleted); ok {
		o.Result = a.Result
	} else {
		_, o.Err = client.Result[any](ctx, rec, last, nil)
	}
	if o.History, err = eng.GetWorkflowExecutionHistory(ctx, last); err != nil {
		t.Fatalf("history: %v", err)
	}
	h.stopAll()
	setup.Check(t, o)
	if t.Failed() {
		t.Logf("history of %s:\n%s", last.WorkflowID, FormatHistory(o.History))
		return
	}
	if !setup.NoCrossCheck {
		crossCheck(t, setup.Workflows, rec.steps(), cache)
		if err := decider.Replay(wf, last, o.History); err != nil {
			t.Errorf("replaying the finished history: %v", err)
		}
	}
}

// crossCheck decides every recorded decision task again with a fresh decider
// of the other kind (cached if the run was not, and the reverse) and requires
// identical decisions.
func crossCheck(t *testing.T, wfs []*flowy.Workflow, steps []step, cache int) {
	other := 0
	if cache >= 0 {
		other = -1
	}
	d, err := decider.New(wfs, decider.Options{CacheSize: other})
	if err != nil {
		t.Fatalf("decider: %v", err)
	}
	for i, s := range steps {
		got := d.Decide(s.task)
		if !reflect.DeepEqual(withoutStacks(got), withoutStacks(s.decisions)) {
			t.Errorf("decision task %d (%s, started at event %d): the other decider mode decides\n%s\nbut the run decided\n%s",
				i, s.task.Execution.WorkflowID, s.task.StartedEventID, FormatDecisions(got), FormatDecisions(s.decisions))
			return
		}
	}
}

// recorder wraps an engine and records each decision task with the
// decisions it was answered with.
type recorder struct {
	engine.Engine
	mu     sync.Mutex
	tokens map[string]*engine.DecisionTask
	log    []step
}

type step struct {
	task      *engine.DecisionTask
	decisions []engine.Decision
}

func (r *recorder) PollDecisionTask(ctx context.Context, p engine.PollParams) (*engine.DecisionTask, error) {
	task, err := r.Engine.PollDecisionTask(ctx, p)
	if task != nil {
		r.mu.Lock()
		r.tokens[task.Token] = task
		r.mu.Unlock()
	}
	return task, err
}

func (r *recorder) RespondDecisionTaskCompleted(ctx context.Context, p engine.RespondDecisionParams) error {
	err := r.Engine.RespondDecisionTaskCompleted(ctx, p)
	r.mu.Lock()
	defer r.mu.Unlock()
	if task := r.tokens[p.Token]; task != nil && err == nil {
		r.log = append(r.log, step{task, p.Decisions})
	}
	delete(r.tokens, p.Token)
	return err
}

// WaitClosed forwards to the engine's CloseWaiter, if it has one.
func (r *recorder) WaitClosed(ctx context.Context, exec engine.Execution) (engine.Event, error) {
	if cw, ok := r.Engine.(engine.CloseWaiter); ok {
		return cw.WaitClosed(ctx, exec)
	}
	return client.WaitClosedByPolling(ctx, r.Engine, exec)
}

func (r *recorder) steps() []step {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]step(nil), r.log...)
}

// withoutStacks drops the details of failures caused by panics, which hold a
// stack trace (goroutine ids and addresses differ between two runs).
func withoutStacks(ds []engine.Decision) []engine.Decision {
	out := make([]engine.Decision, len(ds))
	for i, d := range ds {
		if f, ok := d.(*engine.FailWorkflowExecution); ok && strings.HasPrefix(f.Reason, "panic") {
			d = &engine.FailWorkflowExecution{Reason: f.Reason}
		}
		out[i] = d
	}
	return out
}
