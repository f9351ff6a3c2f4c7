package http

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The OpenAPI document covers the work after the match (issue bar): every resource has at least
// one operation with a request or response schema, so that a platform or an authority can build
// its client from the document alone.
func TestOpenAPICoversAfterTheMatch(t *testing.T) {
	f := newPlatform(t)
	resp, body := f.do(t, request{method: "GET", path: "/v1/openapi.json"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	resources := []string{"/v1/reports", "/v1/orders", "/v1/holds", "/v1/legal-holds", "/v1/notices",
		"/v1/complaints", "/v1/evidence", "/v1/transparency", "/v1/actions", "/v1/risk/assessments"}
	for _, res := range resources {
		t.Run(res, func(t *testing.T) {
			var ops, withSchema int
			for path, methods := range doc.Paths {
				if path != res && !strings.HasPrefix(path, res+"/") {
					continue
				}
				for _, op := range methods {
					ops++
					if strings.Contains(string(op), `"$ref"`) {
						withSchema++
					}
				}
			}
			if ops == 0 || withSchema == 0 {
				t.Errorf("%d operations, %d with a schema: want the resource documented", ops, withSchema)
			}
		})
	}
}
