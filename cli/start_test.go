package cli_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// fakeSWF is an SWF endpoint on 127.0.0.1: it records the requests and
// answers from answers, by operation (a func of the request body).
type fakeSWF struct {
	mu      sync.Mutex
	reqs    map[string][]string
	answers map[string]func(body string) string
}

func (f *fakeSWF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "SimpleWorkflowService.")
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs[op] = append(f.reqs[op], string(body))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	answer, ok := f.answers[op]
	if !ok {
		w.WriteHeader(400)
		io.WriteString(w, `{"__type":"com.amazonaws.swf.base.model#UnknownResourceFault","message":"no"}`)
		return
	}
	io.WriteString(w, answer(string(body)))
}

// startFake starts a fake SWF endpoint and points the AWS configuration of
// the process at nothing but static credentials.
func startFake(t *testing.T, answers map[string]func(string) string) (*fakeSWF, string) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	f := &fakeSWF{reqs: map[string][]string{}, answers: answers}
	hs := httptest.NewServer(f)
	t.Cleanup(hs.Close)
	return f, hs.URL
}

func sameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("sent %s\nwant %s", got, want)
	}
}

func TestStart(t *testing.T) {
	f, url := startFake(t, map[string]func(string) string{
		"StartWorkflowExecution": func(string) string { return `{"runId":"run-1"}` },
	})
	code, out, errOut := run(t, "start", "-engine", "swf", "-endpoint", url, "-region", "eu-west-1",
		"-task-list", "tl", "-execution-timeout", "1m30s", "-decision-timeout", "NONE", "-child-policy", "terminate",
		"-tag", "a", "-tag", "b", "-workflow-id", "wid", "-kw", `c={"x": "é"}`,
		"dom", "SumSquares", "2", "1", `"two"`, "[3, 4]")
	if code != 0 || out != "run-1\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	sameJSON(t, f.reqs["StartWorkflowExecution"][0], `{"domain":"dom","workflowId":"wid","workflowType":{"name":"SumSquares","version":"2"},
		"input":"[[1, \"two\", [3, 4]], {\"c\": {\"x\": \"\\u00e9\"}}]","taskList":{"name":"tl"},"executionStartToCloseTimeout":"90",
		"taskStartToCloseTimeout":"NONE","childPolicy":"TERMINATE","tagList":["a","b"]}`)

	// Defaults: no arguments, the type's settings, a random workflow id.
	code, out, errOut = run(t, "start", "-endpoint", url, "-region", "eu-west-1", "dom", "W", "1")
	if code != 0 || out != "run-1\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	var sent struct {
		WorkflowID string `json:"workflowId"`
		Input      string `json:"input"`
	}
	json.Unmarshal([]byte(f.reqs["StartWorkflowExecution"][1]), &sent)
	if !strings.HasPrefix(sent.WorkflowID, "W-") || sent.Input != "[[], {}]" {
		t.Errorf("sent %s", f.reqs["StartWorkflowExecution"][1])
	}
	if strings.Contains(f.reqs["StartWorkflowExecution"][1], "Timeout") {
		t.Errorf("unset timeouts were sent: %s", f.reqs["StartWorkflowExecution"][1])
	}
}

func TestStartWait(t *testing.T) {
	describe := func(body string) string {
		run, status := "run-1", "CONTINUED_AS_NEW"
		if strings.Contains(body, "run-2") {
			run, status = "run-2", "COMPLETED"
		}
		return `{"executionInfo":{"execution":{"workflowId":"wid","runId":"` + run + `"},"workflowType":{"name":"W","version":"1"},
			"startTimestamp":1,"closeTimestamp":2,"executionStatus":"CLOSED","closeStatus":"` + status + `"},"openCounts":{}}`
	}
	history := func(body string) string {
		if strings.Contains(body, "run-2") {
			return `{"events":[{"eventId":1,"eventTimestamp":1,"eventType":"WorkflowExecutionCompleted",
				"workflowExecutionCompletedEventAttributes":{"result":"{\"sum\": 3}","decisionTaskCompletedEventId":0}}]}`
		}
		return `{"events":[{"eventId":1,"eventTimestamp":1,"eventType":"WorkflowExecutionContinuedAsNew",
			"workflowExecutionContinuedAsNewEventAttributes":{"newExecutionRunId":"run-2","decisionTaskCompletedEventId":0,
			"taskList":{"name":"tl"},"childPolicy":"TERMINATE","workflowType":{"name":"W","version":"1"}}}]}`
	}
	_, url := startFake(t, map[string]func(string) string{
		"StartWorkflowExecution":      func(string) string { return `{"runId":"run-1"}` },
		"DescribeWorkflowExecution":   describe,
		"GetWorkflowExecutionHistory": history,
	})
	code, out, errOut := run(t, "start", "-endpoint", url, "-region", "eu-west-1", "-workflow-id", "wid", "dom", "W", "1", "-wait")
	if code != 0 || out != "run-1\n{\"sum\": 3}\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	_, url = startFake(t, map[string]func(string) string{
		"StartWorkflowExecution": func(string) string { return `{"runId":"run-1"}` },
		"DescribeWorkflowExecution": func(string) string {
			return `{"executionInfo":{"execution":{"workflowId":"wid","runId":"run-1"},"workflowType":{"name":"W","version":"1"},
				"startTimestamp":1,"executionStatus":"CLOSED","closeStatus":"FAILED"},"openCounts":{}}`
		},
		"GetWorkflowExecutionHistory": func(string) string {
			return `{"events":[{"eventId":1,"eventTimestamp":1,"eventType":"WorkflowExecutionFailed",
				"workflowExecutionFailedEventAttributes":{"reason":"Error!","decisionTaskCompletedEventId":0}}]}`
		},
	})
	code, out, errOut = run(t, "start", "-endpoint", url, "-region", "eu-west-1", "-workflow-id", "wid", "-wait", "dom", "W", "1")
	if code != 1 || out != "run-1\n" || !strings.Contains(errOut, "FAILED: Error!") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestStartErrors(t *testing.T) {
	_, url := startFake(t, map[string]func(string) string{})
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"dom", "W"}, 2, "give the DOMAIN"},
		{[]string{"-engine", "memory", "dom", "W", "1"}, 2, `unknown engine "memory"`},
		{[]string{"dom", "W", "1", "two"}, 2, "argument 1 is not a JSON value"},
		{[]string{"-kw", "x", "dom", "W", "1"}, 2, "want NAME=JSON"},
		{[]string{"-kw", "x=1", "-kw", "x=2", "dom", "W", "1"}, 2, "given twice"},
		{[]string{"-child-policy", "KILL", "dom", "W", "1"}, 2, "-child-policy must be"},
		{[]string{"-execution-timeout", "soon", "dom", "W", "1"}, 2, "not a positive duration"},
		{[]string{"-endpoint", url, "-region", "eu-west-1", "dom", "W", "1"}, 1, "unknown resource"},
	} {
		code, out, errOut := run(t, append([]string{"start"}, tc.args...)...)
		if code != tc.code || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
	code, _, errOut := run(t, "help", "start")
	if code != 2 || !strings.Contains(errOut, "DOMAIN NAME VERSION") || !strings.Contains(errOut, "-wait") {
		t.Errorf("help start: exit %d, %q", code, errOut)
	}
}
