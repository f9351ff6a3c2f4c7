package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// StagedEntries are entries read and checked for one bank, kept in a spool file until Commit
// adds them to the bank in one transaction (see match.StagedEntries). Close it when done.
type StagedEntries struct {
	store *BankStore
	bank  string
	spool *spool
	count int // entries staged
}

var (
	_ match.StagedEntries = (*StagedEntries)(nil)
	_ match.EntryStager   = (*BankStore)(nil)
)

// checkEvery is how many entries an import handles between checks of its context.
const checkEvery = 4096

// StageEntries reads the entries that next yields for bank, until next returns io.EOF, checks
// each, and spools them to an unnamed temporary file beside the database: an import of millions
// of entries holds none of them in memory, and reading a slow upload does not hold the
// database's write lock. Any other error of next, an entry that is not valid, or a bank that
// does not exist stops it with nothing staged.
func (s *BankStore) StageEntries(ctx context.Context, bank string, next func() (match.Entry, error)) (match.StagedEntries, error) {
	if _, err := s.Bank(ctx, bank); err != nil {
		return nil, err
	}
	sp, err := newSpool(s.db.path)
	if err != nil {
		return nil, fmt.Errorf("bank %s: import: %w", bank, err)
	}
	st := &StagedEntries{store: s, bank: bank, spool: sp}
	for {
		e, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = checkEntry(bank, e, st.count+1)
		}
		if err == nil && st.count%checkEvery == 0 {
			err = ctx.Err()
		}
		if err == nil {
			err = sp.write(e)
		}
		if err != nil {
			st.Close()
			return nil, err
		}
		st.count++
	}
	if err := sp.rewind(); err != nil {
		st.Close()
		return nil, fmt.Errorf("bank %s: import: %w", bank, err)
	}
	return st, nil
}

// checkEntry validates e, the n-th entry of an import into bank.
func checkEntry(bank string, e match.Entry, n int) error {
	if e.Bank != "" && e.Bank != bank {
		return vigil.Errorf(vigil.EINVALID, "bank %s: entry %d belongs to bank %q", bank, n, e.Bank)
	}
	if err := e.Validate(); err != nil {
		return vigil.Errorf(vigil.EINVALID, "bank %s: entry %d: %v", bank, n, err)
	}
	return nil
}

// Bank returns the name of the bank the entries are for.
func (st *StagedEntries) Bank() string { return st.bank }

// Len returns the number of entries staged.
func (st *StagedEntries) Len() int { return st.count }

// Close removes the spool.
func (st *StagedEntries) Close() error { return st.spool.close() }

// Commit adds the staged entries to the bank in one transaction, as AddEntries does but in
// batches of many rows per statement: entries whose signal the bank holds, or an earlier staged
// entry carries, are skipped without using up an id. The change is recorded as bank.import. Once
// it is committed, stored, when not nil, is called with each entry added, read back from the
// database in id order; added counts them even when that fails. Commit can run once.
func (st *StagedEntries) Commit(ctx context.Context, stored func(match.Entry) error) (added, skipped int, err error) {
	restore, err := st.store.db.importSettings(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("bank %s: import: %w", st.bank, err)
	}
	defer restore()
	var first, last int64
	err = st.store.db.Update(ctx, func(tx *Tx) error {
		id, err := bankID(ctx, tx, st.bank)
		if err != nil {
			return err
		}
		before, err := entrySequence(ctx, tx)
		if err != nil {
			return fmt.Errorf("bank %s: import: %w", st.bank, err)
		}
		ins := newEntryInserter(ctx, tx, id)
		defer ins.close()
		if err := st.insertAll(ctx, ins); err != nil {
			return fmt.Errorf("bank %s: import: %w", st.bank, err)
		}
		if added = ins.added; added == 0 {
			return nil // nothing changed, so nothing to record
		}
		if last, err = entrySequence(ctx, tx); err != nil {
			return fmt.Errorf("bank %s: import: %w", st.bank, err)
		}
		if last > math.MaxUint32 {
			return fmt.Errorf("bank %s: entry ids exhausted", st.bank)
		}
		first = before + 1
		return changed(ctx, tx, "bank.import", st.bank, map[string]int{"added": added, "skipped": st.count - added})
	})
	if err != nil {
		return 0, 0, err
	}
	skipped = st.count - added
	if stored != nil && added > 0 {
		// Ids are never reused, and the transaction held the write lock: the bank's entries in
		// [first, last] are the ones it added, less any removed since.
		err = st.store.scanEntries(ctx, st.bank, ` AND id BETWEEN ? AND ?`, []any{first, last}, 0, stored)
	}
	return added, skipped, err
}

// importCacheKiB is the page cache of the write connection during an import. A large import
// dirties hundreds of megabytes of table and index pages before it commits; with SQLite's
// default cache of 2 MB it writes most of them out, into the write-ahead log and the statement
// journal, and reads them back, several times over, which made importing a million entries
// about three times slower. The cache only grows as pages are used, and shrinks back after.
const importCacheKiB = 64 << 10

