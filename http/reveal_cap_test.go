package http

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

func TestAPISetRevealCap(t *testing.T) {
	f := newPlatform(t)
	admin := f.key(t, vigil.ScopeAdmin)
	bob, err := f.users.CreateUser(systemCtx, "bob", vigil.RoleReviewer, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	path := "/v1/users/" + bob.ID + "/reveal-cap"
	for _, tc := range []struct {
		name, body string
		status     int
		want       int // bob's cap afterwards
	}{
		{"set", `{"reveals_per_hour":25}`, http.StatusOK, 25},
		{"default", `{"reveals_per_hour":0}`, http.StatusOK, 0},
		{"negative", `{"reveals_per_hour":-3}`, http.StatusBadRequest, 0},
		{"too many", `{"reveals_per_hour":` + strconv.Itoa(vigil.MaxRevealsPerHour+1) + `}`, http.StatusBadRequest, 0},
		{"not a number", `{"reveals_per_hour":"many"}`, http.StatusBadRequest, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: "PUT", path: path, key: admin, body: tc.body})
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status == http.StatusOK {
				var u userJSON
				if err := json.Unmarshal([]byte(body), &u); err != nil || u.ID != bob.ID || u.RevealsPerHour != tc.want {
					t.Errorf("response %s, want bob with cap %d", body, tc.want)
				}
			}
			if u, _ := f.users.User(systemCtx, bob.ID); u.RevealsPerHour != tc.want {
				t.Errorf("stored cap %d, want %d", u.RevealsPerHour, tc.want)
			}
		})
	}
	if resp, _ := f.do(t, request{method: "PUT", path: "/v1/users/usr_nope/reveal-cap", key: admin, body: `{"reveals_per_hour":5}`}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown user: %d, want 404", resp.StatusCode)
	}
}

// TestUIRevealCapForm sets a reviewer's cap through the users page and checks that the case
// page and the reveal endpoint hold the reviewer to it.
func TestUIRevealCapForm(t *testing.T) {
	f := newUIFixture(t)
	c := f.openCase(t, testPicture(t, 16, 16))
	admin := f.browser(t)
	admin.signIn("ada", f.addUser(t, "ada", vigil.RoleAdmin))
	rita := f.browser(t)
	rita.signIn("rita", f.addUser(t, "rita", vigil.RoleReviewer))
	ritaUser, err := f.users.UserByName(f.system(), "rita")
	if err != nil {
		t.Fatal(err)
	}
	csrf := admin.csrf()
	post := func(value string) *http.Response {
		resp, _ := admin.post("/users/"+ritaUser.ID+"/reveal-cap", url.Values{"csrf_token": {csrf}, "reveals_per_hour": {value}})
		return resp
	}
	for _, tc := range []struct {
		name, value string
		status      int
		want        int
	}{
		{"set", "2", http.StatusSeeOther, 2},
		{"not a number", "two", http.StatusBadRequest, 2},
		{"too many", strconv.Itoa(vigil.MaxRevealsPerHour + 1), http.StatusBadRequest, 2},
		{"empty means default", "", http.StatusSeeOther, 0},
		{"set again", " 2 ", http.StatusSeeOther, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp := post(tc.value); resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if u, _ := f.users.User(f.system(), ritaUser.ID); u.RevealsPerHour != tc.want {
				t.Errorf("stored cap %d, want %d", u.RevealsPerHour, tc.want)
			}
		})
	}
	_, users := admin.get("/users")
	if !strings.Contains(users, `action="/users/`+ritaUser.ID+`/reveal-cap"`) || !strings.Contains(users, `value="2"`) {
		t.Error("the users page lacks the reveal cap form showing rita's cap")
	}
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		resp, _ := rita.get("/cases/" + c.ID + "/media")
		if resp.StatusCode != want {
			t.Fatalf("reveal %d: %d, want %d", i+1, resp.StatusCode, want)
		}
		if want == http.StatusOK && resp.Header.Get("Vigil-Reveal-Cap") != "2" {
			t.Errorf("reveal %d: Vigil-Reveal-Cap %q, want 2", i+1, resp.Header.Get("Vigil-Reveal-Cap"))
		}
	}
	if _, page := rita.get("/cases/" + c.ID); strings.Contains(page, `id="cap-message" role="alert" hidden`) {
		t.Error("the case page does not show the cap message at the cap")
	}
}
