package webhook

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	const secret = "whsec_test-secret-0123456789"
	body := []byte(`{"id":"evt_1","event":"case.decided","data":{}}`)
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	good := Sign(secret, at, body)
	other := Sign("another-secret-0123456789", at, body)
	for _, tc := range []struct {
		name   string
		secret string
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", secret, good, body, at, nil},
		{"valid within tolerance", secret, good, body, at.Add(4 * time.Minute), nil},
		{"valid with spaces", secret, strings.ReplaceAll(good, ",", ", "), body, at, nil},
		{"rotation: one of two matches", secret, other + "," + strings.Split(good, ",")[1], body, at, nil},
		{"unknown scheme skipped", secret, good + ",v0=abc", body, at, nil},
		{"wrong secret", "wrong-secret-0123456789", good, body, at, ErrMismatch},
		{"body changed", secret, good, append(body, ' '), at, ErrMismatch},
		{"replayed later", secret, good, body, at.Add(6 * time.Minute), ErrTooOld},
		{"from the future", secret, good, body, at.Add(-6 * time.Minute), ErrTooOld},
		{"empty", secret, "", body, at, ErrMalformed},
		{"no time", secret, strings.Split(good, ",")[1], body, at, ErrMalformed},
		{"no signature", secret, strings.Split(good, ",")[0], body, at, ErrMalformed},
		{"time not a number", secret, "t=noon," + strings.Split(good, ",")[1], body, at, ErrMalformed},
		{"two times", secret, "t=1," + good, body, at, ErrMalformed},
		{"short signature", secret, "t=1,v1=abcd", body, at, ErrMalformed},
		{"not hex", secret, "t=1,v1=" + strings.Repeat("zz", 32), body, at, ErrMalformed},
		{"no equals sign", secret, good + ",v1", body, at, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.secret, tc.header, tc.body, tc.now, 0)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Verify(%q) = %v, want %v", tc.header, err, tc.want)
			}
		})
	}
}

func TestSignFormat(t *testing.T) {
	// The value a receiver in any language must compute, checked with
	// printf "1700000000.{}" | openssl dgst -sha256 -hmac key
	got := Sign("key", time.Unix(1700000000, 0), []byte("{}"))
	const want = "t=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
	if got != want {
		t.Fatalf("Sign = %s\nwant  %s", got, want)
	}
}

func FuzzVerify(f *testing.F) {
	at := time.Unix(1700000000, 0)
	f.Add("secret-0123456789", []byte(`{"a":1}`), Sign("secret-0123456789", at, []byte(`{"a":1}`)))
	f.Add("k", []byte{}, "t=1700000000,v1=00")
	f.Add("k", []byte("x"), "t=,v1=,v1=")
	f.Fuzz(func(t *testing.T, secret string, body []byte, header string) {
		if err := Verify(secret, Sign(secret, at, body), body, at, 0); err != nil {
			t.Fatalf("own signature refused: %v", err)
		}
		if Verify(secret, header, body, at, 0) == nil && !strings.Contains(header, Sign(secret, at, body)[len("t=1700000000,"):]) {
			t.Fatalf("header %q accepted without the body's signature", header)
		}
	})
}
