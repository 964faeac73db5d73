// Package rt is the runtime seam between the public flowy package and the
// decider: futures (the state behind a flowy.Result) and the interfaces a
// workflow run provides to task calls. Nothing here does I/O.
//
// Futures are not safe for concurrent use: a workflow run touches its futures
// either from the workflow goroutine or from the decider while the workflow
// goroutine is parked, never both at once.
package rt

import (
	"fmt"
	"sync/atomic"
)

// State is the state of a future.
type State uint8

// Future states.
const (
	Pending State = iota
	Ready
	Failed
)

// Decoder decodes an encoded value into v (a pointer).
type Decoder func(data string, v any) error

// Future is the state behind a flowy.Result.
type Future struct {
	state State
	// Seq is the finish order: lower finished earlier. Plain values have 0.
	Seq int64

	// A ready future holds either a Go value (HasVal) or an encoded value
	// (Raw, decoded with Decode). Decoded values are cached in Val.
	Raw     string
	RawJSON bool // Raw is JSON text (can be spliced into JSON encodings)
	Decode  Decoder
	Val     any
	HasVal  bool

	Err error // for Failed

	// Restart is set on the result of flowy.Restart.
	Restart *RestartRequest

	// Task is the call key (NAME-CALL) of the task whose result this is,
	// once known: set by the decider on call results, and copied to derived
	// results (First, FinishOrder, ParallelReduce) when they resolve.
	Task string

	// RT is the workflow run this future belongs to (nil outside a run).
	RT Runtime

	listeners []func(*Future)
}

// RestartRequest asks for continue-as-new with new arguments.
type RestartRequest struct {
	Args   []any
	Kwargs map[string]any
}

// Runtime is what a workflow run provides to futures and task calls.
type Runtime interface {
	// Await parks the workflow until f is resolved. It returns at once if f
	// is resolved. If the run is abandoned it does not return (the workflow
	// goroutine exits).
	Await(f *Future)
	// NextSeq returns the next finish-order number of the run.
	NextSeq() int64
}

var globalSeq atomic.Int64

// NextSeq returns the next finish-order number for rt, or a process-wide
// counter when rt is nil (plain function bindings in unit tests).
func NextSeq(rt Runtime) int64 {
	if rt != nil {
		return rt.NextSeq()
	}
	return globalSeq.Add(1)
}

// State returns the state.
func (f *Future) State() State { return f.state }

// Done reports whether the future is resolved.
func (f *Future) Done() bool { return f.state != Pending }

// OnDone calls fn when f resolves (at once if it is resolved).
func (f *Future) OnDone(fn func(*Future)) {
	if f.state != Pending {
		fn(f)
		return
	}
	f.listeners = append(f.listeners, fn)
}

// SetValue resolves f with a Go value.
func (f *Future) SetValue(v any, seq int64) {
	f.Val, f.HasVal = v, true
	f.resolve(Ready, seq)
}

// SetRaw resolves f with an encoded value.
func (f *Future) SetRaw(raw string, rawJSON bool, dec Decoder, seq int64) {
	f.Raw, f.RawJSON, f.Decode = raw, rawJSON, dec
	f.resolve(Ready, seq)
}

// SetError resolves f as failed.
func (f *Future) SetError(err error, seq int64) {
	f.Err = err
	f.resolve(Failed, seq)
}

// SetFrom resolves f as a copy of the resolved future src (same value, error
// and finish order).
func (f *Future) SetFrom(src *Future) {
	f.Raw, f.RawJSON, f.Decode, f.Val, f.HasVal, f.Err, f.Restart, f.Task =
		src.Raw, src.RawJSON, src.Decode, src.Val, src.HasVal, src.Err, src.Restart, src.Task
	f.resolve(src.state, src.Seq)
}

func (f *Future) resolve(s State, seq int64) {
	if f.state != Pending {
		panic(fmt.Sprintf("flowy internal error: future resolved twice (%v then %v)", f.state, s))
	}
	f.state, f.Seq = s, seq
	ls := f.listeners
	f.listeners = nil
	for _, l := range ls {
		l(f)
	}
}

// Await blocks until f is resolved, through its runtime. It reports false if
// f is pending and has no runtime to wait with.
func (f *Future) Await() bool {
	if f.state != Pending {
		return true
	}
	if f.RT == nil {
		return false
	}
	f.RT.Await(f)
	return true
}

// Call is one call of a task from workflow code.
type Call struct {
	Args   []any
	Kwargs map[string]any
	// Deps are the futures found in Args and Kwargs (also nested in slices,
	// maps, structs and pointers), in argument order.
	Deps []*Future
}

// Binding carries out the calls of one task: the decider binds each task of
// a workflow to its run, and flowy.Func binds a task to a plain function.
type Binding interface {
	Call(c *Call) *Future
}

// ActivityEnvKey is the context key of an *ActivityEnv.
type ActivityEnvKey struct{}

// ActivityEnv is what an activity worker puts in an activity's context.
type ActivityEnv struct {
	WorkflowID, RunID, ActivityID, Name, Version string
	// Heartbeat records a heartbeat with encoded details.
	Heartbeat func(details string) error
}

// Hooks set by package flowy (in its init) for the decider, so that the
// decider can reach unexported parts of flowy without widening its API.
var (
	// StartWorkflow binds the tasks of a copy of the workflow (a
	// *flowy.Workflow) and runs it on input, on the calling goroutine.
	StartWorkflow func(wf any, input string, bind func(dep string) Binding) *Future
	// EncodeArgs encodes a call's arguments with a flowy.Codec.
	EncodeArgs func(codec any, c *Call) (string, error)
)
