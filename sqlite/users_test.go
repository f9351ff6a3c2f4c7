package sqlite

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/internal/password"
)

// cheapHashing keeps argon2id fast in tests; the format and checks are the same.
var cheapHashing = password.Params{Memory: 64, Time: 1, Threads: 1}

// usersAdminCtx acts as an administrator.
var usersAdminCtx = vigil.WithActor(context.Background(),
	vigil.Actor{Kind: vigil.ActorUser, ID: "usr_admin", Name: "root", Role: vigil.RoleAdmin, Scopes: vigil.Scopes})

func newTestUsers(t *testing.T) (*Users, *fakeclock.Clock) {
	t.Helper()
	db := openTest(t)
	u := NewUsers(db)
	u.Hashing = cheapHashing
	return u, db.Clock.(*fakeclock.Clock)
}

func TestCreateUserRefuses(t *testing.T) {
	u, _ := newTestUsers(t)
	if _, err := u.CreateUser(usersAdminCtx, "alice", vigil.RoleReviewer, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	reviewer := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, Role: vigil.RoleReviewer,
		Scopes: vigil.ScopesOf(vigil.RoleReviewer)})
	for _, tc := range []struct {
		name, user, pw string
		role           vigil.Role
		ctx            context.Context
		code           string
	}{
		{"empty name", "", "correct horse battery", vigil.RoleAdmin, usersAdminCtx, vigil.EINVALID},
		{"space in name", "a b", "correct horse battery", vigil.RoleAdmin, usersAdminCtx, vigil.EINVALID},
		{"unknown role", "bob", "correct horse battery", "root", usersAdminCtx, vigil.EINVALID},
		{"short password", "bob", "short", vigil.RoleAdmin, usersAdminCtx, vigil.EINVALID},
		{"taken name", "alice", "correct horse battery", vigil.RoleAdmin, usersAdminCtx, vigil.ECONFLICT},
		{"not an admin", "bob", "correct horse battery", vigil.RoleAdmin, reviewer, vigil.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := u.CreateUser(tc.ctx, tc.user, tc.role, tc.pw)
			if got := vigil.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	u, _ := newTestUsers(t)
	alice, err := u.CreateUser(usersAdminCtx, "alice", vigil.RoleReviewer, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	carol, _ := u.CreateUser(usersAdminCtx, "carol", vigil.RoleAuditor, "correct horse battery")
	if err := u.SetDisabled(usersAdminCtx, carol.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user, pw string
		ok             bool
	}{
		{"right", "alice", "correct horse battery", true},
		{"wrong password", "alice", "correct horse staple", false},
		{"unknown name", "mallory", "correct horse battery", false},
		{"disabled", "carol", "correct horse battery", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token, s, err := u.Login(context.Background(), tc.user, tc.pw)
			if !tc.ok {
				if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
					t.Fatalf("err %v, want unauthorized", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			actor, got, err := u.SessionActor(context.Background(), token)
			if err != nil || actor.ID != alice.ID || actor.Role != vigil.RoleReviewer || got.CSRF != s.CSRF {
				t.Fatalf("session actor %+v %+v %v", actor, got, err)
			}
		})
	}
}

func TestSessionEnds(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(t *testing.T, u *Users, clock *fakeclock.Clock, userID, token string)
	}{
		{"idle", func(t *testing.T, u *Users, clock *fakeclock.Clock, _, _ string) {
			clock.Advance(SessionIdle)
		}},
		{"lifetime", func(t *testing.T, u *Users, clock *fakeclock.Clock, _, token string) {
			for range SessionLifetime / (20 * time.Minute) {
				clock.Advance(20 * time.Minute)
				u.SessionActor(context.Background(), token)
			}
		}},
		{"logout", func(t *testing.T, u *Users, _ *fakeclock.Clock, _, token string) {
			if err := u.Logout(context.Background(), token); err != nil {
				t.Fatal(err)
			}
		}},
		{"password change", func(t *testing.T, u *Users, _ *fakeclock.Clock, userID, _ string) {
			if err := u.SetPassword(usersAdminCtx, userID, "another long password"); err != nil {
				t.Fatal(err)
			}
		}},
		{"disabled", func(t *testing.T, u *Users, _ *fakeclock.Clock, userID, _ string) {
			if err := u.SetDisabled(usersAdminCtx, userID, true); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, clock := newTestUsers(t)
			user, _ := u.CreateUser(usersAdminCtx, "alice", vigil.RoleReviewer, "correct horse battery")
			token, _, err := u.Login(context.Background(), "alice", "correct horse battery")
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(SessionIdle - time.Second)
			if _, _, err := u.SessionActor(context.Background(), token); err != nil {
				t.Fatalf("before the end: %v", err)
			}
			tc.end(t, u, clock, user.ID, token)
			if _, _, err := u.SessionActor(context.Background(), token); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Fatalf("after the end: %v, want unauthorized", err)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	u, clock := newTestUsers(t)
	secret, k, err := u.CreateKey(usersAdminCtx, "uploader", []vigil.Scope{vigil.ScopeSubmit, vigil.ScopeMatch, vigil.ScopeSubmit})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	actor, got, err := u.KeyActor(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	if actor.Kind != vigil.ActorKey || actor.ID != k.ID || !actor.Can(vigil.ScopeSubmit) || actor.Can(vigil.ScopeCases) ||
		len(actor.Scopes) != 2 || !got.LastUsed.Equal(clock.Now()) {
		t.Fatalf("actor %+v key %+v", actor, got)
	}
	if err := u.SetKeyMatchRate(usersAdminCtx, k.ID, 2.5); err != nil {
		t.Fatal(err)
	}
	if _, got, _ := u.KeyActor(context.Background(), secret); got.MatchRate != 2.5 {
		t.Fatalf("match rate %v, want 2.5", got.MatchRate)
	}
	if err := u.RevokeKey(usersAdminCtx, k.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, secret string }{
		{"revoked", secret},
		{"unknown", KeyPrefix + "AAAA"},
		{"no prefix", "abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := u.KeyActor(context.Background(), tc.secret); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Fatalf("err %v, want unauthorized", err)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		key    string
		scopes []vigil.Scope
	}{
		{"no scopes", "x", nil},
		{"unknown scope", "x", []vigil.Scope{"root"}},
		{"no name", " ", []vigil.Scope{vigil.ScopeSubmit}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := u.CreateKey(usersAdminCtx, tc.key, tc.scopes); vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("err %v, want invalid", err)
			}
		})
	}
}

func TestUserChangesAreAudited(t *testing.T) {
	u, _ := newTestUsers(t)
	user, _ := u.CreateUser(usersAdminCtx, "alice", vigil.RoleReviewer, "correct horse battery")
	u.SetDisabled(usersAdminCtx, user.ID, true)
	u.SetDisabled(usersAdminCtx, user.ID, false)
	u.Login(context.Background(), "alice", "correct horse battery")
	_, k, _ := u.CreateKey(usersAdminCtx, "k", []vigil.Scope{vigil.ScopeAdmin})
	u.RevokeKey(usersAdminCtx, k.ID)
	events, err := u.db.AuditEvents(context.Background(), vigil.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Action+" by "+e.ActorName)
	}
	want := []string{"user.create by root", "user.disable by root", "user.enable by root", "user.login by alice",
		"key.create by root", "key.revoke by root"}
	if len(got) != len(want) {
		t.Fatalf("audit %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("audit %q, want %q", got, want)
		}
	}
}

func TestSecretIsStable(t *testing.T) {
	db := openTest(t)
	a, err := db.Secret(context.Background(), "test_key", 32)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Secret(context.Background(), "test_key", 32)
	if err != nil || !bytes.Equal(a, b) || len(a) != 32 {
		t.Fatalf("second read %x, %v; first %x", b, err, a)
	}
}
