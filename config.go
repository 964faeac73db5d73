package flowy

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// ChildPolicy says what happens to a workflow's open children when it closes.
type ChildPolicy = engine.ChildPolicy

// Child policies.
const (
	ChildPolicyTerminate     = engine.ChildPolicyTerminate
	ChildPolicyRequestCancel = engine.ChildPolicyRequestCancel
	ChildPolicyAbandon       = engine.ChildPolicyAbandon
)

// NoTimeout in a timeout field means "no limit".
const NoTimeout = engine.NoTimeout

// Workflow is a workflow type: its code and its configuration. The
// configuration lives here, outside the workflow code, so the same code runs
// on every engine unchanged.
type Workflow struct {
	// Name and Version name the workflow type. Version defaults to "1".
	Name, Version string
	// Code is the workflow: a struct (or pointer to one) whose exported
	// fields of type Task[T] are its dependencies, with a method
	//
	//	Run(args...) R
	//
	// where R is a Result[T], a T, (T, error) or error. Run may also return
	// [Restart] to continue as new. Each run gets its own copy of the struct
	// with its tasks bound; other fields are copied as they are.
	Code any
	// TaskList is where the workflow's decision tasks go ("" = "default").
	TaskList string
	// DecisionTimeout and ExecutionTimeout are the start-to-close timeouts of
	// decision tasks and of the whole execution (zero: the engine's default).
	DecisionTimeout, ExecutionTimeout time.Duration
	// ChildPolicy applies to open children when this workflow closes.
	ChildPolicy ChildPolicy
	// RateLimit is the most tasks (activities and child workflows) of one
	// execution running at once; 0 means no limit.
	RateLimit int
	// Codec encodes the workflow's input and result; nil is [JSON].
	Codec Codec
	// Deps configures each dependency, by name: the field name, or the name in
	// the field's `flowy:"NAME"` tag. The name is also the NAME in task ids
	// (NAME-CALL-RETRY). Every Task field needs an entry.
	Deps map[string]Dep
	// Params names Run's parameters, so that starters can pass keyword
	// arguments (as Python Flowy starters do); optional.
	Params []string

	once    sync.Once
	prepErr error
	prep    *prepared
}

// Dep configures one dependency of a workflow: the activity type or child
// workflow type it calls and how.
type Dep struct {
	// Activity names the activity type to call. Set it, or Workflow.
	Activity string
	// Workflow names the child workflow type to call.
	Workflow string
	// Version of the type; defaults to "1".
	Version string
	// TaskList for the task ("" = the type's default).
	TaskList string

	// Activity timeouts (zero: the activity type's registered default).
	ScheduleToStart, StartToClose, ScheduleToClose, Heartbeat time.Duration

	// Child workflow settings (zero: the child type's defaults).
	ExecutionTimeout, DecisionTimeout time.Duration
	ChildPolicy                       ChildPolicy

	// Retry is Python Flowy's retry list: the delay before each attempt, one
	// attempt each; the next attempt is made when an attempt times out. nil
	// means three attempts with no delay, like Flowy; a delay makes a timer
	// with id ACTIVITYID:t before that attempt.
	Retry []time.Duration
	// RetryPolicy retries attempts that fail (rather than time out). nil
	// means failures are not retried, like Flowy.
	RetryPolicy *RetryPolicy
	// Codec encodes the inputs and decodes the results; nil is the
	// workflow's codec.
	Codec Codec
}

// DefaultRetry is the retry list of a Dep without one: three attempts on
// timeout, no delay (Python Flowy's default).
var DefaultRetry = []time.Duration{0, 0, 0}

// RetryPolicy retries failed attempts of a task with exponential backoff.
type RetryPolicy struct {
	// MaxAttempts is the most attempts ended by a failure (1 = no retry).
	MaxAttempts int
	// InitialInterval is the delay before the first retry (0 = none).
	InitialInterval time.Duration
	// BackoffCoefficient multiplies the delay after each retry (< 1 = 2).
	BackoffCoefficient float64
	// MaximumInterval caps the delay (0 = no cap).
	MaximumInterval time.Duration
	// NonRetryable lists error kinds (see [Error]) that are never retried.
	NonRetryable []string
}

// Delay returns the delay before retry number n (1 for the first retry).
func (p *RetryPolicy) Delay(n int) time.Duration {
	c := p.BackoffCoefficient
	if c < 1 {
		c = 2
	}
	d := float64(p.InitialInterval) * math.Pow(c, float64(n-1))
	if p.MaximumInterval > 0 && d > float64(p.MaximumInterval) {
		return p.MaximumInterval
	}
	if d > float64(math.MaxInt64) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(d)
}

// Retries reports whether a failure of the given kind after n failed attempts
// is retried.
func (p *RetryPolicy) Retries(kind string, n int) bool {
	return p != nil && n < p.MaxAttempts && !slices.Contains(p.NonRetryable, kind)
}

// IsChild reports whether the dependency is a child workflow.
func (d *Dep) IsChild() bool { return d.Workflow != "" }

// TypeName returns the name of the activity or workflow type.
func (d *Dep) TypeName() string {
	if d.Workflow != "" {
		return d.Workflow
	}
	return d.Activity
}

func (d *Dep) validate(name string) error {
	if d.Activity == "" && d.Workflow == "" {
		return fmt.Errorf("dependency %s: set Activity or Workflow", name)
	}
	if d.Activity != "" && d.Workflow != "" {
		return fmt.Errorf("dependency %s: set Activity or Workflow, not both", name)
	}
	if d.Version == "" {
		d.Version = "1"
	}
	if d.Retry == nil {
		d.Retry = DefaultRetry
	}
	if len(d.Retry) == 0 {
		return fmt.Errorf("dependency %s: Retry must have at least one delay (one per attempt)", name)
	}
	for _, r := range d.Retry {
		if r < 0 {
			return fmt.Errorf("dependency %s: negative retry delay %v", name, r)
		}
	}
	for what, t := range map[string]time.Duration{"ScheduleToStart": d.ScheduleToStart, "StartToClose": d.StartToClose,
		"ScheduleToClose": d.ScheduleToClose, "Heartbeat": d.Heartbeat, "ExecutionTimeout": d.ExecutionTimeout, "DecisionTimeout": d.DecisionTimeout} {
		if t < 0 && t != NoTimeout {
			return fmt.Errorf("dependency %s: negative %s %v (use flowy.NoTimeout for no limit)", name, what, t)
		}
	}
	if p := d.RetryPolicy; p != nil && p.MaxAttempts < 1 {
		return fmt.Errorf("dependency %s: RetryPolicy.MaxAttempts must be at least 1", name)
	}
	return nil
}
