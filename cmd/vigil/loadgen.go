package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilproject/vigil/internal/drawjpeg"
)

// loadConfig is what "vigil bench serve" sends.
type loadConfig struct {
	url, key, service string
	clients, count    int
	rate              float64
	images            int
	width, height     int
	wait              time.Duration
}

// loadReport is what it measured.
type loadReport struct {
	sent, failed, pending int
	elapsed               time.Duration
	latencies             []time.Duration // of the submissions answered with a verdict
	verdicts              map[string]int
	bodyBytes             int
	firstErr              string
}

func (r *loadReport) print(w io.Writer) {
	slices.Sort(r.latencies)
	q := func(p float64) string {
		if len(r.latencies) == 0 {
			return "-"
		}
		i := min(len(r.latencies)-1, int(p*float64(len(r.latencies))))
		return fmt.Sprintf("%.1f ms", float64(r.latencies[i].Microseconds())/1000)
	}
	var verdicts []string
	for k, v := range r.verdicts {
		verdicts = append(verdicts, fmt.Sprintf("%s=%d", k, v))
	}
	slices.Sort(verdicts)
	fmt.Fprintf(w, "submissions: %d (%d failed, %d without verdict)\n", r.sent, r.failed, r.pending)
	fmt.Fprintf(w, "verdicts: %s\n", strings.Join(verdicts, " "))
	fmt.Fprintf(w, "mean upload: %d bytes\n", r.bodyBytes)
	fmt.Fprintf(w, "elapsed: %.2f s\n", r.elapsed.Seconds())
	fmt.Fprintf(w, "throughput: %.1f submissions/s\n", float64(len(r.latencies))/r.elapsed.Seconds())
	fmt.Fprintf(w, "latency p50: %s\nlatency p90: %s\nlatency p99: %s\nlatency max: %s\n", q(0.50), q(0.90), q(0.99), q(1))
}

// ensureService creates cfg.service (hosting, US) unless it exists.
func ensureService(ctx context.Context, client *http.Client, cfg loadConfig) error {
	status, body, err := call(ctx, client, cfg, http.MethodGet, "/v1/services/"+cfg.service, "", nil)
	if err != nil || status == http.StatusOK {
		return err
	}
	spec := `{"type":"hosting","jurisdiction":"US","enabled":true}`
	status, body, err = call(ctx, client, cfg, http.MethodPut, "/v1/services/"+cfg.service, "application/json", strings.NewReader(spec))
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("service %q is missing and creating it failed (%d): %s", cfg.service, status, body)
	}
	return nil
}

func call(ctx context.Context, client *http.Client, cfg loadConfig, method, path, contentType string, body io.Reader) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, cfg.url+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+cfg.key)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// drawImages draws cfg.images JPEGs on every core.
func drawImages(cfg loadConfig) [][]byte {
	imgs := make([][]byte, cfg.images)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(imgs)); i = next.Add(1) - 1 {
				imgs[i] = drawjpeg.Draw(uint64(i)+1000, cfg.width, cfg.height)
			}
		})
	}
	wg.Wait()
	return imgs
}

// runLoad sends cfg.count submissions and measures them.
func runLoad(ctx context.Context, client *http.Client, cfg loadConfig) (*loadReport, error) {
	imgs := drawImages(cfg)
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	rep := &loadReport{verdicts: map[string]int{}}
	for _, img := range imgs {
		rep.bodyBytes += len(img) / len(imgs)
	}
	var mu sync.Mutex
	record := func(lat time.Duration, verdict string, err error) {
		mu.Lock()
		defer mu.Unlock()
		rep.sent++
		switch {
		case err != nil:
			rep.failed++
			if rep.firstErr == "" {
				rep.firstErr = err.Error()
			}
		case verdict == "pending":
			rep.pending++
		default:
			rep.latencies = append(rep.latencies, lat)
			rep.verdicts[verdict]++
		}
	}
	// Each job is a submission number and the time it is due.
	jobs := make(chan loadJob, cfg.clients)
	start := time.Now()
	go schedule(ctx, cfg, start, jobs)
	var wg sync.WaitGroup
	for range cfg.clients {
		wg.Go(func() {
			for j := range jobs {
				if j.due.IsZero() {
					j.due = time.Now()
				}
				img := drawjpeg.Tag(imgs[j.n%len(imgs)], run+"-"+strconv.Itoa(j.n))
				verdict, err := submit(ctx, client, cfg, run+"-"+strconv.Itoa(j.n), img)
				record(time.Since(j.due), verdict, err)
			}
		})
	}
	wg.Wait()
	rep.elapsed = time.Since(start)
	return rep, ctx.Err()
}

type loadJob struct {
	n   int
	due time.Time
}

// schedule hands out the submissions: all at once for the clients to take as they are free, or
// at cfg.rate per second.
func schedule(ctx context.Context, cfg loadConfig, start time.Time, jobs chan<- loadJob) {
	defer close(jobs)
	for n := range cfg.count {
		var due time.Time // without a rate: when a client takes it
		if cfg.rate > 0 {
			due = start.Add(time.Duration(float64(n) / cfg.rate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				select {
				case <-time.After(d):
				case <-ctx.Done():
					return
				}
			}
		}
		select {
		case jobs <- loadJob{n: n, due: due}:
		case <-ctx.Done():
			return
		}
	}
}

// submit posts one photo and returns its verdict status.
func submit(ctx context.Context, client *http.Client, cfg loadConfig, externalID string, img []byte) (string, error) {
	var body bytes.Buffer
	body.Grow(len(img) + 512)
	mw := multipart.NewWriter(&body)
	mw.WriteField("service", cfg.service)
	mw.WriteField("external_id", externalID)
	fw, err := mw.CreateFormFile("file", externalID+".jpg")
	if err != nil {
		return "", err
	}
	fw.Write(img)
	mw.Close()
	status, data, err := call(ctx, client, cfg, http.MethodPost, "/v1/content?wait="+cfg.wait.String(), mw.FormDataContentType(), &body)
	if err != nil {
		return "", err
	}
	if status != http.StatusAccepted {
		return "", fmt.Errorf("status %d: %s", status, bytes.TrimSpace(data))
	}
	var resp struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return "", fmt.Errorf("answer: %w", err)
	}
	return resp.Status, nil
}
