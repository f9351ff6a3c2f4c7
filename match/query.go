package match

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/vigilproject/vigil/hamming"
	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
)

// Query is what Match looks up: the signals of one piece of content.
type Query struct {
	Signals []signal.Signal // canonical, as signal.Parse returns them
	// Quality is the PDQ quality of the content, 0..100, or -1 when unknown. A PDQ of lower
	// quality than a bank's MinQuality does not match that bank; unknown quality passes.
	Quality int
	// Dihedral optionally holds the 8 dihedral PDQ hashes of the content (rotations and
	// mirror images), matched in the same search as the PDQ signals.
	Dihedral []pdq.Hash
}

// Validate reports the first part of q that Match cannot use: a signal of an unknown type or with
// a malformed value, or a quality out of range. Match itself skips such signals.
func (q Query) Validate() error {
	for i, sig := range q.Signals {
		if err := checkSignal(sig); err != nil {
			return fmt.Errorf("query signal %d: %w", i+1, err)
		}
	}
	if q.Quality < -1 || q.Quality > MaxQuality {
		return fmt.Errorf("query quality %d out of range -1..%d", q.Quality, MaxQuality)
	}
	return nil
}

// MatchOptions narrow a Match.
type MatchOptions struct {
	// Banks names the banks to match; empty means every enabled bank. Enabled allow banks
	// apply whether named or not, because they record content that must not be reported.
	Banks []string
	// Threshold, when above 0, is the PDQ threshold for every bank instead of each bank's own.
	// Values above MaxThreshold count as MaxThreshold.
	Threshold int
	// LowerOnly lets Threshold only narrow the search: each bank matches within the smaller of
	// Threshold and its own threshold. Callers who may not widen a bank's threshold beyond what
	// its owner chose, such as API clients without the admin scope, set it.
	LowerOnly bool
}

// Hit is one bank entry that a query matched.
type Hit struct {
	Bank       string
	Kind       Kind
	Entry      uint32        // the entry's id
	Signal     signal.Signal // the entry's signal, as stored
	SupplierID string
	Category   string
	Distance   int // Hamming distance for PDQ, 0 for exact types
}

// Result is the outcome of a Match. Each list is sorted by bank name, then distance, then entry.
type Result struct {
	Hits       []Hit // known-bank hits; empty when an allow bank matched
	Allowed    []Hit // allow-bank hits
	Suppressed []Hit // the known-bank hits that the allow-bank hits suppressed
}

