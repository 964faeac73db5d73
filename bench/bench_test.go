package bench_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowy-go/flowy/bench"
	"github.com/flowy-go/flowy/memory"
	"github.com/flowy-go/flowy/sqlite"
	"github.com/flowy-go/flowy/worker"
)

func startMemory(b testing.TB) *bench.Env {
	eng := memory.New(memory.Options{})
	env, err := bench.Start(context.Background(), eng, "memory", worker.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { env.Stop(); eng.Close() })
	return env
}

// startSQLite starts the benchmarks on a sqlite engine on a fresh file.
func startSQLite(b testing.TB) *bench.Env {
	eng, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	env, err := bench.Start(context.Background(), eng, "sqlite", worker.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { env.Stop(); eng.Close() })
	return env
}

// BenchmarkMapReduce is benchmark (a): 10,000 numbers, 19,999 activities.
func BenchmarkMapReduce(b *testing.B) {
	env := startMemory(b)
	for b.Loop() {
		r, err := env.MapReduce(context.Background(), 10000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.PerSecond, "activities/s")
	}
}

// BenchmarkManyWorkflows is benchmark (b): 1,000 workflows at once.
func BenchmarkManyWorkflows(b *testing.B) {
	env := startMemory(b)
	for b.Loop() {
		r, err := env.ManyWorkflows(context.Background(), 1000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.PerSecond, "workflows/s")
	}
}

// BenchmarkMapReduceSQLite is benchmark (a) on the sqlite engine.
func BenchmarkMapReduceSQLite(b *testing.B) {
	env := startSQLite(b)
	for b.Loop() {
		r, err := env.MapReduce(context.Background(), 10000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.PerSecond, "activities/s")
	}
}

// BenchmarkManyWorkflowsSQLite is benchmark (b) on the sqlite engine.
func BenchmarkManyWorkflowsSQLite(b *testing.B) {
	env := startSQLite(b)
	for b.Loop() {
		r, err := env.ManyWorkflows(context.Background(), 1000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.PerSecond, "workflows/s")
	}
}

// BenchmarkDecision is benchmark (c): one decision at 1,000 and 10,000
// completed tasks, warm and cold.
func BenchmarkDecision(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		tasks, err := bench.History(context.Background(), n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("completed=%d", n), func(b *testing.B) {
			var warm, cold time.Duration
			for b.Loop() {
				w, c, err := bench.DecisionCost(tasks, 500)
				if err != nil {
					b.Fatal(err)
				}
				warm, cold = w, c
			}
			b.ReportMetric(float64(warm.Nanoseconds()), "warm-ns/decision")
			b.ReportMetric(float64(cold.Nanoseconds()), "cold-ns/decision")
		})
	}
}

// TestBenchmarksSmall runs each benchmark once on small inputs, checking
// their results (the benchmarks' own assertions), so they stay correct.
func TestBenchmarksSmall(t *testing.T) {
	env := startMemory(t)
	ctx := context.Background()
	if _, err := env.MapReduce(ctx, 200); err != nil {
		t.Fatal(err)
	}
	if _, err := env.ManyWorkflows(ctx, 50); err != nil {
		t.Fatal(err)
	}
	tasks, err := bench.History(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 101 {
		t.Errorf("a chain of 100 took %d decision tasks, want 101", len(tasks))
	}
	if _, _, err := bench.DecisionCost(tasks, 10); err != nil {
		t.Fatal(err)
	}
}

// TestBenchmarksSmallSQLite runs benchmarks a and b once on small inputs on
// the sqlite engine.
func TestBenchmarksSmallSQLite(t *testing.T) {
	env := startSQLite(t)
	ctx := context.Background()
	if _, err := env.MapReduce(ctx, 200); err != nil {
		t.Fatal(err)
	}
	if _, err := env.ManyWorkflows(ctx, 50); err != nil {
		t.Fatal(err)
	}
}
