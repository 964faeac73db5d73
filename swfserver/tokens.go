package swfserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/flowy-go/flowy/internal/swfwire"
)

// Task tokens and page tokens are opaque to clients: base64url JSON with a
// truncated HMAC-SHA256 under the server's token key, so that a client can
// neither forge one nor use one a server with another key (for the memory
// engine: a previous process, whose engine reused the same small engine
// tokens) handed out. A task token carries its domain, so that responses
// reach the right engine.

// tokenCodec signs and checks tokens.
type tokenCodec struct{ key []byte }

const macLen = 16

var b64 = base64.RawURLEncoding

func (c tokenCodec) mac(kind string, payload []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}

// seal returns the token of v.
func (c tokenCodec) seal(kind string, v any) string {
	payload, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with plain structs
	}
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(c.mac(kind, payload))
}

// open reads a token into v. A token that does not decode is malformed
// (ok false); one whose MAC is not this server's is foreign (authentic
// false).
func (c tokenCodec) open(kind, token string, v any) (ok, authentic bool) {
	p, m, found := strings.Cut(token, ".")
	if !found {
		return false, false
	}
	payload, err1 := b64.DecodeString(p)
	mac, err2 := b64.DecodeString(m)
	if err1 != nil || err2 != nil || len(mac) != macLen {
		return false, false
	}
	if !hmac.Equal(mac, c.mac(kind, payload)) {
		return true, false
	}
	return json.Unmarshal(payload, v) == nil, true
}

// taskToken is the content of a task token.
type taskToken struct {
	Domain string `json:"d"`
	Token  string `json:"t"` // the engine's token
}

const (
	kindTask = "task"
	kindPage = "page"
)

// taskToken wraps an engine task token.
func (c tokenCodec) taskToken(domain, engineToken string) string {
	return c.seal(kindTask, taskToken{Domain: domain, Token: engineToken})
}

// parseTaskToken unwraps a task token: a malformed one is a
// ValidationException as in SWF ("Invalid token"); one this server did not
// issue is an unknown task.
func (c tokenCodec) parseTaskToken(token string) (taskToken, error) {
	var t taskToken
	ok, authentic := c.open(kindTask, token, &t)
	switch {
	case !ok:
		return t, newFault(swfwire.ExceptionValidation, "Invalid token")
	case !authentic:
		return t, newFault(swfwire.FaultUnknownResource, "Unknown task token: not issued by this server (or issued before it restarted with another token key)")
	}
	return t, nil
}

// pageToken is the content of a nextPageToken: the operation and domain it
// belongs to, and where the next page starts.
type pageToken struct {
	Op     string `json:"o"`
	Domain string `json:"d,omitempty"`
	// After is the key of the last item of the previous page (list
	// operations): items after it in the listing's order come next.
	After []string `json:"a,omitempty"`
	// Next is the id of the first event of the next page (histories).
	Next int64 `json:"n,omitempty"`
	// Reverse is the order of the listing the token pages through.
	Reverse bool `json:"r,omitempty"`

	// For the pages of a decision task: the engine token, the run, the
	// task's started event and previous started event, and the first
	// event of the task's events.
	Task    string `json:"k,omitempty"`
	Run     string `json:"u,omitempty"`
	WfID    string `json:"w,omitempty"`
	Started int64  `json:"s,omitempty"`
	Prev    int64  `json:"p,omitempty"`
	First   int64  `json:"f,omitempty"`
}

func (c tokenCodec) pageToken(p pageToken) string { return c.seal(kindPage, p) }

// parsePageToken reads a nextPageToken of operation op in domain.
func (c tokenCodec) parsePageToken(token, op, domain string) (pageToken, error) {
	var p pageToken
	if ok, authentic := c.open(kindPage, token, &p); !ok || !authentic || p.Op != op || p.Domain != domain {
		return p, newFault(swfwire.ExceptionValidation, "Invalid nextPageToken: it was not issued by this server for %s in this domain with the same arguments", op)
	}
	return p, nil
}
