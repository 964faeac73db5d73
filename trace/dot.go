package trace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// style is how an outcome is drawn: fill and line colors.
type style struct{ fill, line string }

var styles = map[Outcome]style{
	Scheduled:  {"#eeeeee", "#757575"},
	Running:    {"#d6e6ff", "#1565c0"},
	Completed:  {"#d7f0da", "#2e7d32"},
	Failed:     {"#f9d6d9", "#c62828"},
	TimedOut:   {"#ffe2bf", "#e65100"},
	Canceled:   {"#e3e3e3", "#424242"},
	Terminated: {"#e3e3e3", "#424242"},
	Abandoned:  {"#f5f5f5", "#9e9e9e"},
}

func styleOf(o Outcome) style {
	if s, ok := styles[o]; ok {
		return s
	}
	return styles[Scheduled]
}

// Label returns a node's caption lines: key, type, and outcome with the
// number of attempts when there were retries.
func (n *Node) Label() []string {
	lines := []string{n.Key}
	if n.Type != "" {
		lines = append(lines, n.Type)
	}
	o := string(n.Outcome)
	if len(n.Attempts) > 1 {
		o += fmt.Sprintf(" (%d attempts)", len(n.Attempts))
	}
	return append(lines, o)
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// WriteDOT writes the trace as a Graphviz digraph: a box per task, colored
// by outcome, with the critical path drawn bold.
func (t *Trace) WriteDOT(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(t.Execution.WorkflowID))
	fmt.Fprintf(&b, "  label=%s;\n  labelloc=t;\n  rankdir=LR;\n", dotQuote(t.Type+" "+string(t.Status)))
	b.WriteString("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("  edge [color=\"#607d8b\"];\n")
	for _, n := range t.Nodes {
		s := styleOf(n.Outcome)
		attrs := fmt.Sprintf("label=%s, fillcolor=%s, color=%s", dotQuote(strings.Join(n.Label(), "\n")), dotQuote(s.fill), dotQuote(s.line))
		if n.Kind == Timer {
			attrs += ", shape=ellipse"
		}
		if n.Kind == Child {
			attrs += `, peripheries=2`
		}
		if n.Critical {
			attrs += ", penwidth=2.5"
		}
		if tip := n.Error; tip != "" {
			attrs += ", tooltip=" + dotQuote(tip)
		}
		fmt.Fprintf(&b, "  %s [%s];\n", dotQuote(n.Key), attrs)
	}
	for _, e := range t.Edges() {
		attrs := ""
		if t.ByKey[e[0]].Critical && t.ByKey[e[1]].Critical {
			attrs = " [penwidth=2.5, color=\"#37474f\"]"
		}
		fmt.Fprintf(&b, "  %s -> %s%s;\n", dotQuote(e[0]), dotQuote(e[1]), attrs)
	}
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// ErrNoGraphviz is returned by WriteSVG when Graphviz's dot program is not
// installed.
var ErrNoGraphviz = errors.New("trace: Graphviz's dot program is not on the PATH (Debian: apt-get install graphviz); the HTML renderer draws the graph without it")

// WriteSVG renders the trace's DOT to SVG with Graphviz's dot program.
func (t *Trace) WriteSVG(ctx context.Context, w io.Writer) error {
	path, err := exec.LookPath("dot")
	if err != nil {
		return ErrNoGraphviz
	}
	var in, errOut bytes.Buffer
	if err := t.WriteDOT(&in); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, path, "-Tsvg")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, w, &errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("trace: dot -Tsvg: %v: %s", err, strings.TrimSpace(errOut.String()))
	}
	return nil
}
