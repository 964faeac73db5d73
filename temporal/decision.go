package temporal

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flowy-go/flowy/engine"
	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	querypb "go.temporal.io/api/query/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/api/serviceerror"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// maxDecisionTimeout is Temporal's longest workflow task timeout, which
// stands for engine.NoTimeout.
const maxDecisionTimeout = 120 * time.Second

// decisionPoll is a workflow task as it came from the server.
type decisionPoll struct {
	resp     *workflowservice.PollWorkflowTaskQueueResponse
	identity string
}

// decisionState is what the engine keeps of a decision task it handed out,
// until it is answered.
type decisionState struct {
	token    []byte
	run      *runState
	taskList string
	identity string
	queries  []string // ids of queries that came with the task
}

// decisionFeed returns the feed of a task list's decision tasks, polling
// the normal queue and, with sticky queues on, this engine's sticky queue.
func (e *Engine) decisionFeed(taskList string) *feed[*decisionPoll] {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f := e.decFeeds[taskList]; f != nil {
		return f
	}
	queues := []*taskqueuepb.TaskQueue{e.queue(taskList)}
	if e.runs != nil {
		queues = append(queues, &taskqueuepb.TaskQueue{
			Name:       e.stickyQueue(taskList),
			Kind:       enumspb.TASK_QUEUE_KIND_STICKY,
			NormalName: e.opts.TaskQueuePrefix + taskList,
		})
	}
	f := newFeed(e, e.pollWorkflowTask, queues...)
	e.decFeeds[taskList] = f
	return f
}

// pollingDeciders returns the decision feed of a task list if callers wait
// on it now, else nil.
func (e *Engine) pollingDeciders(taskList string) *feed[*decisionPoll] {
	e.mu.Lock()
	f := e.decFeeds[taskList]
	e.mu.Unlock()
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.waiters) == 0 {
		return nil
	}
	return f
}

func (e *Engine) pollWorkflowTask(ctx context.Context, q *taskqueuepb.TaskQueue, identity string) (*decisionPoll, bool, error) {
	identity = e.identity(identity)
	resp, err := e.svc.PollWorkflowTaskQueue(ctx, &workflowservice.PollWorkflowTaskQueueRequest{
		Namespace: e.ns,
		TaskQueue: q,
		Identity:  identity,
	})
	if err != nil {
		return nil, false, mapError(err)
	}
	if len(resp.TaskToken) == 0 {
		return nil, false, nil
	}
	return &decisionPoll{resp: resp, identity: identity}, true, nil
}

// PollDecisionTask waits for a decision task on the task list (a Temporal
// workflow task on its task queue or on this engine's sticky queue) and
// returns it with the run's whole history. It returns (nil, nil) when ctx
// ends first, and an error wrapping [engine.ErrClosed] once the engine is
// closed.
func (e *Engine) PollDecisionTask(ctx context.Context, p engine.PollParams) (*engine.DecisionTask, error) {
	if p.TaskList == "" {
		return nil, invalid("temporal: poll for decision task: empty task list")
	}
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	f := e.decisionFeed(p.TaskList)
	for {
		dp, ok, err := f.get(ctx, p.Identity)
		if err != nil {
			return nil, fmt.Errorf("temporal: poll for decision task on %q: %w", p.TaskList, err)
		}
		if !ok {
			return nil, nil
		}
		if q := dp.resp.Query; q != nil {
			e.refuseQuery(dp)
			continue
		}
		task, err := e.decisionTask(dp, p.TaskList)
		if err != nil {
			return nil, fmt.Errorf("temporal: decision task of %s: %w", dp.resp.WorkflowExecution.GetWorkflowId(), err)
		}
		return task, nil
	}
}

// refuseQuery answers a legacy query task: flowy workflows answer no queries.
func (e *Engine) refuseQuery(dp *decisionPoll) {
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	_, err := e.svc.RespondQueryTaskCompleted(ctx, &workflowservice.RespondQueryTaskCompletedRequest{
		Namespace:     e.ns,
		TaskToken:     dp.resp.TaskToken,
		CompletedType: enumspb.QUERY_RESULT_TYPE_FAILED,
		ErrorMessage:  "flowy workflows answer no queries",
	})
	if err != nil {
		e.log.Debug("temporal: refusing a query", "err", err)
	}
}

