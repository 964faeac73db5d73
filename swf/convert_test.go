package swf_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swf"
)

// allEvents is a history with an event of every type, as SWF writes it.
const allEvents = `{"events":[
{"eventId":1,"eventTimestamp":1.468840287197E9,"eventType":"WorkflowExecutionStarted","workflowExecutionStartedEventAttributes":{"childPolicy":"TERMINATE","executionStartToCloseTimeout":"60","input":"[[], {}]","parentInitiatedEventId":7,"parentWorkflowExecution":{"workflowId":"p","runId":"pr"},"taskList":{"name":"tl"},"taskStartToCloseTimeout":"NONE","workflowType":{"name":"W","version":"2"},"tagList":["a","b"],"continuedExecutionRunId":"r0"}},
{"eventId":2,"eventTimestamp":1468840287.5,"eventType":"DecisionTaskScheduled","decisionTaskScheduledEventAttributes":{"startToCloseTimeout":"10","taskList":{"name":"tl"}}},
{"eventId":3,"eventTimestamp":1468840288,"eventType":"DecisionTaskStarted","decisionTaskStartedEventAttributes":{"identity":"test","scheduledEventId":2}},
{"eventId":4,"eventTimestamp":1468840288,"eventType":"DecisionTaskTimedOut","decisionTaskTimedOutEventAttributes":{"scheduledEventId":2,"startedEventId":3,"timeoutType":"START_TO_CLOSE"}},
{"eventId":5,"eventTimestamp":1468840288,"eventType":"DecisionTaskCompleted","decisionTaskCompletedEventAttributes":{"scheduledEventId":2,"startedEventId":3,"executionContext":"ctx"}},
{"eventId":6,"eventTimestamp":1468840288,"eventType":"ActivityTaskScheduled","activityTaskScheduledEventAttributes":{"activityId":"task-0-0","activityType":{"name":"a","version":"1"},"control":"{\"deps\":[\"x-0\"]}","decisionTaskCompletedEventId":5,"heartbeatTimeout":"NONE","input":"[[10], {}]","scheduleToCloseTimeout":"60","scheduleToStartTimeout":"30","startToCloseTimeout":"15","taskList":{"name":"tl"}}},
{"eventId":7,"eventTimestamp":1468840288,"eventType":"ScheduleActivityTaskFailed","scheduleActivityTaskFailedEventAttributes":{"activityId":"x-0-0","activityType":{"name":"xxx","version":"1"},"cause":"ACTIVITY_TYPE_DOES_NOT_EXIST","decisionTaskCompletedEventId":5}},
{"eventId":8,"eventTimestamp":1468840288,"eventType":"ActivityTaskStarted","activityTaskStartedEventAttributes":{"identity":"test","scheduledEventId":6}},
{"eventId":9,"eventTimestamp":1468840288,"eventType":"ActivityTaskCompleted","activityTaskCompletedEventAttributes":{"result":"100","scheduledEventId":6,"startedEventId":8}},
{"eventId":10,"eventTimestamp":1468840288,"eventType":"ActivityTaskFailed","activityTaskFailedEventAttributes":{"reason":"Error!","details":"d","scheduledEventId":6,"startedEventId":8}},
{"eventId":11,"eventTimestamp":1468840288,"eventType":"ActivityTaskTimedOut","activityTaskTimedOutEventAttributes":{"details":"7","scheduledEventId":6,"startedEventId":0,"timeoutType":"HEARTBEAT"}},
{"eventId":12,"eventTimestamp":1468840288,"eventType":"TimerStarted","timerStartedEventAttributes":{"control":"c","decisionTaskCompletedEventId":5,"startToFireTimeout":"3","timerId":"d-0-0:t"}},
{"eventId":13,"eventTimestamp":1468840288,"eventType":"StartTimerFailed","startTimerFailedEventAttributes":{"cause":"TIMER_ID_ALREADY_IN_USE","decisionTaskCompletedEventId":5,"timerId":"d-0-0:t"}},
{"eventId":14,"eventTimestamp":1468840288,"eventType":"TimerFired","timerFiredEventAttributes":{"startedEventId":12,"timerId":"d-0-0:t"}},
{"eventId":15,"eventTimestamp":1468840288,"eventType":"StartChildWorkflowExecutionInitiated","startChildWorkflowExecutionInitiatedEventAttributes":{"childPolicy":"ABANDON","control":"c","decisionTaskCompletedEventId":5,"executionStartToCloseTimeout":"20","input":"[[1], {}]","taskList":{"name":"tl"},"taskStartToCloseTimeout":"10","workflowId":"h-:c-0-0","workflowType":{"name":"C","version":"2"},"tagList":["t"]}},
{"eventId":16,"eventTimestamp":1468840288,"eventType":"StartChildWorkflowExecutionFailed","startChildWorkflowExecutionFailedEventAttributes":{"cause":"WORKFLOW_TYPE_DOES_NOT_EXIST","decisionTaskCompletedEventId":5,"initiatedEventId":0,"workflowId":"h-:x-0-0","workflowType":{"name":"xxx","version":"1"}}},
{"eventId":17,"eventTimestamp":1468840288,"eventType":"ChildWorkflowExecutionStarted","childWorkflowExecutionStartedEventAttributes":{"initiatedEventId":15,"workflowExecution":{"runId":"cr","workflowId":"h-:c-0-0"},"workflowType":{"name":"C","version":"2"}}},
{"eventId":18,"eventTimestamp":1468840288,"eventType":"ChildWorkflowExecutionCompleted","childWorkflowExecutionCompletedEventAttributes":{"initiatedEventId":15,"result":"2","startedEventId":17,"workflowExecution":{"runId":"cr","workflowId":"h-:c-0-0"},"workflowType":{"name":"C","version":"2"}}},
{"eventId":19,"eventTimestamp":1468840288,"eventType":"ChildWorkflowExecutionFailed","childWorkflowExecutionFailedEventAttributes":{"initiatedEventId":15,"reason":"r","details":"d","startedEventId":17,"workflowExecution":{"runId":"cr","workflowId":"h-:c-0-0"},"workflowType":{"name":"C","version":"2"}}},
{"eventId":20,"eventTimestamp":1468840288,"eventType":"ChildWorkflowExecutionTimedOut","childWorkflowExecutionTimedOutEventAttributes":{"initiatedEventId":15,"startedEventId":17,"timeoutType":"START_TO_CLOSE","workflowExecution":{"runId":"cr","workflowId":"h-:c-0-0"},"workflowType":{"name":"C","version":"2"}}},
{"eventId":21,"eventTimestamp":1468840288,"eventType":"ChildWorkflowExecutionCanceled","childWorkflowExecutionCanceledEventAttributes":{"details":"d","initiatedEventId":15,"startedEventId":17,"workflowExecution":{"runId":"cr","workflowId":"h-:c-0-0"},"workflowType":{"name":"C","version":"2"}}},
{"eventId":22,"eventTimestamp":1468840288,"eventType":"ChildWorkflowExecutionTerminated","childWorkflowExecutionTerminatedEventAttributes":{"initiatedEventId":15,"startedEventId":17,"workflowExecution":{"runId":"cr","workflowId":"h-:c-0-0"},"workflowType":{"name":"C","version":"2"}}},
{"eventId":23,"eventTimestamp":1468840288,"eventType":"CompleteWorkflowExecutionFailed","completeWorkflowExecutionFailedEventAttributes":{"cause":"UNHANDLED_DECISION","decisionTaskCompletedEventId":5}},
{"eventId":24,"eventTimestamp":1468840288,"eventType":"FailWorkflowExecutionFailed","failWorkflowExecutionFailedEventAttributes":{"cause":"UNHANDLED_DECISION","decisionTaskCompletedEventId":5}},
{"eventId":25,"eventTimestamp":1468840288,"eventType":"ContinueAsNewWorkflowExecutionFailed","continueAsNewWorkflowExecutionFailedEventAttributes":{"cause":"WORKFLOW_TYPE_DEPRECATED","decisionTaskCompletedEventId":5}},
{"eventId":26,"eventTimestamp":1468840288,"eventType":"WorkflowExecutionSignaled","workflowExecutionSignaledEventAttributes":{"signalName":"s","input":"i"}},
{"eventId":27,"eventTimestamp":1468840288,"eventType":"WorkflowExecutionCancelRequested","workflowExecutionCancelRequestedEventAttributes":{"cause":"CHILD_POLICY_APPLIED"}},
{"eventId":28,"eventTimestamp":1468840288,"eventType":"MarkerRecorded","markerRecordedEventAttributes":{"markerName":"m","decisionTaskCompletedEventId":5}},
{"eventId":29,"eventTimestamp":1468840288,"eventType":"WorkflowExecutionCompleted","workflowExecutionCompletedEventAttributes":{"result":"null","decisionTaskCompletedEventId":5}},
{"eventId":30,"eventTimestamp":1468840288,"eventType":"WorkflowExecutionFailed","workflowExecutionFailedEventAttributes":{"reason":"r","details":"d","decisionTaskCompletedEventId":5}},
{"eventId":31,"eventTimestamp":1468840288,"eventType":"WorkflowExecutionTimedOut","workflowExecutionTimedOutEventAttributes":{"childPolicy":"TERMINATE","timeoutType":"START_TO_CLOSE"}},
{"eventId":32,"eventTimestamp":1468840288,"eventType":"WorkflowExecutionTerminated","workflowExecutionTerminatedEventAttributes":{"reason":"r","details":"d","childPolicy":"ABANDON","cause":"CHILD_POLICY_APPLIED"}},
{"eventId":33,"eventTimestamp":1468840288,"eventType":"WorkflowExecutionCanceled","workflowExecutionCanceledEventAttributes":{"details":"d","decisionTaskCompletedEventId":5}},
{"eventId":34,"eventTimestamp":1468840288,"eventType":"WorkflowExecutionContinuedAsNew","workflowExecutionContinuedAsNewEventAttributes":{"newExecutionRunId":"r2","input":"[[0], {}]","decisionTaskCompletedEventId":5,"taskList":{"name":"tl"},"childPolicy":"TERMINATE","workflowType":{"name":"W","version":"2"}}}
]}`

