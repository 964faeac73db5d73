package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swf"
)

const startUsage = "flowy start [-engine swf] [-endpoint URL] [-region R] [-task-list TL] [-execution-timeout D]\n" +
	"       [-decision-timeout D] [-child-policy P] [-tag T]... [-workflow-id ID] [-kw NAME=JSON]... [-wait]\n" +
	"       DOMAIN NAME VERSION [ARG...]"

const startHelp = `
Start starts an execution of the workflow type NAME/VERSION in DOMAIN and
prints its run id. Each ARG is a JSON value (1, "text", [1, 2], {"a": 1}),
and -kw NAME=JSON a keyword argument; the input is Python Flowy's
[[args...], {kwargs}], which flowy and Python Flowy workflows read.

The engine is Amazon SWF (-engine swf), or any endpoint speaking its
protocol, such as flowy server (-endpoint http://127.0.0.1:PORT). Region and
credentials come from the standard AWS configuration (AWS_REGION,
AWS_PROFILE, AWS_ACCESS_KEY_ID, ~/.aws/config, ...); -region and -endpoint
override it.

Unset options take the workflow type's registered defaults. Durations are Go
durations (90s, 5m, 1h) or NONE; SWF counts whole seconds. With -wait, start
waits for the execution to close (following continue-as-new) and prints its
result, a JSON value, on a second line; a workflow that did not complete
exits with status 1.`

// durationFlag is a duration flag that also reads NONE (no limit).
type durationFlag struct{ d time.Duration }

func (f *durationFlag) String() string {
	if f == nil || f.d == 0 {
		return ""
	}
	if f.d == engine.NoTimeout {
		return "NONE"
	}
	return f.d.String()
}

func (f *durationFlag) Set(s string) error {
	if strings.EqualFold(s, "none") {
		f.d = engine.NoTimeout
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration (90s, 5m, 1h) or NONE", s)
	}
	f.d = d
	return nil
}

// listFlag collects the values of a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// runStart is the "start" subcommand.
func runStart(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("start", startUsage, startHelp, stderr)
	engineName := fs.String("engine", "swf", "the engine: `swf` (Amazon SWF, or an endpoint speaking its protocol)")
	endpoint := fs.String("endpoint", "", "the SWF endpoint's base `URL` (default: the region's, or AWS_ENDPOINT_URL_SWF)")
	region := fs.String("region", "", "the AWS `region` (default: AWS_REGION or the AWS configuration's)")
	taskList := fs.String("task-list", "", "the task list of the decision tasks (default: the type's)")
	var execTimeout, decTimeout durationFlag
	fs.Var(&execTimeout, "execution-timeout", "the execution's start-to-close timeout `D` (default: the type's)")
	fs.Var(&decTimeout, "decision-timeout", "the decision tasks' start-to-close timeout `D` (default: the type's)")
	childPolicy := fs.String("child-policy", "", "TERMINATE, REQUEST_CANCEL or ABANDON (default: the type's)")
	var tags, kws listFlag
	fs.Var(&tags, "tag", "a `tag` of the execution (repeat for more, at most 5)")
	fs.Var(&kws, "kw", "a keyword argument `NAME=JSON` (repeat for more)")
	workflowID := fs.String("workflow-id", "", "the workflow `id` (default: NAME-RANDOM)")
	wait := fs.Bool("wait", false, "wait for the execution to close and print its result")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "flowy start: "+format+"\n", a...)
		return ExitUsage
	}
	if *engineName != "swf" {
		return fail("unknown engine %q: start works with -engine swf (Amazon SWF or flowy server)", *engineName)
	}
	if len(pos) < 3 {
		fs.Usage()
		return fail("give the DOMAIN, the workflow type's NAME and VERSION, then its arguments")
	}
	domain, typ := pos[0], engine.WorkflowType{Name: pos[1], Version: pos[2]}
	policy := engine.ChildPolicy(strings.ToUpper(*childPolicy))
	switch policy {
	case engine.ChildPolicyUnset, engine.ChildPolicyTerminate, engine.ChildPolicyRequestCancel, engine.ChildPolicyAbandon:
	default:
		return fail("-child-policy must be TERMINATE, REQUEST_CANCEL or ABANDON, not %q", *childPolicy)
	}
	input, err := startInput(pos[3:], kws)
	if err != nil {
		return fail("%v", err)
	}

	eng, err := swf.Open(ctx, domain, swf.Options{Region: *region, Endpoint: *endpoint})
	if err != nil {
		fmt.Fprintf(stderr, "flowy start: %v\n", err)
		return ExitFail
	}
	defer eng.Close()
	exec, err := client.StartRaw(ctx, eng, typ, input, client.StartOptions{
		WorkflowID: *workflowID, TaskList: *taskList, ExecutionTimeout: execTimeout.d,
		DecisionTimeout: decTimeout.d, ChildPolicy: policy, Tags: tags,
	})
	if err != nil {
		fmt.Fprintf(stderr, "flowy start: %v\n", err)
		return ExitFail
	}
	fmt.Fprintln(stdout, exec.RunID)
	if !*wait {
		return ExitOK
	}
	prog := startProgress(stderr, exec.WorkflowID, historyProgress(ctx, eng, exec))
	ev, last, err := client.Wait(ctx, eng, exec)
	prog.Stop()
	if err == nil {
		var res json.RawMessage
		if res, err = client.Decode[json.RawMessage](ev, last, nil); err == nil {
			fmt.Fprintf(stdout, "%s\n", res)
			return ExitOK
		}
	}
	var we *client.WorkflowError
	if errors.As(err, &we) && we.Message != "" && we.Message != we.Reason {
		err = fmt.Errorf("%w\n%s", err, we.Message)
	}
	fmt.Fprintf(stderr, "flowy start: %s: %v\n", exec.WorkflowID, err)
	return ExitFail
}

// startInput encodes the arguments (JSON values) and keyword arguments
// (NAME=JSON) as Python Flowy's [[args...], {kwargs}].
func startInput(args []string, kws []string) (string, error) {
	pos := make([]any, len(args))
	for i, a := range args {
		if !json.Valid([]byte(a)) {
			return "", fmt.Errorf("argument %d is not a JSON value: %s (quote strings: '\"text\"')", i+1, a)
		}
		pos[i] = json.RawMessage(a)
	}
	kw := map[string]any{}
	for _, s := range kws {
		name, value, ok := strings.Cut(s, "=")
		if !ok || name == "" || !json.Valid([]byte(value)) {
			return "", fmt.Errorf("-kw %s: want NAME=JSON, such as -kw n=3", s)
		}
		if _, dup := kw[name]; dup {
			return "", fmt.Errorf("-kw %s given twice", name)
		}
		kw[name] = json.RawMessage(value)
	}
	return flowy.JSON.EncodeInput(pos, kw)
}
