package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/flowy-go/flowy/conformance"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/sqlite"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T) engine.Engine {
		e, err := sqlite.Open(filepath.Join(t.TempDir(), "flowy.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := e.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		return e
	}, conformance.Options{})
}
