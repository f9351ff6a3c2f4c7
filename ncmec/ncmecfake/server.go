// Package ncmecfake is an in-process CyberTipline Reporting API for tests and demos (`vigil dev
// fake-endpoints`). It enforces HTTP Basic authentication and the documented flow (uploads and
// file details only on an open report, finish once, retract only what is unfinished, with
// NCMEC's response codes), checks the XML it receives against the structure of requirements
// §10, computes the MD5 of each upload, and records every report for inspection. Tests can make
// an endpoint fail, hold a call until released, and expire unfinished reports.
//
// Serve it on 127.0.0.1 only (httptest.NewServer, or a listener on 127.0.0.1:0).
package ncmecfake

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/vigilproject/vigil"
)

// Endpoint names an API endpoint, for FailNext and Block.
type Endpoint string

// The endpoints.
const (
	Status   Endpoint = "status"
	Submit   Endpoint = "submit"
	Upload   Endpoint = "upload"
	FileInfo Endpoint = "fileinfo"
	Finish   Endpoint = "finish"
	Retract  Endpoint = "retract"
)

// ReportStatus is where a report is in its life.
type ReportStatus string

// The report statuses. An expired report is one NCMEC deleted because it was never finished.
const (
	Open      ReportStatus = "open"
	Finished  ReportStatus = "finished"
	Retracted ReportStatus = "retracted"
	Expired   ReportStatus = "expired"
)

// Unfinished reports are deleted 24 hours after they were opened or 1 hour after their last
// change, whichever is later (requirements §10).
const (
	expireAfterOpen   = 24 * time.Hour
	expireAfterChange = time.Hour
)

// Size limits of a request body.
const (
	maxXML    = 1 << 20
	maxUpload = 64 << 20
)

// Report is what the fake holds of one report.
type Report struct {
	ID      int64
	Status  ReportStatus
	XML     []byte // the <report> document as submitted
	Files   []File
	Opened  time.Time
	Changed time.Time
}

// File is one uploaded file of a report.
type File struct {
	ID      string
	Name    string
	MD5     string // lower-case hex, as answered to the upload
	Data    []byte
	Details [][]byte // every <fileDetails> document received for the file, in order
}

// Server is the fake CyberTipline; it is an http.Handler, safe for concurrent use.
type Server struct {
	user, password string
	clock          vigil.Clock

	mu       sync.Mutex
	nextID   int64
	reports  []*Report
	failures map[Endpoint][]int // response codes for the next calls of an endpoint
	gates    map[Endpoint][]*gate
	badMD5   int // how many next uploads answer a wrong MD5
}

// gate holds one call of an endpoint until released.
type gate struct {
	arrived, release chan struct{}
}

// New returns a fake that accepts the given credentials and reads time from clock (the system
// clock when nil).
func New(user, password string, clock vigil.Clock) *Server {
	if clock == nil {
		clock = vigil.SystemClock{}
	}
	return &Server{
		user: user, password: password, clock: clock, nextID: 1000001,
		failures: map[Endpoint][]int{}, gates: map[Endpoint][]*gate{},
	}
}

// Reports returns a copy of every report the fake has received, in the order they were opened,
// after deleting (status expired) those left open too long by the clock's time.
func (s *Server) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireStale()
	out := make([]Report, len(s.reports))
	for i, r := range s.reports {
		out[i] = *r
		out[i].Files = slices.Clone(r.Files)
	}
	return out
}

// FailNext makes the next n calls of an endpoint answer code (for example 1000, server error)
// without doing anything, after authentication.
func (s *Server) FailNext(ep Endpoint, n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures[ep] = append(s.failures[ep], code)
	}
}

// CorruptNextUploads makes the next n uploads store the file but answer a wrong MD5, as if the
// file had been damaged on the way (NC-04).
func (s *Server) CorruptNextUploads(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.badMD5 += n
}

// Block makes the next call of ep wait, before it does anything, until release is called or the
// caller goes away (its connection closes, as when its process is killed): then the call has no
// effect. A call released before the fake sees its caller gone proceeds, as a real server may
// finish work whose answer is lost. arrived is closed when the call reaches the fake.
func (s *Server) Block(ep Endpoint) (arrived <-chan struct{}, release func()) {
	g := &gate{arrived: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	s.gates[ep] = append(s.gates[ep], g)
	s.mu.Unlock()
	var once sync.Once
	return g.arrived, func() { once.Do(func() { close(g.release) }) }
}

// ExpireUnfinished deletes every open report now, as NCMEC does with reports left unfinished,
// and returns how many it expired.
func (s *Server) ExpireUnfinished() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.reports {
		if r.Status == Open {
			r.Status = Expired
			n++
		}
	}
	return n
}

// expireStale applies NCMEC's deletion rule at the clock's time. The caller holds s.mu.
func (s *Server) expireStale() {
	now := s.clock.Now()
	for _, r := range s.reports {
		if r.Status == Open && now.After(r.Opened.Add(expireAfterOpen)) && now.After(r.Changed.Add(expireAfterChange)) {
			r.Status = Expired
		}
	}
}

// authorized checks the Basic credentials in constant time.
func (s *Server) authorized(r *http.Request) bool {
	user, password, ok := r.BasicAuth()
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.user)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(password), []byte(s.password)) == 1
	return ok && userOK && passOK
}

// takeFailure pops the next planned failure of ep. The caller holds s.mu.
func (s *Server) takeFailure(ep Endpoint) (int, bool) {
	codes := s.failures[ep]
	if len(codes) == 0 {
		return 0, false
	}
	s.failures[ep] = codes[1:]
	return codes[0], true
}

// wait holds the call if a gate is set for ep; false means the caller went away first.
func (s *Server) wait(r *http.Request, ep Endpoint) bool {
	s.mu.Lock()
	gates := s.gates[ep]
	if len(gates) == 0 {
		s.mu.Unlock()
		return true
	}
	g := gates[0]
	s.gates[ep] = gates[1:]
	s.mu.Unlock()
	close(g.arrived)
	select {
	case <-g.release:
		return r.Context().Err() == nil
	case <-r.Context().Done():
		return false
	}
}

// find returns the report with the given id, or nil. The caller holds s.mu.
func (s *Server) find(id int64) *Report {
	for _, r := range s.reports {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func newFileID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func md5Hex(data []byte) string {
	sum := md5.Sum(data)
	return hex.EncodeToString(sum[:])
}
