package http

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/vigilproject/vigil"
)

// countCap bounds the dashboard's counting: past it the page says "N+", so a huge backlog or
// audit log never makes the dashboard slow.
const countCap = 5000

// Audit actions the dashboard counts; the case service writes them.
const (
	actionCaseOpen   = "case.open"
	actionCaseDecide = "case.decide"
)

// dashboardPage is the data of the dashboard.
type dashboardPage struct {
	Verdicts   []verdictCount // nil on a server without the content pipeline
	Pending    int            // items accepted and waiting for their verdict
	Backlog    []statusCount
	OldestOpen string // how long the oldest open case has waited; "" when none
	Opened     window // cases opened
	Decided    window // decisions made
	Banks      int
	Entries    int // indexed entries of the enabled banks
}

// statusCount is how many cases have one status.
type statusCount struct {
	Status vigil.CaseStatus
	Count  string // "12", or "5000+" past countCap
}

// verdictCount is how many items got one verdict today and over the last seven days.
type verdictCount struct {
	Status      vigil.VerdictStatus
	Today, Week int64
}

// window counts events over the last hour and the last day.
type window struct{ Hour, Day string }

// uiDashboard shows what the team needs at a glance: the review backlog and its oldest case,
// how fast cases arrive and are decided, and the size of the index.
func (s *Server) uiDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var d dashboardPage
	actor := vigil.ActorFrom(ctx)
	if actor.Can(vigil.ScopeCases) {
		if err := s.fillBacklog(ctx, &d); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	if err := s.fillThroughput(ctx, &d); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.fillVerdicts(ctx, &d); err != nil {
		s.renderError(w, r, err)
		return
	}
	if s.Matcher != nil {
		d.Banks, d.Entries = len(s.Matcher.Banks()), s.Matcher.Len()
	}
	s.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard", Nav: "dashboard", Data: d})
}

// fillVerdicts adds up the pipeline's daily verdict counters, over every service, for today and
// the last seven days, and reads how many items wait for a verdict.
func (s *Server) fillVerdicts(ctx context.Context, d *dashboardPage) error {
	if s.Content == nil {
		return nil
	}
	today := s.Clock.Now().UTC().Truncate(24 * time.Hour)
	counts, err := s.Content.Counts(ctx, today.AddDate(0, 0, -6), today)
	if err != nil {
		return err
	}
	statuses := []vigil.VerdictStatus{vigil.VerdictNoMatch, vigil.VerdictMatch, vigil.VerdictNotScanned, vigil.VerdictError}
	d.Verdicts = make([]verdictCount, len(statuses))
	for i, st := range statuses {
		d.Verdicts[i].Status = st
		for _, c := range counts {
			if c.Status != st {
				continue
			}
			d.Verdicts[i].Week += c.Count
			if !c.Day.Before(today) {
				d.Verdicts[i].Today += c.Count
			}
		}
	}
	d.Pending, err = s.Content.Backlog(ctx)
	return err
}

// fillBacklog counts the cases waiting for people and finds the oldest open one.
func (s *Server) fillBacklog(ctx context.Context, d *dashboardPage) error {
	now := s.Clock.Now()
	for _, st := range []vigil.CaseStatus{vigil.CaseOpen, vigil.CaseInReview, vigil.CaseEscalated} {
		n, oldest, err := s.countCases(ctx, st)
		if err != nil {
			return err
		}
		d.Backlog = append(d.Backlog, statusCount{st, cappedCount(n)})
		if st == vigil.CaseOpen && !oldest.IsZero() {
			d.OldestOpen = ago(now.Sub(oldest))
		}
	}
	return nil
}

// countCases counts cases of one status, up to countCap, and returns the earliest opening time.
func (s *Server) countCases(ctx context.Context, st vigil.CaseStatus) (n int, oldest time.Time, err error) {
	f := vigil.CaseFilter{Status: []vigil.CaseStatus{st}, Limit: 500}
	for n <= countCap {
		cases, next, err := s.Cases.Cases(ctx, f)
		if err != nil {
			return 0, time.Time{}, err
		}
		for _, c := range cases {
			if oldest.IsZero() || c.Opened.Before(oldest) {
				oldest = c.Opened
			}
		}
		n += len(cases)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return n, oldest, nil
}

// fillThroughput counts cases opened and decided over the last hour and day from the audit log.
// The counts are read as the system: they reveal no more than the backlog does, and reviewers,
// who cannot read the log itself, need them too.
func (s *Server) fillThroughput(ctx context.Context, d *dashboardPage) error {
	now := s.Clock.Now()
	sys := vigil.WithActor(ctx, vigil.System)
	for _, c := range []struct {
		action string
		into   *window
	}{{actionCaseOpen, &d.Opened}, {actionCaseDecide, &d.Decided}} {
		day, err := s.countAudit(sys, vigil.AuditFilter{Action: c.action, From: now.Add(-24 * time.Hour)})
		if err != nil {
			return err
		}
		hour, err := s.countAudit(sys, vigil.AuditFilter{Action: c.action, From: now.Add(-time.Hour)})
		if err != nil {
			return err
		}
		*c.into = window{Hour: cappedCount(hour), Day: cappedCount(day)}
	}
	return nil
}

// countAudit counts the events f selects, up to countCap.
func (s *Server) countAudit(ctx context.Context, f vigil.AuditFilter) (int, error) {
	f.Limit = 500
	n := 0
	for n <= countCap {
		events, err := s.Audit.AuditEvents(ctx, f)
		if err != nil {
			return 0, err
		}
		n += len(events)
		if len(events) < f.Limit {
			break
		}
		f.AfterSeq = events[len(events)-1].Seq
	}
	return n, nil
}

// cappedCount formats a count, marking one that reached countCap as a lower bound.
func cappedCount(n int) string {
	if n > countCap {
		return strconv.Itoa(countCap) + "+"
	}
	return strconv.Itoa(n)
}
