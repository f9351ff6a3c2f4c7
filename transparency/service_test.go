package transparency

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// TestServiceRefusesPersonalData checks that a rendering holding one of the store's personal
// identifiers is refused (PP-11), in every format, and not audited as handed out.
func TestServiceRefusesPersonalData(t *testing.T) {
	src := &fakeSource{
		content:  []ContentCount{{"uploader-ref-991", "photo", "no_match", 1}},
		personal: []string{"uploader-ref-991"},
	}
	s := &Service{Store: src, Clock: fakeclock.New(now)}
	ctx := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, Role: vigil.RoleAuditor})
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			if _, err := s.Render(ctx, 2026, f); !errors.Is(err, ErrPersonalData) {
				t.Errorf("Render = %v, want ErrPersonalData", err)
			}
		})
	}
	if len(src.recorded) != 0 {
		t.Errorf("refused reports were recorded: %v", src.recorded)
	}
}

func TestServiceAccess(t *testing.T) {
	for _, tc := range []struct {
		name  string
		actor vigil.Actor
		ok    bool
	}{
		{"auditor", vigil.Actor{Kind: vigil.ActorUser, Role: vigil.RoleAuditor, Scopes: vigil.ScopesOf(vigil.RoleAuditor)}, true},
		{"legal", vigil.Actor{Kind: vigil.ActorUser, Role: vigil.RoleLegal, Scopes: vigil.ScopesOf(vigil.RoleLegal)}, true},
		{"admin", vigil.Actor{Kind: vigil.ActorUser, Role: vigil.RoleAdmin, Scopes: vigil.ScopesOf(vigil.RoleAdmin)}, true},
		{"reviewer", vigil.Actor{Kind: vigil.ActorUser, Role: vigil.RoleReviewer, Scopes: vigil.ScopesOf(vigil.RoleReviewer)}, false},
		{"submit key", vigil.Actor{Kind: vigil.ActorKey, Scopes: []vigil.Scope{vigil.ScopeSubmit}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &fakeSource{}
			s := &Service{Store: src, Clock: fakeclock.New(now)}
			_, err := s.Report(vigil.WithActor(context.Background(), tc.actor), 2026)
			if (err == nil) != tc.ok {
				t.Fatalf("Report = %v, want allowed %v", err, tc.ok)
			}
			if tc.ok && (len(src.recorded) != 1 || src.recorded[0] != "page") {
				t.Errorf("recorded %v, want one page view", src.recorded)
			}
			if !tc.ok && vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("code %s, want forbidden", vigil.ErrorCode(err))
			}
		})
	}
}

// TestServiceAuditFailure checks that a report whose audit event cannot be written is not
// handed out.
func TestServiceAuditFailure(t *testing.T) {
	src := &fakeSource{recordedErr: errors.New("audit log full")}
	s := &Service{Store: src, Clock: fakeclock.New(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))}
	if out, err := s.Render(context.Background(), 2026, CSV); err == nil || out != nil {
		t.Errorf("Render = %d bytes, %v; want an error and nothing", len(out), err)
	}
}

// TestServiceIgnoresReportWording checks that an identifier that is one of the report's own
// words (an uploader called "removal") does not refuse the report, while a real one still does.
func TestServiceIgnoresReportWording(t *testing.T) {
	for _, tc := range []struct {
		name     string
		personal []string
		refused  bool
	}{
		{"a word of the report", []string{"removal", "known", "Transparency"}, false},
		{"an uploader reference", []string{"removal", "photos-uploader-17"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &fakeSource{
				content:  []ContentCount{{"photos-uploader-17", "photo", "no_match", 1}},
				personal: tc.personal,
			}
			s := &Service{Store: src, Clock: fakeclock.New(now)}
			for _, f := range Formats {
				_, err := s.Render(context.Background(), 2026, f)
				if errors.Is(err, ErrPersonalData) != tc.refused {
					t.Errorf("%s: %v, want refused %v", f, err, tc.refused)
				}
			}
		})
	}
}
