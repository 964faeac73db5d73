package swf_test

// The recorded SWF traffic of Python Flowy's workers (../../shared/swf-captures,
// vcrpy cassettes: gzipped YAML) is the source of truth; the tests replay
// JSON fixtures converted from it (testdata/*.json.gz), so they need neither
// a YAML library nor the shared folder. TestCaptureFixtures checks that the
// fixtures are what the cassettes say, and rewrites them with -update.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the JSON fixtures in testdata from the cassettes")

// capturesDir holds the cassettes: $FLOWY_SWF_CAPTURES, else the shared
// folder beside the repository.
func capturesDir() string {
	if d := os.Getenv("FLOWY_SWF_CAPTURES"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "swf-captures")
}

// interaction is one recorded request and the answer SWF gave.
type interaction struct {
	Target   string `json:"target"`   // the operation, e.g. "PollForDecisionTask"
	Request  string `json:"request"`  // the JSON body sent
	Status   int    `json:"status"`   // the HTTP status of the answer
	Response string `json:"response"` // the body answered ("" for void operations)
}

// fixture is a converted cassette.
type fixture struct {
	Source       string        `json:"source"`
	Interactions []interaction `json:"interactions"`
}

var cassettes = []string{"decider", "activity-worker"}

func TestCaptureFixtures(t *testing.T) {
	for _, name := range cassettes {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(capturesDir(), name+".yml.gz")
			raw, err := readGzip(src)
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("no cassette %s (set FLOWY_SWF_CAPTURES): the fixture is checked where the captures are", src)
			}
			if err != nil {
				t.Fatal(err)
			}
			its, err := cassetteInteractions(string(raw))
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			want := fixture{Source: "swf-captures/" + name + ".yml.gz", Interactions: its}
			path := filepath.Join("testdata", name+".json.gz")
			if *update {
				if err := writeFixture(path, want); err != nil {
					t.Fatal(err)
				}
			}
			got, err := loadFixture(name)
			if err != nil {
				t.Fatalf("%v (run go test ./swf -run TestCaptureFixtures -update)", err)
			}
			if len(got.Interactions) != len(want.Interactions) {
				t.Fatalf("%s has %d interactions, the cassette %d (run with -update)", path, len(got.Interactions), len(want.Interactions))
			}
			for i := range want.Interactions {
				if got.Interactions[i] != want.Interactions[i] {
					t.Fatalf("%s: interaction %d differs from the cassette (run with -update)", path, i)
				}
			}
		})
	}
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return io.ReadAll(zr)
}

func loadFixture(name string) (*fixture, error) {
	raw, err := readGzip(filepath.Join("testdata", name+".json.gz"))
	if err != nil {
		return nil, err
	}
	var f fixture
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("fixture %s: %w", name, err)
	}
	return &f, nil
}

func writeFixture(path string, f fixture) error {
	var buf bytes.Buffer
	buf.WriteString("{\"source\": ")
	src, _ := json.Marshal(f.Source)
	buf.Write(src)
	buf.WriteString(",\n\"interactions\": [\n")
	for i, it := range f.Interactions {
		b, err := json.Marshal(it)
		if err != nil {
			return err
		}
		buf.Write(b)
		if i < len(f.Interactions)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(buf.Bytes())
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, z.Bytes(), 0o644)
}

// cassetteInteractions reads the interactions of a vcrpy cassette.
func cassetteInteractions(text string) ([]interaction, error) {
	doc, err := parseYAML(text)
	if err != nil {
		return nil, err
	}
	top, _ := doc.(map[string]any)
	list, ok := top["interactions"].([]any)
	if !ok {
		return nil, errors.New("no interactions")
	}
	out := make([]interaction, len(list))
	for i, x := range list {
		it, _ := x.(map[string]any)
		req, _ := it["request"].(map[string]any)
		resp, _ := it["response"].(map[string]any)
		headers, _ := req["headers"].(map[string]any)
		targets, _ := headers["X-Amz-Target"].([]any)
		status, _ := resp["status"].(map[string]any)
		body, _ := resp["body"].(map[string]any)
		if len(targets) != 1 || status == nil || body == nil {
			return nil, fmt.Errorf("interaction %d: unexpected shape", i)
		}
		target, _ := targets[0].(string)
		code, _ := status["code"].(int)
		reqBody, _ := req["body"].(string)
		respBody, _ := body["string"].(string)
		out[i] = interaction{
			Target:   strings.TrimPrefix(target, "SimpleWorkflowService."),
			Request:  reqBody,
			Status:   code,
			Response: respBody,
		}
	}
	return out, nil
}

// ---- a minimal YAML reader, for the subset PyYAML writes in cassettes ----
//
// Block mappings and sequences (indentation), flow mappings and sequences,
// single- and double-quoted scalars spanning lines (folded), plain scalars
// (ints, booleans and null are typed), and tags (ignored: !!python/unicode
// strings are plain strings). Not anchors, block scalars or comments inside
// flow collections.

type yamlParser struct {
	s string
	i int
}

