package sqlite

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// FuzzCheckRecord feeds arbitrary records, as the API decodes them, to the edit validation: it
// must answer with a field error or accept, never panic, and accept only records whose
// enumerations are known and that report exactly the case's item.
func FuzzCheckRecord(f *testing.F) {
	f.Add(`{"type":"known_csam","awareness":"own_motion","content":[{"content_id":"cnt_1"}]}`)
	f.Add(`{"type":"new_csam","awareness":"user_flag","content":[{"content_id":"cnt_1"}],"users":[{"unique_id":""}]}`)
	f.Add(`{"type":"solicitation","awareness":"other","content":[{"content_id":"cnt_1"},{"content_id":"cnt_1"}],"geo":{"port":70000}}`)
	f.Add(`{"urgent":true,"type":"known_csam","awareness":"hotline","content":[{"content_id":"cnt_1"}]}`)
	f.Add(`{"content":null}`)
	f.Add(`{"type":"known_csam","awareness":"own_motion","content":[{"content_id":"cnt_1"}],"annotations":["spam","sextortion","spam"]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var rec vigil.ReportRecord
		if json.Unmarshal([]byte(doc), &rec) != nil {
			return
		}
		err := checkRecord(rec, []string{"cnt_1"})
		if err == nil {
			ids := contentIDs(rec)
			if !slices.Equal(ids, []string{"cnt_1"}) || vigil.ApprovalsNeeded(rec.Type) == 0 ||
				rec.Geo.Port < 0 || rec.Geo.Port > 65535 || (rec.Urgent && rec.UrgentWhy == "") {
				t.Fatalf("accepted %+v", rec)
			}
			for i, a := range rec.Annotations {
				if !slices.Contains(vigil.ReportAnnotations, a) || slices.Contains(rec.Annotations[:i], a) {
					t.Fatalf("accepted annotations %q", rec.Annotations)
				}
			}
			return
		}
		if vigil.ErrorCode(err) != vigil.EINVALID {
			t.Fatalf("error %v is not a validation error", err)
		}
	})
}

// FuzzCheckFeedback feeds arbitrary EU Centre messages to their validation: a hold is accepted
// only with a reference and an end, a request only with its text.
func FuzzCheckFeedback(f *testing.F) {
	for _, k := range []string{"manifestly_unfounded", "do_not_inform", "do_not_remove", "request_info", "x"} {
		f.Add(k, int64(0), "", "")
		f.Add(k, int64(1767225600000), "EUC-1", "what account?")
	}
	f.Fuzz(func(t *testing.T, kind string, until int64, reference, text string) {
		fb := vigil.ReportFeedback{Kind: vigil.FeedbackKind(kind), Reference: reference, Text: text}
		if until != 0 {
			fb.Until = time.UnixMilli(until)
		}
		err := checkFeedback(fb)
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("error %v is not a validation error", err)
			}
			return
		}
		switch fb.Kind {
		case vigil.FeedbackDoNotInform, vigil.FeedbackDoNotRemove:
			if fb.Reference == "" || fb.Until.IsZero() {
				t.Fatalf("accepted a hold without reference or end: %+v", fb)
			}
		case vigil.FeedbackRequestInfo:
			if fb.Text == "" {
				t.Fatal("accepted a request without text")
			}
		case vigil.FeedbackUnfounded:
		default:
			t.Fatalf("accepted kind %q", kind)
		}
	})
}
