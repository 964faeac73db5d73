// Package swf is the Amazon SWF engine: it implements [engine.Engine] on the
// SWF API (github.com/aws/aws-sdk-go-v2/service/swf), so workflows and
// activities written for flowy run on Amazon SWF — or on any endpoint that
// speaks its protocol, such as "flowy server" — unchanged, and share a domain
// with Python Flowy workers.
//
//	eng, err := swf.Open(ctx, "my-domain", swf.Options{Region: "eu-west-1"})
//	w, _ := worker.New(eng, workflows, activities, worker.Options{})
//	err = w.Run(ctx)
//
// # Wire format
//
// Everything above the engine (ids, inputs, results, failures) is written by
// the decider and the workers as Python Flowy writes it. The engine adds
// nothing of its own: it sends only the fields that are set, so unset
// timeouts and task lists take the registered defaults of their type, as they
// do with Python Flowy. Durations are whole seconds, a sub-second remainder
// rounded up; [engine.NoTimeout] is "NONE" (for execution timeouts, which SWF
// requires to be finite, the longest SWF allows: one year).
//
// # Behaviour worth knowing
//
//   - Types. Registering an existing type describes it: the same defaults
//     give an error wrapping [engine.ErrTypeAlreadyExists] (which workers
//     ignore), different ones an error wrapping [ErrTypeConflict] that names
//     the field and both values. SWF has no "unlimited" default: a type
//     registered without a timeout needs it at every start or schedule.
//   - Decision tasks carry the whole history: every page is read, with
//     retries. PreviousStartedEventID is taken from the history (the started
//     event of the last completed decision task).
//   - A ContinueAsNewWorkflowExecution decision sends the current run's task
//     list, timeouts, child policy and tags for the ones it leaves unset, as
//     the engine contract asks (SWF would take the type's defaults instead).
//   - History events of SWF types that package engine has no type for
//     (markers, timer cancellation, signals to other executions, Lambda) are
//     kept, as [*OtherEvent], so event ids stay dense.
//   - Activity tasks do not carry their timeouts (SWF's poll answer has
//     none): [engine.ActivityTask.Timeouts] is zero.
//   - Faults become engine errors: UnknownResourceFault wraps
//     [engine.ErrUnknownResource], TypeAlreadyExistsFault
//     [engine.ErrTypeAlreadyExists], TypeDeprecatedFault
//     [engine.ErrTypeDeprecated], WorkflowExecutionAlreadyStartedFault
//     [engine.ErrAlreadyStarted], LimitExceededFault and length violations
//     [engine.ErrLimitExceeded], DefaultUndefinedFault and other validation
//     errors [engine.ErrInvalidArgument]. The SDK's error stays in the chain.
//
// Besides [engine.Engine] the engine implements the optional capabilities SWF
// has: [engine.TypeAdmin], [engine.ExecutionLister], [engine.PendingCounter]
// and [engine.Signaler]. It does not implement [engine.CloseWaiter]; clients
// poll DescribeWorkflowExecution.
package swf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	awsswf "github.com/aws/aws-sdk-go-v2/service/swf"

	"github.com/flowy-go/flowy/engine"
)

// Defaults of [Options].
const (
	// DefaultPageSize is the number of history events asked for per page,
	// as Python Flowy asks (SWF's maximum).
	DefaultPageSize = 1000
	// DefaultPageRetries is how many times a history page that failed to
	// load is asked for again.
	DefaultPageRetries = 4
	// DefaultMaxAttempts bounds the attempts of one API call (throttled or
	// failed with a transient error) made by the client [Open] builds.
	DefaultMaxAttempts = 10
	// DefaultMaxBackoff bounds the delay between two attempts.
	DefaultMaxBackoff = 20 * time.Second
	// HTTPTimeout bounds one HTTP request of the client [Open] builds: long
	// enough for SWF's 60-second long polls.
	HTTPTimeout = 80 * time.Second
)

