package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// schemaVersion is the version of the schema below, kept in the meta table.
const schemaVersion = "1"

// Type kinds in the types table.
const (
	kindWorkflow = "workflow"
	kindActivity = "activity"
)

// schema creates the tables. Every table has a domain column: several
// engines share one file. Times are nanoseconds since 1970 (0: none),
// durations nanoseconds (-1: no limit).
const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS domains (
	domain  TEXT PRIMARY KEY,
	created INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS types (
	domain      TEXT NOT NULL,
	kind        TEXT NOT NULL,    -- 'workflow' or 'activity'
	name        TEXT NOT NULL,
	version     TEXT NOT NULL,
	status      TEXT NOT NULL,    -- REGISTERED or DEPRECATED
	created     INTEGER NOT NULL,
	deprecated  INTEGER NOT NULL, -- DeprecatedSince
	description TEXT NOT NULL,
	defaults    TEXT NOT NULL,    -- JSON of engine.WorkflowTypeInfo or engine.ActivityTypeInfo
	PRIMARY KEY (domain, kind, name, version)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS runs (
	seq                INTEGER PRIMARY KEY, -- start order
	domain             TEXT NOT NULL,
	workflow_id        TEXT NOT NULL,
	run_id             TEXT NOT NULL,
	type_name          TEXT NOT NULL,
	type_version       TEXT NOT NULL,
	status             TEXT NOT NULL,       -- OPEN, or the close status
	start_time         INTEGER NOT NULL,
	close_time         INTEGER,             -- NULL while open
	parent_workflow_id TEXT,
	parent_run_id      TEXT,
	tags               TEXT NOT NULL,       -- JSON array (or null)
	task_list          TEXT NOT NULL,
	execution_timeout  INTEGER NOT NULL,
	decision_timeout   INTEGER NOT NULL,
	child_policy       TEXT NOT NULL,
	input              TEXT NOT NULL,
	continued_from     TEXT NOT NULL,       -- run id, for continue-as-new
	UNIQUE (domain, run_id)
);
CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs (domain, workflow_id, seq);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (domain, status, start_time);
CREATE INDEX IF NOT EXISTS runs_by_close ON runs (domain, close_time) WHERE close_time IS NOT NULL;

CREATE TABLE IF NOT EXISTS events (
	key      INTEGER PRIMARY KEY, -- run << 32 | event_id: a run's events are together, in order
	run      INTEGER GENERATED ALWAYS AS (key >> 32) VIRTUAL,         -- runs.seq of the event's run
	event_id INTEGER GENERATED ALWAYS AS (key & 4294967295) VIRTUAL, -- 1, 2, 3, ...
	domain   TEXT NOT NULL,       -- the run's domain
	time     INTEGER NOT NULL,
	type     TEXT NOT NULL,       -- the event type name, e.g. ActivityTaskCompleted
	attrs    TEXT NOT NULL        -- JSON of the attributes struct of that type
);
`

// createSchema creates the tables if needed and checks the schema version.
func createSchema(ctx context.Context, c *sql.Conn) error {
	if _, err := c.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("creating the schema: %w", err)
	}
	if _, err := c.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT DO NOTHING`, schemaVersion); err != nil {
		return fmt.Errorf("creating the schema: %w", err)
	}
	var v string
	if err := c.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if v != schemaVersion {
		return fmt.Errorf("schema version %s: this build reads version %s", v, schemaVersion)
	}
	return nil
}

// Events are keyed by their run's key (runs.seq) and their id, packed in
// one integer: the table is then a single B-tree of integer keys, in which a
// run's new events are appended at the end of its range — the cheapest
// insert SQLite has. A run has at most maxEventID events, a file at most
// maxRunKey runs.
const (
	maxEventID = 1<<32 - 1
	maxRunKey  = 1<<31 - 1
)

// eventKey returns the key of event id of the run with key run.
func eventKey(run, id int64) int64 { return run<<32 | id }

// runEvents returns the range of the keys of a run's events.
func runEvents(run int64) (first, last int64) { return eventKey(run, 0), eventKey(run, maxEventID) }

// marshal returns the JSON of v as a string.
func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// unixNano is t in nanoseconds since 1970, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromUnixNano inverts unixNano.
func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