func parseYAML(s string) (any, error) {
	p := &yamlParser{s: strings.ReplaceAll(s, "\r\n", "\n")}
	p.nextLine()
	if p.eof() {
		return nil, nil
	}
	v, err := p.block(p.column())
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.errorf("unexpected content")
	}
	return v, nil
}

func (p *yamlParser) eof() bool { return p.i >= len(p.s) }

func (p *yamlParser) errorf(format string, args ...any) error {
	line := strings.Count(p.s[:min(p.i, len(p.s))], "\n") + 1
	return fmt.Errorf("yaml line %d: %s", line, fmt.Sprintf(format, args...))
}

// column returns the column of position i.
func (p *yamlParser) column() int {
	return p.i - (strings.LastIndexByte(p.s[:p.i], '\n') + 1)
}

func (p *yamlParser) has(prefix string) bool { return strings.HasPrefix(p.s[p.i:], prefix) }

// nextLine moves to the first non-space character of the next line that has
// content (skipping blank and comment lines), from anywhere in a line's
// indentation or at its end.
func (p *yamlParser) nextLine() {
	for !p.eof() {
		for !p.eof() && p.s[p.i] == ' ' {
			p.i++
		}
		if p.eof() {
			return
		}
		switch p.s[p.i] {
		case '\n':
			p.i++
			continue
		case '#':
			for !p.eof() && p.s[p.i] != '\n' {
				p.i++
			}
			continue
		}
		if p.has("---") && p.column() == 0 {
			p.i += 3
			continue
		}
		return
	}
}

// endLine expects the end of the current line and moves to the next one.
func (p *yamlParser) endLine() error {
	for !p.eof() && p.s[p.i] == ' ' {
		p.i++
	}
	if !p.eof() && p.s[p.i] != '\n' && p.s[p.i] != '#' {
		return p.errorf("unexpected %q after a value", p.s[p.i])
	}
	for !p.eof() && p.s[p.i] != '\n' {
		p.i++
	}
	p.nextLine()
	return nil
}

// block reads the block node starting at the current position, whose
// indentation is indent.
func (p *yamlParser) block(indent int) (any, error) {
	if p.has("- ") || p.has("-\n") {
		return p.sequence(indent)
	}
	return p.mapping(indent)
}

