package vigil

import "time"

// Clock tells the time. Everything with a deadline, retention period or rate takes one, so tests
// drive time with a fake clock instead of sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
