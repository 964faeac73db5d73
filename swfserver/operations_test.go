package swfserver_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/swfserver"
)

func TestDomainsAndTypes(t *testing.T) {
	e := newEnv(t, swfserver.Options{})
	ctx := e.ctx()
	for _, name := range []string{"c", "a", "b"} {
		ok(e.c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String(name), Description: aws.String("domain " + name),
			WorkflowExecutionRetentionPeriodInDays: aws.String("7")})).get(t)
	}
	d := ok(e.c.DescribeDomain(ctx, &swf.DescribeDomainInput{Name: aws.String("b")})).get(t)
	if aws.ToString(d.DomainInfo.Name) != "b" || aws.ToString(d.DomainInfo.Description) != "domain b" || d.DomainInfo.Status != types.RegistrationStatusRegistered ||
		aws.ToString(d.Configuration.WorkflowExecutionRetentionPeriodInDays) != "7" {
		t.Errorf("described %+v %+v", d.DomainInfo, d.Configuration)
	}
	ok(e.c.DeprecateDomain(ctx, &swf.DeprecateDomainInput{Name: aws.String("c")})).get(t)

	// Pages of one, both ways, through the SDK's paginator.
	list := func(status types.RegistrationStatus, reverse bool) []string {
		p := swf.NewListDomainsPaginator(e.c, &swf.ListDomainsInput{RegistrationStatus: status, MaximumPageSize: 1, ReverseOrder: reverse})
		var names []string
		for p.HasMorePages() {
			for _, di := range ok(p.NextPage(ctx)).get(t).DomainInfos {
				names = append(names, aws.ToString(di.Name))
			}
		}
		return names
	}
	if got := list(types.RegistrationStatusRegistered, false); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("registered domains %v", got)
	}
	if got := list(types.RegistrationStatusRegistered, true); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("registered domains, reversed %v", got)
	}
	if got := list(types.RegistrationStatusDeprecated, false); !slices.Equal(got, []string{"c"}) {
		t.Errorf("deprecated domains %v", got)
	}

	// Types.
	before := time.Now().Add(-time.Second)
	for _, v := range []string{"2", "1", "3"} {
		ok(e.c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String("a"), Name: aws.String("wf"), Version: aws.String(v),
			DefaultTaskList: &types.TaskList{Name: aws.String("tl" + v)}, DefaultChildPolicy: types.ChildPolicyAbandon,
			DefaultTaskStartToCloseTimeout: aws.String("NONE"), DefaultExecutionStartToCloseTimeout: aws.String("60")})).get(t)
		ok(e.c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String("a"), Name: aws.String("act"), Version: aws.String(v),
			DefaultTaskHeartbeatTimeout: aws.String("5"), DefaultTaskScheduleToCloseTimeout: aws.String("NONE")})).get(t)
	}
	wt := ok(e.c.DescribeWorkflowType(ctx, &swf.DescribeWorkflowTypeInput{Domain: aws.String("a"),
		WorkflowType: &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("2")}})).get(t)
	if c := wt.Configuration; aws.ToString(c.DefaultTaskList.Name) != "tl2" || c.DefaultChildPolicy != types.ChildPolicyAbandon ||
		aws.ToString(c.DefaultTaskStartToCloseTimeout) != "NONE" || aws.ToString(c.DefaultExecutionStartToCloseTimeout) != "60" ||
		wt.TypeInfo.Status != types.RegistrationStatusRegistered || wt.TypeInfo.CreationDate.Before(before) || wt.TypeInfo.DeprecationDate != nil {
		t.Errorf("workflow type %+v %+v", wt.TypeInfo, c)
	}
	at := ok(e.c.DescribeActivityType(ctx, &swf.DescribeActivityTypeInput{Domain: aws.String("a"),
		ActivityType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("1")}})).get(t)
	if c := at.Configuration; aws.ToString(c.DefaultTaskHeartbeatTimeout) != "5" || aws.ToString(c.DefaultTaskScheduleToCloseTimeout) != "NONE" || c.DefaultTaskList != nil {
		t.Errorf("activity type %+v", c)
	}
	ok(e.c.DeprecateActivityType(ctx, &swf.DeprecateActivityTypeInput{Domain: aws.String("a"),
		ActivityType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("2")}})).get(t)
	at = ok(e.c.DescribeActivityType(ctx, &swf.DescribeActivityTypeInput{Domain: aws.String("a"),
		ActivityType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("2")}})).get(t)
	if at.TypeInfo.Status != types.RegistrationStatusDeprecated || at.TypeInfo.DeprecationDate == nil {
		t.Errorf("deprecated activity type %+v", at.TypeInfo)
	}
	var versions []string
	p := swf.NewListWorkflowTypesPaginator(e.c, &swf.ListWorkflowTypesInput{Domain: aws.String("a"), RegistrationStatus: types.RegistrationStatusRegistered,
		Name: aws.String("wf"), MaximumPageSize: 2, ReverseOrder: true})
	for p.HasMorePages() {
		for _, ti := range ok(p.NextPage(ctx)).get(t).TypeInfos {
			versions = append(versions, aws.ToString(ti.WorkflowType.Version))
		}
	}
	if !slices.Equal(versions, []string{"3", "2", "1"}) {
		t.Errorf("workflow type versions %v", versions)
	}
	acts := ok(e.c.ListActivityTypes(ctx, &swf.ListActivityTypesInput{Domain: aws.String("a"), RegistrationStatus: types.RegistrationStatusRegistered})).get(t)
	if len(acts.TypeInfos) != 2 || aws.ToString(acts.TypeInfos[1].ActivityType.Version) != "3" || acts.NextPageToken != nil {
		t.Errorf("activity types %+v", acts.TypeInfos)
	}
	// A page token belongs to its operation and domain.
	first := ok(e.c.ListWorkflowTypes(ctx, &swf.ListWorkflowTypesInput{Domain: aws.String("a"), RegistrationStatus: types.RegistrationStatusRegistered, MaximumPageSize: 1})).get(t)
	_, err := e.c.ListActivityTypes(ctx, &swf.ListActivityTypesInput{Domain: aws.String("a"), RegistrationStatus: types.RegistrationStatusRegistered, NextPageToken: first.NextPageToken})
	wantCode(t, "page token of another operation", err, "ValidationException", "Invalid nextPageToken")
}

