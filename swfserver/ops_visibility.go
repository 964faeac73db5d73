package swfserver

import (
	"context"
	"slices"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
)

// execution checks a required execution member (both ids: SWF requires the
// run id where an execution is named this way).
func (v *validator) execution(path string, e *swfwire.WorkflowExecution) {
	if v.required(path, e != nil) {
		v.str(path+".workflowId", e.WorkflowID, 256)
		v.str(path+".runId", e.RunID, 64)
	}
}

func getWorkflowExecutionHistory(s *Server, ctx context.Context, in *swfwire.GetWorkflowExecutionHistoryInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.execution("execution", in.Execution)
	v.maxLen("nextPageToken", in.NextPageToken, 2048)
	v.pageSize(in.MaximumPageSize)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.engine(in.Domain)
	if err != nil {
		return nil, err
	}
	exec := in.Execution.Engine()
	history, err := eng.GetWorkflowExecutionHistory(ctx, exec)
	if err != nil {
		return nil, errorFault(err, "execution", execString(exec))
	}
	const op = "GetWorkflowExecutionHistory"
	events := history
	if in.ReverseOrder {
		events = slices.Clone(history)
		slices.Reverse(events)
	}
	start := 0
	if in.NextPageToken != "" {
		p, err := s.tokens.parsePageToken(in.NextPageToken, op, in.Domain)
		if err != nil {
			return nil, err
		}
		if p.Reverse != in.ReverseOrder || p.WfID != exec.WorkflowID || p.Run != exec.RunID {
			return nil, newFault(swfwire.ExceptionValidation, "Invalid nextPageToken: it was issued for another execution or order")
		}
		for start < len(events) && (!p.Reverse && events[start].ID < p.Next || p.Reverse && events[start].ID > p.Next) {
			start++
		}
	}
	size := in.MaximumPageSize
	if size == 0 {
		size = maxPageSize
	}
	end := min(start+size, len(events))
	page, err := swfwire.EventsToWire(events[start:end])
	if err != nil {
		return nil, err
	}
	s.completeContinuedAsNew(ctx, eng, exec.WorkflowID, page)
	out := &swfwire.History{Events: page}
	if end < len(events) {
		out.NextPageToken = s.tokens.pageToken(pageToken{Op: op, Domain: in.Domain, WfID: exec.WorkflowID, Run: exec.RunID,
			Next: events[end].ID, Reverse: in.ReverseOrder})
	}
	return out, nil
}

// completeContinuedAsNew fills in the members of
// WorkflowExecutionContinuedAsNew events that engines do not record (the new
// run's type, task list, timeouts, child policy and tags) from the first
// event of the new run, which has the same workflow id. A new run it cannot
// read leaves the event as the engine recorded it.
func (s *Server) completeContinuedAsNew(ctx context.Context, eng engine.Engine, workflowID string, events []swfwire.HistoryEvent) {
	for i := range events {
		a := events[i].WorkflowExecutionContinuedAsNewEventAttributes
		if a == nil || a.NewExecutionRunID == "" {
			continue
		}
		next, err := eng.GetWorkflowExecutionHistory(ctx, engine.Execution{WorkflowID: workflowID, RunID: a.NewExecutionRunID})
		if err != nil || len(next) == 0 {
			continue
		}
		if st, ok := next[0].Attr.(*engine.WorkflowExecutionStarted); ok {
			a.WorkflowType = swfwire.WorkflowTypeOf(st.Type)
			a.TaskList = &swfwire.TaskList{Name: st.TaskList}
			a.ExecutionStartToCloseTimeout = swfwire.FormatDuration(st.ExecutionTimeout)
			a.TaskStartToCloseTimeout = swfwire.FormatDuration(st.DecisionTimeout)
			a.ChildPolicy = string(st.ChildPolicy)
			a.TagList = st.Tags
		}
	}
}

