package swf_test

// Replays the traffic Python Flowy's workers had with Amazon SWF: Go versions
// of the recorded workflows and activity run through flowy's workers on the
// swf engine, against a server on 127.0.0.1 that answers every request with
// the recorded answer, after checking that the request equals the recorded
// one as a JSON value. The differences flowy must have (docs/swf.md) are the
// only fields left out of the comparison; see normalize.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsswf "github.com/aws/aws-sdk-go-v2/service/swf"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/decider"
	"github.com/flowy-go/flowy/swf"
	"github.com/flowy-go/flowy/worker"
)

// The configuration of the recorded run (see the captures' README).
const (
	captureDomain   = "FlowyIntegrationTest"
	captureTaskList = "tl"
	captureIdentity = "test"
	captureVersion  = "2"
)

// tactivity is the recorded activity: a+b, or a*a, or null; one heartbeat if
// asked; a failure with the message err if given. (Python's sleeps only while
// recording, and so does this one: never.)
func tactivity(ctx context.Context, a, b *int, sleep *float64, heartbeat bool, errMsg *string) (any, error) {
	var result any
	switch {
	case a != nil && b != nil:
		result = *a + *b
	case a != nil:
		result = *a * *a
	}
	if heartbeat {
		if err := flowy.Heartbeat(ctx); err != nil {
			return nil, err
		}
	}
	if errMsg != nil {
		return nil, errors.New(*errMsg)
	}
	return result, nil
}

var tactivityParams = []string{"a", "b", "sleep", "heartbeat", "err"}

func tactivityType() *flowy.Activity {
	return &flowy.Activity{
		Name: "tactivity", Version: captureVersion, Params: tactivityParams, Func: tactivity,
		TaskList:        captureTaskList,
		ScheduleToStart: 30 * time.Second, ScheduleToClose: 60 * time.Second,
		StartToClose: 15 * time.Second, Heartbeat: 10 * time.Second,
	}
}

// TWorkflow computes what tactivity computes, without tasks.
type TWorkflow struct{}

// Run returns a+b, a*a or null, or fails with err.
func (TWorkflow) Run(a, b *int, sleep *float64, heartbeat bool, errMsg *string) (any, error) {
	return tactivity(context.Background(), a, b, sleep, false, errMsg)
}

// TestWorkflow calls its tasks as the recorded workflow did, and waits for
// them all, ignoring their errors.
type TestWorkflow struct {
	Task            flowy.Task[any] `flowy:"task"`
	ShortTask       flowy.Task[any] `flowy:"short_task"`
	DelayedTask     flowy.Task[any] `flowy:"delayed_task"`
	NonExistingTask flowy.Task[any] `flowy:"non_existing_task"`
}

// Run calls task(10), task(err="Error!"), task(heartbeat=True),
// short_task(sleep=3), delayed_task(20), non_existing_task() and a chain of
// 21 tasks, and returns null.
func (w TestWorkflow) Run() any {
	tasks := []flowy.Result[any]{
		w.Task.Call(10),
		w.Task.Call(flowy.Kw{"err": "Error!"}),
		w.Task.Call(flowy.Kw{"heartbeat": true}),
		w.ShortTask.Call(flowy.Kw{"sleep": 3}),
		w.DelayedTask.Call(20),
		w.NonExistingTask.Call(),
	}
	last := w.Task.Call(1, 1) // makes the history long enough to be paged
	for range 20 {
		last = w.Task.Call(last, 1)
	}
	for _, t := range append(tasks, last) {
		flowy.Wait(t)
	}
	return nil
}

// RestartWorkflow continues as new once, then returns 1.
type RestartWorkflow struct{}

// Run restarts with should_restart=false unless told so.
func (RestartWorkflow) Run(shouldRestart *bool) flowy.Result[int] {
	if shouldRestart == nil || *shouldRestart {
		return flowy.Restart[int](flowy.Kw{"should_restart": false})
	}
	return flowy.Value(1)
}

// ExitWorkflow schedules one activity (in the recording, the signal for the
// workers to stop).
type ExitWorkflow struct {
	Activity flowy.Task[any] `flowy:"activity"`
}

// Run waits for activity().
func (w ExitWorkflow) Run() any {
	flowy.Wait(w.Activity.Call())
	return nil
}

