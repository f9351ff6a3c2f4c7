package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
)

// CaseStore implements vigil.CaseService on the database.
type CaseStore struct {
	db *DB
	// allow adds a false positive's signals to an allow bank; see NewCaseStore.
	allow AllowBanks
}

// AllowBanks is how a false positive reaches an allow bank: through the matching index, so that
// the entries suppress matches at once, and back out when the decision they came with fails.
type AllowBanks interface {
	// Add adds entries to bank, setting the ID of each entry it adds; an entry the bank already
	// holds keeps ID 0. It refuses a bank that does not exist or is not an allow bank.
	Add(ctx context.Context, bank string, entries []match.Entry) error
	// Remove removes the entries with ids from bank.
	Remove(ctx context.Context, bank string, ids []uint32) error
}

// NewCaseStore returns the case service on db. allow takes a false positive's signals to an
// allow bank (AllowBankAdder gives one over the server's index); a nil allow makes decisions
// naming an allow bank fail.
func NewCaseStore(db *DB, allow AllowBanks) *CaseStore {
	return &CaseStore{db: db, allow: allow}
}

// AllowBankAdder returns the AllowBanks of NewCaseStore for a server whose index is m: it refuses
// a bank that does not exist or is not an allow bank, and adds and removes through m.
func AllowBankAdder(m *match.Matcher) AllowBanks { return matcherAllowBanks{m} }

type matcherAllowBanks struct{ m *match.Matcher }

func (a matcherAllowBanks) Add(ctx context.Context, bank string, entries []match.Entry) error {
	banks := a.m.Banks()
	i := slices.IndexFunc(banks, func(b match.Bank) bool { return b.Name == bank })
	if i < 0 {
		return vigil.FieldErrorf(vigil.EINVALID, "allow_bank", "no bank %q", bank)
	}
	if kind := banks[i].Kind; kind != match.Allow {
		return vigil.FieldErrorf(vigil.EINVALID, "allow_bank", "bank %s is a %s bank, not an allow bank", bank, kind)
	}
	_, err := a.m.AddEntries(ctx, bank, entries)
	return err
}

func (a matcherAllowBanks) Remove(ctx context.Context, bank string, ids []uint32) error {
	return a.m.RemoveEntries(ctx, bank, ids)
}

// caseQuerier is what both the read pool and a write transaction offer, so case reads serve
// both services and the pipeline's transaction.
type caseQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// OpenCase opens a review case for a matched content item inside the caller's transaction (the
// pipeline's verdict transaction), keeping media, when given, encrypted until the case closes.
// The caller sets ContentID, Service, Matches, Signals and optionally Priority; OpenCase fills in
// the rest. It is idempotent per content id: when the content already has a case, c becomes that
// case and nothing is written.
func (tx *Tx) OpenCase(c *vigil.Case, media []byte, mediaType string) error {
	if c.ContentID == "" {
		return fmt.Errorf("open case: no content id")
	}
	existing, err := caseByContent(tx.ctx, tx, c.ContentID)
	if err == nil {
		*c = existing
		return nil
	}
	if vigil.ErrorCode(err) != vigil.ENOTFOUND {
		return fmt.Errorf("open case for %s: %w", c.ContentID, err)
	}
	if c.Priority == "" {
		c.Priority = vigil.PriorityNormal
	}
	if c.Priority != vigil.PriorityNormal && c.Priority != vigil.PriorityUrgent {
		return fmt.Errorf("open case for %s: invalid priority %q", c.ContentID, c.Priority)
	}
	c.ID = vigil.NewID(vigil.PrefixCase, tx.now)
	c.Status, c.Assignee, c.Category = vigil.CaseOpen, "", ""
	c.Opened, c.Updated = tx.now, tx.now
	c.Banks = caseBanksOf(c.Matches)
	c.HasMedia, c.MediaType = len(media) > 0, ""
	if c.HasMedia {
		c.MediaType = mediaType
	}
	if err := tx.insertCase(c, media); err != nil {
		return fmt.Errorf("open case for %s: %w", c.ContentID, err)
	}
	detail, _ := json.Marshal(map[string]any{"content_id": c.ContentID, "banks": c.Banks, "media": c.HasMedia})
	return tx.Audit("case.open", "case", c.ID, string(detail))
}

// insertCase writes a new case, its banks and its encrypted media.
func (tx *Tx) insertCase(c *vigil.Case, media []byte) error {
	matches, err := json.Marshal(c.Matches)
	if err != nil {
		return err
	}
	signals, err := json.Marshal(c.Signals)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO cases (id, content_id, service, status, priority,
		matches, signals, media_type, opened, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.ContentID, c.Service, c.Status, c.Priority, string(matches), string(signals), c.MediaType,
		ms(c.Opened), ms(c.Updated))
	if err != nil {
		return err
	}
	for _, b := range c.Banks {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO case_banks (bank, case_id) VALUES (?, ?)`, b, c.ID); err != nil {
			return err
		}
	}
	if len(media) == 0 {
		return nil
	}
	return tx.storeCaseMedia(c.ID, media)
}

// caseBanksOf returns the distinct banks of ms, sorted.
func caseBanksOf(ms []vigil.Match) []string {
	var banks []string
	for _, m := range ms {
		banks = append(banks, m.Bank)
	}
	slices.Sort(banks)
	return slices.Compact(banks)
}

const caseColumns = `id, content_id, service, status, priority, assignee, category, matches, signals,
	media_type, opened, updated, EXISTS (SELECT 1 FROM case_media m WHERE m.case_id = cases.id)`

// caseByID reads one case, or returns an ENOTFOUND error.
func caseByID(ctx context.Context, q caseQuerier, id string) (vigil.Case, error) {
	return caseWhere(ctx, q, "id = ?", id)
}

// caseByContent reads the case of a content item, or returns an ENOTFOUND error.
func caseByContent(ctx context.Context, q caseQuerier, contentID string) (vigil.Case, error) {
	return caseWhere(ctx, q, "content_id = ?", contentID)
}

func caseWhere(ctx context.Context, q caseQuerier, cond, arg string) (vigil.Case, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE `+cond, arg)
	if err != nil {
		return vigil.Case{}, fmt.Errorf("read case: %w", err)
	}
	cases, err := scanCases(rows)
	if err != nil {
		return vigil.Case{}, err
	}
	if len(cases) == 0 {
		return vigil.Case{}, vigil.Errorf(vigil.ENOTFOUND, "no case %s", arg)
	}
	return cases[0], nil
}

// scanCases reads the rows of a caseColumns query.
func scanCases(rows *sql.Rows) ([]vigil.Case, error) {
	var cases []vigil.Case
	for rows.Next() {
		var c vigil.Case
		var matches, signals []byte
		var opened, updated int64
		err := rows.Scan(&c.ID, &c.ContentID, &c.Service, &c.Status, &c.Priority, &c.Assignee,
			&c.Category, &matches, &signals, &c.MediaType, &opened, &updated, &c.HasMedia)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read case: %w", err)
		}
		if err := errors.Join(json.Unmarshal(matches, &c.Matches), json.Unmarshal(signals, &c.Signals)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read case %s: %w", c.ID, err)
		}
		c.Opened, c.Updated = fromMS(opened), fromMS(updated)
		c.Banks = caseBanksOf(c.Matches)
		cases = append(cases, c)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read case: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read case: %w", err)
	}
	return cases, nil
}

// caseInList returns "?, ?, ?" for n arguments.
func caseInList(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
