package swfserver_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/swfserver"
)

// TestWorkflowByHand drives one workflow through the SDK, as a decider and
// an activity worker would: start, decide (an activity and a timer), run the
// activity with a heartbeat, decide again, complete, then read it back.
func TestWorkflowByHand(t *testing.T) {
	e := newEnv(t, swfserver.Options{})
	e.setup()
	ctx := e.ctx()
	before := time.Now().Add(-time.Second)
	run := e.start("order-1", `[[2], {}]`)

	n := ok(e.c.CountPendingDecisionTasks(ctx, &swf.CountPendingDecisionTasksInput{Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("decisions")}})).get(t)
	if n.Count != 1 {
		t.Errorf("pending decision tasks: %d, want 1", n.Count)
	}

	// First decision task: the run's first three events.
	dt := e.pollDecision()
	if got := eventTypes(dt.Events); !slices.Equal(got, []string{"WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted"}) {
		t.Fatalf("first decision task events %v", got)
	}
	if dt.StartedEventId != 3 || dt.PreviousStartedEventId != 0 || aws.ToString(dt.WorkflowExecution.RunId) != run ||
		aws.ToString(dt.WorkflowExecution.WorkflowId) != "order-1" || aws.ToString(dt.WorkflowType.Name) != "wf" || dt.NextPageToken != nil {
		t.Errorf("decision task %+v", dt)
	}
	st := dt.Events[0].WorkflowExecutionStartedEventAttributes
	if aws.ToString(st.Input) != `[[2], {}]` || aws.ToString(st.TaskList.Name) != "decisions" || st.ChildPolicy != types.ChildPolicyTerminate ||
		aws.ToString(st.TaskStartToCloseTimeout) != "10" || aws.ToString(st.ExecutionStartToCloseTimeout) != "3600" ||
		!slices.Equal(st.TagList, []string{"tag-order-1"}) || dt.Events[0].EventTimestamp.Before(before) {
		t.Errorf("started attributes %+v at %v", st, dt.Events[0].EventTimestamp)
	}
	if a := dt.Events[2].DecisionTaskStartedEventAttributes; aws.ToString(a.Identity) != "decider-1" || a.ScheduledEventId != 2 {
		t.Errorf("decision task started %+v", a)
	}
	ok(e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{
		TaskToken:        dt.TaskToken,
		ExecutionContext: aws.String("ctx-1"),
		Decisions: []types.Decision{
			{DecisionType: types.DecisionTypeScheduleActivityTask, ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
				ActivityId: aws.String("square-0-0"), ActivityType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("1")},
				Input: aws.String(`[[2], {}]`), HeartbeatTimeout: aws.String("30"),
			}},
			{DecisionType: types.DecisionTypeStartTimer, StartTimerDecisionAttributes: &types.StartTimerDecisionAttributes{
				TimerId: aws.String("square-0-0:t"), StartToFireTimeout: aws.String("1"),
			}},
		},
	})).get(t)

	// The activity, with a heartbeat.
	pa := ok(e.c.CountPendingActivityTasks(ctx, &swf.CountPendingActivityTasksInput{Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("activities")}})).get(t)
	if pa.Count != 1 {
		t.Errorf("pending activity tasks: %d, want 1", pa.Count)
	}
	at := e.pollActivity()
	if aws.ToString(at.ActivityId) != "square-0-0" || aws.ToString(at.Input) != `[[2], {}]` || aws.ToString(at.ActivityType.Name) != "act" ||
		aws.ToString(at.WorkflowExecution.RunId) != run || at.StartedEventId != 7 {
		t.Errorf("activity task %+v", at)
	}
	hb := ok(e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken, Details: aws.String("half")})).get(t)
	if hb.CancelRequested {
		t.Error("heartbeat: cancel requested")
	}
	ok(e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: at.TaskToken, Result: aws.String("4")})).get(t)
	_, err := e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: at.TaskToken, Result: aws.String("5")})
	wantCode(t, "completing twice", err, "UnknownResourceFault", "")

	// Wait for the timer, so that the next decision task sees it fire too.
	exec := &types.WorkflowExecution{WorkflowId: aws.String("order-1"), RunId: aws.String(run)}
	deadline := time.Now().Add(5 * time.Second)
	for {
		d := ok(e.c.DescribeWorkflowExecution(ctx, &swf.DescribeWorkflowExecutionInput{Domain: aws.String("d"), Execution: exec})).get(t)
		if d.OpenCounts.OpenTimers == 0 {
			if d.OpenCounts.OpenDecisionTasks != 1 || d.OpenCounts.OpenActivityTasks != 0 || aws.ToString(d.LatestExecutionContext) != "ctx-1" ||
				d.LatestActivityTaskTimestamp == nil || d.ExecutionInfo.ExecutionStatus != types.ExecutionStatusOpen {
				t.Errorf("open execution described as %+v, counts %+v", d.ExecutionInfo, d.OpenCounts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the timer did not fire")
		}
		time.Sleep(50 * time.Millisecond)
	}

	dt = e.pollDecision()
	want := []string{"WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
		"ActivityTaskScheduled", "TimerStarted", "DecisionTaskScheduled", "ActivityTaskStarted", "ActivityTaskCompleted", "TimerFired", "DecisionTaskStarted"}
	// The decision task scheduled by the completion may come before or
	// after the started event, depending on the engine; check the set.
	got := eventTypes(dt.Events)
	if !sameMultiset(got, want) || dt.PreviousStartedEventId != 3 || dt.StartedEventId != int64(len(got)) {
		t.Fatalf("second decision task: events %v (previous %d, started %d), want %v", got, dt.PreviousStartedEventId, dt.StartedEventId, want)
	}
	for _, ev := range dt.Events {
		switch ev.EventType {
		case types.EventTypeDecisionTaskCompleted:
			a := ev.DecisionTaskCompletedEventAttributes
			if a.ScheduledEventId != 2 || a.StartedEventId != 3 || aws.ToString(a.ExecutionContext) != "ctx-1" {
				t.Errorf("DecisionTaskCompleted %+v", a)
			}
		case types.EventTypeActivityTaskScheduled:
			a := ev.ActivityTaskScheduledEventAttributes
			if aws.ToString(a.ActivityId) != "square-0-0" || aws.ToString(a.TaskList.Name) != "activities" || aws.ToString(a.HeartbeatTimeout) != "30" ||
				aws.ToString(a.StartToCloseTimeout) != "60" || aws.ToString(a.ScheduleToStartTimeout) != "60" || aws.ToString(a.ScheduleToCloseTimeout) != "120" ||
				a.DecisionTaskCompletedEventId != 4 || aws.ToString(a.Input) != `[[2], {}]` {
				t.Errorf("ActivityTaskScheduled %+v", a)
			}
		case types.EventTypeTimerStarted:
			a := ev.TimerStartedEventAttributes
			if aws.ToString(a.TimerId) != "square-0-0:t" || aws.ToString(a.StartToFireTimeout) != "1" || a.DecisionTaskCompletedEventId != 4 {
				t.Errorf("TimerStarted %+v", a)
			}
		case types.EventTypeActivityTaskStarted:
			if a := ev.ActivityTaskStartedEventAttributes; aws.ToString(a.Identity) != "worker-1" || a.ScheduledEventId != 5 {
				t.Errorf("ActivityTaskStarted %+v", a)
			}
		case types.EventTypeActivityTaskCompleted:
			if a := ev.ActivityTaskCompletedEventAttributes; aws.ToString(a.Result) != "4" || a.ScheduledEventId != 5 || a.StartedEventId != at.StartedEventId {
				t.Errorf("ActivityTaskCompleted %+v", a)
			}
		case types.EventTypeTimerFired:
			if a := ev.TimerFiredEventAttributes; aws.ToString(a.TimerId) != "square-0-0:t" || a.StartedEventId != 6 {
				t.Errorf("TimerFired %+v", a)
			}
		}
	}
	ok(e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{
		TaskToken: dt.TaskToken,
		Decisions: []types.Decision{{DecisionType: types.DecisionTypeCompleteWorkflowExecution,
			CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{Result: aws.String(`"done"`)}}},
	})).get(t)

	// History: whole, and in pages of 3 both ways, through the SDK's
	// paginator.
	full := e.history("order-1", run)
	if last := full[len(full)-1]; last.EventType != types.EventTypeWorkflowExecutionCompleted ||
		aws.ToString(last.WorkflowExecutionCompletedEventAttributes.Result) != `"done"` {
		t.Fatalf("last event %+v", last)
	}
	for _, reverse := range []bool{false, true} {
		p := swf.NewGetWorkflowExecutionHistoryPaginator(e.c, &swf.GetWorkflowExecutionHistoryInput{
			Domain: aws.String("d"), Execution: exec, MaximumPageSize: 3, ReverseOrder: reverse,
		})
		var ids []int64
		pages := 0
		for p.HasMorePages() {
			out := ok(p.NextPage(ctx)).get(t)
			pages++
			if len(out.Events) > 3 {
				t.Errorf("page of %d events", len(out.Events))
			}
			for _, ev := range out.Events {
				ids = append(ids, ev.EventId)
			}
		}
		var want []int64
		for i := range full {
			want = append(want, int64(i+1))
		}
		if reverse {
			slices.Reverse(want)
		}
		if !slices.Equal(ids, want) || pages != (len(full)+2)/3 {
			t.Errorf("reverse %v: %d pages of ids %v, want %v", reverse, pages, ids, want)
		}
	}

	// Describe, list and count the closed run.
	d := ok(e.c.DescribeWorkflowExecution(ctx, &swf.DescribeWorkflowExecutionInput{Domain: aws.String("d"), Execution: exec})).get(t)
	if d.ExecutionInfo.ExecutionStatus != types.ExecutionStatusClosed || d.ExecutionInfo.CloseStatus != types.CloseStatusCompleted ||
		d.ExecutionInfo.CloseTimestamp == nil || aws.ToString(d.ExecutionConfiguration.TaskList.Name) != "decisions" ||
		aws.ToString(d.ExecutionConfiguration.TaskStartToCloseTimeout) != "10" || d.ExecutionConfiguration.ChildPolicy != types.ChildPolicyTerminate ||
		d.OpenCounts.OpenDecisionTasks != 0 || d.OpenCounts.OpenTimers != 0 || !slices.Equal(d.ExecutionInfo.TagList, []string{"tag-order-1"}) {
		t.Errorf("closed execution described as %+v %+v %+v", d.ExecutionInfo, d.ExecutionConfiguration, d.OpenCounts)
	}
	since := &types.ExecutionTimeFilter{OldestDate: aws.Time(before)}
	closed := ok(e.c.ListClosedWorkflowExecutions(ctx, &swf.ListClosedWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since})).get(t)
	if len(closed.ExecutionInfos) != 1 || aws.ToString(closed.ExecutionInfos[0].Execution.RunId) != run || closed.ExecutionInfos[0].CloseStatus != types.CloseStatusCompleted {
		t.Errorf("closed executions %+v", closed.ExecutionInfos)
	}
	open := ok(e.c.ListOpenWorkflowExecutions(ctx, &swf.ListOpenWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since})).get(t)
	if len(open.ExecutionInfos) != 0 {
		t.Errorf("open executions %+v", open.ExecutionInfos)
	}
	co := ok(e.c.CountOpenWorkflowExecutions(ctx, &swf.CountOpenWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since})).get(t)
	cc := ok(e.c.CountClosedWorkflowExecutions(ctx, &swf.CountClosedWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since,
		CloseStatusFilter: &types.CloseStatusFilter{Status: types.CloseStatusCompleted}})).get(t)
	if co.Count != 0 || cc.Count != 1 || co.Truncated || cc.Truncated {
		t.Errorf("counts: %d open, %d closed", co.Count, cc.Count)
	}
}

// sameMultiset reports whether a and b hold the same strings, in any order.
func sameMultiset(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
