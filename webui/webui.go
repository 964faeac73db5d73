// Package webui is flowy's read-only web UI: a list of executions (open and
// closed, filtered by type, status and start time) and a page per execution
// with its status, input, result or failure, its history (paged), and its
// graph and timeline (package trace), refreshing while the run is open.
//
// It is an http.Handler for any set of engines (one per SWF domain); flowy
// server mounts it under /ui/ on its own port. It requires the server's
// credentials — HTTP Basic authentication with an access key id and its
// secret — unless the server runs without keys.
package webui

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/failure"
	"github.com/flowy-go/flowy/trace"
)

// Source gives the UI the engines to show, one per domain.
type Source interface {
	// DomainNames lists the domains, in display order.
	DomainNames(ctx context.Context) ([]string, error)
	// Engine returns a domain's engine.
	Engine(ctx context.Context, domain string) (engine.Engine, error)
}

// Options configure the UI.
type Options struct {
	// Prefix is where the UI is mounted ("" = "/ui/").
	Prefix string
	// Credentials maps access key ids to secrets; requests must carry one
	// pair with HTTP Basic authentication. Empty means no authentication
	// (only for a server that runs without keys).
	Credentials map[string]string
	// Refresh is how often an open execution's page reloads (0 = 2 s).
	Refresh time.Duration
	// PageSize is the number of history events per page (0 = 200).
	PageSize int
}

type ui struct {
	src  Source
	opts Options
	mux  *http.ServeMux
}

// New returns the UI's handler. Health is served at PREFIX+"health" without
// authentication; everything else needs credentials when some are set.
func New(src Source, opts Options) http.Handler {
	if opts.Prefix == "" {
		opts.Prefix = "/ui/"
	}
	if opts.Refresh == 0 {
		opts.Refresh = 2 * time.Second
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 200
	}
	u := &ui{src: src, opts: opts, mux: http.NewServeMux()}
	p := opts.Prefix
	u.mux.HandleFunc("GET "+p+"health", u.health)
	u.mux.Handle("GET "+p+"{$}", u.auth(u.list))
	u.mux.Handle("GET "+p+"run", u.auth(u.run))
	return u.mux
}

func (u *ui) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintln(w, `{"status": "ok"}`)
}

