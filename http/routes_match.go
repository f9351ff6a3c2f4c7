package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// hitBody is one bank entry a lookup matched. signal, the entry's hash, is shown to admins only:
// a client that may look hashes up must not learn the bank's own, which for a near PDQ match
// differs from the query.
type hitBody struct {
	Bank       string      `json:"bank"`
	Kind       match.Kind  `json:"kind"`
	Entry      uint32      `json:"entry"`
	SignalType signal.Type `json:"signal_type"`
	Signal     string      `json:"signal,omitempty"`
	SupplierID string      `json:"supplier_id"`
	Category   string      `json:"category"`
	Distance   int         `json:"distance"`
}

var exampleHit = hitBody{Bank: "ncmec", Kind: match.Known, Entry: 7, SignalType: signal.PDQ,
	Signal: "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", SupplierID: "A-1234", Category: "A1", Distance: 4}

// matchBody answers GET /v1/match: the known-bank hits, and the allow-bank hits. When an allow
// bank matched, the signal is a known false positive: matches is empty and suppressed counts
// the known-bank hits it hid.
type matchBody struct {
	Matches    []hitBody `json:"matches"`
	Allowed    []hitBody `json:"allowed"`
	Suppressed int       `json:"suppressed"`
}

// hitBodies converts hits, with the entries' signal values when values is set.
func hitBodies(hits []match.Hit, values bool) []hitBody {
	out := make([]hitBody, 0, len(hits))
	for _, h := range hits {
		b := hitBody{Bank: h.Bank, Kind: h.Kind, Entry: h.Entry, SignalType: h.Signal.Type,
			SupplierID: h.SupplierID, Category: h.Category, Distance: h.Distance}
		if values {
			b.Signal = h.Signal.Value
		}
		out = append(out, b)
	}
	return out
}

// matchSignal looks one signal up in the enabled banks. Admins see the matched entries' values,
// recorded as a read of each bank that matched; others do not, and their threshold can only
// lower a bank's own.
func (s *Server) matchSignal(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	sig, err := signal.Parse(v.Get("signal_type"), v.Get("signal"))
	if err != nil {
		s.writeError(w, r, vigil.FieldErrorf(vigil.EINVALID, "signal", "%v", err))
		return
	}
	admin := vigil.ActorFrom(r.Context()).Can(vigil.ScopeAdmin)
	opt := match.MatchOptions{Banks: splitList(v.Get("banks")), LowerOnly: !admin}
	if t := v.Get("threshold"); t != "" {
		if opt.Threshold, err = strconv.Atoi(t); err != nil {
			s.writeError(w, r, vigil.FieldErrorf(vigil.EINVALID, "threshold", "want an integer, got %q", t))
			return
		}
	}
	if err := s.Matcher.Check(opt); err != nil {
		s.writeError(w, r, checkError(err))
		return
	}
	res := s.Matcher.Match(match.Query{Signals: []signal.Signal{sig}, Quality: -1}, opt)
	if admin {
		if err := s.recordMatchRead(r, res); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, matchBody{Matches: hitBodies(res.Hits, admin), Allowed: hitBodies(res.Allowed, admin),
		Suppressed: len(res.Suppressed)})
}

// maxAuditedIDs bounds the entry ids an audit event of a match lists; it counts them all.
const maxAuditedIDs = 100

// recordMatchRead records, for each bank whose entries res shows, that the actor read those
// entries' values (action bank.read_entries, with the entry ids).
func (s *Server) recordMatchRead(r *http.Request, res match.Result) error {
	byBank := map[string][]uint32{}
	var banks []string
	for _, list := range [][]match.Hit{res.Hits, res.Allowed} {
		for _, h := range list {
			if _, seen := byBank[h.Bank]; !seen {
				banks = append(banks, h.Bank)
			}
			byBank[h.Bank] = append(byBank[h.Bank], h.Entry)
		}
	}
	for _, bank := range banks {
		ids := byBank[bank]
		detail, err := json.Marshal(map[string]any{"match": true, "count": len(ids), "entries": ids[:min(len(ids), maxAuditedIDs)]})
		if err != nil {
			return err
		}
		if err := s.Audit.RecordView(r.Context(), "bank.read_entries", "bank", bank, string(detail)); err != nil {
			return fmt.Errorf("record the read of bank %s: %w", bank, err)
		}
	}
	return nil
}

// checkError gives the errors of Matcher.Check their application codes: a named bank that does
// not exist, or a bad threshold or disabled bank.
func checkError(err error) error {
	if e := storeError(err); vigil.ErrorCode(e) != vigil.EINTERNAL {
		return e
	}
	return vigil.Errorf(vigil.EINVALID, "%v", err)
}
