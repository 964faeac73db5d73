package trace

import (
	"fmt"
	"html"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// layout sizes: roomy for small runs, compact past compactAt nodes.
type sizes struct {
	boxW, boxH, colGap, rowGap, font float64
	rowH                             float64 // timeline row
}

const compactAt = 200

func sizesFor(n int) sizes {
	if n > compactAt {
		return sizes{boxW: 112, boxH: 22, colGap: 36, rowGap: 4, font: 9, rowH: 11}
	}
	return sizes{boxW: 156, boxH: 48, colGap: 56, rowGap: 12, font: 11, rowH: 20}
}

// graphSVG draws the dependency graph in layers: a column per depth, nodes
// in a column ordered by when they were scheduled.
func (t *Trace) graphSVG() string {
	sz := sizesFor(len(t.Nodes))
	level := t.Levels()
	cols := map[int][]*Node{}
	maxLevel := 0
	for _, n := range t.SortedByStart() {
		l := level[n.Key]
		cols[l] = append(cols[l], n)
		maxLevel = max(maxLevel, l)
	}
	pos := map[string][2]float64{}
	height := 0.0
	for l := 0; l <= maxLevel; l++ {
		for i, n := range cols[l] {
			x := 10 + float64(l)*(sz.boxW+sz.colGap)
			y := 10 + float64(i)*(sz.boxH+sz.rowGap)
			pos[n.Key] = [2]float64{x, y}
			height = max(height, y+sz.boxH+10)
		}
	}
	width := 20 + float64(maxLevel+1)*(sz.boxW+sz.colGap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" data-nodes="%d">`,
		width, height, width, height, len(t.Nodes))
	for _, e := range t.Edges() {
		a, c := pos[e[0]], pos[e[1]]
		x1, y1 := a[0]+sz.boxW, a[1]+sz.boxH/2
		x2, y2 := c[0], c[1]+sz.boxH/2
		cls := "edge"
		if t.ByKey[e[0]].Critical && t.ByKey[e[1]].Critical {
			cls = "edge critical"
		}
		fmt.Fprintf(&b, `<path class="%s" d="M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f"/>`,
			cls, x1, y1, x1+sz.colGap/2, y1, x2-sz.colGap/2, y2, x2, y2)
	}
	for _, n := range t.Nodes {
		p := pos[n.Key]
		s := styleOf(n.Outcome)
		cls := "node"
		if n.Critical {
			cls += " critical"
		}
		rx := 6.0
		if n.Kind == Timer {
			rx = sz.boxH / 2
		}
		fmt.Fprintf(&b, `<g class="%s" data-key="%s" data-outcome="%s"><title>%s</title>`,
			cls, html.EscapeString(n.Key), html.EscapeString(string(n.Outcome)), html.EscapeString(n.tooltip()))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.0f" height="%.0f" rx="%.0f" fill="%s" stroke="%s"/>`,
			p[0], p[1], sz.boxW, sz.boxH, rx, s.fill, s.line)
		lines := n.Label()
		if len(t.Nodes) > compactAt {
			lines = lines[:1]
		}
		for i, line := range lines {
			y := p[1] + sz.boxH/2 + (float64(i)-float64(len(lines)-1)/2)*(sz.font+2) + sz.font/3
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%.0f">%s</text>`, p[0]+sz.boxW/2, y, sz.font, html.EscapeString(clip(line, int(sz.boxW/(sz.font*0.6)))))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:max(n-1, 1)]) + "…"
}

func (n *Node) tooltip() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s %s)\noutcome: %s", n.Key, n.Kind, n.Type, n.Outcome)
	if n.Input != "" {
		fmt.Fprintf(&b, "\ninput: %s", n.Input)
	}
	if n.Result != "" {
		fmt.Fprintf(&b, "\nresult: %s", n.Result)
	}
	if n.Error != "" {
		fmt.Fprintf(&b, "\nerror: %s", n.Error)
	}
	if len(n.Deps) > 0 {
		fmt.Fprintf(&b, "\ndepends on: %s", strings.Join(n.Deps, ", "))
	}
	for _, a := range n.Attempts {
		fmt.Fprintf(&b, "\nattempt %s: %s", a.ID, a.Outcome)
		if a.Detail != "" {
			fmt.Fprintf(&b, " (%s)", a.Detail)
		}
	}
	return b.String()
}

