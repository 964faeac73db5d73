package faulttest

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swf"
	"github.com/flowy-go/flowy/worker"
)

// ---- the workflows: fan-out, chains, children, timers ----

// FanOut sums the squares of 1..n with ParallelReduce.
type FanOut struct{ Square, Add flowy.Task[int] }

// Run returns 1²+...+n².
func (w FanOut) Run(n int) flowy.Result[int] {
	rs := make([]flowy.Result[int], n)
	for i := range rs {
		rs[i] = w.Square.Call(i + 1)
	}
	return flowy.ParallelReduce(w.Add, rs)
}

// Chain adds 1 n times in a row.
type Chain struct{ Add flowy.Task[int] }

// Run returns start+n.
func (w Chain) Run(start, n int) flowy.Result[int] {
	r := flowy.Value(start)
	for range n {
		r = w.Add.Call(r, 1)
	}
	return r
}

// Parent runs two Chain children and adds their results.
type Parent struct {
	Child flowy.Task[int]
	Add   flowy.Task[int]
}

// Run returns (x+3) + (2x+3).
func (w Parent) Run(x int) flowy.Result[int] {
	return w.Add.Call(w.Child.Call(x, 3), w.Child.Call(2*x, 3))
}

// Delayed squares x after a one-second retry-delay timer.
type Delayed struct{ Square flowy.Task[int] }

// Run returns x².
func (w Delayed) Run(x int) flowy.Result[int] { return w.Square.Call(x) }

var retry = []time.Duration{0, 0, 0, 0, 0, 0, 0, 0, 0, 0} // attempts on timeout

func workflows() []*flowy.Workflow {
	act := func(name string) flowy.Dep {
		return flowy.Dep{Activity: name, StartToClose: 2 * time.Second, ScheduleToStart: flowy.NoTimeout, ScheduleToClose: flowy.NoTimeout, Heartbeat: flowy.NoTimeout, Retry: retry}
	}
	common := func(w *flowy.Workflow) *flowy.Workflow {
		w.TaskList, w.DecisionTimeout, w.ExecutionTimeout, w.ChildPolicy = "deciders", 2*time.Second, 10*time.Minute, flowy.ChildPolicyTerminate
		return w
	}
	delayed := act("square")
	delayed.Retry = append([]time.Duration{time.Second}, retry...)
	return []*flowy.Workflow{
		common(&flowy.Workflow{Name: "FanOut", Code: FanOut{}, Deps: map[string]flowy.Dep{"Square": act("square"), "Add": act("add")}}),
		common(&flowy.Workflow{Name: "Chain", Code: Chain{}, Deps: map[string]flowy.Dep{"Add": act("add")}}),
		common(&flowy.Workflow{Name: "Parent", Code: Parent{}, Deps: map[string]flowy.Dep{
			"Child": {Workflow: "Chain", Retry: retry, ExecutionTimeout: 10 * time.Minute, DecisionTimeout: 2 * time.Second, TaskList: "deciders", ChildPolicy: flowy.ChildPolicyTerminate},
			"Add":   act("add")}}),
		common(&flowy.Workflow{Name: "Delayed", Code: Delayed{}, Deps: map[string]flowy.Dep{"Square": delayed}}),
	}
}

func activities() []*flowy.Activity {
	slow := func(ctx context.Context) {
		select {
		case <-time.After(time.Duration(rand.IntN(30)) * time.Millisecond):
		case <-ctx.Done():
		}
	}
	return []*flowy.Activity{
		{Name: "square", TaskList: "workers", Func: func(ctx context.Context, x int) int { slow(ctx); return x * x }},
		{Name: "add", TaskList: "workers", Func: func(ctx context.Context, a, b int) int { slow(ctx); return a + b }},
	}
}

const (
	domain = "faults"
	keyID  = "AKIDFAULT"
	secret = "fault-secret"
)

func open(ctx context.Context, endpoint string) (*swf.Engine, error) {
	return swf.Open(ctx, domain, swf.Options{Region: "us-east-1", Endpoint: endpoint,
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, "")})
}

