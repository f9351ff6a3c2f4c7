package http

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/drawjpeg"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// TestSignalSubmissionsAreRateLimited checks that hash-only submissions draw on the key's match
// rate limit, as /v1/match does: once a key has used a second's worth, it gets 429 with
// Retry-After until the bucket refills, while its uploads are still taken.
func TestSignalSubmissionsAreRateLimited(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	f := newContentFixture(t, clock)
	if code, body := f.send(t, vigil.ScopeAdmin, "PUT", "/v1/services/photos", "application/json",
		[]byte(`{"type":"hosting","jurisdiction":"US"}`)); code != http.StatusOK {
		t.Fatalf("create service: %d %s", code, body)
	}
	signals := func(i int) []byte {
		return fmt.Appendf(nil, `{"service":"photos","external_id":"s%d","signals":{"md5":"%032x"}}`, i, i)
	}
	for i := range DefaultMatchRate {
		if code, body := f.send(t, vigil.ScopeSubmit, "POST", "/v1/content?wait=0", "application/json", signals(i)); code != http.StatusAccepted {
			t.Fatalf("submission %d within the limit: %d %s", i, code, body)
		}
	}
	req, err := http.NewRequest("POST", f.srv.URL+"/v1/content?wait=0", bytes.NewReader(signals(DefaultMatchRate)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.keys[vigil.ScopeSubmit])
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("submission over the limit: %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	ct, body := upload(t, map[string]string{"service": "photos", "external_id": "u1"}, drawjpeg.Draw(2, 64, 48))
	if code, got := f.send(t, vigil.ScopeSubmit, "POST", "/v1/content?wait=0", ct, body); code != http.StatusAccepted {
		t.Errorf("upload after the signals limit: %d %s", code, got)
	}
	clock.Advance(time.Second)
	if code, got := f.send(t, vigil.ScopeSubmit, "POST", "/v1/content?wait=0", "application/json", signals(DefaultMatchRate+1)); code != http.StatusAccepted {
		t.Errorf("submission once the bucket refilled: %d %s", code, got)
	}
}

// busyContent is a content service whose queue is always full.
type busyContent struct{ vigil.ContentService }

func (busyContent) Submit(context.Context, vigil.Submission) (vigil.Content, error) {
	return vigil.Content{}, vigil.Errorf(vigil.EUNAVAILABLE, "the server is busy: its queue is full, retry shortly")
}

// TestBusySubmissionAnswers503 checks that a submission the pipeline cannot take in time gets
// 503 with Retry-After, so clients back off instead of timing out.
func TestBusySubmissionAnswers503(t *testing.T) {
	f := newContentFixture(t, fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
	f.server.Content = busyContent{f.server.Content}
	ct, body := upload(t, map[string]string{"service": "photos"}, drawjpeg.Draw(2, 64, 48))
	req, err := http.NewRequest("POST", f.srv.URL+"/v1/content", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.keys[vigil.ScopeSubmit])
	req.Header.Set("Content-Type", ct)
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got errorBody
	json.NewDecoder(resp.Body).Decode(&got)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" || got.Error.Code != vigil.EUNAVAILABLE {
		t.Errorf("%d, Retry-After %q, %+v; want 503 with Retry-After 1", resp.StatusCode, resp.Header.Get("Retry-After"), got)
	}
}
