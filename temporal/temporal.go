// Package temporal is a flowy engine over a Temporal server: it drives
// Temporal's gRPC API (package go.temporal.io/api/workflowservice/v1)
// directly, as an Amazon SWF decider drives SWF, without the Temporal SDK.
//
// Decision tasks are Temporal workflow tasks, activity tasks are Temporal
// activity tasks, and the engine converts Temporal's history events into the
// SWF-shaped events of package engine, one for one, so event ids are
// Temporal's own (1..n, no gaps) and flowy's decider sees the history it
// expects. Inputs, results and failure details are Temporal payloads with
// encoding json/plain (the raw JSON written by flowy's codec), so the Temporal
// CLI and UI display them. Retries stay with flowy's decider: every activity
// and child workflow is scheduled with a Temporal retry policy of one attempt.
//
// Temporal has no type registry: [Engine.RegisterWorkflowType] and
// [Engine.RegisterActivityType] record the types and their defaults in the
// Engine value, which applies them when a start or a decision leaves a field
// unset. A decision naming a type this Engine has no record of is recorded as
// a failed decision (a Temporal marker the engine reads back as
// ScheduleActivityTaskFailed, StartChildWorkflowExecutionFailed or
// ContinueAsNewWorkflowExecutionFailed with cause TYPE_DOES_NOT_EXIST), as the
// engine contract requires, unless [Options.AllowUnregisteredTypes] is set.
//
// For speed the engine polls a sticky task queue of its own next to each
// normal one, keeps the history of the runs it decided (a bounded cache), and
// hands the decider the full history while Temporal sends only the new events.
// When the cache misses, it reads the whole history.
//
// docs/temporal.md has the complete mapping of events, timeouts, retries,
// child policies and task lists. The engine implements [engine.Engine],
// [engine.CloseWaiter] and [engine.Signaler].
package temporal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flowy-go/flowy/engine"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/durationpb"
)

var (
	_ engine.Engine      = (*Engine)(nil)
	_ engine.CloseWaiter = (*Engine)(nil)
	_ engine.Signaler    = (*Engine)(nil)
)

// Defaults of [Options].
const (
	DefaultHostPort        = "127.0.0.1:7233"
	DefaultNamespace       = "default"
	DefaultRetention       = 24 * time.Hour
	DefaultStickyCacheSize = 1000
	DefaultStickyTimeout   = 5 * time.Second
)

// Options configure an [Engine]. The zero value connects to a local server's
// "default" namespace.
type Options struct {
	// HostPort is the address of the Temporal frontend ("" = DefaultHostPort).
	HostPort string
	// Namespace is the Temporal namespace ("" = DefaultNamespace). New
	// registers it when it does not exist and waits until it can be used.
	Namespace string
	// Retention is how long the server keeps closed executions of a
	// namespace that New registers (0 = DefaultRetention).
	Retention time.Duration
	// Identity is the worker identity of polls that give none, and of the
	// engine's other calls ("" = host:pid).
	Identity string
	// Logger receives debug and warning logs; nil discards them.
	Logger *slog.Logger
	// DialOptions are added to the options of the gRPC connection to
	// HostPort (TLS credentials, interceptors). Without transport
	// credentials among them the connection is insecure.
	DialOptions []grpc.DialOption
	// Client, if set, is used instead of a connection to HostPort
	// (DialOptions are then ignored). Close leaves it open.
	Client workflowservice.WorkflowServiceClient
	// TaskQueuePrefix is prepended to every task list to name its Temporal
	// task queue, so that several flowy deployments (or test cases) share a
	// namespace without sharing task queues. Histories show task lists
	// without it.
	TaskQueuePrefix string
	// StickyCacheSize is the most runs whose history the engine keeps
	// between decision tasks (0 = DefaultStickyCacheSize). Negative turns
	// sticky task queues off: every decision task then carries, and the
	// engine reads, the whole history.
	StickyCacheSize int
	// StickyTimeout is how long a decision task waits on this engine's
	// sticky queue before Temporal moves it to the normal queue (0 =
	// DefaultStickyTimeout).
	StickyTimeout time.Duration
	// AllowUnregisteredTypes lets starts and decisions name types this
	// Engine has no record of, as plain Temporal does: they take no
	// defaults (a start then needs a task list). Without it they fail as
	// the engine contract says (see the package doc).
	AllowUnregisteredTypes bool
}

