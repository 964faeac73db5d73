// Package swfserver serves the Amazon SWF JSON protocol over flowy engines,
// so that the AWS SDKs, the AWS CLI and remote flowy workers can use any
// engine as if it were SWF: each SWF domain is one engine (see [Domains]).
//
// The protocol is SWF's: POST / with Content-Type
// application/x-amz-json-1.0 and X-Amz-Target SimpleWorkflowService.OP,
// signed with AWS Signature Version 4 for service "swf" (any region), with
// one of the access keys the server is given. Errors are HTTP 400s with
// {"__type": "com.amazonaws.swf.base.model#FaultName", "message": ...}, or
// AWS's common exceptions for protocol errors; void operations answer 200
// with an empty body.
//
// # Operations
//
// Domains: RegisterDomain, DescribeDomain, ListDomains, DeprecateDomain.
// Types: RegisterWorkflowType, RegisterActivityType, DescribeWorkflowType,
// DescribeActivityType, ListWorkflowTypes, ListActivityTypes,
// DeprecateWorkflowType, DeprecateActivityType. Executions:
// StartWorkflowExecution, SignalWorkflowExecution,
// RequestCancelWorkflowExecution, TerminateWorkflowExecution. Tasks:
// PollForDecisionTask, RespondDecisionTaskCompleted, PollForActivityTask,
// RespondActivityTaskCompleted, RespondActivityTaskFailed,
// RespondActivityTaskCanceled, RecordActivityTaskHeartbeat. Visibility:
// GetWorkflowExecutionHistory, DescribeWorkflowExecution,
// ListOpenWorkflowExecutions, ListClosedWorkflowExecutions,
// CountOpenWorkflowExecutions, CountClosedWorkflowExecutions,
// CountPendingDecisionTasks, CountPendingActivityTasks.
//
// Operations that need an optional engine capability (engine.TypeAdmin,
// engine.ExecutionLister, engine.PendingCounter, engine.Signaler) answer
// OperationNotPermittedFault when the domain's engine lacks it.
//
// # Where it differs from SWF
//
//   - Engines have no task priorities, Lambda functions, markers, timer or
//     activity cancellation, external signals or cancel decisions, and no
//     CancelWorkflowExecution decision: such decisions are refused with
//     OperationNotPermittedFault (nothing is recorded), and priorities and
//     Lambda roles are ignored. RespondDecisionTaskCompleted's taskList
//     (moving the next decision task) is refused the same way.
//   - RespondActivityTaskCanceled records the task as failed with reason
//     "canceled" (and the given details): engines have no
//     ActivityTaskCanceled event.
//   - Type descriptions and domain tags are accepted but not kept: engines
//     do not store them.
//   - TerminateWorkflowExecution's childPolicy may only repeat the run's
//     own policy: engines apply the run's policy.
//   - "NONE" is accepted for execution timeouts, which SWF refuses.
//   - Task tokens are signed with the server's token key: a token from
//     another key (e.g. before a restart with a random key) is unknown.
//   - Undeprecate*, Delete*Type and the resource tag operations are unknown
//     operations.
package swfserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowy-go/flowy/internal/swfwire"
	"github.com/flowy-go/flowy/sigv4"
)

// Defaults of [Options].
const (
	DefaultPollTimeout  = 60 * time.Second
	DefaultMaxBodyBytes = 1 << 20
)

// maxPageSize is the largest (and default) maximumPageSize.
const maxPageSize = 1000

// Options configure a [Server].
type Options struct {
	// Keys maps access key ids to secret access keys. Every request must be
	// signed (SigV4, service "swf") with one of them, unless InsecureNoAuth
	// is set. With no keys and no InsecureNoAuth every request is refused.
	Keys map[string]string
	// InsecureNoAuth accepts every request without checking its signature:
	// anyone who can reach the server can use it.
	InsecureNoAuth bool
	// PollTimeout is how long a poll waits for a task before answering
	// "no task"; zero means DefaultPollTimeout (60 s, as SWF).
	PollTimeout time.Duration
	// MaxBodyBytes is the largest request body read; larger requests are
	// refused before they are parsed. Zero means DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64
	// TokenKey signs the task and page tokens the server hands out. Nil
	// means a random key: tokens then die with the server, which suits
	// engines that do too (memory). A durable engine wants a key kept
	// with its data, so that tasks survive a restart.
	TokenKey []byte
	// Logger receives a debug record per request and an error record per
	// internal failure. Nil discards them.
	Logger *slog.Logger
	// Now is the clock that signatures are checked against; nil means
	// time.Now.
	Now func() time.Time
}

