package transparency

import (
	"context"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// Store is a Source that also records in the audit log that a report was generated.
type Store interface {
	Source
	// RecordReport writes the audit event of generating year's report in format, by the
	// context's actor.
	RecordReport(ctx context.Context, year int, format string) error
}

// Service generates transparency reports for admins, auditors and the legal role: it computes
// the figures, renders them, refuses a rendering that holds personal data, and audits every
// report it hands out.
type Service struct {
	Store Store
	Clock vigil.Clock
}

// checkReader refuses actors who are neither auditors nor hold the reports permission.
func checkReader(ctx context.Context) error {
	if a := vigil.ActorFrom(ctx); !a.Can(vigil.ScopeReports) && !a.CanAudit() {
		return vigil.Errorf(vigil.EFORBIDDEN, "the transparency report needs the %s permission or the auditor role", vigil.ScopeReports)
	}
	return nil
}

// Report returns year's figures after checking that their HTML rendering holds no personal
// data, and records that they were read as format "page": the web UI shows them.
func (s *Service) Report(ctx context.Context, year int) (Report, error) {
	r, _, err := s.generate(ctx, year, HTML)
	if err != nil {
		return Report{}, err
	}
	if err := s.Store.RecordReport(ctx, year, "page"); err != nil {
		return Report{}, err
	}
	return r, nil
}

// Render returns year's report in format f, checked for personal data (PP-11, TR-06) and
// audited.
func (s *Service) Render(ctx context.Context, year int, f Format) ([]byte, error) {
	_, out, err := s.generate(ctx, year, f)
	if err != nil {
		return nil, err
	}
	if err := s.Store.RecordReport(ctx, year, string(f)); err != nil {
		return nil, err
	}
	return out, nil
}

// generate computes year's figures, renders them in f and checks the rendering.
func (s *Service) generate(ctx context.Context, year int, f Format) (Report, []byte, error) {
	if err := checkReader(ctx); err != nil {
		return Report{}, nil, err
	}
	r, err := Compute(ctx, s.Store, year, s.Clock.Now())
	if err != nil {
		return Report{}, nil, err
	}
	out, err := Render(r, f)
	if err != nil {
		return Report{}, nil, err
	}
	known, err := s.Store.PersonalData(ctx, YearPeriod(year))
	if err != nil {
		return Report{}, nil, fmt.Errorf("transparency report %d: personal data to check for: %w", year, err)
	}
	if known, err = notVocabulary(known, year, f, r.Generated); err != nil {
		return Report{}, nil, err
	}
	if err := Check(out, known); err != nil {
		return Report{}, nil, fmt.Errorf("transparency report %d as %s: %w", year, f, err)
	}
	return r, out, nil
}

// notVocabulary drops from known the identifiers that a report without any figures already
// contains as words, such as an uploader who calls themselves "removal": they are the report's
// own wording, and looking for them would refuse every report while revealing nothing.
func notVocabulary(known []string, year int, f Format, generated time.Time) ([]string, error) {
	empty, err := Compute(context.Background(), emptySource{}, year, generated)
	if err != nil {
		return nil, err
	}
	base, err := Render(empty, f)
	if err != nil {
		return nil, err
	}
	text := string(base)
	out := known[:0:0]
	for _, id := range known {
		if !searchable(id) || !containsWord(text, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// emptySource is a Source without records: what a report's own wording is made of.
type emptySource struct{}

func (emptySource) Content(context.Context, Period) ([]ContentCount, error) { return nil, nil }
func (emptySource) CasesOpened(context.Context, Period) (int64, error)      { return 0, nil }
func (emptySource) Reviews(context.Context, Period) ([]Review, error)       { return nil, nil }
func (emptySource) Complaints(context.Context, Period) ([]Complaint, error) { return nil, nil }
func (emptySource) Orders(context.Context, Period) ([]Order, error)         { return nil, nil }
func (emptySource) Pauses(context.Context, Period) ([]Pause, error)         { return nil, nil }
func (emptySource) Actions(context.Context, Period) ([]Action, error)       { return nil, nil }
func (emptySource) Reports(context.Context, Period) ([]SentReport, error)   { return nil, nil }
func (emptySource) Evidence(context.Context, Period) ([]Evidence, error)    { return nil, nil }
func (emptySource) PersonalData(context.Context, Period) ([]string, error)  { return nil, nil }
