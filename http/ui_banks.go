package http

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hashlist"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// banksPage is the data of the banks page.
type banksPage struct {
	Banks   []match.Bank
	Indexed int // entries of the enabled banks in the index
	Kinds   []match.Kind
	Default match.Bank // the create form's starting values
}

// uiBanks lists the banks with a form to create one.
func (s *Server) uiBanks(w http.ResponseWriter, r *http.Request) {
	p := banksPage{Banks: s.banks(), Kinds: []match.Kind{match.Known, match.Allow}, Default: match.NewBank("", match.Known)}
	if s.Matcher != nil {
		p.Indexed = s.Matcher.Len()
	}
	s.render(w, r, http.StatusOK, "banks", page{Title: "Banks", Nav: "banks", Notice: doneMessage(r), Data: p})
}

// uiCreateBank creates an empty, enabled bank through the index, which stores it (and its audit
// event) before indexing it.
func (s *Server) uiCreateBank(w http.ResponseWriter, r *http.Request) {
	if s.Matcher == nil {
		s.renderError(w, r, vigil.Errorf(vigil.EUNAVAILABLE, "this server has no bank index"))
		return
	}
	b := match.NewBank(strings.TrimSpace(r.PostFormValue("name")), match.Kind(r.PostFormValue("kind")))
	b.Source, b.Licence, b.Version = r.PostFormValue("source"), r.PostFormValue("licence"), r.PostFormValue("version")
	var err error
	if b.Threshold, err = formInt(r, "threshold", b.Threshold); err != nil {
		s.renderError(w, r, err)
		return
	}
	if b.MinQuality, err = formInt(r, "min_quality", b.MinQuality); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := b.Validate(); err != nil {
		s.renderError(w, r, vigil.Errorf(vigil.EINVALID, "%v", err))
		return
	}
	if err := s.Matcher.CreateBank(r.Context(), b); err != nil {
		s.renderError(w, r, uiBankError(err))
		return
	}
	seeOther(w, r, "/banks/"+b.Name+"?done=created")
}

// formInt reads an integer form field, or def when it is empty.
func formInt(r *http.Request, field string, def int) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, vigil.FieldErrorf(vigil.EINVALID, field, "must be a whole number")
	}
	return n, nil
}

// findBank returns the index's bank called name.
func (s *Server) findBank(name string) (match.Bank, error) {
	banks := s.banks()
	i := slices.IndexFunc(banks, func(b match.Bank) bool { return b.Name == name })
	if i < 0 {
		return match.Bank{}, vigil.Errorf(vigil.ENOTFOUND, "no bank %q", name)
	}
	return banks[i], nil
}

// uiSetBankEnabled enables or disables a bank: a disabled bank stays stored but leaves the index.
func (s *Server) uiSetBankEnabled(w http.ResponseWriter, r *http.Request) {
	b, err := s.findBank(r.PathValue("name"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	b.Enabled = r.PostFormValue("enabled") == "true"
	if err := s.Matcher.UpdateBank(r.Context(), b); err != nil {
		s.renderError(w, r, uiBankError(err))
		return
	}
	seeOther(w, r, "/banks/"+b.Name+"?done=updated")
}

// bankPage is the data of one bank's page.
type bankPage struct {
	Bank    match.Bank
	Count   int
	Formats []hashlist.Format // the import formats, for the form
	Types   []string          // the signal types, for the import form
	Search  entrySearch
	Entries []match.Entry
	Next    template.URL // the next page of entries; "" on the last
}

// entrySearch is the entry search form as typed, echoed back into the form.
type entrySearch struct {
	Run        bool // the reviewer asked for entries: only then are they read, and audited
	Signal     string
	SupplierID string
}

// uiBank shows a bank's settings, the switch that enables it, the import form and, when asked,
// its entries: by signal, by supplier id, or all, a page at a time. Reading entries is recorded
// in the audit log by the bank service, so the page reads none until asked.
func (s *Server) uiBank(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := s.findBank(r.PathValue("name"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	p := bankPage{Bank: b, Formats: hashlist.Formats(), Types: signalTypes(),
		Search: entrySearch{Run: q.Has("search"), Signal: q.Get("signal"), SupplierID: q.Get("supplier_id")}}
	if p.Count, err = s.Banks.CountEntries(ctx, b.Name); err != nil {
		s.renderError(w, r, err)
		return
	}
	if p.Search.Run {
		if err := s.searchEntries(r, &p); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "bank", page{Title: "Bank " + b.Name, Nav: "banks", Notice: doneMessage(r), Data: p})
}

// searchEntries reads the page of entries the search form asks for.
func (s *Server) searchEntries(r *http.Request, p *bankPage) error {
	eq := vigil.EntryQuery{SupplierID: strings.TrimSpace(p.Search.SupplierID)}
	if v := strings.TrimSpace(p.Search.Signal); v != "" {
		sig, err := signal.ParseTyped(v)
		if err != nil {
			return vigil.FieldErrorf(vigil.EINVALID, "signal", "%v", err)
		}
		eq.Signal = sig
	}
	if after := r.URL.Query().Get("after"); after != "" {
		n, err := strconv.ParseUint(after, 10, 32)
		if err != nil {
			return vigil.FieldErrorf(vigil.EINVALID, "after", "must be an entry id")
		}
		eq.After = uint32(n)
	}
	entries, err := s.Banks.EntryPage(r.Context(), p.Bank.Name, eq)
	if err != nil {
		return err
	}
	p.Entries = entries
	if n := len(entries); n > 0 && n == pageSize(eq.Limit) {
		next := url.Values{"search": {"1"}, "signal": {p.Search.Signal}, "supplier_id": {p.Search.SupplierID},
			"after": {strconv.FormatUint(uint64(entries[n-1].ID), 10)}}
		p.Next = template.URL("/banks/" + url.PathEscape(p.Bank.Name) + "?" + next.Encode())
	}
	return nil
}

// signalTypes lists the registered signal types by name.
func signalTypes() []string {
	var names []string
	for _, st := range signal.All() {
		names = append(names, string(st.Name()))
	}
	return names
}

// uiBankError gives the index's errors their application codes, so the page shows "already
// exists" as a conflict rather than an internal error.
func uiBankError(err error) error {
	switch {
	case errors.Is(err, match.ErrExists):
		return vigil.Errorf(vigil.ECONFLICT, "%v", err)
	case errors.Is(err, match.ErrNotFound):
		return vigil.Errorf(vigil.ENOTFOUND, "%v", err)
	}
	return err
}