// captureWorkflows returns the recorded workflow types, in the order the
// recorded decider registered them.
func captureWorkflows() []*flowy.Workflow {
	conf := func(name string, code any, exec time.Duration, deps map[string]flowy.Dep, params ...string) *flowy.Workflow {
		return &flowy.Workflow{Name: name, Version: captureVersion, Code: code, TaskList: captureTaskList,
			DecisionTimeout: 10 * time.Second, ExecutionTimeout: exec, ChildPolicy: flowy.ChildPolicyTerminate,
			Deps: deps, Params: params}
	}
	activities := map[string]flowy.Dep{
		"task":              {Activity: "tactivity", Version: captureVersion},
		"short_task":        {Activity: "tactivity", Version: captureVersion, ScheduleToClose: time.Second, Retry: []time.Duration{0}},
		"delayed_task":      {Activity: "tactivity", Version: captureVersion, Retry: []time.Duration{3 * time.Second}},
		"non_existing_task": {Activity: "xxx", Version: "1"},
	}
	children := map[string]flowy.Dep{
		"task":              {Workflow: "TWorkflow", Version: captureVersion},
		"short_task":        {Workflow: "TWorkflow", Version: captureVersion, ExecutionTimeout: time.Second, Retry: []time.Duration{0}},
		"delayed_task":      {Workflow: "TWorkflow", Version: captureVersion, Retry: []time.Duration{3 * time.Second}},
		"non_existing_task": {Workflow: "xxx", Version: "1"},
	}
	return []*flowy.Workflow{
		conf("ExitWorkflow", ExitWorkflow{}, 20*time.Second, map[string]flowy.Dep{"activity": {Activity: "tactivity", Version: captureVersion}}),
		conf("RestartWorkflow", RestartWorkflow{}, 20*time.Second, nil, "should_restart"),
		conf("TWorkflow", TWorkflow{}, 20*time.Second, nil, tactivityParams...),
		conf("TestWorkflowW", TestWorkflow{}, 60*time.Second, children),
		conf("TestWorkflow", TestWorkflow{}, 60*time.Second, activities),
	}
}

// replayServer answers requests with the recorded answers, in order, after
// comparing each request with the recorded one.
type replayServer struct {
	mu   sync.Mutex
	its  []interaction
	next int
	ids  map[string]string // recorded child workflow id -> flowy's
	// leftOut counts, per documented difference, the requests where a field
	// was left out of the comparison.
	leftOut map[string]int
	errs    []string
	done    chan struct{} // closed when the capture is used up or a request differs
	extra   []string      // requests after the capture was used up (polls are expected)
}

func newReplayServer(t *testing.T, name string) *replayServer {
	f, err := loadFixture(name)
	if err != nil {
		t.Fatal(err)
	}
	return &replayServer{its: f.Interactions, ids: map[string]string{}, leftOut: map[string]int{}, done: make(chan struct{})}
}

func (s *replayServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "SimpleWorkflowService.")
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	if s.next >= len(s.its) || len(s.errs) > 0 {
		s.extra = append(s.extra, target)
		s.mu.Unlock()
		if strings.HasPrefix(target, "PollFor") {
			<-r.Context().Done() // the worker is stopping
			return
		}
		fault(w, "ValidationException", "the capture is used up")
		return
	}
	i, it := s.next, s.its[s.next]
	s.next++
	if err := s.compare(it, target, body); err != nil {
		s.errs = append(s.errs, fmt.Sprintf("request %d (%s): %v", i, it.Target, err))
		close(s.done)
		s.mu.Unlock()
		fault(w, "ValidationException", "the request differs from the capture")
		return
	}
	resp := it.Response
	for recorded, ours := range s.ids {
		resp = strings.ReplaceAll(resp, `"`+recorded+`"`, `"`+ours+`"`)
	}
	if s.next == len(s.its) {
		close(s.done)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(it.Status)
	io.WriteString(w, resp)
}

func fault(w http.ResponseWriter, name, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `{"__type": "com.amazonaws.swf.base.model#%s", "message": %q}`, name, msg)
}

// compare checks a request against the recorded one, as JSON values, after
// normalize.
func (s *replayServer) compare(it interaction, target string, body []byte) error {
	if target != it.Target {
		return fmt.Errorf("flowy called %s\n got: %s\nwant: %s", target, body, it.Request)
	}
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		return fmt.Errorf("flowy's body is not JSON: %v: %s", err, body)
	}
	if err := json.Unmarshal([]byte(it.Request), &want); err != nil {
		return fmt.Errorf("the recorded body is not JSON: %v", err)
	}
	if err := s.normalize(target, got.(map[string]any), want.(map[string]any)); err != nil {
		return err
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		return fmt.Errorf("the request differs\n got: %s\nwant: %s", g, w)
	}
	return nil
}