// Engine is a flowy engine over a Temporal namespace. Create one with [New];
// all methods are safe for concurrent use.
type Engine struct {
	opts Options
	ns   string
	svc  workflowservice.WorkflowServiceClient
	conn *grpc.ClientConn // nil when Options.Client was given
	log  *slog.Logger

	ctx    context.Context // ends when the engine closes; polls run under it
	cancel context.CancelFunc
	polls  sync.WaitGroup
	// stickyID makes this engine's sticky queue names unique.
	stickyID string

	mu       sync.Mutex
	closed   bool
	wfTypes  map[engine.WorkflowType]engine.WorkflowTypeInfo
	actTypes map[engine.ActivityType]engine.ActivityTypeInfo
	decFeeds map[string]*feed[*decisionPoll] // by task list
	actFeeds map[string]*feed[*activityPoll] // by task list
	tokens   map[string]*decisionState       // started decision tasks, by token
	runToken map[string]string               // run id → token of its started decision task

	runs *runCache // nil without sticky queues

	// Decision tasks handed out: with the cached history, with the whole
	// history read because the cache missed, with the whole history sent.
	stats struct{ cached, fetched, full atomic.Int64 }
}

var errClosed = fmt.Errorf("temporal: %w", engine.ErrClosed)

// New connects to the Temporal frontend, registers the namespace if it does
// not exist and waits until the server serves it (bounded by ctx).
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.HostPort == "" {
		opts.HostPort = DefaultHostPort
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if opts.Retention == 0 {
		opts.Retention = DefaultRetention
	}
	if opts.Identity == "" {
		host, _ := os.Hostname()
		opts.Identity = host + ":" + strconv.Itoa(os.Getpid())
	}
	if opts.StickyCacheSize == 0 {
		opts.StickyCacheSize = DefaultStickyCacheSize
	}
	if opts.StickyTimeout == 0 {
		opts.StickyTimeout = DefaultStickyTimeout
	}
	e := &Engine{
		opts:     opts,
		ns:       opts.Namespace,
		svc:      opts.Client,
		log:      opts.Logger,
		stickyID: randomHex(8),
		wfTypes:  map[engine.WorkflowType]engine.WorkflowTypeInfo{},
		actTypes: map[engine.ActivityType]engine.ActivityTypeInfo{},
		decFeeds: map[string]*feed[*decisionPoll]{},
		actFeeds: map[string]*feed[*activityPoll]{},
		tokens:   map[string]*decisionState{},
		runToken: map[string]string{},
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if opts.StickyCacheSize > 0 {
		e.runs = newRunCache(opts.StickyCacheSize)
	}
	if e.svc == nil {
		dial := append([]grpc.DialOption{
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(128 << 20)),
		}, opts.DialOptions...)
		conn, err := grpc.NewClient(opts.HostPort, dial...)
		if err != nil {
			return nil, fmt.Errorf("temporal: connecting to %s: %w", opts.HostPort, err)
		}
		e.conn = conn
		e.svc = workflowservice.NewWorkflowServiceClient(conn)
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	if err := e.setupNamespace(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// setupNamespace registers the namespace if it is missing and waits until
// the frontend serves it (a new namespace takes a few seconds to reach the
// servers' namespace caches).
func (e *Engine) setupNamespace(ctx context.Context) error {
	_, err := e.svc.DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: e.ns})
	var nf *serviceerror.NamespaceNotFound
	if errors.As(mapServiceError(err), &nf) || isNotFound(err) {
		_, err = e.svc.RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace:                        e.ns,
			Description:                      "registered by flowy",
			WorkflowExecutionRetentionPeriod: durationpb.New(e.opts.Retention),
		})
		var exists *serviceerror.NamespaceAlreadyExists
		if err != nil && !errors.As(mapServiceError(err), &exists) {
			return fmt.Errorf("temporal: registering namespace %q: %w", e.ns, mapError(err))
		}
		e.log.Info("temporal: registered namespace", "namespace", e.ns)
	} else if err != nil {
		return fmt.Errorf("temporal: describing namespace %q: %w", e.ns, mapError(err))
	}
	// The namespace is served once a call naming it fails for another reason
	// than the namespace being unknown.
	delay := 50 * time.Millisecond
	for {
		_, err := e.svc.DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
			Namespace: e.ns,
			Execution: wfExec(engine.Execution{WorkflowID: "flowy-namespace-probe-" + randomHex(4)}),
		})
		if !errors.As(mapServiceError(err), &nf) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("temporal: waiting for namespace %q to be served: %w", e.ns, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
	}
}

