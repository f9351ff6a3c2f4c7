package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/vigilproject/vigil"
)

// EvidenceStore is the evidence vault's records and bytes as the API, UI and command line read
// them: it implements vigil.EvidenceService. Every read is audited.
type EvidenceStore struct {
	db *DB
}

// NewEvidenceStore returns the evidence service of db.
func NewEvidenceStore(db *DB) *EvidenceStore { return &EvidenceStore{db: db} }

var _ vigil.EvidenceService = (*EvidenceStore)(nil)

// evidenceColumns is the column list scanEvidence reads.
const evidenceColumns = `id, case_id, content_id, service, purposes, policy, identified, deadline,
	status, size, media_type, sha256, created, deleted, reason`

// scanEvidence reads one row of evidenceColumns.
func scanEvidence(row rowScanner) (vigil.Evidence, error) {
	var e vigil.Evidence
	var purposes string
	var identified, deadline, created, deleted int64
	err := row.Scan(&e.ID, &e.CaseID, &e.ContentID, &e.Service, &purposes, &e.Policy, &identified,
		&deadline, &e.Status, &e.Size, &e.MediaType, &e.SHA256, &created, &deleted, &e.Reason)
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(purposes), &e.Purposes); err != nil {
		return e, fmt.Errorf("evidence %s: purposes: %w", e.ID, err)
	}
	e.Identified, e.Deadline, e.Created, e.Deleted = fromMS(identified), fromMS(deadline), fromMS(created), fromMS(deleted)
	return e, nil
}

// evidenceCursor is what a cursor may look like: the id of a page's last record.
var evidenceCursor = regexp.MustCompile(`^` + vigil.PrefixEvidence + `_[0-9A-Z]{26}$`)

// ListEvidence returns a page of evidence records, newest first, and audits the listing as
// evidence.list.
func (s *EvidenceStore) ListEvidence(ctx context.Context, f vigil.EvidenceFilter) ([]vigil.Evidence, string, error) {
	if f.Cursor != "" && !evidenceCursor.MatchString(f.Cursor) {
		return nil, "", vigil.FieldErrorf(vigil.EINVALID, "cursor", "not a cursor from a previous page")
	}
	switch f.Status {
	case "", vigil.EvidenceKept, vigil.EvidenceDeleted:
	default:
		return nil, "", vigil.FieldErrorf(vigil.EINVALID, "status", "unknown status %q: want kept or deleted", f.Status)
	}
	limit := pageLimit(f.Limit)
	var out []vigil.Evidence
	err := s.db.Update(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+evidenceColumns+` FROM evidence
			WHERE (? = '' OR case_id = ?) AND (? = '' OR status = ?) AND (? = '' OR id < ?)
			ORDER BY id DESC LIMIT ?`,
			f.CaseID, f.CaseID, f.Status, f.Status, f.Cursor, f.Cursor, limit+1)
		if err != nil {
			return fmt.Errorf("list evidence: %w", err)
		}
		if out, err = scanAll(rows, scanEvidence); err != nil {
			return fmt.Errorf("read evidence: %w", err)
		}
		for i := range out {
			if err := tx.setHeldUntil(&out[i]); err != nil {
				return err
			}
		}
		return tx.Audit("evidence.list", "evidence", f.CaseID, evidenceDetail(map[string]any{
			"case_id": f.CaseID, "status": f.Status, "cursor": f.Cursor, "count": min(len(out), limit)}))
	})
	if err != nil || len(out) <= limit {
		return out, "", err
	}
	return out[:limit], out[limit-1].ID, nil
}

// GetEvidence returns one evidence record and audits the read as evidence.read.
func (s *EvidenceStore) GetEvidence(ctx context.Context, id string) (vigil.Evidence, error) {
	var e vigil.Evidence
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if e, err = tx.evidence(id); err != nil {
			return err
		}
		if err := tx.setHeldUntil(&e); err != nil {
			return err
		}
		return tx.Audit("evidence.read", "evidence", id, evidenceDetail(map[string]any{"case_id": e.CaseID}))
	})
	return e, err
}

// setHeldUntil sets e.HeldUntil from the legal holds in force on its content now.
func (tx *Tx) setHeldUntil(e *vigil.Evidence) error {
	if e.Status != vigil.EvidenceKept {
		return nil
	}
	holds, err := tx.ActiveHolds(e.ContentID, vigil.HoldLegal, tx.now)
	for _, h := range holds {
		if h.Until.After(e.HeldUntil) {
			e.HeldUntil = h.Until
		}
	}
	return err
}

// evidence reads record id.
func (tx *Tx) evidence(id string) (vigil.Evidence, error) {
	return rowByID(tx.ctx, tx, scanEvidence, "evidence", `SELECT `+evidenceColumns+` FROM evidence WHERE id = ?`, id)
}

// sealedEvidence is a kept record with what opens it.
type sealedEvidence struct {
	vigil.Evidence
	keyID   string
	wrapped []byte
}

// keptEvidence returns the kept evidence of caseID, newest first, with the wrapped data keys.
func (tx *Tx) keptEvidence(caseID string) ([]sealedEvidence, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT `+evidenceColumns+`, key_id, wrapped_key FROM evidence
		WHERE case_id = ? AND status = 'kept' ORDER BY id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("evidence of %s: %w", caseID, err)
	}
	out, err := scanAll(rows, scanSealedEvidence)
	if err != nil {
		return nil, fmt.Errorf("evidence of %s: %w", caseID, err)
	}
	return out, nil
}

// scanSealedEvidence reads one row of evidenceColumns followed by key_id and wrapped_key.
func scanSealedEvidence(row rowScanner) (sealedEvidence, error) {
	var se sealedEvidence
	e, err := scanEvidence(scanFunc(func(dest ...any) error {
		return row.Scan(append(dest, &se.keyID, &se.wrapped)...)
	}))
	se.Evidence = e
	return se, err
}

// scanFunc adapts a function to rowScanner, to read extra columns after a shared list.
type scanFunc func(dest ...any) error

// Scan calls f.
func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// open decrypts se.
func (tx *Tx) openEvidence(se sealedEvidence) ([]byte, error) {
	v, _, err := tx.db.Vault()
	if err != nil {
		return nil, err
	}
	return v.Open(se.ID, se.keyID, se.wrapped)
}

// CaseMedia returns the content of the newest kept evidence of caseID that is kept for
// purpose, refusing evidence not kept for it (PR-05), and audits the read as
// evidence.access with the purpose. The reporting worker reads attachments this way.
func (s *EvidenceStore) CaseMedia(ctx context.Context, caseID, purpose string) ([]byte, string, error) {
	ps, err := vigil.ParsePurposes([]string{purpose})
	if err != nil {
		return nil, "", err
	}
	var data []byte
	var mediaType string
	err = s.db.Update(ctx, func(tx *Tx) error {
		kept, err := tx.keptEvidence(caseID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(kept, func(se sealedEvidence) bool { return se.KeptFor(ps[0]) })
		switch {
		case len(kept) == 0:
			return vigil.Errorf(vigil.ENOTFOUND, "case %s has no kept evidence", caseID)
		case i < 0:
			return vigil.Errorf(vigil.EFORBIDDEN, "the evidence of case %s is not kept for %s (PR-05)", caseID, purpose)
		}
		if data, err = tx.openEvidence(kept[i]); err != nil {
			return err
		}
		mediaType = kept[i].MediaType
		return tx.Audit("evidence.access", "evidence", kept[i].ID, evidenceDetail(map[string]any{
			"case_id": caseID, "purpose": purpose}))
	})
	return data, mediaType, err
}
