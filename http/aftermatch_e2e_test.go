package http

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
	"github.com/vigilproject/vigil/eucentre/eucentrefake"
	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/internal/drawjpeg"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
	noticeworker "github.com/vigilproject/vigil/notice"
	"github.com/vigilproject/vigil/orders"
	"github.com/vigilproject/vigil/reporting"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/transparency"
	"github.com/vigilproject/vigil/vault"
	"github.com/vigilproject/vigil/webhook"
)

// hookEvent is one webhook delivery as the platform's receiver decodes it.
type hookEvent struct {
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

// hookReceiver is the platform's webhook endpoint on 127.0.0.1: it checks every delivery's
// signature and keeps the events in the order they arrived.
type hookReceiver struct {
	secret string
	clock  vigil.Clock
	mu     sync.Mutex
	events []hookEvent
	bad    []string // deliveries whose signature or body did not check
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	var e hookEvent
	switch {
	case err != nil:
		h.bad = append(h.bad, err.Error())
	case webhook.Verify(h.secret, r.Header.Get(webhook.SignatureHeader), body, h.clock.Now(), time.Minute) != nil:
		h.bad = append(h.bad, "bad signature: "+string(body))
	case json.Unmarshal(body, &e) != nil:
		h.bad = append(h.bad, "bad body: "+string(body))
	default:
		h.events = append(h.events, e)
	}
}

// take returns the data of the events named event received so far, decoded into new values of
// T, and forgets them, so each step sees only what it caused.
func take[T any](t *testing.T, h *hookReceiver, event string) []T {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.bad) > 0 {
		t.Fatalf("webhook receiver refused deliveries: %v", h.bad)
	}
	var out []T
	h.events = slices.DeleteFunc(h.events, func(e hookEvent) bool {
		if e.Event != event {
			return false
		}
		var v T
		if err := json.Unmarshal(e.Data, &v); err != nil {
			t.Fatalf("%s: %v in %s", event, err, e.Data)
		}
		out = append(out, v)
		return true
	})
	return out
}

// scenario is the whole after-match stack on one fake clock: the platform fixture with every
// service wired, the CyberTipline and EU Centre fakes and the platform's webhook receiver on
// 127.0.0.1, and the background workers, which the test ticks instead of running.
type scenario struct {
	*platform
	keys       map[vigil.Scope]string
	reviewer   string // the name of the reviewer who confirms the case
	hooks      *hookReceiver
	deliverer  *webhook.Worker
	reporter   *reporting.Worker
	notifier   *noticeworker.Worker
	orderClock *orders.Worker
	ncmec      *ncmecfake.Server
	eu         *eucentrefake.Server
	pub        ed25519.PublicKey // the provider's signing key, as GET /v1/reports/signing-key gives it

	img                       []byte // the benign picture the test draws, in the known bank
	contentID, caseID, report string
	removal                   string    // the action that removed the item on confirmation
	confirmed                 time.Time // when the reviewer confirmed the case
}

// newScenario starts the stack at start and configures it (see configure).
func newScenario(t *testing.T, start time.Time) *scenario {
	t.Helper()
	f := newPlatformAt(t, start)
	s := &scenario{platform: f, keys: map[vigil.Scope]string{},
		hooks: &hookReceiver{secret: "the platform's webhook secret", clock: f.clock}}
	for _, sc := range []vigil.Scope{vigil.ScopeAdmin, vigil.ScopeSubmit, vigil.ScopeReports, vigil.ScopeEvidence,
		vigil.ScopeOrders, vigil.ScopeComplaints} {
		s.keys[sc] = f.key(t, sc)
	}
	hookSrv := httptest.NewServer(s.hooks)
	t.Cleanup(hookSrv.Close)
	s.deliverer = webhook.New(f.db, f.clock, webhook.Options{MaxAttempts: 1})
	reports := sqlite.NewReportStore(f.db)
	key, err := reports.SigningPrivateKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.reporter = &reporting.Worker{Store: reports, Media: sqlite.NewEvidenceStore(f.db), Clock: f.clock,
		Connect: reporting.Connector(key, nil), Jitter: func() float64 { return 0 }}
	s.notifier = &noticeworker.Worker{Store: f.db}
	s.orderClock = &orders.Worker{Store: sqlite.NewOrderStore(f.db), Clock: f.clock}
	var sk signingKeyJSON
	s.call(t, request{method: "GET", path: "/v1/reports/signing-key"}, http.StatusOK, &sk)
	if s.pub, err = base64.StdEncoding.DecodeString(sk.PublicKey); err != nil || len(s.pub) != ed25519.PublicKeySize {
		t.Fatalf("signing key %+v: %v", sk, err)
	}
	s.ncmec, s.eu = ncmecfake.New("esp", "esp-password", f.clock), eucentrefake.New(s.pub)
	ncmecSrv, euSrv := httptest.NewServer(s.ncmec), httptest.NewServer(s.eu)
	t.Cleanup(ncmecSrv.Close)
	t.Cleanup(euSrv.Close)
	s.configure(t, hookSrv.URL, ncmecSrv.URL, euSrv.URL+eucentrefake.Path)
	return s
}

