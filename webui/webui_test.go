package webui_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/examples"
	"github.com/flowy-go/flowy/memory"
	"github.com/flowy-go/flowy/webui"
	"github.com/flowy-go/flowy/worker"
)

type source struct{ eng engine.Engine }

func (s source) DomainNames(context.Context) ([]string, error) { return []string{"test"}, nil }
func (s source) Engine(_ context.Context, d string) (engine.Engine, error) {
	if d != "test" {
		return nil, engine.ErrUnknownResource
	}
	return s.eng, nil
}

// setup runs ParallelMapReduce to completion and starts a run that no
// decider serves (so it stays open), and serves the UI over them.
func setup(t *testing.T) (*httptest.Server, engine.Execution, engine.Execution) {
	eng := memory.New(memory.Options{})
	t.Cleanup(func() { eng.Close() })
	pmr, _ := examples.Find("ParallelMapReduce", 0)
	w, err := worker.New(eng, append(pmr.Workflows, pmr.Workflow), pmr.Activities, worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stop, err := w.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	done, err := client.Start(ctx, eng, pmr.Workflow, client.StartOptions{WorkflowID: "pmr"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Result[int](ctx, eng, done, nil); err != nil {
		t.Fatal(err)
	}
	pending := engine.WorkflowType{Name: "Sequential", Version: "1"}
	if err := eng.RegisterWorkflowType(ctx, engine.WorkflowTypeInfo{WorkflowType: pending, DefaultTaskList: "nobody"}); err != nil {
		t.Fatal(err)
	}
	open, err := client.StartRaw(ctx, eng, pending, "[[], {}]", client.StartOptions{WorkflowID: "seq"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(webui.New(source{eng}, webui.Options{Credentials: map[string]string{"AKID": "s3cret"}, PageSize: 10}))
	t.Cleanup(srv.Close)
	return srv, done, open
}

func get(t *testing.T, url, user, pass string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUI(t *testing.T) {
	srv, done, open := setup(t)
	if code, body := get(t, srv.URL+"/ui/health", "", ""); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("health: %d %s", code, body)
	}
	for _, cred := range [][2]string{{"", ""}, {"AKID", "wrong"}, {"other", "s3cret"}} {
		if code, _ := get(t, srv.URL+"/ui/", cred[0], cred[1]); code != http.StatusUnauthorized {
			t.Errorf("credentials %v: status %d, want 401", cred, code)
		}
	}
	code, body := get(t, srv.URL+"/ui/?domain=test&status=closed", "AKID", "s3cret")
	if code != 200 || strings.Count(body, `<tr class="execution">`) != 1 || !strings.Contains(body, ">pmr</a>") {
		t.Errorf("closed list: %d\n%s", code, body)
	}
	code, body = get(t, srv.URL+"/ui/?domain=test&status=open&type=Sequential", "AKID", "s3cret")
	if code != 200 || strings.Count(body, `<tr class="execution">`) != 1 || !strings.Contains(body, ">seq</a>") {
		t.Errorf("open list: %d\n%s", code, body)
	}
	code, body = get(t, srv.URL+"/ui/?domain=test&status=open&type=Nothing", "AKID", "s3cret")
	if code != 200 || !strings.Contains(body, "No executions match.") {
		t.Errorf("filtered list: %d", code)
	}
	code, body = get(t, srv.URL+"/ui/run?domain=test&workflow=pmr&run="+done.RunID, "AKID", "s3cret")
	if code != 200 || !strings.Contains(body, `id="status">COMPLETED<`) || !strings.Contains(body, `id="result">91<`) ||
		strings.Count(body, `<g class="node`) != 11 || strings.Count(body, `<tr class="event">`) != 10 || strings.Contains(body, "http-equiv=\"refresh\"") {
		t.Errorf("completed run page: %d\n%.3000s", code, body)
	}
	code, body = get(t, srv.URL+"/ui/run?domain=test&workflow=seq&run="+open.RunID, "AKID", "s3cret")
	if code != 200 || !strings.Contains(body, `id="status">OPEN<`) || !strings.Contains(body, `http-equiv="refresh"`) {
		t.Errorf("open run page: %d\n%.2000s", code, body)
	}
	if code, _ := get(t, srv.URL+"/ui/run?domain=test&workflow=nope", "AKID", "s3cret"); code != http.StatusNotFound {
		t.Errorf("unknown run: %d, want 404", code)
	}
	if code, _ := get(t, srv.URL+"/ui/?domain=test&status=closed&after=yesterday", "AKID", "s3cret"); code != http.StatusBadRequest {
		t.Errorf("bad time filter: %d, want 400", code)
	}
}

// TestUIInChromium loads the UI in headless Chromium, signed in, and checks
// what it renders; it saves screenshots.
func TestUIInChromium(t *testing.T) {
	var browser string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("SKIPPED: no Chromium on the PATH (Debian: apt-get install chromium); the UI is not checked in a browser")
	}
	srv, done, _ := setup(t)
	base := strings.Replace(srv.URL, "http://", "http://AKID:s3cret@", 1)
	dir := os.Getenv("FLOWY_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	chrome := func(args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + t.TempDir()}, args...)
		var out, errOut bytes.Buffer
		cmd := exec.CommandContext(ctx, browser, all...)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium: %v\n%s", err, errOut.String())
		}
		return out.String()
	}
	list := chrome("--dump-dom", base+"/ui/?domain=test&status=closed")
	if strings.Count(list, `<tr class="execution">`) != 1 {
		t.Errorf("the executions list renders %d rows, want 1:\n%.1500s", strings.Count(list, `<tr class="execution">`), list)
	}
	page := base + "/ui/run?domain=test&workflow=pmr&run=" + done.RunID
	dom := chrome("--dump-dom", page)
	if n := strings.Count(dom, `<g class="node`); n != 11 || !strings.Contains(dom, `id="status">COMPLETED</span>`) {
		t.Errorf("the run page renders %d task boxes (want 11) and status COMPLETED:\n%.1500s", n, dom)
	}
	for name, url := range map[string]string{"ui-executions.png": base + "/ui/?domain=test&status=closed", "ui-run.png": page} {
		shot := filepath.Join(dir, name)
		chrome("--window-size=1300,1300", "--screenshot="+shot, url)
		if st, err := os.Stat(shot); err != nil || st.Size() < 5000 {
			t.Errorf("no screenshot %s: %v", shot, err)
		}
		t.Logf("screenshot: %s", shot)
	}
}
