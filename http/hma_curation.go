package http

import (
	"encoding/json"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// hmaBankCreate is the body of POST /c/banks.
type hmaBankCreate struct {
	Name         string   `json:"name"`
	EnabledRatio *float64 `json:"enabled_ratio,omitempty"`
	Enabled      *bool    `json:"enabled,omitempty"`
}

// hmaBankUpdate is the body of PUT /c/bank/{name}. A name other than the bank's is refused:
// Vigil banks cannot be renamed.
type hmaBankUpdate struct {
	Name         *string  `json:"name,omitempty"`
	EnabledRatio *float64 `json:"enabled_ratio,omitempty"`
	Enabled      *bool    `json:"enabled,omitempty"`
}

// hmaAdded answers an addition of content: its id and its signals.
type hmaAdded struct {
	ID      uint32            `json:"id"`
	Signals map[string]string `json:"signals"`
}

// hmaContent is banked content as GET /c/bank/{name}/content/{id} shows it.
type hmaContent struct {
	ID               uint32            `json:"id"`
	DisableUntilTS   int64             `json:"disable_until_ts"`
	OriginalMediaURI *string           `json:"original_media_uri"`
	Bank             hmaBank           `json:"bank"`
	Signals          map[string]string `json:"signals,omitempty"`
	Note             string            `json:"note,omitempty"`
}

// enabledFrom reads HMA's enabled_ratio and enabled; Vigil banks are on or off, so the ratio
// must be 0 or 1. It returns def when neither is given.
func enabledFrom(ratio *float64, enabled *bool, def bool) (bool, error) {
	switch {
	case ratio != nil && *ratio != 0 && *ratio != 1:
		return false, vigil.FieldErrorf(vigil.EINVALID, "enabled_ratio", "Vigil banks are enabled or disabled: enabled_ratio must be 0 or 1, got %v", *ratio)
	case ratio != nil:
		return *ratio == 1, nil
	case enabled != nil:
		return *enabled, nil
	}
	return def, nil
}

func (s *Server) hmaListBanks(w http.ResponseWriter, r *http.Request) {
	banks, err := s.Banks.Banks(r.Context())
	if err != nil {
		hmaError(w, err)
		return
	}
	out := make([]hmaBank, 0, len(banks))
	for _, b := range banks {
		out = append(out, newHMABank(b))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) hmaCreateBank(w http.ResponseWriter, r *http.Request) {
	var req hmaBankCreate
	if err := decodeJSON(r, &req); err != nil {
		hmaError(w, err)
		return
	}
	name, err := vigilName(req.Name)
	if err != nil {
		hmaError(w, err)
		return
	}
	b := match.NewBank(name, match.Known)
	if b.Enabled, err = enabledFrom(req.EnabledRatio, req.Enabled, true); err != nil {
		hmaError(w, err)
		return
	}
	b.Created = s.Clock.Now()
	if err := s.Matcher.CreateBank(r.Context(), b); err != nil {
		if vigil.ErrorCode(storeError(err)) == vigil.ECONFLICT {
			err = vigil.Errorf(vigil.EFORBIDDEN, "Bank already exists")
		}
		hmaError(w, storeError(err))
		return
	}
	writeJSON(w, http.StatusCreated, newHMABank(b))
}

func (s *Server) hmaGetBank(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		hmaError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, newHMABank(b))
}

func (s *Server) hmaUpdateBank(w http.ResponseWriter, r *http.Request) {
	var req hmaBankUpdate
	if err := decodeJSON(r, &req); err != nil {
		hmaError(w, err)
		return
	}
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		hmaError(w, err)
		return
	}
	if req.Name != nil && *req.Name != r.PathValue("name") && *req.Name != hmaName(b.Name) {
		hmaError(w, vigil.FieldErrorf(vigil.EINVALID, "name", "Vigil banks cannot be renamed: their name identifies them in cases and the audit log"))
		return
	}
	if b.Enabled, err = enabledFrom(req.EnabledRatio, req.Enabled, b.Enabled); err != nil {
		hmaError(w, err)
		return
	}
	if err := s.Matcher.UpdateBank(r.Context(), b); err != nil {
		hmaError(w, storeError(err))
		return
	}
	writeJSON(w, http.StatusOK, newHMABank(b))
}

func (s *Server) hmaDeleteBank(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		hmaError(w, err)
		return
	}
	if err := s.Matcher.DeleteBank(r.Context(), b.Name); err != nil {
		hmaError(w, storeError(err))
		return
	}
	writeJSON(w, http.StatusOK, hmaMessage{Message: "Done"})
}

// hmaMetadata is the optional metadata of added content; content_id becomes the entries'
// supplier id, and the rest is not kept.
type hmaMetadata struct {
	ContentID  string          `json:"content_id,omitempty"`
	ContentURI string          `json:"content_uri,omitempty"`
	JSON       json.RawMessage `json:"json,omitempty"`
}

// hmaNote checks HMA's note: at most 255 characters.
func hmaNote(note string) (string, error) {
	if utf8.RuneCountInString(note) > 255 {
		return "", vigil.FieldErrorf(vigil.EINVALID, "note", "note must be at most 255 characters")
	}
	return note, nil
}

