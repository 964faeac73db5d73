package swfserver

import (
	"context"
	"strconv"
	"strings"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/internal/swfwire"
)

// maxRetentionDays is SWF's longest retention period.
const maxRetentionDays = 90

// registrationStatus checks a required registrationStatus member.
func (v *validator) registrationStatus(s string) {
	if v.required("registrationStatus", s != "") {
		v.enum("registrationStatus", s, string(engine.TypeRegistered), string(engine.TypeDeprecated))
	}
}

// domainName checks a domain name as SWF does: 1 to 256 characters, no ':',
// '/', '|' nor control characters, not "arn".
func (v *validator) domainName(path, name string) {
	v.str(path, name, 256)
	bad := name == "arn" || strings.ContainsAny(name, ":/|")
	for _, r := range name {
		if r < 0x20 || 0x7f <= r && r <= 0x9f {
			bad = true
		}
	}
	if bad {
		v.add(quote(name), path, "Member must not contain ':', '/', '|' or control characters, and must not be 'arn'")
	}
}

// engine returns the engine of a domain.
func (s *Server) engine(domain string) (engine.Engine, error) {
	eng, err := s.domains.Engine(domain)
	if err != nil {
		return nil, errorFault(err, "domain", domain)
	}
	return eng, nil
}

// registeredEngine returns the engine of a domain that is not deprecated,
// for the operations that create types or executions.
func (s *Server) registeredEngine(ctx context.Context, domain string) (engine.Engine, error) {
	d, err := s.domains.DescribeDomain(ctx, domain)
	if err != nil {
		return nil, errorFault(err, "domain", domain)
	}
	if d.Status == engine.TypeDeprecated {
		return nil, newFault(swfwire.FaultDomainDeprecated, "%s", domain)
	}
	return s.engine(domain)
}

func registerDomain(s *Server, ctx context.Context, in *swfwire.RegisterDomainInput) (any, error) {
	var v validator
	v.domainName("name", in.Name)
	v.maxLen("description", in.Description, 1024)
	v.str("workflowExecutionRetentionPeriodInDays", in.WorkflowExecutionRetentionPeriodInDays, 8)
	days := 0
	if r := in.WorkflowExecutionRetentionPeriodInDays; r != "" && r != swfwire.NONE {
		n, err := strconv.Atoi(r)
		if err != nil || n < 0 {
			v.add(quote(r), "workflowExecutionRetentionPeriodInDays", "Member must be a number of days or NONE")
		}
		days = n
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if days > maxRetentionDays {
		return nil, newFault(swfwire.FaultLimitExceeded, "workflowExecutionRetentionPeriodInDays %d is over the limit of %d days", days, maxRetentionDays)
	}
	err := s.domains.RegisterDomain(ctx, Domain{Name: in.Name, Description: in.Description, RetentionDays: days})
	if err != nil {
		return nil, errorFault(err, "domain", in.Name)
	}
	return nil, nil
}

func domainToWire(d Domain) swfwire.DomainInfo {
	return swfwire.DomainInfo{Name: d.Name, Status: string(d.Status), Description: d.Description}
}

func describeDomain(s *Server, ctx context.Context, in *swfwire.DescribeDomainInput) (any, error) {
	var v validator
	v.str("name", in.Name, 256)
	if err := v.err(); err != nil {
		return nil, err
	}
	d, err := s.domains.DescribeDomain(ctx, in.Name)
	if err != nil {
		return nil, errorFault(err, "domain", in.Name)
	}
	return &swfwire.DomainDetail{
		DomainInfo:    domainToWire(*d),
		Configuration: swfwire.DomainConfiguration{WorkflowExecutionRetentionPeriodInDays: strconv.Itoa(d.RetentionDays)},
	}, nil
}

func listDomains(s *Server, ctx context.Context, in *swfwire.ListDomainsInput) (any, error) {
	var v validator
	v.registrationStatus(in.RegistrationStatus)
	v.pageSize(in.MaximumPageSize)
	v.maxLen("nextPageToken", in.NextPageToken, 2048)
	if err := v.err(); err != nil {
		return nil, err
	}
	all, err := s.domains.ListDomains(ctx, engine.TypeStatus(in.RegistrationStatus))
	if err != nil {
		return nil, errorFault(err, "", "")
	}
	items, next, err := paginate(s, "ListDomains", "", in.NextPageToken, in.MaximumPageSize, in.ReverseOrder, all,
		func(d Domain) []string { return []string{d.Name} })
	if err != nil {
		return nil, err
	}
	out := &swfwire.DomainInfos{DomainInfos: []swfwire.DomainInfo{}, NextPageToken: next}
	for _, d := range items {
		out.DomainInfos = append(out.DomainInfos, domainToWire(d))
	}
	return out, nil
}

func deprecateDomain(s *Server, ctx context.Context, in *swfwire.DeprecateDomainInput) (any, error) {
	var v validator
	v.str("name", in.Name, 256)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.domains.DeprecateDomain(ctx, in.Name); err != nil {
		return nil, errorFault(err, "domain", in.Name)
	}
	return nil, nil
}
