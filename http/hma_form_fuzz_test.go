package http

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/vigilproject/vigil"
)

// FuzzHMAForm checks that any body is either read into at most one file and fields within their
// limits, or refused with a client error: never a panic, never an internal error.
func FuzzHMAForm(f *testing.F) {
	f.Add("multipart/form-data; boundary=x",
		[]byte("--x\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\nabc\r\n"+
			"--x\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nseen\r\n--x--\r\n"))
	f.Add("multipart/form-data; boundary=x",
		[]byte("--x\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a\"\r\n\r\n1\r\n"+
			"--x\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b\"\r\n\r\n2\r\n--x--\r\n"))
	f.Add("application/x-www-form-urlencoded", []byte("note=seen&metadata=%7B%7D"))
	f.Add("multipart/form-data", []byte("--x\r\n"))
	f.Add("", []byte{})
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest("POST", "/h/hash", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		form, err := readHMAForm(httptest.NewRecorder(), r)
		if err != nil {
			if code := vigil.ErrorCode(err); code != vigil.EINVALID && code != vigil.ETOOLARGE {
				t.Fatalf("error %v has code %s, want a client error", err, code)
			}
			return
		}
		if form.files > 1 || (form.files == 0) != (form.data == nil && form.field == "") {
			t.Fatalf("form with %d files, field %q, %d bytes", form.files, form.field, len(form.data))
		}
		for name, v := range form.values {
			if len(v) > maxHMAField {
				t.Fatalf("field %s of %d bytes", name, len(v))
			}
		}
	})
}
