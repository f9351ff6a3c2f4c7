package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/internal/drawjpeg"
)

// crashServer is a "vigil serve" child process.
type crashServer struct {
	cmd *exec.Cmd
	url string
}

// startChild starts the binary on data and waits until it listens.
func startChild(t *testing.T, bin, data string) *crashServer {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				found <- line.URL
			}
		}
	}()
	select {
	case url := <-found:
		return &crashServer{cmd: cmd, url: url}
	case <-time.After(30 * time.Second):
		t.Fatal("vigil serve did not start listening within 30 s")
	}
	return nil
}

// api sends one JSON (or other) request with key and decodes a JSON answer into out.
func api(t *testing.T, method, url, key, contentType string, body []byte, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, data)
		}
	}
	if resp.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	return resp.StatusCode
}

type verdictBody struct {
	ID, Status string
	CaseID     string `json:"case_id"`
}

// TestServeSurvivesKill9 is the crash-safety bar: it loads a real server with 1,000
// submissions, kills it with SIGKILL midway, restarts it on the same data, and checks that every
// submission that was answered 202 has exactly one final verdict, that resubmitting it finds the
// same item, and that no content has two cases.
func TestServeSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and loads a server: not in -short mode")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "vigil")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	srv := startChild(t, bin, data)
	keyOut, err := exec.Command(bin, "admin", "key", "create", "--data", data, "--name", "crash", "--scopes", "admin").Output()
	if err != nil {
		t.Fatalf("admin key create: %v", err)
	}
	key := strings.TrimSpace(string(keyOut))

	// Seed 1 is in a known bank: one submission in eight matches and opens a case.
	images := make([][]byte, 8)
	for i := range images {
		images[i] = drawjpeg.Draw(uint64(i+1), 640, 480)
	}
	res, err := hasher.Hash(bytes.NewReader(images[0]), hasher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/v1/services/crash", `{"type":"hosting","jurisdiction":"US"}`},
		{"POST", "/v1/banks", `{"name":"known","kind":"known"}`},
		{"POST", "/v1/banks/known/entries", fmt.Sprintf(`{"entries":[{"signal_type":"pdq","signal":"%s","category":"test"}]}`, res.PDQ)},
	} {
		if code := api(t, c.method, srv.url+c.path, key, "application/json", []byte(c.body), nil); code >= 300 {
			t.Fatalf("%s %s: %d", c.method, c.path, code)
		}
	}

	accepted := loadUntilKilled(t, srv, key, images)
	if len(accepted) == 0 || len(accepted) == 1000 {
		t.Fatalf("%d submissions accepted before the kill: the kill must land midway", len(accepted))
	}
	t.Logf("%d submissions answered 202 before kill -9", len(accepted))

	srv = startChild(t, bin, data)
	matches, resumed := 0, 0
	for ext, id := range accepted {
		v, waited := waitVerdict(t, srv.url, key, id)
		if waited {
			resumed++
		}
		var again verdictBody
		body, ct := multipartPhoto(t, ext, images[0])
		if code := api(t, "POST", srv.url+"/v1/content?wait=0", key, ct, body, &again); code != 202 || again.ID != id {
			t.Errorf("resubmitting %s: %d, item %s, want %s", ext, code, again.ID, id)
		}
		if v.Status == "match" {
			matches++
			if v.CaseID == "" {
				t.Errorf("%s matched without a case", id)
			}
		}
	}
	t.Logf("%d of them still pending after the restart, %d matched", resumed, matches)
	checkCases(t, srv.url, key, matches)
}

// loadUntilKilled sends up to 1,000 submissions from 8 clients and kills the server after 300
// answers; it returns external id -> content id of every submission answered 202.
func loadUntilKilled(t *testing.T, srv *crashServer, key string, images [][]byte) map[string]string {
	var mu sync.Mutex
	accepted := map[string]string{}
	var next, answered atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var killOnce sync.Once
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for n := next.Add(1); n <= 1000 && ctx.Err() == nil; n = next.Add(1) {
				ext := fmt.Sprint("item-", n)
				body, ct := multipartPhoto(t, ext, drawjpeg.Tag(images[n%int64(len(images))], ext))
				req, _ := http.NewRequestWithContext(ctx, "POST", srv.url+"/v1/content?wait=0", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", ct)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					continue // the server is gone: this one was never acknowledged
				}
				var v verdictBody
				err = json.NewDecoder(resp.Body).Decode(&v)
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted && err == nil {
					mu.Lock()
					accepted[ext] = v.ID
					mu.Unlock()
				}
				if answered.Add(1) == 300 {
					killOnce.Do(func() {
						srv.cmd.Process.Signal(os.Kill)
						srv.cmd.Wait()
						cancel()
					})
				}
			}
		})
	}
	wg.Wait()
	return accepted
}

func multipartPhoto(t *testing.T, externalID string, img []byte) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("service", "crash")
	mw.WriteField("external_id", externalID)
	fw, err := mw.CreateFormFile("file", externalID+".jpg")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(img)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// waitVerdict polls an item until it leaves pending, and says whether it was pending at first.
func waitVerdict(t *testing.T, url, key, id string) (verdictBody, bool) {
	deadline := time.Now().Add(60 * time.Second)
	for polls := 0; ; polls++ {
		var v verdictBody
		if code := api(t, "GET", url+"/v1/content/"+id, key, "", nil, &v); code != 200 {
			t.Fatalf("GET content %s: %d", id, code)
		}
		switch v.Status {
		case "match", "no_match":
			return v, polls > 0
		case "pending":
		default:
			t.Fatalf("content %s: verdict %q", id, v.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("content %s still pending after restart", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkCases lists every case and checks that no content has two and that there are at least
// as many as our items that matched.
func checkCases(t *testing.T, url, key string, matches int) {
	perContent := map[string]int{}
	cursor := ""
	for {
		var page struct {
			Items []struct {
				ContentID string `json:"content_id"`
			}
			NextCursor string `json:"next_cursor"`
		}
		if code := api(t, "GET", url+"/v1/cases?limit=500&cursor="+cursor, key, "", nil, &page); code != 200 {
			t.Fatalf("list cases: %d", code)
		}
		for _, c := range page.Items {
			perContent[c.ContentID]++
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	for content, n := range perContent {
		if n != 1 {
			t.Errorf("content %s has %d cases", content, n)
		}
	}
	if len(perContent) < matches || matches == 0 {
		t.Errorf("%d cases for %d matched items", len(perContent), matches)
	}
}
