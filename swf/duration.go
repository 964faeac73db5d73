package swf

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/engine"
)

// none is SWF's duration for "no limit".
const none = "NONE"

// maxExecution is the longest execution timeout SWF accepts (one year),
// which stands for [engine.NoTimeout]: SWF has no unlimited executions.
const maxExecution = 365 * 24 * time.Hour

// formatDuration returns d as SWF writes durations: whole seconds, a
// sub-second remainder rounded up (a timeout never fires earlier than
// asked); [engine.NoTimeout] is "NONE" and zero is "" (an absent field: the
// default). Other negative durations have no SWF form; callers check them
// first.
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return ""
	case d == engine.NoTimeout:
		return none
	case d < 0:
		return "-1"
	}
	s := d / time.Second
	if d%time.Second != 0 {
		s++
	}
	return strconv.FormatInt(int64(s), 10)
}

// parseDuration reads an SWF duration: "" is zero (absent), "NONE" is
// [engine.NoTimeout], digits are seconds.
func parseDuration(s string) (time.Duration, error) {
	switch s {
	case "":
		return 0, nil
	case none:
		return engine.NoTimeout, nil
	}
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil || n > uint64(1<<63-1)/uint64(time.Second) {
		return 0, fmt.Errorf("swf: %q is not a duration (seconds or NONE)", s)
	}
	return time.Duration(n) * time.Second, nil
}

// duration returns d as an optional field (nil for zero).
func duration(d time.Duration) *string {
	if d == 0 {
		return nil
	}
	return aws.String(formatDuration(d))
}

// execDuration is duration for execution timeouts, which cannot be "NONE":
// [engine.NoTimeout] is the longest SWF allows.
func execDuration(d time.Duration) *string {
	if d == engine.NoTimeout {
		d = maxExecution
	}
	return duration(d)
}

// parseDur reads an optional duration field; a malformed one (which SWF
// never sends) reads as zero.
func parseDur(s *string) time.Duration {
	d, _ := parseDuration(aws.ToString(s))
	return d
}

// checkDuration refuses negative durations other than NoTimeout.
func checkDuration(what string, d time.Duration) error {
	if d < 0 && d != engine.NoTimeout {
		return fmt.Errorf("swf: negative %s %v (use engine.NoTimeout for no limit): %w", what, d, engine.ErrInvalidArgument)
	}
	return nil
}

// checkChildPolicy refuses unknown child policies.
func checkChildPolicy(p engine.ChildPolicy) error {
	switch p {
	case engine.ChildPolicyUnset, engine.ChildPolicyTerminate, engine.ChildPolicyRequestCancel, engine.ChildPolicyAbandon:
		return nil
	}
	return fmt.Errorf("swf: unknown child policy %q: %w", p, engine.ErrInvalidArgument)
}

// taskList returns a task list field (nil for "").
func taskList(name string) *types.TaskList {
	if name == "" {
		return nil
	}
	return &types.TaskList{Name: aws.String(name)}
}

// taskListName reads a task list field.
func taskListName(l *types.TaskList) string {
	if l == nil {
		return ""
	}
	return aws.ToString(l.Name)
}

// optional returns s as an optional field (nil for "").
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