// call sends req and checks the status, decoding the body into out when it is not nil.
func (s *scenario) call(t *testing.T, req request, status int, out any) {
	t.Helper()
	resp, body := s.do(t, req)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d %s, want %d", req.method, req.path, resp.StatusCode, body, status)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(body), out); err != nil {
			t.Fatalf("%s %s: %v in %s", req.method, req.path, err, body)
		}
	}
}

// as is req sent with the API key of scope.
func (s *scenario) as(scope vigil.Scope, req request) request {
	req.key = s.keys[scope]
	return req
}

// by is req sent in the session sess (cookie and CSRF token).
func by(sess [2]string, req request) request {
	req.cookie, req.csrf = sess[0], sess[1]
	return req
}

// configure sets the service up as its admin would: the service, a known bank holding the
// picture's PDQ hash, both report destinations (the fakes), what notices say, and the webhook.
func (s *scenario) configure(t *testing.T, hookURL, ncmecURL, euURL string) {
	t.Helper()
	s.img = drawjpeg.Draw(5, 640, 480)
	res, err := hasher.Hash(bytes.NewReader(s.img), hasher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reportSettings := fmt.Sprintf(`{"provider":{"name":"Example Photos BV","contact_point":"spoc@photos.example",
		"reporter_email":"legal@photos.example"},"legal_basis":"Article 12","eu_centre":true,"eu_centre_url":%q,
		"ncmec":true,"ncmec_environment":"test","ncmec_url":%q,"ncmec_user":"esp","ncmec_password":"esp-password"}`, euURL, ncmecURL)
	hook := fmt.Sprintf(`{"url":%q,"secret":%q,"events":["action.requested","notice.due","report.sent","order.due_soon","order.executed"]}`,
		hookURL, s.hooks.secret)
	for _, c := range []struct {
		method, path, body string
		status             int
	}{
		{"PUT", "/v1/services/photos", `{"type":"hosting","jurisdiction":"EU"}`, http.StatusOK},
		{"POST", "/v1/banks", `{"name":"known","kind":"known"}`, http.StatusCreated},
		{"POST", "/v1/banks/known/entries", fmt.Sprintf(`{"entries":[{"signal_type":"pdq","signal":"%s","category":"A1"}]}`, res.PDQ), http.StatusOK},
		{"PUT", "/v1/reports/settings", reportSettings, http.StatusOK},
		{"PUT", "/v1/notices/settings", `{"provider":"Example Photos BV","complaint_url":"https://photos.example/complain",
			"authority":"Bundesnetzagentur","authority_url":"https://bnetza.example"}`, http.StatusOK},
		{"POST", "/v1/webhooks", hook, http.StatusCreated},
	} {
		s.call(t, s.as(vigil.ScopeAdmin, request{method: c.method, path: c.path, body: c.body}), c.status, nil)
	}
}

// tick runs one pass of every worker at the clock's time, then delivers the webhooks raised.
func (s *scenario) tick(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	// Orders settle first and reports are sent before notices run, so the notices these
	// passes schedule are seen by the same tick, as "vigil serve"'s workers would within seconds.
	for _, w := range []struct {
		name string
		tick func(context.Context) error
	}{{"orders", s.orderClock.Tick}, {"reports", s.reporter.Tick}, {"notices", s.notifier.Tick}} {
		if err := w.tick(ctx); err != nil {
			t.Fatalf("%s worker: %v", w.name, err)
		}
	}
	if _, err := s.deliverer.RunOnce(ctx); err != nil {
		t.Fatalf("webhook worker: %v", err)
	}
}

// actionEvent is the data of an action.requested event, as the platform reads it.
type actionEvent struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Trigger    string `json:"trigger"`
	ContentID  string `json:"content_id"`
	ExternalID string `json:"external_id"`
}