// decisionTask turns a workflow task into a decision task with the whole
// history: the events of the task, after those the engine kept of the run
// (for a task from the sticky queue) or read from the server.
func (e *Engine) decisionTask(dp *decisionPoll, taskList string) (*engine.DecisionTask, error) {
	ctx := e.ctx
	r := dp.resp
	exec := fromExec(r.WorkflowExecution)
	hist := r.History.GetEvents()
	if len(r.NextPageToken) > 0 {
		more, err := e.history(ctx, exec, r.NextPageToken)
		if err != nil {
			return nil, err
		}
		hist = append(hist, more...)
	}
	if len(hist) == 0 {
		return nil, errors.New("the workflow task has no history")
	}
	var rs *runState
	if first := hist[0].EventId; first == 1 {
		e.stats.full.Add(1)
	} else {
		rs = e.runs.take(exec.RunID)
		if rs != nil && int64(len(rs.events)) != first-1 {
			e.log.Debug("temporal: sticky history does not follow the cached one", "workflowID", exec.WorkflowID,
				"cached", len(rs.events), "first", first)
			rs = nil
		}
		if rs != nil {
			e.stats.cached.Add(1)
		} else {
			e.stats.fetched.Add(1)
			// The engine does not have the events before the task's: read
			// them all (the task's own may not all be recorded yet).
			all, err := e.history(ctx, exec, nil)
			if err != nil {
				return nil, err
			}
			n := 0
			for n < len(all) && all[n].EventId < first {
				n++
			}
			hist = append(all[:n:n], hist...)
		}
	}
	if rs == nil {
		rs = &runState{exec: exec, conv: newConverter(e.opts.TaskQueuePrefix)}
	}
	rs.mu.Lock()
	for _, ev := range hist {
		if want := int64(len(rs.events)) + 1; ev.EventId != want {
			rs.mu.Unlock()
			return nil, fmt.Errorf("history event %d where event %d was expected", ev.EventId, want)
		}
		rs.events = append(rs.events, rs.conv.convert(ev))
	}
	n := int64(len(rs.events))
	events := rs.events[:n:n]
	started := rs.conv.started
	rs.mu.Unlock()
	if n != r.StartedEventId || started == nil {
		return nil, fmt.Errorf("history of %d events for a task started at event %d", n, r.StartedEventId)
	}
	e.runs.put(rs)

	st := &decisionState{token: r.TaskToken, run: rs, taskList: taskList, identity: dp.identity}
	for id := range r.Queries {
		st.queries = append(st.queries, id)
	}
	token := decisionToken(r.TaskToken, exec)
	e.mu.Lock()
	// A run has one started decision task at a time: an earlier token of the
	// run that was never answered is stale.
	delete(e.tokens, e.runToken[exec.RunID])
	e.tokens[token] = st
	e.runToken[exec.RunID] = token
	e.mu.Unlock()
	return &engine.DecisionTask{
		Token:                  token,
		Execution:              exec,
		Type:                   started.Type,
		Events:                 events,
		StartedEventID:         r.StartedEventId,
		PreviousStartedEventID: r.PreviousStartedEventId,
	}, nil
}

// history reads a run's history from the page token on (all of it for a nil
// token).
func (e *Engine) history(ctx context.Context, exec engine.Execution, token []byte) ([]*historypb.HistoryEvent, error) {
	var out []*historypb.HistoryEvent
	for {
		var resp *workflowservice.GetWorkflowExecutionHistoryResponse
		err := e.retry(ctx, func() (err error) {
			resp, err = e.svc.GetWorkflowExecutionHistory(ctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
				Namespace:       e.ns,
				Execution:       wfExec(exec),
				MaximumPageSize: 1000,
				NextPageToken:   token,
			})
			return err
		})
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, resp.History.GetEvents()...)
		if token = resp.NextPageToken; len(token) == 0 {
			return out, nil
		}
	}
}

// decisionToken returns the engine's token of a decision task: Temporal's
// token, and the run, so that an answer can be given without the state kept.
func decisionToken(token []byte, exec engine.Execution) string {
	return base64.RawURLEncoding.EncodeToString(token) + "." + exec.RunID + "." +
		base64.RawURLEncoding.EncodeToString([]byte(exec.WorkflowID))
}

func parseDecisionToken(s string) ([]byte, engine.Execution, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, engine.Execution{}, false
	}
	tok, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	wid, err2 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || len(tok) == 0 {
		return nil, engine.Execution{}, false
	}
	return tok, engine.Execution{WorkflowID: string(wid), RunID: parts[1]}, true
}

