// Package notice decides when a user is told about what happened to their content and renders
// what they are told. The timing is a pure function of the notice, the do-not-inform holds on
// its item and the clock (RP-15, RO-07, RO-08), so it is tested with plain times; the Worker
// sends the notices that fall due.
package notice

import (
	"time"

	"github.com/vigilproject/vigil"
)

// Timing is when a notice is due and why.
type Timing struct {
	Due    time.Time
	Status vigil.NoticeStatus // scheduled, or held when a do-not-inform hold delays it
	HoldID string             // the hold that delays it the longest, for held
}

// Schedule computes, at now, the timing of a notice not yet sent of kind about an event at
// basis, given the holds on its item and released, the time the EU Centre called the report
// manifestly unfounded (zero when it has not).
//
// A report notice is due three months after the report (RP-15, Art. 12(2)); a removal,
// complaint, restored or account notice is due at once (RO-07, IR-09: without undue delay).
// Report, removal and account notices wait for the end of every do-not-inform hold that starts before the notice would be
// due, or before now when it is overdue: until it is sent the user has not been told, so an
// instruction in force stops it (RP-15, RO-08). Complaint and restored notices answer the
// user's own request or undo an error and are never held. A manifestly unfounded report is
// notified at once, whichever holds exist: the EU Centre's answer ends the matter (RP-15:
// "whichever is first").
func Schedule(kind vigil.NoticeKind, basis time.Time, holds []vigil.Hold, released, now time.Time) Timing {
	due := basis
	if kind == vigil.NoticeReport {
		due = vigil.ReportNoticeDue(basis)
	}
	if !released.IsZero() {
		if released.Before(due) {
			due = released
		}
		return Timing{Due: due, Status: vigil.NoticeScheduled}
	}
	if !holdable(kind) {
		return Timing{Due: due, Status: vigil.NoticeScheduled}
	}
	t := Timing{Due: due, Status: vigil.NoticeScheduled}
	// Each pass moves the due time to the end of a hold that covers it; a hold that starts
	// within another's period then covers the new due time, so repeat until none moves it. The
	// due time only grows, so at most len(holds) passes change it.
	for moved := true; moved; {
		moved = false
		for _, h := range holds {
			if delays(h, t.Due, now) {
				t.Due, t.Status, t.HoldID = h.End(), vigil.NoticeHeld, h.ID
				moved = true
			}
		}
	}
	return t
}

// holdable reports whether a do-not-inform hold can delay a notice of kind. An account notice
// is held like a removal notice: telling the user their account was suspended over the item
// would disclose what the hold keeps from them (RP-15, RO-08).
func holdable(kind vigil.NoticeKind) bool {
	return kind == vigil.NoticeReport || kind == vigil.NoticeRemoval || kind == vigil.NoticeAccount
}

// delays reports whether hold h pushes a notice due at due, and still unsent at now, further
// out: a do-not-inform hold that starts no later than the notice goes out (due, or now when
// that is later) and ends after due. A hold that has ended still explains when the notice fell
// due; one that starts after it goes out is too late to stop it.
func delays(h vigil.Hold, due, now time.Time) bool {
	out := due
	if now.After(out) {
		out = now
	}
	return h.Kind == vigil.HoldDoNotInform && h.Start.Compare(out) <= 0 && h.End().After(due)
}
