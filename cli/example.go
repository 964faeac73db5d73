package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/examples"
	"github.com/flowy-go/flowy/local"
	"github.com/flowy-go/flowy/temporal"
)

const exampleUsage = "flowy example -list [-json]\n       flowy example NAME [-time-scale S] [-json] [-trace FILE] [-history FILE] [-engine temporal -temporal-addr HOST:PORT]"

const exampleHelp = `
Example lists the example workflows (package examples), or runs one on the
embedded in-memory engine and prints its result and wall time:

	NAME: RESULT (X.XXXs)

With -json it prints one JSON object instead:

	{"workflow":NAME,"result":RESULT,"seconds":X}

The timing examples call an activity that sleeps; -time-scale multiplies the
sleeps (0: no sleeping). -trace FILE writes the run's trace: its task graph
(and, in HTML, its timeline), as .dot, .svg (needs Graphviz) or .html.
On a terminal, the tasks done so far are shown while the example runs.`

// runExample is the "example" subcommand.
func runExample(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("example", exampleUsage, exampleHelp, stderr)
	list := fs.Bool("list", false, "list the examples: name and description, one per line")
	scale := fs.Float64("time-scale", 1, "multiply the activities' sleeps by `S` (0: no sleeping)")
	asJSON := fs.Bool("json", false, "print JSON: one object per line")
	traceFile := fs.String("trace", "", "write the run's trace to `FILE` (.dot, .svg or .html)")
	historyFile := fs.String("history", "", "write the run's history to `FILE` (SWF JSON, for flowy trace)")
	engineName := fs.String("engine", "memory", "run on `ENGINE`: memory (in this process) or temporal")
	temporalAddr := fs.String("temporal-addr", temporal.DefaultHostPort, "with -engine temporal: the Temporal frontend's `HOST:PORT`")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage // fs reported it, with the usage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "flowy example: "+format+"\n", a...)
		return ExitUsage
	}
	if *list {
		if len(pos) > 0 {
			return fail("-list takes no example name (got %q)", strings.Join(pos, " "))
		}
		return listExamples(stdout, *asJSON)
	}
	switch {
	case len(pos) == 0:
		fs.Usage()
		return fail("name an example to run, or use -list; the examples are: %s", strings.Join(examples.Names(), ", "))
	case len(pos) > 1:
		return fail("one example at a time (got %q)", strings.Join(pos, " "))
	case *scale < 0 || math.IsNaN(*scale) || math.IsInf(*scale, 0):
		return fail("-time-scale must be a finite number >= 0, not %v", *scale)
	}
	name := pos[0]
	e, ok := examples.Find(name, *scale)
	if !ok {
		return fail("unknown example %q; the examples are: %s", name, strings.Join(examples.Names(), ", "))
	}

	if *traceFile != "" {
		if _, err := traceFormat(*traceFile); err != nil {
			return fail("%v", err)
		}
	}
	var eng engine.Engine
	switch *engineName {
	case "memory":
	case "temporal":
		t, err := openTemporal(ctx, *temporalAddr, "flowy-examples")
		if err != nil {
			fmt.Fprintf(stderr, "flowy example: %v\n", err)
			return ExitFail
		}
		defer t.Close()
		eng = t
	default:
		return fail("unknown engine %q (memory or temporal)", *engineName)
	}
	var prog *progress
	var traceErr error
	cfg := local.Config{
		Engine:     eng,
		Activities: e.Activities, Workflows: e.Workflows,
		Started: func(eng engine.Engine, exec engine.Execution) {
			prog = startProgress(stderr, name, historyProgress(ctx, eng, exec))
		},
		Closed: func(ctx context.Context, eng engine.Engine, exec engine.Execution) {
			prog.Stop()
			if *traceFile != "" {
				traceErr = writeTrace(ctx, eng, exec, *traceFile)
			}
			if *historyFile != "" && traceErr == nil {
				traceErr = writeHistory(ctx, eng, exec, *historyFile)
			}
		},
	}
	start := time.Now()
	res, err := local.Run[json.RawMessage](ctx, e.Workflow, cfg, e.Args...)
	secs := time.Since(start).Seconds()
	prog.Stop()
	if traceErr != nil {
		fmt.Fprintf(stderr, "flowy example %s: writing the trace or history: %v\n", name, traceErr)
		return ExitFail
	}
	if err != nil {
		if ctx.Err() != nil {
			// local.Run joins ctx's error to its own, often the same one.
			err = context.Cause(ctx)
		}
		fmt.Fprintf(stderr, "flowy example %s: %v\n", name, err)
		return ExitFail
	}
	if *asJSON {
		line, err := json.Marshal(struct {
			Workflow string          `json:"workflow"`
			Result   json.RawMessage `json:"result"`
			Seconds  float64         `json:"seconds"`
		}{name, res, math.Round(secs*1e6) / 1e6})
		if err != nil {
			fmt.Fprintf(stderr, "flowy example %s: encoding the result: %v\n", name, err)
			return ExitFail
		}
		fmt.Fprintf(stdout, "%s\n", line)
		return ExitOK
	}
	fmt.Fprintf(stdout, "%s: %s (%.3fs)\n", name, res, secs)
	return ExitOK
}

// listExamples prints the examples, as an aligned table or as JSON lines.
func listExamples(stdout io.Writer, asJSON bool) int {
	all := examples.All(1)
	if asJSON {
		enc := json.NewEncoder(stdout)
		for _, e := range all {
			_ = enc.Encode(struct {
				Name         string  `json:"name"`
				Description  string  `json:"description"`
				IdealSeconds float64 `json:"ideal_seconds"`
			}{e.Name, e.Description, e.Ideal.Seconds()})
		}
		return ExitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	for _, e := range all {
		fmt.Fprintf(tw, "%s\t%s\n", e.Name, e.Description)
	}
	_ = tw.Flush()
	return ExitOK
}
