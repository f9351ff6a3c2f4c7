package vigil

import (
	"testing"

	"github.com/vigilproject/vigil/signal"
)

func TestPriorityOf(t *testing.T) {
	by := func(types ...signal.Type) []Match {
		var ms []Match
		for _, typ := range types {
			ms = append(ms, Match{Bank: "known", Signal: signal.Signal{Type: typ}})
		}
		return ms
	}
	tests := []struct {
		name    string
		matches []Match
		want    Priority
	}{
		{"no matches", nil, PriorityNormal},
		{"PDQ", by(signal.PDQ), PriorityNormal},
		{"several PDQ", by(signal.PDQ, signal.PDQ), PriorityNormal},
		{"MD5", by(signal.MD5), PriorityUrgent},
		{"SHA-1", by(signal.SHA1), PriorityUrgent},
		{"SHA-256", by(signal.SHA256), PriorityUrgent},
		{"PDQ and SHA-256", by(signal.PDQ, signal.SHA256), PriorityUrgent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PriorityOf(tt.matches); got != tt.want {
				t.Errorf("PriorityOf = %s, want %s", got, tt.want)
			}
		})
	}
}