// Check reports whether opt can be used with Match: every named bank exists and is enabled,
// and Threshold is in range. Match itself matches nothing in a bank it does not know.
func (m *Matcher) Check(opt MatchOptions) error {
	if opt.Threshold < 0 || opt.Threshold > MaxThreshold {
		return fmt.Errorf("threshold %d out of range 0..%d", opt.Threshold, MaxThreshold)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, name := range opt.Banks {
		st, ok := m.banks[name]
		if !ok {
			return fmt.Errorf("bank %s: %w", truncate(name), ErrNotFound)
		}
		if !st.bank.Enabled {
			return fmt.Errorf("bank %s is disabled", name)
		}
	}
	return nil
}

// Match returns the entries of the selected banks that q matches: exact-type signals by value,
// PDQ signals and dihedral hashes within each bank's threshold when they pass its quality gate,
// leaving out entries disabled until after the clock's now. When an allow bank matches, the
// known-bank hits move to Suppressed.
func (m *Matcher) Match(q Query, opt MatchOptions) Result {
	f := filter{banks: opt.Banks, override: min(opt.Threshold, MaxThreshold), lowerOnly: opt.LowerOnly, quality: q.Quality,
		now: m.clock().UnixMilli()}
	var res Result
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, sig := range q.Signals {
		if sig.Type == signal.PDQ {
			continue
		}
		for link := m.exact[sig]; link != 0; link = m.refs[link-1].next {
			if ref := &m.refs[link-1]; f.accepts(ref, 0) {
				res.add(newHit(ref, 0))
			}
		}
	}
	m.matchPDQ(q, &f, &res)
	res.finish()
	return res
}

// matchPDQ adds the PDQ hits of q to res, searching all its hashes at once with the largest
// threshold of the banks searched and then applying each bank's own. m.mu is read-locked.
func (m *Matcher) matchPDQ(q Query, f *filter, res *Result) {
	radius := -1
	for _, st := range m.banks {
		radius = max(radius, f.pdqThreshold(&st.bank))
	}
	if radius < 0 {
		return
	}
	sc := m.scratch.Get().(*scratch)
	defer m.scratch.Put(sc)
	sc.codes = sc.codes[:0]
	for _, sig := range q.Signals {
		if sig.Type != signal.PDQ {
			continue
		}
		if h, ok := canonicalPDQ(sig.Value); ok {
			sc.codes = append(sc.codes, hamming.Code(h))
		}
	}
	for _, h := range q.Dihedral {
		sc.codes = append(sc.codes, hamming.Code(h))
	}
	if len(sc.codes) == 0 {
		return
	}
	sc.matches = sc.searcher.Search(sc.matches[:0], radius, sc.codes...)
	for _, hm := range sc.matches {
		if ref, ok := m.ref(hm.ID); ok && f.accepts(ref, hm.Distance) {
			res.add(newHit(ref, hm.Distance))
		}
	}
}

// canonicalPDQ parses value when it is a PDQ hash in canonical form: 64 lowercase hex digits.
func canonicalPDQ(value string) (pdq.Hash, bool) {
	for i := 0; i < len(value); i++ {
		if c := value[i]; 'A' <= c && c <= 'F' {
			return pdq.Hash{}, false
		}
	}
	h, err := pdq.Parse(value)
	return h, err == nil
}

// filter is what decides, for one Match, which entries count.
type filter struct {
	banks     []string // selected banks; empty: all
	override  int      // PDQ threshold for every bank when above 0
	lowerOnly bool     // override only lowers a bank's threshold
	quality   int      // PDQ quality of the query, -1 unknown
	now       int64    // Unix milliseconds
}

// selects reports whether bank b is matched at all.
func (f *filter) selects(b *Bank) bool {
	return b.Enabled && (b.Kind == Allow || len(f.banks) == 0 || slices.Contains(f.banks, b.Name))
}

// pdqThreshold returns the largest PDQ distance that matches in bank b, or -1 when the query's
// PDQ cannot match b.
func (f *filter) pdqThreshold(b *Bank) int {
	switch {
	case !f.selects(b), f.quality >= 0 && f.quality < b.MinQuality:
		return -1
	case f.override > 0 && f.lowerOnly:
		return min(f.override, b.Threshold)
	case f.override > 0:
		return f.override
	default:
		return b.Threshold
	}
}

// accepts reports whether the entry ref, found at distance, is a hit.
func (f *filter) accepts(ref *entryRef, distance int) bool {
	if ref.disabledUntil > f.now {
		return false
	}
	if ref.signal.Type == signal.PDQ {
		return distance <= f.pdqThreshold(&ref.bank.bank)
	}
	return f.selects(&ref.bank.bank)
}

// newHit reports the entry of reference ref, found at distance.
func newHit(ref *entryRef, distance int) Hit {
	return Hit{
		Bank: ref.bank.bank.Name, Kind: ref.bank.bank.Kind, Entry: ref.id, Signal: ref.stored(),
		SupplierID: ref.supplierID, Category: ref.category, Distance: distance,
	}
}

// add files h under its bank's kind.
func (r *Result) add(h Hit) {
	if h.Kind == Allow {
		r.Allowed = append(r.Allowed, h)
	} else {
		r.Hits = append(r.Hits, h)
	}
}

// finish sorts the hits and applies the allow banks' suppression.
func (r *Result) finish() {
	byBank := func(a, b Hit) int {
		return cmp.Or(cmp.Compare(a.Bank, b.Bank), cmp.Compare(a.Distance, b.Distance), cmp.Compare(a.Entry, b.Entry))
	}
	slices.SortFunc(r.Hits, byBank)
	slices.SortFunc(r.Allowed, byBank)
	if len(r.Allowed) > 0 {
		r.Suppressed, r.Hits = r.Hits, nil
	}
}
