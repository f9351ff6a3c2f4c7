package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
)

// TestTransparencySettings checks who may write the provider's statements, what text is
// refused (personal data, as the report is published: PP-11, TR-06), that a save is audited and
// read back, and that the statements reach every format of the report.
func TestTransparencySettings(t *testing.T) {
	r := seedYear(t)
	store := NewTransparencyStore(r.db)
	long := strings.Repeat("x", transparency.MaxStatement+1)
	tests := []struct {
		name  string
		ctx   context.Context
		in    transparency.Settings
		code  string
		field string
	}{
		{"not an admin", legal("lex"), trSettings, vigil.EFORBIDDEN, ""},
		{"email", adminCtx, transparency.Settings{Statements: transparency.Statements{GDPRGround: "Ask dpo@provider.example"}},
			vigil.EINVALID, "gdpr_ground"},
		{"IP address", adminCtx, transparency.Settings{Statements: transparency.Statements{TransferGround: "Sent from 192.0.2.44"}},
			vigil.EINVALID, "transfer_ground"},
		{"phone", adminCtx, transparency.Settings{Statements: transparency.Statements{ErrorMeasures: "Call +49 30 1234 5678"}},
			vigil.EINVALID, "error_limiting_measures"},
		{"too long", adminCtx, transparency.Settings{RetentionPolicy: long}, vigil.EINVALID, "retention_policy"},
		{"not UTF-8", adminCtx, transparency.Settings{RetentionPolicy: "\xff"}, vigil.EINVALID, "retention_policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.SaveTransparencySettings(tt.ctx, tt.in)
			wantCode(t, err, tt.code)
			if verr, ok := errors.AsType[*vigil.Error](err); tt.field != "" && (!ok || verr.Field != tt.field) {
				t.Errorf("error %v, want one about %s", err, tt.field)
			}
		})
	}
	got, err := store.TransparencySettings(context.Background())
	if err != nil || got.Statements != trSettings.Statements || got.RetentionPolicy != trSettings.RetentionPolicy || got.Updated.IsZero() {
		t.Fatalf("settings read back %+v, %v; want the seeded ones", got, err)
	}
	events, err := r.db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "transparency.settings"})
	if err != nil || len(events) != 1 || events[0].ActorID != "usr_admin" {
		t.Errorf("audit events %+v, %v; want the one save", events, err)
	}
	svc := &transparency.Service{Store: store, Clock: r.clock}
	for _, f := range transparency.Formats {
		out, err := svc.Render(adminCtx, 2026, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Standard contractual clauses", "reviewed by a person", "longer only under a legal hold"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("the %s report lacks %q", f, want)
			}
		}
	}
}

// TestTransparencySettingsAreCheckedForPersonalData: a statement naming a user the store knows
// for the year is refused when the report is generated, in every format (PP-11, TR-06): the
// provider's own text goes through the same check as the figures.
func TestTransparencySettingsAreCheckedForPersonalData(t *testing.T) {
	r := seedYear(t)
	store := NewTransparencyStore(r.db)
	known, err := store.PersonalData(context.Background(), transparency.YearPeriod(2026))
	if err != nil {
		t.Fatal(err)
	}
	nick := ""
	for _, k := range known {
		if strings.HasPrefix(k, "nickname") {
			nick = k
			break
		}
	}
	if nick == "" {
		t.Fatalf("no user name among the year's personal data %v", known)
	}
	leaky := trSettings
	leaky.ErrorMeasures = "After the complaint of " + nick + " we retrained the reviewers."
	if _, err := store.SaveTransparencySettings(adminCtx, leaky); err != nil {
		t.Fatal(err)
	}
	svc := &transparency.Service{Store: store, Clock: r.clock}
	for _, f := range transparency.Formats {
		t.Run(string(f), func(t *testing.T) {
			out, err := svc.Render(adminCtx, 2026, f)
			if !errors.Is(err, transparency.ErrPersonalData) || out != nil {
				t.Errorf("rendered %d bytes, error %v; want ErrPersonalData", len(out), err)
			}
		})
	}
}
