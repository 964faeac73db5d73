package swf_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swf"
)

// fakeSWF is an SWF endpoint on 127.0.0.1 that answers with handle and
// records the requests.
type fakeSWF struct {
	handle func(target, body string) (status int, answer string)
	mu     sync.Mutex
	reqs   []request
}

type request struct{ target, body string }

func newFake(t *testing.T, handle func(target, body string) (int, string)) (*fakeSWF, *swf.Engine) {
	f := &fakeSWF{handle: handle}
	hs := httptest.NewServer(f)
	t.Cleanup(hs.Close)
	return f, swf.New(testClient(hs.URL), "dom", swf.Options{})
}

func (f *fakeSWF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "SimpleWorkflowService.")
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, request{target, string(body)})
	f.mu.Unlock()
	status, answer := f.handle(target, string(body))
	if status == -1 { // hold the request until the client goes away
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(status)
	io.WriteString(w, answer)
}

func (f *fakeSWF) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

// faultBody is SWF's error answer.
func faultBody(name string) string {
	return fmt.Sprintf(`{"__type":"com.amazonaws.swf.base.model#%s","message":"%s!"}`, name, name)
}

// jsonEqual compares two JSON texts as values.
func jsonEqual(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: %v: %s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s (want): %v: %s", what, err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got: %s\nwant: %s", what, got, want)
	}
}

// TestFaults checks that SWF's faults wrap the engine's errors, keeping
// the SDK's error in the chain.
func TestFaults(t *testing.T) {
	for _, c := range []struct {
		fault string
		want  error
	}{
		{"UnknownResourceFault", engine.ErrUnknownResource},
		{"TypeAlreadyExistsFault", engine.ErrTypeAlreadyExists},
		{"TypeDeprecatedFault", engine.ErrTypeDeprecated},
		{"WorkflowExecutionAlreadyStartedFault", engine.ErrAlreadyStarted},
		{"LimitExceededFault", engine.ErrLimitExceeded},
		{"DefaultUndefinedFault", engine.ErrInvalidArgument},
		{"ValidationException", engine.ErrInvalidArgument},
		{"OperationNotPermittedFault", nil},
		{"DomainDeprecatedFault", nil},
	} {
		t.Run(c.fault, func(t *testing.T) {
			_, eng := newFake(t, func(string, string) (int, string) { return 400, faultBody(c.fault) })
			_, err := eng.StartWorkflow(context.Background(), engine.StartWorkflowParams{WorkflowID: "w", Type: engine.WorkflowType{Name: "W", Version: "1"}})
			if err == nil {
				t.Fatal("no error")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("%v does not wrap %v", err, c.want)
			}
			for _, other := range []error{engine.ErrUnknownResource, engine.ErrTypeAlreadyExists, engine.ErrTypeDeprecated,
				engine.ErrAlreadyStarted, engine.ErrLimitExceeded, engine.ErrInvalidArgument, engine.ErrClosed} {
				if other != c.want && errors.Is(err, other) {
					t.Errorf("%v wraps %v too", err, other)
				}
			}
			if !strings.Contains(err.Error(), c.fault) {
				t.Errorf("%v does not name the fault", err)
			}
		})
	}
	t.Run("length", func(t *testing.T) {
		_, eng := newFake(t, func(string, string) (int, string) {
			return 400, `{"__type":"com.amazon.coral.validate#ValidationException","message":"1 validation error detected: Value at 'result' failed to satisfy constraint: Member must have length less than or equal to 32768"}`
		})
		err := eng.RespondActivityTaskCompleted(context.Background(), "tok", strings.Repeat("x", 40000))
		if !errors.Is(err, engine.ErrLimitExceeded) || errors.Is(err, engine.ErrInvalidArgument) {
			t.Errorf("%v should wrap ErrLimitExceeded only", err)
		}
	})
}

