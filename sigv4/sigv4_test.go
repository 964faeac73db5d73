package sigv4_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/flowy-go/flowy/sigv4"
)

const (
	keyID  = "AKIDEXAMPLE"
	secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// verifyServer is a real HTTP server that verifies each request it gets and
// hands the result to the test.
type verifyServer struct {
	*httptest.Server
	results chan result
}

type result struct {
	cred *sigv4.Credential
	err  error
}

func newVerifyServer(t *testing.T, v *sigv4.Verifier) *verifyServer {
	s := &verifyServer{results: make(chan result, 1)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		cred, err := v.Verify(r, body)
		s.results <- result{cred, err}
	}))
	t.Cleanup(s.Close)
	return s
}

// request is a request the test builds, signs and possibly tampers with.
type request struct {
	method, path, query string
	body                string
	header              map[string]string
	at                  time.Time
	key, secret         string
	service             string
	tamper              func(r *http.Request)
}

// send signs the request with the AWS SDK's signer, applies tamper, sends it
// and returns what the server's verifier said.
func (s *verifyServer) send(t *testing.T, q request) result {
	t.Helper()
	if q.method == "" {
		q.method = http.MethodPost
	}
	if q.path == "" {
		q.path = "/"
	}
	if q.at.IsZero() {
		q.at = time.Now()
	}
	if q.key == "" {
		q.key, q.secret = keyID, secret
	}
	if q.service == "" {
		q.service = "swf"
	}
	u := s.URL + q.path
	if q.query != "" {
		u += "?" + q.query
	}
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r, err := http.NewRequest(q.method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	sum := sha256.Sum256([]byte(q.body))
	creds := aws.Credentials{AccessKeyID: q.key, SecretAccessKey: q.secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), q.service, "us-east-1", q.at); err != nil {
		t.Fatal(err)
	}
	if q.tamper != nil {
		q.tamper(r)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return <-s.results
}

func newVerifier() *sigv4.Verifier {
	return &sigv4.Verifier{Service: "swf", Keys: map[string]string{keyID: secret, "OTHER": "other-secret"}}
}

const body = `{"domain": "d", "taskList": {"name": "tl"}}`

var swfHeaders = map[string]string{
	"Content-Type": "application/x-amz-json-1.0",
	"X-Amz-Target": "SimpleWorkflowService.PollForDecisionTask",
}

func TestSDKSignedRequestsVerify(t *testing.T) {
	s := newVerifyServer(t, newVerifier())
	for _, c := range []struct {
		name string
		q    request
	}{
		{"SWF request", request{body: body, header: swfHeaders}},
		{"empty body (no content-length signed)", request{header: swfHeaders}},
		{"other key", request{body: body, key: "OTHER", secret: "other-secret"}},
		{"spaces in a header", request{body: body, header: map[string]string{"X-Custom": "  a   b  c ", "Content-Type": "x"}}},
		{"path and query", request{method: http.MethodGet, path: "/a%20b/c~d/%2F", query: "b=2&a=1&a=0&sp=x%20y&plus=%2B&e="}},
		{"14 minutes ago", request{body: body, at: time.Now().Add(-14 * time.Minute)}},
		{"14 minutes ahead", request{body: body, at: time.Now().Add(14 * time.Minute)}},
	} {
		res := s.send(t, c.q)
		if res.err != nil {
			t.Errorf("%s: %v", c.name, res.err)
			continue
		}
		if want := c.q.key; want == "" && res.cred.AccessKeyID != keyID || want != "" && res.cred.AccessKeyID != want || res.cred.Region != "us-east-1" {
			t.Errorf("%s: credential %+v", c.name, res.cred)
		}
	}
}

func TestTamperedRequestsFail(t *testing.T) {
	s := newVerifyServer(t, newVerifier())
	for _, c := range []struct {
		name     string
		q        request
		kind     error
		code     string
		contains string
	}{
		{"body changed", request{body: body, header: swfHeaders, tamper: func(r *http.Request) {
			b := strings.Replace(body, `"d"`, `"e"`, 1)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
		}}, sigv4.ErrInvalidSignature, sigv4.CodeInvalidSignature, "does not match"},
		{"signed header changed", request{body: body, header: swfHeaders, tamper: func(r *http.Request) {
			r.Header.Set("X-Amz-Target", "SimpleWorkflowService.TerminateWorkflowExecution")
		}}, sigv4.ErrInvalidSignature, sigv4.CodeInvalidSignature, "does not match"},
		{"date changed", request{body: body, tamper: func(r *http.Request) {
			r.Header.Set("X-Amz-Date", time.Now().UTC().Add(time.Minute).Format("20060102T150405Z"))
		}}, sigv4.ErrInvalidSignature, sigv4.CodeInvalidSignature, "does not match"},
		{"wrong secret", request{body: body, key: keyID, secret: "not-the-secret"}, sigv4.ErrInvalidSignature, sigv4.CodeInvalidSignature, "does not match"},
		{"unknown key", request{body: body, key: "NOBODY", secret: "x"}, sigv4.ErrUnrecognizedClient, sigv4.CodeUnrecognizedClient, "security token"},
		{"stale date", request{body: body, at: time.Now().Add(-16 * time.Minute)}, sigv4.ErrSignatureExpired, sigv4.CodeInvalidSignature, "Signature expired"},
		{"future date", request{body: body, at: time.Now().Add(16 * time.Minute)}, sigv4.ErrSignatureExpired, sigv4.CodeInvalidSignature, "not yet current"},
		{"other service", request{body: body, service: "dynamodb"}, sigv4.ErrInvalidSignature, sigv4.CodeInvalidSignature, "service: 'swf'"},
		{"unsigned", request{body: body, tamper: func(r *http.Request) {
			r.Header.Del("Authorization")
		}}, sigv4.ErrMissingAuthenticationToken, sigv4.CodeMissingAuthenticationToken, "missing Authentication Token"},
		{"other algorithm", request{body: body, tamper: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer abc")
		}}, sigv4.ErrIncompleteSignature, sigv4.CodeIncompleteSignature, "algorithm"},
		{"no signature", request{body: body, tamper: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
		}}, sigv4.ErrIncompleteSignature, sigv4.CodeIncompleteSignature, "requires 'Signature'"},
		{"bad credential", request{body: body, tamper: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/aws4_request", "", 1))
		}}, sigv4.ErrIncompleteSignature, sigv4.CodeIncompleteSignature, "5 slash-delimited"},
		{"no date", request{body: body, tamper: func(r *http.Request) {
			r.Header.Del("X-Amz-Date")
		}}, sigv4.ErrIncompleteSignature, sigv4.CodeIncompleteSignature, "X-Amz-Date"},
		{"date not signed", request{body: body, tamper: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-date", "", 1))
		}}, sigv4.ErrIncompleteSignature, sigv4.CodeIncompleteSignature, "x-amz-date"},
		{"unsigned payload", request{body: body, tamper: func(r *http.Request) {
			r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		}}, sigv4.ErrInvalidSignature, sigv4.CodeInvalidSignature, "x-amz-content-sha256"},
	} {
		res := s.send(t, c.q)
		var e *sigv4.Error
		if !errors.Is(res.err, c.kind) || !errors.As(res.err, &e) || e.Code != c.code || !strings.Contains(e.Message, c.contains) {
			t.Errorf("%s: %v (%#v), want %v with code %s and %q", c.name, res.err, e, c.kind, c.code, c.contains)
		}
	}
}

