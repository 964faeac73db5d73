package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
)

// The writer goroutine owns one connection, which it drives through the
// driver's own interface (database/sql.Conn.Raw): database/sql's per-call
// bookkeeping would cost the serial writer more than the inserts themselves.

// wconn is the writer's connection and its prepared statements.
type wconn struct {
	conn  driver.Conn
	stmts struct {
		begin, commit, rollback, run, close, typ, domain, runKey driver.Stmt
		events                                                   [len(eventChunks)]driver.Stmt
	}
	// runKeys holds the runs.seq of the open runs.
	runKeys map[runKey]int64
	// The event rows of the transaction in progress, not yet inserted.
	evArgs []driver.NamedValue
	evRows int
}

// runKey names a run in the writer's map.
type runKey struct{ domain, runID string }

// eventChunks are the row counts of the multi-row event inserts: the rows of
// a transaction go in as few statements as their count's binary digits.
var eventChunks = [...]int{64, 32, 16, 8, 4, 2, 1}

// eventColumns is the number of columns of an event row.
const eventColumns = 5

// yieldBelow: when the writer finds fewer jobs than this queued, it yields
// once before taking them, so that the callers its last commit released can
// queue their next batches and share the next commit.
const yieldBelow = 8

// Checkpoints: the writer wakes the checkpointer every checkpointEvery
// commits, and the checkpointer also runs every checkpointInterval.
const (
	checkpointEvery    = 500
	checkpointInterval = time.Second
)

// write is the writer goroutine: it takes every job queued so far and
// commits them in one transaction, until the DB closes. It reports on ready
// whether its statements could be prepared.
func (db *DB) write(conn *sql.Conn, ready chan<- error) {
	defer close(db.writerDone)
	defer close(db.ckptWake) // stops the checkpointer
	defer conn.Close()
	err := conn.Raw(func(dc any) error {
		w := &wconn{conn: dc.(driver.Conn), runKeys: map[runKey]int64{}}
		if err := w.prepare(); err != nil {
			return err
		}
		defer w.close()
		ready <- nil
		db.loop(w)
		return nil
	})
	if err != nil {
		ready <- err
	}
}

// loop commits jobs until the DB closes.
func (db *DB) loop(w *wconn) {
	commits := 0
	for {
		db.mu.Lock()
		for len(db.queue) == 0 && !db.closing && !db.abandoned {
			db.mu.Unlock()
			<-db.wake
			db.mu.Lock()
		}
		if db.abandoned || len(db.queue) == 0 { // abandoned, or closing with nothing left
			db.mu.Unlock()
			return
		}
		if len(db.queue) < yieldBelow && !db.closing {
			db.mu.Unlock()
			runtime.Gosched()
			db.mu.Lock()
		}
		jobs := db.queue
		db.queue = db.spare[:0]
		db.mu.Unlock()

		start := time.Now()
		err := w.commit(jobs)
		d := time.Since(start)
		if d > time.Second {
			db.log.Warn("sqlite: slow commit", "jobs", len(jobs), "duration", d)
		}

		db.mu.Lock()
		if err == nil && db.err == nil {
			db.durableSeq = jobs[len(jobs)-1].seq
			db.durable.Store(db.durableSeq)
			db.stats.commits.Add(1)
			db.stats.batches.Add(int64(len(jobs)))
			db.stats.busy.Add(int64(d))
			for _, j := range jobs {
				db.stats.records.Add(int64(len(j.recs)))
			}
			close(db.commitCh)
			db.commitCh = make(chan struct{})
			if commits++; commits%checkpointEvery == 0 {
				select {
				case db.ckptWake <- struct{}{}:
				default:
				}
			}
		} else if err != nil {
			db.failLocked(err)
		}
		clear(jobs)
		db.spare = jobs[:0]
		db.mu.Unlock()
	}
}

// checkpointer copies the WAL into the database file in the background
// (PRAGMA wal_checkpoint(PASSIVE) never blocks the writer), so that the
// writer starts the WAL over once all of it is copied. It stops when the
// writer does.
func (db *DB) checkpointer() {
	defer close(db.ckptDone)
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case _, ok := <-db.ckptWake:
			if !ok {
				return
			}
		case <-t.C:
		}
		var busy, log, done int
		err := db.ckpt.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done)
		if err != nil {
			db.log.Warn("sqlite: checkpoint", "err", err)
		}
	}
}

