package swf_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// TestExecutionCalls checks starting, terminating, describing and listing
// executions as sent and read.
func TestExecutionCalls(t *testing.T) {
	ctx := context.Background()
	open := `{"execution":{"workflowId":"w","runId":"r2"},"workflowType":{"name":"W","version":"2"},"startTimestamp":1468840300,"executionStatus":"OPEN","tagList":["t"]}`
	closed := `{"execution":{"workflowId":"c","runId":"r1"},"workflowType":{"name":"W","version":"2"},"startTimestamp":1468840200,"closeTimestamp":1468840250,"executionStatus":"CLOSED","closeStatus":"COMPLETED","parent":{"workflowId":"p","runId":"pr"}}`
	f, eng := newFake(t, func(target, body string) (int, string) {
		switch target {
		case "StartWorkflowExecution":
			return 200, `{"runId":"r2"}`
		case "DescribeWorkflowExecution":
			return 200, `{"executionInfo":` + open + `,"executionConfiguration":{"taskList":{"name":"tl"},"childPolicy":"TERMINATE","executionStartToCloseTimeout":"60","taskStartToCloseTimeout":"10"},
				"openCounts":{"openActivityTasks":3,"openTimers":1,"openChildWorkflowExecutions":2,"openDecisionTasks":1}}`
		case "ListOpenWorkflowExecutions":
			if strings.Contains(body, `"workflowId":"c"`) {
				return 200, `{"executionInfos":[]}`
			}
			return 200, `{"executionInfos":[` + open + `]}`
		case "ListClosedWorkflowExecutions":
			if strings.Contains(body, `"nextPageToken"`) {
				return 200, `{"executionInfos":[` + closed + `]}`
			}
			return 200, `{"executionInfos":[],"nextPageToken":"n"}`
		case "CountPendingDecisionTasks", "CountPendingActivityTasks":
			return 200, `{"count":4,"truncated":false}`
		}
		return 200, ""
	})
	run, err := eng.StartWorkflow(ctx, engine.StartWorkflowParams{WorkflowID: "w", Type: engine.WorkflowType{Name: "W", Version: "2"},
		Input: "[[1], {}]", TaskList: "tl", ExecutionTimeout: engine.NoTimeout, DecisionTimeout: 10 * time.Second,
		ChildPolicy: engine.ChildPolicyAbandon, Tags: []string{"t"}})
	if err != nil || run != "r2" {
		t.Fatalf("%q, %v", run, err)
	}
	if _, err := eng.StartWorkflow(ctx, engine.StartWorkflowParams{WorkflowID: "v", Type: engine.WorkflowType{Name: "W", Version: "2"}}); err != nil {
		t.Fatal(err)
	}
	if err := eng.TerminateWorkflow(ctx, engine.Execution{WorkflowID: "w"}, "stop", ""); err != nil {
		t.Fatal(err)
	}
	info, err := eng.DescribeWorkflowExecution(ctx, engine.Execution{WorkflowID: "w", RunID: "r2"})
	if err != nil {
		t.Fatal(err)
	}
	want := &engine.ExecutionInfo{Execution: engine.Execution{WorkflowID: "w", RunID: "r2"}, Type: engine.WorkflowType{Name: "W", Version: "2"},
		Status: engine.StatusOpen, StartTime: time.Unix(1468840300, 0).UTC(), Tags: []string{"t"}, OpenActivities: 3, OpenTimers: 1, OpenChildren: 2}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("described %+v\nwant %+v", info, want)
	}
	reqs := f.requests()
	jsonEqual(t, "StartWorkflowExecution", reqs[0].body, `{"domain":"dom","workflowId":"w","workflowType":{"name":"W","version":"2"},"input":"[[1], {}]",
		"taskList":{"name":"tl"},"executionStartToCloseTimeout":"31536000","taskStartToCloseTimeout":"10","childPolicy":"ABANDON","tagList":["t"]}`)
	jsonEqual(t, "StartWorkflowExecution (defaults)", reqs[1].body, `{"domain":"dom","workflowId":"v","workflowType":{"name":"W","version":"2"}}`)
	jsonEqual(t, "TerminateWorkflowExecution", reqs[2].body, `{"domain":"dom","workflowId":"w","reason":"stop"}`)
	jsonEqual(t, "DescribeWorkflowExecution", reqs[3].body, `{"domain":"dom","execution":{"workflowId":"w","runId":"r2"}}`)

	t.Run("latest run", func(t *testing.T) {
		n := len(f.requests())
		if _, err := eng.DescribeWorkflowExecution(ctx, engine.Execution{WorkflowID: "w"}); err != nil {
			t.Fatal(err)
		}
		reqs := f.requests()[n:]
		if len(reqs) != 2 || reqs[0].target != "ListOpenWorkflowExecutions" {
			t.Fatalf("requests %v", reqs)
		}
		jsonEqual(t, "ListOpenWorkflowExecutions", reqs[0].body, `{"domain":"dom","executionFilter":{"workflowId":"w"},"startTimeFilter":{"oldestDate":0},"maximumPageSize":1}`)
		jsonEqual(t, "DescribeWorkflowExecution", reqs[1].body, `{"domain":"dom","execution":{"workflowId":"w","runId":"r2"}}`)
		// No open run: the closed run started last.
		n = len(f.requests())
		_, err := eng.GetWorkflowExecutionHistory(ctx, engine.Execution{WorkflowID: "c"})
		if err != nil {
			t.Fatal(err)
		}
		reqs = f.requests()[n:]
		if len(reqs) != 4 || reqs[1].target != "ListClosedWorkflowExecutions" || !strings.Contains(reqs[3].body, `"runId":"r1"`) {
			t.Errorf("requests %v", reqs)
		}
	})
	t.Run("list", func(t *testing.T) {
		infos, err := eng.ListExecutions(ctx, engine.ExecutionFilter{Open: false, TypeName: "W", CloseStatus: engine.StatusCompleted,
			ClosedAfter: time.Unix(1468840240, 0)})
		if err != nil {
			t.Fatal(err)
		}
		want := []engine.ExecutionInfo{{Execution: engine.Execution{WorkflowID: "c", RunID: "r1"}, Type: engine.WorkflowType{Name: "W", Version: "2"},
			Status: engine.StatusCompleted, StartTime: time.Unix(1468840200, 0).UTC(), CloseTime: time.Unix(1468840250, 0).UTC(),
			Parent: &engine.Execution{WorkflowID: "p", RunID: "pr"}}}
		if !reflect.DeepEqual(infos, want) {
			t.Errorf("listed %+v\nwant %+v", infos, want)
		}
		reqs := f.requests()
		jsonEqual(t, "ListClosedWorkflowExecutions (one filter sent, the others applied)", reqs[len(reqs)-2].body,
			`{"domain":"dom","typeFilter":{"name":"W"},"closeTimeFilter":{"oldestDate":1468840240},"maximumPageSize":1000}`)
		// The close-status filter is applied to the answer too.
		infos, err = eng.ListExecutions(ctx, engine.ExecutionFilter{CloseStatus: engine.StatusFailed})
		if err != nil || len(infos) != 0 {
			t.Errorf("%v, %v, want none", infos, err)
		}
		infos, err = eng.ListExecutions(ctx, engine.ExecutionFilter{Open: true, Tag: "t"})
		if err != nil || len(infos) != 1 || infos[0].Execution.RunID != "r2" {
			t.Errorf("%v, %v", infos, err)
		}
		infos, err = eng.ListExecutions(ctx, engine.ExecutionFilter{Open: true, Tag: "other"})
		if err != nil || len(infos) != 0 {
			t.Errorf("%v, %v, want none", infos, err)
		}
	})
	t.Run("counts", func(t *testing.T) {
		d, err1 := eng.CountPendingDecisionTasks(ctx, "tl")
		a, err2 := eng.CountPendingActivityTasks(ctx, "tl")
		if d != 4 || a != 4 || err1 != nil || err2 != nil {
			t.Errorf("%d %d %v %v", d, a, err1, err2)
		}
		reqs := f.requests()
		jsonEqual(t, "CountPendingActivityTasks", reqs[len(reqs)-1].body, `{"domain":"dom","taskList":{"name":"tl"}}`)
	})
	t.Run("signals", func(t *testing.T) {
		if err := eng.SignalWorkflow(ctx, engine.Execution{WorkflowID: "w", RunID: "r2"}, "go", "[1]"); err != nil {
			t.Fatal(err)
		}
		if err := eng.RequestCancelWorkflow(ctx, engine.Execution{WorkflowID: "w"}); err != nil {
			t.Fatal(err)
		}
		reqs := f.requests()
		jsonEqual(t, "SignalWorkflowExecution", reqs[len(reqs)-2].body, `{"domain":"dom","workflowId":"w","runId":"r2","signalName":"go","input":"[1]"}`)
		jsonEqual(t, "RequestCancelWorkflowExecution", reqs[len(reqs)-1].body, `{"domain":"dom","workflowId":"w"}`)
	})
}

