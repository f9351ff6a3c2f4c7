package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
)

// TransparencyStore is the transparency.Store of the database: it reads anonymous records
// (kinds, outcomes, times) from the tables of content, cases, complaints, orders, actions,
// reports and evidence. It keeps no figures of its own, so nothing is stored twice (TR-07).
type TransparencyStore struct{ db *DB }

// NewTransparencyStore returns the transparency store on db.
func NewTransparencyStore(db *DB) *TransparencyStore { return &TransparencyStore{db: db} }

var _ transparency.Store = (*TransparencyStore)(nil)

// span returns p as the two Unix-millisecond bounds the queries take.
func span(p transparency.Period) (from, to int64) { return ms(p.From), ms(p.To) }

// query runs q with args on the read pool and calls scan for each row.
func (s *TransparencyStore) query(ctx context.Context, what, q string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("transparency %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("transparency %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("transparency %s: %w", what, err)
	}
	return nil
}

// Content counts the items received in p per service, content type and verdict status.
func (s *TransparencyStore) Content(ctx context.Context, p transparency.Period) ([]transparency.ContentCount, error) {
	from, to := span(p)
	var out []transparency.ContentCount
	err := s.query(ctx, "content", `SELECT service, type, status, count(*) FROM content
		WHERE received >= ? AND received < ? GROUP BY service, type, status`, func(rows *sql.Rows) error {
		var c transparency.ContentCount
		err := rows.Scan(&c.Service, &c.ContentType, &c.Status, &c.Items)
		out = append(out, c)
		return err
	}, from, to)
	return out, err
}

