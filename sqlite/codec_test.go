package sqlite

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
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
