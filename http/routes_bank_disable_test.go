package http

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// disableStep is a step of a disabling scenario: the clock moves on, a request is sent (when
// set), and then looking the entry up must find it or not.
type disableStep struct {
	name    string
	advance time.Duration
	call    call // none when method is ""
	matches bool
}

// runDisableSteps runs steps, looking the entry up after each with lookup.
func (f *bankFixture) runDisableSteps(t *testing.T, steps []disableStep, lookup func(t *testing.T) bool) {
	t.Helper()
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			f.clock.Advance(st.advance)
			if st.call.method != "" {
				f.do(t, st.call)
			}
			if got := lookup(t); got != st.matches {
				t.Errorf("at %v the entry matches: %v, want %v", f.clock.Now(), got, st.matches)
			}
		})
	}
}

// matchesMD5 reports whether GET /v1/match finds the MD5 hash value.
func (f *bankFixture) matchesMD5(t *testing.T, value string) bool {
	t.Helper()
	body := f.do(t, call{scope: vigil.ScopeMatch, method: "GET", path: "/v1/match?signal_type=md5&signal=" + value, wantStatus: 200})
	var res matchBody
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	return len(res.Matches) > 0
}

func TestPatchEntry(t *testing.T) {
	f := newBankFixture(t)
	w := vigil.ScopeBanksWrite
	f.do(t, call{scope: w, method: "POST", path: "/v1/banks", body: `{"name":"ncmec"}`, wantStatus: 201})
	f.do(t, call{scope: w, method: "POST", path: "/v1/banks/ncmec/entries", wantStatus: 200,
		body: `{"entries":[{"signal_type":"md5","signal":"` + md5A + `","supplier_id":"s1","category":"A1"}]}`})
	entry := func(disabled string) string { // without its value: the writer is not an admin
		return `{"id":1,"bank":"ncmec","signal_type":"md5","supplier_id":"s1","category":"A1","note":""` +
			disabled + `,"added":"2026-11-27T12:00:00.000Z"}`
	}
	patch := func(body, want string) call {
		return call{scope: w, method: "PATCH", path: "/v1/banks/ncmec/entries/1", body: body, wantStatus: 200, wantBody: want}
	}
	refused := func(path, body string, status int) call {
		return call{scope: w, method: "PATCH", path: path, body: body, wantStatus: status}
	}
	f.runDisableSteps(t, []disableStep{
		{name: "never disabled", matches: true},
		{name: "disabled for a day", call: patch(`{"disabled_until":"2026-11-28T13:00:00+01:00"}`,
			entry(`,"disabled_until":"2026-11-28T12:00:00.000Z"`))},
		{name: "23 hours later", advance: 23 * time.Hour},
		{name: "a day later", advance: time.Hour, matches: true},
		{name: "disabled again", call: patch(`{"disabled_until":"2026-12-31T00:00:00.250Z"}`,
			entry(`,"disabled_until":"2026-12-31T00:00:00.250Z"`))},
		{name: "enabled with null", call: patch(`{"disabled_until":null}`, entry("")), matches: true},
		{name: "disabled until a past time", call: patch(`{"disabled_until":"2026-01-01T00:00:00Z"}`,
			entry(`,"disabled_until":"2026-01-01T00:00:00.000Z"`)), matches: true},
		{name: "empty body refused", call: refused("/v1/banks/ncmec/entries/1", `{}`, 400), matches: true},
		{name: "bad time refused", call: refused("/v1/banks/ncmec/entries/1", `{"disabled_until":"tomorrow"}`, 400), matches: true},
		{name: "number refused", call: refused("/v1/banks/ncmec/entries/1", `{"disabled_until":5}`, 400), matches: true},
		{name: "unknown field refused", call: refused("/v1/banks/ncmec/entries/1", `{"disabled_until":null,"note":"x"}`, 400), matches: true},
		{name: "unknown entry", call: refused("/v1/banks/ncmec/entries/9", `{"disabled_until":"2027-01-01T00:00:00Z"}`, 404), matches: true},
		{name: "unknown bank", call: refused("/v1/banks/nope/entries/1", `{"disabled_until":"2027-01-01T00:00:00Z"}`, 404), matches: true},
		{name: "bad id", call: refused("/v1/banks/ncmec/entries/x", `{"disabled_until":"2027-01-01T00:00:00Z"}`, 400), matches: true},
		{name: "reader refused", call: call{scope: vigil.ScopeBanksRead, method: "PATCH", path: "/v1/banks/ncmec/entries/1",
			body: `{"disabled_until":"2027-01-01T00:00:00Z"}`, wantStatus: 403}, matches: true},
	}, func(t *testing.T) bool { return f.matchesMD5(t, md5A) })

	events, err := f.db.AuditEvents(context.Background(), vigil.AuditFilter{ObjectType: "bank", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		if strings.HasSuffix(e.Action, "able_entries") {
			got = append(got, e.Action+" "+e.Detail)
		}
	}
	want := []string{
		`bank.disable_entries {"disabled_until":"2026-11-28T12:00:00.000Z","entries":1,"ids":[1]}`,
		`bank.disable_entries {"disabled_until":"2026-12-31T00:00:00.250Z","entries":1,"ids":[1]}`,
		`bank.enable_entries {"disabled_until":null,"entries":1,"ids":[1]}`,
		`bank.disable_entries {"disabled_until":"2026-01-01T00:00:00.000Z","entries":1,"ids":[1]}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestHMAUpdateContent(t *testing.T) {
	f := newBankFixture(t)
	w := vigil.ScopeBanksWrite
	f.do(t, call{scope: w, method: "POST", path: "/c/banks", body: `{"name":"MY_BANK"}`, wantStatus: 201})
	f.do(t, call{scope: w, method: "POST", path: "/c/bank/MY_BANK/signal", body: `{"md5":"` + md5A + `","note":"seen"}`,
		wantStatus: 200, wantBody: `{"id":1,"signals":{"md5":"` + md5A + `"}}`})
	now := f.clock.Now().Unix()
	content := func(ts int64) string {
		return fmt.Sprintf(`{"id":1,"disable_until_ts":%d,"original_media_uri":null,"bank":{"name":"MY_BANK","matching_enabled_ratio":1},"note":"seen"}`, ts)
	}
	put := func(body string, status int, want string) call {
		return call{scope: w, method: "PUT", path: "/c/bank/MY_BANK/content/1", body: body, wantStatus: status, wantBody: want}
	}
	get := call{scope: vigil.ScopeBanksRead, method: "GET", path: "/c/bank/MY_BANK/content/1", wantStatus: 200}
	hour, year := now+3600, int64(365*24*3600)
	later := hour + 10*year // the clock after "ten years later"
	withGet := func(c call, ts int64) call { c.wantBody = content(ts); return c }
	f.runDisableSteps(t, []disableStep{
		{name: "enabled", call: withGet(get, 1), matches: true},
		{name: "disabled for an hour", call: put(fmt.Sprintf(`{"disable_until_ts":%d,"note":"under review"}`, hour), 200, content(hour))},
		{name: "shown disabled", call: withGet(get, hour)},
		{name: "59 minutes later", advance: 59 * time.Minute},
		{name: "an hour later", advance: time.Minute, matches: true},
		{name: "disabled indefinitely", call: put(`{"disable_until_ts":0}`, 200, content(0))},
		{name: "shown disabled indefinitely", call: withGet(get, 0)},
		{name: "ten years later", advance: 10 * 365 * 24 * time.Hour},
		{name: "enabled as a string", call: put(`{"disable_until_ts":"1"}`, 200, content(1)), matches: true},
		{name: "note alone changes nothing", call: put(`{"note":"x"}`, 200, content(1)), matches: true},
		{name: "negative", call: put(`{"disable_until_ts":-1}`, 400, `{"message":"disable_until_ts must be a non-negative integer"}`), matches: true},
		{name: "beyond five years", call: put(fmt.Sprintf(`{"disable_until_ts":%d}`, later+5*year+1), 400,
			`{"message":"disable_until_ts must be less than 5 years in the future"}`), matches: true},
		{name: "five years", call: put(fmt.Sprintf(`{"disable_until_ts":%d}`, later+5*year), 200, content(later+5*year))},
		{name: "enabled again", call: put(`{"disable_until_ts":1}`, 200, content(1)), matches: true},
		{name: "not a whole number", call: put(`{"disable_until_ts":1.5}`, 400, `{"message":"disable_until_ts must be an integer"}`), matches: true},
		{name: "null", call: put(`{"disable_until_ts":null}`, 400, `{"message":"disable_until_ts must be an integer"}`), matches: true},
		{name: "unknown content", call: call{scope: w, method: "PUT", path: "/c/bank/MY_BANK/content/99", body: `{"disable_until_ts":0}`,
			wantStatus: 404, wantBody: `{"message":"content '99' not found"}`}, matches: true},
		{name: "unknown bank", call: call{scope: w, method: "PUT", path: "/c/bank/NOPE/content/1", body: `{"disable_until_ts":0}`,
			wantStatus: 404, wantBody: `{"message":"bank 'NOPE' not found"}`}, matches: true},
		{name: "reader refused", call: call{scope: vigil.ScopeBanksRead, method: "PUT", path: "/c/bank/MY_BANK/content/1",
			body: `{"disable_until_ts":0}`, wantStatus: 403}, matches: true},
	}, func(t *testing.T) bool {
		body := f.do(t, call{scope: vigil.ScopeMatch, method: "GET", path: "/m/lookup?signal_type=md5&signal=" + md5A, wantStatus: 200})
		return compactJSON(body) != "{}"
	})
}

func TestHMADisableUntil(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want int64
	}{
		{"never disabled", time.Time{}, 1},
		{"indefinitely", hmaForever, 0},
		{"a whole second", time.Unix(1795780800, 0), 1795780800},
		{"rounded up", time.Unix(1795780800, 250e6), 1795780801},
		{"before 1970", time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"at 1970", time.Unix(0, 0), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hmaDisableUntil(tt.t); got != tt.want {
				t.Errorf("hmaDisableUntil(%v) = %d, want %d", tt.t, got, tt.want)
			}
		})
	}
}
