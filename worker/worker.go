// Package worker runs flowy's deciders and activities against an engine: it
// registers the types, long-polls decision and activity tasks, decides them
// with the decider core and runs activities with their heartbeat and
// cancellation, until its context ends.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/failure"
	"github.com/flowy-go/flowy/internal/rt"
)

// DefaultTaskList is the task list of workflows and activities that name none.
const DefaultTaskList = "default"

// Options configure a Worker. The zero value is usable.
type Options struct {
	// TaskList is polled for decision tasks and for activity tasks of
	// activities without a TaskList of their own ("" = DefaultTaskList).
	TaskList string
	// Identity is recorded in started events ("" = host:pid).
	Identity string
	// Deciders is how many decision tasks are decided at once (0 = 2).
	Deciders int
	// ActivityWorkers is how many activity tasks run at once, per task list
	// (0 = 16).
	ActivityWorkers int
	// Decider configures the decider core (its cache).
	Decider decider.Options
	// Logger receives the worker's logs; nil discards them.
	Logger *slog.Logger
}

// Worker decides the workflows and runs the activities it was given.
type Worker struct {
	eng        engine.Engine
	workflows  []*flowy.Workflow
	activities map[engine.ActivityType]*flowy.Activity
	dec        *decider.Decider
	opts       Options
	log        *slog.Logger
}

// New returns a worker for the workflows and activities, which it checks.
// Either list may be empty (a decider-only or activity-only worker).
func New(eng engine.Engine, workflows []*flowy.Workflow, activities []*flowy.Activity, opts Options) (*Worker, error) {
	if opts.TaskList == "" {
		opts.TaskList = DefaultTaskList
	}
	if opts.Identity == "" {
		host, _ := os.Hostname()
		opts.Identity = host + ":" + strconv.Itoa(os.Getpid())
	}
	if opts.Deciders <= 0 {
		opts.Deciders = 2
	}
	if opts.ActivityWorkers <= 0 {
		opts.ActivityWorkers = 16
	}
	w := &Worker{eng: eng, workflows: workflows, activities: map[engine.ActivityType]*flowy.Activity{}, opts: opts, log: opts.Logger}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if opts.Decider.Logger == nil {
		opts.Decider.Logger = w.log
	}
	for _, a := range activities {
		if err := a.Prepare(); err != nil {
			return nil, err
		}
		t := engine.ActivityType{Name: a.Name, Version: a.Version}
		if _, dup := w.activities[t]; dup {
			return nil, fmt.Errorf("worker: activity type %s/%s given twice", a.Name, a.Version)
		}
		w.activities[t] = a
	}
	dec, err := decider.New(workflows, opts.Decider)
	if err != nil {
		return nil, err
	}
	w.dec = dec
	return w, nil
}

// Decider returns the worker's decider.
func (w *Worker) Decider() *decider.Decider { return w.dec }

// Register registers the worker's workflow and activity types with the
// engine, with their defaults. Types that already exist are left as they are.
func (w *Worker) Register(ctx context.Context) error {
	for _, wf := range w.workflows {
		tl := wf.TaskList
		if tl == "" {
			tl = w.opts.TaskList
		}
		err := w.eng.RegisterWorkflowType(ctx, engine.WorkflowTypeInfo{
			WorkflowType:            engine.WorkflowType{Name: wf.Name, Version: wf.Version},
			DefaultTaskList:         tl,
			DefaultExecutionTimeout: wf.ExecutionTimeout,
			DefaultDecisionTimeout:  wf.DecisionTimeout,
			DefaultChildPolicy:      wf.ChildPolicy,
		})
		if err != nil && !errors.Is(err, engine.ErrTypeAlreadyExists) {
			return fmt.Errorf("worker: registering workflow %s/%s: %w", wf.Name, wf.Version, err)
		}
	}
	for _, a := range w.activities {
		tl := a.TaskList
		if tl == "" {
			tl = w.opts.TaskList
		}
		err := w.eng.RegisterActivityType(ctx, engine.ActivityTypeInfo{
			ActivityType:    engine.ActivityType{Name: a.Name, Version: a.Version},
			DefaultTaskList: tl,
			ActivityTimeouts: engine.ActivityTimeouts{
				ScheduleToStart: a.ScheduleToStart,
				StartToClose:    a.StartToClose,
				ScheduleToClose: a.ScheduleToClose,
				Heartbeat:       a.Heartbeat,
			},
		})
		if err != nil && !errors.Is(err, engine.ErrTypeAlreadyExists) {
			return fmt.Errorf("worker: registering activity %s/%s: %w", a.Name, a.Version, err)
		}
	}
	return nil
}