// hmaAddContent answers POST /c/bank/{name}/content: the content at ?url= or the uploaded file
// is hashed and its signals added to the bank. metadata and note come from form fields.
func (s *Server) hmaAddContent(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		hmaError(w, err)
		return
	}
	var sigs hmaSignals
	if u := r.URL.Query().Get("url"); u != "" {
		sigs, err = s.hashURL(r, u)
	} else {
		sigs, err = hashUpload(w, r)
	}
	if err != nil {
		hmaError(w, err)
		return
	}
	var meta hmaMetadata
	if m := r.FormValue("metadata"); m != "" {
		if err := json.Unmarshal([]byte(m), &meta); err != nil {
			hmaError(w, vigil.FieldErrorf(vigil.EINVALID, "metadata", "metadata form field must be valid JSON: %v", err))
			return
		}
	}
	note, err := hmaNote(r.FormValue("note"))
	if err != nil {
		hmaError(w, err)
		return
	}
	s.hmaBankSignals(w, r, b, sigs.byName, match.Entry{SupplierID: meta.ContentID, Note: note})
}

// hmaAddSignals answers POST /c/bank/{name}/signal: {"pdq": "...", "note": "..."}.
func (s *Server) hmaAddSignals(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		hmaError(w, err)
		return
	}
	var req map[string]string
	if err := decodeJSON(r, &req); err != nil {
		hmaError(w, err)
		return
	}
	note, err := hmaNote(req["note"])
	if err != nil {
		hmaError(w, err)
		return
	}
	delete(req, "note")
	s.hmaBankSignals(w, r, b, req, match.Entry{Note: note})
}

// hmaBankSignals adds one entry per signal of byName (HMA type name to value) to bank b, each
// with the supplier id and note of tmpl, and answers with the first entry's id, the PDQ one
// when there is one. A signal the bank holds already answers with the existing entry's id.
func (s *Server) hmaBankSignals(w http.ResponseWriter, r *http.Request, b match.Bank, byName map[string]string, tmpl match.Entry) {
	names := make([]string, 0, len(byName))
	for n, v := range byName {
		if v != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		hmaError(w, vigil.Errorf(vigil.EINVALID, "No signals given"))
		return
	}
	slices.SortFunc(names, pdqFirst)
	entries := make([]match.Entry, len(names))
	for i, n := range names {
		sig, err := signal.Parse(n, byName[n])
		if err != nil {
			hmaError(w, vigil.FieldErrorf(vigil.EINVALID, n, "Invalid %s signal: %v", n, err))
			return
		}
		entries[i] = tmpl
		entries[i].Signal = sig
	}
	if _, err := s.Matcher.AddEntries(r.Context(), b.Name, entries); err != nil {
		hmaError(w, storeError(err))
		return
	}
	id := entries[0].ID
	if id == 0 {
		existing, err := s.Banks.EntryPage(r.Context(), b.Name, vigil.EntryQuery{Signal: entries[0].Signal, Limit: 1})
		if err != nil || len(existing) == 0 {
			hmaError(w, storeError(err))
			return
		}
		id = existing[0].ID
	}
	out := hmaAdded{ID: id, Signals: map[string]string{}}
	for _, n := range names {
		out.Signals[n] = byName[n]
	}
	writeJSON(w, http.StatusOK, out)
}

// pdqFirst orders signal type names with pdq first, then by name.
func pdqFirst(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "pdq":
		return -1
	case b == "pdq":
		return 1
	case a < b:
		return -1
	}
	return 1
}

func (s *Server) hmaGetContent(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		hmaError(w, err)
		return
	}
	id, err := parseEntryID(r.PathValue("id"))
	if err != nil {
		hmaError(w, err)
		return
	}
	withSignals, err := hmaBool(r.URL.Query().Get("include_signals"))
	if err != nil {
		hmaError(w, err)
		return
	}
	e, err := s.Banks.Entry(r.Context(), b.Name, id)
	if err != nil {
		hmaError(w, vigil.Errorf(vigil.ENOTFOUND, "content '%d' not found", id))
		return
	}
	out := hmaContent{ID: e.ID, Bank: newHMABank(b), Note: e.Note}
	if !e.DisabledUntil.IsZero() {
		out.DisableUntilTS = e.DisabledUntil.Unix()
	}
	if withSignals {
		out.Signals = map[string]string{string(e.Signal.Type): e.Signal.Value}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) hmaDeleteContent(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		hmaError(w, err)
		return
	}
	id, err := parseEntryID(r.PathValue("id"))
	if err != nil {
		hmaError(w, err)
		return
	}
	deleted := 1
	if err := s.Matcher.RemoveEntries(r.Context(), b.Name, []uint32{id}); err != nil {
		if vigil.ErrorCode(storeError(err)) != vigil.ENOTFOUND {
			hmaError(w, storeError(err))
			return
		}
		deleted = 0
	}
	writeJSON(w, http.StatusOK, map[string]int{"deleted": deleted})
}
