// Package swfdomains keeps flowy server's SWF domains in one SQLite file:
// the domains' registrations (name, description, retention, status) and the
// key that signs the server's task tokens, beside the domains' engines
// (package sqlite, one engine per domain). With it, `flowy server -engine
// sqlite -db FILE` is durable: a restarted server has its domains, types and
// executions back, and task tokens it handed out before stay valid.
package swfdomains

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/sqlite"
	"github.com/flowy-go/flowy/swfserver"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

const schema = `
CREATE TABLE IF NOT EXISTS swf_domains (
	name           TEXT PRIMARY KEY,
	description    TEXT NOT NULL,
	retention_days INTEGER NOT NULL,
	status         TEXT NOT NULL,
	created        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS swf_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
`

// Domains implements swfserver.Domains on a SQLite file.
type Domains struct {
	db   *sqlite.DB
	meta *sql.DB
	key  []byte

	mu      sync.Mutex
	engines map[string]*sqlite.Engine
	closed  bool
}

var _ swfserver.Domains = (*Domains)(nil)

// Open opens (or creates) the file and the engines of its registered domains.
func Open(path string, opts sqlite.Options) (*Domains, error) {
	db, err := sqlite.OpenDB(path, opts)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		db.Close()
		return nil, err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "_pragma=busy_timeout(10000)"}
	meta, err := sql.Open("sqlite", u.String())
	if err != nil {
		db.Close()
		return nil, err
	}
	meta.SetMaxOpenConns(1)
	d := &Domains{db: db, meta: meta, engines: map[string]*sqlite.Engine{}}
	if err := d.init(context.Background()); err != nil {
		d.Close()
		return nil, fmt.Errorf("swfdomains: %s: %w", path, err)
	}
	return d, nil
}

func (d *Domains) init(ctx context.Context) error {
	if _, err := d.meta.ExecContext(ctx, schema); err != nil {
		return err
	}
	var hexKey string
	err := d.meta.QueryRowContext(ctx, `SELECT value FROM swf_meta WHERE key = 'token_key'`).Scan(&hexKey)
	if errors.Is(err, sql.ErrNoRows) {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		hexKey = hex.EncodeToString(k)
		if _, err := d.meta.ExecContext(ctx, `INSERT INTO swf_meta (key, value) VALUES ('token_key', ?) ON CONFLICT DO NOTHING`, hexKey); err != nil {
			return err
		}
		if err := d.meta.QueryRowContext(ctx, `SELECT value FROM swf_meta WHERE key = 'token_key'`).Scan(&hexKey); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if d.key, err = hex.DecodeString(hexKey); err != nil {
		return fmt.Errorf("token key: %w", err)
	}
	all, err := d.ListDomains(ctx, "")
	if err != nil {
		return err
	}
	for _, dom := range all {
		if _, err := d.open(dom); err != nil {
			return err
		}
	}
	return nil
}

// TokenKey is the key that signs the server's tokens, kept in the file (give
// it to swfserver.Options.TokenKey).
func (d *Domains) TokenKey() []byte { return slices.Clone(d.key) }

// DB is the SQLite file's handle.
func (d *Domains) DB() *sqlite.DB { return d.db }

func retention(days int) time.Duration { return time.Duration(days) * 24 * time.Hour }

// open opens a domain's engine; d.mu is held or the Domains is new.
func (d *Domains) open(dom swfserver.Domain) (*sqlite.Engine, error) {
	if e := d.engines[dom.Name]; e != nil {
		return e, nil
	}
	e, err := sqlite.OpenDomain(d.db, dom.Name, retention(dom.RetentionDays))
	if err != nil {
		return nil, fmt.Errorf("swfdomains: opening domain %s: %w", dom.Name, err)
	}
	d.engines[dom.Name] = e
	return e, nil
}

// RegisterDomain implements swfserver.Domains.
func (d *Domains) RegisterDomain(ctx context.Context, dom swfserver.Domain) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("swfdomains: register domain %s: %w", dom.Name, engine.ErrClosed)
	}
	res, err := d.meta.ExecContext(ctx, `INSERT INTO swf_domains (name, description, retention_days, status, created)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		dom.Name, dom.Description, dom.RetentionDays, string(engine.TypeRegistered), time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("swfdomains: register domain %s: %w", dom.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("swfdomains: register domain %s: %w", dom.Name, swfserver.ErrDomainAlreadyExists)
	}
	dom.Status = engine.TypeRegistered
	_, err = d.open(dom)
	return err
}

// DescribeDomain implements swfserver.Domains.
func (d *Domains) DescribeDomain(ctx context.Context, name string) (*swfserver.Domain, error) {
	var dom swfserver.Domain
	var status string
	err := d.meta.QueryRowContext(ctx, `SELECT name, description, retention_days, status FROM swf_domains WHERE name = ?`, name).
		Scan(&dom.Name, &dom.Description, &dom.RetentionDays, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("swfdomains: domain %s: %w", name, engine.ErrUnknownResource)
	}
	if err != nil {
		return nil, fmt.Errorf("swfdomains: domain %s: %w", name, err)
	}
	dom.Status = engine.TypeStatus(status)
	return &dom, nil
}

// ListDomains implements swfserver.Domains.
func (d *Domains) ListDomains(ctx context.Context, status engine.TypeStatus) ([]swfserver.Domain, error) {
	rows, err := d.meta.QueryContext(ctx, `SELECT name, description, retention_days, status FROM swf_domains`)
	if err != nil {
		return nil, fmt.Errorf("swfdomains: listing domains: %w", err)
	}
	defer rows.Close()
	var out []swfserver.Domain
	for rows.Next() {
		var dom swfserver.Domain
		var st string
		if err := rows.Scan(&dom.Name, &dom.Description, &dom.RetentionDays, &st); err != nil {
			return nil, err
		}
		dom.Status = engine.TypeStatus(st)
		if status == "" || dom.Status == status {
			out = append(out, dom)
		}
	}
	slices.SortFunc(out, func(a, b swfserver.Domain) int { return cmp.Compare(a.Name, b.Name) })
	return out, rows.Err()
}

// DeprecateDomain implements swfserver.Domains.
func (d *Domains) DeprecateDomain(ctx context.Context, name string) error {
	dom, err := d.DescribeDomain(ctx, name)
	if err != nil {
		return err
	}
	if dom.Status == engine.TypeDeprecated {
		return fmt.Errorf("swfdomains: deprecate domain %s: %w", name, swfserver.ErrDomainDeprecated)
	}
	_, err = d.meta.ExecContext(ctx, `UPDATE swf_domains SET status = ? WHERE name = ?`, string(engine.TypeDeprecated), name)
	return err
}

// Engine implements swfserver.Domains.
func (d *Domains) Engine(name string) (engine.Engine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e := d.engines[name]; e != nil {
		return e, nil
	}
	return nil, fmt.Errorf("swfdomains: domain %s: %w", name, engine.ErrUnknownResource)
}

// Close closes the engines and the file.
func (d *Domains) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	var errs []error
	for _, e := range d.engines {
		errs = append(errs, e.Close())
	}
	errs = append(errs, d.meta.Close(), d.db.Close())
	return errors.Join(errs...)
}

// String names the file, for logs.
func (d *Domains) String() string { return "sqlite domains in " + strings.TrimSpace(d.db.Path()) }
