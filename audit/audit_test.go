package audit

import (
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

var (
	key      = []byte("the audit key derived from the master key")
	wrongKey = []byte("a key guessed by someone who can write the database")
)

func chain(n int) []vigil.AuditEvent {
	events := make([]vigil.AuditEvent, n)
	prev := Genesis
	for i := range events {
		events[i] = vigil.AuditEvent{
			Seq: int64(i + 1), Time: time.Date(2026, 11, 1, 0, 0, i, 0, time.UTC),
			ActorKind: vigil.ActorUser, ActorID: "usr_1", ActorName: "alice",
			Action: "case.decide", ObjectType: "case", ObjectID: fmt.Sprintf("cas_%d", i),
		}
		Seal(key, &events[i], prev)
		prev = events[i].Hash
	}
	return events
}

// reseal recomputes every hash from event i on under k, as someone rewriting the log would.
func reseal(k []byte, e []vigil.AuditEvent, i int) []vigil.AuditEvent {
	for ; i < len(e); i++ {
		prev := Genesis
		if i > 0 {
			prev = e[i-1].Hash
		}
		Seal(k, &e[i], prev)
	}
	return e
}

func seq(events []vigil.AuditEvent) iter.Seq2[vigil.AuditEvent, error] {
	return func(yield func(vigil.AuditEvent, error) bool) {
		for _, e := range events {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name     string
		tamper   func([]vigil.AuditEvent) []vigil.AuditEvent
		brokenAt int64 // 0: intact
		headSeq  int64 // the head Verify reports
	}{
		{"intact", func(e []vigil.AuditEvent) []vigil.AuditEvent { return e }, 0, 10},
		{"changed detail", func(e []vigil.AuditEvent) []vigil.AuditEvent { e[3].Detail = `{"x":1}`; return e }, 4, 3},
		{"changed actor", func(e []vigil.AuditEvent) []vigil.AuditEvent { e[0].ActorName = "mallory"; return e }, 1, 0},
		{"resealed row", func(e []vigil.AuditEvent) []vigil.AuditEvent {
			e[2].Action = "case.delete"
			Seal(key, &e[2], e[2].PrevHash)
			return e
		}, 4, 3},
		{"changed row, rest recomputed with a wrong key", func(e []vigil.AuditEvent) []vigil.AuditEvent {
			e[2].Action = "case.delete"
			return reseal(wrongKey, e, 2)
		}, 3, 2},
		{"whole log recomputed with a wrong key", func(e []vigil.AuditEvent) []vigil.AuditEvent {
			return reseal(wrongKey, e, 0)
		}, 1, 0},
		{"deleted row", func(e []vigil.AuditEvent) []vigil.AuditEvent { return append(e[:5], e[6:]...) }, 7, 5},
		{"deleted last rows: intact, but the head moved back", func(e []vigil.AuditEvent) []vigil.AuditEvent { return e[:8] }, 0, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := tt.tamper(chain(10))
			head, err := Verify(key, seq(events))
			var broken *BrokenLinkError
			switch {
			case tt.brokenAt == 0 && err != nil:
				t.Fatalf("Verify: %v, want intact", err)
			case tt.brokenAt != 0 && !errors.As(err, &broken):
				t.Fatalf("Verify: %v, want a broken link at %d", err, tt.brokenAt)
			case tt.brokenAt != 0 && broken.Seq != tt.brokenAt:
				t.Fatalf("broken at %d (%v), want %d", broken.Seq, err, tt.brokenAt)
			}
			wantHash := Genesis
			if tt.headSeq > 0 {
				wantHash = events[tt.headSeq-1].Hash
			}
			if head != (Head{Seq: tt.headSeq, Hash: wantHash}) {
				t.Fatalf("head %+v, want seq %d hash %s", head, tt.headSeq, wantHash)
			}
		})
	}
}

func TestHashDependsOnKey(t *testing.T) {
	e := chain(1)[0]
	if Hash(key, e) == Hash(wrongKey, e) || Hash(key, e) != e.Hash {
		t.Fatal("the hash does not depend on the key")
	}
}

func TestVerifyPassesOnSequenceErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	events := func(yield func(vigil.AuditEvent, error) bool) {
		if yield(chain(1)[0], nil) {
			yield(vigil.AuditEvent{}, boom)
		}
	}
	head, err := Verify(key, events)
	if !errors.Is(err, boom) || head.Seq != 1 {
		t.Fatalf("Verify = %+v, %v; want head 1 and the sequence's error", head, err)
	}
}
