package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/flowy-go/flowy/engine"
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