// timelineSVG draws a Gantt chart: a row per task, its retry delay hatched,
// its time queued light and its time running in the outcome's color.
func (t *Trace) timelineSVG() string {
	sz := sizesFor(len(t.Nodes))
	const labelW, chartW = 170.0, 1000.0
	start, end := t.Start, t.End
	if !t.Close.IsZero() {
		end = t.Close
	}
	span := end.Sub(start)
	if span <= 0 {
		span = time.Millisecond
	}
	x := func(at time.Time) float64 {
		if at.IsZero() {
			at = end
		}
		return labelW + chartW*float64(at.Sub(start))/float64(span)
	}
	rows := t.SortedByStart()
	height := 30 + float64(len(rows))*sz.rowH + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" data-rows="%d">`,
		labelW+chartW+20, height, labelW+chartW+20, height, len(rows))
	b.WriteString(`<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#bdbdbd"/></pattern></defs>`)
	for i := 0; i <= 10; i++ {
		xx := labelW + chartW*float64(i)/10
		fmt.Fprintf(&b, `<line class="tick" x1="%.1f" y1="20" x2="%.1f" y2="%.0f"/><text class="axis" x="%.1f" y="14">%s</text>`,
			xx, xx, height-5, xx, html.EscapeString(shortDuration(span*time.Duration(i)/10)))
	}
	for i, n := range rows {
		y := 26 + float64(i)*sz.rowH
		h := sz.rowH * 0.7
		cls := "row"
		if n.Critical {
			cls += " critical"
			fmt.Fprintf(&b, `<rect class="crit-bg" x="0" y="%.1f" width="%.0f" height="%.1f"/>`, y-sz.rowH*0.15, labelW+chartW+20, sz.rowH)
		}
		fmt.Fprintf(&b, `<g class="%s" data-key="%s"><title>%s</title>`, cls, html.EscapeString(n.Key), html.EscapeString(n.tooltip()))
		fmt.Fprintf(&b, `<text class="label" x="%.0f" y="%.1f" font-size="%.0f">%s</text>`, labelW-6, y+h*0.8, math.Min(sz.font, sz.rowH*0.8), html.EscapeString(clip(n.Key, 28)))
		for _, a := range n.Attempts {
			s := styleOf(a.Outcome)
			if !a.Waited.IsZero() {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="url(#hatch)"/>`, x(a.Waited), y, math.Max(x(a.Schedule)-x(a.Waited), 0.5), h)
			}
			if a.Schedule.IsZero() {
				continue
			}
			queuedEnd := a.Start
			if queuedEnd.IsZero() {
				queuedEnd = a.Close
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" opacity="0.45"/>`, x(a.Schedule), y, math.Max(x(queuedEnd)-x(a.Schedule), 0.5), h, s.fill)
			if !a.Start.IsZero() {
				fmt.Fprintf(&b, `<rect class="run" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s"/>`, x(a.Start), y, math.Max(x(a.Close)-x(a.Start), 1), h, s.fill, s.line)
			}
		}
		b.WriteString(`</g>`)
	}
	if !t.Close.IsZero() {
		fmt.Fprintf(&b, `<line class="close" x1="%.1f" y1="20" x2="%.1f" y2="%.0f"/>`, x(t.Close), x(t.Close), height-5)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func shortDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.T.Type}} {{.T.Execution.WorkflowID}}</title>
