package maelstrom

import "fmt"

// Maelstrom's error codes.
const (
	Timeout                = 0
	NotSupported           = 10
	TemporarilyUnavailable = 11
	MalformedRequest       = 12
	Crash                  = 13
	Abort                  = 14
	KeyDoesNotExist        = 20
	KeyAlreadyExists       = 21
	PreconditionFailed     = 22
	TxnConflict            = 30
)

// ErrorCodeText returns the name of a Maelstrom error code.
func ErrorCodeText(code int) string {
	switch code {
	case Timeout:
		return "Timeout"
	case NotSupported:
		return "NotSupported"
	case TemporarilyUnavailable:
		return "TemporarilyUnavailable"
	case MalformedRequest:
		return "MalformedRequest"
	case Crash:
		return "Crash"
	case Abort:
		return "Abort"
	case KeyDoesNotExist:
		return "KeyDoesNotExist"
	case KeyAlreadyExists:
		return "KeyAlreadyExists"
	case PreconditionFailed:
		return "PreconditionFailed"
	case TxnConflict:
		return "TxnConflict"
	default:
		return fmt.Sprintf("ErrorCode<%d>", code)
	}
}

// ErrorCode returns the code of an *RPCError, or -1 for any other error.
func ErrorCode(err error) int {
	if e, ok := err.(*RPCError); ok {
		return e.Code
	}
	return -1
}

// RPCError is an error reply: it marshals as Maelstrom's error body.
type RPCError struct {
	Code int
	Text string
}

// NewRPCError returns an error reply with code and text.
func NewRPCError(code int, text string) *RPCError {
	return &RPCError{Code: code, Text: text}
}

// Error returns the code's name and the text.
func (e *RPCError) Error() string {
	return fmt.Sprintf("RPCError(%s, %q)", ErrorCodeText(e.Code), e.Text)
}

// MarshalJSON writes the error as {"type": "error", "code": ..., "text": ...}.
func (e *RPCError) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{"type":"error","code":%d,"text":%q}`, e.Code, e.Text)), nil
}
