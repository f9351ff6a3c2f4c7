package http

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"
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
		s.hmaError(w, r, err)
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
		s.hmaError(w, r, err)
		return
	}
	name, err := vigilName(req.Name)
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	b := match.NewBank(name, match.Known)
	if b.Enabled, err = enabledFrom(req.EnabledRatio, req.Enabled, true); err != nil {
		s.hmaError(w, r, err)
		return
	}
	b.Created = s.Clock.Now()
	if err := s.Matcher.CreateBank(r.Context(), b); err != nil {
		if vigil.ErrorCode(storeError(err)) == vigil.ECONFLICT {
			err = vigil.Errorf(vigil.EFORBIDDEN, "Bank already exists")
		}
		s.hmaError(w, r, storeError(err))
		return
	}
	writeJSON(w, http.StatusCreated, newHMABank(b))
}

func (s *Server) hmaGetBank(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newHMABank(b))
}

func (s *Server) hmaUpdateBank(w http.ResponseWriter, r *http.Request) {
	var req hmaBankUpdate
	if err := decodeJSON(r, &req); err != nil {
		s.hmaError(w, r, err)
		return
	}
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	if req.Name != nil && *req.Name != r.PathValue("name") && *req.Name != hmaName(b.Name) {
		s.hmaError(w, r, vigil.FieldErrorf(vigil.EINVALID, "name", "Vigil banks cannot be renamed: their name identifies them in cases and the audit log"))
		return
	}
	if b.Enabled, err = enabledFrom(req.EnabledRatio, req.Enabled, b.Enabled); err != nil {
		s.hmaError(w, r, err)
		return
	}
	if err := s.Matcher.UpdateBank(r.Context(), b); err != nil {
		s.hmaError(w, r, storeError(err))
		return
	}
	writeJSON(w, http.StatusOK, newHMABank(b))
}

