package swf

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/flowy-go/flowy/engine"
)

// ErrTypeConflict is wrapped by the error of a registration whose type
// already exists with other defaults than the ones given. It does not wrap
// [engine.ErrTypeAlreadyExists]: the type is not what the worker expects.
var ErrTypeConflict = errors.New("type already registered with other defaults")

// fault wraps the error of an SWF call with the engine error it stands for
// (see the package documentation), keeping the SDK's error in the chain.
func (e *Engine) fault(op string, err error) error {
	if kind := engineError(err); kind != nil {
		return fmt.Errorf("swf: %s: %w: %w", op, kind, err)
	}
	return fmt.Errorf("swf: %s: %w", op, err)
}

// engineError returns the engine error that an SWF error stands for, or
// nil. Faults are told by their code: the SDK only decodes into its typed
// faults the ones an operation declares.
func engineError(err error) error {
	var apiError smithy.APIError
	if !errors.As(err, &apiError) {
		return nil
	}
	switch apiError.ErrorCode() {
	case "UnknownResourceFault":
		return engine.ErrUnknownResource
	case "TypeAlreadyExistsFault":
		return engine.ErrTypeAlreadyExists
	case "TypeDeprecatedFault":
		return engine.ErrTypeDeprecated
	case "WorkflowExecutionAlreadyStartedFault":
		return engine.ErrAlreadyStarted
	case "LimitExceededFault":
		return engine.ErrLimitExceeded
	case "DefaultUndefinedFault":
		return engine.ErrInvalidArgument
	case "ValidationException":
		// "Value '...' at 'result' failed to satisfy constraint: Member
		// must have length less than or equal to 32768"
		if strings.Contains(apiError.ErrorMessage(), "length less than or equal") {
			return engine.ErrLimitExceeded
		}
		return engine.ErrInvalidArgument
	}
	return nil
}

// isFault reports whether err is the SWF fault with the code.
func isFault(err error, code string) bool {
	var apiError smithy.APIError
	return errors.As(err, &apiError) && apiError.ErrorCode() == code
}
