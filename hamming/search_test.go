package hamming

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// newTestIndex builds an index of the dataset in one batch.
func newTestIndex(t testing.TB, d *dataset) *Index {
	t.Helper()
	ix := New()
	if err := ix.Add(d.ids, d.codes); err != nil {
		t.Fatal(err)
	}
	return ix
}

// queryCodes returns the i-th query of the dataset, with count-1 extra random codes when count > 1.
func queryCodes(d *dataset, rng *rand.Rand, i, count int) []Code {
	codes := []Code{d.queries[i%len(d.queries)]}
	for len(codes) < count {
		codes = append(codes, d.randomCode(rng, queryOffset))
	}
	return codes
}

func TestSearchMatchesLinearSearch(t *testing.T) {
	cases := []struct {
		name      string
		n         int
		clustered bool
		perQuery  int
		radii     []int
	}{
		{"uniform/single", 60_000, false, 1, []int{0, 1, 5, 15, 16, 17, 31, 32, 40, 48, 63, 64, 65, 100, 256}},
		{"uniform/dihedral", 60_000, false, 8, []int{0, 15, 31, 47, 64}},
		{"clustered/single", 60_000, true, 1, []int{0, 10, 20, 31, 40, 64}},
		{"clustered/dihedral", 60_000, true, 8, []int{0, 31, 64}},
		{"small", 3_000, false, 1, []int{0, 31, 64}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := makeDataset(tc.n, tc.clustered, 1)
			ix := newTestIndex(t, d)
			s := ix.Searcher()
			rng := rand.New(rand.NewPCG(2, 3))
			for _, r := range tc.radii {
				for i := range 40 {
					queries := queryCodes(d, rng, i*97, tc.perQuery)
					want := LinearSearch(d.ids, d.codes, r, queries...)
					got := s.Search(nil, r, queries...)
					if !slices.Equal(got, want) {
						t.Fatalf("radius %d query %d: got %d matches, want %d\n%s", r, i, len(got), len(want), diffMatches(got, want))
					}
				}
			}
		})
	}
}

// diffMatches describes the first few differences between two match lists.
func diffMatches(got, want []Match) string {
	out := ""
	gi, wi := 0, 0
	for (gi < len(got) || wi < len(want)) && len(out) < 500 {
		switch {
		case wi == len(want) || gi < len(got) && got[gi].ID < want[wi].ID:
			out += fmt.Sprintf("extra %+v\n", got[gi])
			gi++
		case gi == len(got) || want[wi].ID < got[gi].ID:
			out += fmt.Sprintf("missing %+v\n", want[wi])
			wi++
		default:
			if got[gi] != want[wi] {
				out += fmt.Sprintf("got %+v want %+v\n", got[gi], want[wi])
			}
			gi++
			wi++
		}
	}
	return out
}