// CasesOpened counts the cases opened in p.
func (s *TransparencyStore) CasesOpened(ctx context.Context, p transparency.Period) (int64, error) {
	from, to := span(p)
	var n int64
	err := s.db.read.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE opened >= ? AND opened < ?`, from, to).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("transparency cases opened: %w", err)
	}
	return n, nil
}

// Reviews returns the cases confirmed or found false positive in p, with the signal types and
// banks of their matches. A confirmation counts as reversed when a complaint about the case's
// detection or removal was upheld: the material was not what the reviewer took it for.
func (s *TransparencyStore) Reviews(ctx context.Context, p transparency.Period) ([]transparency.Review, error) {
	from, to := span(p)
	var out []transparency.Review
	err := s.query(ctx, "reviews", `SELECT c.matches, d.verdict, d.time,
			EXISTS (SELECT 1 FROM complaints k WHERE k.case_id = c.id AND k.outcome = 'upheld'
				AND k.kind IN ('detection', 'removal'))
		FROM case_decisions d JOIN cases c ON c.id = d.case_id
		WHERE d.verdict IN (?, ?) AND d.time >= ? AND d.time < ?`, func(rows *sql.Rows) error {
		var matches string
		var verdict vigil.DecisionVerdict
		var ended int64
		var rv transparency.Review
		if err := rows.Scan(&matches, &verdict, &ended, &rv.Reversed); err != nil {
			return err
		}
		var found []vigil.Match
		if err := json.Unmarshal([]byte(matches), &found); err != nil {
			return fmt.Errorf("matches of a case decided at %d: %w", ended, err)
		}
		for _, m := range found {
			rv.SignalTypes = append(rv.SignalTypes, string(m.Signal.Type))
			rv.Banks = append(rv.Banks, m.Bank)
		}
		rv.Ended, rv.Confirmed = fromMS(ended), verdict == vigil.DecideConfirm
		rv.Reversed = rv.Reversed && rv.Confirmed
		out = append(out, rv)
		return nil
	}, vigil.DecideConfirm, vigil.DecideFalsePositive, from, to)
	return out, err
}

// Complaints returns the complaints filed or decided in p.
func (s *TransparencyStore) Complaints(ctx context.Context, p transparency.Period) ([]transparency.Complaint, error) {
	from, to := span(p)
	var out []transparency.Complaint
	err := s.query(ctx, "complaints", `SELECT kind, filed, decided, outcome FROM complaints
		WHERE (filed >= ? AND filed < ?) OR (decided >= ? AND decided < ?)`, func(rows *sql.Rows) error {
		var c transparency.Complaint
		var filed, decided int64
		err := rows.Scan(&c.Kind, &filed, &decided, &c.Outcome)
		c.Filed, c.Decided = fromMS(filed), fromMS(decided)
		out = append(out, c)
		return err
	}, from, to, from, to)
	return out, err
}

// Orders returns the orders received or executed in p.
func (s *TransparencyStore) Orders(ctx context.Context, p transparency.Period) ([]transparency.Order, error) {
	from, to := span(p)
	var out []transparency.Order
	err := s.query(ctx, "orders", `SELECT o.kind, o.received, o.executed,
			(SELECT coalesce(sum(x.resumed - x.paused), 0) FROM order_pauses x WHERE x.order_id = o.id
				AND x.reason = ? AND x.resumed > 0)
		FROM orders o WHERE (o.received >= ? AND o.received < ?) OR (o.executed >= ? AND o.executed < ?)`, func(rows *sql.Rows) error {
		var o transparency.Order
		var received, executed, held int64
		err := rows.Scan(&o.Kind, &received, &executed, &held)
		o.Received, o.Executed, o.Held = fromMS(received), fromMS(executed), time.Duration(held)*time.Millisecond
		out = append(out, o)
		return err
	}, vigil.PauseDoNotRemoveHold, from, to, from, to)
	return out, err
}

// Pauses returns the Annex V and VIII notices given in p, with their order's kind; the time
// a do-not-remove hold stopped an order's clock is no such notice.
func (s *TransparencyStore) Pauses(ctx context.Context, p transparency.Period) ([]transparency.Pause, error) {
	from, to := span(p)
	var out []transparency.Pause
	err := s.query(ctx, "order pauses", `SELECT o.kind, x.reason, x.paused FROM order_pauses x
		JOIN orders o ON o.id = x.order_id WHERE x.paused >= ? AND x.paused < ? AND x.reason != 'do_not_remove_hold'`, func(rows *sql.Rows) error {
		var x transparency.Pause
		var paused int64
		err := rows.Scan(&x.Kind, &x.Ground, &paused)
		x.Paused = fromMS(paused)
		out = append(out, x)
		return err
	}, from, to)
	return out, err
}

// Actions returns the actions the platform confirmed done in p. The actions of a delisting
// order take an item out of search results, not off the service: they are no removal (TR-03).
func (s *TransparencyStore) Actions(ctx context.Context, p transparency.Period) ([]transparency.Action, error) {
	from, to := span(p)
	var out []transparency.Action
	err := s.query(ctx, "actions", `SELECT kind, trigger, done FROM actions a
		WHERE status = ? AND done >= ? AND done < ? AND NOT EXISTS (SELECT 1 FROM orders o
			WHERE o.id = a.reference AND o.kind = 'delisting')`, func(rows *sql.Rows) error {
		var a transparency.Action
		var done int64
		err := rows.Scan(&a.Kind, &a.Trigger, &done)
		a.Done = fromMS(done)
		out = append(out, a)
		return err
	}, vigil.ActionDone, from, to)
	return out, err
}

// deliveredSQL is a report_destinations row d whose delivery completed: NCMEC finished the
// report, or the EU Centre took it.
const deliveredSQL = `((d.destination = 'ncmec' AND d.status = 'finished') OR (d.destination = 'eu_centre' AND d.status = 'sent')) AND d.done != 0`

// Reports returns the reports with a completed delivery in p, each with all its completed
// deliveries.
func (s *TransparencyStore) Reports(ctx context.Context, p transparency.Period) ([]transparency.SentReport, error) {
	from, to := span(p)
	var out []transparency.SentReport
	last := ""
	err := s.query(ctx, "reports", `SELECT r.id, r.type, d.destination, d.done
		FROM report_destinations d JOIN reports r ON r.id = d.report_id
		WHERE `+deliveredSQL+` AND d.report_id IN (SELECT d.report_id FROM report_destinations d
			WHERE `+deliveredSQL+` AND d.done >= ? AND d.done < ?)
		ORDER BY r.id`, func(rows *sql.Rows) error {
		var id, typ string
		var d transparency.Delivery
		var done int64
		if err := rows.Scan(&id, &typ, &d.Destination, &done); err != nil {
			return err
		}
		if id != last {
			out = append(out, transparency.SentReport{Type: typ})
			last = id
		}
		d.Done = fromMS(done)
		out[len(out)-1].Deliveries = append(out[len(out)-1].Deliveries, d)
		return nil
	}, from, to)
	return out, err
}

// Evidence returns the evidence objects preserved or deleted in p. A policy is named by its
// jurisdictions and months only: the name of the counsel who signed it off is personal data.
func (s *TransparencyStore) Evidence(ctx context.Context, p transparency.Period) ([]transparency.Evidence, error) {
	from, to := span(p)
	var out []transparency.Evidence
	err := s.query(ctx, "evidence", `SELECT policy, created, deleted FROM evidence
		WHERE (created >= ? AND created < ?) OR (deleted >= ? AND deleted < ?)`, func(rows *sql.Rows) error {
		var e transparency.Evidence
		var created, deleted int64
		err := rows.Scan(&e.Policy, &created, &deleted)
		e.Policy, _, _ = strings.Cut(e.Policy, ",")
		e.Preserved, e.Deleted = fromMS(created), fromMS(deleted)
		out = append(out, e)
		return err
	}, from, to, from, to)
	return out, err
}

// personalMetadata are the content metadata keys that hold personal data (see reports.go).
var personalMetadata = []string{MetaUploaderIP, MetaUploaderEmail, MetaUploaderPhone, MetaUsername,
	MetaUploaderPostal}

// PersonalData returns the uploader references and the personal metadata values of the items
// received in p, and the uploader references of the complaints filed in p.
func (s *TransparencyStore) PersonalData(ctx context.Context, p transparency.Period) ([]string, error) {
	from, to := span(p)
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	err := s.query(ctx, "personal data", `SELECT uploader, metadata FROM content WHERE received >= ? AND received < ?`,
		func(rows *sql.Rows) error {
			var uploader, metadata string
			if err := rows.Scan(&uploader, &metadata); err != nil {
				return err
			}
			add(uploader)
			var meta map[string]string
			if err := json.Unmarshal([]byte(metadata), &meta); err != nil {
				return fmt.Errorf("content metadata: %w", err)
			}
			for _, k := range personalMetadata {
				add(meta[k])
			}
			return nil
		}, from, to)
	if err != nil {
		return nil, err
	}
	err = s.query(ctx, "personal data", `SELECT uploader FROM complaints WHERE filed >= ? AND filed < ?`,
		func(rows *sql.Rows) error {
			var uploader string
			err := rows.Scan(&uploader)
			add(uploader)
			return err
		}, from, to)
	return out, err
}

// RecordReport audits the generation of year's report in format by the context's actor.
func (s *TransparencyStore) RecordReport(ctx context.Context, year int, format string) error {
	detail, _ := json.Marshal(map[string]string{"format": format})
	return s.db.Update(ctx, func(tx *Tx) error {
		return tx.Audit("transparency.generate", "transparency_report", strconv.Itoa(year), string(detail))
	})
}
