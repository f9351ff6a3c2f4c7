package match_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
)

func TestThresholdsPerBank(t *testing.T) {
	m, _, _ := newMatcher(t)
	createBanks(t, m, bank{name: "strict", threshold: 10}, bank{name: "standard"}, bank{name: "loose", threshold: 40})
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		distance  int
		threshold int // MatchOptions.Threshold
		want      []string
	}{
		{0, 0, []string{"loose", "standard", "strict"}},
		{10, 0, []string{"loose", "standard", "strict"}},
		{11, 0, []string{"loose", "standard"}},
		{31, 0, []string{"loose", "standard"}},
		{32, 0, []string{"loose"}},
		{40, 0, []string{"loose"}},
		{41, 0, nil},
		{5, 4, nil},
		{5, 5, []string{"loose", "standard", "strict"}},
		{50, 50, []string{"loose", "standard", "strict"}},
		{64, 100, []string{"loose", "standard", "strict"}},
		{65, 100, nil},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			base := randomHash(rng)
			entry := flip(rng, base, tt.distance)
			for _, b := range []string{"strict", "standard", "loose"} {
				add(t, m, b, pdqEntry(entry, b))
			}
			res := m.Match(query(base), match.MatchOptions{Threshold: tt.threshold})
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Bank)
				if h.Distance != tt.distance || h.Signal != pdqSignal(entry) || h.SupplierID != h.Bank || h.Category != "cat-"+h.Bank {
					t.Errorf("hit %+v, want distance %d, signal %s and the entry's supplier fields", h, tt.distance, entry)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("distance %d, threshold option %d: banks %v, want %v", tt.distance, tt.threshold, got, tt.want)
			}
		})
	}
}

func TestQualityGate(t *testing.T) {
	m, _, _ := newMatcher(t)
	createBanks(t, m, bank{name: "gate50"}, bank{name: "gate80", minQuality: 80})
	rng := rand.New(rand.NewPCG(2, 2))
	h := randomHash(rng)
	md5 := signal.Signal{Type: signal.MD5, Value: hexOf(7, 32)}
	for _, b := range []string{"gate50", "gate80"} {
		add(t, m, b, pdqEntry(h, b), match.Entry{Signal: md5})
	}
	tests := []struct {
		quality int
		want    []hitSummary
	}{
		{-1, []hitSummary{{"gate50", 0}, {"gate50", 0}, {"gate80", 0}, {"gate80", 0}}},
		{0, []hitSummary{{"gate50", 0}, {"gate80", 0}}}, // only the MD5 hits
		{49, []hitSummary{{"gate50", 0}, {"gate80", 0}}},
		{50, []hitSummary{{"gate50", 0}, {"gate50", 0}, {"gate80", 0}}},
		{79, []hitSummary{{"gate50", 0}, {"gate50", 0}, {"gate80", 0}}},
		{80, []hitSummary{{"gate50", 0}, {"gate50", 0}, {"gate80", 0}, {"gate80", 0}}},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			q := match.Query{Signals: []signal.Signal{pdqSignal(h), md5}, Quality: tt.quality}
			got := summarize(m.Match(q, match.MatchOptions{}).Hits)
			if !slices.Equal(got, tt.want) {
				t.Errorf("quality %d: hits %v, want %v", tt.quality, got, tt.want)
			}
		})
	}
}

