package http

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// bankRoutes declares the bank API: banks and their entries, import and export, and lookups.
// Changes go through the Matcher, which writes through the store (audited there) and updates
// its index; reads of entries go to the store, which records them in the audit log.
func (s *Server) bankRoutes() {
	for _, r := range []Route{
		{Method: "GET", Pattern: "/v1/banks", Scope: vigil.ScopeBanksRead, Summary: "List banks",
			Response: bankList{Items: []bankBody{exampleBank}}, Handler: s.listBanks},
		{Method: "POST", Pattern: "/v1/banks", Scope: vigil.ScopeBanksWrite, Summary: "Create a bank",
			Request: bankCreate{Name: "ncmec", Kind: match.Known}, Response: exampleBank, Handler: s.createBank},
		{Method: "GET", Pattern: "/v1/banks/{name}", Scope: vigil.ScopeBanksRead, Summary: "Get a bank and its entry count",
			Response: exampleBank, Handler: s.getBank},
		{Method: "PATCH", Pattern: "/v1/banks/{name}", Scope: vigil.ScopeBanksWrite,
			Summary: "Change a bank's settings; omitted fields keep their value",
			Request: bankPatch{Threshold: new(20)}, Response: exampleBank, Handler: s.patchBank},
		{Method: "POST", Pattern: "/v1/banks/{name}/enable", Scope: vigil.ScopeBanksWrite,
			Summary: "Enable a bank: its entries match", Response: exampleBank, Handler: s.enableBank(true)},
		{Method: "POST", Pattern: "/v1/banks/{name}/disable", Scope: vigil.ScopeBanksWrite,
			Summary: "Disable a bank: it is kept but never matched", Response: exampleBank, Handler: s.enableBank(false)},
		{Method: "DELETE", Pattern: "/v1/banks/{name}", Scope: vigil.ScopeBanksWrite,
			Summary: "Delete a bank and all its entries", Handler: s.deleteBank},
		{Method: "GET", Pattern: "/v1/banks/{name}/entries", Scope: vigil.ScopeBanksRead,
			Summary: "List or search a bank's entries (recorded in the audit log); signal values are shown to admins only, " +
				"or when searching by signal",
			Query: []Param{
				{Name: "cursor", Description: "next_cursor of the previous page"},
				{Name: "limit", Description: "entries per page, default 50, at most 500"},
				{Name: "signal", Description: "only the entry holding this signal, as type:value"},
				{Name: "supplier_id", Description: "only entries with this supplier id"},
			},
			Response: entryList{Items: []entryBody{exampleEntry}, NextCursor: "7"}, Handler: s.listEntries},
		{Method: "POST", Pattern: "/v1/banks/{name}/entries", Scope: vigil.ScopeBanksWrite,
			Summary:  "Add entries; signals the bank holds already are skipped",
			Request:  entriesAdd{Entries: []entryInput{{SignalType: "md5", Signal: exampleEntry.Signal}}},
			Response: entriesAdded{Added: 1, IDs: []uint32{7}}, Handler: s.addEntries},
		{Method: "POST", Pattern: "/v1/banks/{name}/entries/remove", Scope: vigil.ScopeBanksWrite,
			Summary: "Remove entries by id, all or none", Request: entriesRemove{IDs: []uint32{7}},
			Response: entriesRemoved{Removed: 1}, Handler: s.removeEntries},
		{Method: "GET", Pattern: "/v1/banks/{name}/entries/{id}", Scope: vigil.ScopeBanksRead,
			Summary: "Get one entry (recorded in the audit log); its signal value is shown to admins only", Response: exampleEntry,
			Handler: s.getEntry},
		{Method: "DELETE", Pattern: "/v1/banks/{name}/entries/{id}", Scope: vigil.ScopeBanksWrite,
			Summary: "Remove one entry", Response: entriesRemoved{Removed: 1}, Handler: s.deleteEntry},
		{Method: "PATCH", Pattern: "/v1/banks/{name}/entries/{id}", Scope: vigil.ScopeBanksWrite,
			Summary: "Stop an entry from matching until disabled_until (RFC 3339), or let it match again (null); " +
				"answers with the entry (recorded in the audit log)",
			Request:  entryPatch{DisabledUntil: nullableString{Set: true, Value: new(exampleDisabled.DisabledUntil)}},
			Response: exampleDisabled, Handler: s.patchEntry},
		{Method: "POST", Pattern: "/v1/banks/{name}/import", Scope: vigil.ScopeBanksWrite,
			Summary: "Import a hash-list file (multipart field file), with the formats and checks of vigil bank import",
			Query: []Param{
				{Name: "format", Description: "lines, csv, tsv, tx or jsonl; detected when omitted"},
				{Name: "type", Description: "signal type of lines that name none: pdq, md5, sha1 or sha256"},
				{Name: "strict", Description: "true: import nothing when any line is bad"},
			},
			Response: importResult{Added: 2, Present: 1, Bad: 1, BadLines: []string{"line 4: signal: md5: \"abc\" has 3 characters, want 32 hex digits"}},
			Handler:  s.importEntries},
		{Method: "GET", Pattern: "/v1/banks/{name}/export", Scope: vigil.ScopeAdmin,
			Summary: "Export every entry as a hash-list file (admins only; recorded in the audit log)",
			Query:   []Param{{Name: "format", Description: "lines, csv, tsv, tx or jsonl (default jsonl)"}},
			Handler: s.exportEntries},
		{Method: "GET", Pattern: "/v1/match", Scope: vigil.ScopeMatch,
			Summary: "Look a signal up in the enabled banks (rate limited per key). The matched entries' signal values " +
				"are shown to admins only, and recorded in the audit log as a read of their banks",
			Query: []Param{
				{Name: "signal_type", Description: "pdq, md5, sha1 or sha256 (python-threatexchange names too)", Required: true},
				{Name: "signal", Description: "the hash", Required: true},
				{Name: "banks", Description: "comma-separated bank names; default all enabled banks"},
				{Name: "threshold", Description: "PDQ distance for every bank instead of each bank's own; " +
					"without the admin scope it can only lower a bank's threshold"},
			},
			Response: matchBody{Matches: []hitBody{exampleHit}}, Handler: s.MatchLimited(s.matchSignal)},
	} {
		r.Access, r.Tag = API, "Banks"
		s.handle(r)
	}
}

