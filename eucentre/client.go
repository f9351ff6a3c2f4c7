package eucentre

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"

	"github.com/vigilproject/vigil"
)

// IdempotencyKeyHeader carries the key that makes a resend safe: the endpoint answers a second
// request with the same key with the first request's reference and never files a second report.
const IdempotencyKeyHeader = "Idempotency-Key"

// maxResponse bounds how much of a response Client reads: answers are a reference or an error.
const maxResponse = 64 << 10

// Transport delivers a signed document and returns the EU Centre's reference for it. It is an
// interface because the Centre's secure information-sharing system is not yet specified by
// implementing act (RP-19): another system plugs in here.
type Transport interface {
	Send(ctx context.Context, doc []byte, sig Signature, idempotencyKey string) (reference string, err error)
}

// Client is the default Transport: it POSTs the document to URL as application/json with the
// signature in SignatureHeader and the key in IdempotencyKeyHeader, and reads the reference from
// a 200 or 201 answer {"reference": "..."}. It makes one attempt and follows no redirect.
type Client struct {
	// URL is the endpoint. It must be https; plain http is allowed only to a loopback address,
	// for tests and demos, since the document holds personal data.
	URL string
	// HTTP sends the request; nil means http.DefaultClient.
	HTTP *http.Client
}

// SendError is an answer from the endpoint other than success.
type SendError struct {
	Status  int    // HTTP status
	Code    string // the error code in the body, if it had one
	Message string // the message in the body, if it had one
	Field   string // the JSON path the endpoint found at fault, if it named one
}

// Error describes the answer.
func (e *SendError) Error() string {
	msg := fmt.Sprintf("eucentre: endpoint answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Field != "" {
		msg += ": " + e.Field
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Retryable reports whether the same request may succeed later: timeouts, rate limits and
// server errors may pass; other refusals will not until the document or configuration changes.
func (e *SendError) Retryable() bool {
	switch e.Status {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return e.Status >= 500
}

// Retryable reports whether a Send error is worth another attempt with the same idempotency
// key. Refusals of the request itself (a *SendError that is not retryable) and bad
// configuration (*vigil.Error) are not; network failures, cancellations and unreadable answers
// are, since the key makes a resend harmless.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	if se, ok := errors.AsType[*SendError](err); ok {
		return se.Retryable()
	}
	if _, ok := errors.AsType[*vigil.Error](err); ok {
		return false
	}
	return true
}

// idempotencyKeyPattern is what a key may be: visible ASCII, as a header value needs no quoting.
var idempotencyKeyPattern = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

// Send POSTs doc with its signature and returns the reference the endpoint gave it.
func (c Client) Send(ctx context.Context, doc []byte, sig Signature, idempotencyKey string) (string, error) {
	if err := checkEndpoint(c.URL); err != nil {
		return "", err
	}
	if !idempotencyKeyPattern.MatchString(idempotencyKey) {
		return "", vigil.Errorf(vigil.EINVALID, "eucentre: the idempotency key must be 1 to 255 visible ASCII characters")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(doc))
	if err != nil {
		return "", fmt.Errorf("eucentre: build the request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(SignatureHeader, sig.String())
	req.Header.Set(IdempotencyKeyHeader, idempotencyKey)
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return "", fmt.Errorf("eucentre: send: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return "", fmt.Errorf("eucentre: read the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return "", answerError(resp.StatusCode, body)
	}
	return parseReference(body)
}

// httpClient is c.HTTP, or the default client, made to stop at a redirect: the endpoint is
// configured exactly, and a redirect must not carry the document anywhere else.
func (c Client) httpClient() *http.Client {
	hc := http.DefaultClient
	if c.HTTP != nil {
		hc = c.HTTP
	}
	copied := *hc
	copied.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &copied
}

// checkEndpoint refuses an endpoint the document must not be sent to.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return vigil.Errorf(vigil.EINVALID, "eucentre: the endpoint %q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if u.Hostname() == "localhost" {
			return nil
		}
		if ip, err := netip.ParseAddr(u.Hostname()); err == nil && ip.IsLoopback() {
			return nil
		}
		return vigil.Errorf(vigil.EINVALID, "eucentre: the endpoint must use https (plain http only to a loopback address)")
	default:
		return vigil.Errorf(vigil.EINVALID, "eucentre: the endpoint's scheme %q is not https", u.Scheme)
	}
}

// answerError reads an error answer, in Vigil's {"error": {"code", "message"}} form if it is.
func answerError(status int, body []byte) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	se := &SendError{Status: status}
	if json.Unmarshal(body, &e) == nil {
		se.Code, se.Message, se.Field = e.Error.Code, e.Error.Message, e.Error.Field
	}
	return se
}

// referencePattern is what a reference may be: visible ASCII, short enough to store and show.
var referencePattern = regexp.MustCompile(`^[\x21-\x7e]{1,128}$`)

// parseReference reads a success answer.
func parseReference(body []byte) (string, error) {
	var ok struct {
		Reference string `json:"reference"`
	}
	if err := json.Unmarshal(body, &ok); err != nil {
		return "", fmt.Errorf("eucentre: the answer is not JSON: %w", err)
	}
	if !referencePattern.MatchString(ok.Reference) {
		return "", errors.New("eucentre: the answer has no usable reference (want 1 to 128 visible ASCII characters)")
	}
	return ok.Reference, nil
}
