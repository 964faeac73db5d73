package temporal

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// These tests need no server.

func TestPayloads(t *testing.T) {
	for _, c := range []struct{ in, enc string }{
		{`[[1, "a"], {"k": null}]`, "json/plain"},
		{`"x"`, "json/plain"},
		{"not json", "binary/plain"},
	} {
		ps := payloads(c.in)
		if len(ps.Payloads) != 1 || string(ps.Payloads[0].Metadata["encoding"]) != c.enc || string(ps.Payloads[0].Data) != c.in {
			t.Errorf("payloads(%q) = %v", c.in, ps)
		}
		if got := fromPayloads(ps); got != c.in {
			t.Errorf("fromPayloads(payloads(%q)) = %q", c.in, got)
		}
	}
	if payloads("") != nil || fromPayloads(nil) != "" {
		t.Error("the empty value is no payload")
	}
	two := &commonpb.Payloads{Payloads: []*commonpb.Payload{payload("1"), {Metadata: map[string][]byte{"encoding": []byte("binary/null")}}}}
	if got := fromPayloads(two); got != "[1, null]" {
		t.Errorf("two payloads read as %q", got)
	}
}

func TestDurations(t *testing.T) {
	if dur(0) != nil || dur(engine.NoTimeout) != nil || dur(time.Second).AsDuration() != time.Second {
		t.Error("dur")
	}
	if fromDur(nil) != engine.NoTimeout || fromDur(durationpb.New(unlimited)) != engine.NoTimeout || fromDur(durationpb.New(time.Minute)) != time.Minute {
		t.Error("fromDur")
	}
	if decisionTimeout(engine.NoTimeout).AsDuration() != maxDecisionTimeout || decisionTimeout(0) != nil {
		t.Error("decisionTimeout")
	}
}

func TestFailures(t *testing.T) {
	f := encodeFailure("it broke", `{"kind": "boom", "message": "it broke\nbadly"}`)
	if a := f.GetApplicationFailureInfo(); a == nil || a.Type != "boom" || !a.NonRetryable {
		t.Errorf("failure %v", f)
	}
	if r, d := decodeFailure(f); r != "it broke" || d != `{"kind": "boom", "message": "it broke\nbadly"}` {
		t.Errorf("decoded %q %q", r, d)
	}
	timeout := &failurepb.Failure{Message: "activity timeout", Cause: &failurepb.Failure{FailureInfo: &failurepb.Failure_TimeoutFailureInfo{
		TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{TimeoutType: enumspb.TIMEOUT_TYPE_HEARTBEAT, LastHeartbeatDetails: payloads("7")}}}}
	if tt, d := timeoutType(timeout); tt != engine.TimeoutHeartbeat || d != "7" {
		t.Errorf("timeout %v %q", tt, d)
	}
}

func TestDecisionToken(t *testing.T) {
	exec := engine.Execution{WorkflowID: "a.b/c:d", RunID: "0123-4567"}
	tok, got, ok := parseDecisionToken(decisionToken([]byte{1, 2, 250}, exec))
	if !ok || got != exec || !reflect.DeepEqual(tok, []byte{1, 2, 250}) {
		t.Errorf("token read back as %v %v %v", tok, got, ok)
	}
	if _, _, ok := parseDecisionToken("garbage"); ok {
		t.Error("a garbage token parsed")
	}
}

func TestEnumNames(t *testing.T) {
	if got := enumCamel(enumspb.EventType_name, int32(enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES), "EVENT_TYPE_"); got != "UpsertWorkflowSearchAttributes" {
		t.Error(got)
	}
	if got := enumName(enumspb.WorkflowTaskFailedCause_name, int32(enumspb.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND), "WORKFLOW_TASK_FAILED_CAUSE_"); got != "UNHANDLED_COMMAND" {
		t.Error(got)
	}
}