// Server serves the SWF JSON protocol over the engines of a [Domains]. It is
// an [http.Handler]; create it with [New].
type Server struct {
	domains     Domains
	verifier    *sigv4.Verifier // nil: no authentication
	refuseAll   bool
	pollTimeout time.Duration
	maxBody     int64
	tokens      tokenCodec
	log         *slog.Logger

	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
	// polls is canceled by Shutdown: long polls end at once.
	polls      context.Context
	cancelPoll context.CancelFunc
}

// New returns a server over domains. The server does not own domains: close
// them after [Server.Shutdown].
func New(domains Domains, opts Options) *Server {
	s := &Server{
		domains:     domains,
		pollTimeout: opts.PollTimeout,
		maxBody:     opts.MaxBodyBytes,
		tokens:      tokenCodec{key: opts.TokenKey},
		log:         opts.Logger,
	}
	if s.pollTimeout <= 0 {
		s.pollTimeout = DefaultPollTimeout
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.tokens.key == nil {
		s.tokens.key = make([]byte, 32)
		_, _ = rand.Read(s.tokens.key)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case opts.InsecureNoAuth:
	case len(opts.Keys) == 0:
		s.refuseAll = true
	default:
		keys := make(map[string]string, len(opts.Keys))
		for k, v := range opts.Keys {
			keys[k] = v
		}
		s.verifier = &sigv4.Verifier{Service: "swf", Keys: keys, Now: opts.Now}
	}
	s.polls, s.cancelPoll = context.WithCancel(context.Background())
	return s
}

// enter registers a request in flight; it reports false once the server is
// shutting down.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.inflight.Add(1)
	return true
}

// Shutdown stops the server: new requests are refused (503, which SDKs
// retry), long polls in flight return at once — a poll that already holds a
// task still returns it — and the other requests in flight finish. It
// returns when none is left, or ctx's error if ctx ends first. It does not
// close the listener (see http.Server.Shutdown) nor the domains.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.cancelPoll()
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pollContext is the context of a long poll: it ends with the request, after
// the poll timeout, or at shutdown.
func (s *Server) pollContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, s.pollTimeout)
	stop := context.AfterFunc(s.polls, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

const (
	contentType  = "application/x-amz-json-1.0"
	targetPrefix = "SimpleWorkflowService."
)

// handler runs one operation on a request body.
type handler func(s *Server, ctx context.Context, body []byte) (any, error)

// op adapts a typed operation to a handler: the body is decoded into In.
func op[In any](f func(s *Server, ctx context.Context, in *In) (any, error)) handler {
	return func(s *Server, ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		return f(s, ctx, in)
	}
}

// decode decodes a request body: one JSON object (an empty body is {}).
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return newFault(swfwire.ExceptionSerialization, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); err != io.EOF {
		return newFault(swfwire.ExceptionSerialization, "unexpected data after the JSON object")
	}
	return nil
}

// operations maps operation names to handlers.
var operations map[string]handler

func init() {
	operations = map[string]handler{
		"RegisterDomain":  op(registerDomain),
		"DescribeDomain":  op(describeDomain),
		"ListDomains":     op(listDomains),
		"DeprecateDomain": op(deprecateDomain),

		"RegisterWorkflowType":  op(registerWorkflowType),
		"RegisterActivityType":  op(registerActivityType),
		"DescribeWorkflowType":  op(describeWorkflowType),
		"DescribeActivityType":  op(describeActivityType),
		"ListWorkflowTypes":     op(listWorkflowTypes),
		"ListActivityTypes":     op(listActivityTypes),
		"DeprecateWorkflowType": op(deprecateWorkflowType),
		"DeprecateActivityType": op(deprecateActivityType),

		"StartWorkflowExecution":         op(startWorkflowExecution),
		"SignalWorkflowExecution":        op(signalWorkflowExecution),
		"TerminateWorkflowExecution":     op(terminateWorkflowExecution),
		"RequestCancelWorkflowExecution": op(requestCancelWorkflowExecution),

		"PollForDecisionTask":          op(pollForDecisionTask),
		"RespondDecisionTaskCompleted": op(respondDecisionTaskCompleted),
		"PollForActivityTask":          op(pollForActivityTask),
		"RespondActivityTaskCompleted": op(respondActivityTaskCompleted),
		"RespondActivityTaskFailed":    op(respondActivityTaskFailed),
		"RespondActivityTaskCanceled":  op(respondActivityTaskCanceled),
		"RecordActivityTaskHeartbeat":  op(recordActivityTaskHeartbeat),

		"GetWorkflowExecutionHistory":   op(getWorkflowExecutionHistory),
		"DescribeWorkflowExecution":     op(describeWorkflowExecution),
		"ListOpenWorkflowExecutions":    op(listOpenWorkflowExecutions),
		"ListClosedWorkflowExecutions":  op(listClosedWorkflowExecutions),
		"CountOpenWorkflowExecutions":   op(countOpenWorkflowExecutions),
		"CountClosedWorkflowExecutions": op(countClosedWorkflowExecutions),
		"CountPendingDecisionTasks":     op(countPendingDecisionTasks),
		"CountPendingActivityTasks":     op(countPendingActivityTasks),
	}
}

