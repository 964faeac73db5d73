package memory

import (
	"fmt"

	"github.com/flowy-go/flowy/engine"
)

// The checks are the contract's, shared by engines (package engine).
var (
	checkLen          = engine.CheckLen
	checkID           = engine.CheckID
	checkTimeout      = engine.CheckTimeout
	checkTimeouts     = engine.CheckTimeouts
	checkChildPolicy  = engine.CheckChildPolicy
	validateDecisions = engine.ValidateDecisions
)

// invalid returns an error wrapping [engine.ErrInvalidArgument].
func invalid(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, engine.ErrInvalidArgument)...)
}
