package temporal

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/failure"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Payload encodings.
const (
	encodingJSON   = "json/plain"   // flowy's JSON, shown as JSON by Temporal's tools
	encodingBinary = "binary/plain" // anything else a codec wrote
	encodingNull   = "binary/null"  // a nil value (Temporal SDKs)
)

// Keys of the header and memo fields the engine writes.
const (
	keyVersion     = "flowy-version"      // activity header, workflow memo: the type's version
	keyControl     = "flowy-control"      // activity and child header: the decision's control
	keyChildPolicy = "flowy-child-policy" // workflow memo: the run's SWF child policy
	keyTags        = "flowy-tags"         // workflow memo: the run's tags
	markerDetails  = "flowy"              // marker details: the failed decision
)

// defaultVersion is the version of a type whose start or scheduling carries
// none (a workflow or activity started by another Temporal client): flowy's
// default version.
const defaultVersion = "1"

// unlimited stands for engine.NoTimeout where Temporal needs a duration: the
// longest one the server accepts (it caps longer ones to this).
const unlimited = 100 * 365 * 24 * time.Hour

// payload wraps an encoded value: JSON as json/plain, so that Temporal's CLI
// and UI show it, anything else as binary/plain.
func payload(s string) *commonpb.Payload {
	enc := encodingJSON
	if !json.Valid([]byte(s)) {
		enc = encodingBinary
	}
	return &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte(enc)}, Data: []byte(s)}
}

// payloads wraps an encoded value as one payload; "" is no payload.
func payloads(s string) *commonpb.Payloads {
	if s == "" {
		return nil
	}
	return &commonpb.Payloads{Payloads: []*commonpb.Payload{payload(s)}}
}

// fromPayload returns the data of a payload.
func fromPayload(p *commonpb.Payload) string {
	if p == nil {
		return ""
	}
	if string(p.Metadata["encoding"]) == encodingNull {
		return "null"
	}
	return string(p.Data)
}

