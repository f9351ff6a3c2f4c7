package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// Supplements to reports the EU Centre took: the provider's answer to a request for
// information (RP-17) and the CyberTipline report id learnt after the report went out (RP-09).
// They are queued here and sent by the reporting worker; see migration 00019.

// maxSupplementText bounds a supplement's text, as the supplement schema does.
const maxSupplementText = 20000

// AddSupplement queues a supplement to report sup.ReportID, written by the signed-in person
// acting: text, third-country references or both, optionally answering the EU Centre's
// request_info message sup.InReplyTo. The report must have reached the EU Centre. The text is
// stored encrypted and left out of the audit event, since it may hold personal data.
func (s *ReportStore) AddSupplement(ctx context.Context, sup vigil.ReportSupplement) (vigil.ReportSupplement, error) {
	if err := reportActor(ctx); err != nil {
		return vigil.ReportSupplement{}, err
	}
	if a := vigil.ActorFrom(ctx); a.Kind != vigil.ActorUser {
		return vigil.ReportSupplement{}, vigil.Errorf(vigil.EFORBIDDEN, "a supplement is written by a signed-in person, not a %s", a.Kind)
	}
	if err := checkSupplement(sup); err != nil {
		return vigil.ReportSupplement{}, err
	}
	err := s.db.Update(ctx, func(tx *Tx) error { return tx.queueSupplement(&sup) })
	if err != nil {
		return vigil.ReportSupplement{}, err
	}
	return sup, nil
}

// checkSupplement validates a supplement before any state is read.
func checkSupplement(sup vigil.ReportSupplement) error {
	if sup.Text == "" && len(sup.ThirdCountry) == 0 {
		return vigil.FieldErrorf(vigil.EINVALID, "text", "a supplement carries text, third-country reports or both")
	}
	if !utf8.ValidString(sup.Text) || len(sup.Text) > maxSupplementText {
		return vigil.FieldErrorf(vigil.EINVALID, "text", "must be valid UTF-8 of at most %d bytes", maxSupplementText)
	}
	for i, r := range sup.ThirdCountry {
		if r.Entity == "" || r.Reference == "" || !utf8.ValidString(r.Entity+r.Reference) ||
			len(r.Entity) > maxCaseComment || len(r.Reference) > maxCaseComment {
			return vigil.FieldErrorf(vigil.EINVALID, "third_country_reports["+strconv.Itoa(i)+"]",
				"needs an entity and a reference, valid UTF-8 of at most %d bytes each", maxCaseComment)
		}
	}
	return nil
}

// checkRequestInfo refuses feedbackID unless it is a request_info message about reportID.
func (tx *Tx) checkRequestInfo(reportID, feedbackID string) error {
	var kind string
	err := tx.QueryRowContext(tx.ctx, `SELECT kind FROM report_feedback WHERE id = ? AND report_id = ?`,
		feedbackID, reportID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.FieldErrorf(vigil.EINVALID, "in_reply_to", "report %s has no EU Centre message %s", reportID, feedbackID)
	}
	if err != nil {
		return fmt.Errorf("report %s message %s: %w", reportID, feedbackID, err)
	}
	if vigil.FeedbackKind(kind) != vigil.FeedbackRequestInfo {
		return vigil.FieldErrorf(vigil.EINVALID, "in_reply_to", "message %s is %s, not a request for information", feedbackID, kind)
	}
	return nil
}

// queueSupplement stores sup, setting its id, status and times, and audits it. The report must
// have reached the EU Centre (a supplement names the Centre's reference), and the message it
// answers, if any, must be a request for information about it.
func (tx *Tx) queueSupplement(sup *vigil.ReportSupplement) error {
	ref, err := tx.euReference(sup.ReportID)
	if err != nil {
		return err
	}
	if sup.InReplyTo != "" {
		if err := tx.checkRequestInfo(sup.ReportID, sup.InReplyTo); err != nil {
			return err
		}
	}
	actor := vigil.ActorFrom(tx.ctx)
	sup.ID, sup.EUReference, sup.Status = vigil.NewID(vigil.PrefixReportSupplement, tx.now), ref, vigil.SupplementQueued
	sup.Created, sup.NextTry, sup.CreatedBy = tx.now, tx.now, actor.ID
	if actor.Kind == vigil.ActorSystem {
		sup.CreatedBy = string(vigil.ActorSystem)
	}
	nonce, sealed, err := tx.sealSupplementText(sup.ID, sup.Text)
	if err != nil {
		return err
	}
	third, err := json.Marshal(nonNilThirdCountry(sup.ThirdCountry))
	if err != nil {
		return fmt.Errorf("supplement of report %s: %w", sup.ReportID, err)
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO report_supplements (id, report_id, in_reply_to, text_nonce, text,
		third_country, status, created, created_by, next_try) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sup.ID, sup.ReportID, sup.InReplyTo, nonce, sealed, string(third), sup.Status, ms(tx.now), sup.CreatedBy, ms(tx.now))
	if err != nil {
		return fmt.Errorf("supplement of report %s: %w", sup.ReportID, err)
	}
	return tx.Audit("report.supplement", "report", sup.ReportID, caseAuditDetail(map[string]any{
		"supplement_id": sup.ID, "in_reply_to": sup.InReplyTo, "has_text": sup.Text != "",
		"third_country_reports": len(sup.ThirdCountry)}))
}

