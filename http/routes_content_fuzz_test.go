package http

import (
	"bytes"
	"mime"
	"net/http/httptest"
	"testing"

	"github.com/vigilproject/vigil"
)

// FuzzReadSubmission feeds arbitrary bodies to the submission parser: it must answer with a
// submission (with a file, when multipart) or a client error, never panic.
func FuzzReadSubmission(f *testing.F) {
	ct, body := upload(f, map[string]string{"service": "photos", "flags": "e2ee,audio", "metadata": `{"a":"b"}`}, []byte{0xFF, 0xD8, 0xFF})
	f.Add(ct, body)
	f.Add("application/json", []byte(`{"service":"s","signals":{"pdq":"00","md5":"d41d8cd98f00b204e9800998ecf8427e"}}`))
	f.Add("application/json", []byte(`{"service":"s","url":"https://example.com/a.jpg","metadata":{"k":"v"}}`))
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest("POST", "/v1/content", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		sub, err := readSubmission(httptest.NewRecorder(), r)
		if err != nil {
			if vigil.ErrorCode(err) == vigil.EINTERNAL {
				t.Errorf("error %v is not a client error", err)
			}
			return
		}
		if mt, _, _ := mime.ParseMediaType(contentType); mt == "multipart/form-data" && len(sub.Bytes) == 0 {
			t.Errorf("accepted a multipart submission without a file: %+v", sub)
		}
	})
}
