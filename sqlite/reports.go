package sqlite

import (
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/signal"
)

// Content metadata keys a draft report reads (the platform sends them with the submission's
// metadata). They fill the record's geographic and user fields (RP-07, RP-08); every other
// metadata key is copied to the item's metadata as non-content data (RP-05).
const (
	MetaUploaderIP       = "uploader_ip"        // the upload's IP address
	MetaUploaderPort     = "uploader_port"      // its source port
	MetaUploaderTimeZone = "uploader_time_zone" // the uploader's time zone (IANA name or offset)
	MetaUploaderPostal   = "uploader_postal_code"
	MetaUploaderCountry  = "uploader_country" // ISO 3166 code
	MetaUploaderEmail    = "uploader_email"
	MetaUploaderPhone    = "uploader_phone"
	MetaUsername         = "username"
	MetaDisplayName      = "display_name"
	MetaFileName         = "file_name"          // the file's name as uploaded
	MetaMediaType        = "media_type"         // the file's media type as uploaded
	MetaPublic           = "publicly_available" // "true" when the item was publicly visible
)

// personalMeta are the metadata keys that go into the record's user and geo fields only, never
// into the item's metadata.
var personalMeta = []string{MetaUploaderIP, MetaUploaderPort, MetaUploaderTimeZone,
	MetaUploaderPostal, MetaUploaderCountry, MetaUploaderEmail, MetaUploaderPhone, MetaUsername,
	MetaDisplayName, MetaUploaderLanguage}

// reportRecordKeyName names the secret that encrypts report records.
const reportRecordKeyName = "report_record_key"

// DraftReport drafts the report of case c, confirmed by decision decisionID, inside the
// confirming transaction: the confirmation is the moment the provider becomes aware (RP-01).
// The record is prefilled from the case, its content item, the review log and the report
// settings, and stored encrypted; legal edits and approves it before anything is sent. A case
// that already has a report keeps it.
func (tx *Tx) DraftReport(c vigil.Case, decisionID string) error {
	if c.Status != vigil.CaseConfirmed {
		return vigil.Errorf(vigil.ECONFLICT, "case %s is %s, not confirmed: only confirmed cases are reported", c.ID, c.Status)
	}
	var exists bool
	if err := tx.QueryRowContext(tx.ctx, `SELECT EXISTS (SELECT 1 FROM reports WHERE case_id = ?)`, c.ID).Scan(&exists); err != nil {
		return fmt.Errorf("draft report of %s: %w", c.ID, err)
	}
	if exists {
		return nil
	}
	rec, err := tx.draftRecord(c)
	if err != nil {
		return fmt.Errorf("draft report of %s: %w", c.ID, err)
	}
	id := vigil.NewID(vigil.PrefixReport, tx.now)
	nonce, sealed, err := tx.sealRecord(id, rec)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO reports (id, case_id, decision_id, type, status,
		record_nonce, record, awareness, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, c.ID, decisionID, rec.Type, vigil.ReportDraft, nonce, sealed, ms(tx.now), ms(tx.now), ms(tx.now))
	if err != nil {
		return fmt.Errorf("draft report of %s: %w", c.ID, err)
	}
	return tx.Audit("report.draft", "report", id, caseAuditDetail(map[string]any{
		"case_id": c.ID, "decision_id": decisionID, "type": rec.Type}))
}

// draftRecord builds the prefilled record of confirmed case c.
func (tx *Tx) draftRecord(c vigil.Case) (vigil.ReportRecord, error) {
	item, err := tx.contentItem(c.ContentID)
	switch {
	case vigil.ErrorCode(err) == vigil.ENOTFOUND:
		// A case opened without its content row (by a test or an import) is still reported,
		// from what the case knows; legal fills in the rest.
		item = vigil.Content{ID: c.ContentID, Service: c.Service, Received: c.Opened}
	case err != nil:
		return vigil.ReportRecord{}, err
	}
	settings, err := tx.reportSettings(false)
	if err != nil {
		return vigil.ReportRecord{}, err
	}
	svc, err := tx.serviceOf(item.Service)
	if err != nil {
		return vigil.ReportRecord{}, err
	}
	var viewed bool
	err = tx.QueryRowContext(tx.ctx, `SELECT EXISTS (SELECT 1 FROM case_views WHERE case_id = ?)`, c.ID).Scan(&viewed)
	if err != nil {
		return vigil.ReportRecord{}, err
	}
	meta := item.Metadata
	rec := vigil.ReportRecord{
		Provider: settings.Provider,
		// Every case comes from a match against a list of known material; legal changes the
		// type when review found otherwise, which then needs two approvals.
		Type:       vigil.ReportKnown,
		Content:    []vigil.ReportContent{reportContent(c, item, viewed)},
		Incident:   item.Received,
		Geo:        reportGeo(meta, item),
		Service:    vigil.ReportService{Name: item.Service, Type: string(svc.Type), URL: item.URL},
		Awareness:  vigil.AwarenessOwnMotion,
		LegalBasis: settings.LegalBasis,
	}
	if u := reportUser(meta, item.Uploader); u.UniqueID != "" {
		rec.Users = []vigil.ReportUser{u}
	}
	return rec, nil
}

