package swfwire_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
)

// methodReceivers returns the receiver type names of the methods called
// method in package engine's source.
func methodReceivers(t *testing.T, method string) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("../../engine/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("engine sources: %v, %v", files, err)
	}
	var names []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != method {
				continue
			}
			if star, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
				names = append(names, star.X.(*ast.Ident).Name)
			}
		}
	}
	slices.Sort(names)
	return names
}

var (
	t0     = time.Date(2026, 5, 17, 10, 11, 12, 345678901, time.UTC)
	wfType = engine.WorkflowType{Name: "wf", Version: "1"}
	acType = engine.ActivityType{Name: "act", Version: "2"}
	child  = engine.Execution{WorkflowID: "child", RunID: "run-2"}
)

// allEvents has one event of every engine event type, every field set
// (durations in whole seconds or NoTimeout, which survive the wire).
func allEvents() []engine.EventAttributes {
	tos := engine.ActivityTimeouts{ScheduleToStart: 30 * time.Second, StartToClose: engine.NoTimeout, ScheduleToClose: time.Hour, Heartbeat: 10 * time.Second}
	return []engine.EventAttributes{
		&engine.WorkflowExecutionStarted{Type: wfType, Input: `[[1], {}]`, TaskList: "tl", ExecutionTimeout: time.Minute,
			DecisionTimeout: 10 * time.Second, ChildPolicy: engine.ChildPolicyTerminate, Tags: []string{"a", "b"},
			Parent: &engine.Execution{WorkflowID: "p", RunID: "pr"}, ParentInitiatedEventID: 7, ContinuedExecutionRunID: "old"},
		&engine.WorkflowExecutionCompleted{Result: "42", DecisionTaskCompletedEventID: 4},
		&engine.WorkflowExecutionFailed{Reason: "bad", Details: "very bad", DecisionTaskCompletedEventID: 4},
		&engine.WorkflowExecutionTimedOut{ChildPolicy: engine.ChildPolicyAbandon},
		&engine.WorkflowExecutionTerminated{Reason: "stop", Details: "now", ChildPolicy: engine.ChildPolicyRequestCancel, Cause: "CHILD_POLICY_APPLIED"},
		&engine.WorkflowExecutionCanceled{Details: "asked", DecisionTaskCompletedEventID: 9},
		&engine.WorkflowExecutionCancelRequested{Cause: "CHILD_POLICY_APPLIED"},
		&engine.WorkflowExecutionContinuedAsNew{NewRunID: "new", Input: "[[2], {}]", DecisionTaskCompletedEventID: 11},
		&engine.WorkflowExecutionSignaled{SignalName: "sig", Input: "payload"},
		&engine.DecisionTaskScheduled{TaskList: "tl", StartToClose: engine.NoTimeout},
		&engine.DecisionTaskStarted{ScheduledEventID: 2, Identity: "worker-1"},
		&engine.DecisionTaskCompleted{ScheduledEventID: 2, StartedEventID: 3, ExecutionContext: "ctx"},
		&engine.DecisionTaskTimedOut{ScheduledEventID: 2, StartedEventID: 3, TimeoutType: engine.TimeoutStartToClose},
		&engine.ActivityTaskScheduled{ActivityID: "a-0-0", Type: acType, Input: "[[3], {}]", Control: "c", TaskList: "atl", Timeouts: tos, DecisionTaskCompletedEventID: 4},
		&engine.ScheduleActivityTaskFailed{ActivityID: "x-0-0", Type: acType, Cause: engine.CauseTypeDoesNotExist, DecisionTaskCompletedEventID: 4},
		&engine.ActivityTaskStarted{ScheduledEventID: 5, Identity: "w"},
		&engine.ActivityTaskCompleted{ScheduledEventID: 5, StartedEventID: 6, Result: "9"},
		&engine.ActivityTaskFailed{ScheduledEventID: 5, StartedEventID: 6, Reason: "r", Details: "d"},
		&engine.ActivityTaskTimedOut{ScheduledEventID: 5, TimeoutType: engine.TimeoutScheduleToStart, Details: "hb"},
		&engine.TimerStarted{TimerID: "t", StartToFire: 3 * time.Second, Control: "tc", DecisionTaskCompletedEventID: 4},
		&engine.StartTimerFailed{TimerID: "t", Cause: engine.CauseTimerIDAlreadyInUse, DecisionTaskCompletedEventID: 4},
		&engine.TimerFired{TimerID: "t", StartedEventID: 8},
		&engine.StartChildWorkflowExecutionInitiated{WorkflowID: "child", Type: wfType, Input: "i", Control: "cc", TaskList: "ctl",
			ExecutionTimeout: 20 * time.Second, DecisionTimeout: engine.NoTimeout, ChildPolicy: engine.ChildPolicyTerminate,
			Tags: []string{"t"}, DecisionTaskCompletedEventID: 4},
		&engine.StartChildWorkflowExecutionFailed{WorkflowID: "child", Type: wfType, Cause: engine.CauseTypeDeprecated, InitiatedEventID: 5, DecisionTaskCompletedEventID: 4},
		&engine.ChildWorkflowExecutionStarted{Execution: child, Type: wfType, InitiatedEventID: 5},
		&engine.ChildWorkflowExecutionCompleted{Execution: child, Type: wfType, Result: "r", InitiatedEventID: 5, StartedEventID: 6},
		&engine.ChildWorkflowExecutionFailed{Execution: child, Type: wfType, Reason: "r", Details: "d", InitiatedEventID: 5, StartedEventID: 6},
		&engine.ChildWorkflowExecutionTimedOut{Execution: child, Type: wfType, InitiatedEventID: 5, StartedEventID: 6},
		&engine.ChildWorkflowExecutionCanceled{Execution: child, Type: wfType, Details: "d", InitiatedEventID: 5, StartedEventID: 6},
		&engine.ChildWorkflowExecutionTerminated{Execution: child, Type: wfType, InitiatedEventID: 5, StartedEventID: 6},
		&engine.CompleteWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: 12},
		&engine.FailWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: 12},
		&engine.ContinueAsNewWorkflowExecutionFailed{Cause: engine.CauseUnhandledDecision, DecisionTaskCompletedEventID: 12},
	}
}

