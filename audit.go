package vigil

import (
	"context"
	"time"
)

// AuditEvent is one entry of the append-only audit log. Events are hash-chained: Hash covers the
// event's fields and the previous event's Hash, so changing or deleting a row breaks the chain
// from there on (package audit computes and checks it).
type AuditEvent struct {
	Seq        int64 // 1, 2, 3, ... in the order written
	Time       time.Time
	ActorKind  ActorKind
	ActorID    string
	ActorName  string
	Action     string // verb.noun, e.g. "case.decide", "media.view", "bank.read"
	ObjectType string // e.g. "case", "bank", "user"
	ObjectID   string
	Detail     string // JSON with whatever else matters, never content bytes or full hashes
	PrevHash   string
	Hash       string
}

// AuditFilter selects audit events. Zero fields select everything.
type AuditFilter struct {
	ActorID    string
	ObjectType string
	ObjectID   string
	Action     string
	From, To   time.Time
	AfterSeq   int64 // paging: events after this one
	Limit      int   // default 50, at most 500
}

// AuditService reads the audit log; services write it as part of their own transactions.
type AuditService interface {
	AuditEvents(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
	// RecordView writes an audit event for reading something sensitive (bank contents, case
	// media) that changes nothing else.
	RecordView(ctx context.Context, action, objectType, objectID, detail string) error
}
