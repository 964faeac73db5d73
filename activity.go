package flowy

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/flowy-go/flowy/internal/rt"
)

// Activity is an activity type: a plain Go function and its registered
// defaults. An activity worker runs it for every activity task of its type.
type Activity struct {
	// Name and Version name the activity type. Version defaults to "1".
	Name, Version string
	// Func is the function to run. Its shape is
	//
	//	func([ctx context.Context,] args...) (R, error)
	//
	// or with results (R) or (error) or none. Arguments are decoded from the
	// task's input into the parameters' types; R is encoded as the result.
	// The context carries cancellation and [Heartbeat].
	Func any
	// Params names the parameters after ctx, in order, so that callers can
	// pass keyword arguments ([Kw]), as Python Flowy callers do. With names,
	// parameters not given take their zero value; without, every parameter
	// must be given positionally.
	Params []string
	// TaskList is the default task list of the type ("" = the engine's
	// default for the workflow).
	TaskList string
	// Default timeouts of the type (zero: none; see the engine package).
	ScheduleToStart, StartToClose, ScheduleToClose, Heartbeat time.Duration
	// Codec encodes the results and decodes the inputs; nil is [JSON].
	Codec Codec

	once    sync.Once
	prepErr error
	fn      reflect.Value
	withCtx bool
	inTypes []reflect.Type
	hasRes  bool
	hasErr  bool
}

var (
	ctxType   = reflect.TypeFor[context.Context]()
	errorType = reflect.TypeFor[error]()
)

func (a *Activity) codec() Codec {
	if a.Codec == nil {
		return JSON
	}
	return a.Codec
}

// prepare checks Func's shape and caches it, once.
func (a *Activity) prepare() error {
	a.once.Do(func() { a.prepErr = a.check() })
	return a.prepErr
}

func (a *Activity) check() error {
	if a.Name == "" {
		return errors.New("flowy: activity without a name")
	}
	v := reflect.ValueOf(a.Func)
	if v.Kind() != reflect.Func || v.IsNil() {
		return fmt.Errorf("flowy: activity %s: Func is %T, not a function", a.Name, a.Func)
	}
	t := v.Type()
	in := make([]reflect.Type, 0, t.NumIn())
	withCtx := false
	for i := 0; i < t.NumIn(); i++ {
		if i == 0 && t.In(0) == ctxType {
			withCtx = true
			continue
		}
		in = append(in, t.In(i))
	}
	if t.IsVariadic() {
		return fmt.Errorf("flowy: activity %s: variadic functions are not supported", a.Name)
	}
	hasRes, hasErr := false, false
	switch t.NumOut() {
	case 0:
	case 1:
		if t.Out(0) == errorType {
			hasErr = true
		} else {
			hasRes = true
		}
	case 2:
		if t.Out(1) != errorType {
			return fmt.Errorf("flowy: activity %s: second result must be error, not %s", a.Name, t.Out(1))
		}
		hasRes, hasErr = true, true
	default:
		return fmt.Errorf("flowy: activity %s: at most two results (value, error), has %d", a.Name, t.NumOut())
	}
	if len(a.Params) > 0 && len(a.Params) != len(in) {
		return fmt.Errorf("flowy: activity %s: Params names %d parameters, Func takes %d", a.Name, len(a.Params), len(in))
	}
	a.fn, a.withCtx, a.inTypes, a.hasRes, a.hasErr = v, withCtx, in, hasRes, hasErr
	if a.Version == "" {
		a.Version = "1"
	}
	return nil
}

// Invoke runs the activity on an encoded input and returns the encoded result.
// Undecodable input returns an *Error of kind "bad-input"; a panic in the
// function returns an *Error of kind "panic" whose message holds the stack.
// Other errors are the function's own.
func (a *Activity) Invoke(ctx context.Context, input string) (result string, err error) {
	if err := a.prepare(); err != nil {
		return "", &Error{Kind: "bad-activity", Message: err.Error()}
	}
	codec := a.codec()
	args, err := decodeArgs(codec, input, a.inTypes, a.Params)
	if err != nil {
		return "", &Error{Kind: "bad-input", Message: fmt.Sprintf("activity %s/%s: bad input: %v", a.Name, a.Version, err)}
	}
	if a.withCtx {
		args = append([]reflect.Value{reflect.ValueOf(ctx)}, args...)
	}
	out, err := callSafely(a.fn, args)
	if err != nil {
		return "", err
	}
	if a.hasErr {
		if e := out[len(out)-1]; !e.IsNil() {
			return "", e.Interface().(error)
		}
	}
	if !a.hasRes {
		return codec.Encode(nil)
	}
	res, err := codec.Encode(out[0].Interface())
	if err != nil {
		return "", &Error{Kind: "bad-result", Message: fmt.Sprintf("activity %s/%s: encoding result: %v", a.Name, a.Version, err)}
	}
	return res, nil
}

