package sqlite

import (
	"context"
	"database/sql"
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

// Feedback records a message of the EU Centre about a report it took, and acts on it in the
// same transaction: "manifestly unfounded" makes the user's report notice due now (RP-15);
// "do not inform" and "do not remove" place the holds that delay the notice (RP-15) and stop
// removal (RP-18), which refuse periods beyond 18 months; "request info" is recorded against
// the report for legal to answer (RP-17).
func (s *ReportStore) Feedback(ctx context.Context, f vigil.ReportFeedback) (vigil.ReportFeedback, error) {
	if err := reportActor(ctx); err != nil {
		return vigil.ReportFeedback{}, err
	}
	if err := checkFeedback(f); err != nil {
		return vigil.ReportFeedback{}, err
	}
	err := s.db.Update(ctx, func(tx *Tx) error {
		rep, err := reportByID(ctx, tx, f.ReportID, nil)
		if err != nil {
			return err
		}
		if d, ok := rep.Delivery(vigil.DestEUCentre); !ok || d.Status != vigil.DestSent {
			return vigil.Errorf(vigil.ECONFLICT, "report %s has not reached the EU Centre: there is nothing to answer", rep.ID)
		}
		c, err := caseByID(ctx, tx, rep.CaseID)
		if err != nil {
			return err
		}
		if err := tx.actOnFeedback(f, c); err != nil {
			return err
		}
		f.ID, f.Received = vigil.NewID(vigil.PrefixReportFeedback, tx.now), tx.now
		_, err = tx.ExecContext(ctx, `INSERT INTO report_feedback (id, report_id, kind, until, reference, text, received)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, f.ID, f.ReportID, f.Kind, ms(f.Until), f.Reference, f.Text, ms(f.Received))
		if err != nil {
			return fmt.Errorf("report %s feedback: %w", f.ReportID, err)
		}
		return tx.Audit("report.feedback", "report", f.ReportID, caseAuditDetail(map[string]any{
			"feedback_id": f.ID, "kind": f.Kind, "reference": f.Reference, "until": ms(f.Until)}))
	})
	if err != nil {
		return vigil.ReportFeedback{}, err
	}
	return f, nil
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
	err := queryEach(ctx, s.db.read, `SELECT id, report_id, kind, until, reference, text, received
		FROM report_feedback WHERE report_id = ? ORDER BY received, id`, reportID, func(r *sql.Rows) error {
		var f vigil.ReportFeedback
		var until, received int64
		err := r.Scan(&f.ID, &f.ReportID, &f.Kind, &until, &f.Reference, &f.Text, &received)
		f.Until, f.Received = fromMS(until), fromMS(received)
		out = append(out, f)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("report %s feedback: %w", reportID, err)
	}
	return out, nil
}
