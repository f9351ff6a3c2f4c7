package sqlite

import (
	"context"
	"crypto/cipher"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vigilproject/vigil"
)

// The kinds of content job: what the worker starts from.
const (
	JobBytes   = "bytes"   // the payload is the uploaded file
	JobURL     = "url"     // the content row's URL is to be fetched; no payload
	JobSignals = "signals" // the payload is the submitted signals, one "type:value" per line
)

// ContentJob is an accepted item waiting for its verdict, as the pipeline's workers take it.
type ContentJob struct {
	Row     int64 // the content's row, the key the worker writes the verdict with
	Content vigil.Content
	Kind    string
	Payload []byte
}

// ContentStore reads content, verdicts, counts and services. Writes go through the pipeline's
// transactions (InsertContent, SetVerdict, after Prepare) and SaveService/DeleteService.
type ContentStore struct {
	db *DB

	mu    sync.RWMutex
	stmts *contentStmts // set by Prepare
	aead  cipher.AEAD   // seals job payloads; set by Prepare
}

// NewContentStore returns the content store of db.
func NewContentStore(db *DB) *ContentStore { return &ContentStore{db: db} }

// DB returns the database the store reads, for the pipeline's write transactions.
func (s *ContentStore) DB() *DB { return s.db }

const contentColumns = `row, id, service, external_id, uploader, type, flags, metadata, url, size,
	received, status, reason, matches, case_id, decided`

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

func scanContent(r rowScanner) (row int64, c vigil.Content, err error) {
	var flags, metadata, matches string
	var received, decided int64
	err = r.Scan(&row, &c.ID, &c.Service, &c.ExternalID, &c.Uploader, &c.Type, &flags, &metadata,
		&c.URL, &c.Size, &received, &c.Verdict.Status, &c.Verdict.Reason, &matches,
		&c.Verdict.CaseID, &decided)
	if err != nil {
		return 0, c, err
	}
	c.Received, c.Verdict.Decided = fromMS(received), fromMS(decided)
	if err := errors.Join(json.Unmarshal([]byte(flags), &c.Flags), json.Unmarshal([]byte(metadata), &c.Metadata),
		json.Unmarshal([]byte(matches), &c.Verdict.Matches)); err != nil {
		return 0, c, fmt.Errorf("content %s: %w", c.ID, err)
	}
	return row, c, nil
}

// Content returns the item with public id id.
func (s *ContentStore) Content(ctx context.Context, id string) (vigil.Content, error) {
	_, c, err := scanContent(s.db.read.QueryRowContext(ctx, `SELECT `+contentColumns+` FROM content WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, vigil.Errorf(vigil.ENOTFOUND, "no content %s", id)
	}
	if err != nil {
		return c, fmt.Errorf("content %s: %w", id, err)
	}
	return c, nil
}

// Jobs returns up to limit waiting jobs with rows above after and at most upTo, in row order,
// their payloads decrypted: the pipeline resumes with them after a restart.
func (s *ContentStore) Jobs(ctx context.Context, after, upTo int64, limit int) ([]ContentJob, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT c.row, c.id, c.service, c.external_id, c.uploader, c.type, c.flags, c.metadata,
		c.url, c.size, c.received, c.status, c.reason, c.matches, c.case_id, c.decided, j.kind, j.nonce, j.payload
		FROM content_jobs j JOIN content c ON c.row = j.content_row
		WHERE j.content_row > ? AND j.content_row <= ? ORDER BY j.content_row LIMIT ?`, after, upTo, limit)
	if err != nil {
		return nil, fmt.Errorf("content jobs: %w", err)
	}
	defer rows.Close()
	var jobs []ContentJob
	for rows.Next() {
		var j ContentJob
		var nonce []byte
		var err error
		j.Row, j.Content, err = scanContent(jobScanner{rows, &j.Kind, &nonce, &j.Payload})
		if err != nil {
			return nil, fmt.Errorf("content jobs: %w", err)
		}
		if j.Payload, err = s.openJob(j.Content.ID, nonce, j.Payload); err != nil {
			return nil, fmt.Errorf("content jobs: %w", err)
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("content jobs: %w", err)
	}
	return jobs, nil
}

// jobScanner scans the content columns followed by a job's kind, nonce and payload.
type jobScanner struct {
	rows           *sql.Rows
	kind           *string
	nonce, payload *[]byte
}

func (j jobScanner) Scan(dest ...any) error {
	return j.rows.Scan(append(dest, j.kind, j.nonce, j.payload)...)
}

// LastJobRow returns the highest row of a waiting job, 0 when there is none.
func (s *ContentStore) LastJobRow(ctx context.Context) (int64, error) {
	var row int64
	err := s.db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(content_row), 0) FROM content_jobs`).Scan(&row)
	if err != nil {
		return 0, fmt.Errorf("content jobs: %w", err)
	}
	return row, nil
}

// Backlog returns the number of waiting jobs.
func (s *ContentStore) Backlog(ctx context.Context) (int, error) {
	var n int
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM content_jobs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("content backlog: %w", err)
	}
	return n, nil
}

// Counts returns the verdict counts of the days from..to, inclusive.
func (s *ContentStore) Counts(ctx context.Context, from, to time.Time) ([]vigil.ContentCount, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT day, service, status, count FROM content_counts
		WHERE day >= ? AND day <= ? ORDER BY day, service, status`, ms(dayOf(from)), ms(dayOf(to)))
	if err != nil {
		return nil, fmt.Errorf("content counts: %w", err)
	}
	defer rows.Close()
	var counts []vigil.ContentCount
	for rows.Next() {
		var c vigil.ContentCount
		var day int64
		if err := rows.Scan(&day, &c.Service, &c.Status, &c.Count); err != nil {
			return nil, fmt.Errorf("content counts: %w", err)
		}
		c.Day = fromMS(day)
		counts = append(counts, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("content counts: %w", err)
	}
	return counts, nil
}

// dayOf returns midnight UTC of t's day.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