// nonNilThirdCountry returns r, or an empty list for nil, so the column holds [] not null.
func nonNilThirdCountry(r []vigil.ThirdCountryReport) []vigil.ThirdCountryReport {
	if r == nil {
		return []vigil.ThirdCountryReport{}
	}
	return r
}

// euReference returns the EU Centre's reference of report id, refusing a report the Centre
// has not taken and one whose record was erased (its retention is over: PR-04).
func (tx *Tx) euReference(id string) (string, error) {
	var status, ref string
	var erased int64
	err := tx.QueryRowContext(tx.ctx, `SELECT d.status, d.reference, r.erased FROM report_destinations d
		JOIN reports r ON r.id = d.report_id WHERE d.report_id = ? AND d.destination = ?`,
		id, vigil.DestEUCentre).Scan(&status, &ref, &erased)
	if errors.Is(err, sql.ErrNoRows) {
		var exists bool
		if err := tx.QueryRowContext(tx.ctx, `SELECT EXISTS (SELECT 1 FROM reports WHERE id = ?)`, id).Scan(&exists); err != nil {
			return "", fmt.Errorf("report %s: %w", id, err)
		}
		if !exists {
			return "", vigil.Errorf(vigil.ENOTFOUND, "no report %s", id)
		}
	} else if err != nil {
		return "", fmt.Errorf("report %s: %w", id, err)
	}
	if erased != 0 {
		return "", vigil.Errorf(vigil.ECONFLICT, "report %s was erased at the end of its retention: it takes no supplement", id)
	}
	if vigil.DestinationStatus(status) != vigil.DestSent || ref == "" {
		return "", vigil.Errorf(vigil.ECONFLICT, "report %s has not reached the EU Centre: there is nothing to supplement", id)
	}
	return ref, nil
}

// lateNCMECSupplement queues, as the system, a supplement naming the CyberTipline report of
// report id when the EU Centre took the report before NCMEC finished it: the worker sends the
// EU Centre report with NCMEC's id only once NCMEC finished, so the record went without it
// (RP-09). Called in the transaction that records the finish.
func (tx *Tx) lateNCMECSupplement(id string) error {
	var euStatus, ncmecRef string
	err := tx.QueryRowContext(tx.ctx, `SELECT
		coalesce((SELECT status FROM report_destinations WHERE report_id = ? AND destination = ?), ''),
		coalesce((SELECT reference FROM report_destinations WHERE report_id = ? AND destination = ?), '')`,
		id, vigil.DestEUCentre, id, vigil.DestNCMEC).Scan(&euStatus, &ncmecRef)
	if err != nil {
		return fmt.Errorf("report %s: %w", id, err)
	}
	if vigil.DestinationStatus(euStatus) != vigil.DestSent || ncmecRef == "" {
		return nil
	}
	sup := vigil.ReportSupplement{ReportID: id,
		ThirdCountry: []vigil.ThirdCountryReport{{Entity: vigil.NCMECEntity, Reference: ncmecRef}}}
	return tx.queueSupplement(&sup)
}

// sealSupplementText encrypts text under the report record key with the supplement id as
// additional data; no text gives two empty values.
func (tx *Tx) sealSupplementText(id, text string) (nonce, sealed []byte, err error) {
	if text == "" {
		return []byte{}, []byte{}, nil
	}
	key, err := tx.Secret(reportRecordKeyName, 32)
	if err != nil {
		return nil, nil, err
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, nil, err
	}
	nonce = make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return nonce, aead.Seal(nil, nonce, []byte(text), []byte(id)), nil
}

// openSupplementText decrypts what sealSupplementText wrote.
func openSupplementText(key []byte, id string, nonce, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	aead, err := newGCM(key)
	if err != nil {
		return "", err
	}
	if len(nonce) != aead.NonceSize() {
		return "", fmt.Errorf("supplement %s: nonce is %d bytes", id, len(nonce))
	}
	plain, err := aead.Open(nil, nonce, sealed, []byte(id))
	if err != nil {
		return "", fmt.Errorf("decrypt supplement %s: %w", id, err)
	}
	return string(plain), nil
}

// supplementColumns are the columns scanSupplement reads, joined with the report's EU
// Centre destination.
const supplementColumns = `s.id, s.report_id, d.reference, s.in_reply_to, s.text_nonce, s.text, s.third_country,
	s.status, s.reference, s.created, s.created_by, s.sent, s.attempts, s.next_try, s.last_error`

// supplementFrom is the FROM clause for supplementColumns.
const supplementFrom = ` FROM report_supplements s JOIN report_destinations d
	ON d.report_id = s.report_id AND d.destination = 'eu_centre'`