// carryOut is the platform acting on the one action.requested event of kind and trigger that
// the last tick delivered: it does what is asked and confirms it done.
func (s *scenario) carryOut(t *testing.T, kind, trigger string) string {
	t.Helper()
	got := take[actionEvent](t, s.hooks, vigil.EventActionRequested)
	if len(got) != 1 || got[0].Kind != kind || got[0].Trigger != trigger || got[0].ContentID != s.contentID || got[0].ExternalID != "IMG-1" {
		t.Fatalf("action.requested events %+v, want one %s of IMG-1 by %s", got, kind, trigger)
	}
	var done actionJSON
	s.call(t, s.as(vigil.ScopeSubmit, request{method: "POST", path: "/v1/actions/" + got[0].ID + "/done"}), http.StatusOK, &done)
	if done.Status != vigil.ActionDone || done.Done != apiTime(s.clock.Now()) {
		t.Fatalf("action after done: %+v", done)
	}
	return got[0].ID
}

// TestAfterMatchEndToEnd takes one upload matching a known bank through everything that follows
// the match, over the HTTP API, on one fake clock starting 12 January 2026, and checks the
// year's transparency report counts what happened.
func TestAfterMatchEndToEnd(t *testing.T) {
	s := newScenario(t, time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC))
	s.uploadAndConfirm(t)
	s.checkEvidence(t)
	sent := s.approveAndSend(t)
	s.checkReportNotice(t, sent)
	s.complainAndRestore(t)
	s.removalOrder(t)
	s.checkTransparency(t)
}

// uploadAndConfirm: the platform uploads the picture, which matches and opens a case; a
// reviewer reveals it and confirms; the automatic removal goes out by webhook and the platform
// confirms it done.
func (s *scenario) uploadAndConfirm(t *testing.T) {
	t.Helper()
	ct, body := upload(t, map[string]string{"service": "photos", "external_id": "IMG-1", "uploader": "user-42",
		"metadata": `{"uploader_email":"user42@mail.example","uploader_ip":"198.51.100.7","username":"user42"}`}, s.img)
	var c contentJSON
	s.call(t, s.as(vigil.ScopeSubmit, request{method: "POST", path: "/v1/content?wait=20s", body: string(body), contentType: ct}),
		http.StatusAccepted, &c)
	if c.Status != "match" || c.CaseID == "" {
		t.Fatalf("upload: %+v, want a match with a case", c)
	}
	s.contentID, s.caseID = c.ID, c.CaseID
	name, cookie, csrf := s.sessionNamed(t, vigil.RoleReviewer)
	s.reviewer = name
	rev := [2]string{cookie, csrf}
	casePath := "/v1/cases/" + s.caseID
	s.call(t, by(rev, request{method: "POST", path: casePath + "/claim"}), http.StatusOK, nil)
	resp, media := s.do(t, by(rev, request{method: "GET", path: casePath + "/media"}))
	if resp.StatusCode != http.StatusOK || media != string(s.img) {
		t.Fatalf("reveal: %d, %d bytes, want the uploaded picture", resp.StatusCode, len(media))
	}
	s.clock.Advance(time.Minute)
	s.confirmed = s.clock.Now()
	s.call(t, by(rev, request{method: "POST", path: casePath + "/decide", body: `{"verdict":"confirm","category":"A1"}`}),
		http.StatusOK, nil)
	s.tick(t)
	s.removal = s.carryOut(t, "remove", "own_initiative")
}

