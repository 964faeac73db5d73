package temporal_test

import (
	"testing"

	"github.com/flowy-go/flowy/conformance"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/temporal"
)

// suiteOptions are the conformance options for Temporal. Temporal fires
// timers and timeouts no sooner than about a second after they are set
// (history.timerProcessorMaxTimeShift), so the cases' durations are doubled:
// the sub-second timeouts of HeartbeatTimeout and ChildWorkflowTimesOut
// then still fire well before the activities they bound would finish.
var suiteOptions = conformance.Options{Scale: 2}

// TestConformance runs flowy's engine conformance suite (with and without
// the decider's cache) on the temporal engine with sticky queues, each case
// on task queues of its own.
func TestConformance(t *testing.T) {
	needServer(t)
	conformance.Run(t, func(t *testing.T) engine.Engine {
		return newEngine(t, temporal.Options{})
	}, suiteOptions)
}

// TestConformanceNoSticky runs the suite with sticky queues off: every
// decision task carries the whole history.
func TestConformanceNoSticky(t *testing.T) {
	needServer(t)
	conformance.Run(t, func(t *testing.T) engine.Engine {
		return newEngine(t, temporal.Options{StickyCacheSize: -1})
	}, suiteOptions)
}
