package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// DB is one SQLite file holding the state of one or more domains, each
// served by its own [Engine] (see [OpenDomain]). One writer goroutine commits
// the batches of all its domains (group commit). Create one with [OpenDB].
type DB struct {
	path   string
	log    *slog.Logger
	writer *sql.DB // one connection, used only by the writer goroutine
	reader *sql.DB // read-only connections: closed runs, recovery
	ckpt   *sql.DB // one connection, used only by the checkpointer goroutine
	lock   *os.File

	wake       chan struct{} // cap 1: jobs are queued
	writerDone chan struct{}
	ckptWake   chan struct{} // cap 1: the WAL has grown
	ckptDone   chan struct{}

	durable atomic.Uint64 // mirrors durableSeq, for a lock-free fast path
	stats   struct{ commits, batches, records, busy atomic.Int64 }

	mu         sync.Mutex
	queue      []job
	spare      []job
	appended   uint64        // sequence number of the last job queued
	durableSeq uint64        // every job up to this one is committed
	commitCh   chan struct{} // closed (and replaced) after each commit
	err        error         // sticky: set when a commit failed or the DB closed
	closing    bool          // Close: commit what is queued, then stop
	abandoned  bool          // tests: stop at once, committing nothing more
	domains    map[string]*Engine
}

// job is one unit of the writer's work: a batch of a domain's records, or a
// maintenance function run in the same transaction as the batches around it.
type job struct {
	seq    uint64
	domain string
	recs   []memory.Record
	attrs  []string // the JSON of the attributes of recs' events
	fn     func(ctx context.Context, w *wconn) error
}

// walPages is the size of the WAL, in pages, at which the writer
// checkpoints (16 MB with 4 KB pages).
const walPages = 4096

var errDBClosed = fmt.Errorf("sqlite: database closed: %w", engine.ErrClosed)

// OpenDB opens (creating it if needed) the SQLite file at path, for
// [OpenDomain]. It uses opts.Synchronous and opts.Logger; Retention is set
// per domain. The file may be used by one process at a time: a second OpenDB
// of the same file, from this or another process, fails while the first is
// open (an advisory lock on path+".lock", where the platform has flock).
func OpenDB(path string, opts Options) (*DB, error) {
	sync := strings.ToUpper(opts.Synchronous)
	switch sync {
	case "":
		sync = "NORMAL"
	case "NORMAL", "FULL", "EXTRA":
	default:
		return nil, fmt.Errorf("sqlite: Synchronous %q: want NORMAL, FULL or EXTRA: %w", opts.Synchronous, engine.ErrInvalidArgument)
	}
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: %q: want the path of a file: %w", path, engine.ErrInvalidArgument)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lock, err := lockFile(abs + ".lock")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s is in use: %w", path, err)
	}
	db := &DB{
		path:       path,
		log:        log,
		lock:       lock,
		wake:       make(chan struct{}, 1),
		writerDone: make(chan struct{}),
		ckptWake:   make(chan struct{}, 1),
		ckptDone:   make(chan struct{}),
		commitCh:   make(chan struct{}),
		domains:    map[string]*Engine{},
	}
	fail := func(err error) (*DB, error) {
		db.closeFiles()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	dsn := func(params ...string) string {
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
		if !strings.HasPrefix(u.Path, "/") { // Windows: file:///C:/...
			u.Path = "/" + u.Path
		}
		u.RawQuery = strings.Join(append([]string{"_pragma=busy_timeout(10000)"}, params...), "&")
		return u.String()
	}
	// The checkpointer goroutine copies the WAL into the database on its own
	// connection, so that the copying does not hold up commits. But SQLite
	// starts the WAL over only when a checkpoint has copied all of it, which
	// under a steady load only the writer itself can do: it checkpoints once
	// the WAL reaches walPages pages (most of them already copied).
	if db.writer, err = sql.Open("sqlite", dsn("_pragma=journal_mode(WAL)", "_pragma=synchronous("+sync+")",
		fmt.Sprintf("_pragma=wal_autocheckpoint(%d)", walPages))); err != nil {
		return fail(err)
	}
	db.writer.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		conn.Close()
		return fail(err)
	}
	if !strings.EqualFold(mode, "wal") {
		conn.Close()
		return fail(fmt.Errorf("journal mode is %q, not WAL", mode))
	}
	if err := createSchema(ctx, conn); err != nil {
		conn.Close()
		return fail(err)
	}
	if db.reader, err = sql.Open("sqlite", dsn("_pragma=query_only(1)")); err != nil {
		conn.Close()
		return fail(err)
	}
	db.reader.SetMaxOpenConns(4)
	db.reader.SetMaxIdleConns(4)
	if db.ckpt, err = sql.Open("sqlite", dsn("_pragma=synchronous("+sync+")", "_pragma=wal_autocheckpoint(0)")); err != nil {
		conn.Close()
		return fail(err)
	}
	db.ckpt.SetMaxOpenConns(1)
	ready := make(chan error, 1)
	go db.write(conn, ready)
	if err := <-ready; err != nil {
		<-db.writerDone
		return fail(err)
	}
	go db.checkpointer()
	return db, nil
}

