package sqlite

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// eventTypeNames parses the engine package's sources and returns the types
// that have an EventType method: every kind of event there is.
func eventTypeNames(t *testing.T) []string {
	t.Helper()
	var names []string
	fset := token.NewFileSet()
	for _, f := range []string{"event.go", "admin.go"} {
		file, err := parser.ParseFile(fset, filepath.Join("..", "engine", f), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "EventType" || fn.Recv == nil || len(fn.Recv.List) != 1 {
				continue
			}
			star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			names = append(names, star.X.(*ast.Ident).Name)
		}
	}
	slices.Sort(names)
	return names
}

// fill sets every field of the struct v points to a distinct non-zero value.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), seed)
		}
	case reflect.String:
		v.SetString("s" + string(rune('A'+*seed%26)) + "é\"\n" + string(rune('a'+*seed%26)))
	case reflect.Int64:
		v.SetInt(int64(*seed) * 1000003)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(s.Index(0), seed)
		fill(s.Index(1), seed)
		v.Set(s)
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

// TestEventRoundTrip encodes and decodes every kind of event in package
// engine, with every field set, and compares.
func TestEventRoundTrip(t *testing.T) {
	names := eventTypeNames(t)
	if len(names) < 30 {
		t.Fatalf("found only %d event types in package engine: %v", len(names), names)
	}
	for _, name := range names {
		f, ok := eventTypes[name]
		if !ok {
			t.Errorf("event type %s has no encoding", name)
			continue
		}
		a := f()
		if got := a.EventType(); got != name {
			t.Errorf("constructor for %s makes a %s", name, got)
		}
		seed := 0
		fill(reflect.ValueOf(a).Elem(), &seed)
		enc, err := encodeAttr(a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dec, err := decodeAttr(name, []byte(enc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(a, dec) {
			t.Errorf("%s: round trip\n got  %+v\n want %+v\n json %s", name, dec, a, enc)
		}
		// The zero value too (nil slices and pointers).
		z := f()
		enc, _ = encodeAttr(z)
		if dec, err := decodeAttr(name, []byte(enc)); err != nil || !reflect.DeepEqual(z, dec) {
			t.Errorf("%s: zero value round trip: %+v %v", name, dec, err)
		}
	}
	if len(eventTypes) != len(names) {
		t.Errorf("%d encodings for %d event types", len(eventTypes), len(names))
	}
	if _, err := decodeAttr("NoSuchEvent", []byte("{}")); err == nil {
		t.Error("decoded an unknown event type")
	}
	// Durations and NoTimeout survive.
	a := &engine.ActivityTaskScheduled{Timeouts: engine.ActivityTimeouts{ScheduleToStart: engine.NoTimeout, StartToClose: 3 * time.Second}}
	enc, _ := encodeAttr(a)
	dec, _ := decodeAttr(a.EventType(), []byte(enc))
	if !reflect.DeepEqual(a, dec) {
		t.Errorf("timeouts: %+v", dec)
	}
}

// TestEncodeAttrIsJSONMarshal: the events written without encoding/json are
// written exactly as it writes them, whatever their strings hold.
func TestEncodeAttrIsJSONMarshal(t *testing.T) {
	strs := []string{"", "plain", `q"uote\back`, "<html> & </html>", "tab\tnl\ncr\rbs\bff\f\x00\x01\x1f\x7f",
		"é ü 日本 \u2028 \u2029 🙂", "bad utf8 \xff\xfe end", "\xe2\x80", strings.Repeat("x", 100)}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := make([]byte, rng.IntN(20))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		strs = append(strs, string(b))
	}
	for i, s := range strs {
		n := int64(i*7919 - 3)
		for _, a := range []engine.EventAttributes{
			&engine.ActivityTaskScheduled{ActivityID: s, Type: engine.ActivityType{Name: s, Version: s}, Input: s, Control: s,
				TaskList: s, Timeouts: engine.ActivityTimeouts{ScheduleToStart: -1, StartToClose: time.Duration(n), ScheduleToClose: 3, Heartbeat: 0},
				DecisionTaskCompletedEventID: n},
			&engine.ActivityTaskStarted{ScheduledEventID: n, Identity: s},
			&engine.ActivityTaskCompleted{ScheduledEventID: n, StartedEventID: -n, Result: s},
			&engine.DecisionTaskScheduled{TaskList: s, StartToClose: time.Duration(n)},
			&engine.DecisionTaskStarted{ScheduledEventID: n, Identity: s},
			&engine.DecisionTaskCompleted{ScheduledEventID: n, StartedEventID: n + 1, ExecutionContext: s},
		} {
			want, _ := json.Marshal(a)
			got, err := encodeAttr(a)
			if err != nil || got != string(want) {
				t.Fatalf("%s with %q:\n got  %s\n want %s", a.EventType(), s, got, want)
			}
		}
	}
	// With every field set, as the round trip fills them.
	for _, name := range eventTypeNames(t) {
		a := eventTypes[name]()
		seed := 0
		fill(reflect.ValueOf(a).Elem(), &seed)
		want, _ := json.Marshal(a)
		if got, _ := encodeAttr(a); got != string(want) {
			t.Errorf("%s:\n got  %s\n want %s", name, got, want)
		}
	}
}
