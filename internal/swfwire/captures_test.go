package swfwire_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/flowy-go/flowy/internal/swfwire"
)

// interaction is one request and response of a vcrpy cassette.
type interaction struct {
	Target       string // the operation, e.g. "PollForDecisionTask"
	Request      string // the request body
	Status       int
	Response     string // the response body
	ResponseSize int    // the content-length header of the response
}

// readCassette reads a gzipped vcrpy cassette from testdata: copies of the
// recordings of real Amazon SWF traffic in ../shared/swf-captures. It reads
// just the YAML that vcrpy writes there: each body is a single-quoted scalar,
// folded over several lines.
func readCassette(t *testing.T, name string) []interaction {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	target := regexp.MustCompile(`X-Amz-Target: \[SimpleWorkflowService\.(\w+)\]`)
	status := regexp.MustCompile(`status: \{code: (\d+),`)
	size := regexp.MustCompile(`content-length: \['(\d+)'\]`)
	var out []interaction
	for _, chunk := range strings.Split(text, "\n- request:\n")[1:] {
		req, resp, ok := strings.Cut(chunk, "\n  response:\n")
		if !ok {
			t.Fatalf("%s: an interaction without a response", name)
		}
		var it interaction
		m := target.FindStringSubmatch(req)
		if m == nil {
			t.Fatalf("%s: no X-Amz-Target in %.200s", name, req)
		}
		it.Target = m[1]
		it.Request = quoted(t, req, "    body: !!python/unicode '")
		it.Response = quoted(t, resp, "    body: {string: !!python/unicode '")
		it.Status, _ = strconv.Atoi(status.FindStringSubmatch(resp)[1])
		it.ResponseSize, _ = strconv.Atoi(size.FindStringSubmatch(resp)[1])
		out = append(out, it)
	}
	return out
}

// quoted returns the single-quoted YAML scalar that starts after prefix in s,
// unfolded: a line break and the next line's indentation are one space, an
// empty line is a newline, and a doubled quote is one quote.
func quoted(t *testing.T, s, prefix string) string {
	t.Helper()
	i := strings.Index(s, prefix)
	if i < 0 {
		t.Fatalf("no %q in %.200s", prefix, s)
	}
	s = s[i+len(prefix):]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String()
		case '\n':
			// Fold: drop trailing spaces before the break and the next
			// lines' indentation; each empty line is a newline.
			str := strings.TrimRight(b.String(), " ")
			b.Reset()
			b.WriteString(str)
			newlines := 0
			for i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\n') {
				if s[i+1] == '\n' {
					newlines++
				}
				i++
			}
			if newlines == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteString(strings.Repeat("\n", newlines))
			}
		default:
			b.WriteByte(c)
		}
	}
	t.Fatal("unterminated quoted scalar")
	return ""
}

var (
	cassettesOnce sync.Once
	cassettes     []interaction
)

// allInteractions returns the interactions of both cassettes (read once).
func allInteractions(t *testing.T) []interaction {
	t.Helper()
	cassettesOnce.Do(func() {
		aw := readCassette(t, "activity-worker.yml.gz")
		dec := readCassette(t, "decider.yml.gz")
		if len(aw) != 55 || len(dec) != 231 {
			t.Fatalf("read %d and %d interactions, want 55 and 231 (see the captures' README)", len(aw), len(dec))
		}
		cassettes = append(aw, dec...)
	})
	if cassettes == nil {
		t.Fatal("the cassettes could not be read")
	}
	return cassettes
}

// TestCassettesRead checks the cassette reader itself: every response body
// has exactly the length its content-length header says, and every body is
// JSON (or empty).
func TestCassettesRead(t *testing.T) {
	t.Parallel()
	for i, it := range allInteractions(t) {
		if len(it.Response) != it.ResponseSize {
			t.Errorf("interaction %d (%s): response of %d bytes, content-length %d", i, it.Target, len(it.Response), it.ResponseSize)
		}
		for _, body := range []string{it.Request, it.Response} {
			if body != "" && !json.Valid([]byte(body)) {
				t.Errorf("interaction %d (%s): not JSON: %.200s", i, it.Target, body)
			}
		}
	}
}