// checkEvidence: the confirmation preserved the picture in the vault for the report, user
// actions, complaints and law enforcement (PR-01, PR-02), until 12 months after it was
// identified (PR-04); an export for a law enforcement request holds the picture decrypted.
func (s *scenario) checkEvidence(t *testing.T) {
	t.Helper()
	var list evidenceResponse
	s.call(t, s.as(vigil.ScopeEvidence, request{method: "GET", path: "/v1/evidence?case_id=" + s.caseID}), http.StatusOK, &list)
	if len(list.Items) != 1 {
		t.Fatalf("evidence of the case: %+v, want one record", list.Items)
	}
	e := list.Items[0]
	sum := sha256.Sum256(s.img)
	if e.Status != string(vigil.EvidenceKept) || e.SHA256 != hex.EncodeToString(sum[:]) || e.Size != int64(len(s.img)) ||
		!slices.Contains(e.Purposes, vigil.PurposeReport) || e.Identified != apiTime(s.confirmed) ||
		e.Deadline != apiTime(s.confirmed.AddDate(1, 0, 0)) {
		t.Errorf("evidence %+v, want the picture kept for reporting for 12 months from its confirmation", e)
	}
	var one vault.Record
	s.call(t, s.as(vigil.ScopeEvidence, request{method: "GET", path: "/v1/evidence/" + e.ID}), http.StatusOK, &one)
	if one.ID != e.ID || one.CaseID != s.caseID {
		t.Errorf("GET /v1/evidence/%s: %+v", e.ID, one)
	}
	resp, archive := s.do(t, s.as(vigil.ScopeEvidence, request{method: "POST", path: "/v1/evidence/" + e.ID + "/export",
		body: `{"reference":"LKA-BE 2026/17"}`}))
	if resp.StatusCode != http.StatusOK || !tarHolds(t, archive, s.img) {
		t.Errorf("export: %d, want a tar archive holding the picture", resp.StatusCode)
	}
}

// tarHolds reports whether the tar archive holds a file whose content is data.
func tarHolds(t *testing.T, archive string, data []byte) bool {
	t.Helper()
	tr := tar.NewReader(strings.NewReader(archive))
	for {
		_, err := tr.Next()
		if err == io.EOF {
			return false
		}
		if err != nil {
			t.Fatalf("export archive: %v", err)
		}
		got, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("export archive: %v", err)
		}
		if bytes.Equal(got, data) {
			return true
		}
	}
}

// approveAndSend: the confirmation drafted a report (known material: one approval, PP-04); a
// legal user approves it and the reporting worker sends it to NCMEC first, then to the EU
// Centre naming the CyberTipline report (RP-09, NC-10). It returns when the report was sent.
func (s *scenario) approveAndSend(t *testing.T) time.Time {
	t.Helper()
	var list reportsResponse
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/reports"}), http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].CaseID != s.caseID || list.Items[0].Status != vigil.ReportDraft ||
		list.Items[0].ApprovalsNeeded != 1 {
		t.Fatalf("reports %+v, want the case's draft needing one approval", list.Items)
	}
	s.report = list.Items[0].ID
	var rep reportJSON
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/reports/" + s.report}), http.StatusOK, &rep)
	if rep.Record == nil || len(rep.Record.Content) != 1 || !rep.Record.Content[0].Viewed || rep.Record.Type != vigil.ReportKnown {
		t.Fatalf("record %+v, want the known item viewed by the reviewer (NC-06)", rep.Record)
	}
	wantUser := vigil.ReportUser{UniqueID: "user-42", Username: "user42", Email: "user42@mail.example"}
	if len(rep.Record.Users) != 1 || rep.Record.Users[0] != wantUser || rep.Record.Geo.IP != "198.51.100.7" {
		t.Errorf("record users %+v at %+v, want the uploader from the upload's metadata (RP-07, RP-08)", rep.Record.Users, rep.Record.Geo)
	}
	s.clock.Advance(time.Hour)
	legalCookie, legalCSRF := s.session(t, vigil.RoleLegal)
	s.call(t, by([2]string{legalCookie, legalCSRF}, request{method: "POST", path: "/v1/reports/" + s.report + "/approve"}),
		http.StatusOK, &rep)
	if rep.Status != vigil.ReportQueued {
		t.Fatalf("approved report: %s, want queued", rep.Status)
	}
	s.tick(t)
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/reports/" + s.report}), http.StatusOK, &rep)
	if rep.AwarenessAt != apiTime(s.confirmed) || rep.ApprovedAt != apiTime(s.clock.Now()) {
		t.Errorf("report aware at %s, approved at %s: want the confirmation (RP-01) and now", rep.AwarenessAt, rep.ApprovedAt)
	}
	if rep.Status != vigil.ReportSent || rep.SentAt != apiTime(s.clock.Now()) {
		t.Fatalf("report after the worker's pass: %s sent %q (%s), want sent now", rep.Status, rep.SentAt, rep.LastError)
	}
	ncmecRef := s.checkCyberTipline(t)
	s.checkEUCentre(t, ncmecRef)
	if got := take[vigil.ReportSentEvent](t, s.hooks, vigil.EventReportSent); len(got) != 1 || got[0].ReportID != s.report ||
		got[0].ContentID != s.contentID {
		t.Errorf("report.sent events %+v, want one of the report", got)
	}
	return s.clock.Now()
}

