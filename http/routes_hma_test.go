package http

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/match"
)

// pdqOf returns the PDQ hash of a picture, as /h/hash must report it.
func pdqOf(t *testing.T, data []byte) string {
	t.Helper()
	res, err := hasher.Hash(strings.NewReader(string(data)), hasher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Quality < match.DefaultMinQuality {
		t.Fatalf("test picture has PDQ quality %d, want at least %d", res.Quality, match.DefaultMinQuality)
	}
	return res.PDQ.String()
}

// TestHMAShapes covers the request and response shape of every HMA-compatible endpoint.
func TestHMAShapes(t *testing.T) {
	f := newBankFixture(t)
	photo := testPhoto(t)
	pdqHash := pdqOf(t, photo)
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(photo)
	}))
	t.Cleanup(media.Close)
	upload, uploadType := multipartBody(t, "photo", "x.png", photo)
	r, w, m := vigil.ScopeBanksRead, vigil.ScopeBanksWrite, vigil.ScopeMatch
	f.run(t, []call{
		{name: "create bank", scope: w, method: "POST", path: "/c/banks", body: `{"name":"MY_BANK"}`, wantStatus: 201,
			wantBody: `{"name":"MY_BANK","matching_enabled_ratio":1}`},
		{name: "create existing", scope: w, method: "POST", path: "/c/banks", body: `{"name":"MY_BANK"}`, wantStatus: 403,
			wantBody: `{"message":"Bank already exists"}`},
		{name: "create sampled", scope: w, method: "POST", path: "/c/banks", body: `{"name":"HALF","enabled_ratio":0.5}`, wantStatus: 400},
		{name: "create disabled", scope: w, method: "POST", path: "/c/banks", body: `{"name":"OFF","enabled":false}`, wantStatus: 201,
			wantBody: `{"name":"OFF","matching_enabled_ratio":0}`},
		{name: "list banks", scope: r, method: "GET", path: "/c/banks", wantStatus: 200,
			wantBody: `[{"name":"MY_BANK","matching_enabled_ratio":1},{"name":"OFF","matching_enabled_ratio":0}]`},
		{name: "get bank", scope: r, method: "GET", path: "/c/bank/MY_BANK", wantStatus: 200, wantBody: `{"name":"MY_BANK","matching_enabled_ratio":1}`},
		{name: "get missing bank", scope: r, method: "GET", path: "/c/bank/NOPE", wantStatus: 404, wantBody: `{"message":"bank 'NOPE' not found"}`},
		{name: "enable", scope: w, method: "PUT", path: "/c/bank/OFF", body: `{"enabled_ratio":1}`, wantStatus: 200,
			wantBody: `{"name":"OFF","matching_enabled_ratio":1}`},
		{name: "rename refused", scope: w, method: "PUT", path: "/c/bank/OFF", body: `{"name":"ON"}`, wantStatus: 400},
		{name: "delete bank", scope: w, method: "DELETE", path: "/c/bank/OFF", wantStatus: 200, wantBody: `{"message":"Done"}`},
		{name: "hash upload", scope: m, method: "POST", path: "/h/hash?types=pdq", body: upload, contentType: uploadType, wantStatus: 200,
			wantBody: `{"pdq":"` + pdqHash + `"}`},
		{name: "hash url", scope: m, method: "GET", path: "/h/hash?types=pdq&url=" + media.URL, wantStatus: 200,
			wantBody: `{"pdq":"` + pdqHash + `"}`},
		{name: "hash unknown field", scope: m, method: "POST", path: "/h/hash", body: strings.Replace(upload, `name="photo"`, `name="audio"`, 1),
			contentType: uploadType, wantStatus: 400},
		{name: "add signal", scope: w, method: "POST", path: "/c/bank/MY_BANK/signal", body: `{"pdq":"` + pdqHash + `","note":"seen"}`, wantStatus: 200,
			wantBody: `{"id":1,"signals":{"pdq":"` + pdqHash + `"}}`},
		{name: "add content", scope: w, method: "POST", path: "/c/bank/MY_BANK/content", body: upload, contentType: uploadType, wantStatus: 200},
		{name: "add bad signal", scope: w, method: "POST", path: "/c/bank/MY_BANK/signal", body: `{"pdq":"xyz"}`, wantStatus: 400},
		{name: "get content", scope: vigil.ScopeAdmin, method: "GET", path: "/c/bank/MY_BANK/content/1?include_signals=true", wantStatus: 200,
			wantBody: `{"id":1,"disable_until_ts":1,"original_media_uri":null,"bank":{"name":"MY_BANK","matching_enabled_ratio":1},"signals":{"pdq":"` + pdqHash + `"},"note":"seen"}`},
		{name: "get content without values", scope: r, method: "GET", path: "/c/bank/MY_BANK/content/1?include_signals=true", wantStatus: 200,
			wantBody: `{"id":1,"disable_until_ts":1,"original_media_uri":null,"bank":{"name":"MY_BANK","matching_enabled_ratio":1},"note":"seen"}`},
		{name: "get missing content", scope: r, method: "GET", path: "/c/bank/MY_BANK/content/99", wantStatus: 404,
			wantBody: `{"message":"content '99' not found"}`},
		{name: "lookup signal", scope: m, method: "GET", path: "/m/lookup?signal_type=pdq&signal=" + pdqHash, wantStatus: 200,
			wantBody: `{"MY_BANK":[{"bank_content_id":1,"distance":"0"}]}`},
		{name: "lookup other bank", scope: m, method: "GET", path: "/m/lookup?signal_type=pdq&banks=NOPE&signal=" + pdqHash, wantStatus: 200, wantBody: `{}`},
		{name: "lookup url", scope: m, method: "GET", path: "/m/lookup?types=pdq&url=" + media.URL, wantStatus: 200,
			wantBody: `{"pdq":{"MY_BANK":[{"bank_content_id":1,"distance":"0"}]}}`},
		{name: "lookup nothing", scope: m, method: "GET", path: "/m/lookup", wantStatus: 400,
			wantBody: `{"message":"Either url or both signal and signal_type are required"}`},
		{name: "lookup upload", scope: m, method: "POST", path: "/m/lookup?types=pdq", body: upload, contentType: uploadType, wantStatus: 200,
			wantBody: `{"pdq":{"MY_BANK":[{"bank_content_id":1,"distance":"0"}]}}`},
		{name: "raw lookup", scope: m, method: "GET", path: "/m/raw_lookup?signal_type=pdq&signal=" + pdqHash, wantStatus: 200,
			wantBody: `{"matches":[1]}`},
		{name: "raw lookup with distance", scope: m, method: "GET", path: "/m/raw_lookup?signal_type=pdq&include_distance=true&signal=" + pdqHash,
			wantStatus: 200, wantBody: `{"matches":[{"bank_content_id":1,"distance":"0"}]}`},
		{name: "compare", scope: m, method: "POST", path: "/m/compare",
			body:       `{"pdq":["` + pdqHash + `","` + pdqHash + `"],"md5":["` + md5A + `","` + md5B + `"]}`,
			wantStatus: 200, wantBody: `{"md5":[false,{}],"pdq":[true,{"distance":0}]}`},
		{name: "compare one hash", scope: m, method: "POST", path: "/m/compare", body: `{"pdq":["` + pdqHash + `"]}`, wantStatus: 400},
		{name: "index status", scope: m, method: "GET", path: "/m/index/status?signal_type=sha256", wantStatus: 200,
			wantBody: `{"sha256":{"present":true,"built_to":1795780800,"size":1}}`},
		{name: "remove content", scope: w, method: "DELETE", path: "/c/bank/MY_BANK/content/1", wantStatus: 200, wantBody: `{"deleted":1}`},
		{name: "remove again", scope: w, method: "DELETE", path: "/c/bank/MY_BANK/content/1", wantStatus: 200, wantBody: `{"deleted":0}`},
		{name: "status", method: "GET", path: "/status", wantStatus: 200, wantBody: "I-AM-ALIVE"},
		{name: "status live", method: "GET", path: "/status/live", wantStatus: 200, wantBody: "I-AM-ALIVE"},
	})
}

