package memory_test

import (
	"testing"

	"github.com/flowy-go/flowy/conformance"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/memory"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T) engine.Engine {
		e := memory.New(memory.Options{})
		t.Cleanup(func() { e.Close() })
		return e
	}, conformance.Options{})
}