// closeFiles closes the connections and releases the lock.
func (db *DB) closeFiles() {
	for _, c := range []*sql.DB{db.writer, db.reader, db.ckpt} {
		if c != nil {
			c.Close()
		}
	}
	if db.lock != nil {
		unlockFile(db.lock)
	}
}

// Path returns the path the DB was opened with.
func (db *DB) Path() string { return db.path }

// Stats count the writer's work since the DB was opened.
type Stats struct {
	Commits int64 // transactions committed
	Batches int64 // batches (and maintenance jobs) they held
	Records int64 // records they held: events and type changes
	// Busy is the time the writer spent in transactions.
	Busy time.Duration
}

// Stats returns the writer's counts so far: Batches/Commits is how many
// state changes one group commit carries on average.
func (db *DB) Stats() Stats {
	return Stats{Commits: db.stats.commits.Load(), Batches: db.stats.batches.Load(), Records: db.stats.records.Load(),
		Busy: time.Duration(db.stats.busy.Load())}
}

// Domains lists the domains that have ever been opened in the file, in name
// order.
func (db *DB) Domains(ctx context.Context) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT domain FROM domains ORDER BY domain`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: listing domains: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("sqlite: listing domains: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Close closes the engines of the domains still open, commits what they
// queued, and closes the file. Closing again does nothing.
func (db *DB) Close() error {
	db.mu.Lock()
	engines := db.openEngines()
	db.mu.Unlock()
	for _, e := range engines {
		e.Close()
	}
	db.mu.Lock()
	if db.closing || db.abandoned {
		db.mu.Unlock()
		<-db.writerDone
		return nil
	}
	db.closing = true
	db.mu.Unlock()
	db.signal()
	<-db.writerDone
	<-db.ckptDone
	db.mu.Lock()
	err := db.err
	if db.err == nil {
		db.err = errDBClosed
	}
	db.mu.Unlock()
	db.closeFiles()
	if err != nil && !errors.Is(err, engine.ErrClosed) {
		return err
	}
	return nil
}

// openEngines returns the engines of the open domains; db.mu is held.
func (db *DB) openEngines() []*Engine {
	engines := make([]*Engine, 0, len(db.domains))
	for _, e := range db.domains {
		if e != nil {
			engines = append(engines, e)
		}
	}
	return engines
}

// abandon stops the DB as a killed process would: the writer stops at once,
// jobs not yet committed are lost, and waiters get an error. For tests.
func (db *DB) abandon() {
	db.mu.Lock()
	db.abandoned = true
	if db.err == nil {
		db.err = fmt.Errorf("sqlite: abandoned: %w", engine.ErrClosed)
	}
	close(db.commitCh)
	db.commitCh = make(chan struct{})
	engines := db.openEngines()
	db.mu.Unlock()
	db.signal()
	<-db.writerDone
	<-db.ckptDone
	for _, e := range engines {
		e.core.Close()
		e.stopSweeper()
	}
	db.closeFiles()
}

func (db *DB) signal() {
	select {
	case db.wake <- struct{}{}:
	default:
	}
}

// appendBatch queues a batch of domain's records, or a maintenance function,
// and returns its sequence number. The records' attributes are encoded here,
// in the caller's goroutine (for an engine's batch, under its lock), to keep
// the writer's work, which is serial, small.
func (db *DB) appendBatch(domain string, recs []memory.Record, fn func(context.Context, *wconn) error) uint64 {
	var attrs []string
	var encErr error
	if len(recs) > 0 {
		attrs = make([]string, len(recs))
		for i := range recs {
			if recs[i].Event.Attr != nil {
				attrs[i], encErr = encodeAttr(recs[i].Event.Attr)
				if encErr != nil {
					break
				}
			}
		}
	}
	db.mu.Lock()
	db.appended++
	seq := db.appended
	if encErr != nil {
		db.failLocked(encErr)
	}
	if db.err == nil {
		db.queue = append(db.queue, job{seq: seq, domain: domain, recs: recs, attrs: attrs, fn: fn})
	} // else: never committed; wait reports db.err
	db.mu.Unlock()
	db.signal()
	return seq
}

// failLocked records the error that stops the DB and closes its engines:
// their memory holds changes that are not durable and never will be, so
// they must stop, and be opened again. db.mu is held.
func (db *DB) failLocked(err error) {
	if db.err != nil {
		return
	}
	db.err = fmt.Errorf("sqlite: writing %s: %w", db.path, err)
	db.queue = nil // nothing after a lost batch may be committed
	db.log.Error("sqlite: write failed; closing the engines", "err", err)
	for _, e := range db.openEngines() {
		go e.core.Close()
	}
	close(db.commitCh)
	db.commitCh = make(chan struct{})
}

// wait blocks until job seq is committed.
func (db *DB) wait(seq uint64) error {
	if db.durable.Load() >= seq {
		return nil
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	for db.durableSeq < seq {
		if db.err != nil {
			return db.err
		}
		ch := db.commitCh
		db.mu.Unlock()
		<-ch
		db.mu.Lock()
	}
	return nil
}
