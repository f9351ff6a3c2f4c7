package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil"
)

// scanAll reads every row of rows with scan, in order, and closes rows: the loop of every
// listing, whose callers add what was listed to the error.
func scanAll[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// rowByID reads with scan the one row that query selects by id from q (a transaction or the
// read pool). No such row is ENOTFOUND "no <what> <id>"; other errors name what and id.
func rowByID[T any](ctx context.Context, q caseQuerier, scan func(rowScanner) (T, error), what, query, id string) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, id))
	var zero T
	if errors.Is(err, sql.ErrNoRows) {
		return zero, vigil.Errorf(vigil.ENOTFOUND, "no %s %s", what, id)
	}
	if err != nil {
		return zero, fmt.Errorf("%s %s: %w", what, id, err)
	}
	return v, nil
}
