package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/ncmec"
)

func TestDevFakesServeOnLoopbackOnly(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ncmecAddr, euAddr string
		wantErr                 string
	}{
		{"loopback", "127.0.0.1:0", "127.0.0.1:0", ""},
		{"any address", "0.0.0.0:0", "127.0.0.1:0", "not a loopback address"},
		{"host name", "localhost:0", "127.0.0.1:0", "not a loopback address"},
		{"eu on a public address", "127.0.0.1:0", "192.0.2.1:0", "--eu-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := startDevFakes(devFakesConfig{ncmecAddr: tt.ncmecAddr, euAddr: tt.euAddr,
				ncmecUser: "u", ncmecPwd: "p"}, pub)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.close()
			if !strings.HasSuffix(f.euURL, "/v1/reports") || !strings.HasPrefix(f.ncmecURL, "http://127.0.0.1:") {
				t.Errorf("URLs %s, %s", f.ncmecURL, f.euURL)
			}
			c := &ncmec.Client{URL: f.ncmecURL, Username: "u", Password: "p"}
			if _, err := c.Status(context.Background()); err != nil {
				t.Errorf("status of the CyberTipline fake: %v", err)
			}
			c.Password = "wrong"
			if _, err := c.Status(context.Background()); err == nil {
				t.Error("the CyberTipline fake took a wrong password")
			}
		})
	}
}
