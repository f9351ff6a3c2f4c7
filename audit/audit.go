// Package audit computes and checks the hash chain of the audit log. Each event's hash covers
// its own fields and the hash of the event before it, so a changed, inserted or deleted row
// breaks every hash after it, and Verify names the first event where the chain breaks.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"iter"
	"time"

	"github.com/vigilproject/vigil"
)

// Genesis is the PrevHash of the first event.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Hash returns the hex SHA-256 of e's fields, PrevHash included and Hash excluded. Each field is
// length-prefixed, so no two different events encode alike.
func Hash(e vigil.AuditEvent) string {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	put(e.Time.UTC().Format(time.RFC3339Nano))
	put(string(e.ActorKind))
	put(e.ActorID)
	put(e.ActorName)
	put(e.Action)
	put(e.ObjectType)
	put(e.ObjectID)
	put(e.Detail)
	put(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets e's PrevHash to prev and its Hash to the chain hash, ready to be appended.
func Seal(e *vigil.AuditEvent, prev string) {
	e.PrevHash = prev
	e.Hash = Hash(*e)
}

// BrokenLinkError says where the chain first breaks.
type BrokenLinkError struct {
	Seq    int64
	Reason string
}

func (e *BrokenLinkError) Error() string {
	return fmt.Sprintf("audit chain broken at event %d: %s", e.Seq, e.Reason)
}

// Verify walks events in Seq order and returns the number checked, or a *BrokenLinkError for
// the first event whose sequence, link or hash is wrong. An error from the sequence itself is
// returned as is.
func Verify(events iter.Seq2[vigil.AuditEvent, error]) (int64, error) {
	prev, want := Genesis, int64(1)
	var checked int64
	for e, err := range events {
		if err != nil {
			return checked, err
		}
		switch {
		case e.Seq != want:
			return checked, &BrokenLinkError{e.Seq, fmt.Sprintf("expected event %d: a row is missing or out of order", want)}
		case e.PrevHash != prev:
			return checked, &BrokenLinkError{e.Seq, "previous-hash does not match the event before it"}
		case Hash(e) != e.Hash:
			return checked, &BrokenLinkError{e.Seq, "hash does not match the event's contents"}
		}
		prev, want = e.Hash, want+1
		checked++
	}
	return checked, nil
}
