package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// euCentreAuthority names the EU Centre on the holds its messages place.
const euCentreAuthority = "EU Centre"

// checkFeedback validates an EU Centre message before any state is read.
func checkFeedback(f vigil.ReportFeedback) error {
	switch f.Kind {
	case vigil.FeedbackUnfounded:
	case vigil.FeedbackDoNotInform, vigil.FeedbackDoNotRemove:
		if f.Until.IsZero() {
			return vigil.FieldErrorf(vigil.EINVALID, "until", "a %s message says until when", f.Kind)
		}
		if f.Reference == "" {
			return vigil.FieldErrorf(vigil.EINVALID, "reference", "a %s message carries the reference of whoever asked", f.Kind)
		}
	case vigil.FeedbackRequestInfo:
		if f.Text == "" {
			return vigil.FieldErrorf(vigil.EINVALID, "text", "say what information is requested (RP-17)")
		}
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "kind", "must be %s, %s, %s or %s, not %q", vigil.FeedbackUnfounded,
			vigil.FeedbackDoNotInform, vigil.FeedbackDoNotRemove, vigil.FeedbackRequestInfo, f.Kind)
	}
	for _, s := range []struct{ name, value string }{{"reference", f.Reference}, {"text", f.Text}} {
		if !utf8.ValidString(s.value) || len(s.value) > maxCaseComment {
			return vigil.FieldErrorf(vigil.EINVALID, s.name, "must be valid UTF-8 of at most %d bytes", maxCaseComment)
		}
	}
	return nil
}

// maxFeedbackKey bounds the Idempotency-Key of an EU Centre message.
const maxFeedbackKey = 255

// Feedback records a message of the EU Centre about a report it took, and acts on it in the
// same transaction: "manifestly unfounded" makes the user's report notice due now (RP-15);
// "do not inform" and "do not remove" place the holds that delay the notice (RP-15) and stop
// removal (RP-18), which refuse periods beyond 18 months; "request info" is recorded against
// the report for legal to answer (RP-17). A message with the IdempotencyKey of one the same
// sender gave before returns that one, marked Repeat, and does nothing again: the EU Centre
// retries, and a retry must not place a second hold. The same key with another message is a
// conflict.
func (s *ReportStore) Feedback(ctx context.Context, f vigil.ReportFeedback) (vigil.ReportFeedback, error) {
	if err := reportActor(ctx); err != nil {
		return vigil.ReportFeedback{}, err
	}
	if err := checkFeedback(f); err != nil {
		return vigil.ReportFeedback{}, err
	}
	if len(f.IdempotencyKey) > maxFeedbackKey || !utf8.ValidString(f.IdempotencyKey) {
		return vigil.ReportFeedback{}, vigil.FieldErrorf(vigil.EINVALID, "Idempotency-Key", "must be valid UTF-8 of at most %d bytes", maxFeedbackKey)
	}
	err := s.db.Update(ctx, func(tx *Tx) error {
		if f.IdempotencyKey != "" {
			prev, found, err := tx.feedbackByIdempotencyKey(f)
			if err != nil || found {
				f = prev
				return err
			}
		}
		return tx.recordFeedback(&f)
	})
	if err != nil {
		return vigil.ReportFeedback{}, err
	}
	return f, nil
}

// feedbackByIdempotencyKey returns the message the acting sender gave earlier with f's key,
// marked Repeat. The same key with another message is refused: a retry never changes what
// the EU Centre said.
func (tx *Tx) feedbackByIdempotencyKey(f vigil.ReportFeedback) (vigil.ReportFeedback, bool, error) {
	prev, err := scanFeedback(tx.QueryRowContext(tx.ctx, `SELECT `+feedbackColumns+` FROM report_feedback
		WHERE sender_id = ? AND idempotency_key = ?`, vigil.ActorFrom(tx.ctx).ID, f.IdempotencyKey))
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.ReportFeedback{}, false, nil
	}
	if err != nil {
		return vigil.ReportFeedback{}, false, fmt.Errorf("report %s feedback: %w", f.ReportID, err)
	}
	if prev.ReportID != f.ReportID || prev.Kind != f.Kind || ms(prev.Until) != ms(f.Until) ||
		prev.Reference != f.Reference || prev.Text != f.Text {
		return vigil.ReportFeedback{}, false, vigil.Errorf(vigil.ECONFLICT,
			"Idempotency-Key %q was used for message %s about report %s with another message", f.IdempotencyKey, prev.ID, prev.ReportID)
	}
	prev.IdempotencyKey, prev.Repeat = f.IdempotencyKey, true
	return prev, true, nil
}

