package flowy

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/flowy-go/flowy/internal/rt"
)

// Restart ends the workflow by restarting it with new arguments (SWF's
// continue-as-new): the current run closes and a new run of the same workflow
// id starts with a fresh history. Return it from Run. Results among args are
// waited for.
func Restart[T any](args ...any) Result[T] {
	req := &rt.RestartRequest{Args: args}
	if n := len(args); n > 0 {
		if kw, ok := args[n-1].(Kw); ok {
			req.Args, req.Kwargs = args[:n-1], kw
		}
	}
	var deps []*rt.Future
	for _, a := range args {
		collectFutures(reflect.ValueOf(a), &deps)
	}
	for _, d := range deps {
		d.Await()
	}
	if err := firstError(deps); err != nil {
		return Fail[T](err)
	}
	f := &rt.Future{Restart: req}
	f.SetValue(nil, 0)
	return Result[T]{f}
}

var errRestartRead = errors.New("flowy: the Result of Restart has no value (the workflow restarts)")

// depField is a Task field of a workflow struct.
type depField struct {
	index []int
	name  string
}

// prepared is the checked shape of a Workflow.
type prepared struct {
	code    reflect.Value // the struct value
	ptr     bool          // Code was a pointer
	fields  []depField
	inTypes []reflect.Type
}

var bindableType = reflect.TypeFor[bindable]()

// maxDepName leaves room in 256-character ids for "-CALL-RETRY:t" and a
// child workflow id's prefix.
const maxDepName = 200

type bindable interface {
	withBinding(b rt.Binding) reflect.Value
}

func (t Task[T]) withBinding(b rt.Binding) reflect.Value {
	return reflect.ValueOf(Task[T]{b: b})
}

// Prepare checks the workflow's code and configuration and fills in
// defaults, once; it is safe for concurrent use. Workers call it when a
// workflow is registered. Use a Workflow by pointer and do not change it
// after that.
func (w *Workflow) Prepare() error {
	w.once.Do(func() { w.prepErr = w.check() })
	return w.prepErr
}

func (w *Workflow) check() error {
	if w.Name == "" {
		return errors.New("flowy: workflow without a name")
	}
	if w.Version == "" {
		w.Version = "1"
	}
	p := &prepared{}
	v := reflect.ValueOf(w.Code)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v, p.ptr = v.Elem(), true
	}
	if v.Kind() != reflect.Struct {
		return fmt.Errorf("flowy: workflow %s: Code is %T, not a struct", w.Name, w.Code)
	}
	p.code = v
	m := reflect.ValueOf(w.Code).MethodByName("Run")
	if !m.IsValid() {
		return fmt.Errorf("flowy: workflow %s: %T has no Run method", w.Name, w.Code)
	}
	mt := m.Type()
	if mt.IsVariadic() {
		return fmt.Errorf("flowy: workflow %s: a variadic Run is not supported", w.Name)
	}
	for i := 0; i < mt.NumIn(); i++ {
		p.inTypes = append(p.inTypes, mt.In(i))
	}
	if mt.NumOut() > 2 || (mt.NumOut() == 2 && mt.Out(1) != errorType) {
		return fmt.Errorf("flowy: workflow %s: Run must return R, (R, error) or error", w.Name)
	}
	seen := map[string]bool{}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.Type.Implements(bindableType) {
			continue
		}
		if !f.IsExported() {
			return fmt.Errorf("flowy: workflow %s: Task field %s must be exported", w.Name, f.Name)
		}
		name := f.Name
		if tag := f.Tag.Get("flowy"); tag != "" {
			name = tag
		}
		if len(name) > maxDepName {
			return fmt.Errorf("flowy: workflow %s: dependency name %.40s... is %d characters, over %d (task ids NAME-CALL-RETRY must fit SWF's 256)", w.Name, name, len(name), maxDepName)
		}
		if seen[name] {
			return fmt.Errorf("flowy: workflow %s: two dependencies named %s", w.Name, name)
		}
		seen[name] = true
		dep, ok := w.Deps[name]
		if !ok {
			return fmt.Errorf("flowy: workflow %s: dependency %s (field %s) has no configuration in Deps", w.Name, name, f.Name)
		}
		if err := dep.validate(name); err != nil {
			return fmt.Errorf("flowy: workflow %s: %w", w.Name, err)
		}
		w.Deps[name] = dep
		p.fields = append(p.fields, depField{index: f.Index, name: name})
	}
	for name := range w.Deps {
		if !seen[name] {
			return fmt.Errorf("flowy: workflow %s: Deps configures %s, which is not a Task field of %T", w.Name, name, w.Code)
		}
	}
	if w.RateLimit < 0 {
		return fmt.Errorf("flowy: workflow %s: negative RateLimit", w.Name)
	}
	w.prep = p
	return nil
}

func (w *Workflow) codec() Codec {
	if w.Codec == nil {
		return JSON
	}
	return w.Codec
}

// DepCodec returns the codec of a dependency.
func (w *Workflow) DepCodec(name string) Codec {
	if d := w.Deps[name]; d.Codec != nil {
		return d.Codec
	}
	return w.codec()
}

func init() {
	rt.StartWorkflow = startWorkflow
	rt.EncodeArgs = encodeArgs
}

// startWorkflow makes a copy of the workflow struct with its tasks bound, and
// runs it on input. It runs on the workflow goroutine.
func startWorkflow(wf any, input string, bind func(dep string) rt.Binding) *rt.Future {
	w := wf.(*Workflow)
	if err := w.Prepare(); err != nil {
		return failed(err)
	}
	p := w.prep
	inst := reflect.New(p.code.Type())
	inst.Elem().Set(p.code)
	for _, f := range p.fields {
		fv := inst.Elem().FieldByIndex(f.index)
		fv.Set(fv.Interface().(bindable).withBinding(bind(f.name)))
	}
	recv := inst
	if !p.ptr {
		recv = inst.Elem()
	}
	args, err := decodeArgs(w.codec(), input, p.inTypes, w.Params)
	if err != nil {
		return failed(&Error{Kind: "bad-input", Message: fmt.Sprintf("workflow %s/%s: bad input: %v", w.Name, w.Version, err)})
	}
	out := recv.MethodByName("Run").Call(args)
	return resultFuture(out)
}

func failed(err error) *rt.Future {
	f := &rt.Future{}
	f.SetError(err, 0)
	return f
}

// resultFuture turns Run's results into a future.
func resultFuture(out []reflect.Value) *rt.Future {
	if n := len(out); n > 0 && out[n-1].Type() == errorType {
		if !out[n-1].IsNil() {
			return failed(out[n-1].Interface().(error))
		}
		out = out[:n-1]
	}
	if len(out) == 0 {
		f := &rt.Future{}
		f.SetValue(nil, 0)
		return f
	}
	v := out[0]
	if v.Type().Implements(waitableType) {
		if f := v.Interface().(Waitable).future(); f != nil {
			return f
		}
		return failed(errZeroResult)
	}
	f := &rt.Future{}
	f.SetValue(v.Interface(), 0)
	return f
}

// encodeArgs encodes a call's arguments with a codec.
func encodeArgs(codec any, c *rt.Call) (string, error) {
	return codec.(Codec).EncodeInput(c.Args, c.Kwargs)
}