func TestAllowSuppresses(t *testing.T) {
	m, _, _ := newMatcher(t)
	createBanks(t, m, bank{name: "known"}, bank{name: "other"}, bank{name: "fp", kind: match.Allow, threshold: 8})
	rng := rand.New(rand.NewPCG(3, 3))
	flagged, benign := randomHash(rng), randomHash(rng)
	add(t, m, "known", pdqEntry(flagged, "k1"), pdqEntry(benign, "k2"))
	add(t, m, "other", pdqEntry(flip(rng, benign, 3), "o1"))
	add(t, m, "fp", pdqEntry(flip(rng, benign, 5), "fp1"))
	tests := []struct {
		name           string
		query          pdq.Hash
		opt            match.MatchOptions
		wantHits       []hitSummary
		wantAllowed    []hitSummary
		wantSuppressed []hitSummary
	}{
		{"known only", flagged, match.MatchOptions{}, []hitSummary{{"known", 0}}, nil, nil},
		{"allowed", benign, match.MatchOptions{}, nil, []hitSummary{{"fp", 5}}, []hitSummary{{"known", 0}, {"other", 3}}},
		{"allow bank applies when not named", benign, match.MatchOptions{Banks: []string{"other"}},
			nil, []hitSummary{{"fp", 5}}, []hitSummary{{"other", 3}}},
		{"threshold option applies to allow banks", flip(rng, benign, 0), match.MatchOptions{Threshold: 4},
			[]hitSummary{{"known", 0}, {"other", 3}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := m.Match(query(tt.query), tt.opt)
			if got := summarize(res.Hits); !slices.Equal(got, tt.wantHits) {
				t.Errorf("Hits %v, want %v", got, tt.wantHits)
			}
			if got := summarize(res.Allowed); !slices.Equal(got, tt.wantAllowed) {
				t.Errorf("Allowed %v, want %v", got, tt.wantAllowed)
			}
			if got := summarize(res.Suppressed); !slices.Equal(got, tt.wantSuppressed) {
				t.Errorf("Suppressed %v, want %v", got, tt.wantSuppressed)
			}
			for _, h := range res.Allowed {
				if h.Kind != match.Allow {
					t.Errorf("allowed hit %+v has kind %q", h, h.Kind)
				}
			}
		})
	}
	fp := bank{name: "fp", kind: match.Allow, threshold: 8, disabled: true}
	if err := m.UpdateBank(context.Background(), fp.settings()); err != nil {
		t.Fatal(err)
	}
	if res := m.Match(query(benign), match.MatchOptions{}); len(res.Allowed) != 0 || len(res.Hits) != 2 {
		t.Errorf("with the allow bank disabled: %+v, want two known hits and no suppression", res)
	}
}

func TestDisabledBank(t *testing.T) {
	ctx := context.Background()
	m, s, _ := newMatcher(t)
	createBanks(t, m, bank{name: "on"}, bank{name: "off", disabled: true})
	rng := rand.New(rand.NewPCG(4, 4))
	h := randomHash(rng)
	add(t, m, "on", pdqEntry(h, "1"))
	add(t, m, "off", pdqEntry(h, "2"), match.Entry{Signal: signal.Signal{Type: signal.SHA1, Value: hexOf(9, 40)}})
	sha1Query := match.Query{Signals: []signal.Signal{{Type: signal.SHA1, Value: hexOf(9, 40)}}, Quality: -1}
	matched := func() []string {
		var banks []string
		for _, q := range []match.Query{query(h), sha1Query} {
			for _, hit := range m.Match(q, match.MatchOptions{}).Hits {
				banks = append(banks, hit.Bank)
			}
		}
		return banks
	}
	steps := []struct {
		name    string
		enabled bool
		want    []string
		indexed int
	}{
		{"disabled", false, []string{"on"}, 1},
		{"enabled", true, []string{"off", "on", "off"}, 3},
		{"disabled again", false, []string{"on"}, 1},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			settings := bank{name: "off", disabled: !step.enabled}.settings()
			if err := m.UpdateBank(ctx, settings); err != nil {
				t.Fatal(err)
			}
			if got := matched(); !slices.Equal(got, step.want) {
				t.Errorf("matched banks %v, want %v", got, step.want)
			}
			if m.Len() != step.indexed {
				t.Errorf("%d entries indexed, want %d (those of enabled banks)", m.Len(), step.indexed)
			}
			fresh, err := match.NewMatcher(ctx, s, nil)
			if err != nil {
				t.Fatal(err)
			}
			live, loaded := m.Match(query(h), match.MatchOptions{}), fresh.Match(query(h), match.MatchOptions{})
			if !slices.Equal(summarize(live.Hits), summarize(loaded.Hits)) {
				t.Errorf("a Matcher loaded from the store finds %v, the live one %v", summarize(loaded.Hits), summarize(live.Hits))
			}
		})
	}
}

