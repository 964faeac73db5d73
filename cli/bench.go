package cli

import (
	"context"
	"sync/atomic"

	"github.com/flowy-go/flowy/client"
	"slices"

	"github.com/flowy-go/flowy/temporal"
	"net"
	"net/http"

	"encoding/json"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/flowy-go/flowy/sqlite/swfdomains"
	"github.com/flowy-go/flowy/swf"
	"github.com/flowy-go/flowy/swfserver"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/flowy-go/flowy/bench"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
	"github.com/flowy-go/flowy/sqlite"
	"github.com/flowy-go/flowy/worker"
)

const benchUsage = "flowy bench [-engine memory|sqlite] [-db FILE] [-n N] [-workflows W] [-json]"

const benchHelp = `
Bench runs flowy's benchmarks end to end on an engine and prints one line
each (with -json, one JSON object each):

  a: a ParallelReduce sum of squares over N numbers (2N-1 activities that do
     no work), in activities per second;
  b: W workflows started at once, each square(2) + square(10) summed by a
     third activity, in workflows per second;
  c: the time of one decision at the end of a history of 1,000 and of 10,000
     completed tasks, with a warm decider (its state cached) and after a cold
     replay of the whole history, and the ratio of the warm times (10,000 vs
     1,000: a decider without quadratic replay stays near 1).

With -engine sqlite, a and b run on the durable SQLite engine, on a new file
in a temporary directory (removed afterwards) unless -db names one. With
-engine server, they run on the swf engine through a flowy server (sqlite)
started in this process on 127.0.0.1: every task crosses HTTP, signed with
SigV4, as with remote workers. c, which measures the decider alone, runs with
-engine memory only.`

type benchLine struct {
	bench.Result
	WarmSeconds float64 `json:"warm_seconds,omitempty"`
	ColdSeconds float64 `json:"cold_seconds,omitempty"`
	Ratio       float64 `json:"warm_ratio_10k_1k,omitempty"`
}

// runBench is the "bench" subcommand.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bench", benchUsage, benchHelp, stderr)
	engineName := fs.String("engine", "memory", "the engine to measure: memory, sqlite, server (the swf engine through an in-process flowy server on sqlite), or temporal")
	temporalAddr := fs.String("temporal-addr", temporal.DefaultHostPort, "with -engine temporal: the Temporal frontend's `HOST:PORT`")
	dbPath := fs.String("db", "", "with -engine sqlite: the database `FILE` (default: a new file in a temporary directory)")
	n := fs.Int("n", 10000, "numbers in benchmark a (`N`)")
	wfs := fs.Int("workflows", 1000, "workflows in benchmark b (`W`)")
	asJSON := fs.Bool("json", false, "print JSON: one object per line")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "flowy bench: unexpected arguments %q\n", pos)
		return ExitUsage
	}
	if !slices.Contains([]string{"memory", "sqlite", "server", "temporal"}, *engineName) {
		fmt.Fprintf(stderr, "flowy bench: unknown engine %q (this build has: memory, sqlite, server, temporal)\n", *engineName)
		return ExitUsage
	}
	if *dbPath != "" && *engineName != "sqlite" && *engineName != "server" {
		fmt.Fprintf(stderr, "flowy bench: -db is for -engine sqlite or server\n")
		return ExitUsage
	}
	if *n < 1 || *wfs < 1 {
		fmt.Fprintf(stderr, "flowy bench: -n and -workflows must be at least 1\n")
		return ExitUsage
	}
	print := func(l benchLine) {
		if *asJSON {
			b, _ := json.Marshal(l)
			fmt.Fprintf(stdout, "%s\n", b)
			return
		}
		if l.WarmSeconds > 0 {
			fmt.Fprintf(stdout, "%-22s %-8s completed=%-6d warm %8.1fµs  cold %9.1fms", l.Name, l.Engine, l.N, l.WarmSeconds*1e6, l.ColdSeconds*1e3)
			if l.Ratio > 0 {
				fmt.Fprintf(stdout, "  warm ratio 10k/1k %.2f", l.Ratio)
			}
			fmt.Fprintln(stdout)
			return
		}
		fmt.Fprintln(stdout, l.Result.String())
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "flowy bench: %v\n", err)
		return ExitFail
	}

	var eng engine.Engine
	opts := worker.Options{}
	switch *engineName {
	case "temporal":
		t, err := openTemporal(ctx, *temporalAddr, "flowy-bench")
		if err != nil {
			return fail(err)
		}
		defer t.Close()
		eng = t
		opts = worker.Options{Deciders: 8, ActivityWorkers: 8} // pollers, as in the SDK's reference figures
	case "memory":
		m := memory.New(memory.Options{})
		defer m.Close()
		eng = m
	case "sqlite", "server":
		path := *dbPath
		if path == "" {
			dir, err := os.MkdirTemp("", "flowy-bench-")
			if err != nil {
				return fail(err)
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "bench.db")
		}
		if *engineName == "server" {
			e, stop, err := benchServer(ctx, path)
			if err != nil {
				return fail(err)
			}
			defer stop()
			eng = e
			break
		}
		s, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			return fail(err)
		}
		defer s.Close()
		eng = s
	}
	counted := &counting{Engine: eng}
	prog := startProgress(stderr, "bench "+*engineName, counted.count)
	defer prog.Stop()
	env, err := bench.Start(ctx, counted, *engineName, opts)
	if err != nil {
		return fail(err)
	}
	defer env.Stop()
	ra, err := env.MapReduce(ctx, *n)
	if err != nil {
		return fail(err)
	}
	print(benchLine{Result: ra})
	rb, err := env.ManyWorkflows(ctx, *wfs)
	if err != nil {
		return fail(err)
	}
	print(benchLine{Result: rb})
	if *engineName != "memory" {
		return ExitOK // c measures the decider alone
	}

	var warm1k time.Duration
	for _, size := range []int{1000, 10000} {
		tasks, err := bench.History(ctx, size)
		if err != nil {
			return fail(err)
		}
		warm, cold, err := bench.DecisionCost(tasks, 500)
		if err != nil {
			return fail(err)
		}
		l := benchLine{Result: bench.Result{Name: "c: decision", Engine: *engineName, N: size, PerSecond: 1 / warm.Seconds()},
			WarmSeconds: warm.Seconds(), ColdSeconds: cold.Seconds()}
		if size == 1000 {
			warm1k = warm
		} else {
			l.Ratio = float64(warm) / float64(warm1k)
		}
		print(l)
	}
	return ExitOK
}

