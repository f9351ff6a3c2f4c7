package sqlite

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// SigningSeedName names the secret whose 32 bytes seed the provider's Ed25519 signing key
// (EU Centre reports, RP-03; Annex VI confirmations).
const SigningSeedName = "provider_signing_seed"

// maxRecordBytes bounds a report record's JSON.
const maxRecordBytes = 256 << 10

// SigningKey returns the provider's Ed25519 public key, creating the key on first use.
func (s *ReportStore) SigningKey(ctx context.Context) (ed25519.PublicKey, error) {
	seed, err := s.db.Secret(ctx, SigningSeedName, 32)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey), nil
}

// SigningPrivateKey returns the provider's Ed25519 signing key, for the sending worker.
func (s *ReportStore) SigningPrivateKey(ctx context.Context) (ed25519.PrivateKey, error) {
	seed, err := s.db.Secret(ctx, SigningSeedName, 32)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// checkFacts refuses an edit of what the record states as recorded fact rather than as the
// legal team's account: whether the provider viewed each file and its EXIF, which come from the
// review log and must be stated truthfully (NC-06), and each file's hashes and upload time as
// the user uploaded it (NC-05). The error names the first field changed.
func checkFacts(old, rec vigil.ReportRecord) error {
	for i, c := range rec.Content {
		j := slices.IndexFunc(old.Content, func(o vigil.ReportContent) bool { return o.ContentID == c.ContentID })
		if j < 0 {
			continue
		}
		o := old.Content[j]
		for _, f := range []struct {
			name    string
			changed bool
		}{
			{"viewed_by_provider", c.Viewed != o.Viewed},
			{"exif_viewed_by_provider", c.ViewedEXIF != o.ViewedEXIF},
			{"md5", c.MD5 != o.MD5}, {"sha1", c.SHA1 != o.SHA1}, {"sha256", c.SHA256 != o.SHA256}, {"pdq", c.PDQ != o.PDQ},
			{"uploaded_at", !c.Uploaded.Equal(o.Uploaded)},
		} {
			if f.changed {
				return vigil.FieldErrorf(vigil.EINVALID, fmt.Sprintf("content[%d].%s", i, f.name),
					"is recorded fact (from the review log and the upload: NC-05, NC-06) and cannot be edited")
			}
		}
	}
	return nil
}

// checkRecord validates a record legal saved for a report whose draft named contentIDs: the
// enumerations, the text, and that it still reports exactly the case's items.
func checkRecord(rec vigil.ReportRecord, contentIDs []string) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return vigil.FieldErrorf(vigil.EINVALID, "record", "cannot be encoded: %v", err)
	}
	if len(raw) > maxRecordBytes {
		return vigil.FieldErrorf(vigil.EINVALID, "record", "longer than %d bytes", maxRecordBytes)
	}
	if !utf8.Valid(raw) {
		return vigil.FieldErrorf(vigil.EINVALID, "record", "is not valid UTF-8")
	}
	switch rec.Type {
	case vigil.ReportKnown, vigil.ReportNew, vigil.ReportSolicitation:
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "type", "must be %s, %s or %s, not %q",
			vigil.ReportKnown, vigil.ReportNew, vigil.ReportSolicitation, rec.Type)
	}
	switch rec.Awareness {
	case vigil.AwarenessDetection, vigil.AwarenessAuthority, vigil.AwarenessHotline,
		vigil.AwarenessUserFlag, vigil.AwarenessOwnMotion, vigil.AwarenessOther:
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "awareness", "unknown manner of awareness %q", rec.Awareness)
	}
	var ids []string
	for _, c := range rec.Content {
		ids = append(ids, c.ContentID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, contentIDs) {
		return vigil.FieldErrorf(vigil.EINVALID, "content", "must report the case's items %v, each once", contentIDs)
	}
	for i, u := range rec.Users {
		if u.UniqueID == "" {
			return vigil.FieldErrorf(vigil.EINVALID, fmt.Sprintf("users[%d].unique_id", i), "is required")
		}
	}
	if rec.Geo.Port < 0 || rec.Geo.Port > 65535 {
		return vigil.FieldErrorf(vigil.EINVALID, "geo.port", "must be between 0 and 65535")
	}
	if rec.Urgent && rec.UrgentWhy == "" {
		return vigil.FieldErrorf(vigil.EINVALID, "urgent_reason", "an urgent report says why (RP-11)")
	}
	return checkAnnotations(rec.Annotations)
}

// checkAnnotations accepts the CyberTipline report annotations of vigil.ReportAnnotations, each
// at most once.
func checkAnnotations(annotations []string) error {
	for i, a := range annotations {
		field := fmt.Sprintf("annotations[%d]", i)
		if !slices.Contains(vigil.ReportAnnotations, a) {
			return vigil.FieldErrorf(vigil.EINVALID, field, "unknown CyberTipline report annotation %q: want one of %s",
				a, strings.Join(vigil.ReportAnnotations, ", "))
		}
		if slices.Contains(annotations[:i], a) {
			return vigil.FieldErrorf(vigil.EINVALID, field, "%q is given twice", a)
		}
	}
	return nil
}

