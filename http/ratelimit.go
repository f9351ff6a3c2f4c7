package http

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vigilproject/vigil"
)

// DefaultMatchRate is the most match lookups per second an API key or user may make when its
// own MatchRate is 0. A match API answers whether an image is in a list of known material, so
// it can be used as an oracle to tune evasions; the limit keeps that slow (design §5.10).
const DefaultMatchRate = 50

// limiter is a set of token buckets, one per key (an API key id, a user name, an address): each
// holds up to burst tokens, refills at rate tokens per second on the clock, and an action is
// allowed when it can take one token.
type limiter struct {
	clock vigil.Clock

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens, rate, burst float64
	last                time.Time
}

// maxBuckets bounds the limiter's memory: past it, full buckets (idle keys) are forgotten.
const maxBuckets = 10000

func newLimiter(clock vigil.Clock) *limiter {
	return &limiter{clock: clock, buckets: make(map[string]*bucket)}
}

// allow takes a token from key's bucket and reports whether there was one; when there was not,
// it also returns how long until there will be.
func (l *limiter) allow(key string, rate, burst float64) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.forgetFull(now)
		}
		b = &bucket{tokens: burst, last: now}
		l.buckets[key] = b
	}
	b.rate, b.burst = rate, burst
	b.tokens = refill(b, now)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return false, wait
}

// refill returns b's tokens at now.
func refill(b *bucket, now time.Time) float64 {
	elapsed := max(0, now.Sub(b.last).Seconds())
	return math.Min(b.burst, b.tokens+elapsed*b.rate)
}

// forgetFull drops the buckets that have refilled completely: forgetting them changes nothing.
func (l *limiter) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		if refill(b, now) >= b.burst {
			delete(l.buckets, k)
		}
	}
}

// rateLimited is the error of a refused request, with a Retry-After hint set on w.
func rateLimited(w http.ResponseWriter, wait time.Duration, what string) error {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	return vigil.Errorf(vigil.ERATELIMITED, "too many %s: retry in %s", what, wait.Round(time.Millisecond))
}

// MatchLimited wraps a matching handler (/v1/match, the HMA /m/* lookups) with the per-key
// match rate limit: each API key may make its MatchRate lookups per second (DefaultMatchRate when
// 0), with bursts of up to one second's worth; signed-in users get the default rate. Refused
// requests get 429 with Retry-After.
func (s *Server) MatchLimited(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.allowMatch(w, r); err != nil {
			s.writeError(w, r, err)
			return
		}
		next(w, r)
	}
}

// allowMatch takes one token from the bucket of the request's key or user.
func (s *Server) allowMatch(w http.ResponseWriter, r *http.Request) error {
	actor := vigil.ActorFrom(r.Context())
	rate := float64(DefaultMatchRate)
	if k, ok := keyFrom(r.Context()); ok && k.MatchRate > 0 {
		rate = k.MatchRate
	}
	ok, wait := s.matchLimits.allow(string(actor.Kind)+":"+actor.ID, rate, math.Max(1, rate))
	if !ok {
		return rateLimited(w, wait, "match lookups")
	}
	return nil
}

// Sign-in limits: a name may be tried loginNameBurst times at once, then once every
// 1/loginNameRate seconds; an address gets more, since several people may share it.
const (
	loginNameBurst = 5
	loginNameRate  = 1.0 / 20
	loginAddrBurst = 20
	loginAddrRate  = 1.0 / 3
)

// allowLogin takes a token for the attempt's name and for its address, refusing the attempt when
// either is exhausted. The address is the connection's: X-Forwarded-For is not trusted, since
// anyone can send it.
func (s *Server) allowLogin(w http.ResponseWriter, r *http.Request, name string) error {
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	if ok, wait := s.loginLimits.allow("addr:"+addr, loginAddrRate, loginAddrBurst); !ok {
		return rateLimited(w, wait, "sign-in attempts from this address")
	}
	if ok, wait := s.loginLimits.allow("name:"+name, loginNameRate, loginNameBurst); !ok {
		return rateLimited(w, wait, "sign-in attempts for this name")
	}
	return nil
}
