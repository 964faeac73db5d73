// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests,
// as an AWS service does: the flowy SWF server uses it to accept requests
// from the AWS SDKs and the AWS CLI signed with access keys it knows.
//
// Only the Authorization header form is accepted (no presigned URLs, no
// streaming or unsigned payloads): it is what SDKs send for JSON protocols.
// A request is valid when
//
//   - its Authorization header is "AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request,
//     SignedHeaders=..., Signature=..." with the verifier's service,
//   - the access key id is known,
//   - its X-Amz-Date header (signed, as is Host) is within [Verifier.MaxSkew]
//     of the verifier's clock and on the credential's date, and
//   - the signature, recomputed with the key's secret over the canonical
//     request (method, path, query, the signed headers and the SHA-256 of the
//     body), is the same (compared in constant time).
//
// Any region is accepted: a local server has no region of its own. Failures
// are [*Error] values carrying the name of the exception AWS answers with.
package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The canonicalization is written here by hand, from the public SigV4
// specification, rather than by re-signing a reconstructed request with the
// SDK's signer (github.com/aws/aws-sdk-go-v2/aws/signer/v4). A verifier must
// canonicalize exactly the headers the client listed in SignedHeaders, in
// the client's order; the SDK signer instead chooses the headers itself (all
// present headers but an ignore list, Content-Length only when positive,
// Host from the URL), so a client that signs a different set — another SDK,
// the AWS CLI, curl's --aws-sigv4 — would fail to verify, or the server would
// have to guess which headers to put back. The tests check this code against
// the SDK signer and the SDK's SWF client.

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// DefaultMaxSkew is how far X-Amz-Date may be from the server's clock, as AWS
// allows.
const DefaultMaxSkew = 15 * time.Minute

const (
	dateFormat  = "20060102T150405Z" // X-Amz-Date
	scopeFormat = "20060102"         // the credential scope's date
	terminator  = "aws4_request"
)

// Errors, wrapped by [*Error]. Test with [errors.Is].
var (
	// ErrMissingAuthenticationToken: the request is not signed (no
	// Authorization header).
	ErrMissingAuthenticationToken = errors.New("missing authentication token")
	// ErrIncompleteSignature: the Authorization header or the headers it
	// needs are malformed or missing.
	ErrIncompleteSignature = errors.New("incomplete signature")
	// ErrUnrecognizedClient: the access key id is unknown.
	ErrUnrecognizedClient = errors.New("unrecognized client")
	// ErrInvalidSignature: the signature does not match, or the credential is
	// scoped to another service or date.
	ErrInvalidSignature = errors.New("invalid signature")
	// ErrSignatureExpired: X-Amz-Date is too far from the server's clock. AWS
	// reports it as an InvalidSignatureException; SDKs then correct their
	// clock skew from the response's Date header and retry.
	ErrSignatureExpired = errors.New("signature expired")
)

// Exception names AWS answers with, the Code of an [*Error].
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
	CodeInvalidSignature           = "InvalidSignatureException"
)

// Error is a failed verification.
type Error struct {
	// Code is the name of the exception AWS answers with, one of the Code
	// constants.
	Code string
	// Message is the message AWS answers with.
	Message string
	// Kind is one of the Err variables.
	Kind error
}

// Error implements error.
func (e *Error) Error() string { return "sigv4: " + e.Message }

// Unwrap returns e.Kind.
func (e *Error) Unwrap() error { return e.Kind }

func fail(kind error, format string, args ...any) *Error {
	code := map[error]string{
		ErrMissingAuthenticationToken: CodeMissingAuthenticationToken,
		ErrIncompleteSignature:        CodeIncompleteSignature,
		ErrUnrecognizedClient:         CodeUnrecognizedClient,
		ErrInvalidSignature:           CodeInvalidSignature,
		ErrSignatureExpired:           CodeInvalidSignature,
	}[kind]
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Kind: kind}
}

// Verifier verifies signed requests. Its fields must not change while it is
// in use; it is then safe for concurrent use.
type Verifier struct {
	// Service is the service name requests must be signed for ("swf").
	Service string
	// Keys maps access key ids to their secret access keys.
	Keys map[string]string
	// MaxSkew is how far X-Amz-Date may be from Now; zero means
	// DefaultMaxSkew.
	MaxSkew time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Credential says who signed a verified request, and for what.
type Credential struct {
	AccessKeyID string
	Region      string
	Time        time.Time // the X-Amz-Date of the request
}

// authorization is a parsed Authorization header.
type authorization struct {
	keyID, scopeDate, region, service string
	scope                             string // DATE/REGION/SERVICE/aws4_request
	signedHeaders                     string // as sent
	signature                         string
}

// parseAuthorization parses the Authorization header. The errors are those
// AWS gives for the same faults.
func parseAuthorization(h string) (*authorization, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != Algorithm {
		return nil, fail(ErrIncompleteSignature, "Unsupported AWS 'algorithm': '%s' (only %s is supported)", alg, Algorithm)
	}
	params := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			if strings.TrimSpace(part) == "" {
				continue
			}
			return nil, fail(ErrIncompleteSignature, "Authorization header requires each component to be of the form key=value; got '%s'", strings.TrimSpace(part))
		}
		params[k] = v
	}
	var missing []string
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[k] == "" {
			missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", k))
		}
	}
	if len(missing) > 0 {
		return nil, fail(ErrIncompleteSignature, "%s Authorization=%s", strings.Join(missing, " "), h)
	}
	a := &authorization{signedHeaders: params["SignedHeaders"], signature: params["Signature"]}
	parts := strings.Split(params["Credential"], "/")
	if len(parts) != 5 || parts[0] == "" {
		return nil, fail(ErrIncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", params["Credential"])
	}
	if parts[4] != terminator {
		return nil, fail(ErrIncompleteSignature, "Credential should be scoped with a valid terminator: '%s', not '%s'.", terminator, parts[4])
	}
	a.keyID, a.scopeDate, a.region, a.service = parts[0], parts[1], parts[2], parts[3]
	a.scope = strings.Join(parts[1:], "/")
	return a, nil
}

