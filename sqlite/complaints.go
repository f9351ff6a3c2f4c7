package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// Complaints is the ComplaintService on the database.
type Complaints struct{ db *DB }

// NewComplaints returns the complaint service of db.
func NewComplaints(db *DB) *Complaints { return &Complaints{db: db} }

var _ vigil.ComplaintService = (*Complaints)(nil)

const complaintColumns = `id, content_id, case_id, service, uploader, kind, text, language, status,
	outcome, assignee, decider, reason, action_id, notice_id, filed_by, filed, assigned, decided, notified`

// scanComplaint reads one row of complaintColumns.
func scanComplaint(row rowScanner) (vigil.Complaint, error) {
	var c vigil.Complaint
	var filed, assigned, decided, notified int64
	err := row.Scan(&c.ID, &c.ContentID, &c.CaseID, &c.Service, &c.Uploader, &c.Kind, &c.Text,
		&c.Language, &c.Status, &c.Outcome, &c.Assignee, &c.Decider, &c.Reason, &c.ActionID,
		&c.NoticeID, &c.FiledBy, &filed, &assigned, &decided, &notified)
	c.Filed, c.Assigned, c.Decided, c.Notified = fromMS(filed), fromMS(assigned), fromMS(decided), fromMS(notified)
	return c, err
}

// checkComplaint validates a complaint as filed.
func checkComplaint(c vigil.Complaint) error {
	switch c.Kind {
	case vigil.ComplaintDetection, vigil.ComplaintRemoval, vigil.ComplaintAccount:
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "kind", "unknown complaint kind %q: want detection, removal or account", c.Kind)
	}
	switch {
	case c.ContentID == "" && c.CaseID == "":
		return vigil.FieldErrorf(vigil.EINVALID, "content_id", "a complaint names the content item or the case")
	case strings.TrimSpace(c.Text) == "":
		return vigil.FieldErrorf(vigil.EINVALID, "text", "a complaint says what is wrong")
	case len(c.Text) > vigil.MaxComplaintText:
		return vigil.FieldErrorf(vigil.EINVALID, "text", "at most %d bytes", vigil.MaxComplaintText)
	case !utf8.ValidString(c.Text):
		return vigil.FieldErrorf(vigil.EINVALID, "text", "not valid UTF-8")
	case len(c.Uploader) > maxComplaintUploader:
		return vigil.FieldErrorf(vigil.EINVALID, "uploader", "at most %d bytes", maxComplaintUploader)
	case !utf8.ValidString(c.Uploader):
		return vigil.FieldErrorf(vigil.EINVALID, "uploader", "not valid UTF-8")
	case len(c.Language) > 35 || strings.TrimLeft(c.Language, languageTagChars) != "":
		return vigil.FieldErrorf(vigil.EINVALID, "language", "not a language tag such as de or de-AT")
	}
	return nil
}

// maxComplaintUploader is the longest uploader reference a complaint takes: the limit of
// submissions, where the reference comes from.
const maxComplaintUploader = 256

// languageTagChars are the characters of a BCP 47 language tag, and the underscore of the
// POSIX locale names ("de_AT") platforms often send instead, which notices understand too.
const languageTagChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

