package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress shows "done/scheduled tasks" on a terminal, refreshed a few
// times a second, and nothing when w is not a terminal.
type progress struct {
	w     io.Writer
	count func() (done, scheduled int)
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
}

// startProgress starts showing progress on w if it is a terminal; stop it
// with (*progress).Stop (safe on nil).
func startProgress(w io.Writer, what string, count func() (done, scheduled int)) *progress {
	if !isTerminal(w) {
		return nil
	}
	p := &progress{w: w, count: count, stop: make(chan struct{})}
	p.wg.Go(func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
				done, scheduled := p.count()
				fmt.Fprintf(p.w, "\r\033[K%s: %d/%d tasks done", what, done, scheduled)
			}
		}
	})
	return p
}

// Stop clears the progress line; calling it again does nothing.
func (p *progress) Stop() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		p.wg.Wait()
	})
}
