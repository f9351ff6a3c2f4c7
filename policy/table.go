package policy

import (
	"time"

	"github.com/vigilproject/vigil"
)

// day returns midnight UTC of the given date: legal-basis periods start and end at day
// boundaries.
func day(year int, month time.Month, d int) time.Time {
	return time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
}

// The instruments the default table cites.
const (
	interim2021 = "Regulation (EU) 2021/1232, extended by Regulation (EU) 2024/1307"
	interim2026 = "Regulation (EU) 2026/1881"
	// Hosting and search services are not electronic communications services, so the ePrivacy
	// Directive, and with it the need for a derogation, does not apply to them.
	euHosting = "Regulation (EU) 2022/2065 (Digital Services Act) Art. 7, voluntary own-initiative investigations"
	usBasis   = "18 U.S.C. 2258A (voluntary detection; 2258A(f) imposes no duty to monitor)"
)

// DefaultTable is the legal-basis table of requirements.md §0.2 item 3 and IR-15. For EU
// interpersonal communications services, Regulation 2021/1232 applied from 3 Aug 2021 up to and
// including 3 Apr 2026; nothing applied from 4 Apr to 30 Jul 2026; Regulation 2026/1881 applies
// from 31 Jul 2026 up to and including 3 Apr 2028, and nothing after. Until dates are exclusive,
// so each is the day after the last lawful day. Jurisdictions not listed have no basis: an admin
// who configures one must supply a table that covers it.
var DefaultTable = []vigil.LegalBasis{
	{Jurisdiction: "EU", Type: vigil.ServiceInterpersonal, From: day(2021, time.August, 3), Until: day(2026, time.April, 4), Instrument: interim2021},
	{Jurisdiction: "EU", Type: vigil.ServiceInterpersonal, From: day(2026, time.July, 31), Until: day(2028, time.April, 4), Instrument: interim2026},
	{Jurisdiction: "EU", Type: vigil.ServiceHosting, From: day(2024, time.February, 17), Instrument: euHosting},
	{Jurisdiction: "EU", Type: vigil.ServiceSearch, From: day(2024, time.February, 17), Instrument: euHosting},
	{Jurisdiction: "US", Type: vigil.ServiceHosting, Instrument: usBasis},
	{Jurisdiction: "US", Type: vigil.ServiceInterpersonal, Instrument: usBasis},
	{Jurisdiction: "US", Type: vigil.ServiceSearch, Instrument: usBasis},
}
