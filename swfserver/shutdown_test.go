package swfserver_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swfserver"
)

// TestShutdown checks that Shutdown makes a long poll in flight return at
// once (empty), lets a request accepted before it finish (and take effect),
// and refuses requests after it.
func TestShutdown(t *testing.T) {
	e := newEnv(t, swfserver.Options{PollTimeout: time.Minute})
	e.setup()

	// A long poll, in flight.
	type pollResult struct {
		out     *swf.PollForActivityTaskOutput
		err     error
		elapsed time.Duration
	}
	polled := make(chan pollResult, 1)
	go func() {
		start := time.Now()
		out, err := e.c.PollForActivityTask(context.Background(), &swf.PollForActivityTaskInput{
			Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("idle")}})
		polled <- pollResult{out, err, time.Since(start)}
	}()

	// A request accepted before Shutdown, whose body is still on its way:
	// a signed RegisterDomain sent through a pipe.
	const body = `{"name": "late", "workflowExecutionRetentionPeriodInDays": "1"}`
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, e.http.URL+"/", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "SimpleWorkflowService.RegisterDomain")
	signRequest(t, req, body)
	answered := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	if _, err := pw.Write([]byte(body[:10])); err != nil { // the server is reading it now
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // and the poll is waiting

	shutdownStart := time.Now()
	done := make(chan error, 1)
	go func() { done <- e.srv.Shutdown(context.Background()) }()

	p := <-polled
	if p.err != nil || p.out.TaskToken != nil || p.elapsed > 5*time.Second {
		t.Errorf("poll in flight: %+v, %v after %v; want an empty answer at once", p.out, p.err, p.elapsed)
	}
	if since := time.Since(shutdownStart); since > 2*time.Second {
		t.Errorf("the poll returned %v after Shutdown", since)
	}
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	if _, err := pw.Write([]byte(body[10:])); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if code := <-answered; code != http.StatusOK {
		t.Errorf("the accepted request answered %d", code)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if _, err := e.domains.DescribeDomain(context.Background(), "late"); err != nil {
		t.Errorf("the accepted request was lost: %v", err)
	}

	// After Shutdown: refused, with a status SDKs retry.
	resp, body2 := e.raw("ListDomains", `{"registrationStatus": "REGISTERED"}`, true, nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after Shutdown: %d %s", resp.StatusCode, body2)
	}
}

// holdingEngine holds each decision task it polls until the poll's context
// ends, as an engine does when a task arrives just as the poll is canceled.
type holdingEngine struct {
	engine.Engine
	holding chan struct{} // closed when a poll holds a task
}

func (h holdingEngine) PollDecisionTask(ctx context.Context, p engine.PollParams) (*engine.DecisionTask, error) {
	task, err := h.Engine.PollDecisionTask(ctx, p)
	if task != nil {
		close(h.holding)
		<-ctx.Done()
	}
	return task, err
}

type holdingDomains struct {
	*swfserver.MemoryDomains
	holding chan struct{}
}

func (d holdingDomains) Engine(name string) (engine.Engine, error) {
	eng, err := d.MemoryDomains.Engine(name)
	if err != nil {
		return nil, err
	}
	return holdingEngine{eng, d.holding}, nil
}

// TestShutdownKeepsHandedTask checks that a poll that holds a task when
// Shutdown ends it still answers with the task.
func TestShutdownKeepsHandedTask(t *testing.T) {
	md := swfserver.NewMemoryDomains()
	t.Cleanup(func() { _ = md.Close() })
	holding := make(chan struct{})
	e := newEnvWith(t, holdingDomains{md, holding}, swfserver.Options{PollTimeout: time.Minute})
	e.setup()
	e.start("w", "")
	polled := make(chan *swf.PollForDecisionTaskOutput, 1)
	go func() {
		out, err := e.c.PollForDecisionTask(context.Background(), &swf.PollForDecisionTaskInput{
			Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("decisions")}})
		if err != nil {
			t.Error(err)
		}
		polled <- out
	}()
	<-holding
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := <-polled
	if out == nil || out.TaskToken == nil || len(out.Events) != 3 {
		t.Fatalf("poll answered %+v", out)
	}
}
