// Package urlfetch downloads a URL that someone else chose without letting them point Vigil at
// its own network: only http and https, and every connection, including those made for
// redirects, is refused unless the address actually dialed is a public unicast one. Checking the
// dialed address rather than the name defeats DNS rebinding. Size and time are bounded.
package urlfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Defaults for a zero Fetcher.
const (
	DefaultMaxBytes     = 32 << 20
	DefaultTimeout      = 20 * time.Second
	DefaultMaxRedirects = 5
)

// ErrBlocked is wrapped by errors for addresses the fetcher refuses to connect to.
var ErrBlocked = errors.New("address not allowed")

// ErrTooLarge is wrapped by errors for bodies over the size limit.
var ErrTooLarge = errors.New("response too large")

// Fetcher fetches URLs safely. The zero Fetcher uses the defaults; build it once and share it,
// since it keeps connections alive between fetches.
type Fetcher struct {
	MaxBytes     int64         // largest body accepted
	Timeout      time.Duration // for the whole fetch, redirects and body included
	MaxRedirects int
	// AllowLoopback lets tests fetch from a server on 127.0.0.1; every other blocked range stays
	// blocked. Never set it in production.
	AllowLoopback bool

	client *http.Client
}

// Result is a fetched body.
type Result struct {
	Body        []byte
	ContentType string // as the server declared it
	FinalURL    string // after redirects
}

// New returns a Fetcher with f's settings and its own connection pool.
func New(f Fetcher) *Fetcher {
	if f.MaxBytes <= 0 {
		f.MaxBytes = DefaultMaxBytes
	}
	if f.Timeout <= 0 {
		f.Timeout = DefaultTimeout
	}
	if f.MaxRedirects <= 0 {
		f.MaxRedirects = DefaultMaxRedirects
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: f.control}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would be the address dialed, hiding the real one
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: f.Timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
	f.client = &http.Client{Transport: transport, CheckRedirect: f.checkRedirect}
	return &f
}

// Fetch downloads raw, a URL given by a client.
func (f *Fetcher) Fetch(ctx context.Context, raw string) (*Result, error) {
	if _, err := Check(raw); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch: server answered %s", resp.Status)
	}
	if resp.ContentLength > f.MaxBytes {
		return nil, fmt.Errorf("fetch: %w: %d bytes, limit %d", ErrTooLarge, resp.ContentLength, f.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch: read body: %w", err)
	}
	if int64(len(body)) > f.MaxBytes {
		return nil, fmt.Errorf("fetch: %w: over the limit of %d bytes", ErrTooLarge, f.MaxBytes)
	}
	return &Result{Body: body, ContentType: resp.Header.Get("Content-Type"), FinalURL: resp.Request.URL.String()}, nil
}

// Check parses raw and refuses anything but an absolute http or https URL with a host and no
// credentials. It does not resolve the host: the address is checked when it is dialed.
func Check(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("url: scheme %q not allowed: use http or https", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("url: no host")
	}
	if u.User != nil {
		return nil, errors.New("url: credentials in URLs are not allowed")
	}
	return u, nil
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.MaxRedirects {
		return fmt.Errorf("more than %d redirects", f.MaxRedirects)
	}
	_, err := Check(req.URL.String())
	return err
}

// control runs after the name is resolved and before the socket connects, once per address
// tried, so it sees exactly the address dialed.
func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBlocked, address, err)
	}
	addr := ap.Addr().Unmap()
	if f.AllowLoopback && addr.IsLoopback() {
		return nil
	}
	if reason := Blocked(addr); reason != "" {
		return fmt.Errorf("%w: %s is %s", ErrBlocked, addr, reason)
	}
	return nil
}
