package sqlite

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// Limits on what reviewers type.
const (
	maxCaseReason   = 4000
	maxCaseComment  = 10000
	maxCaseCategory = 200
)

// caseActor returns the context's actor when it may work cases.
func caseActor(ctx context.Context) (vigil.Actor, error) {
	a := vigil.ActorFrom(ctx)
	if !a.Can(vigil.ScopeCases) {
		return a, vigil.Errorf(vigil.EFORBIDDEN, "this needs the %s permission", vigil.ScopeCases)
	}
	return a, nil
}

// checkCaseReader refuses actors that may neither work cases nor audit them.
func checkCaseReader(ctx context.Context) error {
	if a := vigil.ActorFrom(ctx); !a.Can(vigil.ScopeCases) && !a.Can(vigil.ScopeReports) && !a.CanAudit() {
		return vigil.Errorf(vigil.EFORBIDDEN, "reading cases needs the %s or %s permission or the auditor role", vigil.ScopeCases, vigil.ScopeReports)
	}
	return nil
}

// caseAuditDetail encodes an audit detail, which is always a small map of plain values.
func caseAuditDetail(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Claim assigns an open or escalated case to the acting reviewer. Claiming a case one already
// holds changes nothing; a case someone else holds, or a decided one, is a conflict.
func (s *CaseStore) Claim(ctx context.Context, id string) (vigil.Case, error) {
	actor, err := caseActor(ctx)
	if err != nil {
		return vigil.Case{}, err
	}
	var c vigil.Case
	err = s.db.Update(ctx, func(tx *Tx) error {
		if c, err = caseByID(ctx, tx, id); err != nil {
			return err
		}
		switch {
		case c.Status == vigil.CaseInReview && c.Assignee == actor.ID:
			return nil
		case c.Status == vigil.CaseInReview:
			return vigil.Errorf(vigil.ECONFLICT, "case %s is claimed by another reviewer", id)
		case c.Status != vigil.CaseOpen && c.Status != vigil.CaseEscalated:
			return vigil.Errorf(vigil.ECONFLICT, "case %s is already decided (%s)", id, c.Status)
		}
		from := c.Status
		c.Status, c.Assignee, c.Updated = vigil.CaseInReview, actor.ID, tx.now
		if err := tx.setCaseState(c); err != nil {
			return err
		}
		return tx.Audit("case.claim", "case", id, caseAuditDetail(map[string]any{"from": from}))
	})
	if err != nil {
		return vigil.Case{}, err
	}
	return c, nil
}

// setCaseState writes a case's status, assignee, category and update time.
func (tx *Tx) setCaseState(c vigil.Case) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE cases SET status = ?, assignee = ?, category = ?, updated = ?
		WHERE id = ?`, c.Status, c.Assignee, c.Category, ms(c.Updated), c.ID)
	if err != nil {
		return fmt.Errorf("update case %s: %w", c.ID, err)
	}
	return nil
}

// checkDecision validates a decision's fields before any state is read.
func checkDecision(d vigil.Decision) error {
	switch d.Verdict {
	case vigil.DecideConfirm, vigil.DecideFalsePositive, vigil.DecideEscalate:
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "verdict", "must be %s, %s or %s, not %q",
			vigil.DecideConfirm, vigil.DecideFalsePositive, vigil.DecideEscalate, d.Verdict)
	}
	if d.Verdict == vigil.DecideConfirm && d.Category == "" {
		return vigil.FieldErrorf(vigil.EINVALID, "category", "a confirmation needs the category the reviewer saw")
	}
	if d.AllowBank != "" && d.Verdict != vigil.DecideFalsePositive {
		return vigil.FieldErrorf(vigil.EINVALID, "allow_bank", "only a false positive adds to an allow bank")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"category", d.Category, maxCaseCategory}, {"reason", d.Reason, maxCaseReason}} {
		if !utf8.ValidString(f.value) {
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "is not valid UTF-8")
		}
		if len(f.value) > f.max {
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "longer than %d bytes", f.max)
		}
	}
	return nil
}

// checkDecidable reports whether actor may decide c now: the case is open, escalated, or in
// review by actor.
func checkDecidable(c vigil.Case, actor vigil.Actor) error {
	switch c.Status {
	case vigil.CaseOpen, vigil.CaseEscalated:
		return nil
	case vigil.CaseInReview:
		if c.Assignee != actor.ID {
			return vigil.Errorf(vigil.ECONFLICT, "case %s is claimed by another reviewer", c.ID)
		}
		return nil
	}
	return vigil.Errorf(vigil.ECONFLICT, "case %s is already decided (%s)", c.ID, c.Status)
}

// Decide records d by the acting reviewer and moves the case on. Confirm and false positive end
// the review and delete the media; escalate hands the case back to the queue for a senior
// reviewer. A false positive with an allow bank, which needs the banks:write permission, first
// adds the content's PDQ hash to that bank, and takes it out again if the decision then fails
// (someone else decided meanwhile). Whether the reviewer viewed the media comes from the
// recorded reveals, never from d.ViewedMedia.
func (s *CaseStore) Decide(ctx context.Context, d vigil.Decision) (vigil.Case, error) {
	actor, err := caseActor(ctx)
	if err != nil {
		return vigil.Case{}, err
	}
	if err := checkDecision(d); err != nil {
		return vigil.Case{}, err
	}
	if d.AllowBank != "" && !actor.Can(vigil.ScopeBanksWrite) {
		return vigil.Case{}, vigil.FieldErrorf(vigil.EFORBIDDEN, "allow_bank",
			"adding a false positive to an allow bank needs the %s permission: decide without allow_bank, or ask someone who has it", vigil.ScopeBanksWrite)
	}
	c, err := caseByID(ctx, s.db.read, d.CaseID)
	if err != nil {
		return vigil.Case{}, err
	}
	if err := checkDecidable(c, actor); err != nil {
		return vigil.Case{}, err
	}
	var added []uint32
	if d.AllowBank != "" {
		if added, err = s.addToAllowBank(ctx, c, d.AllowBank); err != nil {
			return vigil.Case{}, err
		}
	}
	err = s.db.Update(ctx, func(tx *Tx) error {
		if c, err = caseByID(ctx, tx, d.CaseID); err != nil {
			return err
		}
		if err := checkDecidable(c, actor); err != nil {
			return err
		}
		return tx.decide(&c, d, actor)
	})
	if err != nil {
		return vigil.Case{}, s.undoAllow(ctx, d.AllowBank, added, err)
	}
	return c, nil
}

// undoAllow removes the allow entries a failed decision added, and returns the decision's error
// joined with any failure to remove them.
func (s *CaseStore) undoAllow(ctx context.Context, bank string, added []uint32, decideErr error) error {
	if len(added) == 0 {
		return decideErr
	}
	if err := s.allow.Remove(context.WithoutCancel(ctx), bank, added); err != nil {
		return errors.Join(decideErr, fmt.Errorf("remove the allow entries %v of the failed decision from %s: %w", added, bank, err))
	}
	return decideErr
}

// decide writes the decision, the case's new state, the audit event and the webhook event.
func (tx *Tx) decide(c *vigil.Case, d vigil.Decision, actor vigil.Actor) error {
	var viewed bool
	err := tx.QueryRowContext(tx.ctx, `SELECT EXISTS (SELECT 1 FROM case_views WHERE case_id = ? AND viewer = ?)`,
		c.ID, actor.ID).Scan(&viewed)
	if err != nil {
		return fmt.Errorf("decide case %s: %w", c.ID, err)
	}
	id := vigil.NewID(vigil.PrefixDecision, tx.now)
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO case_decisions (id, case_id, reviewer, verdict, category,
		reason, viewed_media, allow_bank, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, c.ID, actor.ID, d.Verdict, d.Category, d.Reason, viewed, d.AllowBank, ms(tx.now))
	if err != nil {
		return fmt.Errorf("decide case %s: %w", c.ID, err)
	}
	switch d.Verdict {
	case vigil.DecideConfirm:
		c.Status, c.Category = vigil.CaseConfirmed, d.Category
	case vigil.DecideFalsePositive:
		c.Status = vigil.CaseFalsePositive
	case vigil.DecideEscalate:
		c.Status, c.Assignee = vigil.CaseEscalated, ""
	}
	c.Updated = tx.now
	if err := tx.setCaseState(*c); err != nil {
		return err
	}
	if c.Status == vigil.CaseConfirmed {
		if err := tx.confirmed(*c, id); err != nil {
			return err
		}
	}
	if c.Status != vigil.CaseEscalated {
		if err := tx.deleteCaseMedia(c.ID); err != nil {
			return err
		}
		c.HasMedia = false
	}
	detail := caseAuditDetail(map[string]any{"decision_id": id, "verdict": d.Verdict,
		"category": d.Category, "reason": d.Reason, "allow_bank": d.AllowBank, "viewed_media": viewed})
	if err := tx.Audit("case.decide", "case", c.ID, detail); err != nil {
		return err
	}
	return tx.Enqueue(vigil.EventCaseDecided, vigil.CaseDecided{
		CaseID: c.ID, ContentID: c.ContentID, Service: c.Service, DecisionID: id,
		Verdict: d.Verdict, Category: c.Category, Status: c.Status, Banks: c.Banks,
		Decided: tx.now.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
	})
}

// addToAllowBank adds the case content's PDQ hash to bank and returns the ids of the entries it
// added. Only the perceptual hash is added: an allow entry for an MD5, SHA-1 or SHA-256 would
// silence exact matches of vetted lists, which a false positive never justifies (an exact hash
// that is wrong must be corrected by the list's supplier). Cases opened without the content's
// own signals fall back to the PDQ signals of the entries they matched, which equally make this
// content match the allow bank.
func (s *CaseStore) addToAllowBank(ctx context.Context, c vigil.Case, bank string) ([]uint32, error) {
	if s.allow == nil {
		return nil, vigil.FieldErrorf(vigil.EUNAVAILABLE, "allow_bank", "allow banks are not available on this server")
	}
	signals := pdqSignals(c.Signals)
	if len(signals) == 0 {
		for _, m := range c.Matches {
			signals = append(signals, pdqSignals([]signal.Signal{m.Signal})...)
		}
	}
	slices.SortFunc(signals, func(a, b signal.Signal) int { return cmp.Compare(a.Value, b.Value) })
	signals = slices.Compact(signals)
	if len(signals) == 0 {
		return nil, vigil.FieldErrorf(vigil.EINVALID, "allow_bank",
			"case %s has no PDQ hash to allow: it matched by exact hash only, which an allow bank never overrides; report the entry to its supplier", c.ID)
	}
	entries := make([]match.Entry, len(signals))
	for i, sig := range signals {
		entries[i] = match.Entry{Bank: bank, Signal: sig, Note: "false positive on case " + c.ID}
	}
	if err := s.allow.Add(ctx, bank, entries); err != nil {
		return nil, fmt.Errorf("add case %s to allow bank %s: %w", c.ID, bank, err)
	}
	var added []uint32
	for _, e := range entries {
		if e.ID != 0 {
			added = append(added, e.ID)
		}
	}
	return added, nil
}

// pdqSignals returns the PDQ signals of signals, in a new slice.
func pdqSignals(signals []signal.Signal) []signal.Signal {
	var out []signal.Signal
	for _, s := range signals {
		if s.Type == signal.PDQ {
			out = append(out, s)
		}
	}
	return out
}

// Comment adds a note to a case by the acting reviewer.
func (s *CaseStore) Comment(ctx context.Context, caseID, text string) (vigil.Comment, error) {
	actor, err := caseActor(ctx)
	if err != nil {
		return vigil.Comment{}, err
	}
	switch {
	case text == "":
		return vigil.Comment{}, vigil.FieldErrorf(vigil.EINVALID, "text", "is empty")
	case len(text) > maxCaseComment:
		return vigil.Comment{}, vigil.FieldErrorf(vigil.EINVALID, "text", "longer than %d bytes", maxCaseComment)
	case !utf8.ValidString(text):
		return vigil.Comment{}, vigil.FieldErrorf(vigil.EINVALID, "text", "is not valid UTF-8")
	}
	var cm vigil.Comment
	err = s.db.Update(ctx, func(tx *Tx) error {
		if _, err := caseByID(ctx, tx, caseID); err != nil {
			return err
		}
		cm = vigil.Comment{ID: vigil.NewID(vigil.PrefixComment, tx.now), CaseID: caseID,
			Author: actor.ID, Text: text, Time: tx.now}
		_, err := tx.ExecContext(ctx, `INSERT INTO case_comments (id, case_id, author, text, time)
			VALUES (?, ?, ?, ?, ?)`, cm.ID, cm.CaseID, cm.Author, cm.Text, ms(cm.Time))
		if err != nil {
			return fmt.Errorf("comment on case %s: %w", caseID, err)
		}
		return tx.Audit("case.comment", "case", caseID, caseAuditDetail(map[string]any{"comment_id": cm.ID, "text": cm.Text}))
	})
	return cm, err
}

// Media returns a case's content bytes and records the view, refusing when the acting reviewer
// has revealed media as often as their hourly cap allows in the hour before now.
func (s *CaseStore) Media(ctx context.Context, caseID string) ([]byte, string, error) {
	actor, err := caseActor(ctx)
	if err != nil {
		return nil, "", err
	}
	var media []byte
	var mediaType string
	err = s.db.Update(ctx, func(tx *Tx) error {
		c, err := caseByID(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if err := tx.checkRevealCap(actor); err != nil {
			return err
		}
		data, ok, err := tx.loadCaseMedia(caseID)
		if err != nil {
			return err
		}
		if !ok {
			return vigil.Errorf(vigil.ENOTFOUND, "case %s keeps no media: it is kept only while the case is open", caseID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO case_views (viewer, time, case_id) VALUES (?, ?, ?)`,
			actor.ID, ms(tx.now), caseID)
		if err != nil {
			return fmt.Errorf("record view of case %s: %w", caseID, err)
		}
		media, mediaType = data, c.MediaType
		return tx.Audit("media.view", "case", caseID, caseAuditDetail(map[string]any{"bytes": len(data)}))
	})
	if err != nil {
		return nil, "", err
	}
	return media, mediaType, nil
}
