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

// AddMonths returns t moved by n calendar months, at the same time of day: the same day of the
// month, or the month's last day when it is shorter. 31 August plus six months is the end of
// February, not 2 or 3 March as time.AddDate's normalisation makes it: the law's periods in
// months end in the month they name, so a notice is not days late and a hold's limit not days
// long.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	hh, mm, ss := t.Clock()
	return time.Date(first.Year(), first.Month(), d, hh, mm, ss, t.Nanosecond(), t.Location())
}