// Verify checks the signature of r, whose body (already read, since it is
// signed) is body. It does not read r.Body.
func (v *Verifier) Verify(r *http.Request, body []byte) (*Credential, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, fail(ErrMissingAuthenticationToken, "Request is missing Authentication Token")
	}
	a, err := parseAuthorization(h)
	if err != nil {
		return nil, err
	}
	if a.service != v.Service {
		return nil, fail(ErrInvalidSignature, "Credential should be scoped to correct service: '%s'. ", v.Service)
	}
	if a.region == "" {
		return nil, fail(ErrInvalidSignature, "Credential should be scoped to a valid region. ")
	}
	signed := strings.Split(a.signedHeaders, ";")
	for _, need := range []string{"host", "x-amz-date"} {
		if !slices.Contains(signed, need) {
			return nil, fail(ErrIncompleteSignature, "'%s' must be a 'SignedHeader' in the AWS Authorization.", need)
		}
	}
	date := r.Header.Get("X-Amz-Date")
	if date == "" {
		return nil, fail(ErrIncompleteSignature, "Authorization header requires existence of a 'X-Amz-Date' header. Authorization=%s", h)
	}
	at, err := time.Parse(dateFormat, date)
	if err != nil {
		return nil, fail(ErrIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", date)
	}
	secret, ok := v.Keys[a.keyID]
	if !ok {
		return nil, fail(ErrUnrecognizedClient, "The security token included in the request is invalid.")
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	t := now().UTC()
	mins := int(skew / time.Minute)
	switch {
	case at.Before(t.Add(-skew)):
		return nil, fail(ErrSignatureExpired, "Signature expired: %s is now earlier than %s (%s - %d min.)",
			date, t.Add(-skew).Format(dateFormat), t.Format(dateFormat), mins)
	case at.After(t.Add(skew)):
		return nil, fail(ErrSignatureExpired, "Signature not yet current: %s is still later than %s (%s + %d min.)",
			date, t.Add(skew).Format(dateFormat), t.Format(dateFormat), mins)
	}
	if a.scopeDate != at.Format(scopeFormat) {
		return nil, fail(ErrInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			a.scopeDate, at.Format(scopeFormat), date)
	}

	payloadHash := hashHex(body)
	if sent := r.Header.Get("X-Amz-Content-Sha256"); sent != "" && sent != payloadHash {
		// Only a signed, exact hash is accepted: no UNSIGNED-PAYLOAD.
		return nil, fail(ErrInvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	canonical := canonicalRequest(r, signed, a.signedHeaders, payloadHash)
	toSign := strings.Join([]string{Algorithm, date, a.scope, hashHex([]byte(canonical))}, "\n")
	key := signingKey(secret, a.scopeDate, a.region, a.service)
	want := hex.EncodeToString(hmacSHA256(key, []byte(toSign)))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(a.signature))) {
		return nil, fail(ErrInvalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return &Credential{AccessKeyID: a.keyID, Region: a.region, Time: at}, nil
}

// canonicalRequest builds the canonical request of r over the signed
// headers, in the order given.
func canonicalRequest(r *http.Request, signed []string, signedHeaders, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	// Every AWS service but S3 encodes the (already encoded) path again.
	b.WriteString(escape(path, false))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(signedHeaders)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// headerValue is the canonical value of the header name (lower case): its
// values trimmed, inner runs of spaces collapsed, joined by commas. A server
// request keeps Host in r.Host, and may keep Content-Length only in
// r.ContentLength.
func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return collapse(r.Host)
	case "content-length":
		if vs := r.Header.Values("Content-Length"); len(vs) == 0 && r.ContentLength >= 0 {
			return strconv.FormatInt(r.ContentLength, 10)
		}
	}
	vs := r.Header.Values(name)
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = collapse(v)
	}
	return strings.Join(out, ",")
}

// collapse trims spaces and collapses inner runs of spaces to one.
func collapse(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// canonicalQuery sorts the query's parameters by name, then value, each
// encoded as SigV4 requires.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var params []kv
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		params = append(params, kv{escape(k, true), escape(v, true)})
	}
	slices.SortFunc(params, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// escape percent-encodes every byte of s but the unreserved characters
// (A-Z a-z 0-9 - _ . ~) and, unless encodeSlash, '/'.
func escape(s string, encodeSlash bool) string {
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// signingKey derives the key of a day, region and service.
func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte(terminator))
}
