package swfwire

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/flowy-go/flowy/engine"
)

// Timestamp is a point in time on the wire: a JSON number of seconds since
// the Unix epoch, with a fraction. The zero Timestamp is the zero time.Time;
// fields that may be absent use the omitzero option.
type Timestamp struct{ time.Time }

// TimeOf returns t as a Timestamp.
func TimeOf(t time.Time) Timestamp { return Timestamp{t} }

// MarshalJSON writes the exact number of seconds, in plain decimal notation
// with up to nine fraction digits and no trailing zeros.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("0"), nil
	}
	return []byte(formatEpoch(t.Time)), nil
}

// formatEpoch formats t as decimal seconds since the epoch.
func formatEpoch(t time.Time) string {
	sec, nsec := t.Unix(), int64(t.Nanosecond())
	neg := sec < 0
	if neg { // -1.5 s is sec -2, nsec 5e8: write it as -(1 s + 5e8 ns)
		sec = -sec
		if nsec > 0 {
			sec--
			nsec = 1e9 - nsec
		}
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(strconv.FormatInt(sec, 10))
	if nsec != 0 {
		frac := strconv.FormatInt(nsec+1e9, 10)[1:] // 9 digits, zero-padded
		b.WriteByte('.')
		b.WriteString(strings.TrimRight(frac, "0"))
	}
	return b.String()
}

// UnmarshalJSON reads a JSON number of seconds, in any notation
// (1468840287.197, 1.468840287197E9), exactly to the nanosecond; null is the
// zero time.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*t = Timestamp{}
		return nil
	}
	tm, err := parseEpoch(string(b))
	if err != nil {
		return err
	}
	*t = Timestamp{tm}
	return nil
}

// maxEpoch bounds the accepted timestamps (about year 2262 either way, where
// time.Duration arithmetic in nanoseconds would overflow).
var maxEpoch = big.NewRat(9e9, 1)

// jsonNumber is the grammar of JSON numbers (big.Rat accepts more).
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// parseEpoch parses decimal seconds since the epoch exactly.
func parseEpoch(s string) (time.Time, error) {
	m := jsonNumber.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("swfwire: timestamp %q is not a number of seconds", s)
	}
	// A huge exponent would make big.Rat compute a huge power of ten.
	if exp, err := strconv.Atoi(strings.TrimLeft(m[3], "eE")); m[3] != "" && (err != nil || exp > 40 || exp < -40) {
		return time.Time{}, fmt.Errorf("swfwire: timestamp %s is out of range", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return time.Time{}, fmt.Errorf("swfwire: timestamp %q is not a number of seconds", s)
	}
	if new(big.Rat).Abs(r).Cmp(maxEpoch) > 0 {
		return time.Time{}, fmt.Errorf("swfwire: timestamp %s is out of range", s)
	}
	// Round to the nearest nanosecond.
	ns := new(big.Rat).Mul(r, big.NewRat(1e9, 1))
	q, rem := new(big.Int).QuoRem(ns.Num(), ns.Denom(), new(big.Int))
	if rem.Sign() != 0 && new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2)).Cmp(ns.Denom()) >= 0 {
		if r.Sign() > 0 {
			q.Add(q, big.NewInt(1))
		} else {
			q.Sub(q, big.NewInt(1))
		}
	}
	n := q.Int64()
	return time.Unix(n/1e9, n%1e9), nil
}

// NONE is the duration string for "no limit".
const NONE = "NONE"

// FormatDuration writes d as SWF does: whole seconds, a sub-second
// remainder rounded up (so a timeout never fires earlier than asked);
// [engine.NoTimeout] is "NONE" and zero is "" (an absent field: the
// default). Other negative durations have no wire form and give "-1", which
// every SWF endpoint refuses.
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return ""
	case d == engine.NoTimeout:
		return NONE
	case d < 0:
		return "-1"
	}
	s := d / time.Second
	if d%time.Second != 0 {
		s++
	}
	return strconv.FormatInt(int64(s), 10)
}

// ErrBadDuration is wrapped by the errors of [ParseDuration].
var ErrBadDuration = errors.New("not a duration")

// maxDurationSeconds keeps durations inside time.Duration. SWF's strings
// have at most eight digits (about three years), well below it.
const maxDurationSeconds = int64(1<<63-1) / int64(time.Second)

// ParseDuration reads a duration string: "" is zero (absent: the default),
// "NONE" is [engine.NoTimeout], and a string of decimal digits is that many
// seconds. "0" is zero too, which engines read as "the default".
func ParseDuration(s string) (time.Duration, error) {
	switch s {
	case "":
		return 0, nil
	case NONE:
		return engine.NoTimeout, nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("swfwire: %q is not a number of seconds or NONE: %w", s, ErrBadDuration)
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > maxDurationSeconds {
		return 0, fmt.Errorf("swfwire: duration %q is out of range: %w", s, ErrBadDuration)
	}
	return time.Duration(n) * time.Second, nil
}