// describeWorkflowExecution answers with the engine's description and what
// the run's history adds: the configuration (from WorkflowExecutionStarted),
// whether a decision task is open, the latest activity task scheduled and
// execution context, and whether a cancel was requested.
func describeWorkflowExecution(s *Server, ctx context.Context, in *swfwire.DescribeWorkflowExecutionInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.execution("execution", in.Execution)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.engine(in.Domain)
	if err != nil {
		return nil, err
	}
	exec := in.Execution.Engine()
	info, err := eng.DescribeWorkflowExecution(ctx, exec)
	if err != nil {
		return nil, errorFault(err, "execution", execString(exec))
	}
	history, err := eng.GetWorkflowExecutionHistory(ctx, exec)
	if err != nil {
		return nil, errorFault(err, "execution", execString(exec))
	}
	out := &swfwire.WorkflowExecutionDetail{
		ExecutionInfo: execInfoToWire(info),
		OpenCounts: swfwire.WorkflowExecutionOpenCounts{
			OpenActivityTasks:           info.OpenActivities,
			OpenTimers:                  info.OpenTimers,
			OpenChildWorkflowExecutions: info.OpenChildren,
		},
	}
	decisionOpen := false
	for _, e := range history {
		switch a := e.Attr.(type) {
		case *engine.WorkflowExecutionStarted:
			out.ExecutionConfiguration = swfwire.WorkflowExecutionConfiguration{
				TaskStartToCloseTimeout:      swfwire.FormatDuration(a.DecisionTimeout),
				ExecutionStartToCloseTimeout: swfwire.FormatDuration(a.ExecutionTimeout),
				TaskList:                     &swfwire.TaskList{Name: a.TaskList},
				ChildPolicy:                  string(a.ChildPolicy),
			}
		case *engine.DecisionTaskScheduled:
			decisionOpen = true
		case *engine.DecisionTaskCompleted:
			decisionOpen = false
			if a.ExecutionContext != "" {
				out.LatestExecutionContext = a.ExecutionContext
			}
		case *engine.DecisionTaskTimedOut:
			decisionOpen = false
		case *engine.ActivityTaskScheduled:
			out.LatestActivityTaskTimestamp = swfwire.TimeOf(e.Time)
		case *engine.WorkflowExecutionCancelRequested:
			out.ExecutionInfo.CancelRequested = info.Status == engine.StatusOpen
		}
	}
	if decisionOpen && info.Status == engine.StatusOpen {
		out.OpenCounts.OpenDecisionTasks = 1
	}
	return out, nil
}

// execInfoToWire converts an engine execution description.
func execInfoToWire(i *engine.ExecutionInfo) swfwire.WorkflowExecutionInfo {
	w := swfwire.WorkflowExecutionInfo{
		Execution:       *swfwire.ExecutionOf(i.Execution),
		WorkflowType:    *swfwire.WorkflowTypeOf(i.Type),
		StartTimestamp:  swfwire.TimeOf(i.StartTime),
		ExecutionStatus: swfwire.ExecutionOpen,
		Parent:          swfwire.ExecutionOfPtr(i.Parent),
		TagList:         i.Tags,
	}
	if i.Status != engine.StatusOpen {
		w.ExecutionStatus = swfwire.ExecutionClosed
		w.CloseStatus = string(i.Status)
		w.CloseTimestamp = swfwire.TimeOf(i.CloseTime)
	}
	return w
}

// executionFilter checks the filters of an execution listing or count and
// converts them. SWF's rules: the open listings need startTimeFilter; the
// closed ones exactly one of startTimeFilter and closeTimeFilter; at most one
// of executionFilter, typeFilter, tagFilter (and, for closed ones,
// closeStatusFilter).
func (v *validator) executionFilter(in *swfwire.ExecutionsInput, open bool) engine.ExecutionFilter {
	v.str("domain", in.Domain, 256)
	f := engine.ExecutionFilter{Open: open}
	timeFilter := func(path string, t *swfwire.ExecutionTimeFilter) (oldest, latest swfwire.Timestamp) {
		if v.required(path+".oldestDate", t.OldestDate != nil) {
			oldest = *t.OldestDate
		}
		if t.LatestDate != nil {
			latest = *t.LatestDate
		}
		return oldest, latest
	}
	if open {
		if v.required("startTimeFilter", in.StartTimeFilter != nil) {
			o, l := timeFilter("startTimeFilter", in.StartTimeFilter)
			f.StartedAfter, f.StartedBefore = o.Time, l.Time
		}
	} else {
		switch {
		case in.StartTimeFilter != nil && in.CloseTimeFilter != nil:
			v.errs = append(v.errs, "startTimeFilter and closeTimeFilter are mutually exclusive")
		case in.StartTimeFilter != nil:
			o, l := timeFilter("startTimeFilter", in.StartTimeFilter)
			f.StartedAfter, f.StartedBefore = o.Time, l.Time
		case in.CloseTimeFilter != nil:
			o, l := timeFilter("closeTimeFilter", in.CloseTimeFilter)
			f.ClosedAfter, f.ClosedBefore = o.Time, l.Time
		default:
			v.errs = append(v.errs, "either startTimeFilter or closeTimeFilter must be given")
		}
	}
	n := 0
	if in.ExecutionFilter != nil {
		n++
		v.str("executionFilter.workflowId", in.ExecutionFilter.WorkflowID, 256)
		f.WorkflowID = in.ExecutionFilter.WorkflowID
	}
	if in.TypeFilter != nil {
		n++
		v.str("typeFilter.name", in.TypeFilter.Name, 256)
		v.maxLen("typeFilter.version", in.TypeFilter.Version, 64)
		f.TypeName, f.TypeVer = in.TypeFilter.Name, in.TypeFilter.Version
	}
	if in.TagFilter != nil {
		n++
		v.str("tagFilter.tag", in.TagFilter.Tag, 256)
		f.Tag = in.TagFilter.Tag
	}
	if in.CloseStatusFilter != nil && !open {
		n++
		if v.required("closeStatusFilter.status", in.CloseStatusFilter.Status != "") {
			v.enum("closeStatusFilter.status", in.CloseStatusFilter.Status, "COMPLETED", "FAILED", "CANCELED", "TERMINATED", "CONTINUED_AS_NEW", "TIMED_OUT")
		}
		f.CloseStatus = engine.ExecutionStatus(in.CloseStatusFilter.Status)
	}
	if n > 1 {
		if open {
			v.errs = append(v.errs, "executionFilter, typeFilter and tagFilter are mutually exclusive")
		} else {
			v.errs = append(v.errs, "closeStatusFilter, executionFilter, typeFilter and tagFilter are mutually exclusive")
		}
	}
	v.pageSize(in.MaximumPageSize)
	v.maxLen("nextPageToken", in.NextPageToken, 2048)
	return f
}

