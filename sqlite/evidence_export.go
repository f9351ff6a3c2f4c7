package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/vault"
)

// maxExportReference bounds the request reference an export records.
const maxExportReference = 200

// ExportEvidence writes to w a tar archive of kept evidence that is kept for law enforcement
// (PR-02(e)): all of case id's, or the one object id names when it is an evidence id. The
// archive holds each object's decrypted bytes and record, an export.json naming the case, the
// request reference and who exported it when, and a SHA256SUMS manifest. The export is
// audited as evidence.export, with the reference, in the transaction that reads the keys.
func (s *EvidenceStore) ExportEvidence(ctx context.Context, id, reference string, w io.Writer) error {
	reference = strings.TrimSpace(reference)
	switch {
	case reference == "":
		return vigil.FieldErrorf(vigil.EINVALID, "reference", "an export answers a law enforcement or judicial request: give its reference")
	case len(reference) > maxExportReference:
		return vigil.FieldErrorf(vigil.EINVALID, "reference", "longer than %d bytes", maxExportReference)
	}
	var files []vault.ExportFile
	var at time.Time
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		var caseID string
		if caseID, files, err = tx.exportFiles(id); err != nil {
			return err
		}
		ids := make([]string, 0, len(files)/2)
		for _, f := range files {
			if id, ok := strings.CutSuffix(f.Name, ".json"); ok {
				ids = append(ids, id)
			}
		}
		at = tx.now
		head, _ := json.MarshalIndent(map[string]any{"case_id": caseID, "reference": reference,
			"exported_at": at.UTC().Format(vault.TimeFormat), "exported_by": vigil.ActorFrom(ctx).Name, "evidence": ids}, "", "  ")
		files = append([]vault.ExportFile{{Name: "export.json", Data: append(head, '\n')}}, files...)
		return tx.Audit("evidence.export", "case", caseID, evidenceDetail(map[string]any{
			"reference": reference, "evidence": ids}))
	})
	if err != nil {
		return err
	}
	return vault.WriteArchive(w, files, at)
}

// exportFiles decrypts the kept evidence that id names (a case, or one evidence object) and
// that is kept for law enforcement, and returns its case.
func (tx *Tx) exportFiles(id string) (string, []vault.ExportFile, error) {
	caseID := id
	if strings.HasPrefix(id, vigil.PrefixEvidence+"_") {
		e, err := tx.evidence(id)
		if err != nil {
			return "", nil, err
		}
		caseID = e.CaseID
	}
	kept, err := tx.keptEvidence(caseID)
	if err != nil {
		return "", nil, err
	}
	var files []vault.ExportFile
	for _, se := range kept {
		if !se.KeptFor(vigil.PurposeLawEnforcement) || (caseID != id && se.ID != id) {
			continue
		}
		data, err := tx.openEvidence(se)
		if err != nil {
			return "", nil, fmt.Errorf("export %s: %w", id, err)
		}
		obj, err := vault.ExportObject(se.Evidence, data)
		if err != nil {
			return "", nil, err
		}
		files = append(files, obj...)
	}
	if len(files) == 0 {
		return "", nil, vigil.Errorf(vigil.ENOTFOUND, "%s has no evidence kept for law enforcement", id)
	}
	return caseID, files, nil
}
