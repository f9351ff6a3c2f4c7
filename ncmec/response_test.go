package ncmec

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const decl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`

func TestParseResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		want    response
		wantErr string
	}{
		{"status", decl + `<reportResponse><responseCode>0</responseCode>
			<responseDescription>Remote User : u, Remote Ip : 127.0.0.1</responseDescription></reportResponse>`,
			response{Root: "reportResponse", Description: "Remote User : u, Remote Ip : 127.0.0.1"}, ""},
		{"submit", `<reportResponse><responseCode>0</responseCode><responseDescription>Success</responseDescription>
			<reportId> 4564654 </reportId></reportResponse>`,
			response{Root: "reportResponse", Description: "Success", ReportID: 4564654}, ""},
		{"upload", `<reportResponse><responseCode>0</responseCode><reportId>7</reportId>
			<fileId>b0754af766b426f2928a02c651ed4b99</fileId><hash>FAFA5EFEAF3CBE3B23B2748D13E629A1</hash></reportResponse>`,
			response{Root: "reportResponse", ReportID: 7, FileID: "b0754af766b426f2928a02c651ed4b99",
				Hash: "fafa5efeaf3cbe3b23b2748d13e629a1"}, ""},
		{"finish", `<reportDoneResponse><responseCode>0</responseCode><reportId>7</reportId>
			<files><fileId>a1</fileId><fileId>b2</fileId></files></reportDoneResponse>`,
			response{Root: "reportDoneResponse", ReportID: 7, FileIDs: []string{"a1", "b2"}}, ""},
		{"error code", `<reportResponse><responseCode>5102</responseCode><responseDescription>Report already finished</responseDescription></reportResponse>`,
			response{Root: "reportResponse", Code: 5102, Description: "Report already finished"}, ""},
		{"empty", ``, response{}, "EOF"},
		{"not xml", `invalid xml`, response{}, "EOF"},
		{"wrong root", `<wrongRoot><responseCode>0</responseCode></wrongRoot>`, response{}, "unexpected root"},
		{"namespaced root", `<reportResponse xmlns="urn:x"><responseCode>0</responseCode></reportResponse>`, response{}, "unexpected root"},
		{"no code", `<reportResponse><reportId>1</reportId></reportResponse>`, response{}, "responseCode missing"},
		{"two codes", `<reportResponse><responseCode>0</responseCode><responseCode>1000</responseCode></reportResponse>`, response{}, "appears 2 times"},
		{"code not a number", `<reportResponse><responseCode>invalid</responseCode></reportResponse>`, response{}, "not a code"},
		{"negative code", `<reportResponse><responseCode>-1</responseCode></reportResponse>`, response{}, "not a code"},
		{"report id not a number", `<reportResponse><responseCode>0</responseCode><reportId>x</reportId></reportResponse>`, response{}, "not a positive integer"},
		{"report id zero", `<reportResponse><responseCode>0</responseCode><reportId>0</reportId></reportResponse>`, response{}, "not a positive integer"},
		{"report id leading zero", `<reportResponse><responseCode>0</responseCode><reportId>012</reportId></reportResponse>`, response{}, "not a positive integer"},
		{"report id overflow", `<reportResponse><responseCode>0</responseCode><reportId>99999999999999999999</reportId></reportResponse>`, response{}, "not a positive integer"},
		{"file id with slash", `<reportResponse><responseCode>0</responseCode><fileId>../x</fileId></reportResponse>`, response{}, "not an id"},
		{"short hash", `<reportResponse><responseCode>0</responseCode><hash>abc</hash></reportResponse>`, response{}, "not an MD5"},
		{"two files lists", `<reportDoneResponse><responseCode>0</responseCode><files/><files/></reportDoneResponse>`, response{}, "files elements"},
		{"bad listed file id", `<reportDoneResponse><responseCode>0</responseCode><files><fileId></fileId></files></reportDoneResponse>`, response{}, "not an id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseResponse([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseResponse error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseResponse: %v", err)
			}
			if got.Root != tt.want.Root || got.Code != tt.want.Code || got.Description != tt.want.Description ||
				got.ReportID != tt.want.ReportID || got.FileID != tt.want.FileID || got.Hash != tt.want.Hash ||
				!slices.Equal(got.FileIDs, tt.want.FileIDs) {
				t.Errorf("parseResponse = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A readable answer with a non-zero code is an *Error whatever the HTTP status; an unreadable
// one is retryable only for server trouble.
func TestInterpret(t *testing.T) {
	t.Parallel()
	ok := `<reportResponse><responseCode>0</responseCode><reportId>3</reportId></reportResponse>`
	tests := []struct {
		name      string
		status    int
		body      string
		code      int // the *Error's code; -1 for none
		retryable bool
		wantErr   bool
	}{
		{"success", http.StatusOK, ok, -1, false, false},
		{"server error code", http.StatusInternalServerError, `<reportResponse><responseCode>1000</responseCode></reportResponse>`, 1000, true, true},
		{"upload failed", http.StatusOK, `<reportResponse><responseCode>1111</responseCode></reportResponse>`, 1111, true, true},
		{"auth", http.StatusUnauthorized, `<reportResponse><responseCode>2000</responseCode></reportResponse>`, 2000, false, true},
		{"validation", http.StatusBadRequest, `<reportResponse><responseCode>4100</responseCode></reportResponse>`, 4100, false, true},
		{"already finished", http.StatusConflict, `<reportResponse><responseCode>5102</responseCode></reportResponse>`, 5102, false, true},
		{"proxy error page", http.StatusBadGateway, `<html>bad gateway</html>`, -1, true, true},
		{"rate limited", http.StatusTooManyRequests, ``, -1, true, true},
		{"garbled success", http.StatusOK, `<reportResp`, -1, true, true},
		{"forbidden without body", http.StatusForbidden, ``, -1, false, true},
		{"code 0 on an error status", http.StatusInternalServerError, ok, -1, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := interpret(tt.status, []byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("interpret error = %v, want error %v", err, tt.wantErr)
			}
			if got := Retryable(err); got != tt.retryable {
				t.Errorf("Retryable(%v) = %v, want %v", err, got, tt.retryable)
			}
			e, isCode := errors.AsType[*Error](err)
			if isCode != (tt.code >= 0) || (isCode && e.Code != tt.code) {
				t.Errorf("interpret error = %#v, want code %d", err, tt.code)
			}
		})
	}
}

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte(`<reportResponse><responseCode>0</responseCode><reportId>4564654</reportId><fileId>ab12</fileId><hash>fafa5efeaf3cbe3b23b2748d13e629a1</hash></reportResponse>`))
	f.Add([]byte(`<reportDoneResponse><responseCode>0</responseCode><reportId>1</reportId><files><fileId>a</fileId></files></reportDoneResponse>`))
	f.Add([]byte(`<reportResponse><responseCode>4100</responseCode><responseDescription>x &amp; y</responseDescription></reportResponse>`))
	f.Add([]byte(`<reportResponse><![CDATA[x]]><responseCode>0</responseCode></reportResponse>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parseResponse(body)
		if err != nil {
			return
		}
		if r.Root != "reportResponse" && r.Root != "reportDoneResponse" {
			t.Fatalf("accepted root %q", r.Root)
		}
		if r.Code < 0 || r.ReportID < 0 {
			t.Fatalf("accepted code %d, report id %d", r.Code, r.ReportID)
		}
		if r.FileID != "" && !validFileID(r.FileID) {
			t.Fatalf("accepted file id %q", r.FileID)
		}
		if r.Hash != "" && !isHex(r.Hash, 32) {
			t.Fatalf("accepted hash %q", r.Hash)
		}
		for _, id := range r.FileIDs {
			if !validFileID(id) {
				t.Fatalf("accepted listed file id %q", id)
			}
		}
	})
}
