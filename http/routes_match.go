package http

import (
	"net/http"
	"strconv"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// hitBody is one bank entry a lookup matched.
type hitBody struct {
	Bank       string      `json:"bank"`
	Kind       match.Kind  `json:"kind"`
	Entry      uint32      `json:"entry"`
	SignalType signal.Type `json:"signal_type"`
	Signal     string      `json:"signal"`
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

func hitBodies(hits []match.Hit) []hitBody {
	out := make([]hitBody, 0, len(hits))
	for _, h := range hits {
		out = append(out, hitBody{Bank: h.Bank, Kind: h.Kind, Entry: h.Entry, SignalType: h.Signal.Type, Signal: h.Signal.Value,
			SupplierID: h.SupplierID, Category: h.Category, Distance: h.Distance})
	}
	return out
}

// matchSignal looks one signal up in the enabled banks.
func (s *Server) matchSignal(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	sig, err := signal.Parse(v.Get("signal_type"), v.Get("signal"))
	if err != nil {
		s.writeError(w, r, vigil.FieldErrorf(vigil.EINVALID, "signal", "%v", err))
		return
	}
	opt := match.MatchOptions{Banks: splitList(v.Get("banks"))}
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
	writeJSON(w, http.StatusOK, matchBody{Matches: hitBodies(res.Hits), Allowed: hitBodies(res.Allowed), Suppressed: len(res.Suppressed)})
}

// checkError gives the errors of Matcher.Check their application codes: a named bank that does
// not exist, or a bad threshold or disabled bank.
func checkError(err error) error {
	if e := storeError(err); vigil.ErrorCode(e) != vigil.EINTERNAL {
		return e
	}
	return vigil.Errorf(vigil.EINVALID, "%v", err)
}