func (s *Server) hmaDeleteBank(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	if err := s.Matcher.DeleteBank(r.Context(), b.Name); err != nil {
		s.hmaError(w, r, storeError(err))
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
// is hashed and its signals added to the bank. metadata and note come from form fields, or
// else from query parameters.
func (s *Server) hmaAddContent(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	form, err := readHMAForm(w, r)
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	var sigs hmaSignals
	switch u := r.URL.Query().Get("url"); {
	case u != "" && form.files > 0:
		err = vigil.Errorf(vigil.EINVALID, "Give either url or a file upload, not both")
	case u != "":
		sigs, err = s.hashURL(r, u)
	case form.files == 0:
		err = vigil.Errorf(vigil.EINVALID, "Missing url or multipart/form-data file upload")
	default:
		sigs, err = hashContent(form.data, form.field, r.URL.Query().Get("types"))
	}
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	var meta hmaMetadata
	if m := form.value(r, "metadata"); m != "" {
		if err := json.Unmarshal([]byte(m), &meta); err != nil {
			s.hmaError(w, r, vigil.FieldErrorf(vigil.EINVALID, "metadata", "metadata form field must be valid JSON: %v", err))
			return
		}
	}
	note, err := hmaNote(form.value(r, "note"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	s.hmaBankSignals(w, r, b, sigs.byName, match.Entry{SupplierID: meta.ContentID, Note: note})
}

// hmaAddSignals answers POST /c/bank/{name}/signal: {"pdq": "...", "note": "..."}.
func (s *Server) hmaAddSignals(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	var req map[string]string
	if err := decodeJSON(r, &req); err != nil {
		s.hmaError(w, r, err)
		return
	}
	note, err := hmaNote(req["note"])
	if err != nil {
		s.hmaError(w, r, err)
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
		s.hmaError(w, r, vigil.Errorf(vigil.EINVALID, "No signals given"))
		return
	}
	slices.SortFunc(names, pdqFirst)
	entries := make([]match.Entry, len(names))
	for i, n := range names {
		sig, err := signal.Parse(n, byName[n])
		if err != nil {
			s.hmaError(w, r, vigil.FieldErrorf(vigil.EINVALID, n, "Invalid %s signal: %v", n, err))
			return
		}
		entries[i] = tmpl
		entries[i].Signal = sig
	}
	if _, err := s.Matcher.AddEntries(r.Context(), b.Name, entries); err != nil {
		s.hmaError(w, r, storeError(err))
		return
	}
	id := entries[0].ID
	if id == 0 {
		existing, err := s.Banks.EntryPage(r.Context(), b.Name, vigil.EntryQuery{Signal: entries[0].Signal, Limit: 1})
		if err == nil && len(existing) == 0 {
			err = vigil.Errorf(vigil.ECONFLICT, "The bank's %s content was removed while adding it again: retry", names[0])
		}
		if err != nil {
			s.hmaError(w, r, storeError(err))
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

// HMA's special values of disable_until_ts.
const (
	hmaDisabled = 0 // disabled indefinitely
	hmaEnabled  = 1 // never disabled
)

// hmaForever is the DisabledUntil of content HMA disabled indefinitely (disable_until_ts 0):
// the last second that RFC 3339 can write.
var hmaForever = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// hmaMaxDisable is how far ahead HMA lets content be disabled until a time: five years of
// 365 days.
const hmaMaxDisable = 5 * 365 * 24 * time.Hour

// hmaDisableUntil is HMA's disable_until_ts of an entry disabled until t: 1 for an entry never
// disabled (or disabled until a time too early to tell from HMA's special values), 0 for one
// disabled indefinitely, otherwise the Unix time in seconds, rounded up so that HMA clients do
// not expect the entry to match before it does.
func hmaDisableUntil(t time.Time) int64 {
	switch {
	case t.IsZero():
		return hmaEnabled
	case !t.Before(hmaForever):
		return hmaDisabled
	}
	ts := t.Unix()
	if t.Nanosecond() > 0 {
		ts++
	}
	return max(ts, hmaEnabled)
}

// hmaContentUpdate is the body of PUT /c/bank/{name}/content/{id}. disable_until_ts is a whole
// number of seconds, as a JSON number or string, as HMA reads it; without it nothing changes.
// note is accepted and, as HMA does with it here, not stored.
type hmaContentUpdate struct {
	DisableUntilTS json.RawMessage `json:"disable_until_ts,omitempty"`
	Note           json.RawMessage `json:"note,omitempty"`
}

// until returns the DisabledUntil that u asks for, given now, and whether it asks for one. Its
// errors have HMA's messages.
func (u hmaContentUpdate) until(now time.Time) (time.Time, bool, error) {
	if u.DisableUntilTS == nil {
		return time.Time{}, false, nil
	}
	text := string(u.DisableUntilTS)
	var quoted string
	if json.Unmarshal(u.DisableUntilTS, &quoted) == nil {
		text = quoted
	}
	ts, err := strconv.ParseInt(text, 10, 64)
	switch {
	case err != nil:
		return time.Time{}, false, vigil.Errorf(vigil.EINVALID, "disable_until_ts must be an integer")
	case ts < 0:
		return time.Time{}, false, vigil.Errorf(vigil.EINVALID, "disable_until_ts must be a non-negative integer")
	case ts > now.Add(hmaMaxDisable).Unix():
		return time.Time{}, false, vigil.Errorf(vigil.EINVALID, "disable_until_ts must be less than 5 years in the future")
	case ts == hmaDisabled:
		return hmaForever, true, nil
	case ts == hmaEnabled:
		return time.Time{}, true, nil
	}
	return time.Unix(ts, 0).UTC(), true, nil
}

// hmaUpdateContent answers PUT /c/bank/{name}/content/{id}: the entry stops matching until
// disable_until_ts, at once, and the answer is the content as GET shows it, without signals.
func (s *Server) hmaUpdateContent(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	id, err := parseEntryID(r.PathValue("id"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	var req hmaContentUpdate
	if err := decodeJSON(r, &req); err != nil {
		s.hmaError(w, r, err)
		return
	}
	until, set, err := req.until(s.Clock.Now())
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	e, err := s.Banks.Entry(r.Context(), b.Name, id)
	if err != nil {
		s.hmaError(w, r, hmaContentError(err, id))
		return
	}
	if set {
		if err := s.Matcher.SetDisabledUntil(r.Context(), b.Name, []uint32{id}, until); err != nil {
			s.hmaError(w, r, hmaContentError(err, id))
			return
		}
		e.DisabledUntil = until
	}
	writeJSON(w, http.StatusOK, hmaContent{ID: e.ID, DisableUntilTS: hmaDisableUntil(e.DisabledUntil), Bank: newHMABank(b), Note: e.Note})
}

// hmaContentError is HMA's error for content id that the store did not find, or err made an
// application error.
func hmaContentError(err error, id uint32) error {
	if errors.Is(err, match.ErrNotFound) {
		return vigil.Errorf(vigil.ENOTFOUND, "content '%d' not found", id)
	}
	return storeError(err)
}

func (s *Server) hmaGetContent(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	id, err := parseEntryID(r.PathValue("id"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	withSignals, err := hmaBool(r.URL.Query().Get("include_signals"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	e, err := s.Banks.Entry(r.Context(), b.Name, id)
	if err != nil {
		s.hmaError(w, r, hmaContentError(err, id))
		return
	}
	out := hmaContent{ID: e.ID, DisableUntilTS: hmaDisableUntil(e.DisabledUntil), Bank: newHMABank(b), Note: e.Note}
	if withSignals && e.Signal.Value != "" { // values are shown to admins only
		out.Signals = map[string]string{string(e.Signal.Type): e.Signal.Value}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) hmaDeleteContent(w http.ResponseWriter, r *http.Request) {
	b, err := s.hmaFindBank(r.Context(), r.PathValue("name"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	id, err := parseEntryID(r.PathValue("id"))
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	deleted := 1
	if err := s.Matcher.RemoveEntries(r.Context(), b.Name, []uint32{id}); err != nil {
		if vigil.ErrorCode(storeError(err)) != vigil.ENOTFOUND {
			s.hmaError(w, r, storeError(err))
			return
		}
		deleted = 0
	}
	writeJSON(w, http.StatusOK, map[string]int{"deleted": deleted})
}