// checkCyberTipline: one CyberTipline report, finished, with the picture as uploaded (NC-04,
// NC-05); it returns its id.
func (s *scenario) checkCyberTipline(t *testing.T) string {
	t.Helper()
	got := s.ncmec.Reports()
	sum := md5.Sum(s.img)
	if len(got) != 1 || got[0].Status != ncmecfake.Finished || len(got[0].Files) != 1 ||
		got[0].Files[0].MD5 != hex.EncodeToString(sum[:]) || !bytes.Equal(got[0].Files[0].Data, s.img) {
		t.Fatalf("CyberTipline reports %+v, want one finished with the picture", got)
	}
	for _, v := range []string{"user42@mail.example", "198.51.100.7"} {
		if !bytes.Contains(got[0].XML, []byte(v)) {
			t.Errorf("the CyberTipline report does not name %s: %s", v, got[0].XML)
		}
	}
	return strconv.FormatInt(got[0].ID, 10)
}

// checkEUCentre: one EU Centre report that validates against the schema, whose signature
// verifies with the key the API publishes (RP-03), and that names the CyberTipline report.
func (s *scenario) checkEUCentre(t *testing.T, ncmecRef string) {
	t.Helper()
	got := s.eu.Reports()
	if len(got) != 1 || got[0].IdempotencyKey != s.report {
		t.Fatalf("EU Centre reports %+v, want one keyed by the report id", got)
	}
	doc := got[0]
	if err := eucentre.Validate(doc.Body); err != nil {
		t.Errorf("EU Centre document: %v", err)
	}
	if !bytes.Contains(doc.Body, []byte(base64.StdEncoding.EncodeToString(s.img))) {
		t.Error("the EU Centre document does not carry the picture (RP-04)")
	}
	if err := eucentre.Verify(s.pub, doc.Body, doc.Signature); err != nil {
		t.Errorf("EU Centre signature with GET /v1/reports/signing-key: %v", err)
	}
	if !slices.ContainsFunc(doc.Document.ThirdCountry, func(r eucentre.ThirdCountry) bool { return r.Reference == ncmecRef }) {
		t.Errorf("third-country reports %+v, want CyberTipline report %s (RP-09)", doc.Document.ThirdCountry, ncmecRef)
	}
}