// TestSignalsCancelsFailures covers the operations the by-hand workflow does
// not: signals, cancel requests and what activities see of them, failed
// and canceled activities, termination, and the execution filters.
func TestSignalsCancelsFailures(t *testing.T) {
	e := newEnv(t, swfserver.Options{})
	e.setup()
	ctx := e.ctx()
	before := time.Now().Add(-time.Second)
	run := e.start("s-1", "in")
	ok(e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("s-1"),
		SignalName: aws.String("wake"), Input: aws.String("payload")})).get(t)
	_, err := e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("nobody"), SignalName: aws.String("x")})
	wantCode(t, "signal an unknown workflow", err, "UnknownResourceFault", "Unknown execution: WorkflowExecution=[workflowId=nobody, runId=]")

	dt := e.pollDecision()
	sig := dt.Events[len(dt.Events)-2] // the signal, then the decision task started
	if sig.EventType != types.EventTypeWorkflowExecutionSignaled || aws.ToString(sig.WorkflowExecutionSignaledEventAttributes.SignalName) != "wake" ||
		aws.ToString(sig.WorkflowExecutionSignaledEventAttributes.Input) != "payload" {
		t.Fatalf("events %v", eventTypes(dt.Events))
	}
	schedule := func(id string) types.Decision {
		return types.Decision{DecisionType: types.DecisionTypeScheduleActivityTask, ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
			ActivityId: aws.String(id), ActivityType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("1")}}}
	}
	ok(e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken,
		Decisions: []types.Decision{schedule("a"), schedule("b")}})).get(t)
	a, b := e.pollActivity(), e.pollActivity()
	ok(e.c.RespondActivityTaskFailed(ctx, &swf.RespondActivityTaskFailedInput{TaskToken: a.TaskToken, Reason: aws.String("bad input"), Details: aws.String("details")})).get(t)
	_, err = e.c.RespondActivityTaskFailed(ctx, &swf.RespondActivityTaskFailedInput{TaskToken: b.TaskToken, Reason: aws.String(strings.Repeat("r", 257))})
	wantCode(t, "long reason", err, "ValidationException", "at 'reason'")
	_, err = e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: b.TaskToken, Details: aws.String(strings.Repeat("h", 2049))})
	wantCode(t, "long heartbeat details", err, "ValidationException", "less than or equal to 2048")

	ok(e.c.RequestCancelWorkflowExecution(ctx, &swf.RequestCancelWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("s-1")})).get(t)
	if hb := ok(e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: b.TaskToken})).get(t); !hb.CancelRequested {
		t.Error("heartbeat after a cancel request: not canceled")
	}
	ok(e.c.RespondActivityTaskCanceled(ctx, &swf.RespondActivityTaskCanceledInput{TaskToken: b.TaskToken, Details: aws.String("stopped")})).get(t)

	d := ok(e.c.DescribeWorkflowExecution(ctx, &swf.DescribeWorkflowExecutionInput{Domain: aws.String("d"),
		Execution: &types.WorkflowExecution{WorkflowId: aws.String("s-1"), RunId: aws.String(run)}})).get(t)
	if !d.ExecutionInfo.CancelRequested {
		t.Error("described without the cancel request")
	}

	// Terminate: only the run's own child policy may be asked for.
	_, err = e.c.TerminateWorkflowExecution(ctx, &swf.TerminateWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("s-1"), ChildPolicy: types.ChildPolicyAbandon})
	wantCode(t, "terminate with another child policy", err, "OperationNotPermittedFault", "its own child policy, TERMINATE")
	ok(e.c.TerminateWorkflowExecution(ctx, &swf.TerminateWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("s-1"),
		ChildPolicy: types.ChildPolicyTerminate, Reason: aws.String("enough"), Details: aws.String("by the test")})).get(t)
	_, err = e.c.TerminateWorkflowExecution(ctx, &swf.TerminateWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("s-1")})
	wantCode(t, "terminate twice", err, "UnknownResourceFault", "")

	h := e.history("s-1", run)
	var failed []types.ActivityTaskFailedEventAttributes
	for _, ev := range h {
		if ev.ActivityTaskFailedEventAttributes != nil {
			failed = append(failed, *ev.ActivityTaskFailedEventAttributes)
		}
	}
	if len(failed) != 2 || aws.ToString(failed[0].Reason) != "bad input" || aws.ToString(failed[0].Details) != "details" ||
		aws.ToString(failed[1].Reason) != swfserver.CanceledReason || aws.ToString(failed[1].Details) != "stopped" {
		t.Errorf("failed activities %+v", failed)
	}
	last := h[len(h)-1]
	if a := last.WorkflowExecutionTerminatedEventAttributes; a == nil || aws.ToString(a.Reason) != "enough" || aws.ToString(a.Details) != "by the test" ||
		a.ChildPolicy != types.ChildPolicyTerminate {
		t.Errorf("last event %s %+v", last.EventType, a)
	}

	// Filters.
	e.start("s-2", "")
	since := &types.ExecutionTimeFilter{OldestDate: aws.Time(before)}
	closed := func(in *swf.ListClosedWorkflowExecutionsInput) []string {
		in.Domain = aws.String("d")
		var ids []string
		for _, i := range ok(e.c.ListClosedWorkflowExecutions(ctx, in)).get(t).ExecutionInfos {
			ids = append(ids, aws.ToString(i.Execution.WorkflowId))
		}
		return ids
	}
	if got := closed(&swf.ListClosedWorkflowExecutionsInput{StartTimeFilter: since, CloseStatusFilter: &types.CloseStatusFilter{Status: types.CloseStatusTerminated}}); !slices.Equal(got, []string{"s-1"}) {
		t.Errorf("terminated: %v", got)
	}
	if got := closed(&swf.ListClosedWorkflowExecutionsInput{CloseTimeFilter: since, TagFilter: &types.TagFilter{Tag: aws.String("tag-s-1")}}); !slices.Equal(got, []string{"s-1"}) {
		t.Errorf("closed with tag: %v", got)
	}
	if got := closed(&swf.ListClosedWorkflowExecutionsInput{StartTimeFilter: since, CloseStatusFilter: &types.CloseStatusFilter{Status: types.CloseStatusCompleted}}); len(got) != 0 {
		t.Errorf("completed: %v", got)
	}
	_, err = e.c.ListClosedWorkflowExecutions(ctx, &swf.ListClosedWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since,
		ExecutionFilter: &types.WorkflowExecutionFilter{WorkflowId: aws.String("s-1")}, TagFilter: &types.TagFilter{Tag: aws.String("x")}})
	wantCode(t, "two filters", err, "ValidationException", "mutually exclusive")
	_, err = e.c.ListClosedWorkflowExecutions(ctx, &swf.ListClosedWorkflowExecutionsInput{Domain: aws.String("d")})
	wantCode(t, "no time filter", err, "ValidationException", "startTimeFilter or closeTimeFilter")
	open := ok(e.c.ListOpenWorkflowExecutions(ctx, &swf.ListOpenWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since,
		TypeFilter: &types.WorkflowTypeFilter{Name: aws.String("wf")}})).get(t)
	if len(open.ExecutionInfos) != 1 || aws.ToString(open.ExecutionInfos[0].Execution.WorkflowId) != "s-2" {
		t.Errorf("open: %+v", open.ExecutionInfos)
	}
	future := &types.ExecutionTimeFilter{OldestDate: aws.Time(time.Now().Add(time.Hour))}
	if n := ok(e.c.CountOpenWorkflowExecutions(ctx, &swf.CountOpenWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: future})).get(t); n.Count != 0 {
		t.Errorf("open executions started in an hour: %d", n.Count)
	}
}