// serviceOf reads service name, and a service of unknown type when it is not configured.
func (tx *Tx) serviceOf(name string) (vigil.Service, error) {
	s, err := scanService(tx.QueryRowContext(tx.ctx, `SELECT `+serviceColumns+` FROM services WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Service{Name: name}, nil
	}
	if err != nil {
		return vigil.Service{}, fmt.Errorf("service %s: %w", name, err)
	}
	return s, nil
}

// reportContent describes the case's item: its hashes as uploaded (NC-05), whether a reviewer
// viewed it (NC-06: from the review log, never assumed) and its non-personal metadata (RP-05).
func reportContent(c vigil.Case, item vigil.Content, viewed bool) vigil.ReportContent {
	rc := vigil.ReportContent{
		ContentID: item.ID, FileName: item.Metadata[MetaFileName], MediaType: c.MediaType,
		Uploaded: item.Received, Category: c.Category, Viewed: viewed,
		Public: item.Metadata[MetaPublic] == "true", MatchedList: c.Banks,
	}
	if rc.MediaType == "" {
		rc.MediaType = item.Metadata[MetaMediaType]
	}
	for _, s := range c.Signals {
		switch s.Type {
		case signal.MD5:
			rc.MD5 = s.Value
		case signal.SHA1:
			rc.SHA1 = s.Value
		case signal.SHA256:
			rc.SHA256 = s.Value
		case signal.PDQ:
			rc.PDQ = s.Value
		}
	}
	meta := maps.Clone(item.Metadata)
	for _, k := range append(personalMeta, MetaFileName, MetaMediaType, MetaPublic) {
		delete(meta, k)
	}
	if len(meta) > 0 {
		rc.Metadata = meta
	}
	return rc
}

// reportGeo is where the upload came from, as the platform told (RP-07).
func reportGeo(meta map[string]string, item vigil.Content) vigil.ReportGeo {
	g := vigil.ReportGeo{IP: meta[MetaUploaderIP], TimeZone: meta[MetaUploaderTimeZone],
		Postal: meta[MetaUploaderPostal], Country: meta[MetaUploaderCountry]}
	if p, err := strconv.Atoi(meta[MetaUploaderPort]); err == nil && p > 0 && p < 65536 {
		g.Port = p
	}
	if g.IP != "" {
		g.At = item.Received
	}
	return g
}

// reportUser is the uploader (RP-08): the platform's opaque reference is the unique user id.
func reportUser(meta map[string]string, uploader string) vigil.ReportUser {
	return vigil.ReportUser{UniqueID: uploader, Username: meta[MetaUsername],
		DisplayName: meta[MetaDisplayName], Email: meta[MetaUploaderEmail], Phone: meta[MetaUploaderPhone]}
}

// sealRecord encrypts rec for report id; the id is the additional data, so a record moved to
// another report's row fails to open.
func (tx *Tx) sealRecord(id string, rec vigil.ReportRecord) (nonce, sealed []byte, err error) {
	plain, err := json.Marshal(rec)
	if err != nil {
		return nil, nil, fmt.Errorf("seal report %s: %w", id, err)
	}
	key, err := tx.Secret(reportRecordKeyName, 32)
	if err != nil {
		return nil, nil, err
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, nil, err
	}
	nonce = make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return nonce, aead.Seal(nil, nonce, plain, []byte(id)), nil
}

// openRecord decrypts the record of report id.
func openRecord(key []byte, id string, nonce, sealed []byte) (vigil.ReportRecord, error) {
	var rec vigil.ReportRecord
	aead, err := newGCM(key)
	if err != nil {
		return rec, err
	}
	if len(nonce) != aead.NonceSize() {
		return rec, fmt.Errorf("report %s: nonce is %d bytes", id, len(nonce))
	}
	plain, err := aead.Open(nil, nonce, sealed, []byte(id))
	if err != nil {
		return rec, fmt.Errorf("decrypt report %s: %w", id, err)
	}
	if err := json.Unmarshal(plain, &rec); err != nil {
		return rec, fmt.Errorf("report %s: %w", id, err)
	}
	return rec, nil
}
