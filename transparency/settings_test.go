package transparency

import (
	"context"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// settingsSource is a fakeSource that keeps transparency settings.
type settingsSource struct {
	fakeSource
	settings Settings
}

func (s *settingsSource) TransparencySettings(context.Context) (Settings, error) {
	return s.settings, nil
}

func (s *settingsSource) SaveTransparencySettings(_ context.Context, st Settings) (Settings, error) {
	st = st.Trimmed()
	if err := st.Validate(); err != nil {
		return Settings{}, err
	}
	s.settings = st
	return st, nil
}

// TestSettingsValidate checks the refusals of Validate: each names its field.
func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name  string
		in    Settings
		field string // "" when accepted
	}{
		{"empty", Settings{}, ""},
		{"articles and years", Settings{Statements: Statements{GDPRGround: "Art. 6(1)(e) GDPR; Regulation (EU) 2021/1232 of 14 July 2021."}}, ""},
		{"email", Settings{Statements: Statements{GDPRGround: "write to dpo@provider.example"}}, "gdpr_ground"},
		{"IPv6", Settings{Statements: Statements{TransferGround: "from 2001:db8::7"}}, "transfer_ground"},
		{"phone", Settings{Statements: Statements{ErrorMeasures: "hotline +33 1 23 45 67 89"}}, "error_limiting_measures"},
		{"too long", Settings{RetentionPolicy: strings.Repeat("a", MaxStatement+1)}, "retention_policy"},
		{"not UTF-8", Settings{Statements: Statements{GDPRGround: "\xc3"}}, "gdpr_ground"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if e, ok := err.(*vigil.Error); !ok || e.Field != tt.field || e.Code != vigil.EINVALID {
				t.Errorf("error %v, want an invalid %s", err, tt.field)
			}
		})
	}
}

// TestComputeTakesSettings: a source with settings gives the report the provider's statements
// and retention policy; without a written policy Vigil's own stays; a source without settings
// leaves the statements empty.
func TestComputeTakesSettings(t *testing.T) {
	st := Statements{GDPRGround: "Art. 6(1)(e)", TransferGround: "Art. 46(2)(c)", ErrorMeasures: "human review"}
	tests := []struct {
		name       string
		src        Source
		statements Statements
		policy     string
	}{
		{"no settings kept", &fakeSource{}, Statements{}, RetentionPolicy},
		{"statements only", &settingsSource{settings: Settings{Statements: st}}, st, RetentionPolicy},
		{"provider's policy", &settingsSource{settings: Settings{Statements: st, RetentionPolicy: "12 months."}}, st, "12 months."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Compute(context.Background(), tt.src, 2026, now)
			if err != nil {
				t.Fatal(err)
			}
			if r.Statements != tt.statements || r.Retention.Policy != tt.policy {
				t.Errorf("statements %+v, policy %q; want %+v, %q", r.Statements, r.Retention.Policy, tt.statements, tt.policy)
			}
		})
	}
}

// TestStatementsRendered: the statements appear in every format, and the HTML says so when one
// is missing.
func TestStatementsRendered(t *testing.T) {
	src := &settingsSource{settings: Settings{Statements: Statements{GDPRGround: "Art. 6(1)(e) & national law",
		ErrorMeasures: "Two reviewers for new material"}}}
	r, err := Compute(context.Background(), src, 2026, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Format][]string{
		JSON: {`"gdpr_ground": "Art. 6(1)(e) \u0026 national law"`, `"transfer_ground": ""`, `"error_limiting_measures": "Two reviewers`},
		CSV:  {"statements,,gdpr_ground,Art. 6(1)(e) & national law", "statements,,transfer_ground,\n", "statements,,error_limiting_measures,Two reviewers"},
		HTML: {"Art. 6(1)(e) &amp; national law", "<td>Not stated.</td>", "Two reviewers for new material"},
	}
	for f, parts := range want {
		t.Run(string(f), func(t *testing.T) {
			out, err := Render(r, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range parts {
				if !strings.Contains(string(out), p) {
					t.Errorf("%s rendering lacks %q", f, p)
				}
			}
		})
	}
}

// TestServiceSettings checks the service's settings access: readers read them, a store
// without settings answers unavailable, and saving goes through the store's validation.
func TestServiceSettings(t *testing.T) {
	auditor := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, Role: vigil.RoleAuditor,
		Scopes: vigil.ScopesOf(vigil.RoleAuditor)})
	nobody := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey})
	with := &Service{Store: &settingsSource{}, Clock: fakeclock.New(now)}
	without := &Service{Store: &fakeSource{}, Clock: fakeclock.New(now)}
	if _, err := with.SaveSettings(auditor, Settings{RetentionPolicy: "  Kept a year.  "}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"read", func() error {
			st, err := with.Settings(auditor)
			if err == nil && st.RetentionPolicy != "Kept a year." {
				t.Errorf("policy %q, want it trimmed", st.RetentionPolicy)
			}
			return err
		}, ""},
		{"read without the permission", func() error { _, err := with.Settings(nobody); return err }, vigil.EFORBIDDEN},
		{"read from a store without settings", func() error { _, err := without.Settings(auditor); return err }, vigil.EUNAVAILABLE},
		{"save to a store without settings", func() error { _, err := without.SaveSettings(auditor, Settings{}); return err }, vigil.EUNAVAILABLE},
		{"save personal data", func() error {
			_, err := with.SaveSettings(auditor, Settings{Statements: Statements{GDPRGround: "ip 203.0.113.5"}})
			return err
		}, vigil.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := vigil.ErrorCode(tt.call()); code != tt.code {
				t.Errorf("code %q, want %q", code, tt.code)
			}
		})
	}
}

// FuzzSettingsValidate checks that Validate never panics and that a report carrying text it
// accepts, in every format, passes the personal-data check: escaping for JSON or HTML must not
// make an address out of accepted text.
func FuzzSettingsValidate(f *testing.F) {
	for _, s := range []string{"", "Art. 6(1)(e) GDPR", "dpo@provider.example", "10.0.0.1", "+49 30 123456", "\xff", "::1",
		"a<@b.cd", "x&amp;y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		st := Settings{Statements: Statements{GDPRGround: text, TransferGround: text, ErrorMeasures: text}, RetentionPolicy: text}
		if st.Validate() != nil {
			return
		}
		r, err := Compute(context.Background(), &settingsSource{settings: st}, 2026, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range Formats {
			out, err := Render(r, format)
			if err != nil {
				t.Fatal(err)
			}
			if err := Check(out, nil); err != nil {
				t.Errorf("accepted %q, but its %s report is refused: %v", text, format, err)
			}
		}
	})
}
