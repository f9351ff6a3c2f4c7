package notice

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/vigilproject/vigil"
)

// fakeStore is a Store holding due notices in memory.
type fakeStore struct {
	due     []Pending
	sent    map[string]string
	resumed int
	failDue error
}

func (s *fakeStore) DueNotices(_ context.Context, limit int) ([]Pending, error) {
	if s.failDue != nil {
		return nil, s.failDue
	}
	var out []Pending
	for _, p := range s.due {
		if _, done := s.sent[p.ID]; !done && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

func (s *fakeStore) SendNotice(_ context.Context, id, text string) (bool, error) {
	s.sent[id] = text
	return true, nil
}

func (s *fakeStore) NoticeInfo(context.Context) (vigil.NoticeSettings, error) { return testInfo, nil }

func (s *fakeStore) ResumeHeldActions(context.Context) (int, error) {
	s.resumed++
	return 0, nil
}

// TestWorkerTick checks one pass: every due notice is rendered and sent, in batches; one that
// cannot be rendered is reported and does not stop the others; held takedowns are resumed.
func TestWorkerTick(t *testing.T) {
	many := func(n int) []Pending {
		out := make([]Pending, n)
		for i := range out {
			out[i] = Pending{Notice: vigil.Notice{ID: "ntc_" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Kind: vigil.NoticeRemoval}}
		}
		return out
	}
	tests := []struct {
		name     string
		due      []Pending
		failDue  error
		wantSent int
		wantErr  bool
	}{
		{"none", nil, nil, 0, false},
		{"more than a batch", many(batch + 5), nil, batch + 5, false},
		{"one broken", append(many(2), Pending{Notice: vigil.Notice{ID: "ntc_bad", Kind: "gossip"}}), nil, 2, true},
		{"store down", nil, errors.New("disk on fire"), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &fakeStore{due: tt.due, sent: map[string]string{}, failDue: tt.failDue}
			err := (&Worker{Store: s}).Tick(context.Background())
			if (err != nil) != tt.wantErr {
				t.Errorf("Tick: %v, want error %v", err, tt.wantErr)
			}
			if len(s.sent) != tt.wantSent || s.resumed != 1 {
				t.Errorf("sent %d, resumed %d times; want %d and 1", len(s.sent), s.resumed, tt.wantSent)
			}
			if slices.ContainsFunc(tt.due, func(p Pending) bool { _, ok := s.sent[p.ID]; return ok && s.sent[p.ID] == "" }) {
				t.Error("a notice was sent without text")
			}
		})
	}
}
