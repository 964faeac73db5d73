package swfserver

import (
	"context"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
)

func wfTypeString(t engine.WorkflowType) string { return typeString("WorkflowType", t.Name, t.Version) }
func acTypeString(t engine.ActivityType) string { return typeString("ActivityType", t.Name, t.Version) }

// typeAdmin returns the domain's engine as an engine.TypeAdmin.
func (s *Server) typeAdmin(domain, op string) (engine.TypeAdmin, error) {
	eng, err := s.engine(domain)
	if err != nil {
		return nil, err
	}
	ta, ok := eng.(engine.TypeAdmin)
	if !ok {
		return nil, unsupported(op, "TypeAdmin")
	}
	return ta, nil
}

func registerWorkflowType(s *Server, ctx context.Context, in *swfwire.RegisterWorkflowTypeInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.str("name", in.Name, 256)
	v.str("version", in.Version, 64)
	v.maxLen("description", in.Description, 1024)
	v.taskList("defaultTaskList", in.DefaultTaskList, false)
	v.childPolicy("defaultChildPolicy", in.DefaultChildPolicy)
	info := engine.WorkflowTypeInfo{
		WorkflowType:            engine.WorkflowType{Name: in.Name, Version: in.Version},
		DefaultTaskList:         in.DefaultTaskList.NameOf(),
		DefaultExecutionTimeout: time.Duration(v.duration("defaultExecutionStartToCloseTimeout", in.DefaultExecutionStartToCloseTimeout)),
		DefaultDecisionTimeout:  time.Duration(v.duration("defaultTaskStartToCloseTimeout", in.DefaultTaskStartToCloseTimeout)),
		DefaultChildPolicy:      engine.ChildPolicy(in.DefaultChildPolicy),
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.registeredEngine(ctx, in.Domain)
	if err != nil {
		return nil, err
	}
	if err := eng.RegisterWorkflowType(ctx, info); err != nil {
		return nil, errorFault(err, "type", wfTypeString(info.WorkflowType))
	}
	return nil, nil
}

func registerActivityType(s *Server, ctx context.Context, in *swfwire.RegisterActivityTypeInput) (any, error) {
	var v validator
	v.str("domain", in.Domain, 256)
	v.str("name", in.Name, 256)
	v.str("version", in.Version, 64)
	v.maxLen("description", in.Description, 1024)
	v.taskList("defaultTaskList", in.DefaultTaskList, false)
	info := engine.ActivityTypeInfo{
		ActivityType:    engine.ActivityType{Name: in.Name, Version: in.Version},
		DefaultTaskList: in.DefaultTaskList.NameOf(),
		ActivityTimeouts: engine.ActivityTimeouts{
			ScheduleToStart: time.Duration(v.duration("defaultTaskScheduleToStartTimeout", in.DefaultTaskScheduleToStartTimeout)),
			StartToClose:    time.Duration(v.duration("defaultTaskStartToCloseTimeout", in.DefaultTaskStartToCloseTimeout)),
			ScheduleToClose: time.Duration(v.duration("defaultTaskScheduleToCloseTimeout", in.DefaultTaskScheduleToCloseTimeout)),
			Heartbeat:       time.Duration(v.duration("defaultTaskHeartbeatTimeout", in.DefaultTaskHeartbeatTimeout)),
		},
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	eng, err := s.registeredEngine(ctx, in.Domain)
	if err != nil {
		return nil, err
	}
	if err := eng.RegisterActivityType(ctx, info); err != nil {
		return nil, errorFault(err, "type", acTypeString(info.ActivityType))
	}
	return nil, nil
}

func (v *validator) wfTypeRequest(in *swfwire.WorkflowTypeRequest) {
	v.str("domain", in.Domain, 256)
	v.workflowType("workflowType", in.WorkflowType)
}

func (v *validator) acTypeRequest(in *swfwire.ActivityTypeRequest) {
	v.str("domain", in.Domain, 256)
	v.activityType("activityType", in.ActivityType)
}

func wfTypeInfoToWire(d *engine.WorkflowTypeDetail) swfwire.WorkflowTypeInfo {
	return swfwire.WorkflowTypeInfo{
		WorkflowType:    *swfwire.WorkflowTypeOf(d.WorkflowType),
		Status:          string(d.Status),
		Description:     d.Description,
		CreationDate:    swfwire.TimeOf(d.Created),
		DeprecationDate: swfwire.TimeOf(d.DeprecatedSince),
	}
}

func acTypeInfoToWire(d *engine.ActivityTypeDetail) swfwire.ActivityTypeInfo {
	return swfwire.ActivityTypeInfo{
		ActivityType:    *swfwire.ActivityTypeOf(d.ActivityType),
		Status:          string(d.Status),
		Description:     d.Description,
		CreationDate:    swfwire.TimeOf(d.Created),
		DeprecationDate: swfwire.TimeOf(d.DeprecatedSince),
	}
}

func describeWorkflowType(s *Server, ctx context.Context, in *swfwire.WorkflowTypeRequest) (any, error) {
	var v validator
	v.wfTypeRequest(in)
	if err := v.err(); err != nil {
		return nil, err
	}
	ta, err := s.typeAdmin(in.Domain, "DescribeWorkflowType")
	if err != nil {
		return nil, err
	}
	t := in.WorkflowType.Engine()
	d, err := ta.DescribeWorkflowType(ctx, t)
	if err != nil {
		return nil, errorFault(err, "type", wfTypeString(t))
	}
	return &swfwire.WorkflowTypeDetail{
		TypeInfo: wfTypeInfoToWire(d),
		Configuration: swfwire.WorkflowTypeConfiguration{
			DefaultTaskStartToCloseTimeout:      swfwire.FormatDuration(d.DefaultDecisionTimeout),
			DefaultExecutionStartToCloseTimeout: swfwire.FormatDuration(d.DefaultExecutionTimeout),
			DefaultTaskList:                     swfwire.TaskListOf(d.DefaultTaskList),
			DefaultChildPolicy:                  string(d.DefaultChildPolicy),
		},
	}, nil
}

func describeActivityType(s *Server, ctx context.Context, in *swfwire.ActivityTypeRequest) (any, error) {
	var v validator
	v.acTypeRequest(in)
	if err := v.err(); err != nil {
		return nil, err
	}
	ta, err := s.typeAdmin(in.Domain, "DescribeActivityType")
	if err != nil {
		return nil, err
	}
	t := in.ActivityType.Engine()
	d, err := ta.DescribeActivityType(ctx, t)
	if err != nil {
		return nil, errorFault(err, "type", acTypeString(t))
	}
	return &swfwire.ActivityTypeDetail{
		TypeInfo: acTypeInfoToWire(d),
		Configuration: swfwire.ActivityTypeConfiguration{
			DefaultTaskStartToCloseTimeout:    swfwire.FormatDuration(d.StartToClose),
			DefaultTaskHeartbeatTimeout:       swfwire.FormatDuration(d.Heartbeat),
			DefaultTaskList:                   swfwire.TaskListOf(d.DefaultTaskList),
			DefaultTaskScheduleToStartTimeout: swfwire.FormatDuration(d.ScheduleToStart),
			DefaultTaskScheduleToCloseTimeout: swfwire.FormatDuration(d.ScheduleToClose),
		},
	}, nil
}

func (v *validator) listTypes(in *swfwire.ListTypesInput) {
	v.str("domain", in.Domain, 256)
	v.maxLen("name", in.Name, 256)
	v.registrationStatus(in.RegistrationStatus)
	v.pageSize(in.MaximumPageSize)
	v.maxLen("nextPageToken", in.NextPageToken, 2048)
}

func listWorkflowTypes(s *Server, ctx context.Context, in *swfwire.ListTypesInput) (any, error) {
	infos, next, err := listTypes(s, ctx, in, "ListWorkflowTypes", engine.TypeAdmin.ListWorkflowTypes,
		func(d engine.WorkflowTypeDetail) []string { return []string{d.Name, d.Version} }, wfTypeInfoToWire)
	if err != nil {
		return nil, err
	}
	return &swfwire.WorkflowTypeInfos{TypeInfos: infos, NextPageToken: next}, nil
}

func listActivityTypes(s *Server, ctx context.Context, in *swfwire.ListTypesInput) (any, error) {
	infos, next, err := listTypes(s, ctx, in, "ListActivityTypes", engine.TypeAdmin.ListActivityTypes,
		func(d engine.ActivityTypeDetail) []string { return []string{d.Name, d.Version} }, acTypeInfoToWire)
	if err != nil {
		return nil, err
	}
	return &swfwire.ActivityTypeInfos{TypeInfos: infos, NextPageToken: next}, nil
}

// listTypes serves ListWorkflowTypes and ListActivityTypes: the same
// validation, listing and paging, over workflow or activity types: key is a
// type's page key, wire its wire form.
func listTypes[D, W any](s *Server, ctx context.Context, in *swfwire.ListTypesInput, op string,
	list func(engine.TypeAdmin, context.Context, engine.TypeStatus, string) ([]D, error),
	key func(D) []string, wire func(*D) W) ([]W, string, error) {
	var v validator
	v.listTypes(in)
	if err := v.err(); err != nil {
		return nil, "", err
	}
	ta, err := s.typeAdmin(in.Domain, op)
	if err != nil {
		return nil, "", err
	}
	all, err := list(ta, ctx, engine.TypeStatus(in.RegistrationStatus), in.Name)
	if err != nil {
		return nil, "", errorFault(err, "", "")
	}
	items, next, err := paginate(s, op, in.Domain, in.NextPageToken, in.MaximumPageSize, in.ReverseOrder, all, key)
	if err != nil {
		return nil, "", err
	}
	out := []W{}
	for i := range items {
		out = append(out, wire(&items[i]))
	}
	return out, next, nil
}

func deprecateWorkflowType(s *Server, ctx context.Context, in *swfwire.WorkflowTypeRequest) (any, error) {
	var v validator
	v.wfTypeRequest(in)
	if err := v.err(); err != nil {
		return nil, err
	}
	ta, err := s.typeAdmin(in.Domain, "DeprecateWorkflowType")
	if err != nil {
		return nil, err
	}
	t := in.WorkflowType.Engine()
	if err := ta.DeprecateWorkflowType(ctx, t); err != nil {
		return nil, errorFault(err, "type", wfTypeString(t))
	}
	return nil, nil
}

func deprecateActivityType(s *Server, ctx context.Context, in *swfwire.ActivityTypeRequest) (any, error) {
	var v validator
	v.acTypeRequest(in)
	if err := v.err(); err != nil {
		return nil, err
	}
	ta, err := s.typeAdmin(in.Domain, "DeprecateActivityType")
	if err != nil {
		return nil, err
	}
	t := in.ActivityType.Engine()
	if err := ta.DeprecateActivityType(ctx, t); err != nil {
		return nil, errorFault(err, "type", acTypeString(t))
	}
	return nil, nil
}
