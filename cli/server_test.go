package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/cli"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runningServer is "flowy server" running in the test.
type runningServer struct {
	url    string
	stop   context.CancelFunc // SIGINT / SIGTERM
	done   chan int           // the exit code
	stderr *syncBuffer
}

// startServer runs "flowy server ARGS -addr 127.0.0.1:0" and waits for its
// "listening" line.
func startServer(t *testing.T, args ...string) *runningServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &runningServer{stop: cancel, done: make(chan int, 1), stderr: &syncBuffer{}}
	go func() {
		code := cli.Main(ctx, append([]string{"server", "-addr", "127.0.0.1:0"}, args...), pw, s.stderr)
		pw.Close()
		s.done <- code
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatalf("no output; stderr: %s", s.stderr)
	}
	url, ok := strings.CutPrefix(lines.Text(), "flowy server listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q", lines.Text())
	}
	s.url = url
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("the server did not stop")
		}
	})
	return s
}

// wait stops the server (as a signal would) and returns its exit code.
func (s *runningServer) wait(t *testing.T) int {
	t.Helper()
	s.stop()
	select {
	case code := <-s.done:
		s.done <- code // for the cleanup
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
		return -1
	}
}

func client(url, key, secret string) *swf.Client {
	return swf.New(swf.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
	})
}

