package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
	"github.com/flowy-go/flowy/swf"
	"github.com/flowy-go/flowy/trace"
)

// traceFormat returns the format a trace file's extension names.
func traceFormat(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".dot", ".svg", ".html":
		return ext[1:], nil
	default:
		return "", fmt.Errorf("trace file %q: the extension must be .dot, .svg or .html", path)
	}
}

// renderTrace writes t to path in the format its extension names.
func renderTrace(ctx context.Context, t *trace.Trace, path string) error {
	format, err := traceFormat(path)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	switch format {
	case "dot":
		err = t.WriteDOT(f)
	case "svg":
		err = t.WriteSVG(ctx, f)
	default:
		err = t.WriteHTML(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// writeTrace reads a run's history from an engine and writes its trace.
func writeTrace(ctx context.Context, eng engine.Engine, exec engine.Execution, path string) error {
	events, err := eng.GetWorkflowExecutionHistory(ctx, exec)
	if err != nil {
		return err
	}
	return renderTrace(ctx, trace.Build(exec, events), path)
}

// historyProgress counts a run's tasks from its history: closed attempts and
// scheduled ones.
func historyProgress(ctx context.Context, eng engine.Engine, exec engine.Execution) func() (int, int) {
	return func() (done, scheduled int) {
		events, err := eng.GetWorkflowExecutionHistory(ctx, exec)
		if err != nil {
			return 0, 0
		}
		for _, e := range events {
			switch e.Attr.(type) {
			case *engine.ActivityTaskScheduled, *engine.StartChildWorkflowExecutionInitiated:
				scheduled++
			case *engine.ActivityTaskCompleted, *engine.ActivityTaskFailed, *engine.ActivityTaskTimedOut,
				*engine.ChildWorkflowExecutionCompleted, *engine.ChildWorkflowExecutionFailed,
				*engine.ChildWorkflowExecutionTimedOut, *engine.ChildWorkflowExecutionCanceled,
				*engine.ChildWorkflowExecutionTerminated:
				done++
			}
		}
		return done, scheduled
	}
}

const traceUsage = "flowy trace -history FILE.json [-workflow-id ID] [-run-id ID] -o OUT.(dot|svg|html)\n" +
	"       flowy trace -domain D [-endpoint URL] [-region R] -workflow-id ID [-run-id ID] -o OUT.(dot|svg|html)"

const traceHelp = `
Trace draws a run from its history: a node per task (activities, child
workflows, timers) with its attempts and outcome, an edge from every task
whose result went into another's arguments, and the critical path; the HTML
page adds a timeline of what ran in parallel.

The history is a JSON file in Amazon SWF's format — what GetWorkflowExecutionHistory
answers, {"events": [...]}, as "aws swf get-workflow-execution-history" prints
it (timestamps as numbers or ISO 8601 strings), or as "flowy example -history"
writes it; a bare array of events works too.

Or the history is read from an engine that speaks SWF's protocol: a flowy
server (-endpoint http://127.0.0.1:8085) or Amazon SWF (no -endpoint), with
the credentials of the AWS configuration chain (AWS_ACCESS_KEY_ID, ...), by
-domain, -workflow-id and -run-id (without -run-id: the latest run).

The output format is the extension of -o: .dot (Graphviz source), .svg
(rendered with Graphviz's dot, which must be installed) or .html (one
self-contained page, no Graphviz needed).`

// runTrace is the "trace" subcommand.
func runTrace(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("trace", traceUsage, traceHelp, stderr)
	historyFile := fs.String("history", "", "read the history from `FILE` (SWF JSON)")
	out := fs.String("o", "", "write the trace to `FILE` (.dot, .svg or .html)")
	wid := fs.String("workflow-id", "", "the run's workflow id, shown in the trace")
	rid := fs.String("run-id", "", "the run's run id (with -domain: \"\" = the latest run)")
	domain := fs.String("domain", "", "read the history from this SWF `DOMAIN` of an engine")
	endpoint := fs.String("endpoint", "", "with -domain: the engine's `URL` (a flowy server); \"\" = Amazon SWF")
	region := fs.String("region", "", "with -domain: the AWS region (\"\" = the configuration chain's)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "flowy trace: "+format+"\n", a...)
		return code
	}
	switch {
	case len(pos) > 0:
		return fail(ExitUsage, "unexpected arguments %q", pos)
	case *historyFile == "" && *domain == "":
		fs.Usage()
		return fail(ExitUsage, "give the history with -history FILE, or read it from an engine with -domain D -workflow-id ID")
	case *historyFile != "" && *domain != "":
		return fail(ExitUsage, "-history and -domain exclude each other")
	case *domain != "" && *wid == "":
		return fail(ExitUsage, "with -domain, give -workflow-id (and -run-id, or the latest run is drawn)")
	case *out == "":
		return fail(ExitUsage, "give the output file with -o FILE (.dot, .svg or .html)")
	}
	if _, err := traceFormat(*out); err != nil {
		return fail(ExitUsage, "%v", err)
	}
	exec := engine.Execution{WorkflowID: *wid, RunID: *rid}
	var events []engine.Event
	if *domain != "" {
		eng, err := swf.Open(ctx, *domain, swf.Options{Endpoint: *endpoint, Region: *region})
		if err != nil {
			return fail(ExitFail, "%v", err)
		}
		defer eng.Close()
		info, err := eng.DescribeWorkflowExecution(ctx, exec)
		if err != nil {
			return fail(ExitFail, "%v", err)
		}
		exec = info.Execution
		if events, err = eng.GetWorkflowExecutionHistory(ctx, exec); err != nil {
			return fail(ExitFail, "%v", err)
		}
	} else {
		data, err := os.ReadFile(*historyFile)
		if err != nil {
			return fail(ExitFail, "%v", err)
		}
		if events, err = ParseHistory(data); err != nil {
			return fail(ExitFail, "%s: %v", *historyFile, err)
		}
	}
	t := trace.Build(exec, events)
	start := time.Now()
	if err := renderTrace(ctx, t, *out); err != nil {
		return fail(ExitFail, "%v", err)
	}
	fmt.Fprintf(stdout, "%s: %d tasks, %d dependencies, rendered in %s\n", *out, len(t.Nodes), len(t.Edges()), time.Since(start).Round(time.Millisecond))
	return ExitOK
}

// ParseHistory reads a history in SWF's JSON: {"events": [...]} or a bare
// array of events. Timestamps may be numbers of epoch seconds (SWF's wire)
// or ISO 8601 strings (the AWS CLI's output).
func ParseHistory(data []byte) ([]engine.Event, error) {
	var raw []map[string]json.RawMessage
	var doc struct {
		Events []map[string]json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(data, &doc); err == nil && doc.Events != nil {
		raw = doc.Events
	} else if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a history: want {\"events\": [...]} or [...]: %w", err)
	}
	for i, ev := range raw {
		var s string
		if json.Unmarshal(ev["eventTimestamp"], &s) == nil && s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, fmt.Errorf("event %d: eventTimestamp %q: %w", i+1, s, err)
			}
			ev["eventTimestamp"] = json.RawMessage(strconv.FormatFloat(float64(t.UnixNano())/1e9, 'f', 9, 64))
		}
	}
	fixed, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var wire []swfwire.HistoryEvent
	if err := json.Unmarshal(fixed, &wire); err != nil {
		return nil, err
	}
	events, err := swfwire.EventsFromWire(wire)
	if err != nil {
		return nil, err
	}
	for i, e := range events {
		if e.ID != int64(i+1) {
			return nil, fmt.Errorf("event %d has id %d: a history starts at event 1, without gaps", i+1, e.ID)
		}
	}
	return events, nil
}

// writeHistory writes a run's history in SWF's JSON.
func writeHistory(ctx context.Context, eng engine.Engine, exec engine.Execution, path string) error {
	events, err := eng.GetWorkflowExecutionHistory(ctx, exec)
	if err != nil {
		return err
	}
	wire, err := swfwire.EventsToWire(events)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(swfwire.History{Events: wire}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
