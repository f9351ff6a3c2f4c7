package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// TestRevealAllowance follows a reviewer's reveals and cap changes and checks that the allowance
// reports what Media enforces.
func TestRevealAllowance(t *testing.T) {
	db := openTest(t)
	clock := db.Clock.(*fakeclock.Clock)
	cs := NewCaseStore(db, nil)
	users := NewUsers(db)
	users.Hashing = cheapHashing
	rita, err := users.CreateUser(usersAdminCtx, "rita", vigil.RoleReviewer, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	c := openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
	ctx := reviewer(rita.ID)
	steps := []struct {
		name      string
		advance   time.Duration
		cap       int  // set before the step when above 0
		reveal    bool // try to reveal the media
		code      string
		used, max int
	}{
		{"nothing yet", 0, 0, false, "", 0, vigil.DefaultRevealsPerHour},
		{"one reveal", 0, 0, true, "", 1, vigil.DefaultRevealsPerHour},
		{"cap lowered", time.Minute, 2, true, "", 2, 2},
		{"refused at the cap", time.Minute, 0, true, vigil.ERATELIMITED, 2, 2},
		{"the first falls out of the hour", time.Hour - 2*time.Minute + time.Millisecond, 0, false, "", 1, 2},
		{"and frees a reveal", 0, 0, true, "", 2, 2},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clock.Advance(s.advance)
			if s.cap > 0 {
				if err := users.SetRevealCap(usersAdminCtx, rita.ID, s.cap); err != nil {
					t.Fatal(err)
				}
			}
			if s.reveal {
				_, _, err := cs.Media(ctx, c.ID)
				wantCode(t, err, s.code)
			}
			used, limit, err := cs.RevealAllowance(ctx)
			if err != nil || used != s.used || limit != s.max {
				t.Fatalf("allowance %d of %d, %v; want %d of %d", used, limit, err, s.used, s.max)
			}
		})
	}
	t.Run("needs the cases permission", func(t *testing.T) {
		key := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: "key_1", Scopes: []vigil.Scope{vigil.ScopeSubmit}})
		_, _, err := cs.RevealAllowance(key)
		wantCode(t, err, vigil.EFORBIDDEN)
	})
}
