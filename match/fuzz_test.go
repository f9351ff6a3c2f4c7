package match_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// FuzzMatch matches arbitrary, possibly malformed, queries and options against a fixed set of
// banks and checks the result against the reference.
func FuzzMatch(f *testing.F) {
	m, s, clock := newMatcher(f)
	rng := rand.New(rand.NewPCG(10, 10))
	c := fillRandom(f, m, rng, 4, 60)
	f.Add("pdq", c.centres[0].String(), 50, 0, "", uint64(0))
	f.Add("md5", c.exact[0].Value, -1, 20, "bank1", uint64(3))
	f.Add(string(c.exact[1].Type), c.exact[1].Value, 100, 64, "bank2", uint64(7))
	f.Add("pdq", "ZZ", -5, -3, "nope", uint64(1))
	f.Add("PDQ", c.centres[1].String(), 0, 1000, "bank0", uint64(2))
	f.Fuzz(func(t *testing.T, typ, value string, quality, threshold int, bankName string, seed uint64) {
		q := match.Query{Signals: []signal.Signal{{Type: signal.Type(typ), Value: value}}, Quality: quality}
		if seed%2 == 1 {
			r := rand.New(rand.NewPCG(seed, seed))
			for range 8 {
				q.Dihedral = append(q.Dihedral, flip(r, c.centres[r.IntN(len(c.centres))], r.IntN(40)))
			}
		}
		opt := match.MatchOptions{Threshold: threshold}
		if bankName != "" {
			opt.Banks = []string{bankName}
		}
		got := m.Match(q, opt)
		// Match skips the signals that Validate rejects; the reference is given only the others.
		if (match.Query{Signals: q.Signals, Quality: -1}).Validate() != nil {
			q.Signals = nil
		}
		if opt.Threshold < 0 {
			opt.Threshold = 0
		}
		if want := referenceMatch(t, s, q, opt, clock.Now()); !reflect.DeepEqual(got, want) {
			t.Fatalf("query %+v, options %+v:\ngot  %+v\nwant %+v", q, opt, got, want)
		}
	})
}