// checkComplete reports whether rec has what every report must carry before it is approved.
func checkComplete(rec vigil.ReportRecord) error {
	for _, f := range []struct{ name, value, why string }{
		{"provider.name", rec.Provider.Name, "the provider's identity (RP-02): set it in the report settings"},
		{"provider.contact_point", rec.Provider.ContactPoint, "the point of contact (PC-01)"},
		{"provider.reporter_email", rec.Provider.ReporterEmail, "who answers for the report"},
		{"legal_basis", rec.LegalBasis, "the legal basis (RP-12)"},
		{"service.name", rec.Service.Name, "the service (RP-13 Q7)"},
	} {
		if f.value == "" {
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "is required before approval: %s", f.why)
		}
	}
	return nil
}

// contentIDs returns the sorted content ids of rec.
func contentIDs(rec vigil.ReportRecord) []string {
	var ids []string
	for _, c := range rec.Content {
		ids = append(ids, c.ContentID)
	}
	slices.Sort(ids)
	return ids
}

// EditReport replaces the record of a draft, or of a report awaiting its second approval, and
// withdraws the approvals given so far: they approved another text.
func (s *ReportStore) EditReport(ctx context.Context, id string, rec vigil.ReportRecord) (vigil.Report, error) {
	if err := reportActor(ctx); err != nil {
		return vigil.Report{}, err
	}
	var rep vigil.Report
	err := s.db.Update(ctx, func(tx *Tx) error {
		old, err := tx.report(id)
		if err != nil {
			return err
		}
		if old.Status != vigil.ReportDraft && old.Status != vigil.ReportAwaitingSecond {
			return vigil.Errorf(vigil.ECONFLICT, "report %s is %s: only drafts are edited", id, old.Status)
		}
		if err := checkRecord(rec, contentIDs(old.Record)); err != nil {
			return err
		}
		if err := checkFacts(old.Record, rec); err != nil {
			return err
		}
		nonce, sealed, err := tx.sealRecord(id, rec)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE reports SET type = ?, status = ?, record_nonce = ?, record = ?,
			updated = ? WHERE id = ?`, rec.Type, vigil.ReportDraft, nonce, sealed, ms(tx.now), id)
		if err != nil {
			return fmt.Errorf("edit report %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_approvals WHERE report_id = ?`, id); err != nil {
			return fmt.Errorf("edit report %s: %w", id, err)
		}
		if rep, err = tx.report(id); err != nil {
			return err
		}
		// The record itself holds personal data: the audit names what changed in kind only.
		return tx.Audit("report.edit", "report", id, caseAuditDetail(map[string]any{
			"type": rec.Type, "approvals_withdrawn": len(old.Approvals)}))
	})
	return rep, err
}

// ApproveReport records the acting person's approval of a draft. Known material needs one
// approval; material not previously identified and solicitation need two different people
// (PP-04, SG-05, IR-08). Once approved enough, the report is queued for the destinations the
// settings enable. Only a confirmed case's report is approved.
func (s *ReportStore) ApproveReport(ctx context.Context, id string) (vigil.Report, error) {
	if err := reportActor(ctx); err != nil {
		return vigil.Report{}, err
	}
	actor := vigil.ActorFrom(ctx)
	var rep vigil.Report
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if rep, err = tx.report(id); err != nil {
			return err
		}
		if err := tx.checkApprovable(rep, actor); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO report_approvals (report_id, approver, name, time)
			VALUES (?, ?, ?, ?)`, id, actor.ID, actor.Name, ms(tx.now))
		if err != nil {
			return fmt.Errorf("approve report %s: %w", id, err)
		}
		status := vigil.ReportAwaitingSecond
		if len(rep.Approvals)+1 >= vigil.ApprovalsNeeded(rep.Record.Type) {
			status = vigil.ReportQueued
			if err := tx.queueReport(id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = ?, updated = ? WHERE id = ?`, status, ms(tx.now), id); err != nil {
			return fmt.Errorf("approve report %s: %w", id, err)
		}
		if rep, err = tx.report(id); err != nil {
			return err
		}
		return tx.Audit("report.approve", "report", id, caseAuditDetail(map[string]any{
			"status": status, "approvals": len(rep.Approvals), "needed": vigil.ApprovalsNeeded(rep.Record.Type)}))
	})
	return rep, err
}