// listExecutions lists the executions of a listing or count.
func (s *Server) listExecutions(ctx context.Context, op string, in *swfwire.ExecutionsInput, open bool) ([]engine.ExecutionInfo, error) {
	var v validator
	f := v.executionFilter(in, open)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.engine(in.Domain)
	if err != nil {
		return nil, err
	}
	l, ok := eng.(engine.ExecutionLister)
	if !ok {
		return nil, unsupported(op, "ExecutionLister")
	}
	infos, err := l.ListExecutions(ctx, f)
	if err != nil {
		return nil, errorFault(err, "", "")
	}
	return infos, nil
}

// executionKey orders executions newest first, by start time, or by close
// time when the listing filters on it (as SWF does).
func executionKey(byClose bool) func(engine.ExecutionInfo) []string {
	return func(i engine.ExecutionInfo) []string {
		t := i.StartTime
		if byClose {
			t = i.CloseTime
		}
		return []string{newestFirst(t), i.Execution.WorkflowID, i.Execution.RunID}
	}
}

func (s *Server) listExecutionsPage(ctx context.Context, op string, in *swfwire.ExecutionsInput, open bool) (any, error) {
	infos, err := s.listExecutions(ctx, op, in, open)
	if err != nil {
		return nil, err
	}
	key := executionKey(!open && in.CloseTimeFilter != nil)
	slices.SortFunc(infos, func(a, b engine.ExecutionInfo) int { return slices.Compare(key(a), key(b)) })
	items, next, err := paginate(s, op, in.Domain, in.NextPageToken, in.MaximumPageSize, in.ReverseOrder, infos, key)
	if err != nil {
		return nil, err
	}
	out := &swfwire.WorkflowExecutionInfos{ExecutionInfos: []swfwire.WorkflowExecutionInfo{}, NextPageToken: next}
	for i := range items {
		out.ExecutionInfos = append(out.ExecutionInfos, execInfoToWire(&items[i]))
	}
	return out, nil
}

func listOpenWorkflowExecutions(s *Server, ctx context.Context, in *swfwire.ExecutionsInput) (any, error) {
	return s.listExecutionsPage(ctx, "ListOpenWorkflowExecutions", in, true)
}

func listClosedWorkflowExecutions(s *Server, ctx context.Context, in *swfwire.ExecutionsInput) (any, error) {
	return s.listExecutionsPage(ctx, "ListClosedWorkflowExecutions", in, false)
}

func countOpenWorkflowExecutions(s *Server, ctx context.Context, in *swfwire.ExecutionsInput) (any, error) {
	infos, err := s.listExecutions(ctx, "CountOpenWorkflowExecutions", in, true)
	if err != nil {
		return nil, err
	}
	return &swfwire.WorkflowExecutionCount{Count: len(infos)}, nil
}

func countClosedWorkflowExecutions(s *Server, ctx context.Context, in *swfwire.ExecutionsInput) (any, error) {
	infos, err := s.listExecutions(ctx, "CountClosedWorkflowExecutions", in, false)
	if err != nil {
		return nil, err
	}
	return &swfwire.WorkflowExecutionCount{Count: len(infos)}, nil
}

// pendingCounter checks a pending task count request and returns the
// domain's engine as an engine.PendingCounter.
func (s *Server) pendingCounter(op string, in *swfwire.PendingTasksInput) (engine.PendingCounter, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.taskList("taskList", in.TaskList, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.engine(in.Domain)
	if err != nil {
		return nil, err
	}
	pc, ok := eng.(engine.PendingCounter)
	if !ok {
		return nil, unsupported(op, "PendingCounter")
	}
	return pc, nil
}

func countPendingDecisionTasks(s *Server, ctx context.Context, in *swfwire.PendingTasksInput) (any, error) {
	pc, err := s.pendingCounter("CountPendingDecisionTasks", in)
	if err != nil {
		return nil, err
	}
	n, err := pc.CountPendingDecisionTasks(ctx, in.TaskList.Name)
	if err != nil {
		return nil, errorFault(err, "", "")
	}
	return &swfwire.PendingTaskCount{Count: n}, nil
}

func countPendingActivityTasks(s *Server, ctx context.Context, in *swfwire.PendingTasksInput) (any, error) {
	pc, err := s.pendingCounter("CountPendingActivityTasks", in)
	if err != nil {
		return nil, err
	}
	n, err := pc.CountPendingActivityTasks(ctx, in.TaskList.Name)
	if err != nil {
		return nil, errorFault(err, "", "")
	}
	return &swfwire.PendingTaskCount{Count: n}, nil
}
