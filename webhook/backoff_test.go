package webhook

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	w := New(nil, nil, Options{MinBackoff: 10 * time.Second, MaxBackoff: time.Minute})
	for _, tc := range []struct {
		name     string
		attempts int
		jitter   bool
		want     time.Duration
	}{
		{"first failure, no jitter", 1, false, 10 * time.Second},
		{"first failure, most jitter", 1, true, 5 * time.Second},
		{"second failure doubles", 2, false, 20 * time.Second},
		{"third failure doubles again", 3, false, 40 * time.Second},
		{"capped", 4, false, time.Minute},
		{"capped with most jitter", 9, true, 30 * time.Second},
		{"capped far out without overflow", 200, false, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.jitter = func(d time.Duration) time.Duration {
				if tc.jitter {
					return d - 1 // rand.N's largest value
				}
				return 0
			}
			if got := w.backoff(tc.attempts); got != tc.want {
				t.Fatalf("backoff(%d) = %s, want %s", tc.attempts, got, tc.want)
			}
		})
	}
}
