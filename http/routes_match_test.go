package http

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// pdqAt returns a PDQ hash at Hamming distance bits from the all-zero hash.
func pdqAt(bits int) string {
	return strings.Repeat("f", bits/4) + strings.Repeat("0", 64-bits/4)
}

// TestMatchValuesAndThreshold checks /v1/match for who may see what: without the admin scope, no
// entry's signal value, and a threshold that only lowers a bank's; with it, the values, and each
// bank whose entries it showed recorded as read.
func TestMatchValuesAndThreshold(t *testing.T) {
	f := newBankFixture(t)
	w := vigil.ScopeBanksWrite
	f.run(t, []call{
		{name: "known", scope: w, method: "POST", path: "/v1/banks", body: `{"name":"known"}`, wantStatus: 201},
		{name: "allow", scope: w, method: "POST", path: "/v1/banks", body: `{"name":"fp","kind":"allow"}`, wantStatus: 201},
		{name: "fill known", scope: w, method: "POST", path: "/v1/banks/known/entries", wantStatus: 200,
			body: `{"entries":[{"signal_type":"pdq","signal":"` + pdqAt(20) + `"},{"signal_type":"pdq","signal":"` + pdqAt(40) + `"},` +
				`{"signal_type":"md5","signal":"` + md5A + `"}]}`},
		{name: "fill allow", scope: w, method: "POST", path: "/v1/banks/fp/entries", wantStatus: 200,
			body: `{"entries":[{"signal_type":"md5","signal":"` + md5A + `"}]}`},
	})
	zero := "/v1/match?signal_type=pdq&signal=" + pdqAt(0)
	tests := []struct {
		name    string
		scope   vigil.Scope
		path    string
		want    []string // bank:entry of the matches, then of the allowed
		values  bool
		audited int // bank.read_entries events written
	}{
		{"own threshold", vigil.ScopeMatch, zero, []string{"known:1"}, false, 0},
		{"threshold cannot widen", vigil.ScopeMatch, zero + "&threshold=64", []string{"known:1"}, false, 0},
		{"threshold can narrow", vigil.ScopeMatch, zero + "&threshold=10", nil, false, 0},
		{"admin widens", vigil.ScopeAdmin, zero + "&threshold=64", []string{"known:1", "known:2"}, true, 1},
		{"allowed without values", vigil.ScopeMatch, "/v1/match?signal_type=md5&signal=" + md5A, []string{"fp:4"}, false, 0},
		{"allowed with values", vigil.ScopeAdmin, "/v1/match?signal_type=md5&signal=" + md5A, []string{"fp:4"}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.countAudit(t, "bank.read_entries")
			var body matchBody
			if err := json.Unmarshal(f.do(t, call{scope: tt.scope, method: "GET", path: tt.path, wantStatus: 200}), &body); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range append(body.Matches, body.Allowed...) {
				got = append(got, h.Bank+":"+strconv.FormatUint(uint64(h.Entry), 10))
				if (h.Signal != "") != tt.values {
					t.Errorf("hit %+v: signal value shown %v, want %v", h, h.Signal != "", tt.values)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("hits %v, want %v", got, tt.want)
			}
			if n := f.countAudit(t, "bank.read_entries") - before; n != tt.audited {
				t.Errorf("%d bank.read_entries events, want %d", n, tt.audited)
			}
		})
	}
}

// countAudit counts the audit events of action.
func (f *bankFixture) countAudit(t *testing.T, action string) int {
	t.Helper()
	events, err := f.db.AuditEvents(context.Background(), vigil.AuditFilter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}