func TestDisabledUntil(t *testing.T) {
	m, _, clock := newMatcher(t)
	createBanks(t, m, bank{name: "b"})
	rng := rand.New(rand.NewPCG(5, 5))
	h := randomHash(rng)
	md5 := signal.Signal{Type: signal.MD5, Value: hexOf(5, 32)}
	until := epoch.Add(24 * time.Hour)
	add(t, m, "b", match.Entry{Signal: pdqSignal(h), DisabledUntil: until}, match.Entry{Signal: md5, DisabledUntil: until})
	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"before", epoch, 0},
		{"a millisecond before", until.Add(-time.Millisecond), 0},
		{"at", until, 2},
		{"after", until.Add(time.Hour), 2},
		{"clock set back", epoch, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Set(tt.now)
			q := match.Query{Signals: []signal.Signal{pdqSignal(h), md5}, Quality: -1}
			if got := len(m.Match(q, match.MatchOptions{}).Hits); got != tt.want {
				t.Errorf("%d hits, want %d", got, tt.want)
			}
		})
	}
}

func TestExactTypes(t *testing.T) {
	m, _, _ := newMatcher(t)
	createBanks(t, m, bank{name: "a"}, bank{name: "b", threshold: 1})
	values := map[signal.Type]string{signal.MD5: hexOf(1, 32), signal.SHA1: hexOf(1, 40), signal.SHA256: hexOf(1, 64)}
	var entries []match.Entry
	for typ, v := range values {
		entries = append(entries, match.Entry{Signal: signal.Signal{Type: typ, Value: v}, SupplierID: string(typ)})
	}
	a := add(t, m, "a", entries...)
	add(t, m, "b", match.Entry{Signal: signal.Signal{Type: signal.SHA256, Value: values[signal.SHA256]}})
	tests := []struct {
		name  string
		sig   signal.Signal
		banks []string
	}{
		{"md5", signal.Signal{Type: signal.MD5, Value: values[signal.MD5]}, []string{"a"}},
		{"sha1", signal.Signal{Type: signal.SHA1, Value: values[signal.SHA1]}, []string{"a"}},
		{"sha256 in two banks", signal.Signal{Type: signal.SHA256, Value: values[signal.SHA256]}, []string{"a", "b"}},
		{"other md5", signal.Signal{Type: signal.MD5, Value: hexOf(2, 32)}, nil},
		{"one digit off", signal.Signal{Type: signal.SHA256, Value: hexOf(3, 64)}, nil},
		{"sha256 value as pdq", signal.Signal{Type: signal.PDQ, Value: values[signal.SHA256]}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := m.Match(match.Query{Signals: []signal.Signal{tt.sig}, Quality: -1}, match.MatchOptions{})
			var banks []string
			for _, h := range res.Hits {
				banks = append(banks, h.Bank)
				if h.Signal != tt.sig || h.Distance != 0 {
					t.Errorf("hit %+v, want signal %v at distance 0", h, tt.sig)
				}
				if h.Bank == "a" && !slices.ContainsFunc(a, func(e match.Entry) bool { return e.ID == h.Entry && e.SupplierID == h.SupplierID }) {
					t.Errorf("hit %+v does not name an entry of bank a", h)
				}
			}
			if !slices.Equal(banks, tt.banks) {
				t.Errorf("banks %v, want %v", banks, tt.banks)
			}
		})
	}
}