// benchServer starts a flowy server on a sqlite file, on 127.0.0.1, and
// returns the swf engine of a domain on it.
func benchServer(ctx context.Context, path string) (engine.Engine, func(), error) {
	domains, err := swfdomains.Open(path, sqlite.Options{})
	if err != nil {
		return nil, nil, err
	}
	if err := domains.RegisterDomain(ctx, swfserver.Domain{Name: "bench", RetentionDays: 1}); err != nil {
		domains.Close()
		return nil, nil, err
	}
	const key, secret = "AKIDBENCH", "bench-secret"
	srv := swfserver.New(domains, swfserver.Options{Keys: map[string]string{key: secret}, TokenKey: domains.TokenKey()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		domains.Close()
		return nil, nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		_ = hs.Shutdown(sctx)
		domains.Close()
	}
	eng, err := swf.Open(ctx, "bench", swf.Options{Region: "us-east-1", Endpoint: "http://" + ln.Addr().String(),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")})
	if err != nil {
		stop()
		return nil, nil, err
	}
	return eng, stop, nil
}

// openTemporal connects to a Temporal frontend, in a namespace of flowy's
// CLI, with task queues of this process alone.
func openTemporal(ctx context.Context, addr, namespace string) (*temporal.Engine, error) {
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	e, err := temporal.New(octx, temporal.Options{HostPort: addr, Namespace: namespace,
		TaskQueuePrefix: fmt.Sprintf("cli-%d-%d-", os.Getpid(), time.Now().UnixNano())})
	if err != nil {
		return nil, fmt.Errorf("-engine temporal at %s: %w", addr, err)
	}
	return e, nil
}

// counting counts the activities scheduled and done through an engine, for
// the progress line.
type counting struct {
	engine.Engine
	scheduled, done atomic.Int64
}

func (c *counting) count() (int, int) { return int(c.done.Load()), int(c.scheduled.Load()) }

func (c *counting) RespondDecisionTaskCompleted(ctx context.Context, p engine.RespondDecisionParams) error {
	err := c.Engine.RespondDecisionTaskCompleted(ctx, p)
	if err == nil {
		for _, d := range p.Decisions {
			if _, ok := d.(*engine.ScheduleActivityTask); ok {
				c.scheduled.Add(1)
			}
		}
	}
	return err
}

func (c *counting) RespondActivityTaskCompleted(ctx context.Context, token, result string) error {
	err := c.Engine.RespondActivityTaskCompleted(ctx, token, result)
	if err == nil {
		c.done.Add(1)
	}
	return err
}

func (c *counting) RespondActivityTaskFailed(ctx context.Context, token, reason, details string) error {
	err := c.Engine.RespondActivityTaskFailed(ctx, token, reason, details)
	if err == nil {
		c.done.Add(1)
	}
	return err
}

// WaitClosed keeps the engine's engine.CloseWaiter, if it has one.
func (c *counting) WaitClosed(ctx context.Context, exec engine.Execution) (engine.Event, error) {
	if cw, ok := c.Engine.(engine.CloseWaiter); ok {
		return cw.WaitClosed(ctx, exec)
	}
	return client.WaitClosedByPolling(ctx, c.Engine, exec)
}