// TestExecutionPaging lists executions a page at a time while more start.
func TestExecutionPaging(t *testing.T) {
	e := newEnv(t, swfserver.Options{})
	e.setup()
	ctx := e.ctx()
	for i := range 5 {
		e.start(fmt.Sprintf("p-%d", i), "")
	}
	since := &types.ExecutionTimeFilter{OldestDate: aws.Time(time.Now().Add(-time.Minute))}
	for _, reverse := range []bool{false, true} {
		in := &swf.ListOpenWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since, MaximumPageSize: 2, ReverseOrder: reverse}
		var ids []string
		for page := 0; ; page++ {
			out := ok(e.c.ListOpenWorkflowExecutions(ctx, in)).get(t)
			for _, i := range out.ExecutionInfos {
				ids = append(ids, aws.ToString(i.Execution.WorkflowId))
			}
			if page == 0 {
				e.start(fmt.Sprintf("late-%v", reverse), "") // newest: not on the next pages
			}
			if out.NextPageToken == nil {
				break
			}
			in.NextPageToken = out.NextPageToken
		}
		want := []string{"p-4", "p-3", "p-2", "p-1", "p-0"} // newest first
		if reverse {
			want = []string{"p-0", "p-1", "p-2", "p-3", "p-4"}
			want = append(want, "late-false") // started after the first listing, before this one
			want = append(want, "late-true")
		}
		if !slices.Equal(ids, want) {
			t.Errorf("reverse %v: %v, want %v", reverse, ids, want)
		}
	}
}

