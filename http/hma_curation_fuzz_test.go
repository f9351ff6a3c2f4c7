package http

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzHMAContentUpdate checks the reading of disable_until_ts: any input is an error or a time
// that GET then reports as the same disable_until_ts, and never more than five years ahead
// unless it is HMA's "indefinitely".
func FuzzHMAContentUpdate(f *testing.F) {
	for _, seed := range []string{"0", "1", `"1"`, "-1", "1.5", "null", "1782898200", `""`, `" 7"`, "9223372036854775807", "1e3"} {
		f.Add(seed)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		if !json.Valid([]byte(raw)) {
			return
		}
		until, set, err := hmaContentUpdate{DisableUntilTS: json.RawMessage(raw)}.until(now)
		if err != nil {
			return
		}
		if !set {
			t.Fatalf("%s: accepted without a time", raw)
		}
		// A decoded field's raw value never has surrounding space; the fuzzer's may.
		text := strings.TrimSpace(raw)
		if unquoted, err := strconv.Unquote(text); err == nil {
			text = unquoted
		}
		ts, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			t.Fatalf("%s: accepted, but it is not an integer", raw)
		}
		if got := hmaDisableUntil(until); got != ts {
			t.Errorf("%s: read as %v, which GET shows as %d", raw, until, got)
		}
		if until != hmaForever && until.After(now.Add(hmaMaxDisable)) {
			t.Errorf("%s: read as %v, more than five years ahead", raw, until)
		}
	})
}