func writeKeys(t *testing.T, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestServerWithKeysFile(t *testing.T) {
	keys := writeKeys(t, "# flowy server keys\nAKIDONE secret-one\n\n  AKIDTWO   secret-two  \n")
	s := startServer(t, "-keys", keys)
	ctx := context.Background()
	c := client(s.url, "AKIDTWO", "secret-two")
	if _, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("d"), WorkflowExecutionRetentionPeriodInDays: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	out, err := client(s.url, "AKIDONE", "secret-one").ListDomains(ctx, &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
	if err != nil || len(out.DomainInfos) != 1 || aws.ToString(out.DomainInfos[0].Name) != "d" {
		t.Fatalf("domains %+v, %v", out, err)
	}
	// The web UI is on the same port and wants the same credentials.
	for _, c := range []struct {
		user, pass string
		code       int
	}{{"", "", 401}, {"AKIDONE", "secret-two", 401}, {"AKIDONE", "secret-one", 200}} {
		req, _ := http.NewRequest("GET", s.url+"/ui/?domain=d&status=closed", nil)
		if c.user != "" {
			req.SetBasicAuth(c.user, c.pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || (c.code == 200 && !strings.Contains(string(body), "No executions match.")) {
			t.Errorf("UI as %q: %d %.300s", c.user, resp.StatusCode, body)
		}
	}
	if resp, err := http.Get(s.url + "/ui/health"); err != nil || resp.StatusCode != 200 {
		t.Errorf("health: %v %v", resp, err)
	}
	if _, err := client(s.url, "AKIDONE", "secret-two").ListDomains(ctx, &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered}); err == nil ||
		!strings.Contains(err.Error(), "InvalidSignatureException") {
		t.Errorf("wrong secret: %v", err)
	}

	// A long poll in flight when the signal comes returns at once, empty.
	polled := make(chan error, 1)
	go func() {
		out, err := c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("tl")}})
		if err == nil && out.TaskToken != nil {
			err = io.ErrUnexpectedEOF
		}
		polled <- err
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if code := s.wait(t); code != cli.ExitOK {
		t.Errorf("exit %d; stderr: %s", code, s.stderr)
	}
	if err := <-polled; err != nil {
		t.Errorf("poll in flight: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
	if e := s.stderr.String(); !strings.Contains(e, "shutting down") || !strings.Contains(e, "stopped") || strings.Contains(e, "WARNING") {
		t.Errorf("stderr: %s", e)
	}
}

func TestServerWithEnvironmentKeys(t *testing.T) {
	t.Setenv("FLOWY_ACCESS_KEYS", "AKIDENV:env-secret, AKIDOTHER:other")
	s := startServer(t)
	if _, err := client(s.url, "AKIDOTHER", "other").ListDomains(context.Background(), &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered}); err != nil {
		t.Fatal(err)
	}
	if code := s.wait(t); code != cli.ExitOK {
		t.Errorf("exit %d", code)
	}
}

func TestServerInsecure(t *testing.T) {
	t.Setenv("FLOWY_ACCESS_KEYS", "")
	s := startServer(t, "-insecure-no-auth")
	if e := s.stderr.String(); !strings.Contains(e, "WARNING: -insecure-no-auth: requests are NOT authenticated") {
		t.Errorf("no loud warning: %s", e)
	}
	req, _ := http.NewRequest(http.MethodPost, s.url+"/", strings.NewReader(`{"registrationStatus": "REGISTERED"}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "SimpleWorkflowService.ListDomains")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"domainInfos":[]}` {
		t.Errorf("unsigned request: %d %s", resp.StatusCode, body)
	}
}

// TestServerSQLiteRestart registers a domain and starts a workflow on a
// sqlite server, restarts the server on the same file, and finds both again:
// the decision task in flight at the restart is refused with a clear fault
// and handed out again, and the run completes.
func TestServerSQLiteRestart(t *testing.T) {
	t.Setenv("FLOWY_ACCESS_KEYS", "AKID:secret")
	db := filepath.Join(t.TempDir(), "flowy.db")
	ctx := context.Background()
	s := startServer(t, "-engine", "sqlite", "-db", db)
	c := client(s.url, "AKID", "secret")
	if _, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("d"), WorkflowExecutionRetentionPeriodInDays: aws.String("3")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String("d"), Name: aws.String("w"), Version: aws.String("1"),
		DefaultTaskList: &types.TaskList{Name: aws.String("tl")}, DefaultTaskStartToCloseTimeout: aws.String("60"),
		DefaultExecutionStartToCloseTimeout: aws.String("600"), DefaultChildPolicy: types.ChildPolicyTerminate}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("w1"),
		WorkflowType: &types.WorkflowType{Name: aws.String("w"), Version: aws.String("1")}, Input: aws.String("[[], {}]")}); err != nil {
		t.Fatal(err)
	}
	task, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("tl")}})
	if err != nil || task.TaskToken == nil {
		t.Fatalf("poll: %v", err)
	}
	if code := s.wait(t); code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, s.stderr)
	}

	s = startServer(t, "-engine", "sqlite", "-db", db)
	c = client(s.url, "AKID", "secret")
	d, err := c.DescribeDomain(ctx, &swf.DescribeDomainInput{Name: aws.String("d")})
	if err != nil || aws.ToString(d.Configuration.WorkflowExecutionRetentionPeriodInDays) != "3" {
		t.Fatalf("domain after restart: %+v, %v", d, err)
	}
	complete := []types.Decision{{
		DecisionType: types.DecisionTypeCompleteWorkflowExecution,
		CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{Result: aws.String("42")},
	}}
	_, err = c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: task.TaskToken, Decisions: complete})
	if err == nil || !strings.Contains(err.Error(), "UnknownResourceFault") {
		t.Fatalf("answering the decision task of before the restart: %v, want UnknownResourceFault", err)
	}
	again, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("tl")}})
	if err != nil || again.TaskToken == nil || aws.ToString(again.WorkflowExecution.RunId) != aws.ToString(task.WorkflowExecution.RunId) {
		t.Fatalf("poll after restart: %+v, %v", again, err)
	}
	if _, err = c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: again.TaskToken, Decisions: complete}); err != nil {
		t.Fatal(err)
	}
	info, err := c.DescribeWorkflowExecution(ctx, &swf.DescribeWorkflowExecutionInput{Domain: aws.String("d"),
		Execution: &types.WorkflowExecution{WorkflowId: aws.String("w1"), RunId: task.WorkflowExecution.RunId}})
	if err != nil || info.ExecutionInfo.CloseStatus != types.CloseStatusCompleted {
		t.Errorf("after restart: %+v, %v", info, err)
	}
}

