package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
)

// KeyPrefix starts every API key secret, so a leaked key is recognisable (secret scanners,
// logs) and a key is not mistaken for a session token.
const KeyPrefix = "vgl_"

const maxKeyName = 100

// parseScopes checks a requested scope list and returns it sorted without duplicates.
func parseScopes(scopes []vigil.Scope) ([]vigil.Scope, error) {
	if len(scopes) == 0 {
		return nil, vigil.FieldErrorf(vigil.EINVALID, "scopes", "give at least one scope")
	}
	out := make([]vigil.Scope, 0, len(scopes))
	for _, s := range scopes {
		if !slices.Contains(vigil.Scopes, s) {
			return nil, vigil.FieldErrorf(vigil.EINVALID, "scopes", "unknown scope %q: want %s", s, scopeList(vigil.Scopes))
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func scopeList(scopes []vigil.Scope) string {
	parts := make([]string, len(scopes))
	for i, s := range scopes {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// CreateKey makes an API key with scopes; the secret is returned only here.
func (u *Users) CreateKey(ctx context.Context, name string, scopes []vigil.Scope) (string, vigil.APIKey, error) {
	if err := requireAdmin(ctx); err != nil {
		return "", vigil.APIKey{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > maxKeyName {
		return "", vigil.APIKey{}, vigil.FieldErrorf(vigil.EINVALID, "name", "must be 1 to %d characters", maxKeyName)
	}
	scopes, err := parseScopes(scopes)
	if err != nil {
		return "", vigil.APIKey{}, err
	}
	secret := KeyPrefix + randomToken(32)
	var k vigil.APIKey
	err = u.db.Update(ctx, func(tx *Tx) error {
		k = vigil.APIKey{ID: vigil.NewID(vigil.PrefixKey, tx.Now()), Name: name, Scopes: scopes, Created: tx.Now()}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, name, secret_hash, scopes, created)
			VALUES (?, ?, ?, ?, ?)`, k.ID, name, tokenHash(secret), joinScopes(scopes), ms(tx.Now()))
		if err != nil {
			return fmt.Errorf("create key %s: %w", name, err)
		}
		return tx.Audit("key.create", "key", k.ID, userDetail(map[string]any{"name": name, "scopes": scopes}))
	})
	if err != nil {
		return "", vigil.APIKey{}, err
	}
	return secret, k, nil
}

// joinScopes is the stored form of a scope list: space-separated.
func joinScopes(scopes []vigil.Scope) string {
	return strings.ReplaceAll(scopeList(scopes), ", ", " ")
}

func splitScopes(s string) []vigil.Scope {
	var out []vigil.Scope
	for _, part := range strings.Fields(s) {
		out = append(out, vigil.Scope(part))
	}
	return out
}

const keySelect = `SELECT id, name, scopes, match_rate, created, last_used, revoked FROM api_keys`

func scanKey(row interface{ Scan(...any) error }) (vigil.APIKey, error) {
	var k vigil.APIKey
	var scopes string
	var created, lastUsed int64
	err := row.Scan(&k.ID, &k.Name, &scopes, &k.MatchRate, &created, &lastUsed, &k.Revoked)
	k.Scopes, k.Created, k.LastUsed = splitScopes(scopes), fromMS(created), fromMS(lastUsed)
	return k, err
}

// Keys lists every API key, revoked ones included, oldest first.
func (u *Users) Keys(ctx context.Context) ([]vigil.APIKey, error) {
	rows, err := u.db.read.QueryContext(ctx, keySelect+` ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()
	var keys []vigil.APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// RevokeKey stops a key from working, for good.
func (u *Users) RevokeKey(ctx context.Context, id string) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	return u.db.Update(ctx, func(tx *Tx) error {
		if err := updateKey(tx, id, `revoked = 1`); err != nil {
			return err
		}
		return tx.Audit("key.revoke", "key", id, "{}")
	})
}

// SetKeyMatchRate sets how many match lookups per second the key may make; 0 means the server
// default.
func (u *Users) SetKeyMatchRate(ctx context.Context, id string, rate float64) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	if rate < 0 || math.IsNaN(rate) || math.IsInf(rate, 0) || rate > 1e6 {
		return vigil.FieldErrorf(vigil.EINVALID, "match_rate", "must be 0 (the default) to 1000000 lookups per second")
	}
	return u.db.Update(ctx, func(tx *Tx) error {
		if err := updateKey(tx, id, `match_rate = ?`, rate); err != nil {
			return err
		}
		return tx.Audit("key.update", "key", id, userDetail(map[string]any{"match_rate": rate}))
	})
}

func updateKey(tx *Tx, id, set string, args ...any) error {
	res, err := tx.ExecContext(tx.ctx, `UPDATE api_keys SET `+set+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return fmt.Errorf("update key %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no API key with id %q", id)
	}
	return nil
}

// errBadKey answers an unknown or revoked key without saying which.
var errBadKey = vigil.Errorf(vigil.EUNAUTHORIZED, "unknown or revoked API key")

// KeyActor returns the program behind an API key secret and notes the key's use.
func (u *Users) KeyActor(ctx context.Context, secret string) (vigil.Actor, vigil.APIKey, error) {
	if !strings.HasPrefix(secret, KeyPrefix) {
		return vigil.Actor{}, vigil.APIKey{}, vigil.Errorf(vigil.EUNAUTHORIZED, "an API key starts with %q", KeyPrefix)
	}
	hash := tokenHash(secret)
	k, err := scanKey(u.db.read.QueryRowContext(ctx, keySelect+` WHERE secret_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) || err == nil && k.Revoked {
		return vigil.Actor{}, vigil.APIKey{}, errBadKey
	}
	if err != nil {
		return vigil.Actor{}, vigil.APIKey{}, fmt.Errorf("API key: %w", err)
	}
	if now := u.db.Clock.Now(); now.Sub(k.LastUsed) >= touchEvery {
		if err := u.touch(ctx, `UPDATE api_keys SET last_used = ? WHERE secret_hash = ?`, now, hash); err != nil {
			return vigil.Actor{}, vigil.APIKey{}, err
		}
		k.LastUsed = now
	}
	return vigil.Actor{Kind: vigil.ActorKey, ID: k.ID, Name: k.Name, Scopes: k.Scopes}, k, nil
}
