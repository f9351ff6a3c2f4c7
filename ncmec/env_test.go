package ncmec

import "testing"

// NC-01: only the exact literal "production" reaches production; anything else is the test
// environment.
func TestResolveEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Environment
		url  string
	}{
		{"production", Production, ProductionURL},
		{"", Test, TestURL},
		{"test", Test, TestURL},
		{"Production", Test, TestURL},
		{"PRODUCTION", Test, TestURL},
		{" production", Test, TestURL},
		{"production ", Test, TestURL},
		{"prod", Test, TestURL},
		{"production\n", Test, TestURL},
		{"report.cybertip.org", Test, TestURL},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := ResolveEnvironment(tt.in)
			if got != tt.want {
				t.Errorf("ResolveEnvironment(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got.BaseURL() != tt.url {
				t.Errorf("BaseURL() = %q, want %q", got.BaseURL(), tt.url)
			}
		})
	}
}