// Options configure an engine. The zero value is usable.
type Options struct {
	// PageSize is the number of history events asked for per page of a
	// decision task or history (0: DefaultPageSize).
	PageSize int32
	// PageRetries is how many times a failed history page is asked for
	// again, with a doubling delay from 100 ms (0: DefaultPageRetries;
	// negative: none).
	PageRetries int
	// Logger receives the engine's warnings (retried pages); nil discards
	// them.
	Logger *slog.Logger

	// The fields below are used by Open only, to build the SWF client; each
	// overrides the standard AWS configuration chain (environment, shared
	// config and credentials files, instance roles).

	// Region is the AWS region ("": the configuration chain's).
	Region string
	// Endpoint is the base URL of the SWF endpoint, e.g.
	// "http://127.0.0.1:8085" for flowy server ("": the region's
	// endpoint, or AWS_ENDPOINT_URL_SWF / AWS_ENDPOINT_URL).
	Endpoint string
	// Credentials provides the credentials (nil: the configuration chain's).
	Credentials aws.CredentialsProvider
	// Retryer makes the retryer of each call (nil: [NewRetryer] with the
	// chain's maximum attempts, DefaultMaxAttempts when it sets none).
	Retryer func() aws.Retryer
	// HTTPClient sends the requests (nil: [NewHTTPClient]). Its timeout
	// must allow SWF's 60-second long polls. Give an
	// *awshttp.BuildableClient for the configuration's custom CA bundle
	// (AWS_CA_BUNDLE) to apply.
	HTTPClient awsswf.HTTPClient
}

// Engine is the SWF engine: one domain on one SWF endpoint. It is safe for
// concurrent use.
type Engine struct {
	c      *awsswf.Client
	domain string
	opts   Options
	log    *slog.Logger

	closed    atomic.Bool
	closeCtx  context.Context
	closeFunc context.CancelFunc

	// runs remembers, per outstanding decision task token, the settings of
	// the run, which a ContinueAsNewWorkflowExecution decision keeps.
	mu   sync.Mutex
	runs map[string]*runSettings
}

// Compile-time checks of the capabilities the engine has.
var (
	_ engine.Engine          = (*Engine)(nil)
	_ engine.TypeAdmin       = (*Engine)(nil)
	_ engine.ExecutionLister = (*Engine)(nil)
	_ engine.PendingCounter  = (*Engine)(nil)
	_ engine.Signaler        = (*Engine)(nil)
)

// New returns an engine for the domain that calls SWF with client. The
// client's HTTP timeout must allow SWF's 60-second long polls, and its
// retryer should retry throttling (see [NewRetryer]). The AWS fields of
// opts (Region to HTTPClient) are not used.
func New(client *awsswf.Client, domain string, opts Options) *Engine {
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.PageRetries == 0 {
		opts.PageRetries = DefaultPageRetries
	}
	e := &Engine{c: client, domain: domain, opts: opts, log: opts.Logger, runs: map[string]*runSettings{}}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.closeCtx, e.closeFunc = context.WithCancel(context.Background())
	return e
}

// Open returns an engine for the domain, with an SWF client configured from
// the standard AWS configuration chain (config.LoadDefaultConfig) and the
// AWS fields of opts, which override it.
func Open(ctx context.Context, domain string, opts Options) (*Engine, error) {
	client, err := NewClient(ctx, opts)
	if err != nil {
		return nil, err
	}
	return New(client, domain, opts), nil
}

// NewClient returns the SWF client Open uses: the standard AWS
// configuration chain, overridden by the AWS fields of opts, with a retryer
// that backs off on throttling and an HTTP client that allows long polls.
func NewClient(ctx context.Context, opts Options) (*awsswf.Client, error) {
	var load []func(*config.LoadOptions) error
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	if opts.Credentials != nil {
		load = append(load, config.WithCredentialsProvider(opts.Credentials))
	}
	if opts.Endpoint != "" {
		load = append(load, config.WithBaseEndpoint(opts.Endpoint))
	}
	httpClient := opts.HTTPClient
	if httpClient == nil {
		httpClient = NewHTTPClient()
	}
	load = append(load, config.WithHTTPClient(httpClient))
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("swf: loading the AWS configuration: %w", err)
	}
	if opts.Retryer != nil {
		cfg.Retryer = opts.Retryer
	} else {
		attempts := cfg.RetryMaxAttempts
		if attempts <= 0 {
			attempts = DefaultMaxAttempts
		}
		cfg.Retryer = func() aws.Retryer { return NewRetryer(attempts) }
	}
	return awsswf.NewFromConfig(cfg), nil
}