// Run registers the types and polls until ctx ends. It returns nil when ctx
// ends, or the registration's error.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.Register(ctx); err != nil {
		return err
	}
	w.poll(ctx)
	return nil
}

// poll runs the pollers until ctx ends.
func (w *Worker) poll(ctx context.Context) {
	var wg sync.WaitGroup
	workflowLists := map[string]bool{}
	for _, wf := range w.workflows {
		tl := wf.TaskList
		if tl == "" {
			tl = w.opts.TaskList
		}
		workflowLists[tl] = true
	}
	for tl := range workflowLists {
		for range w.opts.Deciders {
			wg.Go(func() { w.pollDecisions(ctx, tl) })
		}
	}
	activityLists := map[string]bool{}
	for _, a := range w.activities {
		tl := a.TaskList
		if tl == "" {
			tl = w.opts.TaskList
		}
		activityLists[tl] = true
	}
	for tl := range activityLists {
		for range w.opts.ActivityWorkers {
			wg.Go(func() { w.pollActivities(ctx, tl) })
		}
	}
	wg.Wait()
}

// Start runs the worker in the background until ctx ends or stop is called;
// stop returns when every poller has stopped. Stopping cancels the contexts
// of running activities; an activity that then returns an error is not
// reported as failed (its task times out and is retried as configured).
// Registration errors are returned at once.
func (w *Worker) Start(ctx context.Context) (stop func(), err error) {
	if err := w.Register(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.poll(ctx) // registered above
	}()
	return func() { cancel(); <-done }, nil
}

// backoff sleeps after a failed engine call, so a broken engine is not
// hammered; it returns false when ctx ended.
func backoff(ctx context.Context, attempt int) bool {
	d := time.Duration(min(attempt, 6)) * 50 * time.Millisecond
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (w *Worker) pollDecisions(ctx context.Context, taskList string) {
	fails := 0
	for ctx.Err() == nil {
		task, err := w.eng.PollDecisionTask(ctx, engine.PollParams{TaskList: taskList, Identity: w.opts.Identity})
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, engine.ErrClosed) {
				return
			}
			fails++
			w.log.Warn("worker: polling decision tasks", "taskList", taskList, "err", err)
			if !backoff(ctx, fails) {
				return
			}
			continue
		}
		fails = 0
		if task == nil {
			continue
		}
		w.decide(context.WithoutCancel(ctx), task)
	}
}

// decide answers a decision task. Decisions the engine refuses as malformed
// or over a limit would be refused again at every retry of the task, and the
// workflow would hang: it is failed instead, with the engine's reason.
func (w *Worker) decide(ctx context.Context, task *engine.DecisionTask) {
	decisions := w.dec.Decide(task)
	err := w.eng.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: task.Token, Decisions: decisions})
	if err == nil {
		return
	}
	w.dec.Forget(task.Execution.RunID)
	w.log.Warn("worker: answering decision task", "workflowID", task.Execution.WorkflowID, "runID", task.Execution.RunID, "err", err)
	if !errors.Is(err, engine.ErrLimitExceeded) && !errors.Is(err, engine.ErrInvalidArgument) {
		return // lost or stale: the task times out and is decided again
	}
	reason, details := failure.Encode("engine-refused", "flowy: the engine refused the decisions: "+err.Error())
	err = w.eng.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: task.Token,
		Decisions: []engine.Decision{&engine.FailWorkflowExecution{Reason: reason, Details: details}}})
	if err != nil {
		w.log.Warn("worker: failing a workflow whose decisions were refused", "workflowID", task.Execution.WorkflowID, "err", err)
	}
}