// decodeStrict decodes body into v, refusing members v does not have: the
// wire types must know every member SWF and its clients send.
func decodeStrict(body string, v any) error {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// TestCapturedBodiesDecode decodes every request and successful response of
// the captures into the package's types, with no member left over.
func TestCapturedBodiesDecode(t *testing.T) {
	t.Parallel()
	types := map[string][2]func() any{
		"RegisterActivityType":         {func() any { return new(swfwire.RegisterActivityTypeInput) }, nil},
		"RegisterWorkflowType":         {func() any { return new(swfwire.RegisterWorkflowTypeInput) }, nil},
		"DescribeActivityType":         {func() any { return new(swfwire.ActivityTypeRequest) }, func() any { return new(swfwire.ActivityTypeDetail) }},
		"DescribeWorkflowType":         {func() any { return new(swfwire.WorkflowTypeRequest) }, func() any { return new(swfwire.WorkflowTypeDetail) }},
		"PollForActivityTask":          {func() any { return new(swfwire.PollForActivityTaskInput) }, func() any { return new(swfwire.ActivityTask) }},
		"PollForDecisionTask":          {func() any { return new(swfwire.PollForDecisionTaskInput) }, func() any { return new(swfwire.DecisionTask) }},
		"RespondActivityTaskCompleted": {func() any { return new(swfwire.RespondActivityTaskCompletedInput) }, nil},
		"RespondActivityTaskFailed":    {func() any { return new(swfwire.RespondActivityTaskFailedInput) }, nil},
		"RecordActivityTaskHeartbeat":  {func() any { return new(swfwire.RecordActivityTaskHeartbeatInput) }, func() any { return new(swfwire.ActivityTaskStatus) }},
		"RespondDecisionTaskCompleted": {func() any { return new(swfwire.RespondDecisionTaskCompletedInput) }, nil},
	}
	for i, it := range allInteractions(t) {
		ty, ok := types[it.Target]
		if !ok {
			t.Fatalf("interaction %d: no types for %s", i, it.Target)
		}
		if err := decodeStrict(it.Request, ty[0]()); err != nil {
			t.Errorf("interaction %d: %s request: %v", i, it.Target, err)
		}
		switch {
		case it.Status != 200:
			var e swfwire.ErrorBody
			if err := decodeStrict(it.Response, &e); err != nil {
				t.Errorf("interaction %d: %s fault: %v", i, it.Target, err)
			}
			if e.Name() != swfwire.FaultTypeAlreadyExists || e.Type != swfwire.FaultType(e.Name()) {
				t.Errorf("interaction %d: fault %+v, want a TypeAlreadyExistsFault as FaultType writes it", i, e)
			}
		case ty[1] == nil:
			if it.Response != "" {
				t.Errorf("interaction %d: %s answered %q, want an empty body", i, it.Target, it.Response)
			}
		default:
			if err := decodeStrict(it.Response, ty[1]()); err != nil {
				t.Errorf("interaction %d: %s response: %v", i, it.Target, err)
			}
		}
	}
}

// TestCapturedHistoriesRoundTrip converts every event of every captured
// decision task page to an engine event and back, and requires the JSON of
// the result to be the JSON SWF sent: nothing lost, nothing added.
func TestCapturedHistoriesRoundTrip(t *testing.T) {
	t.Parallel()
	pages, events, paged := 0, 0, 0
	types := map[string]bool{}
	for i, it := range allInteractions(t) {
		if it.Target != "PollForDecisionTask" {
			continue
		}
		var task struct {
			Events        []json.RawMessage `json:"events"`
			NextPageToken string            `json:"nextPageToken"`
		}
		if err := json.Unmarshal([]byte(it.Response), &task); err != nil {
			t.Fatal(err)
		}
		pages++
		if task.NextPageToken != "" {
			paged++
		}
		for _, raw := range task.Events {
			events++
			var h swfwire.HistoryEvent
			if err := decodeStrict(string(raw), &h); err != nil {
				t.Fatalf("interaction %d: %v", i, err)
			}
			types[h.EventType] = true
			e, err := swfwire.EventFromWire(h)
			if err != nil {
				t.Fatalf("interaction %d: %v", i, err)
			}
			if e.Type() != h.EventType || e.ID != h.EventID {
				t.Fatalf("interaction %d: event %d %s became %d %s", i, h.EventID, h.EventType, e.ID, e.Type())
			}
			back, err := swfwire.EventToWire(e)
			if err != nil {
				t.Fatalf("interaction %d: %v", i, err)
			}
			out, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameJSON(raw, out); err != nil {
				t.Fatalf("interaction %d: event %d: %v\nSWF:  %s\nours: %s", i, h.EventID, err, raw, out)
			}
		}
	}
	t.Logf("%d decision task pages (%d with a next page), %d events of %d types", pages, paged, events, len(types))
	if pages != 127 || paged == 0 || len(types) < 18 {
		t.Errorf("read %d pages (%d paged) with %d event types; the captures have 127 pages, some paged, and 18 types", pages, paged, len(types))
	}
}

// TestCapturedDecisionsRoundTrip does the same for every decision the
// captured deciders sent.
func TestCapturedDecisionsRoundTrip(t *testing.T) {
	t.Parallel()
	n := 0
	types := map[string]bool{}
	for i, it := range allInteractions(t) {
		if it.Target != "RespondDecisionTaskCompleted" {
			continue
		}
		var req struct {
			Decisions []json.RawMessage `json:"decisions"`
		}
		if err := json.Unmarshal([]byte(it.Request), &req); err != nil {
			t.Fatal(err)
		}
		for _, raw := range req.Decisions {
			n++
			var w swfwire.Decision
			if err := decodeStrict(string(raw), &w); err != nil {
				t.Fatalf("interaction %d: %v", i, err)
			}
			types[w.DecisionType] = true
			d, err := swfwire.DecisionFromWire(w)
			if err != nil {
				t.Fatalf("interaction %d: %v", i, err)
			}
			back, err := swfwire.DecisionToWire(d)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(back)
			if err := sameJSON(raw, out); err != nil {
				t.Fatalf("interaction %d: %v\nsent: %s\nours: %s", i, err, raw, out)
			}
		}
	}
	if len(types) != 6 {
		t.Errorf("%d decisions of types %v; the captures have all six types flowy uses", n, types)
	}
}

// sameJSON reports how two JSON documents differ, comparing numbers by value
// exactly (SWF writes 1.468840287197E9, this package 1468840287.197).
func sameJSON(a, b []byte) error {
	va, err := decodeNumbers(a)
	if err != nil {
		return err
	}
	vb, err := decodeNumbers(b)
	if err != nil {
		return err
	}
	return diff("", va, vb)
}

func decodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func diff(path string, a, b any) error {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: object versus %T", path, b)
		}
		var errs []error
		for k, v := range x {
			w, ok := y[k]
			if !ok {
				errs = append(errs, fmt.Errorf("%s.%s: missing", path, k))
				continue
			}
			errs = append(errs, diff(path+"."+k, v, w))
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				errs = append(errs, fmt.Errorf("%s.%s: added", path, k))
			}
		}
		return errors.Join(errs...)
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return fmt.Errorf("%s: number versus %T", path, b)
		}
		rx, _ := new(big.Rat).SetString(string(x))
		ry, _ := new(big.Rat).SetString(string(y))
		if rx == nil || ry == nil || rx.Cmp(ry) != 0 {
			return fmt.Errorf("%s: %s versus %s", path, x, y)
		}
		return nil
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Errorf("%s: %v versus %v", path, a, b)
	}
	return nil
}
