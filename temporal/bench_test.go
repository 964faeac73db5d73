package temporal_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/flowy-go/flowy/bench"
	"github.com/flowy-go/flowy/temporal"
	"github.com/flowy-go/flowy/worker"
)

// benchWorkers are the worker settings of the Temporal benchmarks: 8
// decision pollers and 8 activity pollers, as in the Temporal SDK reference
// run (docs/temporal.md).
var benchWorkers = worker.Options{Deciders: 8, ActivityWorkers: 8}

func init() {
	// FLOWY_TEMPORAL_BENCH_WORKERS=D,A sets the decision pollers and activity
	// workers of the benchmarks.
	if v := os.Getenv("FLOWY_TEMPORAL_BENCH_WORKERS"); v != "" {
		fmt.Sscanf(v, "%d,%d", &benchWorkers.Deciders, &benchWorkers.ActivityWorkers)
	}
}

func startBench(b testing.TB, opts temporal.Options) *bench.Env {
	e := newEngine(b, opts)
	env, err := bench.Start(context.Background(), e, "temporal", benchWorkers)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(env.Stop)
	return env
}

// BenchmarkTemporalMapReduce is benchmark (a) on the temporal engine with
// 1,000 numbers (1,999 activities).
func BenchmarkTemporalMapReduce(b *testing.B) {
	env := startBench(b, temporal.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	acts := 0
	for b.Loop() {
		r, err := env.MapReduce(ctx, 1000)
		if err != nil {
			b.Fatal(err)
		}
		acts += r.Activities
	}
	b.ReportMetric(float64(acts)/b.Elapsed().Seconds(), "activities/s")
}

// BenchmarkTemporalManyWorkflows is benchmark (b) on the temporal engine with
// 200 workflows of three activities.
func BenchmarkTemporalManyWorkflows(b *testing.B) {
	env := startBench(b, temporal.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	wfs := 0
	for b.Loop() {
		r, err := env.ManyWorkflows(ctx, 200)
		if err != nil {
			b.Fatal(err)
		}
		wfs += r.Workflows
	}
	b.ReportMetric(float64(wfs)/b.Elapsed().Seconds(), "workflows/s")
}
