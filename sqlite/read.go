package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
)

// load reads the domain's durable state: its types and the histories of its
// open runs.
func (e *Engine) load(ctx context.Context) (memory.State, error) {
	var st memory.State
	rows, err := e.db.reader.QueryContext(ctx,
		`SELECT kind, status, created, deprecated, description, defaults FROM types WHERE domain = ? ORDER BY kind, name, version`, e.domain)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, status, desc, defaults string
		var created, deprecated int64
		if err := rows.Scan(&kind, &status, &created, &deprecated, &desc, &defaults); err != nil {
			return st, err
		}
		switch kind {
		case kindWorkflow:
			d := engine.WorkflowTypeDetail{Description: desc, Status: engine.TypeStatus(status),
				Created: fromUnixNano(created), DeprecatedSince: fromUnixNano(deprecated)}
			if err := json.Unmarshal([]byte(defaults), &d.WorkflowTypeInfo); err != nil {
				return st, fmt.Errorf("decoding a workflow type: %w", err)
			}
			st.WorkflowTypes = append(st.WorkflowTypes, d)
		case kindActivity:
			d := engine.ActivityTypeDetail{Description: desc, Status: engine.TypeStatus(status),
				Created: fromUnixNano(created), DeprecatedSince: fromUnixNano(deprecated)}
			if err := json.Unmarshal([]byte(defaults), &d.ActivityTypeInfo); err != nil {
				return st, fmt.Errorf("decoding an activity type: %w", err)
			}
			st.ActivityTypes = append(st.ActivityTypes, d)
		default:
			return st, fmt.Errorf("unknown type kind %q", kind)
		}
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	rows.Close()

	runs, err := e.db.reader.QueryContext(ctx,
		`SELECT seq, workflow_id, run_id FROM runs WHERE domain = ? AND status = 'OPEN' ORDER BY seq`, e.domain)
	if err != nil {
		return st, err
	}
	defer runs.Close()
	var keys []int64
	for runs.Next() {
		var key int64
		var exec engine.Execution
		if err := runs.Scan(&key, &exec.WorkflowID, &exec.RunID); err != nil {
			return st, err
		}
		keys = append(keys, key)
		st.Open = append(st.Open, memory.RunHistory{Execution: exec})
	}
	if err := runs.Err(); err != nil {
		return st, err
	}
	runs.Close()
	j := &journal{db: e.db, domain: e.domain}
	for i, key := range keys {
		if st.Open[i].Events, err = j.events(ctx, key, `ORDER BY key`); err != nil {
			return st, fmt.Errorf("run %s: %w", st.Open[i].Execution.RunID, err)
		}
	}
	return st, nil
}

// runColumns are the columns scanRun reads.
const runColumns = `seq, workflow_id, run_id, type_name, type_version, status, start_time, close_time,
	parent_workflow_id, parent_run_id, tags`

// scanRun reads one row of runColumns.
func scanRun(row interface{ Scan(...any) error }) (*engine.ExecutionInfo, int64, error) {
	var info engine.ExecutionInfo
	var status, tags string
	var seq, start int64
	var closeTime sql.NullInt64
	var pw, pr sql.NullString
	if err := row.Scan(&seq, &info.Execution.WorkflowID, &info.Execution.RunID, &info.Type.Name, &info.Type.Version,
		&status, &start, &closeTime, &pw, &pr, &tags); err != nil {
		return nil, 0, err
	}
	info.Status = engine.ExecutionStatus(status)
	info.StartTime = fromUnixNano(start)
	if closeTime.Valid {
		info.CloseTime = fromUnixNano(closeTime.Int64)
	}
	if pw.Valid {
		info.Parent = &engine.Execution{WorkflowID: pw.String, RunID: pr.String}
	}
	if err := json.Unmarshal([]byte(tags), &info.Tags); err != nil {
		return nil, 0, fmt.Errorf("decoding tags: %w", err)
	}
	return &info, seq, nil
}

// closedRun finds a closed run (an empty run id: the latest closed run of
// the workflow id), and returns it with its key.
func (j *journal) closedRun(ctx context.Context, exec engine.Execution) (*engine.ExecutionInfo, int64, error) {
	var row *sql.Row
	if exec.RunID == "" {
		row = j.db.reader.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs
			WHERE domain = ? AND workflow_id = ? AND status != 'OPEN' ORDER BY seq DESC LIMIT 1`, j.domain, exec.WorkflowID)
	} else {
		row = j.db.reader.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs
			WHERE domain = ? AND run_id = ? AND workflow_id = ? AND status != 'OPEN'`, j.domain, exec.RunID, exec.WorkflowID)
	}
	info, seq, err := scanRun(row)
	if err == sql.ErrNoRows {
		return nil, 0, fmt.Errorf("sqlite: workflow execution %s: %w", execString(exec), engine.ErrUnknownResource)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: reading workflow execution %s: %w", execString(exec), err)
	}
	return info, seq, nil
}