func typeName(v any) string { return reflect.TypeOf(v).Elem().Name() }

func TestEveryEventTypeRoundTrips(t *testing.T) {
	var have []string
	for i, attr := range allEvents() {
		have = append(have, typeName(attr))
		e := engine.Event{ID: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Millisecond), Attr: attr}
		h, err := swfwire.EventToWire(e)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		// The attributes member is named after the type, and is the only one.
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		member := strings.ToLower(e.Type()[:1]) + e.Type()[1:] + "EventAttributes"
		if _, ok := m[member]; !ok || len(m) != 4 || string(m["eventType"]) != `"`+e.Type()+`"` {
			t.Errorf("%s: JSON %s, want eventId, eventTimestamp, eventType and %s", e.Type(), b, member)
		}
		var h2 swfwire.HistoryEvent
		if err := json.Unmarshal(b, &h2); err != nil {
			t.Fatal(err)
		}
		back, err := swfwire.EventFromWire(h2)
		if err != nil {
			t.Fatalf("%s: %v", e.Type(), err)
		}
		if !back.Time.Equal(e.Time) || back.ID != e.ID || !reflect.DeepEqual(back.Attr, e.Attr) {
			t.Errorf("%s: round trip gave\n%d %v %#v\nwant\n%d %v %#v", e.Type(), back.ID, back.Time, back.Attr, e.ID, e.Time, e.Attr)
		}
	}
	slices.Sort(have)
	if want := methodReceivers(t, "EventType"); !slices.Equal(have, want) {
		t.Errorf("the test covers event types\n%v\npackage engine has\n%v", have, want)
	}
}