// File records complaint c for the acting caller, which needs the complaints scope. The item
// must be one Vigil knows: the complaint names its content or its case, and the other is
// filled in, with the service and, when not given, the uploader.
func (s *Complaints) File(ctx context.Context, c vigil.Complaint, idempotencyKey string) (vigil.Complaint, bool, error) {
	actor := vigil.ActorFrom(ctx)
	if !actor.Can(vigil.ScopeComplaints) {
		return vigil.Complaint{}, false, vigil.Errorf(vigil.EFORBIDDEN, "filing a complaint needs the %s permission", vigil.ScopeComplaints)
	}
	if err := checkComplaint(c); err != nil {
		return vigil.Complaint{}, false, err
	}
	if len(idempotencyKey) > 255 {
		return vigil.Complaint{}, false, vigil.FieldErrorf(vigil.EINVALID, "Idempotency-Key", "at most 255 characters")
	}
	created := false
	err := s.db.Update(ctx, func(tx *Tx) error {
		if idempotencyKey != "" {
			prev, err := scanComplaint(tx.QueryRowContext(ctx, `SELECT `+complaintColumns+` FROM complaints
				WHERE filed_by = ? AND idempotency_key = ?`, actor.ID, idempotencyKey))
			if err == nil {
				c = prev
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if err := tx.complaintItem(&c); err != nil {
			return err
		}
		c.ID, c.Status, c.Outcome, c.FiledBy, c.Filed = vigil.NewID(vigil.PrefixComplaint, tx.now), vigil.ComplaintOpen, "", actor.ID, tx.now
		c.Assignee, c.Decider, c.Reason, c.ActionID, c.NoticeID = "", "", "", "", ""
		_, err := tx.ExecContext(ctx, `INSERT INTO complaints (`+complaintColumns+`, idempotency_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '', '', '', ?, ?, 0, 0, 0, ?)`,
			c.ID, c.ContentID, c.CaseID, c.Service, c.Uploader, c.Kind, c.Text, c.Language, c.Status,
			c.FiledBy, ms(c.Filed), idempotencyKey)
		if err != nil {
			return err
		}
		created = true
		return tx.auditComplaint("complaint.file", c)
	})
	if err != nil {
		return vigil.Complaint{}, false, fmt.Errorf("file complaint: %w", err)
	}
	return c, created, nil
}

// complaintItem resolves the item a complaint names: the case's content, or the content's
// case, service and uploader.
func (tx *Tx) complaintItem(c *vigil.Complaint) error {
	if c.CaseID != "" {
		kase, err := caseByID(tx.ctx, tx, c.CaseID)
		if err != nil {
			return vigil.FieldErrorf(vigil.ENOTFOUND, "case_id", "no case %s", c.CaseID)
		}
		if c.ContentID != "" && c.ContentID != kase.ContentID {
			return vigil.FieldErrorf(vigil.EINVALID, "content_id", "case %s is about another item", c.CaseID)
		}
		c.ContentID = kase.ContentID
	}
	item, err := tx.contentItem(c.ContentID)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return vigil.FieldErrorf(vigil.ENOTFOUND, "content_id", "no content %s", c.ContentID)
	}
	if err != nil {
		return err
	}
	c.Service, c.CaseID, c.Uploader = item.Service, cmp.Or(c.CaseID, item.Verdict.CaseID), cmp.Or(c.Uploader, item.Uploader)
	return nil
}

// Complaint returns complaint id to a caller with the complaints or cases scope, and audits
// the read as complaint.view: a complaint names its uploader and holds the user's words.
func (s *Complaints) Complaint(ctx context.Context, id string) (vigil.Complaint, error) {
	if err := checkComplaintReader(ctx); err != nil {
		return vigil.Complaint{}, err
	}
	var c vigil.Complaint
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if c, err = tx.complaint(id); err != nil {
			return err
		}
		return tx.Audit("complaint.view", "complaint", id, caseAuditDetail(map[string]any{
			"kind": c.Kind, "content_id": c.ContentID, "case_id": c.CaseID}))
	})
	if err != nil {
		return vigil.Complaint{}, fmt.Errorf("view complaint %s: %w", id, err)
	}
	return c, nil
}

// complaint reads complaint id inside the transaction.
func (tx *Tx) complaint(id string) (vigil.Complaint, error) {
	return rowByID(tx.ctx, tx, scanComplaint, "complaint", `SELECT `+complaintColumns+` FROM complaints WHERE id = ?`, id)
}

// checkComplaintReader refuses callers that neither file nor decide complaints.
func checkComplaintReader(ctx context.Context) error {
	if a := vigil.ActorFrom(ctx); !a.Can(vigil.ScopeComplaints) && !a.Can(vigil.ScopeCases) {
		return vigil.Errorf(vigil.EFORBIDDEN, "reading complaints needs the %s or %s permission", vigil.ScopeComplaints, vigil.ScopeCases)
	}
	return nil
}

