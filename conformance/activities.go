package conformance

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flowy-go/flowy"
)

// acts returns the activities most cases use, with durations scaled by s.
//
//	square(x) = x*x             add(a, b) = a+b
//	fail(msg): fails with kind "boom"
//	sleep(ms, x) = x after ms milliseconds (scaled; stops when canceled)
//	echo(v) = v (any JSON value)
func acts(s Scale) []*flowy.Activity {
	return []*flowy.Activity{
		{Name: "square", Func: func(x int) int { return x * x }},
		{Name: "add", Func: func(a, b int) int { return a + b }},
		{Name: "fail", Func: func(msg string) (int, error) { return 0, flowy.NewError("boom", "%s", msg) }},
		{Name: "sleep", Func: func(ctx context.Context, ms int, x int) (int, error) {
			if err := sleep(ctx, s.D(time.Duration(ms)*time.Millisecond)); err != nil {
				return 0, err
			}
			return x, nil
		}},
		{Name: "failAfter", Func: func(ctx context.Context, ms int, msg string) (int, error) {
			if err := sleep(ctx, s.D(time.Duration(ms)*time.Millisecond)); err != nil {
				return 0, err
			}
			return 0, flowy.NewError("boom", "%s", msg)
		}},
		{Name: "echo", Func: func(v any) any { return v }},
		{Name: "big", Func: func(n int) string { return strings.Repeat("x", n) }},
		{Name: "kw", Params: []string{"a", "b", "c"}, Func: func(a int, b string, c *int) string {
			if c == nil {
				return fmt.Sprintf("%d%s-", a, b)
			}
			return fmt.Sprintf("%d%s%d", a, b, *c)
		}},
		{Name: "boom", Func: func(int) int { panic("activity kaboom") }},
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// flaky returns an activity that misbehaves on its first n attempts (by
// sleeping past any timeout, or failing with the kind) and then returns x.
func flaky(name string, n int, kind string, s Scale) *flowy.Activity {
	var calls atomic.Int32
	return &flowy.Activity{Name: name, Func: func(ctx context.Context, x int) (int, error) {
		if int(calls.Add(1)) > n {
			return x, nil
		}
		if kind != "" {
			return 0, flowy.NewError(kind, "attempt %d fails", calls.Load())
		}
		_ = sleep(ctx, s.D(5*time.Second))
		return 0, ctx.Err()
	}}
}

// workflow builds a workflow type with activity dependencies named after
// the activities.
func workflow(name string, code any, deps map[string]flowy.Dep) *flowy.Workflow {
	return &flowy.Workflow{Name: name, Code: code, Deps: deps}
}

func act(name string) flowy.Dep { return flowy.Dep{Activity: name} }
