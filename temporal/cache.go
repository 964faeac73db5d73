package temporal

import (
	"container/list"
	"sync"

	"github.com/flowy-go/flowy/engine"
)

// runState is the history of a run as far as the engine has seen it: the
// engine events (ids 1..len) and the converter that made them. A runState
// is used by one decision task at a time: the one that extended it last.
type runState struct {
	mu     sync.Mutex
	exec   engine.Execution
	events []engine.Event
	conv   *converter
}

// runCache keeps the histories of the runs this engine decided, so that a
// decision task from the sticky queue (which carries only the new events)
// can be handed out with the whole history. It is bounded: the least
// recently used run goes first.
type runCache struct {
	mu   sync.Mutex
	max  int
	runs map[string]*list.Element // run id → element holding *runState
	lru  *list.List               // front: most recently used
}

func newRunCache(max int) *runCache {
	return &runCache{max: max, runs: map[string]*list.Element{}, lru: list.New()}
}

// take removes a run's state from the cache and returns it (nil if absent).
func (c *runCache) take(runID string) *runState {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.runs[runID]
	if !ok {
		return nil
	}
	delete(c.runs, runID)
	c.lru.Remove(el)
	return el.Value.(*runState)
}

// put stores a run's state, evicting the least recently used run if full.
func (c *runCache) put(rs *runState) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.runs[rs.exec.RunID]; ok {
		c.lru.Remove(el)
	}
	for c.lru.Len() >= c.max {
		el := c.lru.Back()
		c.lru.Remove(el)
		delete(c.runs, el.Value.(*runState).exec.RunID)
	}
	c.runs[rs.exec.RunID] = c.lru.PushFront(rs)
}

// drop forgets a run.
func (c *runCache) drop(runID string) { c.take(runID) }

// len returns the number of runs kept.
func (c *runCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
