// Package ncmec reports to the NCMEC CyberTipline (requirements §10, RP-20): it renders the
// canonical vigil.ReportRecord as the CyberTipline <report> and <fileDetails> XML documents and
// speaks the Reporting API's flow, submit → upload* → fileinfo* → finish, or retract.
//
// The package keeps no state: the caller (the reports outbox) persists each step's result before
// it takes the next, so an interrupted flow can be resumed or retracted. Package ncmecfake is an
// in-process CyberTipline for tests and demos; tests never contact NCMEC.
package ncmec

// Environment is a CyberTipline environment: NCMEC's test service or the production service that
// creates real reports.
type Environment string

// The environments.
const (
	Test       Environment = "test"
	Production Environment = "production"
)

// The Reporting API's base URLs.
const (
	TestURL       = "https://exttest.cybertip.org/ispws"
	ProductionURL = "https://report.cybertip.org/ispws"
)

// ResolveEnvironment maps a configuration value to an environment. Only the exact literal
// "production" selects production; anything else, including "", "Production" or " production",
// selects the test environment, so a typo can never send a real report (NC-01).
func ResolveEnvironment(s string) Environment {
	if s == string(Production) {
		return Production
	}
	return Test
}

// BaseURL returns the environment's Reporting API root, for Client.URL.
func (e Environment) BaseURL() string {
	if e == Production {
		return ProductionURL
	}
	return TestURL
}
