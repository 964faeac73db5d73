package temporal

// DecisionStats returns how many decision tasks the engine handed out with
// the history it kept (sticky cache hits), after reading the whole history
// (sticky cache misses), and from a whole history the server sent.
func DecisionStats(e *Engine) (cached, fetched, full int64) {
	return e.stats.cached.Load(), e.stats.fetched.Load(), e.stats.full.Load()
}

// CachedRuns returns how many runs' histories the engine keeps.
func CachedRuns(e *Engine) int { return e.runs.len() }