// TestRegisterTypes checks what registration sends, and what it returns
// for a type that exists with the same or other defaults.
func TestRegisterTypes(t *testing.T) {
	ctx := context.Background()
	wt := engine.WorkflowTypeInfo{
		WorkflowType:            engine.WorkflowType{Name: "W", Version: "2"},
		DefaultTaskList:         "tl",
		DefaultExecutionTimeout: 1500 * time.Millisecond, // rounded up
		DefaultDecisionTimeout:  engine.NoTimeout,
		DefaultChildPolicy:      engine.ChildPolicyTerminate,
	}
	at := engine.ActivityTypeInfo{
		ActivityType:     engine.ActivityType{Name: "a", Version: "1"},
		ActivityTimeouts: engine.ActivityTimeouts{ScheduleToClose: time.Minute, Heartbeat: engine.NoTimeout},
	}
	t.Run("new", func(t *testing.T) {
		f, eng := newFake(t, func(string, string) (int, string) { return 200, "{}" })
		if err := eng.RegisterWorkflowType(ctx, wt); err != nil {
			t.Fatal(err)
		}
		if err := eng.RegisterActivityType(ctx, at); err != nil {
			t.Fatal(err)
		}
		reqs := f.requests()
		jsonEqual(t, "RegisterWorkflowType", reqs[0].body, `{"domain":"dom","name":"W","version":"2","defaultTaskList":{"name":"tl"},
			"defaultExecutionStartToCloseTimeout":"2","defaultTaskStartToCloseTimeout":"NONE","defaultChildPolicy":"TERMINATE"}`)
		jsonEqual(t, "RegisterActivityType (unset defaults left out)", reqs[1].body, `{"domain":"dom","name":"a","version":"1",
			"defaultTaskScheduleToCloseTimeout":"60","defaultTaskHeartbeatTimeout":"NONE"}`)
	})
	exists := func(config string) func(target, body string) (int, string) {
		return func(target, body string) (int, string) {
			if strings.HasPrefix(target, "Register") {
				return 400, faultBody("TypeAlreadyExistsFault")
			}
			return 200, `{"configuration":` + config + `,"typeInfo":{"status":"REGISTERED","creationDate":1.466497772799E9}}`
		}
	}
	t.Run("same", func(t *testing.T) {
		f, eng := newFake(t, exists(`{"defaultTaskList":{"name":"tl"},"defaultExecutionStartToCloseTimeout":"2",
			"defaultTaskStartToCloseTimeout":"NONE","defaultChildPolicy":"TERMINATE"}`))
		err := eng.RegisterWorkflowType(ctx, wt)
		if !errors.Is(err, engine.ErrTypeAlreadyExists) || errors.Is(err, swf.ErrTypeConflict) {
			t.Errorf("got %v, want ErrTypeAlreadyExists", err)
		}
		reqs := f.requests()
		if len(reqs) != 2 || reqs[1].target != "DescribeWorkflowType" {
			t.Fatalf("requests %v", reqs)
		}
		jsonEqual(t, "DescribeWorkflowType", reqs[1].body, `{"domain":"dom","workflowType":{"name":"W","version":"2"}}`)
		_, eng = newFake(t, exists(`{"defaultTaskScheduleToCloseTimeout":"60","defaultTaskHeartbeatTimeout":"NONE"}`))
		if err := eng.RegisterActivityType(ctx, at); !errors.Is(err, engine.ErrTypeAlreadyExists) {
			t.Errorf("got %v, want ErrTypeAlreadyExists", err)
		}
	})
	t.Run("other", func(t *testing.T) {
		_, eng := newFake(t, exists(`{"defaultTaskList":{"name":"tl"},"defaultExecutionStartToCloseTimeout":"20",
			"defaultTaskStartToCloseTimeout":"NONE"}`))
		err := eng.RegisterWorkflowType(ctx, wt)
		if !errors.Is(err, swf.ErrTypeConflict) || errors.Is(err, engine.ErrTypeAlreadyExists) {
			t.Fatalf("got %v, want ErrTypeConflict only", err)
		}
		for _, s := range []string{`defaultExecutionStartToCloseTimeout is "20" there, "2" here`, `defaultChildPolicy is unset there, "TERMINATE" here`} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%v does not say %s", err, s)
			}
		}
		_, eng = newFake(t, exists(`{"defaultTaskList":{"name":"other"},"defaultTaskScheduleToCloseTimeout":"60","defaultTaskHeartbeatTimeout":"NONE"}`))
		err = eng.RegisterActivityType(ctx, at)
		if !errors.Is(err, swf.ErrTypeConflict) || !strings.Contains(err.Error(), `defaultTaskList is "other" there, unset here`) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		f, eng := newFake(t, func(string, string) (int, string) { return 200, "{}" })
		bad := wt
		bad.DefaultDecisionTimeout = -time.Second
		if err := eng.RegisterWorkflowType(ctx, bad); !errors.Is(err, engine.ErrInvalidArgument) {
			t.Errorf("got %v, want ErrInvalidArgument", err)
		}
		bad = wt
		bad.DefaultChildPolicy = "KILL"
		if err := eng.RegisterWorkflowType(ctx, bad); !errors.Is(err, engine.ErrInvalidArgument) {
			t.Errorf("got %v, want ErrInvalidArgument", err)
		}
		if n := len(f.requests()); n != 0 {
			t.Errorf("%d requests sent for invalid registrations", n)
		}
	})
}

func TestRegisterDomain(t *testing.T) {
	for _, answer := range []struct {
		status int
		body   string
	}{{200, "{}"}, {400, faultBody("DomainAlreadyExistsFault")}} {
		f, eng := newFake(t, func(string, string) (int, string) { return answer.status, answer.body })
		if err := eng.RegisterDomain(context.Background(), 3, "flowy"); err != nil {
			t.Errorf("%s: %v", answer.body, err)
		}
		jsonEqual(t, "RegisterDomain", f.requests()[0].body, `{"name":"dom","workflowExecutionRetentionPeriodInDays":"3","description":"flowy"}`)
	}
	_, eng := newFake(t, func(string, string) (int, string) { return 400, faultBody("OperationNotPermittedFault") })
	if err := eng.RegisterDomain(context.Background(), 3, ""); err == nil {
		t.Error("a refused registration should be an error")
	}
}