// callSafely calls fn, turning a panic into an *Error of kind "panic".
func callSafely(fn reflect.Value, args []reflect.Value) (out []reflect.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &Error{Kind: "panic", Message: fmt.Sprintf("panic: %v\n\n%s", p, debug.Stack())}
		}
	}()
	return fn.Call(args), nil
}

// decodeArgs decodes an input into values of the given types; names, if
// given, map keyword arguments to positions.
func decodeArgs(codec Codec, input string, types []reflect.Type, names []string) ([]reflect.Value, error) {
	rawArgs, rawKw, err := codec.DecodeInput(input)
	if err != nil {
		return nil, err
	}
	if len(rawArgs) > len(types) {
		return nil, fmt.Errorf("takes %d argument(s), got %d positional", len(types), len(rawArgs))
	}
	raw := make([]*string, len(types))
	for i := range rawArgs {
		raw[i] = &rawArgs[i]
	}
	for _, k := range sortedKeys(rawKw) {
		i := slices.Index(names, k)
		if i < 0 {
			if len(names) == 0 {
				return nil, fmt.Errorf("got keyword argument %q, but no parameter names are declared (Activity.Params, Workflow.Params or flowy.Func's names)", k)
			}
			return nil, fmt.Errorf("unknown keyword argument %q (parameters: %v)", k, names)
		}
		if raw[i] != nil {
			return nil, fmt.Errorf("argument %q given twice", k)
		}
		v := rawKw[k]
		raw[i] = &v
	}
	vals := make([]reflect.Value, len(types))
	for i, t := range types {
		p := reflect.New(t)
		if raw[i] == nil {
			if len(names) == 0 {
				return nil, fmt.Errorf("takes %d argument(s), got %d", len(types), len(rawArgs))
			}
		} else if err := codec.Decode(*raw[i], p.Interface()); err != nil {
			name := fmt.Sprintf("argument %d", i+1)
			if len(names) > 0 {
				name = fmt.Sprintf("argument %q", names[i])
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		vals[i] = p.Elem()
	}
	return vals, nil
}

// Heartbeat records a heartbeat for the activity running with ctx, with
// optional details (encoded with JSON). It returns an error when the engine
// asked the activity to stop (the context is then canceled too) or the
// heartbeat could not be recorded. Outside an activity it does nothing.
func Heartbeat(ctx context.Context, details ...any) error {
	env, _ := ctx.Value(rt.ActivityEnvKey{}).(*rt.ActivityEnv)
	if env == nil || env.Heartbeat == nil {
		return nil
	}
	d := ""
	if len(details) > 0 {
		var err error
		var v any = details
		if len(details) == 1 {
			v = details[0]
		}
		if d, err = JSON.Encode(v); err != nil {
			return fmt.Errorf("flowy: encoding heartbeat details: %w", err)
		}
	}
	return env.Heartbeat(d)
}

// ActivityInfo describes the activity task running with a context.
type ActivityInfo struct {
	WorkflowID, RunID string
	ActivityID        string // NAME-CALL-RETRY
	Name, Version     string
}

// GetActivityInfo returns the info of the activity task running with ctx, or
// false outside an activity.
func GetActivityInfo(ctx context.Context) (ActivityInfo, bool) {
	env, _ := ctx.Value(rt.ActivityEnvKey{}).(*rt.ActivityEnv)
	if env == nil {
		return ActivityInfo{}, false
	}
	return ActivityInfo{WorkflowID: env.WorkflowID, RunID: env.RunID, ActivityID: env.ActivityID, Name: env.Name, Version: env.Version}, true
}

// Prepare checks the activity's function and fills in its defaults, once;
// it is safe for concurrent use. Workers call it when an activity is
// registered. Use an Activity by pointer and do not change it after that.
func (a *Activity) Prepare() error { return a.prepare() }
