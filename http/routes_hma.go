package http

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/urlfetch"
)

// hmaRoutes declares the endpoints compatible with Meta's Hasher-Matcher-Actioner (HMA 1.1):
// the same paths, parameters and JSON shapes, so HMA clients work unchanged, behind Vigil's
// authentication. Where Vigil differs from HMA:
//
//   - Bank names: HMA names are UPPER_CASE (^[A-Z_][A-Z0-9_]*$), Vigil's lower-case. A Vigil bank
//     shows as its name upper-cased with '-' and '.' turned into '_' ("ncmec-2026.q1" is
//     NCMEC_2026_Q1); an HMA name given to Vigil is lower-cased ("MY_BANK" is my_bank), and,
//     when no bank has that name, found by its HMA form. A name starting with '_' cannot be
//     created, since Vigil names start with a letter or digit.
//   - matching_enabled_ratio is 1 (enabled) or 0 (disabled): Vigil does not sample matches.
//   - Lookups match with each bank's own PDQ threshold and quality gate, apply allow banks, and
//     leave out disabled entries; /m/raw_lookup reports every indexed hit of enabled banks.
//   - Banks cannot be renamed: their name is their id in cases and the audit log.
//   - One HMA "content" with several signals becomes one Vigil entry per signal; its id is the
//     id of the first entry (the PDQ one when there is one).
//   - GET /c/bank/{name}/content/{id}?include_signals=true shows the signals to admins only, as
//     /v1/banks/{name}/entries does, so that copying a bank's hashes out stays an admin's act.
//   - Uploads are read into memory, up to 64 MB, never into temporary files.
func (s *Server) hmaRoutes() {
	if s.Fetcher == nil {
		s.Fetcher = urlfetch.New(urlfetch.Fetcher{MaxBytes: maxHMAUpload})
	}
	lookupQuery := []Param{
		{Name: "signal_type", Description: "signal type, with signal"}, {Name: "signal", Description: "the hash"},
		{Name: "url", Description: "instead of a signal: content to fetch and hash"},
		{Name: "content_type", Description: "photo or video, for url"}, {Name: "types", Description: "signal types to hash, for url"},
		{Name: "banks", Description: "comma-separated HMA bank names"},
	}
	for _, r := range []Route{
		{Method: "GET", Pattern: "/h/hash", Scope: vigil.ScopeMatch, Summary: "HMA: hash the content at url",
			Query:    []Param{{Name: "url", Required: true}, {Name: "content_type"}, {Name: "types"}},
			Response: map[string]string{"pdq": exampleHit.Signal}, Handler: s.hmaHash},
		{Method: "POST", Pattern: "/h/hash", Scope: vigil.ScopeMatch, Summary: "HMA: hash an uploaded file (field named photo or video)",
			Response: map[string]string{"pdq": exampleHit.Signal}, Handler: s.hmaHashUpload},
		{Method: "GET", Pattern: "/m/lookup", Scope: vigil.ScopeMatch, Summary: "HMA: look up a signal, or the content at url (rate limited)",
			Query: lookupQuery, Response: hmaBankMatches{"NCMEC": {{BankContentID: 7, Distance: "4"}}},
			Handler: s.MatchLimited(s.hmaLookup)},
		{Method: "POST", Pattern: "/m/lookup", Scope: vigil.ScopeMatch, Summary: "HMA: hash an uploaded file and look it up (rate limited)",
			Query:    []Param{{Name: "banks"}, {Name: "bypass_coinflip"}, {Name: "seed"}},
			Response: map[string]hmaBankMatches{"pdq": {"NCMEC": {{BankContentID: 7, Distance: "4"}}}},
			Handler:  s.MatchLimited(s.hmaLookupUpload)},
		{Method: "GET", Pattern: "/m/raw_lookup", Scope: vigil.ScopeMatch, Summary: "HMA: the entry ids a signal matches (rate limited)",
			Query:    []Param{{Name: "signal_type", Required: true}, {Name: "signal", Required: true}, {Name: "banks"}, {Name: "include_distance"}},
			Response: hmaRawMatches{Matches: []any{7}}, Handler: s.MatchLimited(s.hmaRawLookup)},
		{Method: "POST", Pattern: "/m/compare", Scope: vigil.ScopeMatch, Summary: "HMA: compare pairs of hashes",
			Request: map[string][]string{"pdq": {exampleHit.Signal, exampleHit.Signal}}, Response: map[string][]any{"pdq": {true, map[string]int{"distance": 0}}},
			Handler: s.hmaCompare},
		{Method: "GET", Pattern: "/m/index/status", Scope: vigil.ScopeMatch, Summary: "HMA: what the index holds, per signal type",
			Query: []Param{{Name: "signal_type"}}, Response: map[string]hmaIndexStatus{"pdq": {Present: true, BuiltTo: 1782898200, Size: 1}},
			Handler: s.hmaIndexStatus},
		{Method: "GET", Pattern: "/c/banks", Scope: vigil.ScopeBanksRead, Summary: "HMA: list banks",
			Response: []hmaBank{{Name: "NCMEC", MatchingEnabledRatio: 1}}, Handler: s.hmaListBanks},
		{Method: "POST", Pattern: "/c/banks", Scope: vigil.ScopeBanksWrite, Summary: "HMA: create a bank",
			Request: hmaBankCreate{Name: "NCMEC"}, Response: hmaBank{Name: "NCMEC", MatchingEnabledRatio: 1}, Handler: s.hmaCreateBank},
		{Method: "GET", Pattern: "/c/bank/{name}", Scope: vigil.ScopeBanksRead, Summary: "HMA: get a bank",
			Response: hmaBank{Name: "NCMEC", MatchingEnabledRatio: 1}, Handler: s.hmaGetBank},
		{Method: "PUT", Pattern: "/c/bank/{name}", Scope: vigil.ScopeBanksWrite, Summary: "HMA: enable or disable a bank",
			Request: hmaBankUpdate{Enabled: new(false)}, Response: hmaBank{Name: "NCMEC"}, Handler: s.hmaUpdateBank},
		{Method: "DELETE", Pattern: "/c/bank/{name}", Scope: vigil.ScopeBanksWrite, Summary: "HMA: delete a bank and its content",
			Response: hmaMessage{Message: "Done"}, Handler: s.hmaDeleteBank},
		{Method: "POST", Pattern: "/c/bank/{name}/content", Scope: vigil.ScopeBanksWrite,
			Summary: "HMA: add content to a bank by url or uploaded file", Query: []Param{{Name: "url"}, {Name: "content_type"}, {Name: "types"}},
			Response: hmaAdded{ID: 7, Signals: map[string]string{"pdq": exampleHit.Signal}}, Handler: s.hmaAddContent},
		{Method: "POST", Pattern: "/c/bank/{name}/signal", Scope: vigil.ScopeBanksWrite, Summary: "HMA: add content to a bank by its hashes",
			Request:  map[string]string{"pdq": exampleHit.Signal, "note": "from review"},
			Response: hmaAdded{ID: 7, Signals: map[string]string{"pdq": exampleHit.Signal}}, Handler: s.hmaAddSignals},
		{Method: "GET", Pattern: "/c/bank/{name}/content/{id}", Scope: vigil.ScopeBanksRead,
			Summary: "HMA: get banked content (recorded in the audit log; signals are shown to admins only)", Query: []Param{{Name: "include_signals"}},
			Response: hmaContent{ID: 7, DisableUntilTS: 0, Bank: hmaBank{Name: "NCMEC", MatchingEnabledRatio: 1}}, Handler: s.hmaGetContent},
		{Method: "PUT", Pattern: "/c/bank/{name}/content/{id}", Scope: vigil.ScopeBanksWrite,
			Summary:  "HMA: disable banked content until disable_until_ts (Unix seconds; 0: indefinitely, 1: enable)",
			Request:  hmaContentUpdate{DisableUntilTS: json.RawMessage("1782898200")},
			Response: hmaContent{ID: 7, DisableUntilTS: 1782898200, Bank: hmaBank{Name: "NCMEC", MatchingEnabledRatio: 1}},
			Handler:  s.hmaUpdateContent},
		{Method: "DELETE", Pattern: "/c/bank/{name}/content/{id}", Scope: vigil.ScopeBanksWrite, Summary: "HMA: remove banked content",
			Response: map[string]int{"deleted": 1}, Handler: s.hmaDeleteContent},
		{Method: "GET", Pattern: "/status", Access: Public, Summary: "HMA: readiness, I-AM-ALIVE or 503", Handler: s.hmaStatus},
		{Method: "GET", Pattern: "/status/live", Access: Public, Summary: "HMA: liveness, always I-AM-ALIVE", Handler: hmaLive},
	} {
		if r.Scope != "" {
			r.Access = API
		}
		r.Tag = "HMA-compatible"
		s.handle(r)
	}
}

