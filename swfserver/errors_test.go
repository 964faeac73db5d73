package swfserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swfserver"
)

// TestFaults checks SWF's faults as the SDK decodes them: typed errors for
// those SWF's model declares, codes for the others.
func TestFaults(t *testing.T) {
	e := newEnv(t, swfserver.Options{})
	e.setup()
	ctx := e.ctx()
	wfType := &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")}

	_, err := e.c.DescribeDomain(ctx, &swf.DescribeDomainInput{Name: aws.String("nowhere")})
	var unknown *types.UnknownResourceFault
	if !errors.As(err, &unknown) || aws.ToString(unknown.Message) != "Unknown domain: nowhere" {
		t.Errorf("unknown domain: %v", err)
	}
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("nowhere"), WorkflowId: aws.String("x"), WorkflowType: wfType})
	wantCode(t, "start in unknown domain", err, "UnknownResourceFault", "Unknown domain: nowhere")

	_, err = e.c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String("d"), Name: aws.String("wf"), Version: aws.String("1")})
	var exists *types.TypeAlreadyExistsFault
	if !errors.As(err, &exists) || aws.ToString(exists.Message) != "WorkflowType=[name=wf, version=1]" {
		t.Errorf("type already exists: %v", err) // SWF's message, as in the captures
	}
	_, err = e.c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String("d"), Name: aws.String("act"), Version: aws.String("1")})
	wantCode(t, "activity type exists", err, "TypeAlreadyExistsFault", "ActivityType=[name=act, version=1]")
	_, err = e.c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("d"), WorkflowExecutionRetentionPeriodInDays: aws.String("1")})
	var domainExists *types.DomainAlreadyExistsFault
	if !errors.As(err, &domainExists) {
		t.Errorf("domain exists: %v", err)
	}
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("x"),
		WorkflowType: &types.WorkflowType{Name: aws.String("nope"), Version: aws.String("1")}})
	wantCode(t, "unknown type", err, "UnknownResourceFault", "Unknown type: WorkflowType=[name=nope, version=1]")

	e.start("dup", "")
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("dup"), WorkflowType: wfType})
	var started *types.WorkflowExecutionAlreadyStartedFault
	if !errors.As(err, &started) {
		t.Errorf("started twice: %v", err)
	}

	// No task list anywhere: SWF's DefaultUndefinedFault.
	ok(e.c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String("d"), Name: aws.String("bare"), Version: aws.String("1")})).get(t)
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("bare"),
		WorkflowType: &types.WorkflowType{Name: aws.String("bare"), Version: aws.String("1")}})
	var undefined *types.DefaultUndefinedFault
	if !errors.As(err, &undefined) {
		t.Errorf("no task list: %v", err)
	}

	// Oversize payloads: SWF's validation layer refuses them.
	big := strings.Repeat("x", engine.MaxPayloadChars+1)
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("big"), WorkflowType: wfType, Input: aws.String(big)})
	wantCode(t, "oversize input", err, "ValidationException", "1 validation error detected: Value 'xxx")
	wantCode(t, "oversize input", err, "ValidationException", "at 'input' failed to satisfy constraint: Member must have length less than or equal to 32768")
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String(strings.Repeat("é", 257)), WorkflowType: wfType})
	wantCode(t, "oversize id", err, "ValidationException", "at 'workflowId' failed to satisfy constraint: Member must have length less than or equal to 256")
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("a"), WorkflowType: wfType,
		ExecutionStartToCloseTimeout: aws.String("1.5"), ChildPolicy: "KILL"})
	wantCode(t, "two errors", err, "ValidationException", "2 validation errors detected")
	ok(e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("just-fits"), WorkflowType: wfType,
		Input: aws.String(strings.Repeat("é", engine.MaxPayloadChars))})).get(t) // characters, not bytes

	// Task tokens: malformed, foreign, stale.
	_, err = e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: aws.String("garbage")})
	wantCode(t, "malformed token", err, "ValidationException", "Invalid token")
	dt := e.pollDecision()
	forged := []byte(aws.ToString(dt.TaskToken))
	i := strings.LastIndexByte(string(forged), '.') + 1 // the first character of the MAC
	if forged[i] == 'A' {
		forged[i] = 'B'
	} else {
		forged[i] = 'A'
	}
	_, err = e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: aws.String(string(forged))})
	wantCode(t, "forged token", err, "UnknownResourceFault", "not issued by this server")
	// Unsupported decisions are refused, and nothing is recorded.
	_, err = e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken, Decisions: []types.Decision{
		{DecisionType: types.DecisionTypeRecordMarker, RecordMarkerDecisionAttributes: &types.RecordMarkerDecisionAttributes{MarkerName: aws.String("m")}}}})
	wantCode(t, "marker", err, "OperationNotPermittedFault", "RecordMarker decisions are not supported")
	_, err = e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken, Decisions: []types.Decision{
		{DecisionType: types.DecisionTypeFailWorkflowExecution, FailWorkflowExecutionDecisionAttributes: &types.FailWorkflowExecutionDecisionAttributes{Reason: aws.String(strings.Repeat("r", 257))}}}})
	wantCode(t, "long reason", err, "ValidationException", "at 'decisions.1.member.failWorkflowExecutionDecisionAttributes.reason'")
	_, err = e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken, Decisions: []types.Decision{
		{DecisionType: types.DecisionTypeCompleteWorkflowExecution}, {DecisionType: types.DecisionTypeStartTimer,
			StartTimerDecisionAttributes: &types.StartTimerDecisionAttributes{TimerId: aws.String("t"), StartToFireTimeout: aws.String("5")}}}})
	wantCode(t, "close decision not last", err, "ValidationException", "")
	ok(e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken})).get(t)
	_, err = e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken})
	wantCode(t, "stale token", err, "UnknownResourceFault", "")

	// Deprecated things.
	ok(e.c.DeprecateWorkflowType(ctx, &swf.DeprecateWorkflowTypeInput{Domain: aws.String("d"), WorkflowType: wfType})).get(t)
	_, err = e.c.DeprecateWorkflowType(ctx, &swf.DeprecateWorkflowTypeInput{Domain: aws.String("d"), WorkflowType: wfType})
	var typeDeprecated *types.TypeDeprecatedFault
	if !errors.As(err, &typeDeprecated) || aws.ToString(typeDeprecated.Message) != "WorkflowType=[name=wf, version=1]" {
		t.Errorf("deprecated twice: %v", err)
	}
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("y"), WorkflowType: wfType})
	wantCode(t, "start a deprecated type", err, "TypeDeprecatedFault", "WorkflowType=[name=wf, version=1]")
	ok(e.c.DeprecateDomain(ctx, &swf.DeprecateDomainInput{Name: aws.String("d")})).get(t)
	_, err = e.c.DeprecateDomain(ctx, &swf.DeprecateDomainInput{Name: aws.String("d")})
	var domainDeprecated *types.DomainDeprecatedFault
	if !errors.As(err, &domainDeprecated) {
		t.Errorf("domain deprecated twice: %v", err)
	}
	_, err = e.c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String("d"), Name: aws.String("new"), Version: aws.String("1")})
	wantCode(t, "register in a deprecated domain", err, "DomainDeprecatedFault", "d")
	// Visibility still works in a deprecated domain.
	ok(e.c.DescribeWorkflowType(ctx, &swf.DescribeWorkflowTypeInput{Domain: aws.String("d"), WorkflowType: wfType})).get(t)

	// Domain registration limits.
	_, err = e.c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("long"), WorkflowExecutionRetentionPeriodInDays: aws.String("91")})
	var limit *types.LimitExceededFault
	if !errors.As(err, &limit) {
		t.Errorf("91 days: %v", err)
	}
	_, err = e.c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("a/b"), WorkflowExecutionRetentionPeriodInDays: aws.String("x")})
	wantCode(t, "bad domain", err, "ValidationException", "2 validation errors detected")
}

