package urlfetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestBlocked(t *testing.T) {
	tests := []struct {
		addr   string
		reason string // "" when allowed
	}{
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"2606:4700:4700::1111", ""},
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"172.32.0.1", ""},
		{"192.168.1.1", "private"},
		{"fd12::1", "private"},
		{"fd00:ec2::254", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.100.100.200", "carrier-grade NAT"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"255.255.255.255", "reserved"},
		{"64:ff9b::a9fe:a9fe", "link-local address inside an IPv6 address"},
		{"64:ff9b::808:808", ""},
		{"2002:7f00:1::1", "loopback address inside an IPv6 address"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got := Blocked(netip.MustParseAddr(tt.addr))
			if tt.reason == "" && got != "" || !strings.Contains(got, tt.reason) {
				t.Errorf("Blocked(%s) = %q, want %q", tt.addr, got, tt.reason)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		raw string
		ok  bool
	}{
		{"https://example.com/a.jpg", true},
		{"http://example.com:8080/a.jpg", true},
		{"file:///etc/passwd", false},
		{"ftp://example.com/a.jpg", false},
		{"gopher://example.com/", false},
		{"https://user:pw@example.com/", false},
		{"https:///nohost", false},
		{"example.com/a.jpg", false},
		{"http://[::1", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if _, err := Check(tt.raw); (err == nil) != tt.ok {
				t.Errorf("Check(%q) = %v, want ok %v", tt.raw, err, tt.ok)
			}
		})
	}
}

func TestFetch(t *testing.T) {
	body := strings.Repeat("x", 1000)
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte(body))
	})
	mux.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.255.255.1/x", http.StatusFound)
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/to-ok", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ok", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/missing", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	localhost := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	strict := New(Fetcher{})
	small := New(Fetcher{AllowLoopback: true, MaxBytes: 500, Timeout: 200 * time.Millisecond})
	roomy := New(Fetcher{AllowLoopback: true, MaxBytes: 5000})
	tests := []struct {
		name    string
		f       *Fetcher
		url     string
		wantErr error  // nil for success unless errText is set
		errText string // a substring of the error
	}{
		{"loopback refused", strict, srv.URL + "/ok", ErrBlocked, "loopback"},
		{"loopback by name refused", strict, localhost + "/ok", ErrBlocked, "loopback"},
		{"loopback allowed for tests", roomy, srv.URL + "/ok", nil, ""},
		{"redirect followed", roomy, srv.URL + "/to-ok", nil, ""},
		{"redirect to private refused", roomy, srv.URL + "/to-private", ErrBlocked, "private"},
		{"redirect to metadata refused", roomy, srv.URL + "/to-metadata", ErrBlocked, "link-local"},
		{"redirect to file refused", roomy, srv.URL + "/to-file", nil, "scheme"},
		{"redirect loop stopped", roomy, srv.URL + "/loop", nil, "redirects"},
		{"too large", small, srv.URL + "/ok", ErrTooLarge, ""},
		{"too slow", small, srv.URL + "/stall", context.DeadlineExceeded, ""},
		{"not found", roomy, srv.URL + "/missing", nil, "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.f.Fetch(context.Background(), tt.url)
			if tt.wantErr == nil && tt.errText == "" {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if string(res.Body) != body || res.ContentType != "image/jpeg" {
					t.Errorf("got %d bytes of %q", len(res.Body), res.ContentType)
				}
				return
			}
			if err == nil {
				t.Fatalf("Fetch succeeded, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("error %q does not mention %q", err, tt.errText)
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"https://example.com/a", "file:///x", "http://[fe80::1%25eth0]/", "//x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := Check(raw)
		if err == nil && (u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "") {
			t.Errorf("Check(%q) accepted %v", raw, u)
		}
	})
}

func FuzzBlocked(f *testing.F) {
	f.Add([]byte{127, 0, 0, 1})
	f.Add(netip.MustParseAddr("64:ff9b::a9fe:a9fe").AsSlice())
	f.Fuzz(func(t *testing.T, b []byte) {
		addr, ok := netip.AddrFromSlice(b)
		if !ok {
			return
		}
		if addr.Is4() && Blocked(addr) != Blocked(netip.AddrFrom16(addr.As16())) {
			t.Errorf("%s and its mapped form are judged differently", addr)
		}
	})
}
