package trace_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium returns the path of a Chromium to drive, or skips the test,
// saying so loudly: .ci/run installs Debian's chromium.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("SKIPPED: no Chromium on the PATH (Debian: apt-get install chromium); the HTML is not checked in a browser")
	return ""
}

// headless runs Chromium on a page with a fresh profile and returns what
// it printed.
func headless(t *testing.T, browser string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errOut.String())
	}
	return out.String()
}

// artifacts returns the folder for test artifacts (screenshots):
// $FLOWY_ARTIFACTS, or a temporary folder.
func artifacts(t *testing.T) string {
	if dir := os.Getenv("FLOWY_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// TestHTMLInChromium loads the trace page of a run in headless Chromium and
// checks what it renders: one box per task in the graph, one row per task
// in the timeline, and the run's status; it saves a screenshot.
func TestHTMLInChromium(t *testing.T) {
	browser := chromium(t)
	tr := run(t, "ParallelMapReduce", 0.01)
	page := filepath.Join(t.TempDir(), "trace.html")
	var b bytes.Buffer
	if err := tr.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := headless(t, browser, "--dump-dom", "file://"+page)
	if n := strings.Count(dom, `<g class="node`); n != 11 {
		t.Errorf("the rendered graph has %d task boxes, want 11", n)
	}
	if n := strings.Count(dom, `<g class="row`); n != 11 {
		t.Errorf("the rendered timeline has %d rows, want 11", n)
	}
	if !strings.Contains(dom, `id="status">COMPLETED</span>`) || !strings.Contains(dom, `id="result">91</dd>`) {
		t.Errorf("the rendered page does not show the status and result:\n%.2000s", dom)
	}
	shot := filepath.Join(artifacts(t), "trace-ParallelMapReduce.png")
	headless(t, browser, "--window-size=1300,1200", "--screenshot="+shot, "file://"+page)
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Errorf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot: %s", shot)
}
