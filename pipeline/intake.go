package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/policy"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/urlfetch"
)

// Limits on the free-form fields of a submission.
const (
	maxIDLength      = 256 // external_id, uploader
	maxMetadataKeys  = 32
	maxMetadataKey   = 64
	maxMetadataValue = 1024
	maxSignals       = 16
)

// item is an accepted submission on its way to a verdict.
type item struct {
	row     int64
	content vigil.Content
	kind    string
	payload []byte
}

// Submit validates s, applies the policy gate and stores the item before returning it: with
// its bytes or signals in a job when it waits for a worker, or with its verdict when intake could
// hash it at once. A refused item is stored with its not_scanned verdict and nothing of its
// content. A repeated (service, external_id) returns the first item.
func (p *Pipeline) Submit(ctx context.Context, s vigil.Submission) (vigil.Content, error) {
	actor := vigil.ActorFrom(ctx)
	if !actor.Can(vigil.ScopeSubmit) {
		return vigil.Content{}, vigil.Errorf(vigil.EFORBIDDEN, "submitting content needs the submit permission")
	}
	if p.stopping.Load() {
		return vigil.Content{}, errStopping
	}
	p.inflight.Add(1)
	defer p.inflight.Done()
	kind, payload, err := p.validate(&s)
	if err != nil {
		return vigil.Content{}, err
	}
	svc, ok := p.services.get(s.Service)
	if !ok {
		return vigil.Content{}, vigil.FieldErrorf(vigil.EINVALID, "service", "no service %q: an admin must configure it first", s.Service)
	}
	now := p.cfg.Clock.Now()
	c := vigil.Content{
		ID: vigil.NewID(vigil.PrefixContent, now), Service: s.Service, ExternalID: s.ExternalID,
		Uploader: s.Uploader, Type: s.Type, Flags: s.Flags, Metadata: s.Metadata, URL: s.URL,
		Size: int64(len(s.Bytes)), Received: now, Verdict: vigil.Verdict{Status: vigil.VerdictPending},
	}
	gate := p.cfg.Gate.Decide(policy.Item{Service: svc, Flags: s.Flags, At: now})
	if !gate.Scan {
		// Nothing of a refused item is kept: no bytes, no URL, no signals.
		c.URL = ""
		c.Verdict = vigil.Verdict{Status: vigil.VerdictNotScanned, Reason: gate.Reason, Decided: now}
		p.metrics.verdicts.WithLabelValues(string(vigil.VerdictNotScanned)).Inc()
		return p.storeFinal(actor, c)
	}
	var fast *outcome
	if kind == sqlite.JobBytes {
		if o, ok := p.tryExamine(payload); ok {
			if o.status != vigil.VerdictMatch {
				// The fast path: the verdict is known before anything is written, so the item
				// and its verdict commit together and the bytes never touch the disk.
				c.Verdict = vigil.Verdict{Status: o.status, Reason: o.reason, Decided: now}
				p.metrics.verdicts.WithLabelValues(string(o.status)).Inc()
				return p.storeFinal(actor, c)
			}
			fast = &o // a match goes the durable way, to open its case with the verdict
		}
	}
	if err := p.acquireForIntake(ctx); err != nil {
		return vigil.Content{}, err
	}
	it := &item{content: c, kind: kind, payload: payload}
	var created bool
	err = p.write(func(tx *sqlite.Tx) error {
		var err error
		it.content, it.row, created, err = p.store.InsertContent(tx.As(actor), c, kind, payload)
		return err
	})
	if err != nil || !created {
		p.release()
		return it.content, err
	}
	p.inflight.Add(1) // until the verdict commits
	p.waiters.hold(it.content.ID, false, true)
	if fast != nil {
		p.conclude(it, *fast)
	} else {
		p.work <- it
	}
	return it.content, nil
}

// acquireForIntake takes a queue slot for a submission, waiting at most Config.QueueWait.
func (p *Pipeline) acquireForIntake(ctx context.Context) error {
	select {
	case p.slots <- struct{}{}:
		return nil // room at once: no timer needed
	default:
	}
	timer := time.NewTimer(p.cfg.QueueWait)
	defer timer.Stop()
	err := p.acquire(ctx, timer.C)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("submit: wait for room in the queue: %w", err)
	}
	return err
}

// tryExamine hashes and matches data at once when a hashing slot is free, so that an idle
// pipeline answers without a round trip through the queue; it reports false when all are busy.
func (p *Pipeline) tryExamine(data []byte) (outcome, bool) {
	select {
	case p.hashing <- struct{}{}:
	default:
		return outcome{}, false
	}
	defer func() { <-p.hashing }()
	return p.examine(sqlite.JobBytes, nil, data), true
}

