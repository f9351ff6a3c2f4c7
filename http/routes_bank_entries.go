package http

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hashlist"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// entryBody is a bank entry as the API shows it. signal, the hash itself, is shown to admins
// only (and to whoever searched by it), so that copying a hash list out stays an admin's act.
type entryBody struct {
	ID            uint32      `json:"id"`
	Bank          string      `json:"bank"`
	SignalType    signal.Type `json:"signal_type"`
	Signal        string      `json:"signal,omitempty"`
	SupplierID    string      `json:"supplier_id"`
	Category      string      `json:"category"`
	Note          string      `json:"note"`
	DisabledUntil string      `json:"disabled_until,omitempty"`
	Added         string      `json:"added"`
}

var exampleEntry = entryBody{ID: 7, Bank: "ncmec", SignalType: signal.MD5, Signal: "d41d8cd98f00b204e9800998ecf8427e",
	SupplierID: "A-1234", Category: "A1", Added: "2026-07-01T09:30:00.000Z"}

// exampleDisabled is exampleEntry disabled until a time.
var exampleDisabled = func() entryBody {
	e := exampleEntry
	e.DisabledUntil = "2026-08-01T00:00:00.000Z"
	return e
}()

func newEntryBody(e match.Entry) entryBody {
	return entryBody{ID: e.ID, Bank: e.Bank, SignalType: e.Signal.Type, Signal: e.Signal.Value, SupplierID: e.SupplierID,
		Category: e.Category, Note: e.Note, DisabledUntil: apiTime(e.DisabledUntil), Added: apiTime(e.Added)}
}