func TestDihedral(t *testing.T) {
	m, _, _ := newMatcher(t)
	createBanks(t, m, bank{name: "b"})
	rng := rand.New(rand.NewPCG(6, 6))
	var variants []pdq.Hash
	for range 8 {
		variants = append(variants, randomHash(rng))
	}
	rotated := add(t, m, "b", pdqEntry(flip(rng, variants[5], 7), "rotated"))[0]
	mirrored := add(t, m, "b", pdqEntry(flip(rng, variants[2], 30), "mirrored"))[0]
	add(t, m, "b", pdqEntry(flip(rng, variants[3], 32), "too far"))
	tests := []struct {
		name string
		q    match.Query
		want []uint32
	}{
		{"hash only", query(variants[0]), nil},
		{"dihedral", match.Query{Quality: -1, Dihedral: variants}, []uint32{rotated.ID, mirrored.ID}},
		{"hash and dihedral", match.Query{Signals: []signal.Signal{pdqSignal(variants[0])}, Quality: -1, Dihedral: variants},
			[]uint32{rotated.ID, mirrored.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []uint32
			for _, h := range m.Match(tt.q, match.MatchOptions{}).Hits {
				got = append(got, h.Entry)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("entries %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSingleEntryBank guards against HMA bug #1318, where a bank of one hash never matched.
func TestSingleEntryBank(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	h := randomHash(rng)
	md5 := signal.Signal{Type: signal.MD5, Value: hexOf(11, 32)}
	tests := []struct {
		name  string
		entry match.Entry
		q     match.Query
	}{
		{"pdq exact", pdqEntry(h, ""), query(h)},
		{"pdq at threshold", pdqEntry(h, ""), query(flip(rng, h, match.DefaultThreshold))},
		{"md5", match.Entry{Signal: md5}, match.Query{Signals: []signal.Signal{md5}, Quality: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, s, _ := newMatcher(t)
			createBanks(t, m, bank{name: "one"})
			add(t, m, "one", tt.entry)
			if got := len(m.Match(tt.q, match.MatchOptions{}).Hits); got != 1 {
				t.Errorf("live Matcher: %d hits, want 1", got)
			}
			loaded, err := match.NewMatcher(context.Background(), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(loaded.Match(tt.q, match.MatchOptions{}).Hits); got != 1 {
				t.Errorf("Matcher loaded from the store: %d hits, want 1", got)
			}
		})
	}
}

func TestIncrementalChanges(t *testing.T) {
	ctx := context.Background()
	m, s, _ := newMatcher(t)
	rng := rand.New(rand.NewPCG(8, 8))
	h1, h2 := randomHash(rng), randomHash(rng)
	md5 := signal.Signal{Type: signal.MD5, Value: hexOf(12, 32)}
	hits := func(h pdq.Hash) int { return len(m.Match(query(h), match.MatchOptions{}).Hits) }
	md5Hits := func() int {
		return len(m.Match(match.Query{Signals: []signal.Signal{md5}, Quality: -1}, match.MatchOptions{}).Hits)
	}
	createBanks(t, m, bank{name: "b"})
	e := add(t, m, "b", pdqEntry(h1, "1"), match.Entry{Signal: md5})
	if hits(h1) != 1 || md5Hits() != 1 || m.Len() != 2 {
		t.Fatalf("after adding: %d PDQ hits, %d MD5 hits, %d indexed; want 1, 1, 2", hits(h1), md5Hits(), m.Len())
	}
	if n, err := m.AddEntries(ctx, "b", []match.Entry{pdqEntry(h1, "again"), {Signal: md5}}); err != nil || n != 0 {
		t.Fatalf("re-adding: %d, %v; want 0 added", n, err)
	}
	if hits(h1) != 1 || md5Hits() != 1 {
		t.Errorf("re-adding duplicated hits: %d, %d", hits(h1), md5Hits())
	}
	add(t, m, "b", pdqEntry(h2, "2"))
	if err := m.RemoveEntries(ctx, "b", []uint32{e[0].ID, e[1].ID}); err != nil {
		t.Fatal(err)
	}
	if hits(h1) != 0 || md5Hits() != 0 || hits(h2) != 1 {
		t.Errorf("after removing: hits %d, %d, %d; want 0, 0, 1", hits(h1), md5Hits(), hits(h2))
	}
	if err := m.RemoveEntries(ctx, "b", []uint32{e[0].ID}); !errors.Is(err, match.ErrNotFound) {
		t.Errorf("removing twice: error %v, want not found", err)
	}
	if err := m.DeleteBank(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if hits(h2) != 0 || m.Len() != 0 || len(m.Banks()) != 0 {
		t.Errorf("after deleting the bank: %d hits, %d indexed, banks %v", hits(h2), m.Len(), m.Banks())
	}

	// A bank another writer created is adopted on first use.
	if err := s.CreateBank(ctx, match.NewBank("elsewhere", match.Known)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEntries(ctx, "elsewhere", []match.Entry{pdqEntry(h1, "x")}); err != nil {
		t.Fatal(err)
	}
	add(t, m, "elsewhere", pdqEntry(h2, "y"))
	if hits(h1) != 1 || hits(h2) != 1 {
		t.Errorf("adopted bank: hits %d, %d; want 1, 1", hits(h1), hits(h2))
	}
}

func TestCheck(t *testing.T) {
	m, _, _ := newMatcher(t)
	createBanks(t, m, bank{name: "on"}, bank{name: "off", disabled: true})
	tests := []struct {
		opt     match.MatchOptions
		wantErr string
	}{
		{match.MatchOptions{}, ""},
		{match.MatchOptions{Banks: []string{"on"}, Threshold: 64}, ""},
		{match.MatchOptions{Threshold: -1}, "threshold -1 out of range 0..64"},
		{match.MatchOptions{Threshold: 65}, "threshold 65 out of range 0..64"},
		{match.MatchOptions{Banks: []string{"on", "nope"}}, "bank nope: not found"},
		{match.MatchOptions{Banks: []string{"off"}}, "bank off is disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.wantErr, func(t *testing.T) {
			err := m.Check(tt.opt)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Check(%+v) = %v, want %q", tt.opt, err, tt.wantErr)
			}
		})
	}
}

func TestQueryValidate(t *testing.T) {
	tests := []struct {
		name    string
		q       match.Query
		wantErr string
	}{
		{"empty", match.Query{Quality: -1}, ""},
		{"valid", match.Query{Signals: []signal.Signal{{Type: signal.MD5, Value: hexOf(1, 32)}}, Quality: 100}, ""},
		{"unknown type", match.Query{Signals: []signal.Signal{{Type: "tmk", Value: "00"}}}, `query signal 1: `},
		{"bad pdq", match.Query{Signals: []signal.Signal{{Type: signal.MD5, Value: hexOf(1, 32)}, {Type: signal.PDQ, Value: "zz"}}}, "query signal 2: pdq:"},
		{"uppercase", match.Query{Signals: []signal.Signal{{Type: signal.MD5, Value: "D41D8CD98F00B204E9800998ECF8427E"}}}, "not canonical"},
		{"quality too low", match.Query{Quality: -2}, "quality -2 out of range -1..100"},
		{"quality too high", match.Query{Quality: 101}, "quality 101 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Validate()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// failingScan is a store whose entries cannot be read.
type failingScan struct{ *testStore }

func (failingScan) ScanEntries(context.Context, string, func(match.Entry) error) error {
	return errors.New("disk I/O error")
}

func TestNewMatcherReportsStoreErrors(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateBank(ctx, match.NewBank("a", match.Known)); err != nil {
		t.Fatal(err)
	}
	_, err := match.NewMatcher(ctx, failingScan{s}, nil)
	if err == nil || !strings.Contains(err.Error(), "load bank a:") || !strings.Contains(err.Error(), "disk I/O error") {
		t.Errorf("NewMatcher error = %v, want one naming the bank and the failure", err)
	}
}
