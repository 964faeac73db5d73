package decider

import (
	"container/heap"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/flowy-go/flowy"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/failure"
	"github.com/flowy-go/flowy/internal/rt"
)

// decide runs the code as far as it can go and returns the decisions it
// leads to.
func (r *run) decide() []engine.Decision {
	if r.closed || r.closeSent || !r.started {
		return nil
	}
	r.runCode()
	co := r.co
	if co.panic != "" {
		r.closeSent = true
		reason, details := failure.Encode("panic", co.panic)
		return []engine.Decision{&engine.FailWorkflowExecution{Reason: reason, Details: details}}
	}
	if co.done && co.result.Done() {
		r.closeSent = true
		return []engine.Decision{r.closeDecision(co.result)}
	}
	var out []engine.Decision
	limit := r.wf.RateLimit
	for {
		var c *call
		canSchedule := r.schedQ.Len() > 0 && (limit == 0 || r.running < limit)
		switch {
		case canSchedule && (r.timerQ.Len() == 0 || r.schedQ[0].order < r.timerQ[0].order):
			c = heap.Pop(&r.schedQ).(*call)
			out = append(out, r.schedule(c))
		case r.timerQ.Len() > 0:
			c = heap.Pop(&r.timerQ).(*call)
			id := c.id + ":t"
			r.byTimer[id] = c
			out = append(out, &engine.StartTimer{TimerID: id, StartToFire: time.Duration(c.delay)})
		default:
			return out
		}
	}
}

// schedule returns the decision that starts the current attempt of c.
func (r *run) schedule(c *call) engine.Decision {
	r.running++
	cfg := &c.cfg
	if cfg.IsChild() {
		id := r.childID(c.id)
		r.byID[id] = c
		return &engine.StartChildWorkflowExecution{
			WorkflowID:       id,
			Type:             engine.WorkflowType{Name: cfg.Workflow, Version: cfg.Version},
			Input:            c.input,
			Control:          c.control,
			TaskList:         cfg.TaskList,
			ExecutionTimeout: cfg.ExecutionTimeout,
			DecisionTimeout:  cfg.DecisionTimeout,
			ChildPolicy:      cfg.ChildPolicy,
		}
	}
	r.byID[c.id] = c
	return &engine.ScheduleActivityTask{
		ActivityID: c.id,
		Type:       engine.ActivityType{Name: cfg.Activity, Version: cfg.Version},
		Input:      c.input,
		Control:    c.control,
		TaskList:   cfg.TaskList,
		Timeouts: engine.ActivityTimeouts{
			ScheduleToStart: cfg.ScheduleToStart,
			StartToClose:    cfg.StartToClose,
			ScheduleToClose: cfg.ScheduleToClose,
			Heartbeat:       cfg.Heartbeat,
		},
	}
}

// closeDecision returns the decision that closes the run with its result.
func (r *run) closeDecision(f *rt.Future) engine.Decision {
	codec := r.wf.Codec
	if codec == nil {
		codec = flowy.JSON
	}
	if req := f.Restart; req != nil {
		input, err := rt.EncodeArgs(codec, &rt.Call{Args: req.Args, Kwargs: req.Kwargs})
		if err != nil {
			return r.failDecision(fmt.Errorf("flowy: encoding the arguments of Restart: %w", err), "bad-input")
		}
		if n := utf8.RuneCountInString(input); n > engine.MaxPayloadChars {
			return r.failDecision(fmt.Errorf("flowy: the input of Restart is too large: %d characters (limit %d)", n, engine.MaxPayloadChars), "limit")
		}
		return &engine.ContinueAsNewWorkflowExecution{Input: input}
	}
	if f.State() == rt.Failed {
		return r.failDecision(f.Err, flowy.ErrorKind(f.Err))
	}
	result := f.Raw
	if result == "" {
		var err error
		if result, err = codec.Encode(f.Val); err != nil {
			return r.failDecision(fmt.Errorf("flowy: encoding the workflow's result: %w", err), "bad-result")
		}
	}
	if n := utf8.RuneCountInString(result); n > engine.MaxPayloadChars {
		return r.failDecision(fmt.Errorf("flowy: the workflow's result is too large: %d characters (limit %d)", n, engine.MaxPayloadChars), "limit")
	}
	return &engine.CompleteWorkflowExecution{Result: result}
}

func (r *run) failDecision(err error, kind string) engine.Decision {
	reason, details := failure.Encode(kind, err.Error())
	return &engine.FailWorkflowExecution{Reason: reason, Details: details}
}
