package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/engine"
)

// Cases returns the suite's cases (fresh values on every call).
func Cases() []Case {
	return []Case{
		{Name: "NoTask", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("NoTask", NoTask{}, nil)},
				Args:      []any{4, 2},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "42")
					wantDecisions(t, o, "CompleteWorkflowExecution 42")
				},
			}
		}},
		{Name: "Keywords", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("Keywords", Keywords{}, map[string]flowy.Dep{"KW": act("kw")})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, `["1x-", "2y3", "3z4"]`)
					wantDecisions(t, o,
						`ScheduleActivityTask KW-0-0 [[1], {"b": "x"}]`,
						`ScheduleActivityTask KW-1-0 [[2, "y", 3], {}]`,
						`ScheduleActivityTask KW-2-0 [[], {"a": 3, "b": "z", "c": 4}]`,
						`CompleteWorkflowExecution ["1x-", "2y3", "3z4"]`)
				},
			}
		}},
		{Name: "Chain", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("Chain", Chain{}, map[string]flowy.Dep{"Square": act("square")})},
				Activities: acts(s),
				Args:       []any{2},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "256")
					wantDecisions(t, o,
						"ScheduleActivityTask Square-0-0 [[2], {}]",
						"ScheduleActivityTask Square-1-0 [[4], {}]",
						"ScheduleActivityTask Square-2-0 [[16], {}]",
						"CompleteWorkflowExecution 256")
					wantDeps(t, o, "Square-0-0")
					wantDeps(t, o, "Square-1-0", "Square-0")
					wantDeps(t, o, "Square-2-0", "Square-1")
				},
			}
		}},
		{Name: "Parallel", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("Parallel", Parallel{}, map[string]flowy.Dep{"Square": act("square")})},
				Activities: acts(s),
				Args:       []any{5},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "55")
					if got := firstBatch(o.History); len(got) != 5 {
						t.Errorf("the first decision scheduled %v, want all 5 squares at once", got)
					}
				},
			}
		}},
		{Name: "UnhandledError", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("UnhandledError", UnhandledError{}, map[string]flowy.Dep{"Fail": act("fail")})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					we := wantFailure(t, o, "task Fail-0 failed: it broke")
					if we != nil && we.Kind != "boom" {
						t.Errorf("failure kind %q, want boom", we.Kind)
					}
				},
			}
		}},
		{Name: "Wait", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("Wait", WaitAll{}, map[string]flowy.Dep{
					"Square": act("square"), "Sleep": act("sleep"), "Fail": act("fail")})},
				Activities: acts(s),
				Check:      func(t *testing.T, o *Outcome) { wantResult(t, o, `"25 7 true"`) },
			}
		}},
		{Name: "Restart", Needs: []Feature{ContinueAsNew}, Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("Restart", Restart{}, map[string]flowy.Dep{"Square": act("square")})},
				Activities: acts(s),
				Args:       []any{2},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "49")
					st, ok := o.History[0].Attr.(*engine.WorkflowExecutionStarted)
					if !ok || st.ContinuedExecutionRunID == "" || st.Input != "[[0], {}]" {
						t.Errorf("the last run started with %+v, want input [[0], {}] continued from another run", o.History[0].Attr)
					}
				},
			}
		}},
		{Name: "DoubleDependency", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("DoubleDependency", DoubleDependency{}, map[string]flowy.Dep{
					"Square": act("square"), "Add": act("add")})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "21")
					wantDecisionsUnordered(t, o,
						"ScheduleActivityTask Square-0-0 [[2], {}]",
						"ScheduleActivityTask Square-1-0 [[3], {}]",
						"ScheduleActivityTask Add-0-0 [[4, 9], {}]",
						"ScheduleActivityTask Add-1-0 [[4, 4], {}]",
						"ScheduleActivityTask Add-2-0 [[13, 8], {}]",
						"CompleteWorkflowExecution 21")
					wantDeps(t, o, "Add-0-0", "Square-0", "Square-1")
					wantDeps(t, o, "Add-1-0", "Square-0")
					wantDeps(t, o, "Add-2-0", "Add-0", "Add-1")
				},
			}
		}},
		{Name: "First", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("First", First{}, map[string]flowy.Dep{"Sleep": act("sleep")})},
				Activities: acts(s),
				Check:      func(t *testing.T, o *Outcome) { wantResult(t, o, "2") },
			}
		}},
		{Name: "FinishOrder", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("FinishOrder", FinishOrder{}, map[string]flowy.Dep{"Sleep": act("sleep")})},
				Activities: acts(s),
				Check:      func(t *testing.T, o *Outcome) { wantResult(t, o, "[2, 1, 3]") },
			}
		}},
		{Name: "ParallelReduce", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("ParallelReduce", ParallelReduce{}, map[string]flowy.Dep{
					"Square": act("square"), "Add": act("add")})},
				Activities: acts(s),
				Args:       []any{8},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "204")
					if n := countPrefix(Decisions(o.History), "ScheduleActivityTask Add-"); n != 7 {
						t.Errorf("%d reductions, want 7", n)
					}
					for _, e := range o.History {
						if a, ok := e.Attr.(*engine.ActivityTaskScheduled); ok && strings.HasPrefix(a.ActivityID, "Add-") {
							if deps := decider.ParseControl(a.Control).Deps; len(deps) != 2 {
								t.Errorf("%s depends on %v, want two results", a.ActivityID, deps)
							}
						}
					}
				},
			}
		}},
		{Name: "ParallelReduceMixed", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("ParallelReduceMixed", ParallelReduceMixed{}, map[string]flowy.Dep{
					"Square": act("square"), "Add": act("add")})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "115")
					if n := countPrefix(Decisions(o.History), "ScheduleActivityTask Add-"); n != 3 {
						t.Errorf("%d reductions, want 3", n)
					}
				},
			}
		}},
		{Name: "ParallelReduceFunc", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("ParallelReduceFunc", ParallelReduceFunc{}, map[string]flowy.Dep{
					"Square": act("square"), "Add": act("add")})},
				Activities: acts(s),
				Args:       []any{5},
				Check:      func(t *testing.T, o *Outcome) { wantResult(t, o, "55") },
			}
		}},
		{Name: "NestedErrorHandled", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("NestedErrorHandled", NestedErrorHandled{}, map[string]flowy.Dep{
					"Square": act("square"), "Fail": act("fail"), "Echo": act("echo")})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, `"handled: task Fail-0 failed: nested; echo of ok: {\"A\": 4, \"B\": [9, {\"k\": 16}]}"`)
					for _, d := range Decisions(o.History) {
						if strings.HasPrefix(d, "ScheduleActivityTask Echo-0-") {
							t.Errorf("the call with a failed argument was scheduled: %s", d)
						}
					}
				},
			}
		}},
		{Name: "NestedErrorUnhandled", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("NestedErrorUnhandled", NestedErrorUnhandled{}, map[string]flowy.Dep{
					"FailAfter": act("failAfter"), "Echo": act("echo")})},
				Activities: acts(s),
				Check:      func(t *testing.T, o *Outcome) { wantFailure(t, o, "task FailAfter-1 failed: early") },
			}
		}},
		{Name: "RetryTimeout", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("RetryTimeout", Flaky{}, map[string]flowy.Dep{
					"Flaky": {Activity: "flaky", StartToClose: s.D(150 * time.Millisecond)}})},
				Activities: append(acts(s), flaky("flaky", 2, "", s)),
				Args:       []any{7},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "7")
					wantDecisions(t, o,
						"ScheduleActivityTask Flaky-0-0 [[7], {}]",
						"ScheduleActivityTask Flaky-0-1 [[7], {}]",
						"ScheduleActivityTask Flaky-0-2 [[7], {}]",
						"CompleteWorkflowExecution 7")
				},
			}
		}},
		{Name: "RetryTimeoutDelay", Needs: []Feature{Timers}, Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("RetryTimeoutDelay", Flaky{}, map[string]flowy.Dep{
					"Flaky": {Activity: "flaky", StartToClose: s.D(150 * time.Millisecond), Retry: []time.Duration{0, s.D(100 * time.Millisecond)}}})},
				Activities: append(acts(s), flaky("flaky", 1, "", s)),
				Args:       []any{7},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "7")
					wantDecisions(t, o,
						"ScheduleActivityTask Flaky-0-0 [[7], {}]",
						"StartTimer Flaky-0-1:t",
						"ScheduleActivityTask Flaky-0-1 [[7], {}]",
						"CompleteWorkflowExecution 7")
				},
			}
		}},
		{Name: "RetryTimeoutExhausted", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("RetryTimeoutExhausted", FlakyHandled{}, map[string]flowy.Dep{
					"Flaky": {Activity: "flaky", ScheduleToClose: s.D(100 * time.Millisecond), Retry: []time.Duration{0, 0}}})},
				Activities: append(acts(s), flaky("flaky", 10, "", s)),
				Check:      func(t *testing.T, o *Outcome) { wantResult(t, o, `"timed out: Flaky-0 SCHEDULE_TO_CLOSE 2"`) },
			}
		}},
		{Name: "RetryPolicy", Needs: []Feature{Timers}, Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("RetryPolicy", Flaky{}, map[string]flowy.Dep{
					"Flaky": {Activity: "flaky", RetryPolicy: &flowy.RetryPolicy{MaxAttempts: 5, InitialInterval: s.D(20 * time.Millisecond)}}})},
				Activities: append(acts(s), flaky("flaky", 2, "transient", s)),
				Args:       []any{7},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "7")
					wantDecisions(t, o,
						"ScheduleActivityTask Flaky-0-0 [[7], {}]",
						"StartTimer Flaky-0-1:t",
						"ScheduleActivityTask Flaky-0-1 [[7], {}]",
						"StartTimer Flaky-0-2:t",
						"ScheduleActivityTask Flaky-0-2 [[7], {}]",
						"CompleteWorkflowExecution 7")
				},
			}
		}},
		{Name: "RetryPolicyNonRetryable", Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{workflow("RetryPolicyNonRetryable", FlakyHandled{}, map[string]flowy.Dep{
					"Flaky": {Activity: "flaky", RetryPolicy: &flowy.RetryPolicy{MaxAttempts: 5, NonRetryable: []string{"fatal"}}}})},
				Activities: append(acts(s), flaky("flaky", 3, "fatal", s)),
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, `"failed: Flaky-0 fatal attempt 1 fails"`)
					wantDecisions(t, o, "ScheduleActivityTask Flaky-0-0 [[1], {}]", `CompleteWorkflowExecution "failed: Flaky-0 fatal attempt 1 fails"`)
				},
			}
		}},
		{Name: "ChildWorkflow", Needs: []Feature{ChildWorkflows}, Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{
					workflow("Parent", Parent{}, map[string]flowy.Dep{"Child": {Workflow: "Child"}}),
					workflow("Child", Child{}, map[string]flowy.Dep{"Square": act("square"), "Fail": act("fail"), "Sleep": act("sleep")}),
				},
				Activities: acts(s),
				Args:       []any{5},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "26")
					wantDecisions(t, o, "StartChildWorkflowExecution Child-0-0 [[5], {}]", "CompleteWorkflowExecution 26")
				},
			}
		}},
		{Name: "ChildWorkflowFails", Needs: []Feature{ChildWorkflows}, Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{
					workflow("Parent", Parent{}, map[string]flowy.Dep{"Child": {Workflow: "Child"}}),
					workflow("Child", Child{}, map[string]flowy.Dep{"Square": act("square"), "Fail": act("fail"), "Sleep": act("sleep")}),
				},
				Activities: acts(s),
				Args:       []any{-1},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, `"child failed: Child-0: task Fail-0 failed: negative"`)
				},
			}
		}},
		{Name: "ChildWorkflowTimesOut", Needs: []Feature{ChildWorkflows}, Build: func(s Scale) Setup {
			return Setup{
				Workflows: []*flowy.Workflow{
					workflow("Parent", Parent{}, map[string]flowy.Dep{"Child": {Workflow: "Child", ExecutionTimeout: s.D(300 * time.Millisecond), Retry: []time.Duration{0}}}),
					workflow("Child", Child{}, map[string]flowy.Dep{"Square": act("square"), "Fail": act("fail"), "Sleep": act("sleep")}),
				},
				Activities: acts(s),
				Args:       []any{1000},
				Check:      func(t *testing.T, o *Outcome) { wantResult(t, o, `"child timed out: Child-0 START_TO_CLOSE"`) },
			}
		}},
		{Name: "RateLimit", Build: func(s Scale) Setup {
			wf := workflow("RateLimit", RateLimited{}, map[string]flowy.Dep{"Sleep": act("sleep")})
			wf.RateLimit = 2
			return Setup{
				Workflows:  []*flowy.Workflow{wf},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, "21")
					if most := mostRunning(o.History); most != 2 {
						t.Errorf("at most %d activities ran at once, want 2 (the rate limit)", most)
					}
				},
			}
		}},
		{Name: "Nondeterminism", Build: func(s Scale) Setup {
			started, release := make(chan struct{}), make(chan struct{})
			var once atomic.Bool
			variant := &atomic.Bool{}
			return Setup{
				Workflows: []*flowy.Workflow{workflow("Nondeterminism", Nondeterministic{Variant: variant}, map[string]flowy.Dep{
					"A": act("blocking"), "B": act("square")})},
				Activities: append(acts(s), &flowy.Activity{Name: "blocking", Func: func(ctx context.Context, x int) (int, error) {
					if once.CompareAndSwap(false, true) {
						close(started)
					}
					select {
					case <-release:
						return x, nil
					case <-ctx.Done():
						return 0, ctx.Err()
					}
				}}),
				NoCrossCheck: true,
				During: func(t *testing.T, h *Harness) {
					select {
					case <-started:
					case <-h.Context.Done():
						t.Fatal("the activity never started")
					}
					h.StopDeciders() // a deploy: new code, new process, no cache
					variant.Store(true)
					close(release)
					h.StartDeciders()
				},
				Check: func(t *testing.T, o *Outcome) {
					we := wantFailure(t, o, "nondeterministic workflow code")
					if we != nil && (!strings.Contains(we.Message, "A-0-0") || !strings.Contains(we.Message, "B-0-0")) {
						t.Errorf("the nondeterminism error should name both tasks: %s", we.Message)
					}
				},
			}
		}},
		{Name: "OversizeInput", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("OversizeInput", Oversize{}, map[string]flowy.Dep{"Echo": act("echo"), "Big": act("big")})},
				Activities: acts(s),
				Args:       []any{"input"},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, `"Echo-0: input too large: 40010 characters (limit 32768)"`)
					wantDecisions(t, o, `CompleteWorkflowExecution "Echo-0: input too large: 40010 characters (limit 32768)"`)
				},
			}
		}},
		{Name: "OversizeActivityResult", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("OversizeActivityResult", Oversize{}, map[string]flowy.Dep{"Echo": act("echo"), "Big": act("big")})},
				Activities: acts(s),
				Args:       []any{"activity"},
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, `"Big-0: flowy: result of activity Big-0-0 too large: 40002 characters (limit 32768)"`)
				},
			}
		}},
		{Name: "OversizeWorkflowResult", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("OversizeWorkflowResult", Oversize{}, map[string]flowy.Dep{"Echo": act("echo"), "Big": act("big")})},
				Activities: acts(s),
				Args:       []any{"workflow"},
				Check: func(t *testing.T, o *Outcome) {
					wantFailure(t, o, "the workflow's result is too large: 40002 characters (limit 32768)")
				},
			}
		}},
		{Name: "WorkflowPanic", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("WorkflowPanic", Panics{}, map[string]flowy.Dep{"Square": act("square")})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					we := wantFailure(t, o, "panic in workflow code: workflow kaboom")
					if we != nil && (we.Kind != "panic" || !strings.Contains(we.Message, "conformance.Panics.Run")) {
						t.Errorf("want kind panic and a stack naming Panics.Run, got kind %q message %q", we.Kind, we.Message)
					}
				},
			}
		}},
		{Name: "ActivityPanic", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("ActivityPanic", Handled{}, map[string]flowy.Dep{"T": act("boom")})},
				Activities: acts(s),
				Check:      func(t *testing.T, o *Outcome) { wantResult(t, o, `"T-0 panic panic: activity kaboom"`) },
			}
		}},
		{Name: "UnknownActivityType", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("UnknownActivityType", Handled{}, map[string]flowy.Dep{"T": {Activity: "nosuch", Version: "3"}})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, `"T-0  cannot schedule activity nosuch/3: TYPE_DOES_NOT_EXIST"`)
				},
			}
		}},
		{Name: "BadArguments", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("BadArguments", BadArguments{}, map[string]flowy.Dep{"Square": act("square")})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					wantResult(t, o, `"Square-0 bad-input activity square/1: bad input: argument 1: json: cannot unmarshal string into Go value of type int"`)
				},
			}
		}},
		{Name: "WrongResultType", Build: func(s Scale) Setup {
			return Setup{
				Workflows:  []*flowy.Workflow{workflow("WrongResultType", WrongResultType{}, map[string]flowy.Dep{"Square": act("square")})},
				Activities: acts(s),
				Check: func(t *testing.T, o *Outcome) {
					wantFailure(t, o, `flowy: decoding result "9" as string: json: cannot unmarshal number into Go value of type string`)
				},
			}
		}},
		{Name: "HeartbeatTimeout", Needs: []Feature{Heartbeat}, Build: func(s Scale) Setup {
			beats := &flowy.Activity{Name: "beats", Func: func(ctx context.Context, n int) (int, error) {
				for i := range n {
					if err := sleep(ctx, s.D(40*time.Millisecond)); err != nil {
						return 0, err
					}
					if err := flowy.Heartbeat(ctx, i); err != nil {
						return 0, err
					}
				}
				return n, nil
			}}
			return Setup{
				Workflows: []*flowy.Workflow{workflow("HeartbeatTimeout", Heartbeats{}, map[string]flowy.Dep{
					"Beats": {Activity: "beats", Heartbeat: s.D(200 * time.Millisecond), Retry: []time.Duration{0}},
					"Quiet": {Activity: "sleep", Heartbeat: s.D(200 * time.Millisecond), Retry: []time.Duration{0}},
				})},
				Activities: append(acts(s), beats),
				Check:      func(t *testing.T, o *Outcome) { wantResult(t, o, `"8 Quiet-0 HEARTBEAT"`) },
			}
		}},
	}
}