// TestProtocolErrors sends requests the SDK would not: malformed, unsigned,
// misdirected.
func TestProtocolErrors(t *testing.T) {
	e := newEnv(t, swfserver.Options{MaxBodyBytes: 4096, PollTimeout: 100 * time.Millisecond})
	e.setup()
	fault := func(body string) (name, message string) {
		var b struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatalf("error body %q: %v", body, err)
		}
		return b.Type, b.Message
	}
	for _, c := range []struct {
		name, target, body string
		sign               bool
		mutate             func(*http.Request)
		status             int
		typ, contains      string
	}{
		{"malformed JSON, signed", "DescribeDomain", `{"name": "d"`, true, nil,
			400, "com.amazon.coral.service#SerializationException", "unexpected EOF"},
		{"wrong member type, signed", "ListDomains", `{"registrationStatus": "REGISTERED", "maximumPageSize": "ten"}`, true, nil,
			400, "com.amazon.coral.service#SerializationException", "maximumPageSize"},
		{"two objects", "DescribeDomain", `{"name": "d"} {}`, true, nil,
			400, "com.amazon.coral.service#SerializationException", "after the JSON object"},
		{"unsigned", "DescribeDomain", `{"name": "d"}`, false, nil,
			400, "com.amazon.coral.service#MissingAuthenticationTokenException", "missing Authentication Token"},
		{"bad signature", "DescribeDomain", `{"name": "d"}`, true, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Signature=", "Signature=0", 1)[:len(r.Header.Get("Authorization"))])
		}, 400, "com.amazon.coral.service#InvalidSignatureException", "signature we calculated does not match"},
		{"unknown operation", "DanceWorkflowExecution", `{}`, true, nil,
			400, "com.amazon.coral.service#UnknownOperationException", "SimpleWorkflowService.DanceWorkflowExecution"},
		{"no target", "", `{}`, true, nil,
			400, "com.amazon.coral.service#UnknownOperationException", "unknown operation"},
		{"SWF operation flowy does not serve", "UndeprecateDomain", `{"name": "d"}`, true, nil,
			400, "com.amazon.coral.service#UnknownOperationException", "UndeprecateDomain"},
		{"wrong content type", "DescribeDomain", `{"name": "d"}`, true, func(r *http.Request) {
			r.Header.Set("Content-Type", "text/plain") // after signing: the signature breaks too
		}, 400, "com.amazon.coral.service#InvalidSignatureException", ""},
		{"body over the limit", "DescribeDomain", `{"name": "` + strings.Repeat("d", 5000) + `"}`, true, nil,
			413, "com.amazon.coral.service#RequestEntityTooLargeException", "4096 bytes"},
		{"GET", "DescribeDomain", ``, true, func(r *http.Request) { r.Method = http.MethodGet },
			405, "com.amazon.coral.service#UnknownOperationException", "POST"},
		{"missing members", "StartWorkflowExecution", `{}`, true, nil,
			400, "com.amazon.coral.validate#ValidationException", "3 validation errors detected: Value null at 'domain' failed to satisfy constraint: Member must not be null"},
		{"page size", "ListDomains", `{"registrationStatus": "REGISTERED", "maximumPageSize": 1001}`, true, nil,
			400, "com.amazon.coral.validate#ValidationException", "Member must have value less than or equal to 1000"},
		{"enum", "ListDomains", `{"registrationStatus": "GONE"}`, true, nil,
			400, "com.amazon.coral.validate#ValidationException", "Member must satisfy enum value set: [REGISTERED, DEPRECATED]"},
		{"forged page token", "ListDomains", `{"registrationStatus": "REGISTERED", "nextPageToken": "abc"}`, true, nil,
			400, "com.amazon.coral.validate#ValidationException", "Invalid nextPageToken"},
	} {
		resp, body := e.raw(c.target, c.body, c.sign, c.mutate)
		typ, msg := fault(body)
		if resp.StatusCode != c.status || typ != c.typ || !strings.Contains(msg, c.contains) ||
			resp.Header.Get("Content-Type") != "application/x-amz-json-1.0" || resp.Header.Get("X-Amzn-Requestid") == "" {
			t.Errorf("%s: %d %s %q (%v), want %d %s containing %q", c.name, resp.StatusCode, typ, msg, resp.Header, c.status, c.typ, c.contains)
		}
	}

	// A void operation answers 200 with an empty body, as SWF does.
	resp, body := e.raw("RegisterDomain", `{"name": "raw", "workflowExecutionRetentionPeriodInDays": "NONE"}`, true, nil)
	if resp.StatusCode != 200 || body != "" || resp.Header.Get("Content-Length") != "0" {
		t.Errorf("void operation: %d %q", resp.StatusCode, body)
	}
	// An empty poll has no task token, as SWF's.
	resp, body = e.raw("PollForActivityTask", `{"domain": "d", "taskList": {"name": "empty"}}`, true, nil)
	if resp.StatusCode != 200 || body != `{"startedEventId":0}` {
		t.Errorf("empty activity poll: %d %s", resp.StatusCode, body)
	}
	resp, body = e.raw("PollForDecisionTask", `{"domain": "d", "taskList": {"name": "empty"}}`, true, nil)
	if resp.StatusCode != 200 || body != `{"startedEventId":0,"previousStartedEventId":0}` {
		t.Errorf("empty decision poll: %d %s", resp.StatusCode, body)
	}

	// The SDK with a wrong secret, and with an unknown key.
	_, err := newClient(e.http.URL, keyID, "wrong").ListDomains(context.Background(), &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
	wantCode(t, "wrong secret", err, "InvalidSignatureException", "does not match")
	_, err = newClient(e.http.URL, "NOBODY", secret).ListDomains(context.Background(), &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
	wantCode(t, "unknown key", err, "UnrecognizedClientException", "security token")
}

// TestNoKeys checks that a server without keys refuses everything, and one
// with InsecureNoAuth accepts anything.
func TestNoKeys(t *testing.T) {
	refusing := newEnv(t, swfserver.Options{Keys: map[string]string{}})
	_, err := refusing.c.ListDomains(refusing.ctx(), &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
	wantCode(t, "no keys", err, "UnrecognizedClientException", "no access keys")

	open := newEnv(t, swfserver.Options{InsecureNoAuth: true})
	ok(open.c.ListDomains(open.ctx(), &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})).get(t)
	resp, _ := open.raw("ListDomains", `{"registrationStatus": "REGISTERED"}`, false, nil)
	if resp.StatusCode != 200 {
		t.Errorf("unsigned request to an insecure server: %d", resp.StatusCode)
	}
}

// bareEngine hides every optional capability of an engine.
type bareEngine struct{ engine.Engine }

// bareDomains serves bare engines.
type bareDomains struct{ *swfserver.MemoryDomains }

func (d bareDomains) Engine(name string) (engine.Engine, error) {
	eng, err := d.MemoryDomains.Engine(name)
	if err != nil {
		return nil, err
	}
	return bareEngine{eng}, nil
}

// TestMissingCapabilities checks the answer of operations whose engine
// lacks the optional capability they need.
func TestMissingCapabilities(t *testing.T) {
	md := swfserver.NewMemoryDomains()
	t.Cleanup(func() { _ = md.Close() })
	e := newEnvWith(t, bareDomains{md}, swfserver.Options{})
	e.setup()
	run := e.start("w", "")
	ctx := e.ctx()
	since := &types.ExecutionTimeFilter{OldestDate: aws.Time(aws.ToTime(nil))}
	tl := &types.TaskList{Name: aws.String("decisions")}
	wfType := &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")}
	for _, c := range []struct {
		name, capability string
		call             func() error
	}{
		{"DescribeWorkflowType", "TypeAdmin", func() error {
			_, err := e.c.DescribeWorkflowType(ctx, &swf.DescribeWorkflowTypeInput{Domain: aws.String("d"), WorkflowType: wfType})
			return err
		}},
		{"ListActivityTypes", "TypeAdmin", func() error {
			_, err := e.c.ListActivityTypes(ctx, &swf.ListActivityTypesInput{Domain: aws.String("d"), RegistrationStatus: types.RegistrationStatusRegistered})
			return err
		}},
		{"DeprecateWorkflowType", "TypeAdmin", func() error {
			_, err := e.c.DeprecateWorkflowType(ctx, &swf.DeprecateWorkflowTypeInput{Domain: aws.String("d"), WorkflowType: wfType})
			return err
		}},
		{"ListOpenWorkflowExecutions", "ExecutionLister", func() error {
			_, err := e.c.ListOpenWorkflowExecutions(ctx, &swf.ListOpenWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since})
			return err
		}},
		{"CountClosedWorkflowExecutions", "ExecutionLister", func() error {
			_, err := e.c.CountClosedWorkflowExecutions(ctx, &swf.CountClosedWorkflowExecutionsInput{Domain: aws.String("d"), StartTimeFilter: since})
			return err
		}},
		{"CountPendingDecisionTasks", "PendingCounter", func() error {
			_, err := e.c.CountPendingDecisionTasks(ctx, &swf.CountPendingDecisionTasksInput{Domain: aws.String("d"), TaskList: tl})
			return err
		}},
		{"SignalWorkflowExecution", "Signaler", func() error {
			_, err := e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("w"), SignalName: aws.String("s")})
			return err
		}},
		{"RequestCancelWorkflowExecution", "Signaler", func() error {
			_, err := e.c.RequestCancelWorkflowExecution(ctx, &swf.RequestCancelWorkflowExecutionInput{Domain: aws.String("d"), WorkflowId: aws.String("w")})
			return err
		}},
	} {
		err := c.call()
		var f *types.OperationNotPermittedFault
		if !errors.As(err, &f) || !strings.Contains(aws.ToString(f.Message), c.name+" is not supported by this domain's engine") ||
			!strings.Contains(aws.ToString(f.Message), "engine."+c.capability) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// The contract's operations still work.
	d := ok(e.c.DescribeWorkflowExecution(ctx, &swf.DescribeWorkflowExecutionInput{Domain: aws.String("d"),
		Execution: &types.WorkflowExecution{WorkflowId: aws.String("w"), RunId: aws.String(run)}})).get(t)
	if d.ExecutionInfo.ExecutionStatus != types.ExecutionStatusOpen {
		t.Errorf("described %+v", d.ExecutionInfo)
	}
}
