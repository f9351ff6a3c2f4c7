package sqlite

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// TestAllowBankTakesOnlyPDQ checks what a false positive adds to an allow bank: the content's
// perceptual hash, never its exact hashes, and nothing at all for a case that matched by exact
// hash only.
func TestAllowBankTakesOnlyPDQ(t *testing.T) {
	md5 := signal.Signal{Type: signal.MD5, Value: "0123456789abcdef0123456789abcdef"}
	sha1 := signal.Signal{Type: signal.SHA1, Value: strings.Repeat("ab", 20)}
	sha256 := signal.Signal{Type: signal.SHA256, Value: strings.Repeat("cd", 32)}
	matchedPDQ := signal.Signal{Type: signal.PDQ, Value: strings.Repeat("77", 32)}
	tests := []struct {
		name    string
		signals []signal.Signal // the content's own
		matched []signal.Signal // the bank entries it matched
		want    []signal.Signal
		code    string
	}{
		{"every signal of the content", []signal.Signal{md5, sha1, sha256, testPDQ}, []signal.Signal{md5, testPDQ}, []signal.Signal{testPDQ}, ""},
		{"no signals of its own", nil, []signal.Signal{sha256, matchedPDQ}, []signal.Signal{matchedPDQ}, ""},
		{"exact hashes only", []signal.Signal{md5, sha256}, []signal.Signal{md5}, nil, vigil.EINVALID},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTest(t)
			allow := &allowRecorder{}
			cs := NewCaseStore(db, allow)
			c := vigil.Case{ContentID: "cnt_" + string(rune('a'+i)), Service: "photos", Signals: tt.signals}
			for j, sig := range tt.matched {
				c.Matches = append(c.Matches, vigil.Match{Bank: "ncmec", Entry: uint32(j + 1), Signal: sig})
			}
			if err := db.Update(context.Background(), func(tx *Tx) error { return tx.OpenCase(&c, nil, "") }); err != nil {
				t.Fatal(err)
			}
			_, err := cs.Decide(senior("usr_alice"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideFalsePositive, AllowBank: "fp"})
			wantCode(t, err, tt.code)
			var got []signal.Signal
			for _, e := range allow.added {
				got = append(got, e.Signal)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("allow bank got %v, want %v", got, tt.want)
			}
			if reread, _ := cs.Case(context.Background(), c.ID); (err == nil) != (reread.Status == vigil.CaseFalsePositive) {
				t.Errorf("case %s after decision error %v", reread.Status, err)
			}
		})
	}
}

// TestAllowBankNeedsBanksWrite checks that a reviewer without banks:write cannot add to an allow
// bank, is told which permission is missing, and that nothing changes.
func TestAllowBankNeedsBanksWrite(t *testing.T) {
	db := openTest(t)
	allow := &allowRecorder{}
	cs := NewCaseStore(db, allow)
	c := openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
	_, err := cs.Decide(reviewer("usr_alice"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideFalsePositive, AllowBank: "fp"})
	wantCode(t, err, vigil.EFORBIDDEN)
	if !strings.Contains(err.Error(), string(vigil.ScopeBanksWrite)) {
		t.Errorf("error %q does not name the %s permission", err, vigil.ScopeBanksWrite)
	}
	if got, _ := cs.Case(context.Background(), c.ID); got.Status != vigil.CaseOpen || len(allow.added) != 0 {
		t.Errorf("refused decision: case %s, allow bank got %v", got.Status, allow.added)
	}
	if _, err := cs.Decide(reviewer("usr_alice"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideFalsePositive}); err != nil {
		t.Errorf("false positive without an allow bank: %v", err)
	}
}

// racingAllow adds through an AllowBanks, then lets race change the case as another reviewer
// deciding at the same moment would.
type racingAllow struct {
	AllowBanks
	race func()
}

func (a racingAllow) Add(ctx context.Context, bank string, entries []match.Entry) error {
	if err := a.AllowBanks.Add(ctx, bank, entries); err != nil {
		return err
	}
	a.race()
	return nil
}

// TestAllowBankUndoneWhenDecisionFails checks that the entries a false positive added to an
// allow bank are removed again when its decision then fails, so they suppress nothing, while an
// entry the bank already held stays.
func TestAllowBankUndoneWhenDecisionFails(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	m, err := match.NewMatcher(ctx, NewBankStore(db), db.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []match.Bank{match.NewBank("ncmec", match.Known), match.NewBank("fp", match.Allow)} {
		if err := m.CreateBank(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	held := signal.Signal{Type: signal.PDQ, Value: strings.Repeat("66", 32)}
	if _, err := m.AddEntries(ctx, "fp", []match.Entry{{Signal: held}}); err != nil {
		t.Fatal(err)
	}
	c := vigil.Case{ContentID: "cnt_1", Service: "photos", Signals: []signal.Signal{testPDQ, held},
		Matches: []vigil.Match{{Bank: "ncmec", Entry: 1, Signal: held}}}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.OpenCase(&c, nil, "") }); err != nil {
		t.Fatal(err)
	}
	other := NewCaseStore(db, nil)
	cs := NewCaseStore(db, racingAllow{AllowBankAdder(m), func() {
		if _, err := other.Decide(senior("usr_bob"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"}); err != nil {
			t.Error(err)
		}
	}})
	_, err = cs.Decide(senior("usr_alice"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideFalsePositive, AllowBank: "fp"})
	wantCode(t, err, vigil.ECONFLICT)
	allowed := func(sig signal.Signal) bool {
		return len(m.Match(match.Query{Signals: []signal.Signal{sig}, Quality: -1}, match.MatchOptions{}).Allowed) > 0
	}
	if allowed(testPDQ) {
		t.Error("the failed decision's allow entry still suppresses matches")
	}
	if !allowed(held) {
		t.Error("the entry the allow bank held before was removed")
	}
	entries, err := NewBankStore(db).Entries(ctx, "fp")
	if err != nil || len(entries) != 1 || entries[0].Signal != held {
		t.Errorf("allow bank holds %+v, %v; want only the entry it held before", entries, err)
	}
}
