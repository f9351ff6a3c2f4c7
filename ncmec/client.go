package ncmec

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Client calls the CyberTipline Reporting API with HTTP Basic authentication. Each method is one
// request and one step of the flow; retries, and recording each step's result, are the caller's.
// The zero HTTP uses http.DefaultClient; deadlines come from the context.
type Client struct {
	// URL is the API root: Environment.BaseURL(), or a fake's URL in tests. It must be https,
	// except on a loopback address, so credentials never cross a network in clear text.
	URL      string
	Username string
	Password string
	HTTP     *http.Client
}

// Status checks connectivity and credentials (GET /status) and returns the server's
// description, which names the account and the address NCMEC sees.
func (c *Client) Status(ctx context.Context) (string, error) {
	r, err := c.do(ctx, http.MethodGet, "status", "", nil)
	if err != nil {
		return "", fmt.Errorf("cybertipline status: %w", err)
	}
	return r.Description, nil
}

// Submit opens a report with a <report> document (from RenderReport) and returns its id. The
// report stays open until Finish or Retract; NCMEC deletes a report left open 24 hours after it
// was opened or 1 hour after its last change, whichever is later.
func (c *Client) Submit(ctx context.Context, report []byte) (int64, error) {
	r, err := c.do(ctx, http.MethodPost, "submit", "text/xml; charset=utf-8", report)
	if err != nil {
		return 0, fmt.Errorf("cybertipline submit: %w", err)
	}
	if r.ReportID == 0 {
		return 0, fmt.Errorf("cybertipline submit: %w", transient{fmt.Errorf("response has no reportId")})
	}
	return r.ReportID, nil
}

// Upload attaches a file to an open report and returns NCMEC's file id and its MD5 of the file.
// That MD5 is compared with the local one: a mismatch, or no MD5, returns the file id with an
// error wrapping ErrMD5Mismatch, and the caller uploads again or retracts (NC-04).
func (c *Client) Upload(ctx context.Context, reportID int64, name string, data []byte) (fileID, md5hex string, err error) {
	body, contentType, err := uploadBody(reportID, name, data)
	if err != nil {
		return "", "", fmt.Errorf("cybertipline upload to report %d: %w", reportID, err)
	}
	r, err := c.do(ctx, http.MethodPost, "upload", contentType, body)
	if err != nil {
		return "", "", fmt.Errorf("cybertipline upload to report %d: %w", reportID, err)
	}
	if err := r.wantReport(reportID); err != nil {
		return "", "", fmt.Errorf("cybertipline upload: %w", err)
	}
	if r.FileID == "" {
		return "", "", fmt.Errorf("cybertipline upload to report %d: %w", reportID, transient{fmt.Errorf("response has no fileId")})
	}
	sum := md5.Sum(data)
	if local := hex.EncodeToString(sum[:]); r.Hash != local {
		return r.FileID, r.Hash, fmt.Errorf("file %s of report %d: %w", r.FileID, reportID, transient{ErrMD5Mismatch})
	}
	return r.FileID, r.Hash, nil
}

// FileInfo sends a <fileDetails> document (from RenderFileDetails) for an uploaded file.
func (c *Client) FileInfo(ctx context.Context, details []byte) error {
	if _, err := c.do(ctx, http.MethodPost, "fileinfo", "text/xml; charset=utf-8", details); err != nil {
		return fmt.Errorf("cybertipline fileinfo: %w", err)
	}
	return nil
}

// Finish completes an open report and returns the ids of its files. Finishing a finished report
// fails with code CodeAlreadyFinished, which a resumed flow treats as done.
func (c *Client) Finish(ctx context.Context, reportID int64) ([]string, error) {
	r, err := c.do(ctx, http.MethodPost, "finish", formType, idForm(reportID))
	if err != nil {
		return nil, fmt.Errorf("cybertipline finish report %d: %w", reportID, err)
	}
	if err := r.wantReport(reportID); err != nil {
		return nil, fmt.Errorf("cybertipline finish: %w", err)
	}
	return r.FileIDs, nil
}

// Retract cancels a report that is not finished (NC-03). Retracting it again fails with
// CodeAlreadyRetracted; a finished report cannot be retracted (CodeAlreadyFinished).
func (c *Client) Retract(ctx context.Context, reportID int64) error {
	r, err := c.do(ctx, http.MethodPost, "retract", formType, idForm(reportID))
	if err != nil {
		return fmt.Errorf("cybertipline retract report %d: %w", reportID, err)
	}
	if err := r.wantReport(reportID); err != nil {
		return fmt.Errorf("cybertipline retract: %w", err)
	}
	return nil
}

const formType = "application/x-www-form-urlencoded"

func idForm(reportID int64) []byte {
	return []byte(url.Values{"id": {strconv.FormatInt(reportID, 10)}}.Encode())
}

// uploadBody builds the multipart form of /upload: the report id and the file.
func uploadBody(reportID int64, name string, data []byte) ([]byte, string, error) {
	if name == "" {
		return nil, "", fmt.Errorf("file name is empty")
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("id", strconv.FormatInt(reportID, 10)); err != nil {
		return nil, "", err
	}
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// wantReport checks that a response that names a report names the one asked about.
func (r response) wantReport(reportID int64) error {
	if r.ReportID != 0 && r.ReportID != reportID {
		return fmt.Errorf("response is about report %d, not %d", r.ReportID, reportID)
	}
	return nil
}

// do sends one request and returns the parsed response; a non-zero response code is an *Error.
func (c *Client) do(ctx context.Context, method, endpoint, contentType string, body []byte) (response, error) {
	target, err := c.endpoint(endpoint)
	if err != nil {
		return response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.SetBasicAuth(c.Username, c.Password)
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return response{}, transient{err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return response{}, transient{fmt.Errorf("read response: %w", err)}
	}
	return interpret(resp.StatusCode, raw)
}

// httpClient is c.HTTP, or the default client, made to stop at a redirect: the API root is
// configured exactly, and a redirect must not carry the credentials and the reported files
// anywhere else (Go keeps the Authorization header on a redirect to the same host, even from
// https to plain http). A redirect is then answered as an unreadable response.
func (c *Client) httpClient() *http.Client {
	hc := http.DefaultClient
	if c.HTTP != nil {
		hc = c.HTTP
	}
	copied := *hc
	copied.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &copied
}

// interpret turns an HTTP status and body into a response or an error. A readable answer with a
// non-zero code is an *Error whatever the HTTP status; an unreadable one is judged by the status.
func interpret(status int, raw []byte) (response, error) {
	r, perr := parseResponse(raw)
	switch {
	case perr == nil && r.Code != CodeOK:
		return response{}, &Error{Code: r.Code, Message: r.Description}
	case perr == nil && status/100 == 2:
		return r, nil
	case perr == nil:
		return response{}, transient{fmt.Errorf("HTTP status %d with response code 0", status)}
	case status/100 == 5 || status == http.StatusTooManyRequests || status/100 == 2:
		return response{}, transient{fmt.Errorf("HTTP status %d: %w", status, perr)}
	}
	return response{}, fmt.Errorf("HTTP status %d: %w", status, perr)
}

// endpoint returns the URL of an endpoint, refusing plain HTTP beyond the loopback interface.
func (c *Client) endpoint(name string) (string, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return "", fmt.Errorf("API URL: %w", err)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("API URL %q: want scheme://host/path only", c.URL)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return "", fmt.Errorf("API URL %q: must be https (plain http only on a loopback address)", c.URL)
	}
	return u.JoinPath(name).String(), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