func TestServerRefuses(t *testing.T) {
	t.Setenv("FLOWY_ACCESS_KEYS", "")
	for _, c := range []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"no keys", nil, "", "no access keys"},
		{"sqlite without a file", []string{"-engine", "sqlite"}, "A:b", "-engine sqlite needs -db FILE"},
		{"unknown engine", []string{"-engine", "redis"}, "A:b", `unknown engine "redis"; the engines are: memory, sqlite`},
		{"db for memory", []string{"-db", "x.db"}, "A:b", "-db is for durable engines"},
		{"bad keys file", []string{"-keys", writeKeys(t, "AKID secret extra\n")}, "", `keys:1: want "ACCESS_KEY_ID SECRET", got 3 fields`},
		{"missing keys file", []string{"-keys", "/nonexistent/keys"}, "", "-keys: open /nonexistent/keys"},
		{"bad environment", nil, "AKID", "FLOWY_ACCESS_KEYS: entry 1: want ID:SECRET"},
		{"conflicting keys", []string{"-keys", writeKeys(t, "A one\n")}, "A:two", "access key A is given twice"},
		{"arguments", []string{"extra"}, "A:b", "no arguments expected"},
	} {
		t.Setenv("FLOWY_ACCESS_KEYS", c.env)
		code, out, errOut := run(t, append([]string{"server", "-addr", "127.0.0.1:0"}, c.args...)...)
		if code != cli.ExitUsage || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.name, code, out, errOut, c.want)
		}
	}
	code, _, errOut := run(t, "help", "server")
	if code != cli.ExitUsage || !strings.Contains(errOut, "usage: flowy server") || !strings.Contains(errOut, "-insecure-no-auth") {
		t.Errorf("help: %d %s", code, errOut)
	}
}

func TestServerWarnsOnReadableKeys(t *testing.T) {
	keys := writeKeys(t, "A b\n")
	if err := os.Chmod(keys, 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "-keys", keys)
	if e := s.stderr.String(); !strings.Contains(e, "others may read it") {
		t.Errorf("stderr: %s", e)
	}
}

// TestTraceFromServer draws a run read from a flowy server by its ids.
func TestTraceFromServer(t *testing.T) {
	t.Setenv("FLOWY_ACCESS_KEYS", "AKIDTRACE:trace-secret")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTRACE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "trace-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	s := startServer(t)
	ctx := context.Background()
	c := client(s.url, "AKIDTRACE", "trace-secret")
	if _, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("d"), WorkflowExecutionRetentionPeriodInDays: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String("d"), Name: aws.String("w"), Version: aws.String("1"),
		DefaultTaskList: &types.TaskList{Name: aws.String("tl")}, DefaultTaskStartToCloseTimeout: aws.String("60"),
		DefaultExecutionStartToCloseTimeout: aws.String("600"), DefaultChildPolicy: types.ChildPolicyTerminate}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("w1"),
		WorkflowType: &types.WorkflowType{Name: aws.String("w"), Version: aws.String("1")}, Input: aws.String("[[], {}]")}); err != nil {
		t.Fatal(err)
	}
	task, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String("d"), TaskList: &types.TaskList{Name: aws.String("tl")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: task.TaskToken, Decisions: []types.Decision{{
		DecisionType:                 types.DecisionTypeStartTimer,
		StartTimerDecisionAttributes: &types.StartTimerDecisionAttributes{TimerId: aws.String("pause"), StartToFireTimeout: aws.String("1")},
	}}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "w1.dot")
	code, stdout, stderr := run(t, "trace", "-domain", "d", "-endpoint", s.url, "-workflow-id", "w1", "-o", out)
	if code != 0 || !strings.Contains(stdout, "1 tasks") {
		t.Fatalf("trace: exit %d, %q, %q", code, stdout, stderr)
	}
	dot, _ := os.ReadFile(out)
	if !strings.Contains(string(dot), `"pause" [label="pause\nrunning"`) || !strings.Contains(string(dot), `w/1 OPEN`) {
		t.Errorf("DOT:\n%s", dot)
	}
	if code, _, stderr := run(t, "trace", "-domain", "d", "-endpoint", s.url, "-workflow-id", "nope", "-o", out); code != 1 || !strings.Contains(stderr, `no execution with workflow id "nope"`) {
		t.Errorf("unknown workflow: exit %d, %s", code, stderr)
	}
}