func (p *yamlParser) sequence(indent int) ([]any, error) {
	var out []any
	for {
		p.i++ // "-"
		for !p.eof() && p.s[p.i] == ' ' {
			p.i++
		}
		var v any
		var err error
		if p.eof() || p.s[p.i] == '\n' {
			p.nextLine()
			if !p.eof() && p.column() > indent {
				v, err = p.block(p.column())
			}
		} else if p.isKey() {
			v, err = p.mapping(p.column())
		} else {
			if v, err = p.inline(false); err == nil {
				err = p.endLine()
			}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if p.eof() || p.column() != indent || !(p.has("- ") || p.has("-\n")) {
			return out, nil
		}
	}
}

// isKey reports whether the current line starts a mapping entry "key:".
func (p *yamlParser) isKey() bool {
	end := strings.IndexByte(p.s[p.i:], '\n')
	if end < 0 {
		end = len(p.s) - p.i
	}
	line := p.s[p.i : p.i+end]
	if line == "" || strings.ContainsRune("'\"{[!", rune(line[0])) {
		return false
	}
	return strings.Contains(line, ": ") || strings.HasSuffix(line, ":")
}

func (p *yamlParser) mapping(indent int) (map[string]any, error) {
	m := map[string]any{}
	for {
		start := p.i
		for !p.eof() && p.s[p.i] != ':' && p.s[p.i] != '\n' {
			p.i++
		}
		if p.eof() || p.s[p.i] != ':' {
			p.i = start
			return nil, p.errorf("expected a mapping key")
		}
		key := strings.TrimSpace(p.s[start:p.i])
		p.i++
		for !p.eof() && p.s[p.i] == ' ' {
			p.i++
		}
		var v any
		if p.eof() || p.s[p.i] == '\n' || p.s[p.i] == '#' {
			if err := p.endLine(); err != nil {
				return nil, err
			}
			if c := p.column(); !p.eof() && (c > indent || c == indent && (p.has("- ") || p.has("-\n"))) {
				var err error
				if v, err = p.block(c); err != nil {
					return nil, err
				}
			}
		} else {
			var err error
			if v, err = p.inline(false); err != nil {
				return nil, err
			}
			if err := p.endLine(); err != nil {
				return nil, err
			}
		}
		m[key] = v
		if p.eof() || p.column() != indent || p.has("- ") {
			return m, nil
		}
	}
}

// skipSpace skips spaces, and line breaks inside flow collections.
func (p *yamlParser) skipSpace(newlines bool) {
	for !p.eof() && (p.s[p.i] == ' ' || newlines && p.s[p.i] == '\n') {
		p.i++
	}
}

// inline reads a value on the current line (flow collections and quoted
// scalars may continue on the next lines); flow is true inside a flow
// collection.
func (p *yamlParser) inline(flow bool) (any, error) {
	if p.has("!") { // a tag
		for !p.eof() && p.s[p.i] != ' ' && p.s[p.i] != '\n' {
			p.i++
		}
		p.skipSpace(flow)
	}
	if p.eof() {
		return nil, nil
	}
	switch p.s[p.i] {
	case '\'':
		return p.singleQuoted()
	case '"':
		return p.doubleQuoted()
	case '{':
		return p.flowMapping()
	case '[':
		return p.flowSequence()
	}
	start := p.i
	for !p.eof() && p.s[p.i] != '\n' && !(flow && strings.ContainsRune(",]}", rune(p.s[p.i]))) &&
		!(p.s[p.i] == '#' && p.i > start && p.s[p.i-1] == ' ') {
		p.i++
	}
	return plainScalar(strings.TrimSpace(p.s[start:p.i])), nil
}

func plainScalar(s string) any {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return nil
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}

func (p *yamlParser) flowMapping() (map[string]any, error) {
	p.i++ // "{"
	m := map[string]any{}
	for {
		p.skipSpace(true)
		if p.has("}") {
			p.i++
			return m, nil
		}
		var key string
		if p.has("'") || p.has("\"") {
			k, err := p.inline(true)
			if err != nil {
				return nil, err
			}
			key = k.(string)
		} else {
			start := p.i
			for !p.eof() && !p.has(": ") && !p.has(":\n") && !p.has(",") && !p.has("}") {
				p.i++
			}
			key = strings.TrimSpace(p.s[start:p.i])
		}
		p.skipSpace(true)
		if !p.has(":") {
			return nil, p.errorf("expected ':' in a flow mapping")
		}
		p.i++
		p.skipSpace(true)
		v, err := p.inline(true)
		if err != nil {
			return nil, err
		}
		m[key] = v
		p.skipSpace(true)
		switch {
		case p.has(","):
			p.i++
		case p.has("}"):
		default:
			return nil, p.errorf("expected ',' or '}' in a flow mapping")
		}
	}
}

func (p *yamlParser) flowSequence() ([]any, error) {
	p.i++ // "["
	out := []any{}
	for {
		p.skipSpace(true)
		if p.has("]") {
			p.i++
			return out, nil
		}
		v, err := p.inline(true)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.skipSpace(true)
		switch {
		case p.has(","):
			p.i++
		case p.has("]"):
		default:
			return nil, p.errorf("expected ',' or ']' in a flow sequence")
		}
	}
}

func (p *yamlParser) singleQuoted() (string, error) {
	p.i++
	var raw strings.Builder
	for {
		if p.eof() {
			return "", p.errorf("unterminated single-quoted scalar")
		}
		c := p.s[p.i]
		p.i++
		if c == '\'' {
			if p.has("'") {
				raw.WriteByte('\'')
				p.i++
				continue
			}
			return fold(raw.String()), nil
		}
		raw.WriteByte(c)
	}
}

func (p *yamlParser) doubleQuoted() (string, error) {
	p.i++
	var raw strings.Builder
	for {
		if p.eof() {
			return "", p.errorf("unterminated double-quoted scalar")
		}
		c := p.s[p.i]
		p.i++
		switch c {
		case '"':
			return fold(raw.String()), nil
		case '\\':
			if p.eof() {
				return "", p.errorf("unterminated escape")
			}
			e := p.s[p.i]
			p.i++
			switch e {
			case 'n':
				raw.WriteByte('\n')
			case 't':
				raw.WriteByte('\t')
			case 'r':
				raw.WriteByte('\r')
			case '0':
				raw.WriteByte(0)
			case '"', '\\', '/', ' ':
				raw.WriteByte(e)
			case '\n': // an escaped line break joins the lines
				for !p.eof() && p.s[p.i] == ' ' {
					p.i++
				}
			case 'x', 'u', 'U':
				n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				if p.i+n > len(p.s) {
					return "", p.errorf("short escape")
				}
				r, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
				if err != nil {
					return "", p.errorf("bad escape %q", p.s[p.i:p.i+n])
				}
				raw.WriteRune(rune(r))
				p.i += n
			default:
				return "", p.errorf("unknown escape \\%c", e)
			}
		default:
			raw.WriteByte(c)
		}
	}
}

// fold applies YAML's line folding to the raw text of a quoted scalar: a
// line break and the spaces around it become one space, and each empty line
// a line break.
func fold(raw string) string {
	if !strings.Contains(raw, "\n") {
		return raw
	}
	lines := strings.Split(raw, "\n")
	var b strings.Builder
	b.WriteString(strings.TrimRight(lines[0], " \t"))
	breaks := 0
	for i, l := range lines[1:] {
		l = strings.TrimLeft(l, " \t")
		if i < len(lines)-2 {
			l = strings.TrimRight(l, " \t")
		}
		if l == "" && i < len(lines)-2 {
			breaks++
			continue
		}
		if breaks > 0 {
			b.WriteString(strings.Repeat("\n", breaks))
		} else {
			b.WriteByte(' ')
		}
		breaks = 0
		b.WriteString(l)
	}
	return b.String()
}
