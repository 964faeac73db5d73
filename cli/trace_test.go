package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowy-go/flowy/cli"
)

// TestTraceFromHistory saves an example's history with "example -history",
// draws it with "trace", and checks the drawing.
func TestTraceFromHistory(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "h.json")
	if code, _, stderr := run(t, "example", "ParallelMapReduce", "-time-scale", "0", "-history", hist); code != 0 {
		t.Fatalf("example: exit %d: %s", code, stderr)
	}
	for _, out := range []string{"t.dot", "t.html"} {
		code, stdout, stderr := run(t, "trace", "-history", hist, "-o", filepath.Join(dir, out), "-workflow-id", "pmr")
		if code != 0 || !strings.Contains(stdout, "11 tasks, 10 dependencies") {
			t.Fatalf("trace -o %s: exit %d, %q, %q", out, code, stdout, stderr)
		}
	}
	dot, _ := os.ReadFile(filepath.Join(dir, "t.dot"))
	if n := strings.Count(string(dot), " -> "); n != 10 || !strings.HasPrefix(string(dot), `digraph "pmr"`) {
		t.Errorf("DOT with %d edges:\n%s", n, dot)
	}
}

// TestParseHistoryISOTimestamps reads a history as the AWS CLI prints it.
func TestParseHistoryISOTimestamps(t *testing.T) {
	events, err := cli.ParseHistory([]byte(`{"events": [
		{"eventId": 1, "eventTimestamp": "2016-06-21T10:22:54.123000+00:00", "eventType": "WorkflowExecutionStarted",
		 "workflowExecutionStartedEventAttributes": {"workflowType": {"name": "W", "version": "1"}, "input": "[[], {}]",
		   "taskList": {"name": "tl"}, "childPolicy": "TERMINATE", "executionStartToCloseTimeout": "60", "taskStartToCloseTimeout": "10"}},
		{"eventId": 2, "eventTimestamp": 1466504574.5, "eventType": "DecisionTaskScheduled",
		 "decisionTaskScheduledEventAttributes": {"taskList": {"name": "tl"}, "startToCloseTimeout": "10"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Time.UnixMilli() != 1466504574123 || events[1].Time.UnixMilli() != 1466504574500 {
		t.Errorf("events %+v", events)
	}
}

func TestTraceErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"events": [{"eventId": 2, "eventTimestamp": 1, "eventType": "DecisionTaskScheduled", "decisionTaskScheduledEventAttributes": {"taskList": {"name": "x"}}}]}`), 0o644)
	notJSON := filepath.Join(dir, "x.json")
	os.WriteFile(notJSON, []byte(`hello`), 0o644)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"trace"}, 2, "give the history with -history FILE"},
		{[]string{"trace", "-history", bad}, 2, "give the output file"},
		{[]string{"trace", "-history", bad, "-o", "x.png"}, 2, "the extension must be .dot, .svg or .html"},
		{[]string{"trace", "-history", filepath.Join(dir, "none.json"), "-o", filepath.Join(dir, "a.dot")}, 1, "no such file"},
		{[]string{"trace", "-history", notJSON, "-o", filepath.Join(dir, "a.dot")}, 1, "not a history"},
		{[]string{"trace", "-history", bad, "-o", filepath.Join(dir, "a.dot")}, 1, "a history starts at event 1"},
	} {
		code, _, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, stderr, c.code, c.msg)
		}
	}
}