// Complaints lists complaints oldest first, the queue's order, from the cursor on. The listing
// holds uploaders and the users' words: it is audited as complaint.list.
func (s *Complaints) Complaints(ctx context.Context, f vigil.ComplaintFilter) ([]vigil.Complaint, string, error) {
	if err := checkComplaintReader(ctx); err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	var out []vigil.Complaint
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if out, err = tx.complaintPage(f, limit+1); err != nil {
			return err
		}
		return tx.Audit("complaint.list", "complaint", "", caseAuditDetail(map[string]any{
			"status": f.Status, "cursor": f.Cursor, "count": min(len(out), limit)}))
	})
	if err != nil {
		return nil, "", fmt.Errorf("complaints: %w", err)
	}
	if len(out) > limit {
		return out[:limit], out[limit-1].ID, nil
	}
	return out, "", nil
}

// complaintPage reads up to limit complaints of f with ids above its cursor, oldest first.
func (tx *Tx) complaintPage(f vigil.ComplaintFilter, limit int) ([]vigil.Complaint, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT `+complaintColumns+` FROM complaints
		WHERE (? = '' OR status = ?) AND id > ? ORDER BY id LIMIT ?`, f.Status, f.Status, f.Cursor, limit)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanComplaint)
}

// Assign gives open complaint id to the acting reviewer, who must not have decided its case.
func (s *Complaints) Assign(ctx context.Context, id string) (vigil.Complaint, error) {
	var c vigil.Complaint
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if c, err = tx.complaintForDecider(id); err != nil {
			return err
		}
		if c.Status != vigil.ComplaintOpen {
			return vigil.Errorf(vigil.ECONFLICT, "complaint %s is %s", id, c.Status)
		}
		c.Status, c.Assignee, c.Assigned = vigil.ComplaintAssigned, vigil.ActorFrom(ctx).ID, tx.now
		_, err = tx.ExecContext(ctx, `UPDATE complaints SET status = ?, assignee = ?, assigned = ? WHERE id = ?`,
			c.Status, c.Assignee, ms(c.Assigned), id)
		if err != nil {
			return err
		}
		return tx.auditComplaint("complaint.assign", c)
	})
	if err != nil {
		return vigil.Complaint{}, fmt.Errorf("assign complaint %s: %w", id, err)
	}
	return c, nil
}

// Decide records the acting reviewer's outcome of complaint id. Upheld requests a restore of
// the item (IR-05: an error is rectified) and withdraws its held takedowns; it is refused for
// an item an authority's removal order took down (Art. 15, RO-09). Either way the user is sent
// a complaint notice.
func (s *Complaints) Decide(ctx context.Context, id string, outcome vigil.ComplaintOutcome, reason string) (vigil.Complaint, error) {
	if outcome != vigil.ComplaintUpheld && outcome != vigil.ComplaintRejected {
		return vigil.Complaint{}, vigil.FieldErrorf(vigil.EINVALID, "outcome", "want upheld or rejected, not %q", outcome)
	}
	if strings.TrimSpace(reason) == "" {
		return vigil.Complaint{}, vigil.FieldErrorf(vigil.EINVALID, "reason", "a decision gives its reason")
	}
	var c vigil.Complaint
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if c, err = tx.complaintForDecider(id); err != nil {
			return err
		}
		me := vigil.ActorFrom(ctx).ID
		switch {
		case c.Status == vigil.ComplaintDecided:
			return vigil.Errorf(vigil.ECONFLICT, "complaint %s is decided already", id)
		case c.Status == vigil.ComplaintAssigned && c.Assignee != me:
			return vigil.Errorf(vigil.ECONFLICT, "complaint %s is assigned to someone else", id)
		case c.Status == vigil.ComplaintOpen:
			c.Assignee, c.Assigned = me, tx.now
		}
		c.Status, c.Outcome, c.Decider, c.Reason, c.Decided = vigil.ComplaintDecided, outcome, me, reason, tx.now
		return tx.decideComplaint(&c)
	})
	if err != nil {
		return vigil.Complaint{}, fmt.Errorf("decide complaint %s: %w", id, err)
	}
	return c, nil
}

// decideComplaint requests the restore of an upheld complaint, after withdrawing the held
// takedowns the restore would otherwise be followed by, schedules the outcome notice and
// stores the decision. An item a removal order took down cannot be restored this way. An
// upheld account complaint instead reinstates the uploader's account and leaves the item as it
// is: whether the item was rightly removed is a removal complaint's question (SG-06).
func (tx *Tx) decideComplaint(c *vigil.Complaint) error {
	if c.Outcome == vigil.ComplaintUpheld && c.Kind == vigil.ComplaintAccount {
		a, err := tx.RequestAction(vigil.Action{Kind: vigil.ActionReinstate, Trigger: vigil.TriggerComplaint,
			ContentID: c.ContentID, Service: c.Service, CaseID: c.CaseID, Reference: c.ID,
			Reason: "complaint upheld"})
		if err != nil {
			return err
		}
		c.ActionID = a.ID
	} else if c.Outcome == vigil.ComplaintUpheld {
		if err := tx.refuseOrderRestore(*c); err != nil {
			return err
		}
		if err := tx.withdrawTakedowns(*c); err != nil {
			return err
		}
		a, err := tx.RequestAction(vigil.Action{Kind: vigil.ActionRestore, Trigger: vigil.TriggerComplaint,
			ContentID: c.ContentID, Service: c.Service, CaseID: c.CaseID, Reference: c.ID,
			Reason: "complaint upheld"})
		if err != nil {
			return err
		}
		c.ActionID = a.ID
	}
	n, err := tx.ScheduleNotice(vigil.Notice{Kind: vigil.NoticeComplaint, ContentID: c.ContentID,
		CaseID: c.CaseID, Service: c.Service, Uploader: c.Uploader, Language: c.Language, Reference: c.ID})
	if err != nil {
		return err
	}
	c.NoticeID = n.ID
	_, err = tx.ExecContext(tx.ctx, `UPDATE complaints SET status = ?, outcome = ?, assignee = ?,
		assigned = ?, decider = ?, reason = ?, action_id = ?, notice_id = ?, decided = ? WHERE id = ?`,
		c.Status, c.Outcome, c.Assignee, ms(c.Assigned), c.Decider, c.Reason, c.ActionID, c.NoticeID,
		ms(c.Decided), c.ID)
	if err != nil {
		return err
	}
	return tx.auditComplaint("complaint.decide", *c)
}

// complaintForDecider reads complaint id for the acting user, who needs the cases scope and
// must not be a reviewer who decided the complaint's case: a complaint is reviewed afresh. The
// decider is a person signed in to Vigil: an API key names no person, so whether its holder
// decided the case cannot be told.
func (tx *Tx) complaintForDecider(id string) (vigil.Complaint, error) {
	actor := vigil.ActorFrom(tx.ctx)
	if !actor.Can(vigil.ScopeCases) {
		return vigil.Complaint{}, vigil.Errorf(vigil.EFORBIDDEN, "deciding complaints needs the %s permission", vigil.ScopeCases)
	}
	c, err := tx.complaint(id)
	if err != nil {
		return c, err
	}
	if actor.Kind != vigil.ActorUser || actor.ID == "" {
		return c, vigil.Errorf(vigil.EFORBIDDEN, "a complaint is taken and decided by a person signed in to Vigil, not by an API key or Vigil itself")
	}
	var decided int
	err = tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM case_decisions WHERE case_id = ? AND reviewer = ?`,
		c.CaseID, actor.ID).Scan(&decided)
	if err != nil {
		return c, err
	}
	if decided > 0 {
		return c, vigil.Errorf(vigil.EFORBIDDEN, "you decided case %s: another reviewer must decide the complaint about it", c.CaseID)
	}
	return c, nil
}

// complaintNotified records when the outcome notice of complaint id went out.
func (tx *Tx) complaintNotified(id string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE complaints SET notified = ? WHERE id = ? AND notified = 0`, ms(tx.now), id)
	return err
}

// auditComplaint appends the audit event of a change to complaint c; the user's text and
// reference are personal data and stay out of the log.
func (tx *Tx) auditComplaint(action string, c vigil.Complaint) error {
	detail, err := json.Marshal(map[string]any{
		"kind": c.Kind, "content_id": c.ContentID, "case_id": c.CaseID, "status": c.Status,
		"outcome": c.Outcome, "action_id": c.ActionID, "notice_id": c.NoticeID,
	})
	if err != nil {
		return err
	}
	return tx.Audit(action, "complaint", c.ID, string(detail))
}
