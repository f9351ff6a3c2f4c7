package sqlite

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// FuzzCheckComplaint checks that the validation of a filed complaint never panics, answers
// only with field errors, and accepts only texts that are non-blank, valid UTF-8 and within
// the limit.
func FuzzCheckComplaint(f *testing.F) {
	f.Add("cnt_1", "", "removal", "my garden", "de-AT")
	f.Add("", "cas_1", "account", "\xff\xfe", "")
	f.Add("", "", "detection", "   ", "a-very-long-language-tag-that-goes-on-and-on")
	f.Fuzz(func(t *testing.T, contentID, caseID, kind, text, language string) {
		c := vigil.Complaint{ContentID: contentID, CaseID: caseID, Kind: vigil.ComplaintKind(kind), Text: text, Language: language}
		err := checkComplaint(c)
		if err == nil {
			if strings.TrimSpace(text) == "" || !utf8.ValidString(text) || len(text) > vigil.MaxComplaintText {
				t.Fatalf("accepted text %q", text)
			}
			return
		}
		if e, ok := err.(*vigil.Error); !ok || e.Code != vigil.EINVALID || e.Field == "" {
			t.Fatalf("error %v: want an invalid-field error", err)
		}
	})
}
