// Package failure is the wire format of task and workflow failures: a reason
// (at most 256 characters, as SWF allows) and details (at most 32,768).
//
// The reason is the first line of the error message, cut to fit. The details
// are empty for a plain one-line error that fits (which is what Python Flowy
// sends, so the two interoperate), and otherwise a JSON object
// {"kind": ..., "message": ...} carrying the error kind and the whole message.
package failure

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Limits, in characters.
const (
	MaxReason  = 256
	MaxDetails = 32768
)

type wire struct {
	Kind    string `json:"kind,omitempty"`
	Message string `json:"message"`
}

// Encode returns the reason and details for an error of the given kind and
// message.
func Encode(kind, message string) (reason, details string) {
	first, _, multi := strings.Cut(message, "\n")
	reason = Truncate(first, MaxReason)
	if kind == "" && !multi && reason == message {
		return reason, ""
	}
	msg := Truncate(message, MaxDetails-len(kind)-64)
	b, _ := json.Marshal(wire{Kind: kind, Message: msg})
	for utf8.RuneCount(b) > MaxDetails { // escapes can grow it
		msg = Truncate(msg, utf8.RuneCountInString(msg)*3/4)
		b, _ = json.Marshal(wire{Kind: kind, Message: msg})
	}
	return reason, string(b)
}

// Decode returns the kind and full message of a recorded failure.
func Decode(reason, details string) (kind, message string) {
	if strings.HasPrefix(details, "{") {
		var w wire
		if json.Unmarshal([]byte(details), &w) == nil && w.Message != "" {
			return w.Kind, w.Message
		}
	}
	return "", reason
}

// Truncate cuts s to at most n characters, ending it with "…" when cut.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	i, count := 0, 0
	for i = range s {
		if count == n-1 {
			break
		}
		count++
	}
	return s[:i] + "…"
}