// TestHelperWorker is a worker process when FLOWY_FAULT_WORKER is set.
func TestHelperWorker(t *testing.T) {
	endpoint := os.Getenv("FLOWY_FAULT_WORKER")
	if endpoint == "" {
		t.Skip("a helper process of TestFaults")
	}
	ctx := context.Background()
	eng, err := open(ctx, endpoint)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(3)
	}
	w, err := worker.New(eng, workflows(), activities(), worker.Options{TaskList: "deciders", Deciders: 2, ActivityWorkers: 8})
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(3)
	}
	for { // the server may be down: register until it answers
		if err := w.Register(ctx); err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Println("worker ready")
	_ = w.Run(ctx) // until killed
}

// proc is a child process that the test kills and restarts.
type proc struct {
	name string
	log  *os.File // stderr of every incarnation
	cmd  func() *exec.Cmd
	mu   sync.Mutex
	p    *exec.Cmd
	dead chan struct{}
}

func (p *proc) start(t *testing.T, ready string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	cmd := p.cmd()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", p.name, err)
	}
	lines := bufio.NewScanner(out)
	deadline := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	for lines.Scan() {
		if strings.Contains(lines.Text(), ready) {
			break
		}
	}
	deadline.Stop()
	go func() { _, _ = bufio.NewReader(out).WriteTo(devNull{}) }()
	p.p = cmd
	p.dead = make(chan struct{})
	go func(dead chan struct{}) { _ = cmd.Wait(); close(dead) }(p.dead)
}

type devNull struct{}

func (devNull) Write(b []byte) (int, error) { return len(b), nil }

func (p *proc) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.p != nil {
		_ = p.p.Process.Signal(syscall.SIGKILL)
		<-p.dead
		p.p = nil
	}
}

func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault test takes about a minute; skipped in -short mode")
	}
	soak := os.Getenv("FLOWY_SOAK") == "1"
	nWorkflows, chaos := 200, 30*time.Second
	if soak {
		nWorkflows, chaos = 1000, 3*time.Minute
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "flowy")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/flowy-go/flowy/cmd/flowy").CombinedOutput(); err != nil {
		t.Fatalf("building flowy: %v\n%s", err, out)
	}
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	addr := ln
	endpoint := "http://" + addr
	db := filepath.Join(dir, "flowy.db")
	logFile := func(name string) *os.File {
		f, err := os.Create(filepath.Join(dir, name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			f.Close()
			if t.Failed() {
				b, _ := os.ReadFile(f.Name())
				t.Logf("%s's stderr (last 3000 bytes):\n%s", name, b[max(0, len(b)-3000):])
			}
		})
		return f
	}
	server := &proc{name: "server", log: logFile("server"), cmd: func() *exec.Cmd {
		c := exec.Command(bin, "server", "-engine", "sqlite", "-db", db, "-addr", addr)
		c.Env = append(os.Environ(), "FLOWY_ACCESS_KEYS="+keyID+":"+secret)
		return c
	}}
	workers := make([]*proc, 2)
	for i := range workers {
		workers[i] = &proc{name: fmt.Sprintf("worker %d", i), log: logFile(fmt.Sprintf("worker%d", i)), cmd: func() *exec.Cmd {
			c := exec.Command(os.Args[0], "-test.run=^TestHelperWorker$", "-test.v")
			c.Env = append(os.Environ(), "FLOWY_FAULT_WORKER="+endpoint)
			return c
		}}
	}
	server.start(t, "listening")
	defer server.kill()
	ctx, cancel := context.WithTimeout(context.Background(), chaos+5*time.Minute)
	defer cancel()
	eng, err := open(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.RegisterDomain(ctx, 1, "fault test"); err != nil {
		t.Fatal(err)
	}
	for _, w := range workers {
		w.start(t, "worker ready")
		defer w.kill()
	}

	// Start the workflows: a mix of every shape, with their expected results.
	wfs := map[string]*flowy.Workflow{}
	for _, w := range workflows() {
		wfs[w.Name] = w
	}
	type started struct {
		exec engine.Execution
		want int
	}
	var runs []started
	for i := range nWorkflows {
		var name string
		var args []any
		var want int
		switch i % 4 {
		case 0:
			n := 3 + i%5
			name, args, want = "FanOut", []any{n}, n*(n+1)*(2*n+1)/6
		case 1:
			name, args, want = "Chain", []any{i, 6}, i+6
		case 2:
			name, args, want = "Parent", []any{i}, (i+3)+(2*i+3)
		case 3:
			name, args, want = "Delayed", []any{i}, i*i
		}
		exec, err := startRetrying(ctx, eng, wfs[name], fmt.Sprintf("%s-%d", name, i), args...)
		if err != nil {
			t.Fatalf("starting %s-%d: %v", name, i, err)
		}
		runs = append(runs, started{exec, want})
	}

	// Chaos: kill the server or a worker at random moments, restart it.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := map[string]int{}
	end := time.Now().Add(chaos)
	for time.Now().Before(end) {
		time.Sleep(time.Duration(500+rng.IntN(2000)) * time.Millisecond)
		var p *proc
		if rng.IntN(10) < 3 {
			p = server
		} else {
			p = workers[rng.IntN(len(workers))]
		}
		p.kill()
		kills[p.name]++
		time.Sleep(time.Duration(rng.IntN(800)) * time.Millisecond)
		if p == server {
			p.start(t, "listening")
		} else {
			p.start(t, "worker ready")
		}
	}
	t.Logf("chaos over: kills %v", kills)

	// Every workflow finishes with its result; no completion is recorded twice.
	checked, duplicates, completions := 0, 0, 0
	for _, r := range runs {
		got, err := resultRetrying(ctx, eng, r.exec)
		if err != nil || got != r.want {
			t.Errorf("%s: %d, %v; want %d", r.exec.WorkflowID, got, err, r.want)
			continue
		}
		checked++
		events, err := historyRetrying(ctx, eng, r.exec)
		if err != nil {
			t.Fatal(err)
		}
		n, dup := completionsOf(events)
		completions += n
		duplicates += dup
		if dup > 0 {
			t.Errorf("%s: %d completions recorded twice", r.exec.WorkflowID, dup)
		}
	}
	total := 0
	for _, n := range kills {
		total += n
	}
	t.Logf("FAULT TEST: %d workflows, %d kills (%v) and as many restarts, %d results checked, %d activity completions in their histories, %d duplicates",
		len(runs), total, kills, checked, completions, duplicates)
}