// TestConvert converts a history with every kind of event the engine maps,
// and some it does not, and checks the engine events.
func TestConvert(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	id := int64(0)
	ev := func(typ enumspb.EventType, attrs func(*historypb.HistoryEvent)) *historypb.HistoryEvent {
		id++
		e := &historypb.HistoryEvent{EventId: id, EventTime: timestamppb.New(at), EventType: typ}
		attrs(e)
		return e
	}
	tq := &taskqueuepb.TaskQueue{Name: "p-main"}
	sticky := &taskqueuepb.TaskQueue{Name: "flowy-sticky:x:p-main", Kind: enumspb.TASK_QUEUE_KIND_STICKY, NormalName: "p-main"}
	hist := []*historypb.HistoryEvent{
		ev(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{
				WorkflowType: &commonpb.WorkflowType{Name: "W"}, TaskQueue: tq, Input: payloads("[[1], {}]"),
				WorkflowTaskTimeout: durationpb.New(10 * time.Second),
				Memo:                runMemo{Version: "2", ChildPolicy: engine.ChildPolicyTerminate, Tags: []string{"t"}}.memo(),
			}}
		}),
		ev(enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_WorkflowTaskScheduledEventAttributes{WorkflowTaskScheduledEventAttributes: &historypb.WorkflowTaskScheduledEventAttributes{
				TaskQueue: sticky, StartToCloseTimeout: durationpb.New(10 * time.Second)}}
		}),
		ev(enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_WorkflowTaskStartedEventAttributes{WorkflowTaskStartedEventAttributes: &historypb.WorkflowTaskStartedEventAttributes{
				ScheduledEventId: 2, Identity: "me"}}
		}),
		ev(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_WorkflowTaskCompletedEventAttributes{WorkflowTaskCompletedEventAttributes: &historypb.WorkflowTaskCompletedEventAttributes{
				ScheduledEventId: 2, StartedEventId: 3}}
		}),
		ev(enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{
				ActivityId: "A-0-0", ActivityType: &commonpb.ActivityType{Name: "a"}, TaskQueue: tq, Header: activityHeader("3", `{"deps": ["B-0"]}`),
				Input: payloads("[[2], {}]"), StartToCloseTimeout: durationpb.New(unlimited), ScheduleToCloseTimeout: durationpb.New(time.Minute),
				WorkflowTaskCompletedEventId: 4}}
		}),
		ev(enumspb.EVENT_TYPE_TIMER_STARTED, func(e *historypb.HistoryEvent) {
			e.UserMetadata = &sdkpb.UserMetadata{Details: payload(`{"c": 1}`)}
			e.Attributes = &historypb.HistoryEvent_TimerStartedEventAttributes{TimerStartedEventAttributes: &historypb.TimerStartedEventAttributes{
				TimerId: "T:t", StartToFireTimeout: durationpb.New(time.Second), WorkflowTaskCompletedEventId: 4}}
		}),
		ev(enumspb.EVENT_TYPE_MARKER_RECORDED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_MarkerRecordedEventAttributes{MarkerRecordedEventAttributes: &historypb.MarkerRecordedEventAttributes{
				MarkerName: markerScheduleActivityFailed, WorkflowTaskCompletedEventId: 4,
				Details: markerDetailsOf(failedDecision{ID: "N-0-0", Type: "nosuch", Version: "1", Cause: engine.CauseTypeDoesNotExist})}}
		}),
		ev(enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_StartChildWorkflowExecutionInitiatedEventAttributes{StartChildWorkflowExecutionInitiatedEventAttributes: &historypb.StartChildWorkflowExecutionInitiatedEventAttributes{
				WorkflowId: "h-:C-0-0", WorkflowType: &commonpb.WorkflowType{Name: "C"}, TaskQueue: tq, Input: payloads("[[3], {}]"),
				Memo: runMemo{Version: "4", ChildPolicy: engine.ChildPolicyAbandon}.memo(), WorkflowTaskCompletedEventId: 4}}
		}),
		ev(enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{ActivityTaskStartedEventAttributes: &historypb.ActivityTaskStartedEventAttributes{
				ScheduledEventId: 5, Identity: "w"}}
		}),
		ev(enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_ActivityTaskFailedEventAttributes{ActivityTaskFailedEventAttributes: &historypb.ActivityTaskFailedEventAttributes{
				ScheduledEventId: 5, StartedEventId: 9, Failure: encodeFailure("no", "")}}
		}),
		ev(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionCompletedEventAttributes{ChildWorkflowExecutionCompletedEventAttributes: &historypb.ChildWorkflowExecutionCompletedEventAttributes{
				WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: "h-:C-0-0", RunId: "r"}, WorkflowType: &commonpb.WorkflowType{Name: "C"},
				InitiatedEventId: 8, StartedEventId: 12, Result: payloads("9")}}
		}),
		ev(enumspb.EVENT_TYPE_TIMER_CANCELED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_TimerCanceledEventAttributes{TimerCanceledEventAttributes: &historypb.TimerCanceledEventAttributes{
				TimerId: "T:t", StartedEventId: 6}}
		}),
		ev(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_WorkflowTaskFailedEventAttributes{WorkflowTaskFailedEventAttributes: &historypb.WorkflowTaskFailedEventAttributes{
				ScheduledEventId: 2, StartedEventId: 3, Cause: enumspb.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
				Failure: &failurepb.Failure{Message: "UnhandledCommand"}}}
		}),
		ev(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_WorkflowExecutionTimedOutEventAttributes{WorkflowExecutionTimedOutEventAttributes: &historypb.WorkflowExecutionTimedOutEventAttributes{}}
		}),
	}
	c := newConverter("p-")
	var got []engine.EventAttributes
	for i, h := range hist {
		e := c.convert(h)
		if e.ID != int64(i+1) || !e.Time.Equal(at) {
			t.Errorf("event %d has id %d, time %v", i+1, e.ID, e.Time)
		}
		got = append(got, e.Attr)
	}
	want := []engine.EventAttributes{
		&engine.WorkflowExecutionStarted{Type: engine.WorkflowType{Name: "W", Version: "2"}, Input: "[[1], {}]", TaskList: "main",
			ExecutionTimeout: engine.NoTimeout, DecisionTimeout: 10 * time.Second, ChildPolicy: engine.ChildPolicyTerminate, Tags: []string{"t"}},
		&engine.DecisionTaskScheduled{TaskList: "main", StartToClose: 10 * time.Second},
		&engine.DecisionTaskStarted{ScheduledEventID: 2, Identity: "me"},
		&engine.DecisionTaskCompleted{ScheduledEventID: 2, StartedEventID: 3},
		&engine.ActivityTaskScheduled{ActivityID: "A-0-0", Type: engine.ActivityType{Name: "a", Version: "3"}, Input: "[[2], {}]",
			Control: `{"deps": ["B-0"]}`, TaskList: "main", DecisionTaskCompletedEventID: 4,
			Timeouts: engine.ActivityTimeouts{ScheduleToStart: engine.NoTimeout, StartToClose: engine.NoTimeout, ScheduleToClose: time.Minute, Heartbeat: engine.NoTimeout}},
		&engine.TimerStarted{TimerID: "T:t", StartToFire: time.Second, Control: `{"c": 1}`, DecisionTaskCompletedEventID: 4},
		&engine.ScheduleActivityTaskFailed{ActivityID: "N-0-0", Type: engine.ActivityType{Name: "nosuch", Version: "1"},
			Cause: engine.CauseTypeDoesNotExist, DecisionTaskCompletedEventID: 4},
		&engine.StartChildWorkflowExecutionInitiated{WorkflowID: "h-:C-0-0", Type: engine.WorkflowType{Name: "C", Version: "4"}, Input: "[[3], {}]",
			TaskList: "main", ExecutionTimeout: engine.NoTimeout, DecisionTimeout: engine.NoTimeout, ChildPolicy: engine.ChildPolicyAbandon,
			DecisionTaskCompletedEventID: 4},
		&engine.ActivityTaskStarted{ScheduledEventID: 5, Identity: "w"},
		&engine.ActivityTaskFailed{ScheduledEventID: 5, StartedEventID: 9, Reason: "no"},
		&engine.ChildWorkflowExecutionCompleted{Execution: engine.Execution{WorkflowID: "h-:C-0-0", RunID: "r"},
			Type: engine.WorkflowType{Name: "C", Version: "4"}, Result: "9", InitiatedEventID: 8, StartedEventID: 12},
		&OtherEvent{TemporalType: "TimerCanceled", Attributes: `{"startedEventId":"6","timerId":"T:t"}`},
		&DecisionTaskFailed{ScheduledEventID: 2, StartedEventID: 3, Cause: "UNHANDLED_COMMAND", Message: "UnhandledCommand"},
		&engine.WorkflowExecutionTimedOut{ChildPolicy: engine.ChildPolicyTerminate},
	}
	for i := range want {
		if o, ok := got[i].(*OtherEvent); ok { // protojson spaces vary
			var v any
			if err := json.Unmarshal([]byte(o.Attributes), &v); err == nil {
				b, _ := json.Marshal(v)
				got[i] = &OtherEvent{TemporalType: o.TemporalType, Attributes: string(b)}
			}
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("event %d:\n got %#v\nwant %#v", i+1, got[i], want[i])
		}
	}
	if len(c.openActs) != 0 || len(c.timers) != 0 {
		t.Errorf("open activities %v, timers %v after they closed", c.openActs, c.timers)
	}
}