// importSettings sets the write connection up for a large import: a larger page cache, and
// statement journals in memory, since an INSERT of many rows journals every page it changes
// in case it must be undone alone. It returns the function that restores the previous settings.
func (db *DB) importSettings(ctx context.Context) (restore func(), err error) {
	var cache, temp int64
	if err := db.write.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, err
	}
	if err := db.write.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp); err != nil {
		return nil, err
	}
	set := func(ctx context.Context, cache, temp int64) error {
		_, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d; PRAGMA temp_store = %d`, cache, temp))
		return err
	}
	if err := set(ctx, -importCacheKiB, 2); err != nil {
		return nil, err
	}
	return func() { set(context.WithoutCancel(ctx), cache, temp) }, nil
}

// insertAll replays the spool into ins.
func (st *StagedEntries) insertAll(ctx context.Context, ins *entryInserter) error {
	now := storedTime(ins.tx.Now())
	for n := 0; ; n++ {
		e, err := st.spool.read()
		if errors.Is(err, io.EOF) {
			return ins.flush()
		}
		if err != nil {
			return err
		}
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if e.Added.IsZero() {
			e.Added = now
		}
		if err := ins.add(e); err != nil {
			return err
		}
	}
}

// entrySequence returns the largest entry id ever given: AUTOINCREMENT's counter.
func entrySequence(ctx context.Context, tx *Tx) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'bank_entries'), 0)`).Scan(&seq)
	return seq, err
}

// ImportEntries adds the entries that next yields to bank, all or none: StageEntries, then
// Commit. It is for a store no Matcher has loaded, such as the command line's; a server imports
// through Matcher.ImportEntries, so that its index follows.
func (s *BankStore) ImportEntries(ctx context.Context, bank string, next func() (match.Entry, error)) (added, skipped int, err error) {
	st, err := s.StageEntries(ctx, bank, next)
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	return st.Commit(ctx, nil)
}

// insertBatch is how many entries one INSERT statement adds: 7 parameters each, well under
// SQLite's limit of 32,766 per statement.
const insertBatch = 256

// entryInserter adds entries to one bank in batches of insertBatch rows per statement, skipping
// those whose signal the bank holds already, in the database or earlier in the same batch.
type entryInserter struct {
	ctx    context.Context
	tx     *Tx
	bankID int64
	full   *sql.Stmt              // the statement of a full batch, prepared at its first use
	batch  []any                  // parameters of the rows waiting, after the bank's
	rows   int                    // rows waiting
	seen   map[signal.Signal]bool // signals of the rows waiting
	added  int
}

func newEntryInserter(ctx context.Context, tx *Tx, bankID int64) *entryInserter {
	batch := make([]any, 1, 1+7*insertBatch)
	batch[0] = bankID
	return &entryInserter{ctx: ctx, tx: tx, bankID: bankID, seen: map[signal.Signal]bool{}, batch: batch}
}

// close releases the prepared statement.
func (ins *entryInserter) close() {
	if ins.full != nil {
		ins.full.Close()
	}
}

// add queues e, flushing a full batch.
func (ins *entryInserter) add(e match.Entry) error {
	if ins.seen[e.Signal] {
		return nil
	}
	ins.seen[e.Signal] = true
	ins.batch = append(ins.batch, string(e.Signal.Type), e.Signal.Value, e.SupplierID, e.Category, e.Note,
		ms(storedTime(e.DisabledUntil)), ms(e.Added))
	ins.rows++
	if ins.rows == insertBatch {
		return ins.flush()
	}
	return nil
}

// insertSQL returns the statement that adds rows entries, given by the parameters after the
// first, to the bank ?1, leaving out those whose signal the bank holds. The batch repeats no
// signal, so checking the table before inserting is enough.
func insertSQL(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO bank_entries
		(bank_id, signal_type, signal, supplier_id, category, note, disabled_until, added)
		SELECT ?1, v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7
		FROM (VALUES `)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`(?,?,?,?,?,?,?)`)
	}
	b.WriteString(`) AS v WHERE NOT EXISTS (SELECT 1 FROM bank_entries e
		WHERE e.bank_id = ?1 AND e.signal_type = v.column1 AND e.signal = v.column2)`)
	return b.String()
}

// flush inserts the rows waiting.
func (ins *entryInserter) flush() error {
	if ins.rows == 0 {
		return nil
	}
	var res sql.Result
	var err error
	if ins.rows == insertBatch {
		if ins.full == nil {
			if ins.full, err = ins.tx.PrepareContext(ins.ctx, insertSQL(insertBatch)); err != nil {
				return err
			}
		}
		res, err = ins.full.ExecContext(ins.ctx, ins.batch...)
	} else {
		res, err = ins.tx.ExecContext(ins.ctx, insertSQL(ins.rows), ins.batch...)
	}
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	ins.added += int(n)
	ins.batch, ins.rows = ins.batch[:1], 0
	clear(ins.seen)
	return nil
}