func (w *Worker) pollActivities(ctx context.Context, taskList string) {
	fails := 0
	for ctx.Err() == nil {
		task, err := w.eng.PollActivityTask(ctx, engine.PollParams{TaskList: taskList, Identity: w.opts.Identity})
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, engine.ErrClosed) {
				return
			}
			fails++
			w.log.Warn("worker: polling activity tasks", "taskList", taskList, "err", err)
			if !backoff(ctx, fails) {
				return
			}
			continue
		}
		fails = 0
		if task != nil {
			w.runActivity(ctx, task)
		}
	}
}

// runActivity runs one activity task and reports its outcome.
func (w *Worker) runActivity(ctx context.Context, task *engine.ActivityTask) {
	respondCtx := context.WithoutCancel(ctx)
	a, ok := w.activities[task.Type]
	if !ok {
		w.respondFailed(respondCtx, task, "unknown-activity", fmt.Sprintf(
			"flowy: activity type %s/%s is not registered with this worker", task.Type.Name, task.Type.Version))
		return
	}
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if d := task.Timeouts.StartToClose; d > 0 {
		var c2 context.CancelFunc
		actx, c2 = context.WithTimeout(actx, d)
		defer c2()
	}
	env := &rt.ActivityEnv{
		WorkflowID: task.Execution.WorkflowID, RunID: task.Execution.RunID,
		ActivityID: task.ActivityID, Name: task.Type.Name, Version: task.Type.Version,
		Heartbeat: func(details string) error {
			if n := utf8.RuneCountInString(details); n > engine.MaxHeartbeatDetailsChars {
				return fmt.Errorf("flowy: heartbeat details too large: %d characters (limit %d)", n, engine.MaxHeartbeatDetailsChars)
			}
			cancelRequested, err := w.eng.RecordActivityTaskHeartbeat(respondCtx, task.Token, details)
			if err != nil {
				cancel(err)
				return fmt.Errorf("flowy: heartbeat: %w", err)
			}
			if cancelRequested {
				err := errors.New("flowy: the engine asked the activity to stop")
				cancel(err)
				return err
			}
			return nil
		},
	}
	result, err := a.Invoke(context.WithValue(actx, rt.ActivityEnvKey{}, env), task.Input)
	if err != nil && ctx.Err() != nil {
		// The worker is stopping and canceled the activity: the failure is
		// ours, not the activity's. Report nothing; the task times out and
		// is retried as its configuration says.
		w.log.Info("worker: activity stopped by the worker's shutdown", "activityID", task.ActivityID)
		return
	}
	if err != nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		// The start-to-close timeout passed: the engine records the
		// timeout (and the retry it leads to); a failure would race it.
		w.log.Debug("worker: activity ran past its start-to-close timeout", "activityID", task.ActivityID)
		return
	}
	if err != nil {
		w.respondFailed(respondCtx, task, flowy.ErrorKind(err), err.Error())
		return
	}
	if n := utf8.RuneCountInString(result); n > engine.MaxPayloadChars {
		w.respondFailed(respondCtx, task, "limit", fmt.Sprintf(
			"flowy: result of activity %s too large: %d characters (limit %d)", task.ActivityID, n, engine.MaxPayloadChars))
		return
	}
	if err := w.eng.RespondActivityTaskCompleted(respondCtx, task.Token, result); err != nil {
		w.log.Warn("worker: reporting activity result", "activityID", task.ActivityID, "err", err)
	}
}

func (w *Worker) respondFailed(ctx context.Context, task *engine.ActivityTask, kind, message string) {
	reason, details := failure.Encode(kind, message)
	if err := w.eng.RespondActivityTaskFailed(ctx, task.Token, reason, details); err != nil {
		w.log.Warn("worker: reporting activity failure", "activityID", task.ActivityID, "err", err)
	}
}
