package pipeline

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/policy"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
)

// worker scans queued items until Stop. URL items are handed to a goroutine of their own so a
// slow server never holds up hashing.
func (p *Pipeline) worker() {
	defer p.wg.Done()
	for {
		select {
		case it := <-p.work:
			if it.kind == sqlite.JobURL {
				p.wg.Add(1)
				go p.fetchThenScan(it)
				continue
			}
			p.scan(it, it.payload)
		case <-p.quit:
			return
		}
	}
}

// fetchThenScan fetches a URL item's bytes and scans them; a failed fetch is the item's verdict.
func (p *Pipeline) fetchThenScan(it *item) {
	defer p.wg.Done()
	select {
	case p.fetch <- struct{}{}:
		defer func() { <-p.fetch }()
	case <-p.quit:
		return
	}
	if g := p.gate(it.content, p.cfg.Clock.Now()); !g.Scan {
		p.conclude(it, outcome{status: vigil.VerdictNotScanned, reason: g.Reason})
		return // not even fetched
	}
	ctx, cancel := p.untilStop()
	defer cancel()
	res, err := p.cfg.Fetcher.Fetch(ctx, it.content.URL)
	if err != nil {
		if ctx.Err() != nil {
			return // stopping: the job stays for the next start
		}
		p.conclude(it, outcome{status: vigil.VerdictError, reason: err.Error()})
		return
	}
	p.scan(it, res.Body)
}

// outcome is what scanning found.
type outcome struct {
	status    vigil.VerdictStatus
	reason    string
	matches   []vigil.Match
	signals   []signal.Signal // the content's own, kept only for a match
	media     []byte          // the bytes, kept only for a match
	mediaType string
}

// scan examines an item and commits its verdict. Hashing takes a slot of p.hashing, which
// bounds hashing across workers and intake's fast path to cfg.Workers at once. Once it has the
// slot, just before hashing, it asks the policy gate again with the time of the scan: the item
// may have waited in the queue, or in the database across a restart, past the end of its legal
// basis or past its service being switched off (IR-15).
func (p *Pipeline) scan(it *item, data []byte) {
	p.hashing <- struct{}{}
	var o outcome
	if g := p.gate(it.content, p.cfg.Clock.Now()); g.Scan {
		o = p.examine(it.kind, it.payload, data)
	} else {
		o = outcome{status: vigil.VerdictNotScanned, reason: g.Reason}
	}
	<-p.hashing
	p.conclude(it, o)
}

// gate asks the policy gate whether an accepted item may be scanned at t, under its service's
// settings as they are now. A service deleted since intake refuses its items.
func (p *Pipeline) gate(c vigil.Content, t time.Time) vigil.GateDecision {
	svc, ok := p.services.get(c.Service)
	if !ok {
		return vigil.GateDecision{Reason: fmt.Sprintf("service %q is no longer configured", c.Service)}
	}
	return p.cfg.Gate.Decide(policy.Item{Service: svc, Flags: c.Flags, At: t})
}

// examine hashes data (or reads the submitted signals of payload) and matches them.
func (p *Pipeline) examine(kind string, payload, data []byte) outcome {
	var q match.Query
	var mediaType string
	if kind == sqlite.JobSignals {
		sigs, err := parseSignals(payload)
		if err != nil {
			return outcome{status: vigil.VerdictError, reason: err.Error()}
		}
		q = match.Query{Signals: sigs, Quality: -1}
	} else {
		start := time.Now()
		res, err := p.cfg.Hash(data)
		p.metrics.hashTime.Observe(time.Since(start).Seconds())
		if err != nil {
			return outcome{status: vigil.VerdictError, reason: "cannot hash: " + err.Error()}
		}
		q, mediaType = queryOf(res), "image/"+string(res.Format)
	}
	hits := p.cfg.Matcher.Match(q, match.MatchOptions{}).Hits
	if len(hits) == 0 {
		return outcome{status: vigil.VerdictNoMatch}
	}
	return outcome{status: vigil.VerdictMatch, matches: p.matchesOf(hits),
		signals: q.Signals, media: data, mediaType: mediaType}
}

// queryOf is the query for one hashed file.
func queryOf(res *hasher.Result) match.Query {
	return match.Query{
		Signals:  res.Signals(),
		Quality:  res.Quality,
		Dihedral: res.Dihedral,
	}
}