// TestHMAAddContentShape checks the answer to adding media: the PDQ entry's id and every
// signal hashed.
func TestHMAAddContentShape(t *testing.T) {
	f := newBankFixture(t)
	f.do(t, call{scope: vigil.ScopeBanksWrite, method: "POST", path: "/c/banks", body: `{"name":"B"}`, wantStatus: 201})
	upload, uploadType := multipartBody(t, "photo", "x.png", testPhoto(t))
	body := f.do(t, call{scope: vigil.ScopeBanksWrite, method: "POST", path: "/c/bank/B/content", body: upload, contentType: uploadType, wantStatus: 200})
	var got hmaAdded
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != 1 || len(got.Signals) != 4 || got.Signals["pdq"] != pdqOf(t, testPhoto(t)) {
		t.Errorf("added = %+v, want id 1 (the PDQ entry) and pdq, md5, sha1, sha256", got)
	}
}

func TestHMABankNames(t *testing.T) {
	tests := []struct{ vigil, hma string }{
		{"ncmec", "NCMEC"},
		{"ncmec-2026.q1", "NCMEC_2026_Q1"},
		{"my_bank", "MY_BANK"},
	}
	for _, tt := range tests {
		t.Run(tt.vigil, func(t *testing.T) {
			if got := hmaName(tt.vigil); got != tt.hma {
				t.Errorf("hmaName(%q) = %q, want %q", tt.vigil, got, tt.hma)
			}
		})
	}
	if _, err := vigilName("_PRIVATE"); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("vigilName(_PRIVATE) error = %v, want invalid", err)
	}
}

// FuzzHMABankName checks that an HMA name Vigil accepts comes back unchanged, and that a Vigil
// name without '-' or '.' survives the trip through its HMA form.
func FuzzHMABankName(f *testing.F) {
	for _, s := range []string{"MY_BANK", "ncmec", "_X", "a-b.c", "Ǆ", "9LIVES"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if name, err := vigilName(s); err == nil && hmaName(name) != strings.ToUpper(strings.ToLower(s)) && !strings.ContainsAny(name, "-.") {
			t.Errorf("vigilName(%q) = %q, whose HMA form is %q", s, name, hmaName(name))
		}
		if match.ValidateName(s) == nil && !strings.ContainsAny(s, "-.") {
			if back, err := vigilName(hmaName(s)); err != nil || back != s {
				t.Errorf("vigilName(hmaName(%q)) = %q, %v", s, back, err)
			}
		}
	})
}
