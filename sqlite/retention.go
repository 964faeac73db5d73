package sqlite

import (
	"context"
	"time"
)

// sweepChunk is how many closed runs one sweep transaction deletes at most,
// so that a large sweep does not hold up the batches queued behind it.
const sweepChunk = 256

// sweepInterval is how often the sweeper looks for closed runs past the
// retention: a tenth of it, between 50 ms and a minute.
func sweepInterval(retention time.Duration) time.Duration {
	return min(max(retention/10, 50*time.Millisecond), time.Minute)
}

// sweeper deletes closed runs older than the retention until the engine
// closes.
func (e *Engine) sweeper() {
	defer close(e.sweepDone)
	t := time.NewTicker(sweepInterval(e.retention))
	defer t.Stop()
	for {
		select {
		case <-e.sweepStop:
			return
		case <-t.C:
		}
		if n, err := e.sweep(time.Now()); err != nil {
			e.log.Warn("sqlite: retention sweep", "err", err)
		} else if n > 0 {
			e.log.Debug("sqlite: retention sweep", "deleted_runs", n)
		}
	}
}

func (e *Engine) stopSweeper() {
	e.stopOnce.Do(func() {
		if e.sweepStop != nil {
			close(e.sweepStop)
			<-e.sweepDone
		}
	})
}

// sweep deletes the runs closed before now minus the retention, with their
// events, and returns how many. Closed runs are no longer in memory (they
// leave it once their close is committed), so only the file changes.
func (e *Engine) sweep(now time.Time) (int, error) {
	cutoff := now.Add(-e.retention).UnixNano()
	ctx := context.Background()
	var found bool
	err := e.db.reader.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM runs
		WHERE domain = ? AND close_time IS NOT NULL AND close_time < ?)`, e.domain, cutoff).Scan(&found)
	if err != nil || !found {
		return 0, err
	}
	total := 0
	for {
		n := 0
		seq := e.db.appendBatch(e.domain, nil, func(ctx context.Context, w *wconn) error {
			ids, err := w.queryInt64s(ctx, `SELECT seq FROM runs
				WHERE domain = ? AND close_time IS NOT NULL AND close_time < ? LIMIT ?`, e.domain, cutoff, int64(sweepChunk))
			if err != nil {
				return err
			}
			for _, id := range ids {
				first, last := runEvents(id)
				if err := w.execSQL(ctx, `DELETE FROM events WHERE key BETWEEN ? AND ?`, first, last); err != nil {
					return err
				}
				if err := w.execSQL(ctx, `DELETE FROM runs WHERE seq = ?`, id); err != nil {
					return err
				}
			}
			n = len(ids)
			return nil
		})
		if err := e.db.wait(seq); err != nil {
			return total, err
		}
		total += n
		if n < sweepChunk {
			return total, nil
		}
	}
}
