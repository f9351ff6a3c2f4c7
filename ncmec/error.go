package ncmec

import (
	"errors"
	"fmt"
)

// Response codes of the Reporting API (requirements §10). Codes in the 1000s are trouble on
// NCMEC's side and may succeed when tried again; the others will fail the same way again.
const (
	CodeOK                    = 0
	CodeServerError           = 1000
	CodeUploadFailed          = 1110
	CodeFileUploadFailed      = 1111
	CodeAuthRequired          = 2000
	CodeNotAuthorized         = 3000
	CodeNotAuthorizedToSubmit = 3100
	CodeInvalidRequest        = 4000
	CodeValidationFailed      = 4100
	CodeMalformedXML          = 4110
	CodeMalformedFile         = 4200
	CodeReportNotFound        = 5001
	CodeFileNotFound          = 5002
	CodeAlreadyRetracted      = 5101
	CodeAlreadyFinished       = 5102
)

var codeText = map[int]string{
	CodeOK:                    "success",
	CodeServerError:           "server error",
	CodeUploadFailed:          "upload failed",
	CodeFileUploadFailed:      "file upload failed",
	CodeAuthRequired:          "authentication required",
	CodeNotAuthorized:         "not authorized",
	CodeNotAuthorizedToSubmit: "not authorized to make submissions",
	CodeInvalidRequest:        "invalid request",
	CodeValidationFailed:      "validation failed",
	CodeMalformedXML:          "malformed XML submittal",
	CodeMalformedFile:         "malformed file submittal",
	CodeReportNotFound:        "report does not exist",
	CodeFileNotFound:          "file does not exist",
	CodeAlreadyRetracted:      "report already retracted",
	CodeAlreadyFinished:       "report already finished",
}

// CodeText returns a short description of a response code, or "unknown response code".
func CodeText(code int) string {
	if s, ok := codeText[code]; ok {
		return s
	}
	return "unknown response code"
}

// Error is a non-zero response code from the Reporting API, with the server's description.
type Error struct {
	Code    int
	Message string // the server's responseDescription; may be empty
}

// Error describes the code and, when the server gave one, its description.
func (e *Error) Error() string {
	s := fmt.Sprintf("cybertipline response code %d (%s)", e.Code, CodeText(e.Code))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Retryable reports whether the same call may succeed later: only server-side failures (the
// 1000s) do; authentication, authorisation, validation and flow errors need a change first.
func (e *Error) Retryable() bool { return e.Code >= 1000 && e.Code < 2000 }

// ErrMD5Mismatch means NCMEC's MD5 of an uploaded file differs from the local one, or NCMEC
// gave none: the file did not arrive intact, so the upload must be repeated or the report
// retracted (NC-04).
var ErrMD5Mismatch = errors.New("cybertipline upload: MD5 of the received file does not match")

// transient marks a failure that may pass when the call is repeated: a broken connection, an
// HTTP 5xx or 429 without a readable answer, an unreadable answer, an MD5 mismatch.
type transient struct{ err error }

func (t transient) Error() string { return t.err.Error() }
func (t transient) Unwrap() error { return t.err }

// Retryable reports whether err, from a Client method, may pass if the same call is made again:
// a retryable *Error, a transport failure, an unreadable response or an MD5 mismatch. Bad input,
// bad configuration and every other response code are final.
func Retryable(err error) bool {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Retryable()
	}
	_, ok := errors.AsType[transient](err)
	return ok
}