// ServeHTTP serves one SWF request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestID()
	w.Header().Set("X-Amzn-Requestid", id)
	target := r.Header.Get("X-Amz-Target")
	out, err := s.serve(r, target)
	status := http.StatusOK
	var body []byte
	if err != nil {
		f := errorFault(err, "", "")
		status = f.status
		body, _ = json.Marshal(swfwire.ErrorBody{Type: swfwire.FaultType(f.name), Message: f.msg})
		if status >= 500 {
			s.log.Error("swfserver: request failed", "request", id, "target", target, "err", err)
		}
		if status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", http.MethodPost)
		}
	} else if out != nil {
		body, err = json.Marshal(out)
		if err != nil {
			s.log.Error("swfserver: encoding the answer", "request", id, "target", target, "err", err)
			status = http.StatusInternalServerError
			body, _ = json.Marshal(swfwire.ErrorBody{Type: swfwire.FaultType(swfwire.ExceptionInternalFailure), Message: "encoding the answer failed"})
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	s.log.Debug("swfserver: request", "request", id, "target", target, "status", status, "bytes", len(body), "duration", time.Since(start))
}

// serve checks and runs a request.
func (s *Server) serve(r *http.Request, target string) (any, error) {
	if !s.enter() {
		return nil, &fault{status: http.StatusServiceUnavailable, name: swfwire.ExceptionServiceUnavailable, msg: "the server is shutting down"}
	}
	defer s.inflight.Done()
	if r.Method != http.MethodPost {
		return nil, &fault{status: http.StatusMethodNotAllowed, name: swfwire.ExceptionUnknownOperation, msg: "SWF operations are POST requests, not " + r.Method}
	}
	if r.URL.Path != "/" {
		return nil, &fault{status: http.StatusNotFound, name: swfwire.ExceptionUnknownOperation, msg: "SWF operations are POSTed to /, not " + r.URL.Path}
	}
	tooLarge := &fault{status: http.StatusRequestEntityTooLarge, name: swfwire.ExceptionRequestEntityTooLarge,
		msg: fmt.Sprintf("the request body is over the limit of %d bytes", s.maxBody)}
	if r.ContentLength > s.maxBody {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.maxBody+1))
	if err != nil {
		return nil, newFault(swfwire.ExceptionSerialization, "reading the request body: %v", err)
	}
	if int64(len(body)) > s.maxBody {
		return nil, tooLarge
	}
	switch {
	case s.refuseAll:
		return nil, newFault(swfwire.ExceptionUnrecognizedClient, "The security token included in the request is invalid. (The server has no access keys.)")
	case s.verifier != nil:
		if _, err := s.verifier.Verify(r, body); err != nil {
			return nil, err
		}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != contentType {
		return nil, newFault(swfwire.ExceptionUnknownOperation, "expected Content-Type %s, got %q", contentType, r.Header.Get("Content-Type"))
	}
	name, ok := strings.CutPrefix(target, targetPrefix)
	h := operations[name]
	if !ok || h == nil {
		return nil, newFault(swfwire.ExceptionUnknownOperation, "unknown operation %q: flowy's SWF server serves %s followed by one of the operations in the swfserver package documentation", target, targetPrefix)
	}
	return h(s, r.Context(), body)
}

// requestID returns a random id in the form of a UUID.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
