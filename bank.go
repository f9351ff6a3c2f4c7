package vigil

import (
	"context"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// BankService keeps banks and their entries. It is the match.Store that the Matcher writes
// through, recording every change in the audit log in the change's own transaction, plus the
// reads the API needs and the Matcher does not offer. Those reads return bank contents, which
// are sensitive, so each one is recorded in the audit log as well; the match.Store reads are
// not, because only the Matcher uses them, to build its index. Hash values are hash-list
// contents: EntryPage, Entry and Export show them only to admins (others see an entry's signal
// type, and its value only when they searched by that value), so bulk reading stays admin-only.
type BankService interface {
	match.Store
	// EntryStager stages large imports outside the write lock, so they stream.
	match.EntryStager
	// EntryPage returns the entries of bank that q selects, in id order, recording the read.
	EntryPage(ctx context.Context, bank string, q EntryQuery) ([]match.Entry, error)
	// Entry returns the entry of bank with the given id, recording the read.
	Entry(ctx context.Context, bank string, id uint32) (match.Entry, error)
	// Export returns every entry of bank, in id order, recording the export.
	Export(ctx context.Context, bank string) ([]match.Entry, error)
	// SignalStats describes, per signal type, the entries of the enabled banks: what the
	// Matcher's index holds.
	SignalStats(ctx context.Context) (map[signal.Type]SignalStat, error)
}

// EntryQuery selects a page of a bank's entries.
type EntryQuery struct {
	After      uint32        // paging: entries with larger ids than this
	Limit      int           // default 50, at most 500
	Signal     signal.Signal // when set, only the entry holding this signal
	SupplierID string        // when set, only entries with this supplier id
}

// SignalStat describes the entries of one signal type in the enabled banks.
type SignalStat struct {
	Count  int
	Newest time.Time // when the newest of them was added; zero when Count is 0
}
