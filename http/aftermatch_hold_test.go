package http

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// TestDoNotRemoveHoldDelaysRemoval: when the EU Centre asks, on a law enforcement authority's
// request, that an item stay online (RP-18, EC-14), the removal a confirmation asks for is held
// and no action.requested goes out; when the hold ends, the removal goes out by webhook and
// the user's removal notice follows the platform's confirmation (RO-07).
func TestDoNotRemoveHoldDelaysRemoval(t *testing.T) {
	s := newScenario(t, time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC))
	ct, body := upload(t, map[string]string{"service": "photos", "external_id": "IMG-1", "uploader": "user-42"}, s.img)
	var c contentJSON
	s.call(t, s.as(vigil.ScopeSubmit, request{method: "POST", path: "/v1/content?wait=20s", body: string(body), contentType: ct}),
		http.StatusAccepted, &c)
	s.contentID, s.caseID = c.ID, c.CaseID
	until := s.clock.Now().AddDate(0, 0, 30)
	hold := fmt.Sprintf(`{"kind":"do_not_remove","content_id":%q,"authority":"EU Centre","reference":"EUC-DNR-1","until":%q}`,
		s.contentID, until.Format(time.RFC3339))
	var h holdJSON
	s.call(t, s.as(vigil.ScopeReports, request{method: "POST", path: "/v1/holds", body: hold}), http.StatusCreated, &h)

	cookie, csrf := s.session(t, vigil.RoleReviewer)
	rev := [2]string{cookie, csrf}
	s.call(t, by(rev, request{method: "POST", path: "/v1/cases/" + s.caseID + "/claim"}), http.StatusOK, nil)
	s.call(t, by(rev, request{method: "POST", path: "/v1/cases/" + s.caseID + "/decide", body: `{"verdict":"confirm","category":"A1"}`}),
		http.StatusOK, nil)
	s.tick(t)
	if got := take[actionEvent](t, s.hooks, vigil.EventActionRequested); len(got) != 0 {
		t.Fatalf("action.requested %+v under a do-not-remove hold, want none", got)
	}
	var actions actionsResponse
	s.call(t, s.as(vigil.ScopeSubmit, request{method: "GET", path: "/v1/actions?content_id=" + s.contentID}), http.StatusOK, &actions)
	if len(actions.Items) != 1 || actions.Items[0].Status != vigil.ActionHeld || actions.Items[0].HoldID != h.ID {
		t.Fatalf("actions %+v, want the removal held by %s", actions.Items, h.ID)
	}
	s.checkNoticeSent(t)

	s.clock.Set(until.Add(-time.Second))
	s.tick(t)
	if got := take[actionEvent](t, s.hooks, vigil.EventActionRequested); len(got) != 0 {
		t.Fatalf("action.requested %+v a second before the hold ends, want none", got)
	}
	s.clock.Set(until)
	s.tick(t)
	id := s.carryOut(t, "remove", "own_initiative")
	s.tick(t)
	if n := s.noticeOf(t, vigil.NoticeRemoval, id); n.Status != vigil.NoticeSent || n.Sent != apiTime(until) {
		t.Errorf("removal notice %+v, want sent when the removal was done", n)
	}
	s.checkNoticeSent(t, string(vigil.NoticeRemoval))
}