<style>
{{.CSS}}</style></head><body>
<header><h1>{{.T.Type}} — {{.T.Execution.WorkflowID}}</h1>
run {{.T.Execution.RunID}} · <span class="status {{.T.Status}}" id="status">{{.T.Status}}</span> · {{.Tasks}} tasks · {{.Duration}}</header>
<main>
<section><h2>Run</h2><dl>
<dt>started</dt><dd>{{.Started}}</dd>
{{if .T.Input}}<dt>input</dt><dd>{{.T.Input}}</dd>{{end}}
{{if .T.Result}}<dt>result</dt><dd id="result">{{.T.Result}}</dd>{{end}}
{{if .T.Error}}<dt>failure</dt><dd id="failure">{{.T.Error}}</dd>{{end}}
<dt>outcomes</dt><dd>{{.Counts}}</dd>
<dt>critical path</dt><dd>{{.Critical}}</dd>
</dl></section>
<section><h2>Graph</h2>
<div class="legend">{{range .Legend}}<span><i style="background:{{.Fill}};border-color:{{.Line}}"></i>{{.Name}}</span>{{end}}<span>bold: critical path</span>
<button onclick="zoom('graph',1.25)">+</button><button onclick="zoom('graph',0.8)">−</button></div>
<div class="scroll" id="graph">{{.Graph}}</div></section>
<section><h2>Timeline</h2>
<div class="legend"><span><i style="background:repeating-linear-gradient(45deg,#bdbdbd 0 3px,#fff 3px 6px);border-color:#bdbdbd"></i>retry delay</span><span><i style="background:#eeeeee;opacity:.6;border-color:#bbb"></i>queued</span><span>solid: running</span><span>highlighted rows: critical path</span>
<button onclick="zoom('timeline',1.25)">+</button><button onclick="zoom('timeline',0.8)">−</button></div>
<div class="scroll" id="timeline">{{.Timeline}}</div></section>
</main>
<script>
function zoom(id,f){var s=document.querySelector('#'+id+' svg');var w=parseFloat(s.getAttribute('width'))*f,h=parseFloat(s.getAttribute('height'))*f;s.setAttribute('width',w);s.setAttribute('height',h);}
</script>
</body></html>
`))

// CSS styles the graph and timeline SVGs, and the page around them.
const CSS = `body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#212121;background:#fafafa}
header{background:#263238;color:#eceff1;padding:12px 20px}
header h1{font-size:18px;margin:0 0 4px}
header .status{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;background:#546e7a}
header .status.COMPLETED{background:#2e7d32}header .status.FAILED,header .status.TIMED_OUT,header .status.TERMINATED{background:#c62828}header .status.OPEN{background:#1565c0}
main{padding:12px 20px}
section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;margin:0 0 16px;padding:10px 14px}
h2{font-size:15px;margin:4px 0 8px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:0}
dt{color:#616161}dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all;white-space:pre-wrap}
.scroll{overflow:auto;max-height:80vh;border:1px solid #eee}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:12px;height:12px;border:1px solid;margin-right:4px;vertical-align:-2px}
svg text{font-family:Helvetica,Arial,sans-serif}
.graph text{text-anchor:middle;fill:#212121}
.edge{fill:none;stroke:#90a4ae;stroke-width:1.2}.edge.critical{stroke:#37474f;stroke-width:2.5}
.node.critical rect{stroke-width:3}
.timeline .label{text-anchor:end;fill:#37474f}.timeline .row.critical .label{font-weight:700}
.crit-bg{fill:#fff8e1}.tick{stroke:#eceff1}.axis{font-size:10px;fill:#757575;text-anchor:middle}.close{stroke:#263238;stroke-dasharray:4 3}
button{margin-right:4px}
`

// GraphSVG returns the dependency graph as an inline SVG element (styled by
// [CSS]): a column per depth, tasks colored by outcome, the critical path
// bold, each task's details in its tooltip.
func (t *Trace) GraphSVG() string { return t.graphSVG() }

// TimelineSVG returns the timeline as an inline SVG element (styled by
// [CSS]): a row per task, its retry delay hatched, its time queued light and
// its time running in its outcome's color, the critical path highlighted.
func (t *Trace) TimelineSVG() string { return t.timelineSVG() }

// WriteHTML writes one self-contained HTML page (no network fetches) with
// the run's summary, its dependency graph and its timeline.
func (t *Trace) WriteHTML(w io.Writer) error {
	counts := map[Outcome]int{}
	var crit []string
	for _, n := range t.SortedByStart() {
		counts[n.Outcome]++
		if n.Critical {
			crit = append(crit, n.Key)
		}
	}
	var cs []string
	for o, c := range counts {
		cs = append(cs, fmt.Sprintf("%s %d", o, c))
	}
	sort.Strings(cs)
	type legend struct{ Name, Fill, Line string }
	var leg []legend
	for _, o := range []Outcome{Completed, Running, Scheduled, Failed, TimedOut, Canceled, Abandoned} {
		s := styleOf(o)
		leg = append(leg, legend{string(o), s.fill, s.line})
	}
	end := t.End
	if !t.Close.IsZero() {
		end = t.Close
	}
	return page.Execute(w, map[string]any{
		"T":        t,
		"Tasks":    len(t.Nodes),
		"Duration": shortDuration(end.Sub(t.Start)),
		"Started":  t.Start.UTC().Format(time.RFC3339Nano),
		"Counts":   strings.Join(cs, ", "),
		"Critical": strings.Join(crit, " → "),
		"Legend":   leg,
		"CSS":      template.CSS(CSS),
		"Graph":    template.HTML(t.graphSVG()),
		"Timeline": template.HTML(t.timelineSVG()),
	})
}
