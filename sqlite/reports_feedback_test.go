package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// RP-18: the EU Centre retries its messages. A retry with the same Idempotency-Key and message
// returns the first answer and places no second hold; the same key with another message is a
// conflict; the key is the sender's own, so another sender's use of it is a new message.
func TestReportFeedbackIdempotencyKey(t *testing.T) {
	until := reportsT0.Add(100 * 24 * time.Hour)
	first := vigil.ReportFeedback{Kind: vigil.FeedbackDoNotRemove, Reference: "LE-9", Until: until, IdempotencyKey: "euc-1"}
	tests := []struct {
		name   string
		sender string
		retry  vigil.ReportFeedback
		code   string // "" when accepted
		repeat bool   // the answer is the first message's
		holds  int    // do_not_remove holds after the retry
	}{
		{"same key, same message", "lex", first, "", true, 1},
		{"same key, other period", "lex", vigil.ReportFeedback{Kind: vigil.FeedbackDoNotRemove, Reference: "LE-9",
			Until: until.Add(time.Hour), IdempotencyKey: "euc-1"}, vigil.ECONFLICT, false, 1},
		{"same key, other kind", "lex", vigil.ReportFeedback{Kind: vigil.FeedbackRequestInfo, Text: "which account?",
			IdempotencyKey: "euc-1"}, vigil.ECONFLICT, false, 1},
		{"other key", "lex", vigil.ReportFeedback{Kind: vigil.FeedbackRequestInfo, Text: "which account?",
			IdempotencyKey: "euc-2"}, "", false, 1},
		{"same key, other sender", "max", vigil.ReportFeedback{Kind: vigil.FeedbackRequestInfo, Text: "which account?",
			IdempotencyKey: "euc-1"}, "", false, 1},
		{"key too long", "lex", vigil.ReportFeedback{Kind: vigil.FeedbackUnfounded,
			IdempotencyKey: strings.Repeat("k", maxFeedbackKey+1)}, vigil.EINVALID, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := openReports(t)
			rep := r.sent(t, "cnt_idem")
			f := first
			f.ReportID = rep.ID
			got, err := r.store.Feedback(legal("lex"), f)
			if err != nil || got.Repeat {
				t.Fatalf("first message: %+v, %v", got, err)
			}
			r.clock.Advance(time.Minute)
			retry := tt.retry
			retry.ReportID = rep.ID
			again, err := r.store.Feedback(legal(tt.sender), retry)
			wantCode(t, err, tt.code)
			if tt.code == "" && again.Repeat != tt.repeat {
				t.Errorf("repeat = %v, want %v", again.Repeat, tt.repeat)
			}
			if tt.repeat && (again.ID != got.ID || !again.Received.Equal(got.Received)) {
				t.Errorf("retry answered %+v, want the first answer %+v", again, got)
			}
			var holds int
			r.db.read.QueryRow(`SELECT count(*) FROM holds WHERE content_id = 'cnt_idem' AND kind = 'do_not_remove'`).Scan(&holds)
			if holds != tt.holds {
				t.Errorf("%d do_not_remove holds, want %d", holds, tt.holds)
			}
		})
	}
}
