// Package policy is the gate in front of every hasher: it decides whether an item may be scanned
// at all. Content flagged end-to-end encrypted or audio is never scanned (PP-01, IR-14), a
// service must be configured and switched on, and voluntary detection needs a legal basis in
// force for the service's jurisdiction and type on the day the item arrives (IR-15, PP-12).
package policy

import (
	"fmt"
	"slices"
	"time"

	"github.com/vigilproject/vigil"
)

// Gate decides whether items may be scanned. The zero Gate uses DefaultTable.
type Gate struct {
	// Table lists when voluntary detection is lawful for each jurisdiction and service type. A
	// (jurisdiction, type) pair with no row covering the date has no basis, so scanning stays off:
	// the gate fails closed.
	Table []vigil.LegalBasis
}

// Item is what the gate looks at: where an item was uploaded, how it is flagged, and when it
// arrived.
type Item struct {
	Service vigil.Service
	Flags   []vigil.Flag
	At      time.Time
}

// Decide returns whether it may be scanned, and why not or under which instrument. Reasons are
// short sentences meant for the platform that sent the item.
func (g Gate) Decide(it Item) vigil.GateDecision {
	if slices.Contains(it.Flags, vigil.FlagE2EE) {
		return refuse("end-to-end encrypted content is never scanned")
	}
	if slices.Contains(it.Flags, vigil.FlagAudio) {
		return refuse("audio is never scanned")
	}
	if !it.Service.Enabled {
		return refuse(fmt.Sprintf("scanning is switched off for service %q", it.Service.Name))
	}
	jurisdiction := Region(it.Service.Jurisdiction)
	for _, b := range g.table() {
		if b.Jurisdiction == jurisdiction && b.Type == it.Service.Type && covers(b, it.At) {
			return vigil.GateDecision{Scan: true, Basis: b.Instrument}
		}
	}
	return refuse(fmt.Sprintf("no legal basis for voluntary detection on %s services in %s on %s",
		it.Service.Type, it.Service.Jurisdiction, it.At.UTC().Format(time.DateOnly)))
}

func (g Gate) table() []vigil.LegalBasis {
	if g.Table == nil {
		return DefaultTable
	}
	return g.Table
}

func refuse(reason string) vigil.GateDecision {
	return vigil.GateDecision{Reason: reason}
}

// covers reports whether t falls in b's period: From inclusive, Until exclusive or open-ended.
func covers(b vigil.LegalBasis, t time.Time) bool {
	return !t.Before(b.From) && (b.Until.IsZero() || t.Before(b.Until))
}

// Region maps a jurisdiction to the one the legal-basis table is keyed on: EU member states
// (ISO 3166 alpha-2 codes) to "EU", anything else unchanged.
func Region(jurisdiction string) string {
	if slices.Contains(euMembers, jurisdiction) {
		return "EU"
	}
	return jurisdiction
}

// euMembers are the ISO 3166 alpha-2 codes of the 27 EU member states; Greece is also known by
// its EU code EL.
var euMembers = []string{
	"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU", "IE", "IT",
	"LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}