// Namespace returns the engine's Temporal namespace.
func (e *Engine) Namespace() string { return e.ns }

// Service returns the gRPC client the engine uses, for calls the engine does
// not offer.
func (e *Engine) Service() workflowservice.WorkflowServiceClient { return e.svc }

// Close stops the engine: polls in flight end, blocked calls return an error
// wrapping [engine.ErrClosed], and so do later calls. The server is told that
// this engine's sticky queues are gone, so their decision tasks move to the
// normal queues at once. Closing again does nothing.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	var sticky []string
	for tl, f := range e.decFeeds {
		if len(f.sources) > 1 {
			sticky = append(sticky, e.stickyQueue(tl))
		}
	}
	e.mu.Unlock()
	e.cancel()
	e.polls.Wait()
	for _, q := range sticky {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := e.svc.ShutdownWorker(ctx, &workflowservice.ShutdownWorkerRequest{
			Namespace:       e.ns,
			StickyTaskQueue: q,
			Identity:        e.opts.Identity,
			Reason:          "flowy engine closed",
		})
		cancel()
		if err != nil {
			e.log.Debug("temporal: shutting down sticky queue", "queue", q, "err", err)
		}
	}
	if e.conn != nil {
		return e.conn.Close()
	}
	return nil
}

// enter checks ctx and that the engine is open.
func (e *Engine) enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return errClosed
	}
	return nil
}

// RegisterWorkflowType records a workflow type and its defaults in this
// Engine (Temporal has no type registry). Registering a type again returns
// an error wrapping [engine.ErrTypeAlreadyExists] and changes nothing.
func (e *Engine) RegisterWorkflowType(ctx context.Context, t engine.WorkflowTypeInfo) error {
	if t.Name == "" {
		return invalid("temporal: workflow type: empty name")
	}
	what := fmt.Sprintf("temporal: workflow type %s/%s", t.Name, t.Version)
	if err := errors.Join(
		checkTimeout("default execution timeout", t.DefaultExecutionTimeout),
		checkTimeout("default decision timeout", t.DefaultDecisionTimeout),
		checkChildPolicy(t.DefaultChildPolicy),
	); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.wfTypes[t.WorkflowType]; ok {
		return fmt.Errorf("%s: %w", what, engine.ErrTypeAlreadyExists)
	}
	e.wfTypes[t.WorkflowType] = t
	return nil
}

// RegisterActivityType records an activity type and its defaults in this
// Engine. Registering a type again returns an error wrapping
// [engine.ErrTypeAlreadyExists] and changes nothing.
func (e *Engine) RegisterActivityType(ctx context.Context, t engine.ActivityTypeInfo) error {
	if t.Name == "" {
		return invalid("temporal: activity type: empty name")
	}
	what := fmt.Sprintf("temporal: activity type %s/%s", t.Name, t.Version)
	if err := checkTimeouts("default ", t.ActivityTimeouts); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.actTypes[t.ActivityType]; ok {
		return fmt.Errorf("%s: %w", what, engine.ErrTypeAlreadyExists)
	}
	e.actTypes[t.ActivityType] = t
	return nil
}

// workflowType returns the recorded defaults of a workflow type.
func (e *Engine) workflowType(t engine.WorkflowType) (engine.WorkflowTypeInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	info, ok := e.wfTypes[t]
	if !ok && e.opts.AllowUnregisteredTypes {
		return engine.WorkflowTypeInfo{WorkflowType: t}, true
	}
	return info, ok
}

// activityType returns the recorded defaults of an activity type.
func (e *Engine) activityType(t engine.ActivityType) (engine.ActivityTypeInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	info, ok := e.actTypes[t]
	if !ok && e.opts.AllowUnregisteredTypes {
		return engine.ActivityTypeInfo{ActivityType: t}, true
	}
	return info, ok
}

// identity returns the identity of a poll.
func (e *Engine) identity(id string) string {
	if id != "" {
		return id
	}
	return e.opts.Identity
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails
	return hex.EncodeToString(b)
}