// fromPayloads returns the value of one payload (what flowy writes); several
// payloads (other Temporal clients pass one per argument) give the JSON array
// of their values.
func fromPayloads(ps *commonpb.Payloads) string {
	switch n := len(ps.GetPayloads()); n {
	case 0:
		return ""
	case 1:
		return fromPayload(ps.Payloads[0])
	}
	parts := make([]string, len(ps.Payloads))
	for i, p := range ps.Payloads {
		parts[i] = fromPayload(p)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// jsonPayload is a payload of a Go value marshaled as JSON.
func jsonPayload(v any) *commonpb.Payload {
	b, _ := json.Marshal(v)
	return payload(string(b))
}

// fromJSONPayload unmarshals a payload written by jsonPayload into v,
// reporting whether it could.
func fromJSONPayload(p *commonpb.Payload, v any) bool {
	return p != nil && json.Unmarshal(p.Data, v) == nil
}

// activityHeader is the header of a scheduled activity: its version and the
// decision's control.
func activityHeader(version, control string) *commonpb.Header {
	h := &commonpb.Header{Fields: map[string]*commonpb.Payload{keyVersion: jsonPayload(version)}}
	if control != "" {
		h.Fields[keyControl] = payload(control)
	}
	return h
}

// headerVersion returns the version in a header (defaultVersion if none).
func headerVersion(h *commonpb.Header) string {
	var v string
	if !fromJSONPayload(h.GetFields()[keyVersion], &v) || v == "" {
		return defaultVersion
	}
	return v
}

// headerControl returns the control in a header.
func headerControl(h *commonpb.Header) string {
	return fromPayload(h.GetFields()[keyControl])
}

// runMemo is what the engine keeps in a run's memo.
type runMemo struct {
	Version     string
	ChildPolicy engine.ChildPolicy
	Tags        []string
}

func (m runMemo) memo() *commonpb.Memo {
	f := map[string]*commonpb.Payload{
		keyVersion:     jsonPayload(m.Version),
		keyChildPolicy: jsonPayload(string(m.ChildPolicy)),
	}
	if len(m.Tags) > 0 {
		f[keyTags] = jsonPayload(m.Tags)
	}
	return &commonpb.Memo{Fields: f}
}

func readMemo(m *commonpb.Memo) runMemo {
	var r runMemo
	f := m.GetFields()
	if !fromJSONPayload(f[keyVersion], &r.Version) || r.Version == "" {
		r.Version = defaultVersion
	}
	var cp string
	if fromJSONPayload(f[keyChildPolicy], &cp) {
		r.ChildPolicy = engine.ChildPolicy(cp)
	}
	fromJSONPayload(f[keyTags], &r.Tags)
	return r
}

// encodeFailure returns the Temporal failure for a flowy reason and details:
// the reason is the message, the details the failure's details, and the error
// kind (when the details carry one) its type. It is non-retryable: flowy's
// decider owns retries.
func encodeFailure(reason, details string) *failurepb.Failure {
	kind, _ := failure.Decode(reason, details)
	return &failurepb.Failure{
		Message: reason,
		Source:  "flowy",
		FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{
			Type:         kind,
			NonRetryable: true,
			Details:      payloads(details),
		}},
	}
}

// decodeFailure returns the reason and details of a Temporal failure. A
// failure flowy did not write gives its message as the reason (cut to fit)
// and its details, if any.
func decodeFailure(f *failurepb.Failure) (reason, details string) {
	if f == nil {
		return "", ""
	}
	reason = failure.Truncate(f.Message, engine.MaxReasonChars)
	if a := f.GetApplicationFailureInfo(); a != nil {
		details = fromPayloads(a.Details)
	}
	return reason, details
}

// timeoutType returns the timeout type of a timeout failure (or of its
// first cause that is one).
func timeoutType(f *failurepb.Failure) (engine.TimeoutType, string) {
	for ; f != nil; f = f.Cause {
		if t := f.GetTimeoutFailureInfo(); t != nil {
			return fromTimeoutType(t.TimeoutType), fromPayloads(t.LastHeartbeatDetails)
		}
	}
	return engine.TimeoutStartToClose, ""
}

func fromTimeoutType(t enumspb.TimeoutType) engine.TimeoutType {
	switch t {
	case enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START:
		return engine.TimeoutScheduleToStart
	case enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE:
		return engine.TimeoutScheduleToClose
	case enumspb.TIMEOUT_TYPE_HEARTBEAT:
		return engine.TimeoutHeartbeat
	}
	return engine.TimeoutStartToClose
}

// dur returns a Temporal duration: nil (the server's default or no limit) for
// zero and NoTimeout.
func dur(d time.Duration) *durationpb.Duration {
	if d <= 0 {
		return nil
	}
	return durationpb.New(min(d, unlimited))
}

// fromDur returns the engine duration of a Temporal one: zero and the
// longest durations mean no limit.
func fromDur(d *durationpb.Duration) time.Duration {
	v := d.AsDuration()
	if d == nil || v <= 0 || v >= unlimited/2 {
		return engine.NoTimeout
	}
	return v
}

// resolve returns the first non-zero duration of ds, or NoTimeout.
func resolve(ds ...time.Duration) time.Duration {
	for _, d := range ds {
		if d != 0 {
			return d
		}
	}
	return engine.NoTimeout
}

// queue returns the Temporal task queue of a task list.
func (e *Engine) queue(taskList string) *taskqueuepb.TaskQueue {
	return &taskqueuepb.TaskQueue{Name: e.opts.TaskQueuePrefix + taskList, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
}

// stickyQueue returns the name of this engine's sticky queue for a task list.
func (e *Engine) stickyQueue(taskList string) string {
	return "flowy-sticky:" + e.stickyID + ":" + e.opts.TaskQueuePrefix + taskList
}

// parentClosePolicy returns the Temporal parent close policy for an SWF
// child policy (that of the parent, applied to this child).
func parentClosePolicy(p engine.ChildPolicy) enumspb.ParentClosePolicy {
	switch p {
	case engine.ChildPolicyTerminate:
		return enumspb.PARENT_CLOSE_POLICY_TERMINATE
	case engine.ChildPolicyRequestCancel:
		return enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL
	}
	return enumspb.PARENT_CLOSE_POLICY_ABANDON
}

// oneAttempt is the retry policy of every activity and child: flowy's
// decider retries.
func oneAttempt() *commonpb.RetryPolicy { return &commonpb.RetryPolicy{MaximumAttempts: 1} }

func wfExec(x engine.Execution) *commonpb.WorkflowExecution {
	return &commonpb.WorkflowExecution{WorkflowId: x.WorkflowID, RunId: x.RunID}
}

func fromExec(x *commonpb.WorkflowExecution) engine.Execution {
	return engine.Execution{WorkflowID: x.GetWorkflowId(), RunID: x.GetRunId()}
}