// ---- checks ----

func wantResult(t *testing.T, o *Outcome, want string) {
	t.Helper()
	if o.Err != nil {
		t.Errorf("workflow failed: %v, want result %s", o.Err, want)
		if we, ok := o.Err.(*client.WorkflowError); ok {
			t.Logf("failure message: %s", we.Message)
		}
		return
	}
	if o.Result != want {
		t.Errorf("result %s, want %s", o.Result, want)
	}
}

func wantFailure(t *testing.T, o *Outcome, substr string) *client.WorkflowError {
	t.Helper()
	var we *client.WorkflowError
	if !errors.As(o.Err, &we) {
		t.Errorf("workflow ended with result %s and error %v, want a failure containing %q", o.Result, o.Err, substr)
		return nil
	}
	if we.Status != engine.StatusFailed || !strings.Contains(we.Message, substr) {
		t.Errorf("workflow %s with %q, want a failure containing %q", we.Status, we.Message, substr)
	}
	return we
}

func wantDecisions(t *testing.T, o *Outcome, want ...string) {
	t.Helper()
	got := Decisions(o.History)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("decisions:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func wantDecisionsUnordered(t *testing.T, o *Outcome, want ...string) {
	t.Helper()
	got := Decisions(o.History)
	count := map[string]int{}
	for _, g := range got {
		count[g]++
	}
	for _, w := range want {
		count[w]--
	}
	for k, n := range count {
		if n != 0 {
			t.Errorf("decisions:\n  %s\nwant (in any order):\n  %s\n(%q differs by %d)", strings.Join(got, "\n  "), strings.Join(want, "\n  "), k, n)
			return
		}
	}
}

func countPrefix(ss []string, prefix string) int {
	n := 0
	for _, s := range ss {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// wantDeps checks the dependencies recorded in the control field of an
// activity attempt's scheduling.
func wantDeps(t *testing.T, o *Outcome, activityID string, deps ...string) {
	t.Helper()
	for _, e := range o.History {
		if a, ok := e.Attr.(*engine.ActivityTaskScheduled); ok && a.ActivityID == activityID {
			if got := decider.ParseControl(a.Control).Deps; strings.Join(got, ",") != strings.Join(deps, ",") {
				t.Errorf("%s recorded dependencies %v (control %q), want %v", activityID, got, a.Control, deps)
			}
			return
		}
	}
	t.Errorf("%s was not scheduled", activityID)
}

// firstBatch returns the activity ids scheduled by the first decision task.
func firstBatch(events []engine.Event) []string {
	var ids []string
	var first int64
	for _, e := range events {
		if a, ok := e.Attr.(*engine.ActivityTaskScheduled); ok {
			if first == 0 {
				first = a.DecisionTaskCompletedEventID
			}
			if a.DecisionTaskCompletedEventID == first {
				ids = append(ids, a.ActivityID)
			}
		}
	}
	return ids
}

// mostRunning returns the most activities that were scheduled and not yet
// closed at any point of the history.
func mostRunning(events []engine.Event) int {
	running, most := 0, 0
	for _, e := range events {
		switch e.Attr.(type) {
		case *engine.ActivityTaskScheduled:
			running++
			most = max(most, running)
		case *engine.ActivityTaskCompleted, *engine.ActivityTaskFailed, *engine.ActivityTaskTimedOut:
			running--
		}
	}
	return most
}

// ---- workflows ----

// NoTask computes its result without tasks.
type NoTask struct{}

// Run returns a*10+b.
func (NoTask) Run(a, b int) int { return a*10 + b }

// Keywords calls an activity with positional and keyword arguments.
type Keywords struct{ KW flowy.Task[string] }

// Run calls kw three ways.
func (w Keywords) Run() ([]string, error) {
	rs := []flowy.Result[string]{
		w.KW.Call(1, flowy.Kw{"b": "x"}),
		w.KW.Call(2, "y", 3),
		w.KW.Call(flowy.Kw{"a": 3, "b": "z", "c": 4}),
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		v, err := r.Get()
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Chain squares three times in a row.
type Chain struct{ Square flowy.Task[int] }

// Run returns ((x²)²)².
func (w Chain) Run(x int) flowy.Result[int] {
	return w.Square.Call(w.Square.Call(w.Square.Call(x)))
}

// Parallel squares 1..n at once and sums the squares in Go.
type Parallel struct{ Square flowy.Task[int] }

// Run returns the sum of squares.
func (w Parallel) Run(n int) (int, error) {
	rs := make([]flowy.Result[int], n)
	for i := range rs {
		rs[i] = w.Square.Call(i + 1)
	}
	sum := 0
	for _, r := range rs {
		v, err := r.Get()
		if err != nil {
			return 0, err
		}
		sum += v
	}
	return sum, nil
}

// UnhandledError returns a failed result.
type UnhandledError struct{ Fail flowy.Task[int] }

// Run fails.
func (w UnhandledError) Run() flowy.Result[int] { return w.Fail.Call("it broke") }

// WaitAll waits for results, one failed, before reading them.
type WaitAll struct {
	Square flowy.Task[int]
	Sleep  flowy.Task[int]
	Fail   flowy.Task[int]
}

// Run returns "a+b c failed?".
func (w WaitAll) Run() string {
	a, b, c, d := w.Square.Call(3), w.Square.Call(4), w.Sleep.Call(50, 7), w.Fail.Call("x")
	flowy.Wait(a, b, c, d)
	return fmt.Sprintf("%d %d %v", a.MustGet()+b.MustGet(), c.MustGet(), d.Err() != nil)
}

// Restart restarts itself n times, then returns square(7).
type Restart struct{ Square flowy.Task[int] }

// Run restarts with n-1 while n > 0.
func (w Restart) Run(n int) flowy.Result[int] {
	if n > 0 {
		return flowy.Restart[int](n - 1)
	}
	return w.Square.Call(7)
}

// DoubleDependency has calls with two dependencies, also twice the same one.
type DoubleDependency struct{ Square, Add flowy.Task[int] }

// Run returns (2²+3²) + (2²+2²).
func (w DoubleDependency) Run() flowy.Result[int] {
	a, b := w.Square.Call(2), w.Square.Call(3)
	return w.Add.Call(w.Add.Call(a, b), w.Add.Call(a, a))
}

// First returns the first of three tasks to finish.
type First struct{ Sleep flowy.Task[int] }

// Run returns 2, the fastest.
func (w First) Run() flowy.Result[int] {
	return flowy.First(w.Sleep.Call(300, 1), w.Sleep.Call(20, 2), w.Sleep.Call(600, 3))
}

// FinishOrder returns three results in finish order.
type FinishOrder struct{ Sleep flowy.Task[int] }

// Run returns [2, 1, 3].
func (w FinishOrder) Run() ([]int, error) {
	var out []int
	for _, r := range flowy.FinishOrder(w.Sleep.Call(300, 1), w.Sleep.Call(20, 2), w.Sleep.Call(600, 3)) {
		v, err := r.Get()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ParallelReduce sums squares with ParallelReduce.
type ParallelReduce struct{ Square, Add flowy.Task[int] }

// Run returns 1²+...+n².
func (w ParallelReduce) Run(n int) flowy.Result[int] {
	rs := make([]flowy.Result[int], n)
	for i := range rs {
		rs[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(w.Add, rs)
}

// ParallelReduceMixed mixes plain values with results.
type ParallelReduceMixed struct{ Square, Add flowy.Task[int] }

// Run returns 1 + 10 + 4 + 100.
func (w ParallelReduceMixed) Run() flowy.Result[int] {
	return flowy.ParallelReduce(w.Add, []flowy.Result[int]{w.Square.Call(1), flowy.Value(10), w.Square.Call(2), flowy.Value(100)})
}

// ParallelReduceFunc reduces with a function of two results.
type ParallelReduceFunc struct{ Square, Add flowy.Task[int] }

// Run returns 1²+...+n².
func (w ParallelReduceFunc) Run(n int) flowy.Result[int] {
	rs := make([]flowy.Result[int], n)
	for i := range rs {
		rs[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(flowy.ReduceFunc[int](func(a, b flowy.Result[int]) flowy.Result[int] {
		return w.Add.Call(a, b)
	}), rs)
}

// Nested is an argument structure holding results.
type Nested struct {
	A flowy.Result[int]
	B []any
}

// NestedErrorHandled passes results nested in structures, one failed.
type NestedErrorHandled struct {
	Square, Fail flowy.Task[int]
	Echo         flowy.Task[any]
}

// Run handles the failure of the call whose argument held a failed result.
func (w NestedErrorHandled) Run() (string, error) {
	bad := w.Echo.Call(Nested{A: w.Square.Call(2), B: []any{map[string]any{"f": w.Fail.Call("nested")}}})
	good := w.Echo.Call(Nested{A: w.Square.Call(2), B: []any{w.Square.Call(3), map[string]flowy.Result[int]{"k": w.Square.Call(4)}}})
	_, err := bad.Get()
	var te *flowy.TaskError
	if !errors.As(err, &te) {
		return "", fmt.Errorf("want a TaskError, got %v", err)
	}
	v, err := good.Get()
	if err != nil {
		return "", err
	}
	enc, _ := flowy.JSON.Encode(v)
	return fmt.Sprintf("handled: %v; echo of ok: %s", te, enc), nil
}

// NestedErrorUnhandled passes two failing results; the earliest-finished
// error wins.
type NestedErrorUnhandled struct {
	FailAfter flowy.Task[int]
	Echo      flowy.Task[any]
}

// Run fails with FailAfter-1's error.
func (w NestedErrorUnhandled) Run() flowy.Result[any] {
	late, early := w.FailAfter.Call(400, "late"), w.FailAfter.Call(20, "early")
	return w.Echo.Call(map[string]any{"x": []flowy.Result[int]{late, early}})
}

// Flaky calls a flaky activity.
type Flaky struct{ Flaky flowy.Task[int] }

// Run returns flaky(x).
func (w Flaky) Run(x int) flowy.Result[int] { return w.Flaky.Call(x) }

// FlakyHandled reports how its flaky task ended.
type FlakyHandled struct{ Flaky flowy.Task[int] }

// Run describes the error.
func (w FlakyHandled) Run() string {
	err := w.Flaky.Call(1).Err()
	var to *flowy.TaskTimedout
	var te *flowy.TaskError
	switch {
	case errors.As(err, &to):
		return fmt.Sprintf("timed out: %s %s %d", to.Task, to.TimeoutType, to.Attempts)
	case errors.As(err, &te):
		return fmt.Sprintf("failed: %s %s %s", te.Task, te.Kind, te.Reason)
	}
	return fmt.Sprint("no error: ", err)
}

// Parent calls a child workflow.
type Parent struct{ Child flowy.Task[int] }

// Run returns the child's result or describes its error.
func (w Parent) Run(x int) (any, error) {
	v, err := w.Child.Call(x).Get()
	var to *flowy.TaskTimedout
	var te *flowy.TaskError
	switch {
	case errors.As(err, &to):
		return fmt.Sprintf("child timed out: %s %s", to.Task, to.TimeoutType), nil
	case errors.As(err, &te):
		return fmt.Sprintf("child failed: %s: %s", te.Task, te.Reason), nil
	case err != nil:
		return nil, err
	}
	return v, nil
}

// Child squares x and adds one; fails for negative x; takes x ms first when
// x >= 1000.
type Child struct{ Square, Fail, Sleep flowy.Task[int] }

// Run returns x²+1.
func (w Child) Run(x int) (int, error) {
	if x < 0 {
		return 0, w.Fail.Call("negative").Err()
	}
	if x >= 1000 {
		w.Sleep.Call(x, 0).Err()
	}
	v, err := w.Square.Call(x).Get()
	return v + 1, err
}

// RateLimited runs six tasks under a rate limit of two.
type RateLimited struct{ Sleep flowy.Task[int] }

// Run returns 1+...+6.
func (w RateLimited) Run() (int, error) {
	var rs []flowy.Result[int]
	for i := 1; i <= 6; i++ {
		rs = append(rs, w.Sleep.Call(30, i))
	}
	sum := 0
	for _, r := range rs {
		v, err := r.Get()
		if err != nil {
			return 0, err
		}
		sum += v
	}
	return sum, nil
}

// Nondeterministic calls A or B depending on something outside its input.
type Nondeterministic struct {
	A, B    flowy.Task[int]
	Variant *atomic.Bool
}

// Run calls B when Variant is set, else A.
func (w Nondeterministic) Run() flowy.Result[int] {
	if w.Variant.Load() {
		return w.B.Call(1)
	}
	return w.A.Call(1)
}

// Oversize makes payloads over SWF's limits.
type Oversize struct {
	Echo flowy.Task[any]
	Big  flowy.Task[string]
}

// Run makes an oversize input, activity result or workflow result.
func (w Oversize) Run(what string) (any, error) {
	var err error
	switch what {
	case "input":
		err = w.Echo.Call(strings.Repeat("y", 40000)).Err()
	case "activity":
		err = w.Big.Call(40000).Err()
	case "workflow":
		return strings.Repeat("z", 40000), nil
	}
	var te *flowy.TaskError
	if errors.As(err, &te) {
		return te.Task + ": " + te.Reason, nil
	}
	return nil, fmt.Errorf("want a TaskError, got %v", err)
}

// Panics panics in workflow code after a task.
type Panics struct{ Square flowy.Task[int] }

// Run panics.
func (w Panics) Run() int {
	w.Square.Call(2).MustGet()
	panic("workflow kaboom")
}

// Handled describes how its task failed.
type Handled struct{ T flowy.Task[int] }

// Run returns "TASK KIND REASON" of the failure.
func (w Handled) Run() string {
	var te *flowy.TaskError
	if err := w.T.Call(3).Err(); !errors.As(err, &te) {
		return fmt.Sprint("no task error: ", err)
	}
	return te.Task + " " + te.Kind + " " + te.Reason
}

// BadArguments passes a string to square(int).
type BadArguments struct{ Square flowy.Task[int] }

// Run describes the failure.
func (w BadArguments) Run() string {
	var te *flowy.TaskError
	if err := w.Square.Call("three").Err(); !errors.As(err, &te) {
		return fmt.Sprint("no task error: ", err)
	}
	return te.Task + " " + te.Kind + " " + te.Reason
}

// WrongResultType reads square's int result as a string.
type WrongResultType struct{ Square flowy.Task[string] }

// Run fails with the decoding error.
func (w WrongResultType) Run() (string, error) { return w.Square.Call(3).Get() }

// Heartbeats runs an activity that heartbeats and one that does not.
type Heartbeats struct{ Beats, Quiet flowy.Task[int] }

// Run returns "8 Quiet-0 HEARTBEAT".
func (w Heartbeats) Run() (string, error) {
	n, err := w.Beats.Call(8).Get()
	if err != nil {
		return "", err
	}
	var to *flowy.TaskTimedout
	if err := w.Quiet.Call(1000, 1).Err(); !errors.As(err, &to) {
		return "", fmt.Errorf("want a timeout, got %v", err)
	}
	return fmt.Sprintf("%d %s %s", n, to.Task, to.TimeoutType), nil
}
