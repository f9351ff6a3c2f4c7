package sqlite

import (
	"context"
	"crypto/cipher"
	"database/sql"
	"errors"
	"fmt"
)

// contentStmts are the statements every submission runs, prepared once on the write connection:
// SQLite parsing them anew for each item cost more than running them.
type contentStmts struct {
	insert, insertJob, verdict, deleteJob, count *sql.Stmt
}

// The statements of contentStmts.
const (
	insertContentSQL = `INSERT INTO content (id, service, external_id, uploader, type,
		flags, metadata, url, size, received, status, reason, matches, case_id, decided)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (service, external_id) WHERE external_id != '' DO NOTHING RETURNING row`
	insertJobSQL = `INSERT INTO content_jobs (content_row, kind, nonce, payload) VALUES (?, ?, ?, ?)`
	// A verdict other than a match forgets who uploaded the item and what the platform said of
	// them (PR-06, IR-12: no hit, nothing kept): only a match has a case that needs them.
	verdictSQL = `UPDATE content SET status = ?1, reason = ?2, matches = ?3, case_id = ?4, decided = ?5, url = ?6,
		uploader = CASE WHEN ?1 = 'match' THEN uploader ELSE '' END,
		metadata = CASE WHEN ?1 = 'match' THEN metadata ELSE '{}' END
		WHERE row = ?7 AND status = ?8`
	deleteJobSQL = `DELETE FROM content_jobs WHERE content_row = ?`
	countSQL     = `INSERT INTO content_counts (day, service, status, count) VALUES (?, ?, ?, 1)
		ON CONFLICT (day, service, status) DO UPDATE SET count = count + 1`
)

// Prepare readies the store for the pipeline's writes: it loads the key that seals job payloads
// (the secret job_payload_key, generated on first use) and prepares the statements of
// InsertContent and SetVerdict. It must run once before them, outside any transaction: the key
// comes from DB.Secret, which writes. The pipeline calls it when it starts.
func (s *ContentStore) Prepare(ctx context.Context) error {
	key, err := s.db.Secret(ctx, jobKeyName, 32)
	if err != nil {
		return fmt.Errorf("job payload key: %w", err)
	}
	aead, err := newGCM(key)
	if err != nil {
		return fmt.Errorf("job payload key: %w", err)
	}
	stmts := &contentStmts{}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&stmts.insert, insertContentSQL}, {&stmts.insertJob, insertJobSQL}, {&stmts.verdict, verdictSQL},
		{&stmts.deleteJob, deleteJobSQL}, {&stmts.count, countSQL},
	} {
		if *p.stmt, err = s.db.write.PrepareContext(ctx, p.sql); err != nil {
			stmts.close()
			return fmt.Errorf("prepare content statements: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stmts != nil {
		s.stmts.close()
	}
	s.aead, s.stmts = aead, stmts
	return nil
}

func (c *contentStmts) close() {
	for _, st := range []*sql.Stmt{c.insert, c.insertJob, c.verdict, c.deleteJob, c.count} {
		if st != nil {
			st.Close()
		}
	}
}

// errNotPrepared is the error of a write before Prepare.
var errNotPrepared = errors.New("the content store is not prepared: call Prepare first")

// prepared returns the statements and the payload cipher of Prepare.
func (s *ContentStore) prepared() (*contentStmts, cipher.AEAD, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.stmts == nil {
		return nil, nil, errNotPrepared
	}
	return s.stmts, s.aead, nil
}
