package swfserver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
)

// Domains is where a [Server] keeps its SWF domains: their registration, and
// one engine per domain, which holds the domain's types and executions.
//
// An implementation is the only state a server has (besides the key that
// signs its tokens, see [Options.TokenKey]): a durable one (SQLite) makes a
// durable server. All methods must be safe for concurrent use. Errors follow
// package engine's convention: wrap [engine.ErrUnknownResource] for an
// unknown domain, and [ErrDomainAlreadyExists] or [ErrDomainDeprecated] as
// documented below; the server turns them into SWF's faults.
type Domains interface {
	// RegisterDomain registers a new domain, with d.Status
	// engine.TypeRegistered. A domain of that name, registered or
	// deprecated, is an error wrapping ErrDomainAlreadyExists.
	RegisterDomain(ctx context.Context, d Domain) error
	// DescribeDomain returns a domain, registered or deprecated.
	DescribeDomain(ctx context.Context, name string) (*Domain, error)
	// ListDomains returns the domains with the status (all of them for
	// ""), ordered by name.
	ListDomains(ctx context.Context, status engine.TypeStatus) ([]Domain, error)
	// DeprecateDomain deprecates a registered domain: it can no longer
	// register types or start executions, but its executions carry on and
	// everything else works. A deprecated domain is an error wrapping
	// ErrDomainDeprecated.
	DeprecateDomain(ctx context.Context, name string) error
	// Engine returns the engine of a domain, registered or deprecated. The
	// server calls it for every request that names a domain, so it should
	// be cheap; the engine stays owned by the Domains.
	Engine(name string) (engine.Engine, error)
}

// Domain is a registered SWF domain.
type Domain struct {
	Name        string
	Description string
	// RetentionDays is how long closed executions are kept, in days (SWF's
	// workflowExecutionRetentionPeriodInDays, 0 to 90). Implementations may
	// keep them longer; the memory one keeps them until it is closed.
	RetentionDays int
	Status        engine.TypeStatus
}

// Errors of [Domains].
var (
	ErrDomainAlreadyExists = errors.New("domain already exists")
	ErrDomainDeprecated    = errors.New("domain deprecated")
)

// MemoryDomains is an in-memory [Domains]: one [memory.Engine] per domain,
// nothing durable. Create it with [NewMemoryDomains]; Close closes its
// engines.
type MemoryDomains struct {
	mu      sync.Mutex
	domains map[string]*memoryDomain
	closed  bool
}

type memoryDomain struct {
	d   Domain
	eng *memory.Engine
}

var _ Domains = (*MemoryDomains)(nil)

// NewMemoryDomains returns an empty MemoryDomains.
func NewMemoryDomains() *MemoryDomains {
	return &MemoryDomains{domains: make(map[string]*memoryDomain)}
}

func unknownDomain(name string) error {
	return fmt.Errorf("swfserver: domain %s: %w", name, engine.ErrUnknownResource)
}

// RegisterDomain implements [Domains].
func (m *MemoryDomains) RegisterDomain(ctx context.Context, d Domain) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("swfserver: register domain %s: %w", d.Name, engine.ErrClosed)
	}
	if _, ok := m.domains[d.Name]; ok {
		return fmt.Errorf("swfserver: register domain %s: %w", d.Name, ErrDomainAlreadyExists)
	}
	d.Status = engine.TypeRegistered
	m.domains[d.Name] = &memoryDomain{d: d, eng: memory.New(memory.Options{})}
	return nil
}

// DescribeDomain implements [Domains].
func (m *MemoryDomains) DescribeDomain(ctx context.Context, name string) (*Domain, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	md, ok := m.domains[name]
	if !ok {
		return nil, unknownDomain(name)
	}
	d := md.d
	return &d, nil
}

// ListDomains implements [Domains].
func (m *MemoryDomains) ListDomains(ctx context.Context, status engine.TypeStatus) ([]Domain, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Domain
	for _, md := range m.domains {
		if status == "" || md.d.Status == status {
			out = append(out, md.d)
		}
	}
	slices.SortFunc(out, func(a, b Domain) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// DeprecateDomain implements [Domains].
func (m *MemoryDomains) DeprecateDomain(ctx context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	md, ok := m.domains[name]
	switch {
	case !ok:
		return unknownDomain(name)
	case md.d.Status == engine.TypeDeprecated:
		return fmt.Errorf("swfserver: deprecate domain %s: %w", name, ErrDomainDeprecated)
	}
	md.d.Status = engine.TypeDeprecated
	return nil
}

// Engine implements [Domains].
func (m *MemoryDomains) Engine(name string) (engine.Engine, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	md, ok := m.domains[name]
	if !ok {
		return nil, unknownDomain(name)
	}
	return md.eng, nil
}

// Close closes every domain's engine; later registrations fail with an
// error wrapping [engine.ErrClosed].
func (m *MemoryDomains) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	var errs []error
	for _, md := range m.domains {
		errs = append(errs, md.eng.Close())
	}
	return errors.Join(errs...)
}