// noticeOf returns the content's one notice of kind about reference (a report, action, order
// or complaint id).
func (s *scenario) noticeOf(t *testing.T, kind vigil.NoticeKind, reference string) noticeJSON {
	t.Helper()
	var list noticesResponse
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/notices?content_id=" + s.contentID}), http.StatusOK, &list)
	var found []noticeJSON
	for _, n := range list.Items {
		if n.Kind == kind && n.Reference == reference {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		t.Fatalf("notices %+v, want one of kind %s about %s", list.Items, kind, reference)
	}
	return found[0]
}

// checkNoticeWaits checks that notice n, due at due, goes out at due and not a second before.
func (s *scenario) checkNoticeWaits(t *testing.T, n noticeJSON, due time.Time) {
	t.Helper()
	s.clock.Set(due.Add(-time.Second))
	s.tick(t)
	if got := s.noticeOf(t, n.Kind, n.Reference); got.Status != n.Status {
		t.Fatalf("%s notice a second before %s: %+v, want still %s", n.Kind, apiTime(due), got, n.Status)
	}
	s.checkNoticeSent(t)
	s.clock.Set(due)
	s.tick(t)
	if got := s.noticeOf(t, n.Kind, n.Reference); got.Status != vigil.NoticeSent || got.Sent != apiTime(due) {
		t.Fatalf("%s notice at %s: %+v, want sent", n.Kind, apiTime(due), got)
	}
	s.checkNoticeSent(t, string(n.Kind))
}

// noticeEvent is the data of a notice.due event, as the platform reads it.
type noticeEvent struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	ContentID string `json:"content_id"`
	Uploader  string `json:"uploader"`
	Text      string `json:"text"`
}

// checkNoticeSent checks the last tick delivered exactly the notices of kinds, in any order,
// each to the uploader with a text.
func (s *scenario) checkNoticeSent(t *testing.T, kinds ...string) {
	t.Helper()
	var got []string
	for _, n := range take[noticeEvent](t, s.hooks, vigil.EventNoticeDue) {
		if n.ContentID != s.contentID || n.Uploader != "user-42" || n.Text == "" {
			t.Errorf("notice.due %+v, want user-42's notice with its text", n)
		}
		got = append(got, n.Kind)
	}
	slices.Sort(got)
	slices.Sort(kinds)
	if !slices.Equal(got, kinds) {
		t.Fatalf("notice.due events of kinds %v, want %v", got, kinds)
	}
}

// checkReportNotice: the removal notice went out at once (RO-07); the report notice is due three
// months after the report was sent and goes out only once the clock reaches that (RP-15).
func (s *scenario) checkReportNotice(t *testing.T, sent time.Time) {
	t.Helper()
	threeMonths := sent.AddDate(0, 3, 0)
	n := s.noticeOf(t, vigil.NoticeReport, s.report)
	if n.Status != vigil.NoticeScheduled || n.Basis != apiTime(sent) || n.Due != apiTime(threeMonths) {
		t.Fatalf("report notice %+v, want scheduled for %s, three months after %s", n, apiTime(threeMonths), apiTime(sent))
	}
	if r := s.noticeOf(t, vigil.NoticeRemoval, s.removal); r.Status != vigil.NoticeSent {
		t.Errorf("removal notice %+v, want sent with the removal", r)
	}
	s.checkNoticeSent(t, string(vigil.NoticeRemoval))
	s.checkNoticeWaits(t, n, threeMonths)
}