// normalize removes from both requests what flowy writes differently from
// Python Flowy on purpose (each difference is documented in docs/swf.md):
//
//   - PollForDecisionTask: "reverseOrder": false, which the SDK leaves out
//     (false is SWF's default).
//   - Decisions: "control", where flowy records the call's dependencies
//     (Python Flowy sends none).
//   - StartChildWorkflowExecution: the part of the workflow id before "-:",
//     a hash of the parent run in flowy, a random uuid (here fakeuuid-N-)
//     in Python Flowy. The recorded id is then replaced by flowy's in every
//     later answer, as SWF would have answered flowy.
func (s *replayServer) normalize(target string, got, want map[string]any) error {
	switch target {
	case "PollForDecisionTask":
		if want["reverseOrder"] == false {
			delete(want, "reverseOrder")
			s.leftOut["reverseOrder: false"]++
		}
	case "RespondDecisionTaskCompleted":
		gds, _ := got["decisions"].([]any)
		wds, _ := want["decisions"].([]any)
		if len(gds) != len(wds) {
			return nil // reported by the comparison
		}
		control, ids := false, false
		defer func() {
			if control {
				s.leftOut["control"]++
			}
			if ids {
				s.leftOut["child workflow id"]++
			}
		}()
		for i := range gds {
			gd, _ := gds[i].(map[string]any)
			wd, _ := wds[i].(map[string]any)
			for k, v := range gd {
				ga, _ := v.(map[string]any)
				wa, _ := wd[k].(map[string]any)
				if ga == nil || wa == nil {
					continue
				}
				if _, ok := wa["control"]; !ok && ga["control"] != nil {
					delete(ga, "control")
					control = true
				}
				if k != "startChildWorkflowExecutionDecisionAttributes" {
					continue
				}
				gid, _ := ga["workflowId"].(string)
				wid, _ := wa["workflowId"].(string)
				_, gsuffix, _ := strings.Cut(gid, "-:")
				_, wsuffix, _ := strings.Cut(wid, "-:")
				if gsuffix != wsuffix || gsuffix == "" {
					return fmt.Errorf("child workflow id %q does not end like the recorded %q", gid, wid)
				}
				s.ids[wid] = gid
				ga["workflowId"] = wid
				ids = ids || gid != wid
			}
		}
	}
	return nil
}

// testClient returns an SDK client for a test server (static credentials, no
// retries: a retried request would be one more request).
func testClient(url string) *awsswf.Client {
	return awsswf.New(awsswf.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	})
}

// replay runs a worker against the recording and checks that it sends every
// recorded request, in order.
func replay(t *testing.T, name string, wfs []*flowy.Workflow, acts []*flowy.Activity, cache int) {
	srv := newReplayServer(t, name)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	eng := swf.New(testClient(hs.URL), captureDomain, swf.Options{})
	w, err := worker.New(eng, wfs, acts, worker.Options{
		TaskList: captureTaskList, Identity: captureIdentity, Deciders: 1, ActivityWorkers: 1,
		Decider: decider.Options{CacheSize: cache},
		Logger:  slog.New(slog.NewTextHandler(tlog{t}, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Run, not Start: Start registers the types, and Run registers them
	// again, which would be more requests than Python Flowy made.
	ran := make(chan error, 1)
	go func() { ran <- w.Run(ctx) }()
	select {
	case <-srv.done:
		cancel()
		<-ran
	case <-ctx.Done():
		<-ran
	case err := <-ran:
		t.Errorf("the worker stopped: %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, e := range srv.errs {
		t.Error(e)
	}
	if srv.next < len(srv.its) {
		t.Errorf("the worker sent %d of the %d recorded requests", srv.next, len(srv.its))
	}
	t.Logf("%d recorded requests reproduced; requests compared without a field (documented differences): %v", srv.next, srv.leftOut)
	for _, x := range srv.extra {
		if len(srv.errs) == 0 && !strings.HasPrefix(x, "PollFor") {
			t.Errorf("request %s after the capture was used up", x)
		}
	}
}

// TestReplayDecider runs the recorded workflows' deciders (with and without
// the decider's cache) against the recorded decider traffic: registration
// of existing types, 116 decision tasks of TestWorkflow, TestWorkflowW and
// its TWorkflow children, RestartWorkflow and ExitWorkflow, with histories
// of up to three pages.
func TestReplayDecider(t *testing.T) {
	for _, mode := range []struct {
		name  string
		cache int
	}{{"cache", 0}, {"nocache", -1}} {
		t.Run(mode.name, func(t *testing.T) {
			replay(t, "decider", captureWorkflows(), nil, mode.cache)
		})
	}
}

// TestReplayActivityWorker runs tactivity against the recorded activity
// worker traffic: registration of an existing type, results, a failure and
// a heartbeat.
func TestReplayActivityWorker(t *testing.T) {
	replay(t, "activity-worker", nil, []*flowy.Activity{tactivityType()}, 0)
}

// tlog writes logs to the test's log.
type tlog struct{ t *testing.T }

func (l tlog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
