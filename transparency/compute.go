package transparency

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
)

// Fixed breakdowns: every report lists each of these, with 0 when none, so that two years'
// reports line up row by row.
var (
	// Triggers are TR-03's triggers of a removal, in the regulation's order.
	Triggers = []string{string(vigil.TriggerRemovalOrder), string(vigil.TriggerAuthority),
		string(vigil.TriggerEUCentre), string(vigil.TriggerThirdParty), string(vigil.TriggerOwnInitiative)}
	// ComplaintKinds are what a complaint may be about (SG-06).
	ComplaintKinds = []string{"detection", "removal", "account"}
	// Destinations are where reports go.
	Destinations = []string{"eu_centre", "ncmec"}
	// ReportTypes are what a report may be about (RP-06).
	ReportTypes = []string{string(vigil.ReportKnown), string(vigil.ReportNew), string(vigil.ReportSolicitation)}
)

// organisations names the organisation behind each destination, for IR-11 (9).
var organisations = map[string]string{
	"eu_centre": "EU Centre on Child Sexual Abuse",
	"ncmec":     "National Center for Missing & Exploited Children (NCMEC)",
}

// MinYear is the first year a report can be asked for: the interim regulation's first year.
const MinYear = 2021

// YearPeriod returns the calendar year in UTC.
func YearPeriod(year int) Period {
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	return Period{From: from, To: from.AddDate(1, 0, 0)}
}

// ParseYear reads a year such as "2026", refusing anything else and years before MinYear or
// after the current one (now's), whose report would be empty.
func ParseYear(s string, now time.Time) (int, error) {
	if len(s) != 4 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, vigil.FieldErrorf(vigil.EINVALID, "year", "must be a year of four digits, such as %d", now.Year())
	}
	year, _ := strconv.Atoi(s)
	return year, CheckYear(year, now)
}

// CheckYear refuses years before MinYear or after now's.
func CheckYear(year int, now time.Time) error {
	if year < MinYear || year > now.UTC().Year() {
		return vigil.FieldErrorf(vigil.EINVALID, "year", "must be from %d to %d", MinYear, now.UTC().Year())
	}
	return nil
}

// Compute returns the figures of year from src, generated at now.
func Compute(ctx context.Context, src Source, year int, now time.Time) (Report, error) {
	if err := CheckYear(year, now); err != nil {
		return Report{}, err
	}
	p := YearPeriod(year)
	r := Report{Year: year, From: p.From, To: p.To, Generated: now.UTC()}
	steps := []struct {
		name string
		fill func(context.Context, Source, Period, *Report) error
	}{
		{"content", fillVolume}, {"cases", fillCases}, {"complaints", fillComplaints},
		{"orders", fillOrders}, {"pauses", fillInvocations}, {"actions", fillRemovals},
		{"reports", fillReports}, {"evidence", fillRetention}, {"settings", fillSettings},
	}
	for _, s := range steps {
		if err := s.fill(ctx, src, p, &r); err != nil {
			return Report{}, fmt.Errorf("transparency report %d: %s: %w", year, s.name, err)
		}
	}
	return r, nil
}

// fillVolume sums the content counts per service and content type.
func fillVolume(ctx context.Context, src Source, p Period, r *Report) error {
	counts, err := src.Content(ctx, p)
	if err != nil {
		return err
	}
	r.Volume = []Volume{}
	for _, c := range counts {
		i := slices.IndexFunc(r.Volume, func(v Volume) bool { return v.Service == c.Service && v.ContentType == c.ContentType })
		if i < 0 {
			r.Volume = append(r.Volume, Volume{Service: c.Service, ContentType: c.ContentType})
			i = len(r.Volume) - 1
		}
		v := &r.Volume[i]
		v.Received += c.Items
		switch vigil.VerdictStatus(c.Status) {
		case vigil.VerdictNoMatch:
			v.NoMatch += c.Items
		case vigil.VerdictMatch:
			v.Matched += c.Items
		case vigil.VerdictNotScanned:
			v.NotScanned += c.Items
		case vigil.VerdictError:
			v.Failed += c.Items
		default:
			v.Pending += c.Items
		}
	}
	slices.SortFunc(r.Volume, func(a, b Volume) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.ContentType, b.ContentType))
	})
	return nil
}

