// Package transparency computes the provider's yearly transparency figures: the Art. 83(1)
// items of the Child Sexual Abuse Regulation (TR-01..TR-05) and the annual report items of the
// interim regulation 2021/1232 Art. 3(1)(h)(vii) (IR-11), including the false-positive rates
// per signal type and per bank that human review yields (PP-05, SG-01).
//
// The figures are computed from a Source of anonymous records (kinds, outcomes and times, never
// ids, users or content), rendered as JSON, CSV or printable HTML, and every rendering is
// checked for personal data before it is handed out (PP-11, TR-06): the report is published.
package transparency

import "time"

// Report is one year's figures. Every count is of events within [From, To): items received,
// reviews ended, complaints filed or decided, orders received or executed, reports delivered.
type Report struct {
	Year      int       `json:"year"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"` // exclusive: midnight UTC of the next year's 1 January
	Generated time.Time `json:"generated_at"`

	Volume []Volume `json:"volume"` // IR-11 (1): items processed per service and content type
	Cases  Cases    `json:"cases"`  // IR-11 (4)
	// ErrorsBySignal and ErrorsByBank are the false-positive figures per technology (signal
	// type) and per hash list (bank) (TR-01, IR-11 (6)-(7), PP-05, SG-01).
	ErrorsBySignal []ErrorRate `json:"error_rates_by_signal_type"`
	ErrorsByBank   []ErrorRate `json:"error_rates_by_bank"`
	Complaints     Complaints  `json:"complaints"`     // TR-01, IR-11 (5)
	RemovalOrders  Orders      `json:"removal_orders"` // TR-02
	// Removals counts the items removed or disabled by the platform at Vigil's request, by
	// trigger (TR-03); every trigger is listed, with 0 when none.
	Removals []Count `json:"removals_by_trigger"`
	// Restored counts items restored after an error, the error remedy of TR-01 and IR-05.
	Restored               int64        `json:"restored"`
	BlockingOrders         int64        `json:"blocking_orders"` // TR-04
	DelistingOrders        int64        `json:"delisting_orders"`
	VoluntaryNotifications int64        `json:"voluntary_notifications"` // RO-10
	Invocations            []Invocation `json:"invocations"`             // TR-05
	Reports                Reports      `json:"reports"`
	Retention              Retention    `json:"retention"` // IR-11 (8), TR-07
	// Statements are the provider's own words on IR-11 (2), (3) and (7), from the settings.
	Statements Statements `json:"statements"`
	// SharedWith names the organisations data were shared with: the destinations reports were
	// delivered to (IR-11 (9)).
	SharedWith []string `json:"shared_with"`
}

// Volume is how many items of one service and content type were received, and what became of
// them.
type Volume struct {
	Service     string `json:"service"`
	ContentType string `json:"content_type"`
	Received    int64  `json:"received"`
	NoMatch     int64  `json:"no_match"`
	Matched     int64  `json:"matched"`
	NotScanned  int64  `json:"not_scanned"` // the policy gate refused them: no legal basis, E2EE, audio
	Failed      int64  `json:"failed"`      // could not be fetched or decoded
	Pending     int64  `json:"pending"`     // no verdict yet when the report was generated
}

// Cases counts review cases: opened in the year, and reviews that ended in it.
type Cases struct {
	Opened         int64 `json:"opened"`
	Confirmed      int64 `json:"confirmed"`
	FalsePositives int64 `json:"false_positives"`
	// Reversed counts confirmations of the year that an upheld complaint about the detection
	// later overturned: errors found after the review.
	Reversed int64 `json:"reversed_on_complaint"`
}

// ErrorRate is the review outcome of the matches of one signal type or one bank: of the cases
// whose review ended in the year and that matched by it, how many were confirmed and how many
// were false positives. A confirmation reversed on complaint counts as a false positive.
type ErrorRate struct {
	Name           string  `json:"name"` // the signal type (pdq, md5, ...) or the bank
	Reviewed       int64   `json:"reviewed"`
	Confirmed      int64   `json:"confirmed"` // confirmed and not reversed
	FalsePositives int64   `json:"false_positives"`
	Rate           float64 `json:"false_positive_rate"` // FalsePositives / Reviewed
	Precision      float64 `json:"precision"`           // Confirmed / Reviewed
}

// Complaints are the users' complaints of the year (SG-06): filed, decided and how.
type Complaints struct {
	Filed    int64   `json:"filed"`
	ByKind   []Count `json:"filed_by_kind"` // detection, removal, account
	Decided  int64   `json:"decided"`
	Upheld   int64   `json:"upheld"` // the decision complained of was reversed
	Rejected int64   `json:"rejected"`
	// Open counts complaints filed in the year and not decided by its end.
	Open int64 `json:"open_at_year_end"`
	// AverageDecisionSeconds is the mean time from filing to decision of those decided in
	// the year; 0 when none was.
	AverageDecisionSeconds float64 `json:"average_decision_seconds"`
}

// Orders are the removal orders of the year (TR-02).
type Orders struct {
	Received int64 `json:"received"`
	Executed int64 `json:"executed"`
	// AverageExecutionSeconds is the mean time from receipt to execution of the orders
	// executed in the year (Art. 83(1)(b)); 0 when none was.
	AverageExecutionSeconds float64 `json:"average_execution_seconds"`
}

// Invocation counts the notices that an order could not be executed (Annex V for removal and
// delisting orders, Annex VIII for blocking orders) by legal provision and ground (TR-05).
type Invocation struct {
	Article string `json:"article"` // "14(5)", "14(6)", "17(5)", or "delisting"
	Ground  string `json:"ground"`  // force_majeure, technical, manifest_error, insufficient_information
	Count   int64  `json:"count"`
}

// Reports are the reports delivered in the year.
type Reports struct {
	// ByDestination counts deliveries: to the EU Centre (eu_centre) and to NCMEC (ncmec).
	ByDestination []Count `json:"by_destination"`
	// ByType counts reports by what they report (known_csam, new_csam, solicitation): IR-11 (4)'s
	// CSAM versus solicitation, counted once per report in the year of its first delivery.
	ByType []Count `json:"by_type"`
}

// Retention describes how long data are kept (IR-11 (8), TR-07) and how much evidence was
// preserved and deleted in the year.
type Retention struct {
	// Policy is the provider's retention policy from the settings, else RetentionPolicy.
	Policy string `json:"policy"`
	// Jurisdictions lists the retention policies that applied to evidence preserved in the
	// year, e.g. "eu 12 months".
	Jurisdictions     []string `json:"jurisdiction_policies"`
	EvidencePreserved int64    `json:"evidence_preserved"`
	EvidenceDeleted   int64    `json:"evidence_deleted"`
}

// Count is a number of things of one kind.
type Count struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// RetentionPolicy is the published statement of Vigil's retention rules.
const RetentionPolicy = "Items that match no hash list are not kept: only daily counts remain. " +
	"The bytes of matched items are kept encrypted while a person reviews them and are deleted when the review ends. " +
	"Evidence of confirmed material is kept encrypted (AES-256-GCM, a key per object), tagged with its purposes, " +
	"and deleted at the deadline of its jurisdiction's policy (in the EU 12 months from identification), " +
	"later only under a legal hold that names an authority's or court's reference; deletion leaves a tombstone in the audit log."