// TestVerifierClock checks the verifier's own clock and skew settings.
func TestVerifierClock(t *testing.T) {
	v := newVerifier()
	v.MaxSkew = time.Minute
	s := newVerifyServer(t, v)
	if res := s.send(t, request{body: body, at: time.Now().Add(-2 * time.Minute)}); !errors.Is(res.err, sigv4.ErrSignatureExpired) {
		t.Errorf("2 minutes old with MaxSkew 1 minute: %v", res.err)
	}
	v.Now = func() time.Time { return time.Now().Add(-2 * time.Minute) }
	if res := s.send(t, request{body: body, at: time.Now().Add(-2 * time.Minute)}); res.err != nil {
		t.Errorf("2 minutes old on a clock 2 minutes late: %v", res.err)
	}
}

// TestVerifyDoesNotReadBody checks that Verify works from the bytes it is
// given.
func TestVerifyDoesNotReadBody(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "http://example.com/", bytes.NewReader([]byte(body)))
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}, r, hex.EncodeToString(sum[:]), "swf", "eu-west-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	cred, err := newVerifier().Verify(r, []byte(body))
	if err != nil || cred.Region != "eu-west-1" {
		t.Fatalf("%+v, %v", cred, err)
	}
	if b, _ := io.ReadAll(r.Body); string(b) != body {
		t.Errorf("body read: %q left", b)
	}
}
