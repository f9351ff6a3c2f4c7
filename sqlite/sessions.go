package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/password"
)

// Session lifetimes: a session ends SessionLifetime after sign-in, or after SessionIdle without
// a request, whichever comes first.
const (
	SessionLifetime = 12 * time.Hour
	SessionIdle     = 30 * time.Minute
	// touchEvery bounds how often a session's or key's last use is written, so a busy client
	// does not turn every request into a write.
	touchEvery = time.Minute
)

// randomToken returns n random bytes in unpadded base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenHash is what the database keeps of a session token or key secret.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// userActor is the actor of a signed-in user.
func userActor(u vigil.User) vigil.Actor {
	return vigil.Actor{Kind: vigil.ActorUser, ID: u.ID, Name: u.Name, Role: u.Role, Scopes: vigil.ScopesOf(u.Role)}
}

// errBadLogin is the one answer to a wrong name, a wrong password and a disabled user, so the
// answer does not tell which names exist.
var errBadLogin = vigil.Errorf(vigil.EUNAUTHORIZED, "wrong name or password")

// Login checks name and password and starts a session.
func (u *Users) Login(ctx context.Context, name, pw string) (string, vigil.Session, error) {
	var user vigil.User
	var hash string
	var created int64
	err := u.db.read.QueryRowContext(ctx, `SELECT id, name, role, disabled, reveals_per_hour, created, password
		FROM users WHERE name = ?`, name).Scan(&user.ID, &user.Name, &user.Role, &user.Disabled,
		&user.RevealsPerHour, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		password.Check(pw, u.dummyHash())
		return "", vigil.Session{}, u.loginFailed(ctx, name, "unknown name")
	}
	if err != nil {
		return "", vigil.Session{}, fmt.Errorf("login %s: %w", name, err)
	}
	ok, err := password.Check(pw, hash)
	if err != nil {
		return "", vigil.Session{}, fmt.Errorf("login %s: %w", name, err)
	}
	switch {
	case !ok:
		return "", vigil.Session{}, u.loginFailed(ctx, name, "wrong password")
	case user.Disabled:
		return "", vigil.Session{}, u.loginFailed(ctx, name, "user disabled")
	}
	return u.startSession(vigil.WithActor(ctx, userActor(user)), user)
}

// anonymous is the actor of a failed sign-in: whoever tried has proved no identity.
var anonymous = vigil.Actor{Kind: vigil.ActorAnonymous, Name: "anonymous"}

// loginFailed audits a refused sign-in, naming the attempted user name (cut to a user name's
// length, so a wild guess cannot bloat the log) and why it failed: the log is for admins and
// auditors, the caller only ever learns errBadLogin. The password is never recorded.
func (u *Users) loginFailed(ctx context.Context, name, reason string) error {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if r := []rune(name); len(r) > maxUserName {
		name = string(r[:maxUserName]) + "…"
	}
	err := u.db.Update(vigil.WithActor(ctx, anonymous), func(tx *Tx) error {
		return tx.Audit("user.login_failed", "user_name", name, userDetail(map[string]any{"reason": reason}))
	})
	if err != nil {
		return fmt.Errorf("audit failed sign-in: %w", err)
	}
	return errBadLogin
}

// dummyHash returns a hash with the current cost parameters for unknown names to be checked
// against.
func (u *Users) dummyHash() string {
	u.dummyOnce.Do(func() { u.dummy = password.Hash(randomToken(16), u.Hashing) })
	return u.dummy
}

// startSession stores a new session for user, dropping expired ones on the way.
func (u *Users) startSession(ctx context.Context, user vigil.User) (string, vigil.Session, error) {
	token := randomToken(32)
	var s vigil.Session
	err := u.db.Update(ctx, func(tx *Tx) error {
		now := tx.Now()
		s = vigil.Session{ID: hex.EncodeToString(tokenHash(token)), UserID: user.ID, CSRF: randomToken(32),
			Expires: now.Add(SessionLifetime)}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= ? OR last_seen <= ?`,
			ms(now), ms(now.Add(-SessionIdle))); err != nil {
			return fmt.Errorf("drop expired sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created, last_seen, expires)
			VALUES (?, ?, ?, ?, ?, ?)`, tokenHash(token), user.ID, s.CSRF, ms(now), ms(now), ms(s.Expires))
		if err != nil {
			return fmt.Errorf("start session for %s: %w", user.Name, err)
		}
		return tx.Audit("user.login", "user", user.ID, "{}")
	})
	if err != nil {
		return "", vigil.Session{}, err
	}
	return token, s, nil
}

// Logout ends the session of token; ending an unknown or ended session does nothing.
func (u *Users) Logout(ctx context.Context, token string) error {
	return u.db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash(token))
		if err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		a := vigil.ActorFrom(ctx)
		return tx.Audit("user.logout", "user", a.ID, "{}")
	})
}

// errSessionEnded answers a cookie whose session is unknown, expired, idle too long or whose
// user is disabled.
var errSessionEnded = vigil.Errorf(vigil.EUNAUTHORIZED, "your session has ended: sign in again")

// SessionActor returns the user behind a session token and notes the session's use.
func (u *Users) SessionActor(ctx context.Context, token string) (vigil.Actor, vigil.Session, error) {
	var user vigil.User
	var s vigil.Session
	var created, lastSeen, expires int64
	hash := tokenHash(token)
	err := u.db.read.QueryRowContext(ctx, `SELECT u.id, u.name, u.role, u.disabled, u.reveals_per_hour, u.created,
		s.csrf, s.last_seen, s.expires FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
		hash).Scan(&user.ID, &user.Name, &user.Role, &user.Disabled, &user.RevealsPerHour, &created,
		&s.CSRF, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Actor{}, s, errSessionEnded
	}
	if err != nil {
		return vigil.Actor{}, s, fmt.Errorf("session: %w", err)
	}
	now := u.db.Clock.Now()
	if user.Disabled || !now.Before(fromMS(expires)) || !now.Before(fromMS(lastSeen).Add(SessionIdle)) {
		return vigil.Actor{}, s, errSessionEnded
	}
	s.ID, s.UserID, s.Expires = hex.EncodeToString(hash), user.ID, fromMS(expires)
	if now.Sub(fromMS(lastSeen)) >= touchEvery {
		if err := u.touch(ctx, `UPDATE sessions SET last_seen = ? WHERE token_hash = ?`, now, hash); err != nil {
			return vigil.Actor{}, s, err
		}
	}
	return userActor(user), s, nil
}

// touch records a last use; it is bookkeeping, not a change anyone asked for, so it has no audit
// event.
func (u *Users) touch(ctx context.Context, query string, now time.Time, hash []byte) error {
	if _, err := u.db.write.ExecContext(ctx, query, ms(now), hash); err != nil {
		return fmt.Errorf("note last use: %w", err)
	}
	return nil
}