func TestEventWireDetails(t *testing.T) {
	wire := func(attr engine.EventAttributes) map[string]any {
		h, err := swfwire.EventToWire(engine.Event{ID: 1, Time: t0, Attr: attr})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(h)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	// SWF's spelling of causes that engine spells without the kind of type.
	m := wire(&engine.ScheduleActivityTaskFailed{Cause: engine.CauseTypeDoesNotExist})
	if c := m["scheduleActivityTaskFailedEventAttributes"].(map[string]any)["cause"]; c != "ACTIVITY_TYPE_DOES_NOT_EXIST" {
		t.Errorf("cause %v", c)
	}
	m = wire(&engine.StartChildWorkflowExecutionFailed{Cause: engine.CauseTypeDoesNotExist})
	if c := m["startChildWorkflowExecutionFailedEventAttributes"].(map[string]any)["cause"]; c != "WORKFLOW_TYPE_DOES_NOT_EXIST" {
		t.Errorf("cause %v", c)
	}
	// Timeouts: NONE, whole seconds rounded up, zero absent; required ids
	// written even when zero.
	m = wire(&engine.ActivityTaskScheduled{Timeouts: engine.ActivityTimeouts{StartToClose: engine.NoTimeout, Heartbeat: 1500 * time.Millisecond}})
	a := m["activityTaskScheduledEventAttributes"].(map[string]any)
	if a["startToCloseTimeout"] != "NONE" || a["heartbeatTimeout"] != "2" || a["scheduleToStartTimeout"] != nil || a["decisionTaskCompletedEventId"] != 0.0 {
		t.Errorf("attributes %v", a)
	}
	m = wire(&engine.ChildWorkflowExecutionTimedOut{})
	if tt := m["childWorkflowExecutionTimedOutEventAttributes"].(map[string]any)["timeoutType"]; tt != "START_TO_CLOSE" {
		t.Errorf("child timeout type %v", tt)
	}
	if ts := m["eventTimestamp"]; ts != 1779012672.345678901 {
		t.Errorf("timestamp %v", ts)
	}
	// Unsupported and malformed events.
	_, err := swfwire.EventFromWire(swfwire.HistoryEvent{EventID: 3, EventType: "MarkerRecorded"})
	if !errors.Is(err, swfwire.ErrUnsupported) {
		t.Errorf("MarkerRecorded: %v", err)
	}
	_, err = swfwire.EventFromWire(swfwire.HistoryEvent{EventID: 3, EventType: "TimerFired"})
	if err == nil || errors.Is(err, swfwire.ErrUnsupported) {
		t.Errorf("TimerFired without attributes: %v", err)
	}
	_, err = swfwire.EventFromWire(swfwire.HistoryEvent{EventType: "TimerStarted",
		TimerStartedEventAttributes: &swfwire.TimerStartedEventAttributes{StartToFireTimeout: "1.5"}})
	if !errors.Is(err, swfwire.ErrBadDuration) {
		t.Errorf("bad duration: %v", err)
	}
}

func allDecisions() []engine.Decision {
	return []engine.Decision{
		&engine.ScheduleActivityTask{ActivityID: "a", Type: acType, Input: "in", Control: "c", TaskList: "tl",
			Timeouts: engine.ActivityTimeouts{ScheduleToStart: time.Second, StartToClose: engine.NoTimeout, ScheduleToClose: time.Minute, Heartbeat: 5 * time.Second}},
		&engine.StartTimer{TimerID: "t", StartToFire: 3 * time.Second, Control: "c"},
		&engine.StartChildWorkflowExecution{WorkflowID: "c", Type: wfType, Input: "in", Control: "c", TaskList: "tl",
			ExecutionTimeout: time.Hour, DecisionTimeout: 10 * time.Second, ChildPolicy: engine.ChildPolicyAbandon, Tags: []string{"x"}},
		&engine.CompleteWorkflowExecution{Result: "r"},
		&engine.FailWorkflowExecution{Reason: "r", Details: "d"},
		&engine.ContinueAsNewWorkflowExecution{Input: "in", TaskList: "tl", ExecutionTimeout: time.Minute, DecisionTimeout: engine.NoTimeout,
			ChildPolicy: engine.ChildPolicyTerminate, Version: "3", Tags: []string{"y"}},
	}
}

func TestEveryDecisionTypeRoundTrips(t *testing.T) {
	var have []string
	for _, d := range allDecisions() {
		have = append(have, typeName(d))
		w, err := swfwire.DecisionToWire(d)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(w)
		var m map[string]json.RawMessage
		_ = json.Unmarshal(b, &m)
		member := strings.ToLower(d.DecisionType()[:1]) + d.DecisionType()[1:] + "DecisionAttributes"
		if _, ok := m[member]; !ok || len(m) != 2 {
			t.Errorf("%s: JSON %s, want decisionType and %s", d.DecisionType(), b, member)
		}
		var w2 swfwire.Decision
		if err := json.Unmarshal(b, &w2); err != nil {
			t.Fatal(err)
		}
		back, err := swfwire.DecisionFromWire(w2)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, d) {
			t.Errorf("%s: round trip gave %#v, want %#v", d.DecisionType(), back, d)
		}
	}
	slices.Sort(have)
	if want := methodReceivers(t, "DecisionType"); !slices.Equal(have, want) {
		t.Errorf("the test covers decision types\n%v\npackage engine has\n%v", have, want)
	}
}

func TestDecisionErrors(t *testing.T) {
	_, err := swfwire.DecisionFromWire(swfwire.Decision{DecisionType: "RecordMarker"})
	if !errors.Is(err, swfwire.ErrUnsupported) {
		t.Errorf("RecordMarker: %v", err)
	}
	_, err = swfwire.DecisionFromWire(swfwire.Decision{DecisionType: "Dance"})
	if err == nil || errors.Is(err, swfwire.ErrUnsupported) {
		t.Errorf("Dance: %v", err)
	}
	_, err = swfwire.DecisionFromWire(swfwire.Decision{DecisionType: "StartTimer"})
	if err == nil {
		t.Error("StartTimer without attributes: no error")
	}
	// Close decisions have only optional members: no attributes is fine.
	d, err := swfwire.DecisionFromWire(swfwire.Decision{DecisionType: "CompleteWorkflowExecution"})
	if err != nil || !reflect.DeepEqual(d, &engine.CompleteWorkflowExecution{}) {
		t.Errorf("CompleteWorkflowExecution without attributes: %#v, %v", d, err)
	}
	_, err = swfwire.DecisionToWire(&engine.StartTimer{TimerID: "t", StartToFire: -2 * time.Second})
	if err == nil {
		t.Error("negative timer: no error")
	}
}
