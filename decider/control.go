package decider

import (
	"encoding/json"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/rt"
)

// Control is what the decider records in the control field of the
// decisions that start a task: the call keys (NAME-CALL) of the tasks whose
// results went into its arguments, so that the graph of an execution can be
// rebuilt from its history alone. When the keys would not fit SWF's limit,
// the first ones are kept and More counts the rest.
type Control struct {
	Deps []string `json:"deps,omitempty"`
	More int      `json:"more,omitempty"`
}

// ParseControl reads the control field of a scheduling event; fields that
// flowy did not write give a zero Control.
func ParseControl(s string) Control {
	var c Control
	if s != "" && s[0] == '{' {
		_ = json.Unmarshal([]byte(s), &c)
	}
	return c
}

// control returns the control field for a call with the given dependencies
// ("" when it has none, as Python Flowy sends it).
func control(deps []*rt.Future) string {
	var keys []string
	seen := map[string]bool{}
	for _, d := range deps {
		if d.Task != "" && !seen[d.Task] {
			seen[d.Task] = true
			keys = append(keys, d.Task)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	c := Control{Deps: keys}
	b, _ := json.Marshal(c)
	for len(b) > engine.MaxPayloadChars { // keys are ASCII-ish; bytes bound characters
		cut := len(c.Deps) * 3 / 4
		c.More += len(c.Deps) - cut
		c.Deps = c.Deps[:cut]
		b, _ = json.Marshal(c)
	}
	return string(b)
}