func execString(exec engine.Execution) string {
	if exec.RunID == "" {
		return fmt.Sprintf("%q", exec.WorkflowID)
	}
	return fmt.Sprintf("%q run %s", exec.WorkflowID, exec.RunID)
}

// ClosedRun implements [memory.Journal].
func (j *journal) ClosedRun(ctx context.Context, exec engine.Execution) (*engine.ExecutionInfo, engine.Event, error) {
	info, seq, err := j.closedRun(ctx, exec)
	if err != nil {
		return nil, engine.Event{}, err
	}
	evs, err := j.events(ctx, seq, `ORDER BY key DESC LIMIT 1`)
	if err == nil && len(evs) == 0 {
		err = fmt.Errorf("no events")
	}
	if err != nil {
		return nil, engine.Event{}, fmt.Errorf("sqlite: reading the closing event of %s: %w", execString(info.Execution), err)
	}
	return info, evs[0], nil
}

// ClosedHistory implements [memory.Journal].
func (j *journal) ClosedHistory(ctx context.Context, exec engine.Execution) ([]engine.Event, error) {
	info, seq, err := j.closedRun(ctx, exec)
	if err != nil {
		return nil, err
	}
	evs, err := j.events(ctx, seq, `ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: reading the history of %s: %w", execString(info.Execution), err)
	}
	return evs, nil
}

// events reads events of the run with key seq.
func (j *journal) events(ctx context.Context, seq int64, tail string) ([]engine.Event, error) {
	first, last := runEvents(seq)
	rows, err := j.db.reader.QueryContext(ctx, `SELECT event_id, time, type, attrs FROM events WHERE key BETWEEN ? AND ? `+tail, first, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.Event
	for rows.Next() {
		var ev engine.Event
		var t int64
		var typ string
		var attrs []byte
		if err := rows.Scan(&ev.ID, &t, &typ, &attrs); err != nil {
			return nil, err
		}
		ev.Time = fromUnixNano(t)
		if ev.Attr, err = decodeAttr(typ, attrs); err != nil {
			return nil, fmt.Errorf("event %d: %w", ev.ID, err)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// ListClosed implements [memory.Journal].
func (j *journal) ListClosed(ctx context.Context, f engine.ExecutionFilter) ([]engine.ExecutionInfo, error) {
	var where strings.Builder
	args := []any{j.domain}
	where.WriteString(`domain = ? AND status != 'OPEN'`)
	cond := func(c string, v any) {
		where.WriteString(" AND " + c)
		args = append(args, v)
	}
	if !f.StartedAfter.IsZero() {
		cond("start_time >= ?", f.StartedAfter.UnixNano())
	}
	if !f.StartedBefore.IsZero() {
		cond("start_time <= ?", f.StartedBefore.UnixNano())
	}
	if !f.ClosedAfter.IsZero() {
		cond("close_time >= ?", f.ClosedAfter.UnixNano())
	}
	if !f.ClosedBefore.IsZero() {
		cond("close_time <= ?", f.ClosedBefore.UnixNano())
	}
	if f.WorkflowID != "" {
		cond("workflow_id = ?", f.WorkflowID)
	}
	if f.TypeName != "" {
		cond("type_name = ?", f.TypeName)
		if f.TypeVer != "" {
			cond("type_version = ?", f.TypeVer)
		}
	}
	if f.CloseStatus != "" {
		cond("status = ?", string(f.CloseStatus))
	}
	if f.Tag != "" {
		cond("EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE json_each.value = ?)", f.Tag)
	}
	rows, err := j.db.reader.QueryContext(ctx, `SELECT `+runColumns+` FROM runs WHERE `+where.String()+
		` ORDER BY start_time DESC, seq DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: listing executions: %w", err)
	}
	defer rows.Close()
	var out []engine.ExecutionInfo
	for rows.Next() {
		info, _, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: listing executions: %w", err)
		}
		out = append(out, *info)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: listing executions: %w", err)
	}
	return out, nil
}
