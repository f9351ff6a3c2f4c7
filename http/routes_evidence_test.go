package http

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/vault"
)

// fakeEvidence is an EvidenceService holding one record, recording the exports it makes.
type fakeEvidence struct {
	e       vigil.Evidence
	exports []string // references
}

func (f *fakeEvidence) ListEvidence(_ context.Context, flt vigil.EvidenceFilter) ([]vigil.Evidence, string, error) {
	if flt.CaseID != "" && flt.CaseID != f.e.CaseID {
		return nil, "", nil
	}
	return []vigil.Evidence{f.e}, "", nil
}

func (f *fakeEvidence) GetEvidence(_ context.Context, id string) (vigil.Evidence, error) {
	if id != f.e.ID {
		return vigil.Evidence{}, vigil.Errorf(vigil.ENOTFOUND, "no evidence %s", id)
	}
	return f.e, nil
}

func (f *fakeEvidence) ExportEvidence(_ context.Context, id, reference string, w io.Writer) error {
	switch {
	case strings.TrimSpace(reference) == "":
		return vigil.FieldErrorf(vigil.EINVALID, "reference", "give the request's reference")
	case id != f.e.ID:
		return vigil.Errorf(vigil.ENOTFOUND, "no evidence %s", id)
	}
	f.exports = append(f.exports, reference)
	return vault.WriteArchive(w, []vault.ExportFile{{Name: id + ".jpg", Data: []byte("bytes")}}, time.Time{})
}

func (f *fakeEvidence) CaseMedia(context.Context, string, string) ([]byte, string, error) {
	return nil, "", vigil.Errorf(vigil.EFORBIDDEN, "not over HTTP")
}

// TestEvidenceRoutes checks the evidence API: records as JSON, exports as tar archives that
// need the request's reference, and only for the evidence scope.
func TestEvidenceRoutes(t *testing.T) {
	f := newPlatform(t)
	at := time.Date(2026, 11, 27, 12, 5, 0, 0, time.UTC)
	ev := &fakeEvidence{e: vigil.Evidence{ID: "evd_1", CaseID: "cas_1", ContentID: "cnt_1", Service: "photos",
		Purposes: vigil.ConfirmedPurposes, Policy: "eu 12 months", Identified: at, Deadline: at.AddDate(1, 0, 0),
		HeldUntil: at.AddDate(2, 0, 0), Status: vigil.EvidenceKept, Size: 5, MediaType: "image/jpeg", Created: at}}
	evidenceKey, casesKey := f.key(t, vigil.ScopeEvidence), f.key(t, vigil.ScopeCases)
	tests := []struct {
		name, method, path, body, key string
		want                          int
		check                         func(t *testing.T, body string)
	}{
		{"list", "GET", "/v1/evidence?case_id=cas_1", "", evidenceKey, http.StatusOK, func(t *testing.T, body string) {
			var page evidenceResponse
			if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Items) != 1 ||
				page.Items[0].Deadline != "2027-11-27T12:05:00.000Z" || page.Items[0].HeldUntil != "2028-11-27T12:05:00.000Z" {
				t.Errorf("list = %s, %v", body, err)
			}
		}},
		{"bad limit", "GET", "/v1/evidence?limit=0", "", evidenceKey, http.StatusBadRequest, nil},
		{"get", "GET", "/v1/evidence/evd_1", "", evidenceKey, http.StatusOK, func(t *testing.T, body string) {
			if !strings.Contains(body, `"purposes":["report","user_action","complaint","law_enforcement"]`) {
				t.Errorf("get = %s", body)
			}
		}},
		{"get unknown", "GET", "/v1/evidence/evd_2", "", evidenceKey, http.StatusNotFound, nil},
		{"export without reference", "POST", "/v1/evidence/evd_1/export", `{}`, evidenceKey, http.StatusBadRequest, nil},
		{"export", "POST", "/v1/evidence/evd_1/export", `{"reference":"LE-1"}`, evidenceKey, http.StatusOK, func(t *testing.T, body string) {
			hdr, err := tar.NewReader(bytes.NewReader([]byte(body))).Next()
			if err != nil || hdr.Name != "evd_1.jpg" {
				t.Errorf("export archive starts with %v, %v", hdr, err)
			}
		}},
		{"list without the evidence scope", "GET", "/v1/evidence", "", casesKey, http.StatusForbidden, nil},
		{"export without the evidence scope", "POST", "/v1/evidence/evd_1/export", `{"reference":"LE-2"}`, casesKey, http.StatusForbidden, nil},
	}
	f.srv.Evidence = ev
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: tt.method, path: tt.path, body: tt.body, key: tt.key})
			if resp.StatusCode != tt.want {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.want)
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
	if strings.Join(ev.exports, ",") != "LE-1" {
		t.Errorf("exports made: %v, want only LE-1", ev.exports)
	}
	cookie, _ := f.session(t, vigil.RoleLegal)
	if resp, body := f.do(t, request{method: "GET", path: "/evidence", cookie: cookie}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "evd_1") {
		t.Errorf("evidence page = %d, want 200 listing evd_1", resp.StatusCode)
	}
	f.srv.Evidence = nil
	if resp, _ := f.do(t, request{method: "GET", path: "/v1/evidence", key: evidenceKey}); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("without a vault: %d, want 503", resp.StatusCode)
	}
}
