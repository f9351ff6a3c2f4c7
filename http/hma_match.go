package http

import (
	"net/http"
	"strconv"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// hmaMatch is one entry an HMA lookup matched. Distance is a string, as in HMA: the Hamming
// distance for PDQ, "-" for exact types.
type hmaMatch struct {
	BankContentID uint32 `json:"bank_content_id"`
	Distance      string `json:"distance"`
}

// hmaBankMatches are the matches of one signal by HMA bank name.
type hmaBankMatches map[string][]hmaMatch

// hmaRawMatches answers /m/raw_lookup: entry ids, or hmaMatch values with include_distance.
type hmaRawMatches struct {
	Matches []any `json:"matches"`
}

// hmaIndexStatus describes the index of one signal type.
type hmaIndexStatus struct {
	Present bool  `json:"present"`
	BuiltTo int64 `json:"built_to"` // Unix seconds of the newest entry, -1 when none
	Size    int   `json:"size"`
}

func newHMAMatch(h match.Hit) hmaMatch {
	d := "-"
	if h.Signal.Type == signal.PDQ {
		d = strconv.Itoa(h.Distance)
	}
	return hmaMatch{BankContentID: h.Entry, Distance: d}
}

// lookupHMA matches sig (of PDQ quality q, -1 unknown) in banks (all when empty) and groups the
// known-bank hits by HMA bank name.
func (s *Server) lookupHMA(sig signal.Signal, quality int, banks []string) hmaBankMatches {
	res := s.Matcher.Match(match.Query{Signals: []signal.Signal{sig}, Quality: quality}, match.MatchOptions{Banks: banks})
	out := hmaBankMatches{}
	for _, h := range res.Hits {
		name := hmaName(h.Bank)
		out[name] = append(out[name], newHMAMatch(h))
	}
	return out
}

// hmaLookup answers GET /m/lookup: with signal_type and signal, the matches by bank; with url,
// the matches by signal type, then bank, of the content there.
func (s *Server) hmaLookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	banks, anyBank, err := s.hmaBankNames(r.Context(), q.Get("banks"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	if u := q.Get("url"); u != "" {
		sigs, err := s.hashURL(r, u)
		if err != nil {
			s.hmaError(w, r, err)
			return
		}
		byType := s.lookupAll(sigs, banks, anyBank)
		if st := q.Get("signal_type"); st != "" {
			writeJSON(w, http.StatusOK, byType[st])
			return
		}
		writeJSON(w, http.StatusOK, byType)
		return
	}
	if q.Get("signal") == "" || q.Get("signal_type") == "" {
		s.hmaError(w, r, vigil.Errorf(vigil.EINVALID, "Either url or both signal and signal_type are required"))
		return
	}
	sig, err := hmaSignal(q.Get("signal_type"), q.Get("signal"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	if !anyBank {
		writeJSON(w, http.StatusOK, hmaBankMatches{})
		return
	}
	writeJSON(w, http.StatusOK, s.lookupHMA(sig, -1, banks))
}

// lookupAll matches every non-empty signal of sigs.
func (s *Server) lookupAll(sigs hmaSignals, banks []string, anyBank bool) map[string]hmaBankMatches {
	out := map[string]hmaBankMatches{}
	for name, value := range sigs.byName {
		out[name] = hmaBankMatches{}
		sig, err := signal.Parse(name, value)
		if err != nil || !anyBank {
			continue // an empty PDQ: the picture was too plain to hash reliably
		}
		quality := -1
		if sig.Type == signal.PDQ {
			quality = sigs.quality
		}
		out[name] = s.lookupHMA(sig, quality, banks)
	}
	return out
}

// hmaLookupUpload answers POST /m/lookup: the matches of an uploaded file by signal type, then
// bank. bypass_coinflip and seed are accepted and have no effect: Vigil does not sample.
func (s *Server) hmaLookupUpload(w http.ResponseWriter, r *http.Request) {
	banks, anyBank, err := s.hmaBankNames(r.Context(), r.URL.Query().Get("banks"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	sigs, err := hashUpload(w, r)
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.lookupAll(sigs, banks, anyBank))
}

// hmaRawLookup answers GET /m/raw_lookup: every entry of the enabled banks the signal is near,
// allow banks included, as ids or, with include_distance=true, as hmaMatch values.
func (s *Server) hmaRawLookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sig, err := hmaSignal(q.Get("signal_type"), q.Get("signal"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	withDistance, err := hmaBool(q.Get("include_distance"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	banks, anyBank, err := s.hmaBankNames(r.Context(), q.Get("banks"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	out := hmaRawMatches{Matches: []any{}}
	if anyBank {
		res := s.Matcher.Match(match.Query{Signals: []signal.Signal{sig}, Quality: -1}, match.MatchOptions{Banks: banks})
		for _, list := range [][]match.Hit{res.Hits, res.Suppressed, res.Allowed} {
			for _, h := range list {
				if withDistance {
					out.Matches = append(out.Matches, newHMAMatch(h))
				} else {
					out.Matches = append(out.Matches, h.Entry)
				}
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// hmaBool reads a boolean parameter the way HMA does: true/false or 1/0, empty is false.
func hmaBool(v string) (bool, error) {
	switch v {
	case "", "false", "False", "0":
		return false, nil
	case "true", "True", "1":
		return true, nil
	}
	return false, vigil.Errorf(vigil.EINVALID, "invalid boolean parameter - prefer true/false")
}

// hmaCompare answers POST /m/compare: for each signal type, whether the two hashes match (PDQ:
// distance at most 31) and, for PDQ, their distance.
func (s *Server) hmaCompare(w http.ResponseWriter, r *http.Request) {
	var req map[string][]string
	if err := decodeJSON(r, &req); err != nil {
		s.hmaError(w, r, vigil.Errorf(vigil.EINVALID, "Request input was not a dict of hash pairs: %v", err))
		return
	}
	out := map[string][]any{}
	for typeName, pair := range req {
		if len(pair) != 2 {
			s.hmaError(w, r, vigil.Errorf(vigil.EINVALID, "Comparison hash list length must be exactly 2"))
			return
		}
		st, err := signal.Lookup(typeName)
		if err != nil {
			s.hmaError(w, r, vigil.Errorf(vigil.EINVALID, "No such SignalType '%s'", typeName))
			return
		}
		d, err := compareValues(st, pair[0], pair[1])
		if err != nil {
			s.hmaError(w, r, vigil.Errorf(vigil.EINVALID, "Invalid %s hash: %v", typeName, err))
			return
		}
		if st.Exact() {
			out[typeName] = []any{d == 0, map[string]int{}}
		} else {
			out[typeName] = []any{d <= match.DefaultThreshold, map[string]int{"distance": d}}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// compareValues parses two values of type st and returns their distance.
func compareValues(st signal.SignalType, a, b string) (int, error) {
	left, err := st.Parse(a)
	if err != nil {
		return 0, err
	}
	right, err := st.Parse(b)
	if err != nil {
		return 0, err
	}
	return st.Distance(left, right)
}

// hmaIndexStatus answers GET /m/index/status: per signal type, whether the index is loaded,
// the creation time of its newest entry and its size. The index follows bank changes at once,
// so it is never behind the database.
func (s *Server) hmaIndexStatus(w http.ResponseWriter, r *http.Request) {
	stats, err := s.Banks.SignalStats(r.Context())
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	status := func(t signal.Type) hmaIndexStatus {
		st := stats[t]
		out := hmaIndexStatus{Present: s.Matcher != nil, BuiltTo: -1, Size: st.Count}
		if !st.Newest.IsZero() {
			out.BuiltTo = st.Newest.Unix()
		}
		return out
	}
	out := map[string]hmaIndexStatus{}
	if name := r.URL.Query().Get("signal_type"); name != "" {
		st, err := signal.Lookup(name)
		if err != nil {
			s.hmaError(w, r, vigil.Errorf(vigil.EINVALID, "No such signal type '%s'", name))
			return
		}
		out[name] = status(st.Name())
	} else {
		for _, st := range signal.All() {
			out[string(st.Name())] = status(st.Name())
		}
	}
	writeJSON(w, http.StatusOK, out)
}
