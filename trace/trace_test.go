package trace_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/examples"
	"github.com/flowy-go/flowy/local"
	"github.com/flowy-go/flowy/trace"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// run runs an example and returns the trace of its run.
func run(t *testing.T, name string, scale float64) *trace.Trace {
	t.Helper()
	e, ok := examples.Find(name, scale)
	if !ok {
		t.Fatalf("no example %s", name)
	}
	var tr *trace.Trace
	_, err := local.Run[int](context.Background(), e.Workflow, local.Config{
		Activities: e.Activities, Workflows: e.Workflows,
		Start: client.StartOptions{WorkflowID: "trace-" + name},
		Closed: func(ctx context.Context, eng engine.Engine, exec engine.Execution) {
			events, err := eng.GetWorkflowExecutionHistory(ctx, exec)
			if err != nil {
				t.Fatal(err)
			}
			tr = trace.Build(exec, events)
		},
	}, e.Args...)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestExamples checks the graph of each timing example: its nodes, its
// edges (every reduction has its two inputs), and that all completed.
func TestExamples(t *testing.T) {
	for _, c := range []struct {
		name         string
		nodes, edges int
		twoInputs    int // nodes with exactly two recorded dependencies
		abandoned    int // still running when the run closed
	}{
		{"Sequential", 4, 3, 0, 0},
		{"ParallelWait", 5, 0, 0, 0},
		{"ParallelSum", 7, 6, 3, 0},
		{"WaitFirst", 4, 0, 0, 3},
		{"WaitFirstTwo", 5, 2, 1, 2},
		{"Conditional", 2, 0, 0, 0},
		{"NaiveMapReduce", 11, 10, 5, 0},
		{"FinishOrderMapReduce", 11, 10, 5, 0},
		{"ParallelMapReduce", 11, 10, 5, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			scale := 0.01
			if c.abandoned > 0 {
				scale = 0.05 // the losers must still be running at the close
			}
			tr := run(t, c.name, scale)
			if len(tr.Nodes) != c.nodes || len(tr.Edges()) != c.edges {
				t.Errorf("%d nodes and %d edges, want %d and %d", len(tr.Nodes), len(tr.Edges()), c.nodes, c.edges)
			}
			two, abandoned := 0, 0
			for _, n := range tr.Nodes {
				if n.Outcome == trace.Abandoned {
					abandoned++
				} else if n.Outcome != trace.Completed {
					t.Errorf("node %s: %s", n.Key, n.Outcome)
				}
				if n.Kind != trace.Activity || n.Type != "a/1" || len(n.Attempts) != 1 {
					t.Errorf("node %s: %s %s, %d attempts", n.Key, n.Kind, n.Type, len(n.Attempts))
				}
				if len(n.Deps) == 2 {
					two++
				}
				a := n.Attempts[0]
				if a.Schedule.IsZero() || a.Start.Before(a.Schedule) || a.Close.Before(a.Start) {
					t.Errorf("node %s: times out of order: %+v", n.Key, a)
				}
			}
			if two != c.twoInputs || abandoned != c.abandoned {
				t.Errorf("%d nodes with two inputs and %d abandoned, want %d and %d", two, abandoned, c.twoInputs, c.abandoned)
			}
			if tr.Status != engine.StatusCompleted || tr.Result == "" {
				t.Errorf("run %s with result %q", tr.Status, tr.Result)
			}
			if crit := critical(tr); len(crit) == 0 {
				t.Error("no critical path")
			}
		})
	}
}

func critical(tr *trace.Trace) []string {
	var out []string
	for _, n := range tr.Nodes {
		if n.Critical {
			out = append(out, n.Key)
		}
	}
	return out
}

// TestCriticalPath checks the critical path of NaiveMapReduce at a time
// scale where the sleeps order the tasks: the slowest map (a(4), 6.0) gates
// the fourth reduction, which gates the last.
func TestCriticalPath(t *testing.T) {
	tr := run(t, "NaiveMapReduce", 0.02)
	got := strings.Join(critical(tr), " ")
	if want := "A-3 A-8 A-9 A-10"; got != want {
		t.Errorf("critical path %s, want %s", got, want)
	}
}

func TestGoldenDOT(t *testing.T) {
	tr := run(t, "Sequential", 0)
	var b bytes.Buffer
	if err := tr.WriteDOT(&b); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "sequential.dot")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("DOT:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	tr := run(t, "ParallelMapReduce", 0.01)
	var b bytes.Buffer
	if err := tr.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`data-nodes="11"`, `data-rows="11"`, `id="status">COMPLETED<`, "critical path"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"http://", "https://", "src="} {
		if i := strings.Index(page, bad); i >= 0 && !strings.HasPrefix(page[i:], "http://www.w3.org/2000/svg") {
			t.Errorf("the page refers outside itself: %q", page[max(i-40, 0):min(i+60, len(page))])
		}
	}
}

func TestSVG(t *testing.T) {
	tr := run(t, "SquareSum", 0)
	var b bytes.Buffer
	err := tr.WriteSVG(context.Background(), &b)
	if err == trace.ErrNoGraphviz {
		t.Skip("Graphviz is not installed: ", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<svg") || !strings.Contains(strings.ReplaceAll(b.String(), "&#45;", "-"), ">Square-0<") {
		t.Errorf("not an SVG of the run:\n%.500s", b.String())
	}
}
