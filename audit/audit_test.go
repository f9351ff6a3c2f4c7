package audit

import (
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
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
		Seal(&events[i], prev)
		prev = events[i].Hash
	}
	return events
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
	}{
		{"intact", func(e []vigil.AuditEvent) []vigil.AuditEvent { return e }, 0},
		{"changed detail", func(e []vigil.AuditEvent) []vigil.AuditEvent { e[3].Detail = `{"x":1}`; return e }, 4},
		{"changed actor", func(e []vigil.AuditEvent) []vigil.AuditEvent { e[0].ActorName = "mallory"; return e }, 1},
		{"resealed row", func(e []vigil.AuditEvent) []vigil.AuditEvent {
			e[2].Action = "case.delete"
			Seal(&e[2], e[2].PrevHash)
			return e
		}, 4},
		{"deleted row", func(e []vigil.AuditEvent) []vigil.AuditEvent { return append(e[:5], e[6:]...) }, 7},
		{"deleted last rows is not detectable by the chain alone", func(e []vigil.AuditEvent) []vigil.AuditEvent { return e[:8] }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(seq(tt.tamper(chain(10))))
			var broken *BrokenLinkError
			switch {
			case tt.brokenAt == 0 && err != nil:
				t.Fatalf("Verify: %v, want intact", err)
			case tt.brokenAt != 0 && !errors.As(err, &broken):
				t.Fatalf("Verify: %v, want a broken link at %d", err, tt.brokenAt)
			case tt.brokenAt != 0 && broken.Seq != tt.brokenAt:
				t.Fatalf("broken at %d (%v), want %d", broken.Seq, err, tt.brokenAt)
			}
		})
	}
}
