package swf

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/swf/types"
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
// nil.
func engineError(err error) error {
	var (
		unknown  *types.UnknownResourceFault
		exists   *types.TypeAlreadyExistsFault
		depr     *types.TypeDeprecatedFault
		started  *types.WorkflowExecutionAlreadyStartedFault
		limit    *types.LimitExceededFault
		undef    *types.DefaultUndefinedFault
		apiError smithy.APIError
	)
	switch {
	case errors.As(err, &unknown):
		return engine.ErrUnknownResource
	case errors.As(err, &exists):
		return engine.ErrTypeAlreadyExists
	case errors.As(err, &depr):
		return engine.ErrTypeDeprecated
	case errors.As(err, &started):
		return engine.ErrAlreadyStarted
	case errors.As(err, &limit):
		return engine.ErrLimitExceeded
	case errors.As(err, &undef):
		return engine.ErrInvalidArgument
	case errors.As(err, &apiError) && apiError.ErrorCode() == "ValidationException":
		// "Value '...' at 'result' failed to satisfy constraint: Member
		// must have length less than or equal to 32768"
		if strings.Contains(apiError.ErrorMessage(), "length less than or equal") {
			return engine.ErrLimitExceeded
		}
		return engine.ErrInvalidArgument
	}
	return nil
}
