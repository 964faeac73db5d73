package temporal_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/bench"
	"github.com/flowy-go/flowy/client"
	"github.com/flowy-go/flowy/temporal"
)

// TestTemporalCLIShowsHistory reads the history of a flowy-started workflow
// back with the Temporal CLI (`temporal workflow show -o json`): it shows the
// activities, and the inputs and results are json/plain payloads holding
// flowy's JSON.
func TestTemporalCLIShowsHistory(t *testing.T) {
	needServer(t)
	if serverCLI == "" {
		t.Skip("no Temporal CLI ($FLOWY_TEMPORAL_CLI, /var/cache/flowy-tools/temporal, PATH)")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	env := startBench(t, temporal.Options{})
	e := env.Engine.(*temporal.Engine)
	run, err := client.Start(ctx, e, bench.Workflows()[1], client.StartOptions{}, 2, 10)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := client.Result[int](ctx, e, run, nil); err != nil || v != 104 {
		t.Fatalf("result %v, %v", v, err)
	}
	out, err := exec.CommandContext(ctx, serverCLI, "workflow", "show", "--workflow-id", run.WorkflowID,
		"--run-id", run.RunID, "--address", serverAddr, "--namespace", e.Namespace(), "-o", "json").Output()
	if err != nil {
		t.Fatalf("temporal workflow show: %v", err)
	}
	type payload struct {
		Metadata map[string]string `json:"metadata"`
		Data     string            `json:"data"`
	}
	type payloads struct {
		Payloads []payload `json:"payloads"`
	}
	var h struct {
		Events []struct {
			EventType string `json:"eventType"`
			Scheduled *struct {
				ActivityID   string            `json:"activityId"`
				ActivityType map[string]string `json:"activityType"`
				Input        payloads          `json:"input"`
			} `json:"activityTaskScheduledEventAttributes"`
			Completed *struct {
				Result payloads `json:"result"`
			} `json:"activityTaskCompletedEventAttributes"`
			WorkflowCompleted *struct {
				Result payloads `json:"result"`
			} `json:"workflowExecutionCompletedEventAttributes"`
		} `json:"events"`
	}
	if err := json.Unmarshal(out, &h); err != nil {
		t.Fatalf("reading the CLI's JSON: %v\n%s", err, out)
	}
	// decode returns the JSON in a single json/plain payload.
	decode := func(ps payloads) string {
		t.Helper()
		if len(ps.Payloads) != 1 {
			t.Errorf("%d payloads, want 1", len(ps.Payloads))
			return ""
		}
		p := ps.Payloads[0]
		enc, _ := base64.StdEncoding.DecodeString(p.Metadata["encoding"])
		data, _ := base64.StdEncoding.DecodeString(p.Data)
		if string(enc) != "json/plain" || !json.Valid(data) {
			t.Errorf("payload with encoding %q and data %q, want json/plain JSON", enc, data)
		}
		return string(data)
	}
	var acts, results []string
	result := ""
	for _, ev := range h.Events {
		switch {
		case ev.Scheduled != nil:
			acts = append(acts, ev.Scheduled.ActivityID+" "+ev.Scheduled.ActivityType["name"]+" "+decode(ev.Scheduled.Input))
		case ev.Completed != nil:
			results = append(results, decode(ev.Completed.Result))
		case ev.WorkflowCompleted != nil:
			result = decode(ev.WorkflowCompleted.Result)
		}
	}
	want := "Square-0-0 square [[2], {}]\nSquare-1-0 square [[10], {}]\nSum-0-0 sum [[4, 100], {}]"
	if got := strings.Join(acts, "\n"); got != want {
		t.Errorf("the CLI shows the activities\n%s\nwant\n%s", got, want)
	}
	if len(results) != 3 || result != "104" {
		t.Errorf("the CLI shows activity results %v and the result %q", results, result)
	}
}