// allEngineEvents is allEvents converted.
func allEngineEvents() []engine.Event {
	c := engine.Execution{WorkflowID: "h-:c-0-0", RunID: "cr"}
	ct := engine.WorkflowType{Name: "C", Version: "2"}
	attrs := []engine.EventAttributes{
		&engine.WorkflowExecutionStarted{Type: engine.WorkflowType{Name: "W", Version: "2"}, Input: "[[], {}]", TaskList: "tl",
			ExecutionTimeout: time.Minute, DecisionTimeout: engine.NoTimeout, ChildPolicy: engine.ChildPolicyTerminate,
			Tags: []string{"a", "b"}, Parent: &engine.Execution{WorkflowID: "p", RunID: "pr"}, ParentInitiatedEventID: 7, ContinuedExecutionRunID: "r0"},
		&engine.DecisionTaskScheduled{TaskList: "tl", StartToClose: 10 * time.Second},
		&engine.DecisionTaskStarted{ScheduledEventID: 2, Identity: "test"},
		&engine.DecisionTaskTimedOut{ScheduledEventID: 2, StartedEventID: 3, TimeoutType: engine.TimeoutStartToClose},
		&engine.DecisionTaskCompleted{ScheduledEventID: 2, StartedEventID: 3, ExecutionContext: "ctx"},
		&engine.ActivityTaskScheduled{ActivityID: "task-0-0", Type: engine.ActivityType{Name: "a", Version: "1"}, Input: "[[10], {}]",
			Control: `{"deps":["x-0"]}`, TaskList: "tl", DecisionTaskCompletedEventID: 5, Timeouts: engine.ActivityTimeouts{
				ScheduleToStart: 30 * time.Second, StartToClose: 15 * time.Second, ScheduleToClose: time.Minute, Heartbeat: engine.NoTimeout}},
		&engine.ScheduleActivityTaskFailed{ActivityID: "x-0-0", Type: engine.ActivityType{Name: "xxx", Version: "1"},
			Cause: engine.CauseTypeDoesNotExist, DecisionTaskCompletedEventID: 5},
		&engine.ActivityTaskStarted{ScheduledEventID: 6, Identity: "test"},
		&engine.ActivityTaskCompleted{ScheduledEventID: 6, StartedEventID: 8, Result: "100"},
		&engine.ActivityTaskFailed{ScheduledEventID: 6, StartedEventID: 8, Reason: "Error!", Details: "d"},
		&engine.ActivityTaskTimedOut{ScheduledEventID: 6, TimeoutType: engine.TimeoutHeartbeat, Details: "7"},
		&engine.TimerStarted{TimerID: "d-0-0:t", StartToFire: 3 * time.Second, Control: "c", DecisionTaskCompletedEventID: 5},
		&engine.StartTimerFailed{TimerID: "d-0-0:t", Cause: engine.CauseTimerIDAlreadyInUse, DecisionTaskCompletedEventID: 5},
		&engine.TimerFired{TimerID: "d-0-0:t", StartedEventID: 12},
		&engine.StartChildWorkflowExecutionInitiated{WorkflowID: "h-:c-0-0", Type: ct, Input: "[[1], {}]", Control: "c", TaskList: "tl",
			ExecutionTimeout: 20 * time.Second, DecisionTimeout: 10 * time.Second, ChildPolicy: engine.ChildPolicyAbandon,
			Tags: []string{"t"}, DecisionTaskCompletedEventID: 5},
		&engine.StartChildWorkflowExecutionFailed{WorkflowID: "h-:x-0-0", Type: engine.WorkflowType{Name: "xxx", Version: "1"},
			Cause: engine.CauseTypeDoesNotExist, DecisionTaskCompletedEventID: 5},
		&engine.ChildWorkflowExecutionStarted{Execution: c, Type: ct, InitiatedEventID: 15},
		&engine.ChildWorkflowExecutionCompleted{Execution: c, Type: ct, Result: "2", InitiatedEventID: 15, StartedEventID: 17},
		&engine.ChildWorkflowExecutionFailed{Execution: c, Type: ct, Reason: "r", Details: "d", InitiatedEventID: 15, StartedEventID: 17},
		&engine.ChildWorkflowExecutionTimedOut{Execution: c, Type: ct, InitiatedEventID: 15, StartedEventID: 17},
		&engine.ChildWorkflowExecutionCanceled{Execution: c, Type: ct, Details: "d", InitiatedEventID: 15, StartedEventID: 17},
		&engine.ChildWorkflowExecutionTerminated{Execution: c, Type: ct, InitiatedEventID: 15, StartedEventID: 17},
		&engine.CompleteWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: 5},
		&engine.FailWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: 5},
		&engine.ContinueAsNewWorkflowExecutionFailed{Cause: engine.CauseTypeDeprecated, DecisionTaskCompletedEventID: 5},
		&engine.WorkflowExecutionSignaled{SignalName: "s", Input: "i"},
		&engine.WorkflowExecutionCancelRequested{Cause: "CHILD_POLICY_APPLIED"},
		&swf.OtherEvent{Type: "MarkerRecorded"},
		&engine.WorkflowExecutionCompleted{Result: "null", DecisionTaskCompletedEventID: 5},
		&engine.WorkflowExecutionFailed{Reason: "r", Details: "d", DecisionTaskCompletedEventID: 5},
		&engine.WorkflowExecutionTimedOut{ChildPolicy: engine.ChildPolicyTerminate},
		&engine.WorkflowExecutionTerminated{Reason: "r", Details: "d", ChildPolicy: engine.ChildPolicyAbandon, Cause: "CHILD_POLICY_APPLIED"},
		&engine.WorkflowExecutionCanceled{Details: "d", DecisionTaskCompletedEventID: 5},
		&engine.WorkflowExecutionContinuedAsNew{NewRunID: "r2", Input: "[[0], {}]", DecisionTaskCompletedEventID: 5},
	}
	events := make([]engine.Event, len(attrs))
	for i, a := range attrs {
		events[i] = engine.Event{ID: int64(i + 1), Time: time.Unix(1468840288, 0), Attr: a}
	}
	events[0].Time = time.Unix(1468840287, 197e6)
	events[1].Time = time.Unix(1468840287, 5e8)
	return events
}

