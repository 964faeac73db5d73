package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/cli"
	"github.com/flowy-go/flowy/examples"
)

// run runs Main with args and returns its exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := cli.Main(ctx, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestExampleList(t *testing.T) {
	code, out, errOut := run(t, "example", "-list")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	all := examples.All(1)
	if len(lines) != 11 || len(all) != 11 {
		t.Fatalf("listed %d lines for %d examples, want 11:\n%s", len(lines), len(all), out)
	}
	for i, e := range all {
		f := strings.Fields(lines[i])
		if len(f) < 2 || f[0] != e.Name || !strings.Contains(lines[i], e.Description) {
			t.Errorf("line %d = %q, want %s and its description", i, lines[i], e.Name)
		}
	}
}

func TestExampleListJSON(t *testing.T) {
	code, out, _ := run(t, "example", "-json", "-list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	n := 0
	for dec.More() {
		var v struct {
			Name         string
			Description  string
			IdealSeconds float64 `json:"ideal_seconds"`
		}
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if v.Name == "NaiveMapReduce" && v.IdealSeconds != 10.5 {
			t.Errorf("NaiveMapReduce ideal %v, want 10.5", v.IdealSeconds)
		}
		n++
	}
	if n != 11 {
		t.Errorf("got %d objects, want 11", n)
	}
}

func TestExampleJSON(t *testing.T) {
	for _, args := range [][]string{
		{"example", "SquareSum", "-json"},
		{"example", "-json", "SquareSum"},
		{"example", "-json", "-time-scale", "0", "SquareSum"},
		{"example", "SquareSum", "-json", "-time-scale=1"},
	} {
		code, out, errOut := run(t, args...)
		if code != 0 || errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
			t.Errorf("%v: want exactly one line, got %q", args, out)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: %q is not JSON: %v", args, out, err)
		}
		if len(v) != 3 || v["workflow"] != "SquareSum" || v["result"] != 104.0 {
			t.Errorf("%v: got %v, want workflow SquareSum, result 104", args, v)
		}
		if s, ok := v["seconds"].(float64); !ok || s < 0 || s > 10 {
			t.Errorf("%v: seconds = %v", args, v["seconds"])
		}
	}
}

func TestExampleText(t *testing.T) {
	code, out, errOut := run(t, "example", "Sequential", "-time-scale", "0")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !regexp.MustCompile(`^Sequential: 65536 \(\d+\.\d{3}s\)\n$`).MatchString(out) {
		t.Errorf("got %q, want \"Sequential: 65536 (X.XXXs)\"", out)
	}
}

// TestExampleTimeScale runs a timing example at a small time scale: WaitFirst
// ideally takes 0.5 s at scale 1, so at 0.1 it takes at least 50 ms.
func TestExampleTimeScale(t *testing.T) {
	code, out, _ := run(t, "example", "WaitFirst", "-time-scale", "0.1", "-json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var v struct {
		Result  int
		Seconds float64
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Result != 4 || v.Seconds < 0.05 {
		t.Errorf("got %+v, want result 4 after at least 0.05 s", v)
	}
}

func TestExampleErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"example", "NoSuchExample"}, `unknown example "NoSuchExample"; the examples are: SumSquares, SquareSum, Sequential`},
		{[]string{"example"}, "name an example to run"},
		{[]string{"example", "SumSquares", "SquareSum"}, "one example at a time"},
		{[]string{"example", "-list", "SumSquares"}, "-list takes no example name"},
		{[]string{"example", "-time-scale", "-1", "SumSquares"}, "-time-scale must be"},
		{[]string{"example", "-time-scale", "fast", "SumSquares"}, "invalid value"},
		{[]string{"example", "-bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"example", "--", "-json"}, `unknown example "-json"`},
	} {
		code, out, errOut := run(t, tc.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if out != "" {
			t.Errorf("%v: stdout %q, want none", tc.args, out)
		}
		if !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: stderr %q does not contain %q", tc.args, errOut, tc.want)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // in stderr
	}{
		{nil, []string{"Usage:", "example"}},
		{[]string{"help"}, []string{"Usage:", "example"}},
		{[]string{"-h"}, []string{"Usage:"}},
		{[]string{"bogus"}, []string{`unknown command "bogus"`, "Usage:"}},
		{[]string{"help", "example"}, []string{"flowy example NAME", "-time-scale"}},
		{[]string{"help", "bogus"}, []string{`unknown command "bogus"`, "Usage:"}},
		{[]string{"example", "-h"}, []string{"flowy example NAME", "-time-scale"}},
	} {
		code, out, errOut := run(t, tc.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if out != "" {
			t.Errorf("%v: stdout %q, want none", tc.args, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q does not contain %q", tc.args, errOut, w)
			}
		}
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := cli.Main(ctx, []string{"example", "NaiveMapReduce"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "context canceled") {
		t.Errorf("exit %d, stderr %q; want 1 and the cancellation", code, stderr.String())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("canceled run took %v", d)
	}
}