// completionsOf counts a history's activity completions, and those of a
// call (NAME-CALL) already completed by another attempt.
func completionsOf(events []engine.Event) (n, dup int) {
	byScheduled := map[int64]string{}
	done := map[string]bool{}
	for _, e := range events {
		switch a := e.Attr.(type) {
		case *engine.ActivityTaskScheduled:
			byScheduled[e.ID] = a.ActivityID[:strings.LastIndexByte(a.ActivityID, '-')]
		case *engine.ActivityTaskCompleted:
			n++
			key := byScheduled[a.ScheduledEventID]
			if done[key] {
				dup++
			}
			done[key] = true
		}
	}
	return n, dup
}

// The server may be down at any moment of the chaos: these retry.

func startRetrying(ctx context.Context, eng *swf.Engine, wf *flowy.Workflow, id string, args ...any) (engine.Execution, error) {
	for {
		exec, err := client.Start(ctx, eng, wf, client.StartOptions{WorkflowID: id}, args...)
		if err == nil || ctx.Err() != nil {
			return exec, err
		}
		if strings.Contains(err.Error(), "AlreadyStarted") {
			info, derr := eng.DescribeWorkflowExecution(ctx, engine.Execution{WorkflowID: id})
			if derr == nil {
				return info.Execution, nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func resultRetrying(ctx context.Context, eng *swf.Engine, exec engine.Execution) (int, error) {
	for {
		got, err := client.Result[int](ctx, eng, exec, nil)
		if _, failed := err.(*client.WorkflowError); err == nil || failed || ctx.Err() != nil {
			return got, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func historyRetrying(ctx context.Context, eng *swf.Engine, exec engine.Execution) ([]engine.Event, error) {
	for {
		events, err := eng.GetWorkflowExecutionHistory(ctx, exec)
		if err == nil || ctx.Err() != nil {
			return events, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}