// complainAndRestore: the user complains about the removal (SG-06); the reviewer who confirmed
// may not decide it; another reviewer upholds it, so the item is restored by webhook and the
// user is told the outcome (IR-05).
func (s *scenario) complainAndRestore(t *testing.T) {
	t.Helper()
	body := `{"case_id":"` + s.caseID + `","kind":"removal","text":"This is a drawing of shapes.","language":"en"}`
	idem := http.Header{IdempotencyKeyHeader: {"complaint-1"}}
	var filed, again complaintJSON
	s.call(t, s.as(vigil.ScopeComplaints, request{method: "POST", path: "/v1/complaints", body: body, header: idem}), http.StatusCreated, &filed)
	s.call(t, s.as(vigil.ScopeComplaints, request{method: "POST", path: "/v1/complaints", body: body, header: idem}), http.StatusOK, &again)
	if again.ID != filed.ID || filed.Uploader != "user-42" || filed.ContentID != s.contentID {
		t.Fatalf("complaint %+v then %+v, want one of user-42's item", filed, again)
	}
	decide := request{method: "POST", path: "/v1/complaints/" + filed.ID + "/decide", body: `{"outcome":"upheld","reason":"not abuse material"}`}
	confirmerCookie, confirmerCSRF := s.signIn(t, s.reviewer)
	s.call(t, by([2]string{confirmerCookie, confirmerCSRF}, decide), http.StatusForbidden, nil)
	s.clock.Advance(2 * time.Hour)
	cookie, csrf := s.session(t, vigil.RoleReviewer)
	var decided complaintJSON
	s.call(t, by([2]string{cookie, csrf}, decide), http.StatusOK, &decided)
	if decided.Outcome != vigil.ComplaintUpheld || decided.ActionID == "" || decided.NoticeID == "" {
		t.Fatalf("decided %+v, want upheld with a restore and a notice", decided)
	}
	s.tick(t)
	if id := s.carryOut(t, "restore", "complaint"); id != decided.ActionID {
		t.Errorf("restored by action %s, the complaint names %s", id, decided.ActionID)
	}
	s.checkNoticeSent(t, string(vigil.NoticeComplaint))
	var got complaintJSON
	s.call(t, s.as(vigil.ScopeComplaints, request{method: "GET", path: "/v1/complaints/" + filed.ID}), http.StatusOK, &got)
	if got.Status != vigil.ComplaintDecided || got.Filed != apiTime(s.clock.Now().Add(-2*time.Hour)) ||
		got.Decided != apiTime(s.clock.Now()) || got.Notified != apiTime(s.clock.Now()) {
		t.Errorf("complaint %+v, want filed two hours ago, decided and notified now (SG-06)", got)
	}
}

// removalOrder: an authority's removal order names the item (RO-01, RO-02); the removal goes out
// by webhook, the platform confirms it, and the order is executed within its 24 hours with a
// confirmation signed by the provider's key (RO-03, RO-06). The order asks for 42 days of
// non-disclosure: the user's removal notice waits for them (RO-07, RO-08).
func (s *scenario) removalOrder(t *testing.T) {
	t.Helper()
	d := exampleOrderDocument
	d.Reference, d.Service, d.NonDisclosure, d.NonDisclosureDays = "DE-E2E-1", "photos", true, 42
	d.IssuedAt = s.clock.Now().Add(-time.Hour).Format(time.RFC3339)
	d.Items = []orders.Item{{URL: "https://photos.example/p/IMG-1", ContentID: s.contentID}}
	doc, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var o orderJSON
	s.call(t, s.as(vigil.ScopeOrders, request{method: "POST", path: "/v1/orders", body: string(doc),
		header: http.Header{IdempotencyKeyHeader: {"order-1"}}}), http.StatusCreated, &o)
	received := s.clock.Now()
	if o.Deadline != apiTime(received.Add(24*time.Hour)) {
		t.Errorf("order deadline %s, want 24 hours after receipt", o.Deadline)
	}
	s.clock.Advance(3 * time.Hour)
	s.tick(t)
	s.carryOut(t, "remove", "removal_order")
	s.tick(t)
	s.call(t, s.as(vigil.ScopeOrders, request{method: "GET", path: "/v1/orders/" + o.ID}), http.StatusOK, &o)
	if o.Status != vigil.OrderExecuted || o.ExecutedAt == "" {
		t.Fatalf("order after the platform's confirmation: %+v, want executed", o)
	}
	var c confirmationResponse
	s.call(t, s.as(vigil.ScopeOrders, request{method: "GET", path: "/v1/orders/" + o.ID + "/confirmation"}), http.StatusOK, &c)
	if err := orders.VerifyConfirmation(s.pub, c.Confirmation, c.Signature); err != nil {
		t.Errorf("Annex VI confirmation with the published key: %v", err)
	}
	if got := take[json.RawMessage](t, s.hooks, vigil.EventOrderExecuted); len(got) != 1 {
		t.Errorf("%d order.executed events, want 1", len(got))
	}
	silence := received.AddDate(0, 0, 42)
	n := s.noticeOf(t, vigil.NoticeRemoval, o.ID)
	if n.Status != vigil.NoticeHeld || n.Due != apiTime(silence) {
		t.Fatalf("removal notice of the order %+v, want held until %s", n, apiTime(silence))
	}
	s.checkNoticeSent(t)
	s.checkNoticeWaits(t, n, silence)
}

