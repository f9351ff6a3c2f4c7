package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

func service(typ vigil.ServiceType, jurisdiction string) vigil.Service {
	return vigil.Service{Name: "chat", Type: typ, Jurisdiction: jurisdiction, Enabled: true}
}

// TestLegalBasisDates walks the dated table for EU interpersonal services across every boundary
// of requirements IR-15 and PP-12.
func TestLegalBasisDates(t *testing.T) {
	ics := service(vigil.ServiceInterpersonal, "EU")
	tests := []struct {
		date  string
		scan  bool
		basis string
	}{
		{"2021-08-02", false, ""},
		{"2021-08-03", true, interim2021},
		{"2026-04-03", true, interim2021},
		{"2026-04-04", false, ""},
		{"2026-05-15", false, ""},
		{"2026-07-30", false, ""},
		{"2026-07-31", true, interim2026},
		{"2027-01-01", true, interim2026},
		{"2028-04-03", true, interim2026},
		{"2028-04-04", false, ""},
		{"2030-01-01", false, ""},
	}
	for _, tt := range tests {
		for _, clock := range []string{"T00:00:00Z", "T23:59:59.999Z"} {
			t.Run(tt.date+clock, func(t *testing.T) {
				at, err := time.Parse(time.RFC3339, tt.date+clock)
				if err != nil {
					t.Fatal(err)
				}
				d := Gate{}.Decide(Item{Service: ics, At: at})
				if d.Scan != tt.scan || d.Basis != tt.basis {
					t.Errorf("Decide = %+v, want scan %v basis %q", d, tt.scan, tt.basis)
				}
				if !d.Scan && !strings.Contains(d.Reason, "no legal basis") {
					t.Errorf("reason %q does not say there is no legal basis", d.Reason)
				}
			})
		}
	}
}

// TestGapEveryDay checks each day of the 2026 gap and each day of the first week after the
// successor regulation ends, so an off-by-one in any boundary fails.
func TestGapEveryDay(t *testing.T) {
	ics := service(vigil.ServiceInterpersonal, "DE")
	for _, span := range []struct{ from, to time.Time }{
		{day(2026, time.April, 4), day(2026, time.July, 30)},
		{day(2028, time.April, 4), day(2028, time.April, 11)},
	} {
		for d := span.from; !d.After(span.to); d = d.AddDate(0, 0, 1) {
			if got := (Gate{}).Decide(Item{Service: ics, At: d.Add(12 * time.Hour)}); got.Scan {
				t.Errorf("%s: scanning allowed under %q, want refused", d.Format(time.DateOnly), got.Basis)
			}
		}
	}
}

func TestDecide(t *testing.T) {
	gap := day(2026, time.May, 1)
	inForce := day(2026, time.September, 1)
	disabled := service(vigil.ServiceHosting, "EU")
	disabled.Enabled = false
	tests := []struct {
		name   string
		item   Item
		scan   bool
		reason string
	}{
		{"hosting in the EU during the ICS gap", Item{Service: service(vigil.ServiceHosting, "EU"), At: gap}, true, ""},
		{"search in France", Item{Service: service(vigil.ServiceSearch, "FR"), At: gap}, true, ""},
		{"ICS in Greece by EU code", Item{Service: service(vigil.ServiceInterpersonal, "EL"), At: gap}, false, "no legal basis"},
		{"ICS in the US", Item{Service: service(vigil.ServiceInterpersonal, "US"), At: gap}, true, ""},
		{"ICS in the EU in force", Item{Service: service(vigil.ServiceInterpersonal, "EU"), At: inForce}, true, ""},
		{"e2ee in force", Item{Service: service(vigil.ServiceInterpersonal, "EU"), Flags: []vigil.Flag{vigil.FlagE2EE}, At: inForce}, false, "end-to-end encrypted"},
		{"e2ee on US hosting", Item{Service: service(vigil.ServiceHosting, "US"), Flags: []vigil.Flag{vigil.FlagE2EE}, At: inForce}, false, "end-to-end encrypted"},
		{"audio", Item{Service: service(vigil.ServiceHosting, "EU"), Flags: []vigil.Flag{vigil.FlagAudio}, At: inForce}, false, "audio"},
		{"service switched off", Item{Service: disabled, At: inForce}, false, "switched off"},
		{"unlisted jurisdiction", Item{Service: service(vigil.ServiceHosting, "BR"), At: inForce}, false, "no legal basis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Gate{}.Decide(tt.item)
			if d.Scan != tt.scan {
				t.Fatalf("Decide = %+v, want scan %v", d, tt.scan)
			}
			if d.Scan && d.Basis == "" {
				t.Errorf("allowed without naming a basis")
			}
			if !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", d.Reason, tt.reason)
			}
		})
	}
}

func TestCustomTable(t *testing.T) {
	g := Gate{Table: []vigil.LegalBasis{{Jurisdiction: "BR", Type: vigil.ServiceHosting, From: day(2025, time.January, 1), Instrument: "Lei 15.211/2025"}}}
	tests := []struct {
		name string
		svc  vigil.Service
		at   time.Time
		scan bool
	}{
		{"listed", service(vigil.ServiceHosting, "BR"), day(2026, time.January, 1), true},
		{"before its start", service(vigil.ServiceHosting, "BR"), day(2024, time.December, 31), false},
		{"default rows no longer apply", service(vigil.ServiceHosting, "US"), day(2026, time.January, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := g.Decide(Item{Service: tt.svc, At: tt.at}); got.Scan != tt.scan {
				t.Errorf("Decide = %+v, want scan %v", got, tt.scan)
			}
		})
	}
}