// RespondDecisionTaskCompleted answers a decision task with commands, one
// per decision. Decisions the engine refuses as SWF would (a type it has no
// record of, an activity or timer id in use) become markers that read back
// as the failed-decision events of package engine, and a new decision task
// is requested. A close decision the server refuses because events arrived
// meanwhile (UNHANDLED_COMMAND) is not an error: the history records the
// failed decision task (a [DecisionTaskFailed] event) and a new decision
// task follows, as SWF records a failed close decision. Malformed decisions
// return an error wrapping [engine.ErrInvalidArgument] (or
// [engine.ErrLimitExceeded]) and send nothing; a token whose task is no
// longer started returns one wrapping [engine.ErrUnknownResource].
func (e *Engine) RespondDecisionTaskCompleted(ctx context.Context, p engine.RespondDecisionParams) error {
	const op = "RespondDecisionTaskCompleted"
	if err := validateDecisions(p); err != nil {
		return fmt.Errorf("temporal: %s: %w", op, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	e.mu.Lock()
	st := e.tokens[p.Token]
	if st != nil {
		delete(e.tokens, p.Token)
		if e.runToken[st.run.exec.RunID] == p.Token {
			delete(e.runToken, st.run.exec.RunID)
		}
	}
	e.mu.Unlock()
	if st == nil {
		var err error
		if st, err = e.stateOf(ctx, p.Token); err != nil {
			return fmt.Errorf("temporal: %s: %w", op, err)
		}
	}
	st.run.mu.Lock()
	commands, failed := e.commands(st, p.Decisions)
	st.run.mu.Unlock()
	closing := len(p.Decisions) > 0 && engine.IsClose(p.Decisions[len(p.Decisions)-1])
	req := &workflowservice.RespondWorkflowTaskCompletedRequest{
		Namespace:                  e.ns,
		TaskToken:                  st.token,
		Commands:                   commands,
		Identity:                   st.identity,
		ForceCreateNewWorkflowTask: failed && !closing,
	}
	e.mu.Lock()
	polled := e.decFeeds[st.taskList] != nil
	e.mu.Unlock()
	if e.runs != nil && polled {
		// This engine polls the task list's sticky queue: the run's next
		// decision tasks come to it, with the new events only.
		req.StickyAttributes = &taskqueuepb.StickyExecutionAttributes{
			WorkerTaskQueue: &taskqueuepb.TaskQueue{
				Name:       e.stickyQueue(st.taskList),
				Kind:       enumspb.TASK_QUEUE_KIND_STICKY,
				NormalName: e.opts.TaskQueuePrefix + st.taskList,
			},
			ScheduleToStartTimeout: durationpb.New(e.opts.StickyTimeout),
		}
	}
	if len(st.queries) > 0 {
		req.QueryResults = map[string]*querypb.WorkflowQueryResult{}
		for _, id := range st.queries {
			req.QueryResults[id] = &querypb.WorkflowQueryResult{ResultType: enumspb.QUERY_RESULT_TYPE_FAILED,
				ErrorMessage: "flowy workflows answer no queries"}
		}
	}
	// The next decision task is not asked for in the answer
	// (ReturnNewWorkflowTask): it would save one trip through the sticky
	// queue, but the decision tasks would then carry fewer events each, and
	// the server does more work per event: benchmark (a) ran about 25%
	// slower with it (docs/temporal.md).
	_, err := e.svc.RespondWorkflowTaskCompleted(ctx, req)
	if err != nil {
		e.runs.drop(st.run.exec.RunID)
		var ia *serviceerror.InvalidArgument
		if closing && errors.As(mapServiceError(err), &ia) && strings.Contains(ia.Message, "UnhandledCommand") {
			// The close was refused: the history records it, and the
			// decider decides again with the new events.
			return nil
		}
		return fmt.Errorf("temporal: %s: %w", op, mapTokenError(err))
	}
	return nil
}

// mapServiceError returns the typed Temporal error of a gRPC error.
func mapServiceError(err error) error {
	if se := serviceerror.FromStatus(statusOf(err)); se != nil {
		return se
	}
	return err
}

// stateOf rebuilds the state of a decision task this engine did not hand
// out (or already answered) from its token and the run's history.
func (e *Engine) stateOf(ctx context.Context, token string) (*decisionState, error) {
	tok, exec, ok := parseDecisionToken(token)
	if !ok {
		return nil, fmt.Errorf("decision task token %q: not a token of this engine: %w", token, engine.ErrUnknownResource)
	}
	hist, err := e.history(ctx, exec, nil)
	if err != nil {
		return nil, err
	}
	rs := &runState{exec: exec, conv: newConverter(e.opts.TaskQueuePrefix)}
	for _, ev := range hist {
		rs.events = append(rs.events, rs.conv.convert(ev))
	}
	if rs.conv.started == nil {
		return nil, fmt.Errorf("run %s has no start event: %w", exec.RunID, engine.ErrUnknownResource)
	}
	return &decisionState{token: tok, run: rs, taskList: rs.conv.started.TaskList, identity: e.opts.Identity}, nil
}

// commands returns the Temporal commands for decisions, and whether some
// decision failed (was recorded as a marker).
func (e *Engine) commands(st *decisionState, decisions []engine.Decision) ([]*commandpb.Command, bool) {
	run := st.run.conv.started
	conv := st.run.conv
	var out []*commandpb.Command
	failed := false
	marker := func(name string, f failedDecision) {
		failed = true
		out = append(out, &commandpb.Command{
			CommandType: enumspb.COMMAND_TYPE_RECORD_MARKER,
			Attributes: &commandpb.Command_RecordMarkerCommandAttributes{RecordMarkerCommandAttributes: &commandpb.RecordMarkerCommandAttributes{
				MarkerName: name,
				Details:    markerDetailsOf(f),
			}},
		})
	}
	newActs, newTimers := map[string]bool{}, map[string]bool{}
	for _, d := range decisions {
		switch d := d.(type) {
		case *engine.ScheduleActivityTask:
			info, ok := e.activityType(d.Type)
			switch {
			case !ok:
				marker(markerScheduleActivityFailed, failedDecision{ID: d.ActivityID, Type: d.Type.Name, Version: d.Type.Version, Cause: engine.CauseTypeDoesNotExist})
				continue
			case conv.openActs[d.ActivityID] || newActs[d.ActivityID]:
				marker(markerScheduleActivityFailed, failedDecision{ID: d.ActivityID, Type: d.Type.Name, Version: d.Type.Version, Cause: engine.CauseIDAlreadyInUse})
				continue
			}
			newActs[d.ActivityID] = true
			out = append(out, e.scheduleActivity(d, info, cmp.Or(d.TaskList, info.DefaultTaskList, run.TaskList)))
		case *engine.StartTimer:
			if conv.timers[d.TimerID] || newTimers[d.TimerID] {
				marker(markerStartTimerFailed, failedDecision{ID: d.TimerID, Cause: engine.CauseTimerIDAlreadyInUse})
				continue
			}
			newTimers[d.TimerID] = true
			c := &commandpb.Command{
				CommandType: enumspb.COMMAND_TYPE_START_TIMER,
				Attributes: &commandpb.Command_StartTimerCommandAttributes{StartTimerCommandAttributes: &commandpb.StartTimerCommandAttributes{
					TimerId:            d.TimerID,
					StartToFireTimeout: durationpb.New(max(d.StartToFire, time.Millisecond)),
				}},
			}
			if d.Control != "" {
				c.UserMetadata = &sdkpb.UserMetadata{Details: payload(d.Control)}
			}
			out = append(out, c)
		case *engine.StartChildWorkflowExecution:
			info, ok := e.workflowType(d.Type)
			if !ok {
				marker(markerStartChildFailed, failedDecision{ID: d.WorkflowID, Type: d.Type.Name, Version: d.Type.Version, Cause: engine.CauseTypeDoesNotExist})
				continue
			}
			var header *commonpb.Header
			if d.Control != "" {
				header = &commonpb.Header{Fields: map[string]*commonpb.Payload{keyControl: payload(d.Control)}}
			}
			out = append(out, &commandpb.Command{
				CommandType: enumspb.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
				Attributes: &commandpb.Command_StartChildWorkflowExecutionCommandAttributes{StartChildWorkflowExecutionCommandAttributes: &commandpb.StartChildWorkflowExecutionCommandAttributes{
					WorkflowId:            d.WorkflowID,
					WorkflowType:          &commonpb.WorkflowType{Name: d.Type.Name},
					TaskQueue:             e.queue(cmp.Or(d.TaskList, info.DefaultTaskList, run.TaskList)),
					Input:                 payloads(d.Input),
					WorkflowRunTimeout:    dur(resolve(d.ExecutionTimeout, info.DefaultExecutionTimeout)),
					WorkflowTaskTimeout:   decisionTimeout(cmp.Or(d.DecisionTimeout, info.DefaultDecisionTimeout)),
					ParentClosePolicy:     parentClosePolicy(run.ChildPolicy),
					WorkflowIdReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
					RetryPolicy:           oneAttempt(),
					Header:                header,
					Memo: runMemo{
						Version:     d.Type.Version,
						ChildPolicy: cmp.Or(d.ChildPolicy, info.DefaultChildPolicy, engine.ChildPolicyAbandon),
						Tags:        d.Tags,
					}.memo(),
				}},
			})
		case *engine.CompleteWorkflowExecution:
			out = append(out, &commandpb.Command{
				CommandType: enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
				Attributes: &commandpb.Command_CompleteWorkflowExecutionCommandAttributes{CompleteWorkflowExecutionCommandAttributes: &commandpb.CompleteWorkflowExecutionCommandAttributes{
					Result: payloads(d.Result),
				}},
			})
		case *engine.FailWorkflowExecution:
			out = append(out, &commandpb.Command{
				CommandType: enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
				Attributes: &commandpb.Command_FailWorkflowExecutionCommandAttributes{FailWorkflowExecutionCommandAttributes: &commandpb.FailWorkflowExecutionCommandAttributes{
					Failure: encodeFailure(d.Reason, d.Details),
				}},
			})
		case *engine.ContinueAsNewWorkflowExecution:
			t := run.Type
			if d.Version != "" {
				t.Version = d.Version
			}
			if _, ok := e.workflowType(t); !ok {
				marker(markerContinueAsNewFailed, failedDecision{Type: t.Name, Version: t.Version, Cause: engine.CauseTypeDoesNotExist})
				continue
			}
			tags := run.Tags
			if d.Tags != nil {
				tags = d.Tags
			}
			out = append(out, &commandpb.Command{
				CommandType: enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
				Attributes: &commandpb.Command_ContinueAsNewWorkflowExecutionCommandAttributes{ContinueAsNewWorkflowExecutionCommandAttributes: &commandpb.ContinueAsNewWorkflowExecutionCommandAttributes{
					WorkflowType:        &commonpb.WorkflowType{Name: t.Name},
					TaskQueue:           e.queue(cmp.Or(d.TaskList, run.TaskList)),
					Input:               payloads(d.Input),
					WorkflowRunTimeout:  dur(resolve(d.ExecutionTimeout, run.ExecutionTimeout)),
					WorkflowTaskTimeout: decisionTimeout(cmp.Or(d.DecisionTimeout, run.DecisionTimeout)),
					Memo: runMemo{
						Version:     t.Version,
						ChildPolicy: cmp.Or(d.ChildPolicy, run.ChildPolicy),
						Tags:        tags,
					}.memo(),
				}},
			})
		}
	}
	return out, failed
}

// scheduleActivity returns the command scheduling an activity, with the
// type's defaults for the timeouts the decision leaves unset.
func (e *Engine) scheduleActivity(d *engine.ScheduleActivityTask, info engine.ActivityTypeInfo, taskList string) *commandpb.Command {
	s2s := resolve(d.Timeouts.ScheduleToStart, info.ScheduleToStart)
	s2c := resolve(d.Timeouts.ScheduleToClose, info.ScheduleToClose)
	st2c := resolve(d.Timeouts.StartToClose, info.StartToClose)
	hb := resolve(d.Timeouts.Heartbeat, info.Heartbeat)
	a := &commandpb.ScheduleActivityTaskCommandAttributes{
		ActivityId:             d.ActivityID,
		ActivityType:           &commonpb.ActivityType{Name: d.Type.Name},
		TaskQueue:              e.queue(taskList),
		Header:                 activityHeader(d.Type.Version, d.Control),
		Input:                  payloads(d.Input),
		ScheduleToStartTimeout: dur(s2s),
		ScheduleToCloseTimeout: dur(s2c),
		StartToCloseTimeout:    dur(st2c),
		HeartbeatTimeout:       dur(hb),
		RetryPolicy:            oneAttempt(),
	}
	if s2c <= 0 && st2c <= 0 {
		// Temporal needs one of them: no limit is its longest duration.
		a.StartToCloseTimeout = durationpb.New(unlimited)
	}
	return &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
		Attributes:  &commandpb.Command_ScheduleActivityTaskCommandAttributes{ScheduleActivityTaskCommandAttributes: a},
	}
}

// decisionTimeout returns Temporal's workflow task timeout for a decision
// timeout: nil (the server's default, 10 s) for zero, the longest Temporal
// allows for NoTimeout.
func decisionTimeout(d time.Duration) *durationpb.Duration {
	if d == engine.NoTimeout {
		return durationpb.New(maxDecisionTimeout)
	}
	return dur(d)
}