// recordFeedback acts on message f and stores it, setting its id and time.
func (tx *Tx) recordFeedback(f *vigil.ReportFeedback) error {
	rep, err := reportByID(tx.ctx, tx, f.ReportID, nil)
	if err != nil {
		return err
	}
	if d, ok := rep.Delivery(vigil.DestEUCentre); !ok || d.Status != vigil.DestSent {
		return vigil.Errorf(vigil.ECONFLICT, "report %s has not reached the EU Centre: there is nothing to answer", rep.ID)
	}
	c, err := caseByID(tx.ctx, tx, rep.CaseID)
	if err != nil {
		return err
	}
	if err := tx.actOnFeedback(*f, c); err != nil {
		return err
	}
	f.ID, f.Received = vigil.NewID(vigil.PrefixReportFeedback, tx.now), tx.now
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO report_feedback (`+feedbackColumns+`, sender_id, idempotency_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.ReportID, f.Kind, ms(f.Until), f.Reference, f.Text, ms(f.Received),
		vigil.ActorFrom(tx.ctx).ID, f.IdempotencyKey)
	if err != nil {
		return fmt.Errorf("report %s feedback: %w", f.ReportID, err)
	}
	return tx.Audit("report.feedback", "report", f.ReportID, caseAuditDetail(map[string]any{
		"feedback_id": f.ID, "kind": f.Kind, "reference": f.Reference, "until": ms(f.Until)}))
}

// feedbackColumns are the columns scanFeedback reads.
const feedbackColumns = `id, report_id, kind, until, reference, text, received`

// scanFeedback reads a feedbackColumns row.
func scanFeedback(r rowScanner) (vigil.ReportFeedback, error) {
	var f vigil.ReportFeedback
	var until, received int64
	err := r.Scan(&f.ID, &f.ReportID, &f.Kind, &until, &f.Reference, &f.Text, &received)
	f.Until, f.Received = fromMS(until), fromMS(received)
	return f, err
}

// actOnFeedback releases notices or places the hold message f asks for on case c's item.
func (tx *Tx) actOnFeedback(f vigil.ReportFeedback, c vigil.Case) error {
	hold := vigil.Hold{ContentID: c.ContentID, CaseID: c.ID, Authority: euCentreAuthority,
		Reference: f.Reference, Until: f.Until}
	switch f.Kind {
	case vigil.FeedbackUnfounded:
		return tx.ReleaseNotices(c.ContentID, vigil.NoticeReport, "the EU Centre found report "+f.ReportID+" manifestly unfounded")
	case vigil.FeedbackDoNotInform:
		hold.Kind, hold.Reason = vigil.HoldDoNotInform, "EU Centre: do not inform the user (Art. 48(7))"
	case vigil.FeedbackDoNotRemove:
		hold.Kind, hold.Reason = vigil.HoldDoNotRemove, "EU Centre: do not remove (Art. 48(6)(b))"
	default:
		return nil
	}
	_, err := tx.PlaceHold(hold)
	return err
}

// FeedbackOf returns the EU Centre's messages about a report, oldest first.
func (s *ReportStore) FeedbackOf(ctx context.Context, reportID string) ([]vigil.ReportFeedback, error) {
	if err := reportReader(ctx); err != nil {
		return nil, err
	}
	var out []vigil.ReportFeedback
	err := queryEach(ctx, s.db.read, `SELECT `+feedbackColumns+` FROM report_feedback WHERE report_id = ?
		ORDER BY received, id`, reportID, func(r *sql.Rows) error {
		f, err := scanFeedback(r)
		out = append(out, f)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("report %s feedback: %w", reportID, err)
	}
	return out, nil
}