// hmaMessage is HMA's error and success body.
type hmaMessage struct {
	Message string `json:"message"`
}

// hmaError answers with err in HMA's error shape, {"message": ...}, and Vigil's status for it.
// An internal error is logged with its detail and the request id, and shown to the client only as
// "internal error" with that id, as writeError does.
func (s *Server) hmaError(w http.ResponseWriter, r *http.Request, err error) {
	msg := vigil.ErrorMessage(err)
	if vigil.ErrorCode(err) == vigil.EINTERNAL {
		id := requestID(r.Context())
		s.logger().Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", id, "err", err)
		msg = fmt.Sprintf("internal error (request id %s)", id)
	}
	writeJSON(w, statusOf(vigil.ErrorCode(err)), hmaMessage{Message: msg})
}

// hmaName is the HMA form of a Vigil bank name.
func hmaName(vigilName string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, strings.ToUpper(vigilName))
}

// vigilName is the Vigil form of an HMA bank name, for creating a bank.
func vigilName(hma string) (string, error) {
	name := strings.ToLower(hma)
	if err := match.ValidateName(name); err != nil {
		return "", vigil.FieldErrorf(vigil.EINVALID, "name", "%v (Vigil bank names start with a letter or digit)", err)
	}
	return name, nil
}

// hmaFindBank returns the bank an HMA name refers to: the bank whose name is its lower-case
// form, else the only bank whose HMA form it is.
func (s *Server) hmaFindBank(ctx context.Context, name string) (match.Bank, error) {
	if lower := strings.ToLower(name); match.ValidateName(lower) == nil {
		if b, err := s.Banks.Bank(ctx, lower); err == nil {
			return b, nil
		}
	}
	banks, err := s.Banks.Banks(ctx)
	if err != nil {
		return match.Bank{}, err
	}
	var found []match.Bank
	for _, b := range banks {
		if hmaName(b.Name) == name {
			found = append(found, b)
		}
	}
	switch len(found) {
	case 0:
		return match.Bank{}, vigil.Errorf(vigil.ENOTFOUND, "bank '%s' not found", name)
	case 1:
		return found[0], nil
	}
	return match.Bank{}, vigil.Errorf(vigil.ECONFLICT, "banks %s and %s are both %s in HMA form: use /v1/banks", found[0].Name, found[1].Name, name)
}