// TestTypeAdmin lists, describes and deprecates types.
func TestTypeAdmin(t *testing.T) {
	ctx := context.Background()
	f, eng := newFake(t, func(target, body string) (int, string) {
		switch target {
		case "ListWorkflowTypes":
			if strings.Contains(body, "DEPRECATED") {
				return 200, `{"typeInfos":[{"workflowType":{"name":"A","version":"1"},"status":"DEPRECATED","creationDate":1,"deprecationDate":2}]}`
			}
			return 200, `{"typeInfos":[{"workflowType":{"name":"B","version":"1"},"status":"REGISTERED","creationDate":1}]}`
		case "DescribeWorkflowType":
			status := `"REGISTERED"`
			if strings.Contains(body, `"A"`) {
				status = `"DEPRECATED","deprecationDate":2`
			}
			return 200, `{"configuration":{"defaultTaskList":{"name":"tl"},"defaultExecutionStartToCloseTimeout":"60","defaultChildPolicy":"ABANDON"},
				"typeInfo":{"status":` + status + `,"creationDate":1,"description":"d"}}`
		case "ListActivityTypes":
			return 200, `{"typeInfos":[]}`
		case "DeprecateActivityType":
			return 400, faultBody("TypeDeprecatedFault")
		}
		return 200, ""
	})
	types, err := eng.ListWorkflowTypes(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(types) != 2 || types[0].Name != "A" || types[0].Status != engine.TypeDeprecated || types[1].Name != "B" ||
		types[1].DefaultExecutionTimeout != time.Minute || types[1].DefaultChildPolicy != engine.ChildPolicyAbandon ||
		types[1].DefaultTaskList != "tl" || types[1].Description != "d" || !types[0].DeprecatedSince.Equal(time.Unix(2, 0)) {
		t.Errorf("listed %+v", types)
	}
	if acts, err := eng.ListActivityTypes(ctx, engine.TypeRegistered, "x"); err != nil || len(acts) != 0 {
		t.Errorf("%v, %v", acts, err)
	}
	if err := eng.DeprecateWorkflowType(ctx, engine.WorkflowType{Name: "B", Version: "1"}); err != nil {
		t.Fatal(err)
	}
	if err := eng.DeprecateActivityType(ctx, engine.ActivityType{Name: "a", Version: "1"}); !errors.Is(err, engine.ErrTypeDeprecated) {
		t.Errorf("got %v, want ErrTypeDeprecated", err)
	}
	var sawList bool
	for _, r := range f.requests() {
		if r.target == "ListActivityTypes" {
			sawList = true
			jsonEqual(t, r.target, r.body, `{"domain":"dom","registrationStatus":"REGISTERED","name":"x","maximumPageSize":1000}`)
		}
		if r.target == "DeprecateWorkflowType" {
			jsonEqual(t, r.target, r.body, `{"domain":"dom","workflowType":{"name":"B","version":"1"}}`)
		}
	}
	if !sawList {
		t.Error("ListActivityTypes was not called")
	}
}
