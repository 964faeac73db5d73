package swfwire_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
)

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, ""},
		{engine.NoTimeout, "NONE"},
		{time.Nanosecond, "1"},
		{time.Second, "1"},
		{1500 * time.Millisecond, "2"},
		{time.Hour, "3600"},
		{-5 * time.Second, "-1"},
	} {
		if got := swfwire.FormatDuration(c.d); got != c.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, c := range []struct {
		s    string
		want time.Duration
	}{
		{"", 0}, {"NONE", engine.NoTimeout}, {"0", 0}, {"30", 30 * time.Second}, {"99999999", 99999999 * time.Second},
	} {
		if got, err := swfwire.ParseDuration(c.s); err != nil || got != c.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.s, got, err, c.want)
		}
	}
	for _, s := range []string{"none", "1.5", "-1", " 1", "1s", "99999999999999999999"} {
		if _, err := swfwire.ParseDuration(s); !errors.Is(err, swfwire.ErrBadDuration) {
			t.Errorf("ParseDuration(%q): error %v, want ErrBadDuration", s, err)
		}
	}
}

func TestTimestamp(t *testing.T) {
	for _, c := range []struct {
		json string
		want time.Time
	}{
		{"1.468840287197E9", time.Unix(1468840287, 197e6)},
		{"1468840287.197", time.Unix(1468840287, 197e6)},
		{"1468840287", time.Unix(1468840287, 0)},
		{"1e-9", time.Unix(0, 1)},
		{"-1.5", time.Unix(-2, 5e8)},
		{"1779012672.345678901", time.Unix(1779012672, 345678901)},
		{"0.0000000004", time.Unix(0, 0)}, // rounds to the nearest nanosecond
		{"0.0000000006", time.Unix(0, 1)},
	} {
		var ts swfwire.Timestamp
		if err := json.Unmarshal([]byte(c.json), &ts); err != nil || !ts.Equal(c.want) {
			t.Errorf("%s: %v, %v; want %v", c.json, ts.Time, err, c.want)
		}
		if c.json == "0.0000000004" {
			continue // not a time it writes
		}
		b, err := json.Marshal(swfwire.TimeOf(c.want))
		if err != nil {
			t.Fatal(err)
		}
		var back swfwire.Timestamp
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(c.want) {
			t.Errorf("%v wrote %s, read back %v, %v", c.want, b, back.Time, err)
		}
	}
	b, _ := json.Marshal(swfwire.TimeOf(time.Unix(1468840287, 197e6)))
	if string(b) != "1468840287.197" {
		t.Errorf("wrote %s, want 1468840287.197", b)
	}
	for _, bad := range []string{`"1"`, "1e400", "1e99999999999", "true", "9e12"} {
		var ts swfwire.Timestamp
		if err := json.Unmarshal([]byte(bad), &ts); err == nil {
			t.Errorf("%s: read %v, want an error", bad, ts.Time)
		}
	}
	// omitzero leaves absent timestamps out.
	b, _ = json.Marshal(swfwire.WorkflowTypeInfo{CreationDate: swfwire.TimeOf(time.Unix(5, 0))})
	if string(b) != `{"workflowType":{"name":"","version":""},"status":"","creationDate":5}` {
		t.Errorf("got %s", b)
	}
}