// checkApprovable reports whether actor may approve rep now.
func (tx *Tx) checkApprovable(rep vigil.Report, actor vigil.Actor) error {
	if rep.Status != vigil.ReportDraft && rep.Status != vigil.ReportAwaitingSecond {
		return vigil.Errorf(vigil.ECONFLICT, "report %s is %s: only drafts are approved", rep.ID, rep.Status)
	}
	c, err := caseByID(tx.ctx, tx, rep.CaseID)
	if err != nil {
		return err
	}
	if c.Status != vigil.CaseConfirmed {
		return vigil.Errorf(vigil.ECONFLICT, "case %s is %s, not confirmed: its report cannot be approved", c.ID, c.Status)
	}
	if actor.Kind != vigil.ActorUser || actor.ID == "" {
		// The approvals are the human confirmation of PP-04 and IR-08, and the two-person rule
		// counts people: two API keys may well be one person's.
		return vigil.Errorf(vigil.EFORBIDDEN, "a report is approved by a person signed in to Vigil, not by an API key or Vigil itself")
	}
	for _, a := range rep.Approvals {
		if a.Approver == actor.ID {
			return vigil.Errorf(vigil.ECONFLICT, "you already approved report %s: a %s report needs a second approval by someone else (PP-04)",
				rep.ID, rep.Record.Type)
		}
	}
	return checkComplete(rep.Record)
}

// queueReport creates the report's delivery rows for the destinations the settings enable and
// makes it due now.
func (tx *Tx) queueReport(id string) error {
	if err := tx.queueDestinations(id); err != nil {
		return err
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE reports SET approved = ?, next_try = ?, attempts = 0 WHERE id = ?`,
		ms(tx.now), ms(tx.now), id)
	return err
}

// queueDestinations adds a pending delivery row for each destination the settings enable that
// the report has no row for: a report sent again keeps the rows of the deliveries made (a
// finished CyberTipline report is never submitted twice).
func (tx *Tx) queueDestinations(id string) error {
	settings, err := tx.reportSettings(false)
	if err != nil {
		return err
	}
	var dests []vigil.Destination
	if settings.NCMEC {
		dests = append(dests, vigil.DestNCMEC)
	}
	if settings.EUCentre {
		dests = append(dests, vigil.DestEUCentre)
	}
	if len(dests) == 0 {
		return vigil.Errorf(vigil.ECONFLICT, "no destination is enabled in the report settings: an admin enables the EU Centre, NCMEC or both")
	}
	for _, d := range dests {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO report_destinations (report_id, destination, status)
			VALUES (?, ?, ?) ON CONFLICT (report_id, destination) DO NOTHING`, id, d, vigil.DestPending)
		if err != nil {
			return fmt.Errorf("queue report %s: %w", id, err)
		}
	}
	return nil
}

// RetractReport withdraws a report before it is delivered. A report whose CyberTipline flow
// has started is marked for the sending worker, which retracts it at NCMEC; one that any
// destination already took cannot be withdrawn.
func (s *ReportStore) RetractReport(ctx context.Context, id, reason string) (vigil.Report, error) {
	if err := reportActor(ctx); err != nil {
		return vigil.Report{}, err
	}
	if reason == "" || !utf8.ValidString(reason) || len(reason) > maxCaseReason {
		return vigil.Report{}, vigil.FieldErrorf(vigil.EINVALID, "reason", "say why, in at most %d bytes of UTF-8", maxCaseReason)
	}
	var rep vigil.Report
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if rep, err = tx.report(id); err != nil {
			return err
		}
		if err := tx.retract(rep); err != nil {
			return err
		}
		if rep, err = tx.report(id); err != nil {
			return err
		}
		return tx.Audit("report.retract", "report", id, caseAuditDetail(map[string]any{
			"reason": reason, "status": rep.Status, "at_ncmec": rep.RetractRequested}))
	})
	return rep, err
}

// retract withdraws rep, or marks it for the worker when NCMEC holds an unfinished report.
func (tx *Tx) retract(rep vigil.Report) error {
	switch rep.Status {
	case vigil.ReportSent, vigil.ReportFailed, vigil.ReportRetracted:
		return vigil.Errorf(vigil.ECONFLICT, "report %s is %s: there is nothing to retract", rep.ID, rep.Status)
	}
	for _, d := range rep.Deliveries {
		if d.Status == vigil.DestFinished || d.Status == vigil.DestSent {
			return vigil.Errorf(vigil.ECONFLICT, "report %s was already delivered to %s: it cannot be retracted", rep.ID, d.Destination)
		}
	}
	if d, ok := rep.Delivery(vigil.DestNCMEC); ok && d.Status == vigil.DestSubmitted {
		_, err := tx.ExecContext(tx.ctx, `UPDATE reports SET retract_requested = 1, next_try = ?, updated = ?
			WHERE id = ?`, ms(tx.now), ms(tx.now), rep.ID)
		return err
	}
	return tx.setReportStatus(rep.ID, vigil.ReportRetracted, "")
}

// setReportStatus moves a report to status, recording why when it failed.
func (tx *Tx) setReportStatus(id string, status vigil.ReportStatus, lastError string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE reports SET status = ?, last_error = ?, updated = ? WHERE id = ?`,
		status, lastError, ms(tx.now), id)
	if err != nil {
		return fmt.Errorf("report %s: %w", id, err)
	}
	return nil
}