// NewRetryer returns the SDK's standard retryer with at most maxAttempts
// attempts per call (0: DefaultMaxAttempts) and exponential backoff up to
// DefaultMaxBackoff, without the retry quota: a worker keeps retrying
// throttled calls, with backoff, rather than failing them once the quota is
// spent.
func NewRetryer(maxAttempts int) aws.Retryer {
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = DefaultMaxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// NewHTTPClient returns the SDK's HTTP client with a timeout of HTTPTimeout
// per request, which SWF's 60-second long polls fit in.
func NewHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTimeout(HTTPTimeout).WithTransportOptions(func(t *http.Transport) {
		// A worker holds a long poll per poller: keep a connection for each,
		// rather than the SDK's 10, so that busy workers reuse connections.
		t.MaxIdleConnsPerHost = 128
	})
}

// Client returns the SWF client of the engine.
func (e *Engine) Client() *awsswf.Client { return e.c }

// Domain returns the engine's domain.
func (e *Engine) Domain() string { return e.domain }

// Close ends the engine's polls: running and later calls return errors
// wrapping [engine.ErrClosed]. It does not close the client.
func (e *Engine) Close() error {
	e.closed.Store(true)
	e.closeFunc()
	return nil
}

// RegisterDomain registers the engine's domain, keeping the histories of
// closed executions for retentionDays days (0 to 90). A domain that already
// exists is not an error. The domain must exist before anything else is
// done in it.
func (e *Engine) RegisterDomain(ctx context.Context, retentionDays int, description string) error {
	in := &awsswf.RegisterDomainInput{
		Name:                                   aws.String(e.domain),
		WorkflowExecutionRetentionPeriodInDays: aws.String(fmt.Sprint(retentionDays)),
	}
	if description != "" {
		in.Description = aws.String(description)
	}
	_, err := e.c.RegisterDomain(ctx, in, copyBodies)
	if err != nil && !isFault(err, "DomainAlreadyExistsFault") {
		return e.fault("RegisterDomain", err)
	}
	return nil
}

// check fails when the engine is closed.
func (e *Engine) check(op string) error {
	if e.closed.Load() {
		return fmt.Errorf("swf: %s: %w", op, engine.ErrClosed)
	}
	return nil
}

// pollContext returns a context for a long poll that also ends when the
// engine is closed.
func (e *Engine) pollContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(e.closeCtx, cancel)
	return ctx, func() { stop(); cancel() }
}

// pollEnded reports the result of a poll that failed with err: (true, nil)
// when the caller's context ended (no task), (true, ErrClosed) when the
// engine was closed, and false otherwise.
func (e *Engine) pollEnded(ctx context.Context, op string) (bool, error) {
	if e.closed.Load() {
		return true, fmt.Errorf("swf: %s: %w", op, engine.ErrClosed)
	}
	if ctx.Err() != nil {
		return true, nil
	}
	return false, nil
}

// copyBodies makes a call send a copy of its request body. smithy-go closes
// the body it built as soon as the response arrives, which can race the
// HTTP transport's last read of it: the transport then closes the
// connection under the response being read ("use of closed network
// connection", aws/aws-sdk-go-v2#2737). The SDK retries that error, but a
// retried long poll may lose the task the first poll was given until it
// times out; with a copy the race cannot happen. SWF's request bodies are
// small JSON documents already in memory.
func copyBodies(o *awsswf.Options) {
	if o.HTTPClient != nil {
		o.HTTPClient = bodyCopier{o.HTTPClient}
	}
}

type bodyCopier struct{ next awsswf.HTTPClient }

func (b bodyCopier) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return b.next.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("swf: reading the request body: %w", err)
	}
	r := req.WithContext(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return b.next.Do(r)
}