// hmaBankNames maps a comma-separated list of HMA bank names to Vigil names, dropping names of
// no bank as HMA does. any is false when names were given and none is a bank.
func (s *Server) hmaBankNames(ctx context.Context, list string) (names []string, any bool, err error) {
	given := splitList(list)
	for _, n := range given {
		b, err := s.hmaFindBank(ctx, n)
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		names = append(names, b.Name)
	}
	return names, len(given) == 0 || len(names) > 0, nil
}

// hmaBank is HMA's bank: a name and the share of lookups it takes part in.
type hmaBank struct {
	Name                 string  `json:"name"`
	MatchingEnabledRatio float64 `json:"matching_enabled_ratio"`
}

func newHMABank(b match.Bank) hmaBank {
	ratio := 0.0
	if b.Enabled {
		ratio = 1
	}
	return hmaBank{Name: hmaName(b.Name), MatchingEnabledRatio: ratio}
}

// hmaStatus answers GET /status as HMA does: 200 I-AM-ALIVE once the index is loaded, 503
// INDEX-NOT-LOADED before.
func (s *Server) hmaStatus(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.Matcher == nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, "INDEX-NOT-LOADED")
		return
	}
	if s.Ready != nil {
		if err := s.Ready(r.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "NOT-READY")
			return
		}
	}
	fmt.Fprint(w, "I-AM-ALIVE")
}

// hmaLive answers GET /status/live: the process serves HTTP.
func hmaLive(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, "I-AM-ALIVE")
}
