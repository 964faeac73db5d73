package swfserver_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
	"github.com/aws/smithy-go"

	"github.com/flowy-go/flowy/swfserver"
)

const (
	keyID  = "AKIDFLOWYTEST"
	secret = "flowy-test-secret"
)

// env is a real HTTP server on 127.0.0.1 serving a swfserver.Server over
// memory engines, and the AWS SDK's SWF client pointed at it.
type env struct {
	t       *testing.T
	srv     *swfserver.Server
	domains *swfserver.MemoryDomains
	http    *httptest.Server
	c       *swf.Client
}

func newEnv(t *testing.T, opts swfserver.Options) *env {
	return newEnvWith(t, swfserver.NewMemoryDomains(), opts)
}

// newEnvWith serves domains; MemoryDomains are closed at the end.
func newEnvWith(t *testing.T, domains swfserver.Domains, opts swfserver.Options) *env {
	t.Helper()
	if opts.Keys == nil && !opts.InsecureNoAuth {
		opts.Keys = map[string]string{keyID: secret}
	}
	if opts.PollTimeout == 0 {
		opts.PollTimeout = 2 * time.Second
	}
	e := &env{t: t, srv: swfserver.New(domains, opts)}
	if md, ok := domains.(*swfserver.MemoryDomains); ok {
		e.domains = md
		t.Cleanup(func() { _ = md.Close() })
	}
	e.http = httptest.NewServer(e.srv)
	t.Cleanup(e.http.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	e.c = newClient(e.http.URL, keyID, secret)
	return e
}

// newClient returns the SDK's SWF client for a server, signing with the key;
// it does not retry, so that tests see every answer.
func newClient(url, key, secret string) *swf.Client {
	return swf.New(swf.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// result is the answer of a call: ok(client.Op(...)).get(t) returns it or
// fails the test.
type result[T any] struct {
	v   T
	err error
}

func ok[T any](v T, err error) result[T] { return result[T]{v, err} }

func (r result[T]) get(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

// wantCode checks that err is an API error with the code (a fault or
// exception name) whose message contains text.
func wantCode(t *testing.T, what string, err error, code, text string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: error %v, want %s", what, err, code)
		return
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), text) {
		t.Errorf("%s: %s %q, want %s containing %q", what, ae.ErrorCode(), ae.ErrorMessage(), code, text)
	}
}

// setup registers domain "d" with workflow type wf/1 (default task list
// "decisions") and activity type act/1 (default task list "activities").
func (e *env) setup() {
	e.t.Helper()
	ctx := e.ctx()
	ok(e.c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("d"), WorkflowExecutionRetentionPeriodInDays: aws.String("1")})).get(e.t)
	ok(e.c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{
		Domain: aws.String("d"), Name: aws.String("wf"), Version: aws.String("1"),
		DefaultTaskList:                     &types.TaskList{Name: aws.String("decisions")},
		DefaultTaskStartToCloseTimeout:      aws.String("10"),
		DefaultExecutionStartToCloseTimeout: aws.String("3600"),
		DefaultChildPolicy:                  types.ChildPolicyTerminate,
	})).get(e.t)
	ok(e.c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{
		Domain: aws.String("d"), Name: aws.String("act"), Version: aws.String("1"),
		DefaultTaskList:                   &types.TaskList{Name: aws.String("activities")},
		DefaultTaskScheduleToStartTimeout: aws.String("60"),
		DefaultTaskStartToCloseTimeout:    aws.String("60"),
		DefaultTaskScheduleToCloseTimeout: aws.String("120"),
		DefaultTaskHeartbeatTimeout:       aws.String("NONE"),
	})).get(e.t)
}

// start starts wf/1 in domain d with the workflow id and input.
func (e *env) start(id, input string) string {
	e.t.Helper()
	out := ok(e.c.StartWorkflowExecution(e.ctx(), &swf.StartWorkflowExecutionInput{
		Domain: aws.String("d"), WorkflowId: aws.String(id), Input: aws.String(input),
		WorkflowType: &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")},
		TagList:      []string{"tag-" + id},
	})).get(e.t)
	return aws.ToString(out.RunId)
}

// pollDecision polls the "decisions" task list of domain d and fails the
// test when no task comes.
func (e *env) pollDecision() *swf.PollForDecisionTaskOutput {
	e.t.Helper()
	out := ok(e.c.PollForDecisionTask(e.ctx(), &swf.PollForDecisionTaskInput{
		Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("decisions")}, Identity: aws.String("decider-1"),
	})).get(e.t)
	if out.TaskToken == nil {
		e.t.Fatal("no decision task")
	}
	return out
}

// pollActivity polls the "activities" task list of domain d and fails the
// test when no task comes.
func (e *env) pollActivity() *swf.PollForActivityTaskOutput {
	e.t.Helper()
	out := ok(e.c.PollForActivityTask(e.ctx(), &swf.PollForActivityTaskInput{
		Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("activities")}, Identity: aws.String("worker-1"),
	})).get(e.t)
	if out.TaskToken == nil {
		e.t.Fatal("no activity task")
	}
	return out
}

// history returns the whole history of a run.
func (e *env) history(id, run string) []types.HistoryEvent {
	e.t.Helper()
	out := ok(e.c.GetWorkflowExecutionHistory(e.ctx(), &swf.GetWorkflowExecutionHistoryInput{
		Domain: aws.String("d"), Execution: &types.WorkflowExecution{WorkflowId: aws.String(id), RunId: aws.String(run)},
	})).get(e.t)
	if out.NextPageToken != nil {
		e.t.Fatal("history has more than one page")
	}
	return out.Events
}

func eventTypes(events []types.HistoryEvent) []string {
	var out []string
	for _, ev := range events {
		out = append(out, string(ev.EventType))
	}
	return out
}

// raw sends a request signed by the SDK's signer (unless sign is false),
// after mutate (if not nil) changes it, and returns the response and body.
func (e *env) raw(target, body string, sign bool, mutate func(*http.Request)) (*http.Response, string) {
	e.t.Helper()
	r, err := http.NewRequest(http.MethodPost, e.http.URL+"/", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	if target != "" {
		r.Header.Set("X-Amz-Target", "SimpleWorkflowService."+target)
	}
	if sign {
		signRequest(e.t, r, body)
	}
	if mutate != nil {
		mutate(r)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, string(b)
}

func signRequest(t *testing.T, r *http.Request, body string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "swf", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
}
