package vigil

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRetentionPolicyValidate checks PR-07 and PP-06: a policy is refused when it breaks the
// EU cap of 12 months (PR-04, IR-12) or the US minimum of one year with counsel's sign-off.
func TestRetentionPolicyValidate(t *testing.T) {
	eu, us := JurisdictionEU, JurisdictionUS
	tests := []struct {
		name  string
		p     RetentionPolicy
		field string // "" when valid
	}{
		{"default", DefaultRetentionPolicy, ""},
		{"eu 6 months", RetentionPolicy{Jurisdictions: []Jurisdiction{eu}, Months: 6}, ""},
		{"eu 13 months", RetentionPolicy{Jurisdictions: []Jurisdiction{eu}, Months: 13}, "months"},
		{"us one year signed off", RetentionPolicy{Jurisdictions: []Jurisdiction{us}, Months: 12, SignedOffBy: "J. Doe"}, ""},
		{"us two years signed off", RetentionPolicy{Jurisdictions: []Jurisdiction{us}, Months: 24, SignedOffBy: "J. Doe"}, ""},
		{"us 11 months", RetentionPolicy{Jurisdictions: []Jurisdiction{us}, Months: 11, SignedOffBy: "J. Doe"}, "months"},
		{"us without sign-off", RetentionPolicy{Jurisdictions: []Jurisdiction{us}, Months: 12}, "signed_off_by"},
		{"eu and us 12 months", RetentionPolicy{Jurisdictions: []Jurisdiction{eu, us}, Months: 12, SignedOffBy: "J. Doe"}, ""},
		{"eu and us 13 months", RetentionPolicy{Jurisdictions: []Jurisdiction{eu, us}, Months: 13, SignedOffBy: "J. Doe"}, "months"},
		{"eu and us 11 months", RetentionPolicy{Jurisdictions: []Jurisdiction{eu, us}, Months: 11, SignedOffBy: "J. Doe"}, "months"},
		{"no jurisdiction", RetentionPolicy{Months: 12}, "jurisdictions"},
		{"unknown jurisdiction", RetentionPolicy{Jurisdictions: []Jurisdiction{"uk"}, Months: 12}, "jurisdictions"},
		{"no months", RetentionPolicy{Jurisdictions: []Jurisdiction{eu}}, "months"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if e, ok := err.(*Error); !ok || e.Field != tt.field || e.Code != EINVALID {
				t.Fatalf("Validate() = %v, want an invalid %s", err, tt.field)
			}
		})
	}
}

func TestRetentionPolicyDeadline(t *testing.T) {
	identified := time.Date(2026, 2, 28, 13, 5, 0, 0, time.UTC)
	tests := []struct {
		p    RetentionPolicy
		want time.Time
	}{
		{DefaultRetentionPolicy, time.Date(2027, 2, 28, 13, 5, 0, 0, time.UTC)},
		{RetentionPolicy{Jurisdictions: []Jurisdiction{JurisdictionEU}, Months: 3}, time.Date(2026, 5, 28, 13, 5, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.p.String(), func(t *testing.T) {
			if got := tt.p.Deadline(identified); !got.Equal(tt.want) {
				t.Errorf("Deadline = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestParsePurposes checks PR-01 and PR-02: at least one purpose, each from the closed list.
func TestParsePurposes(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []Purpose
		wantErr bool
	}{
		{"none", nil, nil, true},
		{"unknown", []string{"report", "training"}, nil, true},
		{"case differs", []string{"Report"}, nil, true},
		{"sorted without duplicates", []string{"report", "order", "report"}, []Purpose{PurposeOrder, PurposeReport}, false},
		{"every purpose", []string{"order", "report", "user_action", "complaint", "law_enforcement"},
			[]Purpose{PurposeComplaint, PurposeLawEnforcement, PurposeOrder, PurposeReport, PurposeUserAction}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePurposes(tt.in)
			if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
				t.Fatalf("ParsePurposes(%q) = %v, %v", tt.in, got, err)
			}
		})
	}
}

func TestEvidenceKeptFor(t *testing.T) {
	e := Evidence{Status: EvidenceKept, Purposes: []Purpose{PurposeReport}}
	deleted := e
	deleted.Status = EvidenceDeleted
	tests := []struct {
		name string
		e    Evidence
		p    Purpose
		want bool
	}{
		{"kept for it", e, PurposeReport, true},
		{"kept for another", e, PurposeOrder, false},
		{"deleted", deleted, PurposeReport, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.KeptFor(tt.p); got != tt.want {
				t.Errorf("KeptFor(%s) = %v", tt.p, got)
			}
		})
	}
}

// FuzzParsePurposes checks that any list of names is either refused or yields a sorted,
// duplicate-free, non-empty list drawn from the closed list (PR-01, PR-02).
func FuzzParsePurposes(f *testing.F) {
	f.Add("report,order")
	f.Add("")
	f.Add("law_enforcement,,training")
	f.Fuzz(func(t *testing.T, text string) {
		got, err := ParsePurposes(strings.Split(text, ","))
		if err != nil {
			return
		}
		if len(got) == 0 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("ParsePurposes(%q) = %v", text, got)
		}
		for _, p := range got {
			if !slices.Contains(Purposes, p) {
				t.Fatalf("ParsePurposes(%q) let %q through", text, p)
			}
		}
	})
}
