package orders

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// recordingStore records the times the worker passes and fails as told.
type recordingStore struct {
	calls []string
	at    []time.Time
	fail  error
}

func (s *recordingStore) AlertDueSoon(_ context.Context, at time.Time) (int, error) {
	s.calls, s.at = append(s.calls, "alert"), append(s.at, at)
	return 0, s.fail
}

func (s *recordingStore) SettleExecuted(context.Context) (int, error) {
	s.calls = append(s.calls, "settle")
	return 0, nil
}

func (s *recordingStore) AdvanceBlocking(_ context.Context, at time.Time) (int, error) {
	s.calls, s.at = append(s.calls, "blocking"), append(s.at, at)
	return 0, nil
}

// TestTickOrderAndErrors: a tick settles before it alerts, passes the clock's time, runs every
// step even when one fails, and reports the failure.
func TestTickOrderAndErrors(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		fail error
	}{
		{"ok", nil},
		{"alert fails", errors.New("disk full")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &recordingStore{fail: c.fail}
			w := &Worker{Store: s, Clock: fakeclock.New(now)}
			err := w.Tick(context.Background())
			if !errors.Is(err, c.fail) || (c.fail == nil) != (err == nil) {
				t.Fatalf("Tick: %v, want %v", err, c.fail)
			}
			if strings.Join(s.calls, ",") != "settle,alert,blocking" {
				t.Errorf("calls %v", s.calls)
			}
			for _, at := range s.at {
				if !at.Equal(now) {
					t.Errorf("passed %v, want the clock's %v", at, now)
				}
			}
		})
	}
}

// fixedStats is a StatsSource with set figures.
type fixedStats struct {
	st  Stats
	err error
}

func (f fixedStats) OrderStats(context.Context, time.Time) (Stats, error) { return f.st, f.err }

// scrape returns every series reg exposes in the text format, by its name and labels as
// written, e.g. vigil_orders_open{kind="removal"}.
func scrape(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}).
		ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	series := map[string]float64{}
	for line := range strings.Lines(rec.Body.String()) {
		name, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("scrape line %q: %v", line, err)
		}
		series[name] = v
	}
	return series
}

// TestMetrics: the gauges, the nearest deadline (absent when none runs) and the time-to-execute
// histogram (RO-03, Art. 83(1)(b)).
func TestMetrics(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	cases := []struct {
		name string
		st   Stats
		want map[string]float64
	}{
		{"one due soon", Stats{Open: map[vigil.OrderKind]int{vigil.OrderRemoval: 1}, DueSoon: 1,
			Nearest: 3 * time.Hour, HasNearest: true, ExecutionTimes: []time.Duration{90 * time.Minute, 25 * time.Hour}},
			map[string]float64{`vigil_orders_open{kind="removal"}`: 1, `vigil_orders_open{kind="voluntary"}`: 0,
				"vigil_orders_due_soon": 1, "vigil_orders_overdue": 0, "vigil_orders_next_deadline_seconds": 10800,
				`vigil_order_execution_seconds_bucket{le="7200"}`: 1, `vigil_order_execution_seconds_bucket{le="129600"}`: 2,
				"vigil_order_execution_seconds_count": 2, "vigil_order_execution_seconds_sum": 90*60 + 25*3600}},
		{"nothing running", Stats{},
			map[string]float64{`vigil_orders_open{kind="removal"}`: 0, "vigil_orders_due_soon": 0, "vigil_orders_overdue": 0,
				"vigil_order_execution_seconds_count": 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reg := prometheus.NewPedanticRegistry()
			if err := reg.Register(NewCollector(fixedStats{st: c.st}, clock)); err != nil {
				t.Fatal(err)
			}
			series := scrape(t, reg)
			for name, want := range c.want {
				if got, ok := series[name]; !ok || got != want {
					t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
				}
			}
			if _, ok := series["vigil_orders_next_deadline_seconds"]; ok != c.st.HasNearest {
				t.Errorf("nearest deadline present %v, want %v", ok, c.st.HasNearest)
			}
		})
	}
}

func TestMetricsReportAFailedRead(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(fixedStats{err: errors.New("database locked")}, fakeclock.New(time.Now())))
	if _, err := reg.Gather(); err == nil || !strings.Contains(err.Error(), "database locked") {
		t.Fatalf("Gather: %v", err)
	}
}

// TestConfirmation: the Annex VI document says what was done, in every Member State, when,
// with the time zone, and its signature verifies only over the exact bytes (RO-06).
func TestConfirmation(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Parse([]byte(validRemoval))
	if err != nil {
		t.Fatal(err)
	}
	o.ID, o.Received = "ord_1", time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	executed := o.Received.Add(3 * time.Hour)
	doc, sig, err := Confirm(o, vigil.MeasureRemoved, executed, priv)
	if err != nil {
		t.Fatal(err)
	}
	var c Confirmation
	if err := json.Unmarshal(doc, &c); err != nil {
		t.Fatal(err)
	}
	if c.Type != ConfirmationType || c.Measure != "removed" || !c.InAllMemberStates ||
		c.ExecutedAt != "2026-11-27T12:30:00Z" || c.OrderReference != o.Reference || len(c.URLs) != 1 {
		t.Fatalf("confirmation %+v", c)
	}
	cases := []struct {
		name string
		doc  []byte
		sig  string
		ok   bool
	}{
		{"as signed", doc, sig, true},
		{"altered", []byte(strings.Replace(string(doc), "removed", "disabled", 1)), sig, false},
		{"re-encoded with spaces", []byte(strings.Replace(string(doc), ",", ", ", 1)), sig, false},
		{"not base64", doc, "!!", false},
		{"short", doc, "AAAA", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := VerifyConfirmation(pub, tc.doc, tc.sig); (err == nil) != tc.ok {
				t.Fatalf("VerifyConfirmation: %v, want ok %v", err, tc.ok)
			}
		})
	}
}