// fillCases counts the cases opened and the reviews ended, and the error rates per signal
// type and bank.
func fillCases(ctx context.Context, src Source, p Period, r *Report) error {
	opened, err := src.CasesOpened(ctx, p)
	if err != nil {
		return err
	}
	reviews, err := src.Reviews(ctx, p)
	if err != nil {
		return err
	}
	r.Cases.Opened = opened
	bySignal, byBank := map[string]*ErrorRate{}, map[string]*ErrorRate{}
	for _, rv := range reviews {
		if !p.Contains(rv.Ended) {
			continue
		}
		switch {
		case rv.Confirmed && rv.Reversed:
			r.Cases.Confirmed++
			r.Cases.Reversed++
		case rv.Confirmed:
			r.Cases.Confirmed++
		default:
			r.Cases.FalsePositives++
		}
		tally(bySignal, rv.SignalTypes, rv)
		tally(byBank, rv.Banks, rv)
	}
	r.ErrorsBySignal, r.ErrorsByBank = rates(bySignal), rates(byBank)
	return nil
}

// tally adds rv to the error rate of each distinct name.
func tally(m map[string]*ErrorRate, names []string, rv Review) {
	names = slices.Compact(slices.Sorted(slices.Values(names)))
	for _, n := range names {
		e := m[n]
		if e == nil {
			e = &ErrorRate{Name: n}
			m[n] = e
		}
		e.Reviewed++
		if rv.Confirmed && !rv.Reversed {
			e.Confirmed++
		} else {
			e.FalsePositives++
		}
	}
}