// checkTransparency: the year's report counts one item processed and matched, one case confirmed
// then reversed on complaint (a false positive of its signal type and bank), one complaint upheld
// after two hours, one removal order executed in three, the removals by their triggers, the
// restoration, one report per destination and the preserved evidence (TR-01, TR-02, IR-11), and
// none of its renderings names the user, the item or the case (PP-11, TR-06).
func (s *scenario) checkTransparency(t *testing.T) {
	t.Helper()
	var r transparency.Report
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/transparency?year=2026"}), http.StatusOK, &r)
	var received, matched int64
	for _, v := range r.Volume {
		received, matched = received+v.Received, matched+v.Matched
	}
	signal, bank := errorRateOf(r.ErrorsBySignal, "pdq"), errorRateOf(r.ErrorsByBank, "known")
	for _, f := range []struct {
		name      string
		got, want int64
	}{
		{"items received", received, 1},
		{"items matched", matched, 1},
		{"cases opened", r.Cases.Opened, 1},
		{"cases confirmed", r.Cases.Confirmed, 1},
		{"confirmations reversed on complaint", r.Cases.Reversed, 1},
		{"pdq matches reviewed", signal.Reviewed, 1},
		{"pdq false positives", signal.FalsePositives, 1}, // the reversed confirmation (PP-05, SG-01)
		{"bank known matches reviewed", bank.Reviewed, 1},
		{"bank known false positives", bank.FalsePositives, 1},
		{"complaints filed", r.Complaints.Filed, 1},
		{"complaints decided", r.Complaints.Decided, 1},
		{"complaints upheld", r.Complaints.Upheld, 1},
		{"complaints rejected", r.Complaints.Rejected, 0},
		{"seconds to decide a complaint", int64(r.Complaints.AverageDecisionSeconds), 2 * 3600},
		{"removal orders received", r.RemovalOrders.Received, 1},
		{"removal orders executed", r.RemovalOrders.Executed, 1},
		{"seconds to execute a removal order", int64(r.RemovalOrders.AverageExecutionSeconds), 3 * 3600},
		{"removals on own initiative", countOf(r.Removals, "own_initiative"), 1},
		{"removals by removal order", countOf(r.Removals, "removal_order"), 1},
		{"items restored", r.Restored, 1},
		{"reports to the EU Centre", countOf(r.Reports.ByDestination, "eu_centre"), 1},
		{"reports to NCMEC", countOf(r.Reports.ByDestination, "ncmec"), 1},
		{"evidence preserved", r.Retention.EvidencePreserved, 1},
	} {
		if f.got != f.want {
			t.Errorf("transparency 2026, %s: %d, want %d", f.name, f.got, f.want)
		}
	}
	s.checkNoPersonalData(t)
}

// checkNoPersonalData: no rendering of the transparency report names the user, the item or the
// case (PP-11, TR-06).
func (s *scenario) checkNoPersonalData(t *testing.T) {
	t.Helper()
	for _, format := range []string{"json", "csv", "html"} {
		resp, body := s.do(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/transparency?year=2026&format=" + format}))
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "2026") {
			t.Errorf("transparency as %s: %d %s", format, resp.StatusCode, body)
		}
		for _, personal := range []string{"user-42", "user42", "198.51.100.7", "IMG-1", s.contentID, s.caseID} {
			if strings.Contains(body, personal) {
				t.Errorf("the %s transparency report holds %q", format, personal)
			}
		}
	}
}

// errorRateOf returns the error rate named name, zero when absent.
func errorRateOf(rates []transparency.ErrorRate, name string) transparency.ErrorRate {
	for _, e := range rates {
		if e.Name == name {
			return e
		}
	}
	return transparency.ErrorRate{}
}

// countOf returns the count named name, 0 when absent.
func countOf(counts []transparency.Count, name string) int64 {
	for _, c := range counts {
		if c.Name == name {
			return c.Count
		}
	}
	return 0
}
