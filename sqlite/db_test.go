package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/audit"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// openTest opens a fresh database in a temporary directory.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"),
		fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAuditChainDetectsTampering(t *testing.T) {
	db := openTest(t)
	ctx := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_1", Name: "alice"})
	for i := range 5 {
		if err := db.RecordView(ctx, "media.view", "case", "cas_"+string(rune('a'+i)), "{}"); err != nil {
			t.Fatal(err)
		}
	}
	if head, err := db.VerifyAudit(ctx); err != nil || head.Seq != 5 {
		t.Fatalf("intact chain: verified %+v, %v", head, err)
	}
	if _, err := db.write.Exec(`UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	_, err := db.VerifyAudit(ctx)
	var broken *audit.BrokenLinkError
	if !errors.As(err, &broken) || broken.Seq != 3 {
		t.Fatalf("tampered chain: %v, want broken at 3", err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	db := openTest(t)
	applied, err := db.MigrateReport(context.Background())
	if err != nil || len(applied) != 0 {
		t.Fatalf("second migrate applied %v, %v; want nothing", applied, err)
	}
}
