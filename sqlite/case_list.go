package sqlite

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
)

// Case returns one case.
func (s *CaseStore) Case(ctx context.Context, id string) (vigil.Case, error) {
	if err := checkCaseReader(ctx); err != nil {
		return vigil.Case{}, err
	}
	return caseByID(ctx, s.db.read, id)
}

// Cases returns a page of the cases f selects in queue order: urgent first, then oldest first.
func (s *CaseStore) Cases(ctx context.Context, f vigil.CaseFilter) ([]vigil.Case, string, error) {
	if err := checkCaseReader(ctx); err != nil {
		return nil, "", err
	}
	where, args, err := caseFilterSQL(f, s.db.Clock.Now())
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	q := `SELECT ` + caseColumns + ` FROM cases WHERE ` + where +
		` ORDER BY priority = 'urgent' DESC, id LIMIT ?`
	rows, err := s.db.read.QueryContext(ctx, q, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list cases: %w", err)
	}
	cases, err := scanCases(rows)
	if err != nil {
		return nil, "", err
	}
	if len(cases) <= limit {
		return cases, "", nil
	}
	cases = cases[:limit]
	return cases, encodeCaseCursor(cases[limit-1]), nil
}

// caseFilterSQL turns f into a WHERE clause and its arguments.
func caseFilterSQL(f vigil.CaseFilter, now time.Time) (string, []any, error) {
	where := []string{"1"}
	var args []any
	if len(f.Status) > 0 {
		where = append(where, "status IN ("+caseInList(len(f.Status))+")")
		for _, st := range f.Status {
			args = append(args, st)
		}
	}
	if f.Priority != "" {
		where, args = append(where, "priority = ?"), append(args, f.Priority)
	}
	if f.Bank != "" {
		where = append(where, "id IN (SELECT case_id FROM case_banks WHERE bank = ?)")
		args = append(args, f.Bank)
	}
	if f.OlderThan > 0 {
		where, args = append(where, "opened < ?"), append(args, ms(now.Add(-f.OlderThan)))
	}
	if f.Cursor != "" {
		urgent, id, err := decodeCaseCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		where = append(where, "((priority = 'urgent') < ? OR ((priority = 'urgent') = ? AND id > ?))")
		args = append(args, urgent, urgent, id)
	}
	return strings.Join(where, " AND "), args, nil
}

// encodeCaseCursor returns the cursor of the page after c: its place in the queue order.
func encodeCaseCursor(c vigil.Case) string {
	urgent := 0
	if c.Priority == vigil.PriorityUrgent {
		urgent = 1
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(urgent) + ":" + c.ID))
}

// decodeCaseCursor reverses encodeCaseCursor.
func decodeCaseCursor(cursor string) (urgent int, id string, err error) {
	bad := vigil.FieldErrorf(vigil.EINVALID, "cursor", "not a cursor this listing returned")
	// The decoder skips line breaks, so also require the cursor to be exactly what we encode.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(cursor)
	if err != nil || base64.RawURLEncoding.EncodeToString(raw) != cursor {
		return 0, "", bad
	}
	u, id, ok := strings.Cut(string(raw), ":")
	if !ok || (u != "0" && u != "1") || !strings.HasPrefix(id, vigil.PrefixCase+"_") {
		return 0, "", bad
	}
	return int(u[0] - '0'), id, nil
}

// History returns the case's events from the audit log, oldest first: the log already records
// every opening, claim, view, decision and comment in the transaction that made it.
func (s *CaseStore) History(ctx context.Context, id string) ([]vigil.CaseEvent, error) {
	if _, err := s.Case(ctx, id); err != nil {
		return nil, err
	}
	var history []vigil.CaseEvent
	var after int64
	for {
		events, err := s.db.AuditEvents(ctx, vigil.AuditFilter{ObjectType: "case", ObjectID: id, AfterSeq: after, Limit: 500})
		if err != nil {
			return nil, fmt.Errorf("history of case %s: %w", id, err)
		}
		for _, e := range events {
			history = append(history, vigil.CaseEvent{Time: e.Time, Actor: e.ActorName, Action: e.Action, Detail: e.Detail})
		}
		if len(events) < 500 {
			return history, nil
		}
		after = events[len(events)-1].Seq
	}
}