// auth checks HTTP Basic credentials against the access keys.
func (u *ui) auth(h func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(u.opts.Credentials) > 0 {
			id, secret, ok := r.BasicAuth()
			want, known := u.opts.Credentials[id]
			if !ok || !known || subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="flowy", charset="UTF-8"`)
				http.Error(w, "flowy: sign in with an access key id and its secret", http.StatusUnauthorized)
				return
			}
		}
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h(w, r)
	})
}

var statuses = []string{"open", "closed", string(engine.StatusCompleted), string(engine.StatusFailed),
	string(engine.StatusTimedOut), string(engine.StatusTerminated), string(engine.StatusCanceled), string(engine.StatusContinuedAsNew)}

type row struct {
	engine.ExecutionInfo
	Link     string
	Started  string
	Duration string
}

func (u *ui) list(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	domains, err := u.src.DomainNames(ctx)
	if err != nil {
		u.fail(w, err)
		return
	}
	domain := q.Get("domain")
	if domain == "" && len(domains) > 0 {
		domain = domains[0]
	}
	status := q.Get("status")
	if status == "" {
		status = "open"
	}
	data := map[string]any{"Prefix": u.opts.Prefix, "Domains": domains, "Domain": domain, "Statuses": statuses,
		"Status": status, "Type": q.Get("type"), "After": q.Get("after"), "Before": q.Get("before")}
	if domain == "" {
		data["Message"] = "No domain is registered yet."
		u.render(w, listPage, data)
		return
	}
	eng, err := u.src.Engine(ctx, domain)
	if err != nil {
		u.fail(w, err)
		return
	}
	lister, ok := eng.(engine.ExecutionLister)
	if !ok {
		data["Message"] = "This engine cannot list executions."
		u.render(w, listPage, data)
		return
	}
	f := engine.ExecutionFilter{Open: status == "open", TypeName: q.Get("type")}
	if status != "open" && status != "closed" {
		f.CloseStatus = engine.ExecutionStatus(status)
	}
	for _, b := range []struct {
		param string
		dst   *time.Time
	}{{"after", &f.StartedAfter}, {"before", &f.StartedBefore}} {
		if v := q.Get(b.param); v != "" {
			t, err := parseTime(v)
			if err != nil {
				http.Error(w, fmt.Sprintf("%s: %v", b.param, err), http.StatusBadRequest)
				return
			}
			*b.dst = t
		}
	}
	infos, err := lister.ListExecutions(ctx, f)
	if err != nil {
		u.fail(w, err)
		return
	}
	const maxRows = 1000
	if len(infos) > maxRows {
		data["Message"] = fmt.Sprintf("Showing the newest %d of %d executions; narrow the filter to see others.", maxRows, len(infos))
		infos = infos[:maxRows]
	}
	rows := make([]row, len(infos))
	for i, in := range infos {
		end := in.CloseTime
		if end.IsZero() {
			end = time.Now()
		}
		rows[i] = row{ExecutionInfo: in, Link: u.runLink(domain, in.Execution, 0),
			Started: in.StartTime.UTC().Format("2006-01-02 15:04:05.000"), Duration: end.Sub(in.StartTime).Round(time.Millisecond).String()}
	}
	data["Rows"] = rows
	u.render(w, listPage, data)
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("want a time like 2026-12-04 or 2026-12-04T15:04")
}

func (u *ui) runLink(domain string, exec engine.Execution, page int) string {
	v := url.Values{"domain": {domain}, "workflow": {exec.WorkflowID}, "run": {exec.RunID}}
	if page > 0 {
		v.Set("page", strconv.Itoa(page))
	}
	return u.opts.Prefix + "run?" + v.Encode()
}

type eventRow struct {
	ID      int64
	Time    string
	Type    string
	Details string
}

func (u *ui) run(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	domain := q.Get("domain")
	exec := engine.Execution{WorkflowID: q.Get("workflow"), RunID: q.Get("run")}
	eng, err := u.src.Engine(ctx, domain)
	if err != nil {
		u.fail(w, err)
		return
	}
	info, err := eng.DescribeWorkflowExecution(ctx, exec)
	if err != nil {
		u.fail(w, err)
		return
	}
	exec = info.Execution
	events, err := eng.GetWorkflowExecutionHistory(ctx, exec)
	if err != nil {
		u.fail(w, err)
		return
	}
	t := trace.Build(exec, events)
	pages := max((len(events)+u.opts.PageSize-1)/u.opts.PageSize, 1)
	page, _ := strconv.Atoi(q.Get("page"))
	page = min(max(page, 0), pages-1)
	var rows []eventRow
	for _, e := range events[page*u.opts.PageSize : min((page+1)*u.opts.PageSize, len(events))] {
		rows = append(rows, eventRow{ID: e.ID, Time: e.Time.UTC().Format("15:04:05.000000"), Type: e.Type(), Details: describe(e)})
	}
	var pageLinks []map[string]any
	for i := range pages {
		pageLinks = append(pageLinks, map[string]any{"N": i + 1, "Link": u.runLink(domain, exec, i), "Current": i == page})
	}
	data := map[string]any{
		"Prefix": u.opts.Prefix, "Domain": domain, "Info": info, "T": t, "Rows": rows, "Pages": pageLinks,
		"Open":     info.Status == engine.StatusOpen,
		"Refresh":  int(u.opts.Refresh.Seconds()),
		"CSS":      template.CSS(trace.CSS),
		"Graph":    template.HTML(t.GraphSVG()),
		"Timeline": template.HTML(t.TimelineSVG()),
		"Started":  info.StartTime.UTC().Format(time.RFC3339Nano),
		"Back":     u.opts.Prefix + "?" + url.Values{"domain": {domain}, "status": {statusFilter(info.Status)}}.Encode(),
		"Events":   len(events),
	}
	u.render(w, runPage, data)
}

func statusFilter(s engine.ExecutionStatus) string {
	if s == engine.StatusOpen {
		return "open"
	}
	return "closed"
}

// describe renders an event's attributes briefly, payloads cut short.
func describe(e engine.Event) string {
	switch a := e.Attr.(type) {
	case *engine.ActivityTaskFailed:
		_, msg := failure.Decode(a.Reason, a.Details)
		return "failure: " + cutLine(msg, 300)
	case *engine.WorkflowExecutionFailed:
		_, msg := failure.Decode(a.Reason, a.Details)
		return "failure: " + cutLine(msg, 300)
	}
	s := strings.TrimPrefix(fmt.Sprintf("%+v", e.Attr), "&")
	return cutLine(s, 400)
}

func cutLine(s string, n int) string {
	if len(s) > n {
		return failure.Truncate(s, n)
	}
	return s
}

func (u *ui) fail(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	if errors.Is(err, engine.ErrUnknownResource) {
		code = http.StatusNotFound
	}
	http.Error(w, "flowy: "+err.Error(), code)
}

func (u *ui) render(w http.ResponseWriter, t *template.Template, data map[string]any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := t.Execute(w, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

var funcs = template.FuncMap{"eq": func(a, b any) bool { return a == b }, "has": slices.Contains[[]string]}

const head = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#212121;background:#fafafa}
header{background:#263238;color:#eceff1;padding:10px 20px}header a{color:#b3e5fc}
header h1{font-size:18px;margin:0}
main{padding:12px 20px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #eee;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eceff1}td.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;color:#fff;background:#546e7a}
.status.COMPLETED{background:#2e7d32}.status.FAILED,.status.TIMED_OUT,.status.TERMINATED{background:#c62828}.status.OPEN{background:#1565c0}
form{margin:0 0 12px}label{margin-right:10px}.msg{color:#6d4c41;margin:8px 0}
.pages a{margin-right:6px}.pages a.current{font-weight:700;text-decoration:none;color:#212121}
`

var listPage = template.Must(template.New("list").Funcs(funcs).Parse(head + `</style><title>flowy executions</title></head><body>
<header><h1>flowy — executions</h1></header><main>
<form method="get" action="{{.Prefix}}">
<label>domain <select name="domain">{{range .Domains}}<option{{if eq . $.Domain}} selected{{end}}>{{.}}</option>{{end}}</select></label>
<label>status <select name="status">{{range .Statuses}}<option{{if eq . $.Status}} selected{{end}}>{{.}}</option>{{end}}</select></label>
<label>type <input name="type" value="{{.Type}}" size="16"></label>
<label>started after <input name="after" value="{{.After}}" size="16" placeholder="2026-12-04"></label>
<label>before <input name="before" value="{{.Before}}" size="16"></label>
<button type="submit">show</button></form>
{{with .Message}}<p class="msg">{{.}}</p>{{end}}
<table id="executions"><thead><tr><th>workflow id</th><th>run id</th><th>type</th><th>status</th><th>started (UTC)</th><th>duration</th></tr></thead><tbody>
{{range .Rows}}<tr class="execution"><td><a href="{{.Link}}">{{.Execution.WorkflowID}}</a></td><td class="mono">{{.Execution.RunID}}</td><td>{{.Type.Name}}/{{.Type.Version}}</td><td><span class="status {{.Status}}">{{.Status}}</span></td><td>{{.Started}}</td><td>{{.Duration}}</td></tr>
{{else}}<tr><td colspan="6">No executions match.</td></tr>{{end}}
</tbody></table></main></body></html>`))

var runPage = template.Must(template.New("run").Funcs(funcs).Parse(head + `{{.CSS}}</style>
{{if .Open}}<meta http-equiv="refresh" content="{{.Refresh}}">{{end}}
<title>{{.Info.Execution.WorkflowID}} — flowy</title></head><body>
<header><h1>{{.Info.Type.Name}}/{{.Info.Type.Version}} — {{.Info.Execution.WorkflowID}}</h1>
run {{.Info.Execution.RunID}} · <span class="status {{.Info.Status}}" id="status">{{.Info.Status}}</span> · {{len .T.Nodes}} tasks · <a href="{{.Back}}">all executions</a></header>
<main>
<section><h2>Run</h2><dl>
<dt>domain</dt><dd>{{.Domain}}</dd>
<dt>started</dt><dd>{{.Started}}</dd>
{{if .T.Input}}<dt>input</dt><dd id="input">{{.T.Input}}</dd>{{end}}
{{if .T.Result}}<dt>result</dt><dd id="result">{{.T.Result}}</dd>{{end}}
{{if .T.Error}}<dt>failure</dt><dd id="failure">{{.T.Error}}</dd>{{end}}
{{if .Open}}<dt>open</dt><dd>{{.Info.OpenActivities}} activities, {{.Info.OpenTimers}} timers, {{.Info.OpenChildren}} children — this page refreshes every {{.Refresh}} s</dd>{{end}}
</dl></section>
<section><h2>Graph</h2><div class="scroll" id="graph">{{.Graph}}</div></section>
<section><h2>Timeline</h2><div class="scroll" id="timeline">{{.Timeline}}</div></section>
<section><h2>History ({{.Events}} events)</h2>
<p class="pages">{{if gt (len .Pages) 1}}page {{range .Pages}}<a href="{{.Link}}"{{if .Current}} class="current"{{end}}>{{.N}}</a>{{end}}{{end}}</p>
<table id="history"><thead><tr><th>id</th><th>time (UTC)</th><th>event</th><th>attributes</th></tr></thead><tbody>
{{range .Rows}}<tr class="event"><td>{{.ID}}</td><td>{{.Time}}</td><td>{{.Type}}</td><td class="mono">{{.Details}}</td></tr>{{end}}
</tbody></table></section>
</main></body></html>`))