// scanSupplement reads a supplementColumns row, decrypting the text with key.
func scanSupplement(r rowScanner, key []byte) (vigil.ReportSupplement, error) {
	var sup vigil.ReportSupplement
	var nonce, sealed []byte
	var third string
	var created, sent, next int64
	err := r.Scan(&sup.ID, &sup.ReportID, &sup.EUReference, &sup.InReplyTo, &nonce, &sealed, &third,
		&sup.Status, &sup.Reference, &created, &sup.CreatedBy, &sent, &sup.Attempts, &next, &sup.LastError)
	if err != nil {
		return sup, err
	}
	sup.Created, sup.Sent, sup.NextTry = fromMS(created), fromMS(sent), fromMS(next)
	if err := json.Unmarshal([]byte(third), &sup.ThirdCountry); err != nil {
		return sup, fmt.Errorf("supplement %s: %w", sup.ID, err)
	}
	sup.Text, err = openSupplementText(key, sup.ID, nonce, sealed)
	return sup, err
}

// DueSupplements returns up to limit queued supplements whose next try has come, oldest due
// first, with their text: what the reporting worker sends.
func (s *ReportStore) DueSupplements(ctx context.Context, limit int) ([]vigil.ReportSupplement, error) {
	// Finding none takes only a read, so an idle worker never holds the write lock.
	var due bool
	err := s.db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM report_supplements WHERE status = 'queued'
		AND next_try <= ?)`, ms(s.db.Clock.Now())).Scan(&due)
	if err != nil || !due {
		return nil, err
	}
	var out []vigil.ReportSupplement
	err = s.db.Update(vigil.WithActor(ctx, vigil.System), func(tx *Tx) error {
		key, err := tx.Secret(reportRecordKeyName, 32)
		if err != nil {
			return err
		}
		return queryEach(tx.ctx, tx, `SELECT `+supplementColumns+supplementFrom+` WHERE s.status = 'queued'
			AND s.next_try <= ? ORDER BY s.next_try, s.rowid LIMIT `+strconv.Itoa(limit), ms(tx.now), func(r *sql.Rows) error {
			sup, err := scanSupplement(r, key)
			out = append(out, sup)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("due supplements: %w", err)
	}
	return out, nil
}

// SupplementsOf returns the supplements of a report, oldest first, with their text. The read
// is audited: the text may hold personal data.
func (s *ReportStore) SupplementsOf(ctx context.Context, reportID string) ([]vigil.ReportSupplement, error) {
	if err := reportReader(ctx); err != nil {
		return nil, err
	}
	var out []vigil.ReportSupplement
	err := s.db.Update(ctx, func(tx *Tx) error {
		key, err := tx.Secret(reportRecordKeyName, 32)
		if err != nil {
			return err
		}
		err = queryEach(tx.ctx, tx, `SELECT `+supplementColumns+supplementFrom+` WHERE s.report_id = ?
			ORDER BY s.created, s.rowid`, reportID, func(r *sql.Rows) error {
			sup, err := scanSupplement(r, key)
			out = append(out, sup)
			return err
		})
		if err != nil {
			return err
		}
		return tx.Audit("report.supplements_read", "report", reportID, caseAuditDetail(map[string]any{"count": len(out)}))
	})
	if err != nil {
		return nil, fmt.Errorf("supplements of report %s: %w", reportID, err)
	}
	return out, nil
}

// SupplementSent records the EU Centre's reference for supplement id.
func (s *ReportStore) SupplementSent(ctx context.Context, id, reference string) error {
	return s.supplementStep(ctx, id, "report.supplement_sent", map[string]any{"reference": reference},
		`status = 'sent', reference = ?, sent = ?, last_error = ''`, reference, ms(s.db.Clock.Now()))
}

// SupplementRetry records a failed attempt (reason) and when to try again.
func (s *ReportStore) SupplementRetry(ctx context.Context, id string, at time.Time, reason string) error {
	return s.supplementStep(ctx, id, "", nil, `attempts = attempts + 1, next_try = ?, last_error = ?`, ms(at), reason)
}

// SupplementFailed records that the EU Centre refused supplement id for good (reason).
func (s *ReportStore) SupplementFailed(ctx context.Context, id, reason string) error {
	return s.supplementStep(ctx, id, "report.supplement_fail", map[string]any{"reason": reason},
		`status = 'failed', attempts = attempts + 1, last_error = ?`, reason)
}

// supplementStep updates queued supplement id with set (args), as the system, auditing action
// against its report unless action is "".
func (s *ReportStore) supplementStep(ctx context.Context, id, action string, detail map[string]any, set string, args ...any) error {
	err := s.db.Update(vigil.WithActor(ctx, vigil.System), func(tx *Tx) error {
		var reportID string
		err := tx.QueryRowContext(tx.ctx, `UPDATE report_supplements SET `+set+` WHERE id = ? AND status = 'queued'
			RETURNING report_id`, append(args, id)...).Scan(&reportID)
		if errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ECONFLICT, "supplement %s is not queued", id)
		}
		if err != nil || action == "" {
			return err
		}
		detail["supplement_id"] = id
		return tx.Audit(action, "report", reportID, caseAuditDetail(detail))
	})
	if err != nil {
		return fmt.Errorf("supplement %s: %w", id, err)
	}
	return nil
}