// TestDecisionTaskPages pages through a long decision task with the SDK's
// paginator, both ways, and answers it.
func TestDecisionTaskPages(t *testing.T) {
	e := newEnv(t, swfserver.Options{PollTimeout: 200 * time.Millisecond})
	e.setup()
	ctx := e.ctx()
	run := e.start("long", "")
	for i := range 20 {
		ok(e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("long"),
			SignalName: aws.String(fmt.Sprint("s", i))})).get(t)
	}
	// First decision task: answer it so that the next has a previous one.
	dt := e.pollDecision()
	if len(dt.Events) != 23 || dt.NextPageToken != nil {
		t.Fatalf("first task: %d events", len(dt.Events))
	}
	ok(e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken})).get(t)
	for i := range 3 {
		ok(e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("long"),
			SignalName: aws.String(fmt.Sprint("t", i))})).get(t)
	}
	// 1-23, completed 24, scheduled 25, 3 signals 26-28, started 29.
	pollIn := func(reverse, fromPrevious bool) *swf.PollForDecisionTaskInput {
		return &swf.PollForDecisionTaskInput{Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("decisions")},
			MaximumPageSize: 5, ReverseOrder: reverse, StartAtPreviousStartedEvent: fromPrevious}
	}
	p := swf.NewPollForDecisionTaskPaginator(e.c, pollIn(false, false))
	var ids []int64
	var token string
	pages := 0
	for p.HasMorePages() {
		out := ok(p.NextPage(ctx)).get(t)
		pages++
		if pages == 1 {
			token = aws.ToString(out.TaskToken)
		} else if aws.ToString(out.TaskToken) != token || out.StartedEventId != 29 || out.PreviousStartedEventId != 23 ||
			aws.ToString(out.WorkflowExecution.RunId) != run || aws.ToString(out.WorkflowType.Name) != "wf" {
			t.Errorf("page %d: %+v", pages, out)
		}
		for _, ev := range out.Events {
			ids = append(ids, ev.EventId)
		}
	}
	if len(ids) != 29 || pages != 6 || ids[0] != 1 || ids[28] != 29 || !slices.IsSorted(ids) {
		t.Errorf("%d pages of events %v", pages, ids)
	}
	// The same task's pages in reverse, from a token of the first page.
	first := ok(e.c.PollForDecisionTask(ctx, pollIn(true, false))).get(t) // no task: it is started
	if first.TaskToken != nil {
		t.Fatal("a second decision task while one is started")
	}
	ok(e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: aws.String(token)})).get(t)
	ok(e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("long"), SignalName: aws.String("u")})).get(t)
	// 30 completed, 31 scheduled, 32 signal, 33 started; from the previous
	// started event (29) backwards.
	p = swf.NewPollForDecisionTaskPaginator(e.c, pollIn(true, true))
	ids = nil
	for p.HasMorePages() {
		for _, ev := range ok(p.NextPage(ctx)).get(t).Events {
			ids = append(ids, ev.EventId)
		}
	}
	if !slices.Equal(ids, []int64{33, 32, 31, 30, 29}) {
		t.Errorf("reverse from the previous started event: %v", ids)
	}
}