// parseSignals reads the "type:value" lines intake stored.
func parseSignals(payload []byte) ([]signal.Signal, error) {
	var sigs []signal.Signal
	for line := range strings.Lines(string(payload)) {
		s, err := signal.ParseTyped(strings.TrimSpace(line))
		if err != nil {
			return nil, fmt.Errorf("stored signals: %w", err)
		}
		sigs = append(sigs, s)
	}
	return sigs, nil
}

// matchesOf turns index hits into verdict matches, with each bank's version at match time.
func (p *Pipeline) matchesOf(hits []match.Hit) []vigil.Match {
	versions := map[string]string{}
	for _, b := range p.cfg.Matcher.Banks() {
		versions[b.Name] = b.Version
	}
	out := make([]vigil.Match, len(hits))
	for i, h := range hits {
		out[i] = vigil.Match{Bank: h.Bank, BankVersion: versions[h.Bank], Entry: h.Entry, Signal: h.Signal,
			SupplierID: h.SupplierID, Category: h.Category, Distance: h.Distance}
		p.metrics.matches.WithLabelValues(h.Bank).Inc()
	}
	return out
}

// maxCommitTries bounds the retries of a verdict that fails to commit; after them the job stays
// in the database for the next start.
const maxCommitTries = 8

// conclude commits o as the item's verdict, in one transaction with its case and webhook when it
// matched, then wakes the item's waiters and frees its queue slot.
func (p *Pipeline) conclude(it *item, o outcome) {
	var final vigil.Content
	tries := 0
	var commit *op
	commit = &op{
		fn: func(tx *sqlite.Tx) error {
			c := it.content
			c.Verdict = vigil.Verdict{Status: o.status, Reason: o.reason, Matches: o.matches, Decided: tx.Now()}
			if o.status == vigil.VerdictNotScanned {
				c.URL = "" // nothing of a refused item is kept; SetVerdict deletes its payload
			}
			if o.status == vigil.VerdictMatch {
				caseID, err := openCase(tx, c, o)
				if err != nil {
					return err
				}
				c.Verdict.CaseID = caseID
			}
			if err := p.store.SetVerdict(tx, it.row, c); err != nil {
				return err
			}
			final = c
			return nil
		},
		after: func(err error) {
			tries++
			if err != nil && tries < maxCommitTries {
				p.log.Error("pipeline: verdict not committed, retrying", "content", it.content.ID, "err", err)
				time.AfterFunc(time.Duration(1<<tries)*50*time.Millisecond, func() {
					if !p.send(commit) {
						p.abandon()
					}
				})
				return
			}
			if err != nil {
				p.log.Error("pipeline: verdict not committed, left for the next start", "content", it.content.ID, "err", err)
				p.abandon()
				return
			}
			p.metrics.verdicts.WithLabelValues(string(final.Verdict.Status)).Inc()
			p.waiters.finish(final)
			p.abandon()
		},
	}
	if !p.send(commit) {
		p.abandon()
	}
}

// abandon ends the item's hold on the queue and on Stop's drain.
func (p *Pipeline) abandon() {
	p.release()
	p.inflight.Done()
}

// openCase opens the review case of a matched item and queues its webhook, in tx. A match by a
// cryptographic hash makes the case urgent (see vigil.PriorityOf).
func openCase(tx *sqlite.Tx, c vigil.Content, o outcome) (string, error) {
	cs := vigil.Case{ContentID: c.ID, Service: c.Service, Priority: vigil.PriorityOf(o.matches),
		Matches: o.matches, Signals: o.signals}
	if err := tx.OpenCase(&cs, o.media, o.mediaType); err != nil {
		return "", err
	}
	var banks, categories []string
	for _, m := range o.matches {
		if !slices.Contains(banks, m.Bank) {
			banks = append(banks, m.Bank)
		}
		if m.Category != "" && !slices.Contains(categories, m.Category) {
			categories = append(categories, m.Category)
		}
	}
	event := vigil.ContentMatched{ContentID: c.ID, ExternalID: c.ExternalID, Service: c.Service,
		CaseID: cs.ID, Banks: banks, Categories: categories,
		Matched: tx.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")}
	if err := tx.Enqueue(vigil.EventContentMatched, event); err != nil {
		return "", err
	}
	detail, _ := json.Marshal(map[string]any{"case_id": cs.ID, "banks": banks})
	if err := tx.Audit("content.match", "content", c.ID, string(detail)); err != nil {
		return "", err
	}
	return cs.ID, nil
}
