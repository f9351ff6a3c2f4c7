package pipeline

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/internal/drawjpeg"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// TestCryptographicMatchesAreUrgent checks that an item matching a known bank by MD5, SHA-1 or
// SHA-256 opens an urgent case, one matching only by PDQ a normal one, and that the queue
// lists the urgent cases first although the normal one is older.
func TestCryptographicMatchesAreUrgent(t *testing.T) {
	e := newEnv(t)
	p := e.start(t, Config{})
	saveService(t, p, "photos", vigil.ServiceHosting, "EU")
	img := map[uint64][]byte{}
	digests := map[uint64]*hasher.Result{}
	for _, seed := range []uint64{3, 4, 5} {
		img[seed] = drawjpeg.Draw(seed, 640, 480)
		res, err := hasher.Hash(bytes.NewReader(img[seed]), hasher.Options{})
		if err != nil {
			t.Fatal(err)
		}
		digests[seed] = res
	}
	sha256Of5 := hex.EncodeToString(digests[5].SHA256[:])
	entries := []match.Entry{
		{Signal: signal.Signal{Type: signal.MD5, Value: hex.EncodeToString(digests[3].MD5[:])}},
		{Signal: signal.Signal{Type: signal.SHA1, Value: hex.EncodeToString(digests[4].SHA1[:])}},
		{Signal: signal.Signal{Type: signal.SHA256, Value: sha256Of5}},
	}
	if _, err := e.matcher.AddEntries(context.Background(), "known", entries); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		sub      vigil.Submission
		priority vigil.Priority
	}{
		{"PDQ only", vigil.Submission{Bytes: drawjpeg.Tag(drawjpeg.Draw(1, 640, 480), "re-encoded")}, vigil.PriorityNormal},
		{"MD5", vigil.Submission{Bytes: img[3]}, vigil.PriorityUrgent},
		{"SHA-1", vigil.Submission{Bytes: img[4]}, vigil.PriorityUrgent},
		{"SHA-256 sent as a signal", vigil.Submission{Signals: []signal.Signal{{Type: signal.SHA256, Value: sha256Of5}}}, vigil.PriorityUrgent},
	}
	var queue []string // case ids in the order the queue should list them
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.sub.Service, tt.sub.ExternalID = "photos", fmt.Sprint("item-", i)
			c := submitWait(t, p, tt.sub)
			if c.Verdict.Status != vigil.VerdictMatch {
				t.Fatalf("verdict %+v, want a match", c.Verdict)
			}
			cs, err := e.cases.Case(admin, c.Verdict.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if cs.Priority != tt.priority {
				t.Errorf("case priority %s, want %s (matches %+v)", cs.Priority, tt.priority, cs.Matches)
			}
			if tt.priority == vigil.PriorityUrgent {
				queue = append(queue, cs.ID)
			}
			e.clock.Advance(time.Millisecond) // case ids in submission order
		})
	}
	cases, _, err := e.cases.Cases(admin, vigil.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cases {
		got = append(got, c.ID)
	}
	if len(got) != len(tests) || fmt.Sprint(got[:len(queue)]) != fmt.Sprint(queue) {
		t.Errorf("queue %v, want the urgent cases %v first", got, queue)
	}
}