// TestContinueAsNewHistory checks that the history of a run that continued
// as new shows the new run's settings, which engines do not record in the
// event.
func TestContinueAsNewHistory(t *testing.T) {
	e := newEnv(t, swfserver.Options{})
	e.setup()
	ctx := e.ctx()
	run := e.start("again", "1")
	dt := e.pollDecision()
	ok(e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken, Decisions: []types.Decision{
		{DecisionType: types.DecisionTypeContinueAsNewWorkflowExecution, ContinueAsNewWorkflowExecutionDecisionAttributes: &types.ContinueAsNewWorkflowExecutionDecisionAttributes{
			Input: aws.String("2"), TaskList: &types.TaskList{Name: aws.String("next")}, TagList: []string{"second"}}}}})).get(t)
	h := e.history("again", run)
	a := h[len(h)-1].WorkflowExecutionContinuedAsNewEventAttributes
	if a == nil || aws.ToString(a.Input) != "2" || aws.ToString(a.TaskList.Name) != "next" || aws.ToString(a.WorkflowType.Name) != "wf" ||
		a.ChildPolicy != types.ChildPolicyTerminate || aws.ToString(a.TaskStartToCloseTimeout) != "10" || !slices.Equal(a.TagList, []string{"second"}) {
		t.Fatalf("continued as new: %+v", a)
	}
	next := e.history("again", aws.ToString(a.NewExecutionRunId))
	if st := next[0].WorkflowExecutionStartedEventAttributes; aws.ToString(st.ContinuedExecutionRunId) != run || aws.ToString(st.Input) != "2" {
		t.Errorf("new run started with %+v", st)
	}
}