// storeFinal commits an item that already has its verdict.
func (p *Pipeline) storeFinal(actor vigil.Actor, c vigil.Content) (vigil.Content, error) {
	stored := c
	err := p.write(func(tx *sqlite.Tx) error {
		var err error
		stored, _, _, err = p.store.InsertContent(tx.As(actor), c, "", nil)
		return err
	})
	return stored, err
}

// validate checks s, fills in defaults, and returns the job kind and payload that scan it.
func (p *Pipeline) validate(s *vigil.Submission) (kind string, payload []byte, err error) {
	sources := 0
	for _, has := range []bool{len(s.Bytes) > 0, s.URL != "", len(s.Signals) > 0} {
		if has {
			sources++
		}
	}
	if sources != 1 {
		return "", nil, vigil.Errorf(vigil.EINVALID, "send exactly one of a file, a url or signals")
	}
	if s.Service == "" {
		return "", nil, vigil.FieldErrorf(vigil.EINVALID, "service", "required")
	}
	if err := checkText("external_id", s.ExternalID); err != nil {
		return "", nil, err
	}
	if err := checkText("uploader", s.Uploader); err != nil {
		return "", nil, err
	}
	if err := checkMetadata(s.Metadata); err != nil {
		return "", nil, err
	}
	if err := checkFlags(s.Flags); err != nil {
		return "", nil, err
	}
	if s.Type == "" {
		s.Type = vigil.ContentPhoto
	}
	switch s.Type {
	case vigil.ContentPhoto:
	case vigil.ContentVideo:
		if len(s.Signals) == 0 {
			return "", nil, vigil.FieldErrorf(vigil.EINVALID, "type", "video is accepted as signals only: Vigil does not hash video yet")
		}
	default:
		return "", nil, vigil.FieldErrorf(vigil.EINVALID, "type", "must be photo or video")
	}
	switch {
	case len(s.Bytes) > 0:
		if int64(len(s.Bytes)) > p.cfg.MaxBytes {
			return "", nil, vigil.FieldErrorf(vigil.ETOOLARGE, "file", "is %d bytes, over the limit of %d", len(s.Bytes), p.cfg.MaxBytes)
		}
		return sqlite.JobBytes, s.Bytes, nil
	case s.URL != "":
		if _, err := urlfetch.Check(s.URL); err != nil {
			return "", nil, vigil.FieldErrorf(vigil.EINVALID, "url", "%v", err)
		}
		return sqlite.JobURL, nil, nil
	}
	return signalsPayload(s.Signals)
}

// signalsPayload validates hash-only signals and encodes them as "type:value" lines.
func signalsPayload(signals []signal.Signal) (string, []byte, error) {
	if len(signals) > maxSignals {
		return "", nil, vigil.FieldErrorf(vigil.EINVALID, "signals", "at most %d signals", maxSignals)
	}
	var b strings.Builder
	for _, sig := range signals {
		canon, err := signal.Parse(string(sig.Type), sig.Value)
		if err != nil {
			return "", nil, vigil.FieldErrorf(vigil.EINVALID, "signals."+string(sig.Type), "%v", err)
		}
		b.WriteString(canon.String())
		b.WriteByte('\n')
	}
	return sqlite.JobSignals, []byte(b.String()), nil
}

func checkText(field, v string) error {
	if len(v) > maxIDLength {
		return vigil.FieldErrorf(vigil.EINVALID, field, "longer than %d bytes", maxIDLength)
	}
	if !utf8.ValidString(v) {
		return vigil.FieldErrorf(vigil.EINVALID, field, "not valid UTF-8")
	}
	return nil
}

func checkMetadata(m map[string]string) error {
	if len(m) > maxMetadataKeys {
		return vigil.FieldErrorf(vigil.EINVALID, "metadata", "at most %d keys", maxMetadataKeys)
	}
	for k, v := range m {
		if k == "" || len(k) > maxMetadataKey || len(v) > maxMetadataValue || !utf8.ValidString(k) || !utf8.ValidString(v) {
			return vigil.FieldErrorf(vigil.EINVALID, "metadata", "keys must be 1 to %d bytes and values at most %d bytes of UTF-8", maxMetadataKey, maxMetadataValue)
		}
	}
	return nil
}

func checkFlags(flags []vigil.Flag) error {
	for _, f := range flags {
		if !slices.Contains(vigil.Flags, f) {
			return vigil.FieldErrorf(vigil.EINVALID, "flags", "unknown flag %q (known: e2ee, audio)", f)
		}
	}
	return nil
}