func sameEvents(t *testing.T, got, want []engine.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || !g.Time.Equal(w.Time) || !reflect.DeepEqual(g.Attr, w.Attr) {
			t.Errorf("event %d:\n got %d %v %#v\nwant %d %v %#v", i+1, g.ID, g.Time, g.Attr, w.ID, w.Time, w.Attr)
		}
	}
}

// TestEventConversions reads a history with an event of every type.
func TestEventConversions(t *testing.T) {
	f, eng := newFake(t, func(string, string) (int, string) { return 200, allEvents })
	got, err := eng.GetWorkflowExecutionHistory(context.Background(), engine.Execution{WorkflowID: "w", RunID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, got, allEngineEvents())
	jsonEqual(t, "GetWorkflowExecutionHistory", f.requests()[0].body,
		`{"domain":"dom","execution":{"workflowId":"w","runId":"r"},"maximumPageSize":1000}`)

	t.Run("gap", func(t *testing.T) {
		_, eng := newFake(t, func(string, string) (int, string) {
			return 200, `{"events":[{"eventId":2,"eventTimestamp":1,"eventType":"TimerFired","timerFiredEventAttributes":{"timerId":"t","startedEventId":1}}]}`
		})
		if _, err := eng.GetWorkflowExecutionHistory(context.Background(), engine.Execution{WorkflowID: "w", RunID: "r"}); err == nil {
			t.Error("a history starting at event 2 should be an error")
		}
	})
	t.Run("no attributes", func(t *testing.T) {
		_, eng := newFake(t, func(string, string) (int, string) {
			return 200, `{"events":[{"eventId":1,"eventTimestamp":1,"eventType":"TimerFired"}]}`
		})
		if _, err := eng.GetWorkflowExecutionHistory(context.Background(), engine.Execution{WorkflowID: "w", RunID: "r"}); err == nil {
			t.Error("an event without its attributes should be an error")
		}
	})
}

// TestHistoryPages reads a history of several pages.
func TestHistoryPages(t *testing.T) {
	f, eng := newFake(t, func(_, body string) (int, string) {
		if strings.Contains(body, `"nextPageToken":"p2"`) {
			return 200, `{"events":[{"eventId":2,"eventTimestamp":1,"eventType":"TimerFired","timerFiredEventAttributes":{"timerId":"t","startedEventId":1}}]}`
		}
		return 200, `{"events":[{"eventId":1,"eventTimestamp":1,"eventType":"TimerStarted","timerStartedEventAttributes":{"timerId":"t","startToFireTimeout":"1","decisionTaskCompletedEventId":0}}],"nextPageToken":"p2"}`
	})
	events, err := eng.GetWorkflowExecutionHistory(context.Background(), engine.Execution{WorkflowID: "w", RunID: "r"})
	if err != nil || len(events) != 2 {
		t.Fatalf("%v, %v", events, err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// pollAnswer is a decision task whose history has pages; page p2 fails
// fails times before it answers.
func pagedPoll(fails int) func(target, body string) (int, string) {
	n := 0
	return func(target, body string) (int, string) {
		switch {
		case strings.Contains(body, `"nextPageToken":"p2"`):
			if n < fails {
				n++
				return 500, `{"__type":"com.amazon.coral.service#InternalFailure"}`
			}
			return 200, `{"taskToken":"tok","startedEventId":6,"previousStartedEventId":99,"workflowExecution":{"workflowId":"w","runId":"r"},"workflowType":{"name":"W","version":"2"},"events":[
{"eventId":4,"eventTimestamp":1,"eventType":"DecisionTaskCompleted","decisionTaskCompletedEventAttributes":{"scheduledEventId":2,"startedEventId":3}},
{"eventId":5,"eventTimestamp":1,"eventType":"DecisionTaskScheduled","decisionTaskScheduledEventAttributes":{"startToCloseTimeout":"10","taskList":{"name":"tl"}}},
{"eventId":6,"eventTimestamp":1,"eventType":"DecisionTaskStarted","decisionTaskStartedEventAttributes":{"identity":"id","scheduledEventId":5}}]}`
		case target == "PollForDecisionTask":
			return 200, `{"taskToken":"tok","startedEventId":6,"previousStartedEventId":99,"workflowExecution":{"workflowId":"w","runId":"r"},"workflowType":{"name":"W","version":"2"},"nextPageToken":"p2","events":[
{"eventId":1,"eventTimestamp":1,"eventType":"WorkflowExecutionStarted","workflowExecutionStartedEventAttributes":{"childPolicy":"TERMINATE","executionStartToCloseTimeout":"20","input":"[[], {}]","taskList":{"name":"tl"},"taskStartToCloseTimeout":"10","workflowType":{"name":"W","version":"2"},"tagList":["x"]}},
{"eventId":2,"eventTimestamp":1,"eventType":"DecisionTaskScheduled","decisionTaskScheduledEventAttributes":{"startToCloseTimeout":"10","taskList":{"name":"tl"}}},
{"eventId":3,"eventTimestamp":1,"eventType":"DecisionTaskStarted","decisionTaskStartedEventAttributes":{"identity":"id","scheduledEventId":2}}]}`
		}
		return 200, "{}"
	}
}

// TestPollDecisionTask reads a paged history with a page that fails twice,
// and answers with a continue-as-new that keeps the run's settings.
func TestPollDecisionTask(t *testing.T) {
	ctx := context.Background()
	f, eng := newFake(t, pagedPoll(2))
	task, err := eng.PollDecisionTask(ctx, engine.PollParams{TaskList: "tl", Identity: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if task.Token != "tok" || task.Execution != (engine.Execution{WorkflowID: "w", RunID: "r"}) ||
		task.Type != (engine.WorkflowType{Name: "W", Version: "2"}) || len(task.Events) != 6 || task.StartedEventID != 6 {
		t.Fatalf("task %+v", task)
	}
	if task.PreviousStartedEventID != 3 {
		t.Errorf("PreviousStartedEventID %d, want 3 (the started event of the last completed decision task)", task.PreviousStartedEventID)
	}
	reqs := f.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4 (a poll, a page failing twice, the page)", len(reqs))
	}
	jsonEqual(t, "poll", reqs[0].body, `{"domain":"dom","taskList":{"name":"tl"},"identity":"id","maximumPageSize":1000}`)
	jsonEqual(t, "page", reqs[3].body, `{"domain":"dom","taskList":{"name":"tl"},"identity":"id","maximumPageSize":1000,"nextPageToken":"p2"}`)

	err = eng.RespondDecisionTaskCompleted(ctx, engine.RespondDecisionParams{Token: "tok",
		Decisions: []engine.Decision{&engine.ContinueAsNewWorkflowExecution{Input: "[[1], {}]", DecisionTimeout: 5 * time.Second}}})
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, "continue-as-new keeping the run's settings", f.requests()[4].body, `{"taskToken":"tok","decisions":[
		{"decisionType":"ContinueAsNewWorkflowExecution","continueAsNewWorkflowExecutionDecisionAttributes":{
			"input":"[[1], {}]","taskList":{"name":"tl"},"executionStartToCloseTimeout":"20","taskStartToCloseTimeout":"5",
			"childPolicy":"TERMINATE","tagList":["x"]}}]}`)

	t.Run("page retries exhausted", func(t *testing.T) {
		f := &fakeSWF{handle: pagedPoll(100)}
		hs := httptest.NewServer(f)
		defer hs.Close()
		eng := swf.New(testClient(hs.URL), "dom", swf.Options{PageRetries: 1})
		if task, err := eng.PollDecisionTask(ctx, engine.PollParams{TaskList: "tl"}); err == nil {
			t.Errorf("got %+v, want an error", task)
		}
		if n := len(f.requests()); n != 3 {
			t.Errorf("%d requests, want 3 (a poll, a page, one retry)", n)
		}
	})
	t.Run("empty", func(t *testing.T) {
		_, eng := newFake(t, func(string, string) (int, string) { return 200, `{"previousStartedEventId":0,"startedEventId":0}` })
		if task, err := eng.PollDecisionTask(ctx, engine.PollParams{TaskList: "tl"}); task != nil || err != nil {
			t.Errorf("got %v, %v, want nil, nil", task, err)
		}
	})
	t.Run("error", func(t *testing.T) {
		_, eng := newFake(t, func(string, string) (int, string) { return 400, faultBody("UnknownResourceFault") })
		if _, err := eng.PollDecisionTask(ctx, engine.PollParams{TaskList: "tl"}); !errors.Is(err, engine.ErrUnknownResource) {
			t.Errorf("got %v", err)
		}
	})
}

// TestPollsEnd checks that a long poll ended by its context returns no task
// and no error, and one ended by Close an error wrapping ErrClosed.
func TestPollsEnd(t *testing.T) {
	hold := func(string, string) (int, string) { return -1, "" }
	for _, kind := range []string{"decision", "activity"} {
		poll := func(eng *swf.Engine, ctx context.Context) (bool, error) {
			if kind == "decision" {
				task, err := eng.PollDecisionTask(ctx, engine.PollParams{TaskList: "tl"})
				return task != nil, err
			}
			task, err := eng.PollActivityTask(ctx, engine.PollParams{TaskList: "tl"})
			return task != nil, err
		}
		t.Run(kind+"/context", func(t *testing.T) {
			_, eng := newFake(t, hold)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			if got, err := poll(eng, ctx); got || err != nil {
				t.Errorf("got %v, %v, want no task and no error", got, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the poll took %v to end", d)
			}
		})
		t.Run(kind+"/close", func(t *testing.T) {
			_, eng := newFake(t, hold)
			time.AfterFunc(100*time.Millisecond, func() { eng.Close() })
			if got, err := poll(eng, context.Background()); got || !errors.Is(err, engine.ErrClosed) {
				t.Errorf("got %v, %v, want ErrClosed", got, err)
			}
			if _, err := poll(eng, context.Background()); !errors.Is(err, engine.ErrClosed) {
				t.Errorf("after Close: %v, want ErrClosed", err)
			}
		})
	}
}

// TestDecisionConversions checks the decisions as sent: only the fields
// that are set.
func TestDecisionConversions(t *testing.T) {
	for _, c := range []struct {
		name string
		d    engine.Decision
		want string
	}{
		{"ScheduleActivityTask/minimal", &engine.ScheduleActivityTask{ActivityID: "task-0-0", Type: engine.ActivityType{Name: "a", Version: "2"}, Input: "[[10], {}]"},
			`{"decisionType":"ScheduleActivityTask","scheduleActivityTaskDecisionAttributes":{"activityId":"task-0-0","activityType":{"name":"a","version":"2"},"input":"[[10], {}]"}}`},
		{"ScheduleActivityTask/all", &engine.ScheduleActivityTask{ActivityID: "t-1-0", Type: engine.ActivityType{Name: "a", Version: "2"}, Input: "[[], {}]",
			Control: `{"deps":["t-0"]}`, TaskList: "other", Timeouts: engine.ActivityTimeouts{ScheduleToStart: time.Second, StartToClose: 1500 * time.Millisecond,
				ScheduleToClose: engine.NoTimeout, Heartbeat: time.Nanosecond}},
			`{"decisionType":"ScheduleActivityTask","scheduleActivityTaskDecisionAttributes":{"activityId":"t-1-0","activityType":{"name":"a","version":"2"},"input":"[[], {}]",
				"control":"{\"deps\":[\"t-0\"]}","taskList":{"name":"other"},"scheduleToStartTimeout":"1","startToCloseTimeout":"2","scheduleToCloseTimeout":"NONE","heartbeatTimeout":"1"}}`},
		{"StartTimer", &engine.StartTimer{TimerID: "d-0-0:t", StartToFire: 3 * time.Second},
			`{"decisionType":"StartTimer","startTimerDecisionAttributes":{"timerId":"d-0-0:t","startToFireTimeout":"3"}}`},
		{"StartTimer/zero", &engine.StartTimer{TimerID: "z", Control: "c"},
			`{"decisionType":"StartTimer","startTimerDecisionAttributes":{"timerId":"z","startToFireTimeout":"0","control":"c"}}`},
		{"StartChildWorkflowExecution/minimal", &engine.StartChildWorkflowExecution{WorkflowID: "h-:task-0-0", Type: engine.WorkflowType{Name: "C", Version: "2"}, Input: "[[10], {}]"},
			`{"decisionType":"StartChildWorkflowExecution","startChildWorkflowExecutionDecisionAttributes":{"workflowId":"h-:task-0-0","workflowType":{"name":"C","version":"2"},"input":"[[10], {}]"}}`},
		{"StartChildWorkflowExecution/all", &engine.StartChildWorkflowExecution{WorkflowID: "h-:c-0-0", Type: engine.WorkflowType{Name: "C", Version: "2"}, Input: "[[], {}]",
			Control: "c", TaskList: "tl", ExecutionTimeout: engine.NoTimeout, DecisionTimeout: engine.NoTimeout, ChildPolicy: engine.ChildPolicyRequestCancel, Tags: []string{"a"}},
			`{"decisionType":"StartChildWorkflowExecution","startChildWorkflowExecutionDecisionAttributes":{"workflowId":"h-:c-0-0","workflowType":{"name":"C","version":"2"},"input":"[[], {}]",
				"control":"c","taskList":{"name":"tl"},"executionStartToCloseTimeout":"31536000","taskStartToCloseTimeout":"NONE","childPolicy":"REQUEST_CANCEL","tagList":["a"]}}`},
		{"CompleteWorkflowExecution", &engine.CompleteWorkflowExecution{Result: "null"},
			`{"decisionType":"CompleteWorkflowExecution","completeWorkflowExecutionDecisionAttributes":{"result":"null"}}`},
		{"FailWorkflowExecution/reason", &engine.FailWorkflowExecution{Reason: "Error!"},
			`{"decisionType":"FailWorkflowExecution","failWorkflowExecutionDecisionAttributes":{"reason":"Error!"}}`},
		{"FailWorkflowExecution/details", &engine.FailWorkflowExecution{Reason: "boom", Details: `{"kind": "k", "message": "boom"}`},
			`{"decisionType":"FailWorkflowExecution","failWorkflowExecutionDecisionAttributes":{"reason":"boom","details":"{\"kind\": \"k\", \"message\": \"boom\"}"}}`},
		{"ContinueAsNewWorkflowExecution/minimal", &engine.ContinueAsNewWorkflowExecution{Input: "[[0], {}]"},
			`{"decisionType":"ContinueAsNewWorkflowExecution","continueAsNewWorkflowExecutionDecisionAttributes":{"input":"[[0], {}]"}}`},
		{"ContinueAsNewWorkflowExecution/all", &engine.ContinueAsNewWorkflowExecution{Input: "[[0], {}]", TaskList: "tl", ExecutionTimeout: time.Hour,
			DecisionTimeout: time.Minute, ChildPolicy: engine.ChildPolicyAbandon, Version: "3", Tags: []string{"t"}},
			`{"decisionType":"ContinueAsNewWorkflowExecution","continueAsNewWorkflowExecutionDecisionAttributes":{"input":"[[0], {}]","taskList":{"name":"tl"},
				"executionStartToCloseTimeout":"3600","taskStartToCloseTimeout":"60","childPolicy":"ABANDON","workflowTypeVersion":"3","tagList":["t"]}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, eng := newFake(t, func(string, string) (int, string) { return 200, "" })
			if err := eng.RespondDecisionTaskCompleted(context.Background(), engine.RespondDecisionParams{Token: "tok", Decisions: []engine.Decision{c.d}}); err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, c.name, f.requests()[0].body, `{"taskToken":"tok","decisions":[`+c.want+`]}`)
		})
	}
	t.Run("none", func(t *testing.T) {
		f, eng := newFake(t, func(string, string) (int, string) { return 200, "" })
		if err := eng.RespondDecisionTaskCompleted(context.Background(), engine.RespondDecisionParams{Token: "tok", ExecutionContext: "x"}); err != nil {
			t.Fatal(err)
		}
		jsonEqual(t, "no decisions", f.requests()[0].body, `{"taskToken":"tok","decisions":[],"executionContext":"x"}`)
	})
	for name, ds := range map[string][]engine.Decision{
		"close not last":       {&engine.CompleteWorkflowExecution{Result: "1"}, &engine.StartTimer{TimerID: "t", StartToFire: time.Second}},
		"negative timeout":     {&engine.ScheduleActivityTask{ActivityID: "a", Timeouts: engine.ActivityTimeouts{Heartbeat: -time.Second}}},
		"negative timer":       {&engine.StartTimer{TimerID: "t", StartToFire: -time.Second}},
		"unknown child policy": {&engine.StartChildWorkflowExecution{WorkflowID: "c", ChildPolicy: "KILL"}},
		"nil":                  {nil},
	} {
		t.Run(name, func(t *testing.T) {
			f, eng := newFake(t, func(string, string) (int, string) { return 200, "" })
			err := eng.RespondDecisionTaskCompleted(context.Background(), engine.RespondDecisionParams{Token: "tok", Decisions: ds})
			if !errors.Is(err, engine.ErrInvalidArgument) {
				t.Errorf("got %v, want ErrInvalidArgument", err)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// TestActivityCalls checks the activity calls as sent and read.
func TestActivityCalls(t *testing.T) {
	ctx := context.Background()
	f, eng := newFake(t, func(target, _ string) (int, string) {
		switch target {
		case "PollForActivityTask":
			return 200, `{"activityId":"task-0-0","activityType":{"name":"tactivity","version":"2"},"input":"[[10], {}]","startedEventId":13,"taskToken":"tok","workflowExecution":{"runId":"r","workflowId":"w"}}`
		case "RecordActivityTaskHeartbeat":
			return 200, `{"cancelRequested":true}`
		}
		return 200, ""
	})
	task, err := eng.PollActivityTask(ctx, engine.PollParams{TaskList: "tl", Identity: "test"})
	if err != nil {
		t.Fatal(err)
	}
	want := &engine.ActivityTask{Token: "tok", Execution: engine.Execution{WorkflowID: "w", RunID: "r"}, ActivityID: "task-0-0",
		Type: engine.ActivityType{Name: "tactivity", Version: "2"}, Input: "[[10], {}]", StartedEventID: 13}
	if !reflect.DeepEqual(task, want) {
		t.Errorf("task %+v, want %+v", task, want)
	}
	if err := eng.RespondActivityTaskCompleted(ctx, "tok", "100"); err != nil {
		t.Fatal(err)
	}
	if err := eng.RespondActivityTaskFailed(ctx, "tok", "Error!", ""); err != nil {
		t.Fatal(err)
	}
	if err := eng.RespondActivityTaskFailed(ctx, "tok", "boom", "d"); err != nil {
		t.Fatal(err)
	}
	cancel, err := eng.RecordActivityTaskHeartbeat(ctx, "tok", "")
	if err != nil || !cancel {
		t.Errorf("heartbeat: %v, %v, want cancelRequested", cancel, err)
	}
	if _, err := eng.RecordActivityTaskHeartbeat(ctx, "tok", "7"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{
		`{"domain":"dom","taskList":{"name":"tl"},"identity":"test"}`,
		`{"taskToken":"tok","result":"100"}`,
		`{"taskToken":"tok","reason":"Error!"}`,
		`{"taskToken":"tok","reason":"boom","details":"d"}`,
		`{"taskToken":"tok"}`,
		`{"taskToken":"tok","details":"7"}`,
	} {
		jsonEqual(t, f.requests()[i].target, f.requests()[i].body, want)
	}
	_, eng = newFake(t, func(string, string) (int, string) { return 200, `{"startedEventId":0}` })
	if task, err := eng.PollActivityTask(ctx, engine.PollParams{TaskList: "tl"}); task != nil || err != nil {
		t.Errorf("empty poll: %v, %v", task, err)
	}
}

// TestDurations checks durations through registration (rounding, NONE).
func TestDurations(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{time.Nanosecond, `"1"`}, {time.Second, `"1"`}, {1001 * time.Millisecond, `"2"`}, {90 * time.Second, `"90"`},
		{engine.NoTimeout, `"NONE"`}, {0, ``},
	} {
		f, eng := newFake(t, func(string, string) (int, string) { return 200, "{}" })
		err := eng.RegisterActivityType(context.Background(), engine.ActivityTypeInfo{ActivityType: engine.ActivityType{Name: "a", Version: "1"},
			ActivityTimeouts: engine.ActivityTimeouts{Heartbeat: c.d}})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"domain":"dom","name":"a","version":"1"}`
		if c.want != "" {
			want = `{"domain":"dom","name":"a","version":"1","defaultTaskHeartbeatTimeout":` + c.want + `}`
		}
		jsonEqual(t, c.d.String(), f.requests()[0].body, want)
	}
	// Read back: "NONE" is NoTimeout, digits are seconds.
	_, eng := newFake(t, func(string, string) (int, string) {
		return 200, `{"configuration":{"defaultTaskHeartbeatTimeout":"NONE","defaultTaskStartToCloseTimeout":"15"},"typeInfo":{"status":"REGISTERED","activityType":{"name":"a","version":"1"}}}`
	})
	d, err := eng.DescribeActivityType(context.Background(), engine.ActivityType{Name: "a", Version: "1"})
	if err != nil || d.Heartbeat != engine.NoTimeout || d.StartToClose != 15*time.Second || d.ScheduleToClose != 0 {
		t.Errorf("%+v, %v", d, err)
	}
}