// bankBody is a bank as the API shows it.
type bankBody struct {
	Name       string     `json:"name"`
	Kind       match.Kind `json:"kind"`
	Threshold  int        `json:"threshold"`
	MinQuality int        `json:"min_quality"`
	Enabled    bool       `json:"enabled"`
	Source     string     `json:"source"`
	Licence    string     `json:"licence"`
	Version    string     `json:"version"`
	Created    string     `json:"created"`
	Entries    *int       `json:"entries,omitempty"` // only when one bank is shown
}

var exampleBank = bankBody{Name: "ncmec", Kind: match.Known, Threshold: 31, MinQuality: 50, Enabled: true,
	Source: "NCMEC", Licence: "restricted", Version: "2026-07", Created: "2026-07-01T09:30:00.000Z"}

func newBankBody(b match.Bank) bankBody {
	return bankBody{Name: b.Name, Kind: b.Kind, Threshold: b.Threshold, MinQuality: b.MinQuality, Enabled: b.Enabled,
		Source: b.Source, Licence: b.Licence, Version: b.Version, Created: apiTime(b.Created)}
}

type bankList struct {
	Items      []bankBody `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

// bankCreate is the body of POST /v1/banks: omitted numbers take the defaults (threshold 31,
// min_quality 50) and an omitted enabled means true.
type bankCreate struct {
	Name       string     `json:"name"`
	Kind       match.Kind `json:"kind"`
	Threshold  *int       `json:"threshold,omitempty"`
	MinQuality *int       `json:"min_quality,omitempty"`
	Enabled    *bool      `json:"enabled,omitempty"`
	Source     string     `json:"source,omitempty"`
	Licence    string     `json:"licence,omitempty"`
	Version    string     `json:"version,omitempty"`
}

// bankPatch is the body of PATCH /v1/banks/{name}.
type bankPatch struct {
	Kind       *match.Kind `json:"kind,omitempty"`
	Threshold  *int        `json:"threshold,omitempty"`
	MinQuality *int        `json:"min_quality,omitempty"`
	Enabled    *bool       `json:"enabled,omitempty"`
	Source     *string     `json:"source,omitempty"`
	Licence    *string     `json:"licence,omitempty"`
	Version    *string     `json:"version,omitempty"`
}

// apply sets the fields p carries on b.
func (p bankPatch) apply(b *match.Bank) {
	setIf(&b.Kind, p.Kind)
	setIf(&b.Threshold, p.Threshold)
	setIf(&b.MinQuality, p.MinQuality)
	setIf(&b.Enabled, p.Enabled)
	setIf(&b.Source, p.Source)
	setIf(&b.Licence, p.Licence)
	setIf(&b.Version, p.Version)
}

// setIf sets *dst to *v when v is not nil.
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// storeError gives the errors of the store and the Matcher their application codes. Errors that
// are already application errors pass unchanged; any other is internal.
func storeError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, match.ErrExists):
		return vigil.Errorf(vigil.ECONFLICT, "%v", err)
	case errors.Is(err, match.ErrNotFound):
		return vigil.Errorf(vigil.ENOTFOUND, "%v", err)
	}
	return err
}

// bankSettings returns the bank named in the request's path, as the store has it.
func (s *Server) bankSettings(r *http.Request) (match.Bank, error) {
	b, err := s.Banks.Bank(r.Context(), r.PathValue("name"))
	return b, storeError(err)
}

func (s *Server) listBanks(w http.ResponseWriter, r *http.Request) {
	banks, err := s.Banks.Banks(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list := bankList{Items: make([]bankBody, 0, len(banks))}
	for _, b := range banks {
		list.Items = append(list.Items, newBankBody(b))
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) createBank(w http.ResponseWriter, r *http.Request) {
	var req bankCreate
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Kind == "" {
		req.Kind = match.Known
	}
	b := match.NewBank(req.Name, req.Kind)
	setIf(&b.Threshold, req.Threshold)
	setIf(&b.MinQuality, req.MinQuality)
	setIf(&b.Enabled, req.Enabled)
	b.Source, b.Licence, b.Version = req.Source, req.Licence, req.Version
	b.Created = s.Clock.Now()
	if err := b.Validate(); err != nil {
		s.writeError(w, r, vigil.Errorf(vigil.EINVALID, "%v", err))
		return
	}
	if err := s.Matcher.CreateBank(r.Context(), b); err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	s.writeBank(w, r, http.StatusCreated, b.Name)
}

// writeBank answers with the stored settings and entry count of the bank called name.
func (s *Server) writeBank(w http.ResponseWriter, r *http.Request, status int, name string) {
	b, err := s.Banks.Bank(r.Context(), name)
	if err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	n, err := s.Banks.CountEntries(r.Context(), name)
	if err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	body := newBankBody(b)
	body.Entries = &n
	writeJSON(w, status, body)
}

func (s *Server) getBank(w http.ResponseWriter, r *http.Request) {
	s.writeBank(w, r, http.StatusOK, r.PathValue("name"))
}

func (s *Server) patchBank(w http.ResponseWriter, r *http.Request) {
	var p bankPatch
	if err := decodeJSON(r, &p); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.changeBank(w, r, p.apply)
}

// enableBank returns the handler that switches a bank on or off.
func (s *Server) enableBank(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.changeBank(w, r, func(b *match.Bank) { b.Enabled = on })
	}
}

// changeBank applies change to the settings of the bank named in the path and answers with the
// result.
func (s *Server) changeBank(w http.ResponseWriter, r *http.Request, change func(*match.Bank)) {
	b, err := s.bankSettings(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	change(&b)
	if err := b.Validate(); err != nil {
		s.writeError(w, r, vigil.Errorf(vigil.EINVALID, "%v", err))
		return
	}
	if err := s.Matcher.UpdateBank(r.Context(), b); err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	s.writeBank(w, r, http.StatusOK, b.Name)
}

func (s *Server) deleteBank(w http.ResponseWriter, r *http.Request) {
	if err := s.Matcher.DeleteBank(r.Context(), r.PathValue("name")); err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// parseSignalParam reads a signal given as "type:value" (or a bare PDQ hash) in the query
// parameter or field called field.
func parseSignalParam(field, v string) (signal.Signal, error) {
	sig, err := signal.ParseTyped(v)
	if err != nil {
		return sig, vigil.FieldErrorf(vigil.EINVALID, field, "%v", err)
	}
	return sig, nil
}

// parseEntryID reads an entry id from the path.
func parseEntryID(v string) (uint32, error) {
	id, err := strconv.ParseUint(v, 10, 32)
	if err != nil || id == 0 {
		return 0, vigil.FieldErrorf(vigil.EINVALID, "id", "entry id %q is not a positive integer", v)
	}
	return uint32(id), nil
}

// splitList splits a comma-separated parameter, dropping empty items.
func splitList(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
