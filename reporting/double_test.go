package reporting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/vigilproject/vigil"
)

// memStore is an in-memory Store with one report, recording the steps it was told.
type memStore struct {
	mu       sync.Mutex
	rep      vigil.Report
	settings vigil.ReportSettings
	steps    []string
	failNext string // the step whose next record fails, as a store error would
}

func (m *memStore) SendingSettings(context.Context) (vigil.ReportSettings, error) {
	return m.settings, nil
}

func (m *memStore) DueReports(_ context.Context, _ int) ([]vigil.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rep.Status != vigil.ReportQueued && m.rep.Status != vigil.ReportSending {
		return nil, nil
	}
	rep := m.rep
	rep.Deliveries = slices.Clone(rep.Deliveries)
	rep.Files = slices.Clone(rep.Files)
	return []vigil.Report{rep}, nil
}

// record notes step and applies fn, unless the step was told to fail.
func (m *memStore) record(step string, fn func()) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failNext == step {
		m.failNext = ""
		return errors.New("disk full")
	}
	m.steps = append(m.steps, step)
	fn()
	return nil
}

func (m *memStore) dest(d vigil.Destination) *vigil.ReportDelivery {
	for i := range m.rep.Deliveries {
		if m.rep.Deliveries[i].Destination == d {
			return &m.rep.Deliveries[i]
		}
	}
	panic("no destination " + d)
}

func (m *memStore) NCMECSubmitted(_ context.Context, _, ref string) error {
	return m.record("submitted "+ref, func() {
		d := m.dest(vigil.DestNCMEC)
		d.Status, d.Reference, d.Started = vigil.DestSubmitted, ref, m.rep.NextTry
		m.rep.Status, m.rep.Attempts = vigil.ReportSending, 0
	})
}

func (m *memStore) NCMECUploaded(_ context.Context, _, contentID, fileID, md5 string) error {
	return m.record("uploaded "+contentID, func() {
		m.rep.Files = append(m.rep.Files, vigil.ReportFile{ContentID: contentID, FileID: fileID, MD5: md5})
		m.rep.Attempts = 0
	})
}

func (m *memStore) NCMECDescribed(_ context.Context, _, contentID string) error {
	return m.record("described "+contentID, func() {
		for i := range m.rep.Files {
			if m.rep.Files[i].ContentID == contentID {
				m.rep.Files[i].Described = true
			}
		}
	})
}

func (m *memStore) NCMECFinished(context.Context, string) error {
	return m.record("finished", func() { m.dest(vigil.DestNCMEC).Status = vigil.DestFinished })
}

func (m *memStore) NCMECRetracted(_ context.Context, _, reason string) error {
	return m.record("retracted", func() {
		d := m.dest(vigil.DestNCMEC)
		d.Status, d.LastError = vigil.DestRetracted, reason
		m.rep.Status = vigil.ReportSending
		if m.rep.RetractRequested {
			m.rep.Status = vigil.ReportRetracted
		}
	})
}

func (m *memStore) Retracted(context.Context, string) error {
	return m.record("withdrawn", func() { m.rep.Status = vigil.ReportRetracted })
}

func (m *memStore) EUSent(_ context.Context, _, ref string) error {
	return m.record("eu "+ref, func() {
		d := m.dest(vigil.DestEUCentre)
		d.Status, d.Reference = vigil.DestSent, ref
	})
}

func (m *memStore) Failed(_ context.Context, _ string, d vigil.Destination, reason string) error {
	return m.record("failed "+string(d), func() {
		dd := m.dest(d)
		dd.Status, dd.LastError = vigil.DestFailed, reason
		m.rep.Status, m.rep.Attempts = vigil.ReportSending, 0
	})
}

func (m *memStore) Retry(_ context.Context, _ string, at time.Time, reason string) error {
	return m.record("retry", func() {
		m.rep.Attempts++
		m.rep.NextTry, m.rep.LastError = at, reason
	})
}

// Complete settles the report as the SQLite store does: sent when every destination took it,
// failed otherwise, refused while a CyberTipline report is open.
func (m *memStore) Complete(context.Context, string) error {
	m.mu.Lock()
	open := slices.ContainsFunc(m.rep.Deliveries, func(d vigil.ReportDelivery) bool { return d.Status == vigil.DestSubmitted })
	m.mu.Unlock()
	if open {
		return errors.New("the CyberTipline report is still open")
	}
	return m.record("complete", func() {
		m.rep.Status = vigil.ReportSent
		for _, d := range m.rep.Deliveries {
			if d.Status != vigil.DestFinished && d.Status != vigil.DestSent {
				m.rep.Status, m.rep.LastError = vigil.ReportFailed, fmt.Sprintf("%s %s", d.Destination, d.Status)
			}
		}
	})
}

// fakeNCMEC is a CyberTipline double: it counts calls and fails the calls told to.
type fakeNCMEC struct {
	mu     sync.Mutex
	calls  []string
	fail   map[string]error // the next call of a method fails with this error
	nextID int
}

func (f *fakeNCMEC) call(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
	if err, ok := f.fail[name]; ok {
		delete(f.fail, name)
		return err
	}
	return nil
}

func (f *fakeNCMEC) Submit(context.Context, vigil.ReportRecord) (string, error) {
	if err := f.call("submit"); err != nil {
		return "", err
	}
	f.nextID++
	return strconv.Itoa(1000 + f.nextID), nil
}

func (f *fakeNCMEC) Upload(_ context.Context, ref, name string, data []byte) (string, string, error) {
	if err := f.call("upload"); err != nil {
		return "", "", err
	}
	return "file-" + name, fmt.Sprintf("md5-%d", len(data)), nil
}

func (f *fakeNCMEC) FileInfo(context.Context, string, string, vigil.ReportContent, vigil.ReportGeo) error {
	return f.call("fileinfo")
}

func (f *fakeNCMEC) Finish(context.Context, string) error  { return f.call("finish") }
func (f *fakeNCMEC) Retract(context.Context, string) error { return f.call("retract") }

// fakeEU is an EU Centre double that keeps what it was sent.
type fakeEU struct {
	recs []vigil.ReportRecord
	keys []string
	fail error
}

func (f *fakeEU) Send(_ context.Context, rec vigil.ReportRecord, files map[string][]byte, key string) (string, error) {
	if f.fail != nil {
		err := f.fail
		f.fail = nil
		return "", err
	}
	if len(files) != len(rec.Content) {
		return "", Permanent(errors.New("a file is missing"))
	}
	f.recs, f.keys = append(f.recs, rec), append(f.keys, key)
	return "EU-" + key, nil
}

// fakeMedia serves one payload for every case.
type fakeMedia struct{ data []byte }

func (f fakeMedia) CaseMedia(_ context.Context, caseID, purpose string) ([]byte, string, error) {
	if purpose != string(vigil.PurposeReport) {
		return nil, "", vigil.Errorf(vigil.EFORBIDDEN, "not kept for %s", purpose)
	}
	if f.data == nil {
		return nil, "", vigil.Errorf(vigil.ENOTFOUND, "case %s has no kept evidence", caseID)
	}
	return f.data, "image/png", nil
}
