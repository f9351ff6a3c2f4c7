package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries a delivery's signature: "t=UNIX,v1=HEX", where HEX is the hex
// HMAC-SHA256, keyed with the webhook's secret, of the decimal UNIX time, a dot, and the body.
const SignatureHeader = "Vigil-Signature"

// DefaultTolerance is how far a signature's time may be from the receiver's clock before Verify
// refuses it as a possible replay.
const DefaultTolerance = 5 * time.Minute

// Errors Verify returns, so a receiver can log why it refused a request.
var (
	ErrMalformed = errors.New("webhook signature: malformed header")
	ErrTooOld    = errors.New("webhook signature: time outside the tolerance")
	ErrMismatch  = errors.New("webhook signature: no signature matches the body")
)

// Sign returns the Vigil-Signature header value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks header, a Vigil-Signature value, against body and secret, as a receiver must
// before trusting a delivery: the time must be within tolerance of now (DefaultTolerance when
// tolerance is not positive), and one of its v1 signatures must match. Several v1 entries are
// accepted so a sender may sign with an old and a new secret while they are rotated.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts, sigs, err := parseSignature(header)
	if err != nil {
		return err
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: t=%q is not a Unix time", ErrMalformed, ts)
	}
	if skew := now.Sub(time.Unix(unix, 0)).Abs(); skew > tolerance {
		return fmt.Errorf("%w: %s away, tolerance %s", ErrTooOld, skew.Round(time.Second), tolerance)
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return ErrMismatch
}

// parseSignature splits a header into its time and its decoded v1 signatures; other schemes
// are skipped so a later version can add its own.
func parseSignature(header string) (ts string, sigs [][]byte, err error) {
	for part := range strings.SplitSeq(header, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, fmt.Errorf("%w: %q has no '='", ErrMalformed, part)
		}
		switch key {
		case "t":
			if ts != "" {
				return "", nil, fmt.Errorf("%w: two times", ErrMalformed)
			}
			ts = value
		case "v1":
			// Sign writes lowercase hex; one spelling per signature keeps the check exact.
			sig, err := hex.DecodeString(value)
			if err != nil || len(sig) != sha256.Size || hex.EncodeToString(sig) != value {
				return "", nil, fmt.Errorf("%w: v1 is not %d bytes of lowercase hex", ErrMalformed, sha256.Size)
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return "", nil, fmt.Errorf("%w: want t=UNIX,v1=HEX", ErrMalformed)
	}
	return ts, sigs, nil
}