func (w *wconn) prepare() error {
	ctx := context.Background()
	prep := w.conn.(driver.ConnPrepareContext)
	for _, s := range []struct {
		stmt *driver.Stmt
		sql  string
	}{
		{&w.stmts.begin, `BEGIN IMMEDIATE`},
		{&w.stmts.commit, `COMMIT`},
		{&w.stmts.rollback, `ROLLBACK`},
		{&w.stmts.runKey, `SELECT seq FROM runs WHERE domain = ? AND run_id = ?`},
		{&w.stmts.run, `INSERT INTO runs (domain, workflow_id, run_id, type_name, type_version, status, start_time,
			parent_workflow_id, parent_run_id, tags, task_list, execution_timeout, decision_timeout, child_policy,
			input, continued_from) VALUES (?, ?, ?, ?, ?, 'OPEN', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.stmts.close, `UPDATE runs SET status = ?, close_time = ? WHERE seq = ?`},
		{&w.stmts.typ, `INSERT INTO types (domain, kind, name, version, status, created, deprecated, description, defaults)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (domain, kind, name, version) DO UPDATE SET status = excluded.status,
			deprecated = excluded.deprecated, description = excluded.description, defaults = excluded.defaults`},
		{&w.stmts.domain, `INSERT INTO domains (domain, created) VALUES (?, ?) ON CONFLICT (domain) DO NOTHING`},
	} {
		st, err := prep.PrepareContext(ctx, s.sql)
		if err != nil {
			return err
		}
		*s.stmt = st
	}
	for i, n := range eventChunks {
		q := `INSERT INTO events (key, domain, time, type, attrs) VALUES ` +
			strings.Repeat(`(?, ?, ?, ?, ?), `, n-1) + `(?, ?, ?, ?, ?)`
		st, err := prep.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		w.stmts.events[i] = st
	}
	return nil
}

func (w *wconn) close() {
	for _, st := range []driver.Stmt{w.stmts.begin, w.stmts.commit, w.stmts.rollback, w.stmts.run, w.stmts.close,
		w.stmts.typ, w.stmts.domain, w.stmts.runKey} {
		if st != nil {
			st.Close()
		}
	}
	for _, st := range w.stmts.events {
		if st != nil {
			st.Close()
		}
	}
}

// args returns vs as the driver's arguments.
func args(vs ...any) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(vs))
	for i, v := range vs {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return nv
}

// exec runs a prepared statement.
func (w *wconn) exec(st driver.Stmt, vs ...any) (driver.Result, error) {
	return st.(driver.StmtExecContext).ExecContext(context.Background(), args(vs...))
}

// execSQL runs a statement given as text (for maintenance jobs).
func (w *wconn) execSQL(ctx context.Context, q string, vs ...any) error {
	_, err := w.conn.(driver.ExecerContext).ExecContext(ctx, q, args(vs...))
	return err
}

// queryInt64s runs a query of one integer column (for maintenance jobs).
func (w *wconn) queryInt64s(ctx context.Context, q string, vs ...any) ([]int64, error) {
	rows, err := w.conn.(driver.QueryerContext).QueryContext(ctx, q, args(vs...))
	if err != nil {
		return nil, err
	}
	return readInt64s(rows)
}

func readInt64s(rows driver.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	dest := make([]driver.Value, 1)
	for {
		if err := rows.Next(dest); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		n, ok := dest[0].(int64)
		if !ok {
			return nil, fmt.Errorf("expected an integer, got %T", dest[0])
		}
		out = append(out, n)
	}
}

// commit writes jobs in one transaction.
func (w *wconn) commit(jobs []job) (err error) {
	ctx := context.Background()
	if _, err := w.exec(w.stmts.begin); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			clear(w.evArgs)
			w.evArgs, w.evRows = w.evArgs[:0], 0
			clear(w.runKeys) // it may hold runs of the rolled-back transaction
			if _, rerr := w.exec(w.stmts.rollback); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	for i := range jobs {
		if err := w.apply(ctx, &jobs[i]); err != nil {
			return err
		}
	}
	if err := w.flushEvents(); err != nil {
		return err
	}
	_, err = w.exec(w.stmts.commit)
	return err
}

// apply writes one job.
func (w *wconn) apply(ctx context.Context, j *job) error {
	if j.fn != nil {
		if err := w.flushEvents(); err != nil {
			return err
		}
		return j.fn(ctx, w)
	}
	for i := range j.recs {
		rec := &j.recs[i]
		switch {
		case rec.WorkflowType != nil:
			d := rec.WorkflowType
			defaults, err := marshal(d.WorkflowTypeInfo)
			if err != nil {
				return err
			}
			if _, err := w.exec(w.stmts.typ, j.domain, kindWorkflow, d.Name, d.Version, string(d.Status),
				unixNano(d.Created), unixNano(d.DeprecatedSince), d.Description, defaults); err != nil {
				return err
			}
		case rec.ActivityType != nil:
			d := rec.ActivityType
			defaults, err := marshal(d.ActivityTypeInfo)
			if err != nil {
				return err
			}
			if _, err := w.exec(w.stmts.typ, j.domain, kindActivity, d.Name, d.Version, string(d.Status),
				unixNano(d.Created), unixNano(d.DeprecatedSince), d.Description, defaults); err != nil {
				return err
			}
		default:
			if err := w.applyEvent(j.domain, rec, j.attrs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyEvent writes a run's start or close, and queues the event's row.
func (w *wconn) applyEvent(domain string, rec *memory.Record, attrs string) error {
	ev := &rec.Event
	key := runKey{domain, rec.Exec.RunID}
	if ev.ID == 1 {
		st, ok := ev.Attr.(*engine.WorkflowExecutionStarted)
		if !ok {
			return fmt.Errorf("run %s starts with %s", rec.Exec.RunID, ev.Type())
		}
		tags, err := marshal(st.Tags)
		if err != nil {
			return err
		}
		var pw, pr any
		if st.Parent != nil {
			pw, pr = st.Parent.WorkflowID, st.Parent.RunID
		}
		res, err := w.exec(w.stmts.run, domain, rec.Exec.WorkflowID, rec.Exec.RunID, st.Type.Name,
			st.Type.Version, ev.Time.UnixNano(), pw, pr, tags, st.TaskList, int64(st.ExecutionTimeout),
			int64(st.DecisionTimeout), string(st.ChildPolicy), st.Input, st.ContinuedExecutionRunID)
		if err != nil {
			return err
		}
		if w.runKeys[key], err = res.LastInsertId(); err != nil {
			return err
		}
	}
	seq, ok := w.runKeys[key]
	if !ok {
		// A run started before the DB was opened: its key is read once.
		rows, err := w.stmts.runKey.(driver.StmtQueryContext).QueryContext(context.Background(), args(domain, rec.Exec.RunID))
		if err != nil {
			return err
		}
		keys, err := readInt64s(rows)
		if err != nil {
			return err
		}
		if len(keys) != 1 {
			return fmt.Errorf("event %d of run %s: the run is not in the database", ev.ID, rec.Exec.RunID)
		}
		seq = keys[0]
		w.runKeys[key] = seq
	}
	if seq <= 0 || seq > maxRunKey || ev.ID <= 0 || ev.ID > maxEventID {
		return fmt.Errorf("event %d of run %s (key %d): out of the range of event keys", ev.ID, rec.Exec.RunID, seq)
	}
	w.evArgs = append(w.evArgs,
		driver.NamedValue{Value: eventKey(seq, ev.ID)},
		driver.NamedValue{Value: domain},
		driver.NamedValue{Value: ev.Time.UnixNano()},
		driver.NamedValue{Value: ev.Type()},
		driver.NamedValue{Value: attrs})
	w.evRows++
	if w.evRows == eventChunks[0] {
		if err := w.flushEvents(); err != nil {
			return err
		}
	}
	if rec.Close != "" {
		if _, err := w.exec(w.stmts.close, string(rec.Close), ev.Time.UnixNano(), seq); err != nil {
			return err
		}
		delete(w.runKeys, key)
	}
	return nil
}

// flushEvents inserts the queued event rows.
func (w *wconn) flushEvents() error {
	ctx := context.Background()
	args := w.evArgs
	for i, n := range eventChunks {
		for w.evRows >= n {
			chunk := args[:n*eventColumns]
			for k := range chunk {
				chunk[k].Ordinal = k + 1
			}
			if _, err := w.stmts.events[i].(driver.StmtExecContext).ExecContext(ctx, chunk); err != nil {
				return err
			}
			args = args[n*eventColumns:]
			w.evRows -= n
		}
	}
	clear(w.evArgs)
	w.evArgs = w.evArgs[:0]
	return nil
}
