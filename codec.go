package flowy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Codec encodes the inputs and results of tasks and workflows. Each
// dependency, activity and workflow may have its own; the default is [JSON].
type Codec interface {
	// EncodeInput encodes the positional and keyword arguments of a call.
	EncodeInput(args []any, kwargs map[string]any) (string, error)
	// DecodeInput splits an input into its encoded arguments, each of which
	// Decode can decode.
	DecodeInput(input string) (args []string, kwargs map[string]string, err error)
	// Encode encodes a value (a result, or one argument).
	Encode(v any) (string, error)
	// Decode decodes data into v, a pointer.
	Decode(data string, v any) error
	// IsJSON reports whether encodings are JSON text, so that an encoded
	// result can be spliced into another JSON encoding without decoding.
	IsJSON() bool
}

// JSON is the default codec, compatible with Python Flowy: an input is
// [[args...], {kwargs}] and a result is the JSON of the value, written as
// Python's json.dumps writes them (", " and ": " separators, non-ASCII
// characters escaped), so that Go and Python workers can share a domain.
var JSON Codec = jsonCodec{}

type jsonCodec struct{}

func (jsonCodec) IsJSON() bool { return true }

func (c jsonCodec) EncodeInput(args []any, kwargs map[string]any) (string, error) {
	if args == nil {
		args = []any{}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	return c.Encode([2]any{args, kwargs})
}

func (jsonCodec) DecodeInput(input string) ([]string, map[string]string, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal([]byte(input), &parts); err != nil {
		return nil, nil, fmt.Errorf("input is not a JSON array [[args...], {kwargs}]: %w", err)
	}
	if len(parts) == 0 || len(parts) > 2 {
		return nil, nil, fmt.Errorf("input must be [[args...], {kwargs}], got %d elements", len(parts))
	}
	var rawArgs []json.RawMessage
	if err := json.Unmarshal(parts[0], &rawArgs); err != nil {
		return nil, nil, fmt.Errorf("positional arguments are not a JSON array: %w", err)
	}
	args := make([]string, len(rawArgs))
	for i, a := range rawArgs {
		args[i] = string(a)
	}
	var kwargs map[string]string
	if len(parts) == 2 {
		var rawKw map[string]json.RawMessage
		if err := json.Unmarshal(parts[1], &rawKw); err != nil {
			return nil, nil, fmt.Errorf("keyword arguments are not a JSON object: %w", err)
		}
		if len(rawKw) > 0 {
			kwargs = make(map[string]string, len(rawKw))
			for k, v := range rawKw {
				kwargs[k] = string(v)
			}
		}
	}
	return args, kwargs, nil
}

func (jsonCodec) Encode(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	b := buf.Bytes()
	return pythonStyle(b[:len(b)-1]), nil // drop Encode's newline
}

func (jsonCodec) Decode(data string, v any) error {
	return json.Unmarshal([]byte(data), v)
}

// pythonStyle rewrites compact JSON the way Python's json.dumps writes it:
// a space after every ',' and ':' outside strings, and characters outside
// ASCII escaped as \uXXXX (surrogate pairs above the BMP).
func pythonStyle(b []byte) string {
	plain := true
	for _, c := range b {
		if c == ',' || c == ':' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(b)
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	inStr, esc := false, false
	for i := 0; i < len(b); {
		c := b[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(b[i:])
			i += size
			if r >= 0x10000 {
				r -= 0x10000
				out = fmt.Appendf(out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
			esc = false
			continue
		}
		i++
		out = append(out, c)
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && (c == ',' || c == ':'):
			out = append(out, ' ')
		}
	}
	return string(out)
}
