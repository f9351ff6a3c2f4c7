package reporting

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/ncmec"
)

// NC-01: only the exact literal "production" reaches the live CyberTipline; a URL in the
// settings (the fake's) replaces the environment's.
func TestConnectorEnvironment(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	connect := Connector(key, nil)
	tests := []struct {
		env, url, want string
	}{
		{"production", "", ncmec.ProductionURL},
		{"Production", "", ncmec.TestURL},
		{" production", "", ncmec.TestURL},
		{"", "", ncmec.TestURL},
		{"test", "", ncmec.TestURL},
		{"production", "http://127.0.0.1:9999", "http://127.0.0.1:9999"},
	}
	for _, tt := range tests {
		t.Run(tt.env+"|"+tt.url, func(t *testing.T) {
			d, err := connect(context.Background(), vigil.ReportSettings{NCMEC: true, NCMECEnvironment: tt.env, NCMECURL: tt.url})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.NCMEC.(CyberTipline).Client.URL; got != tt.want {
				t.Errorf("URL %s, want %s", got, tt.want)
			}
			if d.EUCentre != nil {
				t.Error("the EU Centre is connected though not enabled")
			}
		})
	}
}

// A stored CyberTipline report id that is not a positive number is a final error, not a panic
// or a request.
func TestCyberTiplineRejectsBadStoredIDs(t *testing.T) {
	c := CyberTipline{Client: &ncmec.Client{URL: "http://127.0.0.1:1"}}
	for _, ref := range []string{"", "0", "-4", "12x", "99999999999999999999"} {
		if err := c.Finish(context.Background(), ref); !IsPermanent(err) {
			t.Errorf("Finish(%q): %v, want a permanent error", ref, err)
		}
	}
}
