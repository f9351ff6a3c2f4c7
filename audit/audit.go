// Package audit computes and checks the hash chain of the audit log. Each event's hash covers
// its own fields and the hash of the event before it, so a changed, inserted or deleted row
// breaks every hash after it, and Verify names the first event where the chain breaks.
//
// The hash is an HMAC-SHA256 under a secret key (derived from the master key, which lives
// outside the database): with a plain hash, anyone able to write the database could rewrite a
// row and recompute every hash after it. Without the key the chain cannot be recomputed.
package audit

import (
	"crypto/hmac"
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

// Hash returns the hex HMAC-SHA256 under key of e's fields, PrevHash included and Hash
// excluded. Each field is length-prefixed, so no two different events encode alike.
func Hash(key []byte, e vigil.AuditEvent) string {
	h := hmac.New(sha256.New, key)
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

// Seal sets e's PrevHash to prev and its Hash to the chain hash under key, ready to be
// appended.
func Seal(key []byte, e *vigil.AuditEvent, prev string) {
	e.PrevHash = prev
	e.Hash = Hash(key, *e)
}

// BrokenLinkError says where the chain first breaks.
type BrokenLinkError struct {
	Seq    int64
	Reason string
}

func (e *BrokenLinkError) Error() string {
	return fmt.Sprintf("audit chain broken at event %d: %s", e.Seq, e.Reason)
}

// Head is how far Verify got: the last intact event's sequence number, which is also the
// number of intact events (sequence numbers start at 1 and have no gaps), and its hash.
// Deleting the newest events leaves a shorter chain that is intact, so an operator compares the
// head with one noted earlier, or kept elsewhere, to detect that.
type Head struct {
	Seq  int64
	Hash string
}

// Verify walks events in Seq order, checking each hash under key, and returns the head of the
// intact chain, or that head and a *BrokenLinkError for the first event whose sequence, link
// or hash is wrong. An error from the sequence itself is returned as is.
func Verify(key []byte, events iter.Seq2[vigil.AuditEvent, error]) (Head, error) {
	head := Head{Hash: Genesis}
	for e, err := range events {
		if err != nil {
			return head, err
		}
		switch {
		case e.Seq != head.Seq+1:
			return head, &BrokenLinkError{e.Seq, fmt.Sprintf("expected event %d: a row is missing or out of order", head.Seq+1)}
		case e.PrevHash != head.Hash:
			return head, &BrokenLinkError{e.Seq, "previous-hash does not match the event before it"}
		case !hmac.Equal([]byte(Hash(key, e)), []byte(e.Hash)):
			return head, &BrokenLinkError{e.Seq, "hash does not match the event's contents (or another key sealed it)"}
		}
		head = Head{Seq: e.Seq, Hash: e.Hash}
	}
	return head, nil
}