type entryList struct {
	Items      []entryBody `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

// entryInput is one entry to add. disabled_until, when set, is an RFC 3339 time before which
// the entry does not match.
type entryInput struct {
	SignalType    string `json:"signal_type"`
	Signal        string `json:"signal"`
	SupplierID    string `json:"supplier_id,omitempty"`
	Category      string `json:"category,omitempty"`
	Note          string `json:"note,omitempty"`
	DisabledUntil string `json:"disabled_until,omitempty"`
}

// entry checks in and returns it as the i-th entry (from 0) of a request.
func (in entryInput) entry(i int) (match.Entry, error) {
	field := fmt.Sprintf("entries[%d]", i)
	sig, err := signal.Parse(in.SignalType, in.Signal)
	if err != nil {
		return match.Entry{}, vigil.FieldErrorf(vigil.EINVALID, field, "%v", err)
	}
	e := match.Entry{Signal: sig, SupplierID: in.SupplierID, Category: in.Category, Note: in.Note}
	if in.DisabledUntil != "" {
		if e.DisabledUntil, err = time.Parse(time.RFC3339Nano, in.DisabledUntil); err != nil {
			return match.Entry{}, vigil.FieldErrorf(vigil.EINVALID, field+".disabled_until", "not an RFC 3339 time: %q", in.DisabledUntil)
		}
	}
	if err := e.Validate(); err != nil {
		return match.Entry{}, vigil.FieldErrorf(vigil.EINVALID, field, "%v", err)
	}
	return e, nil
}

type entriesAdd struct {
	Entries []entryInput `json:"entries"`
}

// entriesAdded answers an addition: ids holds, for each entry of the request, its new id, or 0
// when the bank held its signal already.
type entriesAdded struct {
	Added   int      `json:"added"`
	Present int      `json:"present"`
	IDs     []uint32 `json:"ids"`
}

type entriesRemove struct {
	IDs []uint32 `json:"ids"`
}

type entriesRemoved struct {
	Removed int `json:"removed"`
}

// maxAddEntries bounds the entries of one JSON request; larger lists go through import.
const maxAddEntries = 10000

func (s *Server) listEntries(w http.ResponseWriter, r *http.Request) {
	q, err := entryQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	entries, err := s.Banks.EntryPage(r.Context(), r.PathValue("name"), q)
	if err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	list := entryList{Items: make([]entryBody, 0, len(entries))}
	for _, e := range entries {
		list.Items = append(list.Items, newEntryBody(e))
	}
	if n := len(entries); n > 0 && n == bankPageLimit(q.Limit) {
		list.NextCursor = strconv.FormatUint(uint64(entries[n-1].ID), 10)
	}
	writeJSON(w, http.StatusOK, list)
}

// bankPageLimit is the page size the store applies to a requested limit.
func bankPageLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, 500)
}

// entryQuery reads the query parameters of an entry listing.
func entryQuery(r *http.Request) (vigil.EntryQuery, error) {
	var q vigil.EntryQuery
	v := r.URL.Query()
	if c := v.Get("cursor"); c != "" {
		after, err := strconv.ParseUint(c, 10, 32)
		if err != nil {
			return q, vigil.FieldErrorf(vigil.EINVALID, "cursor", "not a cursor from next_cursor: %q", c)
		}
		q.After = uint32(after)
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return q, vigil.FieldErrorf(vigil.EINVALID, "limit", "want a positive integer, got %q", l)
		}
		q.Limit = n
	}
	if sig := v.Get("signal"); sig != "" {
		parsed, err := parseSignalParam("signal", sig)
		if err != nil {
			return q, err
		}
		q.Signal = parsed
	}
	q.SupplierID = v.Get("supplier_id")
	return q, nil
}

func (s *Server) addEntries(w http.ResponseWriter, r *http.Request) {
	var req entriesAdd
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(req.Entries) > maxAddEntries {
		s.writeError(w, r, vigil.FieldErrorf(vigil.ETOOLARGE, "entries", "%d entries; at most %d per request, import larger lists", len(req.Entries), maxAddEntries))
		return
	}
	entries := make([]match.Entry, len(req.Entries))
	for i, in := range req.Entries {
		e, err := in.entry(i)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		entries[i] = e
	}
	added, err := s.Matcher.AddEntries(r.Context(), r.PathValue("name"), entries)
	if err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	resp := entriesAdded{Added: added, Present: len(entries) - added, IDs: make([]uint32, len(entries))}
	for i, e := range entries {
		resp.IDs[i] = e.ID
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) removeEntries(w http.ResponseWriter, r *http.Request) {
	var req entriesRemove
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.remove(w, r, req.IDs)
}

func (s *Server) deleteEntry(w http.ResponseWriter, r *http.Request) {
	id, err := parseEntryID(r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.remove(w, r, []uint32{id})
}

// remove removes the entries ids from the bank named in the path, all or none.
func (s *Server) remove(w http.ResponseWriter, r *http.Request, ids []uint32) {
	if err := s.Matcher.RemoveEntries(r.Context(), r.PathValue("name"), ids); err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	unique := map[uint32]bool{}
	for _, id := range ids {
		unique[id] = true
	}
	writeJSON(w, http.StatusOK, entriesRemoved{Removed: len(unique)})
}

// entryPatch is the body of PATCH /v1/banks/{name}/entries/{id}. disabled_until must be given:
// an RFC 3339 time before which the entry does not match, or null to let it match again, so
// that an empty body changes nothing by mistake.
type entryPatch struct {
	DisabledUntil nullableString `json:"disabled_until"`
}

// nullableString is a JSON string that may be null, and tells whether it was given at all.
type nullableString struct {
	Set   bool    // the field was present, as a string or null
	Value *string // nil for null
}

// MarshalJSON writes the string, or null.
func (n nullableString) MarshalJSON() ([]byte, error) { return json.Marshal(n.Value) }

// UnmarshalJSON reads a string or null; encoding/json calls it only for a field present.
func (n *nullableString) UnmarshalJSON(b []byte) error {
	n.Set = true
	return json.Unmarshal(b, &n.Value)
}

// patchEntry sets or clears the time before which an entry does not match, and answers with
// the entry. The Matcher applies it to its index before answering.
func (s *Server) patchEntry(w http.ResponseWriter, r *http.Request) {
	id, err := parseEntryID(r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var p entryPatch
	if err := decodeJSON(r, &p); err != nil {
		s.writeError(w, r, err)
		return
	}
	until, err := p.disabledUntil()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bank := r.PathValue("name")
	if err := s.Matcher.SetDisabledUntil(r.Context(), bank, []uint32{id}, until); err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	e, err := s.Banks.Entry(r.Context(), bank, id)
	if err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	writeJSON(w, http.StatusOK, newEntryBody(e))
}

// disabledUntil returns the time p asks for: the zero time for null.
func (p entryPatch) disabledUntil() (time.Time, error) {
	const field = "disabled_until"
	switch {
	case !p.DisabledUntil.Set:
		return time.Time{}, vigil.FieldErrorf(vigil.EINVALID, field, "required: an RFC 3339 time before which the entry does not match, or null to let it match")
	case p.DisabledUntil.Value == nil:
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *p.DisabledUntil.Value)
	if err != nil {
		return time.Time{}, vigil.FieldErrorf(vigil.EINVALID, field, "not an RFC 3339 time: %q", *p.DisabledUntil.Value)
	}
	return t, nil
}

func (s *Server) getEntry(w http.ResponseWriter, r *http.Request) {
	id, err := parseEntryID(r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.Banks.Entry(r.Context(), r.PathValue("name"), id)
	if err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	writeJSON(w, http.StatusOK, newEntryBody(e))
}

// importResult answers an import: entries added, entries whose signal the bank held already,
// and bad lines (the first maxBadLines of them listed).
type importResult struct {
	Added    int      `json:"added"`
	Present  int      `json:"present"`
	Bad      int      `json:"bad"`
	BadLines []string `json:"bad_lines"`
}

// Import limits: the largest file, and how many bad lines an answer lists.
const (
	maxImportBytes = 2 << 30
	maxBadLines    = 100
)

// importEntries reads the hash-list file of the multipart field "file" as `vigil bank import`
// does, and adds its entries to the bank in one step. The file is streamed into the store's
// staging area, never held in memory, and the Matcher indexes the entries added as the store
// hands them back.
func (s *Server) importEntries(w http.ResponseWriter, r *http.Request) {
	opt, strict, err := importOptions(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bank := r.PathValue("name")
	if _, err := s.Banks.Bank(r.Context(), bank); err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	file, err := multipartFile(w, r, "file", maxImportBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer file.Close()
	src, err := newImportSource(file, opt, bank, strict)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	staged, err := s.Banks.StageEntries(r.Context(), bank, src.next)
	if err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	defer staged.Close()
	res := src.res
	if res.Added, res.Present, err = s.Matcher.ImportEntries(r.Context(), staged); err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// importOptions reads the query parameters of an import.
func importOptions(r *http.Request) (opt hashlist.ReadOptions, strict bool, err error) {
	v := r.URL.Query()
	if f := v.Get("format"); f != "" {
		if opt.Format, err = hashlist.ParseFormat(f); err != nil {
			return opt, false, vigil.FieldErrorf(vigil.EINVALID, "format", "%v", err)
		}
	}
	if t := v.Get("type"); t != "" {
		st, err := signal.Lookup(t)
		if err != nil {
			return opt, false, vigil.FieldErrorf(vigil.EINVALID, "type", "%v", err)
		}
		opt.Type = st.Name()
	}
	if st := v.Get("strict"); st != "" {
		if strict, err = strconv.ParseBool(st); err != nil {
			return opt, false, vigil.FieldErrorf(vigil.EINVALID, "strict", "want true or false, got %q", st)
		}
	}
	return opt, strict, nil
}

// importSource yields the entries of an uploaded hash list, counting and listing its bad lines.
type importSource struct {
	rd     *hashlist.Reader
	bank   string
	strict bool
	res    importResult
}

// newImportSource starts reading file, a hash list for bank.
func newImportSource(file io.Reader, opt hashlist.ReadOptions, bank string, strict bool) (*importSource, error) {
	opt.Name = "file"
	rd, err := hashlist.NewReader(bufio.NewReaderSize(file, 64<<10), opt)
	if err != nil {
		return nil, importReadError(err)
	}
	return &importSource{rd: rd, bank: bank, strict: strict, res: importResult{BadLines: []string{}}}, nil
}

// next returns the next good entry, or io.EOF after the last. A strict import that met bad lines
// ends with an error instead, once every line has been read, so that the count is complete.
func (src *importSource) next() (match.Entry, error) {
	for {
		rec, err := src.rd.Next()
		var bad *hashlist.LineError
		switch {
		case errors.Is(err, io.EOF) && src.strict && src.res.Bad > 0:
			return match.Entry{}, vigil.FieldErrorf(vigil.EINVALID, "file", "%d bad lines, the first %s; nothing imported (strict)",
				src.res.Bad, src.res.BadLines[0])
		case errors.Is(err, io.EOF):
			return match.Entry{}, io.EOF
		case errors.As(err, &bad):
			src.res.Bad++
			if len(src.res.BadLines) < maxBadLines {
				src.res.BadLines = append(src.res.BadLines, bad.Error())
			}
		case err != nil:
			return match.Entry{}, importReadError(err)
		case !src.strict || src.res.Bad == 0: // once a strict import fails, entries are not needed
			return match.Entry{Bank: src.bank, Signal: rec.Signal, SupplierID: rec.ID, Category: rec.Category, Note: rec.Note}, nil
		}
	}
}

// importReadError explains why an uploaded file could not be read.
func importReadError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return vigil.FieldErrorf(vigil.ETOOLARGE, "file", "file over %d bytes", int64(maxImportBytes))
	}
	if _, ok := errors.AsType[*hashlist.HeaderError](err); ok {
		return vigil.FieldErrorf(vigil.EINVALID, "file", "%v", err)
	}
	return vigil.FieldErrorf(vigil.EINVALID, "file", "reading the upload: %v", err)
}

// multipartFile returns the first part of r's multipart body called field, reading at most
// limit bytes of body.
func multipartFile(w http.ResponseWriter, r *http.Request, field string, limit int64) (io.ReadCloser, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "want a multipart/form-data body with the field %q: %v", field, err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, vigil.FieldErrorf(vigil.EINVALID, field, "missing: send the file in the multipart field %q", field)
		}
		if err != nil {
			return nil, importReadError(err)
		}
		if part.FormName() == field {
			return part, nil
		}
		part.Close()
	}
}

// exportEntries writes every entry of a bank in a hash-list format, for admins.
func (s *Server) exportEntries(w http.ResponseWriter, r *http.Request) {
	format := hashlist.JSONL
	if f := r.URL.Query().Get("format"); f != "" {
		var err error
		if format, err = hashlist.ParseFormat(f); err != nil {
			s.writeError(w, r, vigil.FieldErrorf(vigil.EINVALID, "format", "%v", err))
			return
		}
	}
	entries, err := s.Banks.Export(r.Context(), r.PathValue("name"))
	if err != nil {
		s.writeError(w, r, storeError(err))
		return
	}
	records := make([]hashlist.Record, len(entries))
	for i, e := range entries {
		records[i] = hashlist.Record{Signal: e.Signal, ID: e.SupplierID, Category: e.Category, Note: e.Note}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", r.PathValue("name")+"."+string(format)))
	bw := bufio.NewWriter(w)
	if err := errors.Join(hashlist.Write(bw, format, records), bw.Flush()); err != nil {
		s.logger().Warn("bank export cut short", "bank", r.PathValue("name"), "err", err)
	}
}