// rates returns m's error rates sorted by name, with their ratios.
func rates(m map[string]*ErrorRate) []ErrorRate {
	out := make([]ErrorRate, 0, len(m))
	for _, e := range m {
		e.Rate = float64(e.FalsePositives) / float64(e.Reviewed)
		e.Precision = float64(e.Confirmed) / float64(e.Reviewed)
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b ErrorRate) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// fillComplaints counts complaints filed and decided, and the mean time to decide.
func fillComplaints(ctx context.Context, src Source, p Period, r *Report) error {
	complaints, err := src.Complaints(ctx, p)
	if err != nil {
		return err
	}
	c := &r.Complaints
	kinds := newCounts(ComplaintKinds)
	var total time.Duration
	for _, x := range complaints {
		if p.Contains(x.Filed) {
			c.Filed++
			kinds.add(x.Kind, 1)
			if x.Decided.IsZero() || !x.Decided.Before(p.To) {
				c.Open++
			}
		}
		if !p.Contains(x.Decided) {
			continue
		}
		c.Decided++
		total += x.Decided.Sub(x.Filed)
		switch x.Outcome {
		case "upheld":
			c.Upheld++
		case "rejected":
			c.Rejected++
		}
	}
	c.ByKind = kinds.list()
	c.AverageDecisionSeconds = average(total, c.Decided)
	return nil
}

// fillOrders counts the orders of each kind received, and the removal orders executed with
// the mean time to execute.
func fillOrders(ctx context.Context, src Source, p Period, r *Report) error {
	orders, err := src.Orders(ctx, p)
	if err != nil {
		return err
	}
	var total time.Duration
	for _, o := range orders {
		received := p.Contains(o.Received)
		switch o.Kind {
		case "removal":
			if received {
				r.RemovalOrders.Received++
			}
			if p.Contains(o.Executed) {
				r.RemovalOrders.Executed++
				total += o.Executed.Sub(o.Received) - o.Held
			}
		case "blocking":
			r.BlockingOrders += boolCount(received)
		case "delisting":
			r.DelistingOrders += boolCount(received)
		case "voluntary":
			r.VoluntaryNotifications += boolCount(received)
		}
	}
	r.RemovalOrders.AverageExecutionSeconds = average(total, r.RemovalOrders.Executed)
	return nil
}

// article returns the provision under which an order of kind could not be executed on ground
// (TR-05): Art. 14(5) for force majeure and technical impossibility, 14(6) for manifest errors
// and insufficient information in a removal order, 17(5) for a blocking order.
func article(kind, ground string) string {
	switch kind {
	case "removal":
		if ground == "force_majeure" || ground == "technical" {
			return "14(5)"
		}
		return "14(6)"
	case "blocking":
		return "17(5)"
	}
	return kind
}

// fillInvocations counts the Annex V and VIII notices by provision and ground.
func fillInvocations(ctx context.Context, src Source, p Period, r *Report) error {
	pauses, err := src.Pauses(ctx, p)
	if err != nil {
		return err
	}
	r.Invocations = []Invocation{}
	for _, x := range pauses {
		if !p.Contains(x.Paused) {
			continue
		}
		a := article(x.Kind, x.Ground)
		i := slices.IndexFunc(r.Invocations, func(v Invocation) bool { return v.Article == a && v.Ground == x.Ground })
		if i < 0 {
			r.Invocations = append(r.Invocations, Invocation{Article: a, Ground: x.Ground})
			i = len(r.Invocations) - 1
		}
		r.Invocations[i].Count++
	}
	slices.SortFunc(r.Invocations, func(a, b Invocation) int {
		return cmp.Or(cmp.Compare(a.Article, b.Article), cmp.Compare(a.Ground, b.Ground))
	})
	return nil
}

// fillRemovals counts the removals and disablings done, by trigger, and the restorations.
func fillRemovals(ctx context.Context, src Source, p Period, r *Report) error {
	actions, err := src.Actions(ctx, p)
	if err != nil {
		return err
	}
	triggers := newCounts(Triggers)
	for _, a := range actions {
		if !p.Contains(a.Done) {
			continue
		}
		switch vigil.ActionKind(a.Kind) {
		case vigil.ActionRemove, vigil.ActionDisable:
			triggers.add(a.Trigger, 1)
		case vigil.ActionRestore:
			r.Restored++
		}
	}
	r.Removals = triggers.list()
	return nil
}

// fillReports counts deliveries per destination, and reports per type in the year of their
// first delivery; the destinations delivered to are the organisations data were shared with.
func fillReports(ctx context.Context, src Source, p Period, r *Report) error {
	reports, err := src.Reports(ctx, p)
	if err != nil {
		return err
	}
	dests, types := newCounts(Destinations), newCounts(ReportTypes)
	for _, rep := range reports {
		var first time.Time
		for _, d := range rep.Deliveries {
			if p.Contains(d.Done) {
				dests.add(d.Destination, 1)
			}
			if first.IsZero() || d.Done.Before(first) {
				first = d.Done
			}
		}
		if p.Contains(first) {
			types.add(rep.Type, 1)
		}
	}
	r.Reports = Reports{ByDestination: dests.list(), ByType: types.list()}
	r.SharedWith = []string{}
	for _, d := range r.Reports.ByDestination {
		if name, ok := organisations[d.Name]; ok && d.Count > 0 {
			r.SharedWith = append(r.SharedWith, name)
		}
	}
	return nil
}

// fillRetention counts the evidence preserved and deleted and lists the policies in use.
func fillRetention(ctx context.Context, src Source, p Period, r *Report) error {
	evidence, err := src.Evidence(ctx, p)
	if err != nil {
		return err
	}
	r.Retention = Retention{Policy: RetentionPolicy, Jurisdictions: []string{}}
	for _, e := range evidence {
		if p.Contains(e.Preserved) {
			r.Retention.EvidencePreserved++
			if !slices.Contains(r.Retention.Jurisdictions, e.Policy) {
				r.Retention.Jurisdictions = append(r.Retention.Jurisdictions, e.Policy)
			}
		}
		if p.Contains(e.Deleted) {
			r.Retention.EvidenceDeleted++
		}
	}
	slices.Sort(r.Retention.Jurisdictions)
	return nil
}

// counts tallies names, keeping a fixed list first and in order; names outside it (a kind
// this version does not know) follow, sorted.
type counts struct {
	rows  []Count
	fixed int // rows[:fixed] are the fixed list
}

func newCounts(names []string) *counts {
	c := &counts{rows: make([]Count, len(names)), fixed: len(names)}
	for i, n := range names {
		c.rows[i].Name = n
	}
	return c
}

func (c *counts) add(name string, n int64) {
	if i := slices.IndexFunc(c.rows, func(r Count) bool { return r.Name == name }); i >= 0 {
		c.rows[i].Count += n
		return
	}
	c.rows = append(c.rows, Count{Name: name, Count: n})
}

func (c *counts) list() []Count {
	slices.SortFunc(c.rows[c.fixed:], func(a, b Count) int { return cmp.Compare(a.Name, b.Name) })
	return c.rows
}

// average returns total/n in seconds, and 0 for n == 0.
func average(total time.Duration, n int64) float64 {
	if n == 0 {
		return 0
	}
	return total.Seconds() / float64(n)
}

func boolCount(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
