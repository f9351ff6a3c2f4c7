package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/password"
)

// Password rules: long enough to resist guessing at argon2id's cost, short enough that hashing
// one is not a denial of service.
const (
	minPassword = 12
	maxPassword = 1024
	maxUserName = 64
)

// Users implements vigil.UserService on the database.
type Users struct {
	db *DB
	// Hashing is argon2id's cost; tests lower it.
	Hashing password.Params
	// dummy is a hash checked against when a name is unknown, so a failed sign-in takes as long
	// whether or not the name exists.
	dummy     string
	dummyOnce sync.Once
}

// NewUsers returns the user service of db.
func NewUsers(db *DB) *Users {
	return &Users{db: db, Hashing: password.Default}
}

var _ vigil.UserService = (*Users)(nil)

// requireAdmin refuses actors that may not manage users and keys.
func requireAdmin(ctx context.Context) error {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeAdmin) {
		return vigil.Errorf(vigil.EFORBIDDEN, "managing users and keys needs the admin permission")
	}
	return nil
}

// validUserName checks a login name: 1 to 64 letters, digits, '.', '_', '-' or '@'.
func validUserName(name string) error {
	if name == "" || len(name) > maxUserName {
		return vigil.FieldErrorf(vigil.EINVALID, "name", "must be 1 to %d characters", maxUserName)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-@", r) {
			return vigil.FieldErrorf(vigil.EINVALID, "name", "may hold only letters, digits and . _ - @, not %q", r)
		}
	}
	return nil
}

func validPassword(pw string) error {
	if n := len([]rune(pw)); n < minPassword || len(pw) > maxPassword {
		return vigil.FieldErrorf(vigil.EINVALID, "password", "must be %d to %d characters", minPassword, maxPassword)
	}
	return nil
}

// CreateUser adds a person with a role and password.
func (u *Users) CreateUser(ctx context.Context, name string, role vigil.Role, pw string) (vigil.User, error) {
	if err := requireAdmin(ctx); err != nil {
		return vigil.User{}, err
	}
	if err := validUserName(name); err != nil {
		return vigil.User{}, err
	}
	if !slices.Contains(vigil.Roles, role) {
		return vigil.User{}, vigil.FieldErrorf(vigil.EINVALID, "role", "must be one of admin, reviewer, auditor, not %q", role)
	}
	if err := validPassword(pw); err != nil {
		return vigil.User{}, err
	}
	hash := password.Hash(pw, u.Hashing)
	var user vigil.User
	err := u.db.Update(ctx, func(tx *Tx) error {
		user = vigil.User{ID: vigil.NewID(vigil.PrefixUser, tx.Now()), Name: name, Role: role, Created: tx.Now()}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, name, role, password, created, updated)
			VALUES (?, ?, ?, ?, ?, ?)`, user.ID, name, role, hash, ms(tx.Now()), ms(tx.Now()))
		if isUniqueErr(err) {
			return vigil.FieldErrorf(vigil.ECONFLICT, "name", "a user named %q exists", name)
		}
		if err != nil {
			return fmt.Errorf("create user %s: %w", name, err)
		}
		return tx.Audit("user.create", "user", user.ID, userDetail(map[string]any{"name": name, "role": role}))
	})
	return user, err
}

// isUniqueErr reports whether err is SQLite refusing a duplicate key.
func isUniqueErr(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

const userSelect = `SELECT id, name, role, disabled, reveals_per_hour, created FROM users`

func scanUser(row interface{ Scan(...any) error }) (vigil.User, error) {
	var u vigil.User
	var created int64
	err := row.Scan(&u.ID, &u.Name, &u.Role, &u.Disabled, &u.RevealsPerHour, &created)
	u.Created = fromMS(created)
	return u, err
}

// Users lists every user by name.
func (u *Users) Users(ctx context.Context) ([]vigil.User, error) {
	rows, err := u.db.read.QueryContext(ctx, userSelect+` ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []vigil.User
	for rows.Next() {
		user, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		users = append(users, user)
	}
	return users, rows.Err()
}

// User returns the user with id.
func (u *Users) User(ctx context.Context, id string) (vigil.User, error) {
	return u.userWhere(ctx, "id", id)
}

// UserByName returns the user called name.
func (u *Users) UserByName(ctx context.Context, name string) (vigil.User, error) {
	return u.userWhere(ctx, "name", name)
}

func (u *Users) userWhere(ctx context.Context, column, value string) (vigil.User, error) {
	user, err := scanUser(u.db.read.QueryRowContext(ctx, userSelect+` WHERE `+column+` = ?`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return user, vigil.Errorf(vigil.ENOTFOUND, "no user with %s %q", column, value)
	}
	if err != nil {
		return user, fmt.Errorf("user %s: %w", value, err)
	}
	return user, nil
}

// SetPassword replaces a user's password and ends their sessions, so a stolen session dies with
// the old password.
func (u *Users) SetPassword(ctx context.Context, userID, pw string) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	if err := validPassword(pw); err != nil {
		return err
	}
	hash := password.Hash(pw, u.Hashing)
	return u.db.Update(ctx, func(tx *Tx) error {
		if err := updateUser(tx, userID, `password = ?`, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("end sessions of %s: %w", userID, err)
		}
		return tx.Audit("user.passwd", "user", userID, "{}")
	})
}

// SetDisabled disables or re-enables a user; disabling ends their sessions.
func (u *Users) SetDisabled(ctx context.Context, userID string, disabled bool) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	return u.db.Update(ctx, func(tx *Tx) error {
		if err := updateUser(tx, userID, `disabled = ?`, disabled); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("end sessions of %s: %w", userID, err)
		}
		return tx.Audit(action, "user", userID, "{}")
	})
}

// SetRevealCap sets how many media reveals per hour the user may make; 0 means the default. The
// new cap applies to the user's next reveal, without ending their sessions.
func (u *Users) SetRevealCap(ctx context.Context, userID string, perHour int) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	if perHour < 0 || perHour > vigil.MaxRevealsPerHour {
		return vigil.FieldErrorf(vigil.EINVALID, "reveals_per_hour", "must be 0 (the default, %d) to %d",
			vigil.DefaultRevealsPerHour, vigil.MaxRevealsPerHour)
	}
	return u.db.Update(ctx, func(tx *Tx) error {
		if err := updateUser(tx, userID, `reveals_per_hour = ?`, perHour); err != nil {
			return err
		}
		return tx.Audit("user.reveal_cap", "user", userID, userDetail(map[string]any{"reveals_per_hour": perHour}))
	})
}

// updateUser sets one column of a user, with ENOTFOUND when there is no such user.
func updateUser(tx *Tx, userID, set string, value any) error {
	res, err := tx.ExecContext(tx.ctx, `UPDATE users SET `+set+`, updated = ? WHERE id = ?`, value, ms(tx.Now()), userID)
	if err != nil {
		return fmt.Errorf("update user %s: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no user with id %q", userID)
	}
	return nil
}

// CountUsers returns how many users exist, so the first start knows to create the admin.
func (u *Users) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := u.db.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// userDetail is the JSON detail of a user or key audit event.
func userDetail(v map[string]any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
