package swf_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swf"
	"github.com/flowy-go/flowy/worker"
)

// TestOpenRetriesThrottling checks that the client Open builds retries a
// throttled call, with backoff, until it succeeds.
func TestOpenRetriesThrottling(t *testing.T) {
	var calls atomic.Int32
	f := &fakeSWF{handle: func(target, body string) (int, string) {
		if calls.Add(1) <= 3 {
			return 400, `{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}`
		}
		return 200, `{"runId":"r"}`
	}}
	hs := httptest.NewServer(f)
	defer hs.Close()
	eng, err := swf.Open(context.Background(), "dom", swf.Options{Endpoint: hs.URL, Region: "eu-west-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	run, err := eng.StartWorkflow(context.Background(), engine.StartWorkflowParams{WorkflowID: "w", Type: engine.WorkflowType{Name: "W", Version: "1"}})
	if err != nil || run != "r" {
		t.Fatalf("%q, %v", run, err)
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("%d calls, want 4 (three throttled)", n)
	}
	for _, r := range f.requests() {
		if !strings.Contains(r.body, `"workflowId":"w"`) {
			t.Errorf("retried request %s", r.body)
		}
	}
}

func TestHTTPClientAllowsLongPolls(t *testing.T) {
	if d := swf.NewHTTPClient().GetTimeout(); d <= 70*time.Second {
		t.Errorf("the HTTP client's timeout is %v: SWF holds polls for 60 s", d)
	}
}

// TestWorkerSurvivesErrors runs a worker against an endpoint whose polls
// fail a few times before it hands out an activity task: the worker backs
// off, runs the task, reports its result, and stops when its context ends.
func TestWorkerSurvivesErrors(t *testing.T) {
	var polls atomic.Int32
	done := make(chan string, 1)
	f, eng := newFake(t, func(target, body string) (int, string) {
		switch target {
		case "RegisterActivityType":
			return 200, ""
		case "PollForActivityTask":
			switch n := polls.Add(1); {
			case n <= 3:
				return 500, `{"__type":"com.amazon.coral.service#InternalFailure"}`
			case n == 4:
				return 200, `{"activityId":"sq-0-0","activityType":{"name":"sq","version":"1"},"input":"[[7], {}]","startedEventId":5,"taskToken":"tok","workflowExecution":{"runId":"r","workflowId":"w"}}`
			}
			return -1, "" // hold the poll
		case "RespondActivityTaskCompleted":
			done <- body
			return 200, ""
		}
		return 400, faultBody("UnknownResourceFault")
	})
	w, err := worker.New(eng, nil, []*flowy.Activity{{Name: "sq", Func: func(x int) int { return x * x }}}, worker.Options{ActivityWorkers: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- w.Run(ctx) }()
	select {
	case body := <-done:
		jsonEqual(t, "result", body, `{"taskToken":"tok","result":"49"}`)
	case <-time.After(10 * time.Second):
		t.Fatalf("no result; requests %v", f.requests())
	}
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the worker did not stop when its context ended")
	}
}
