// Package pipeline takes content from platforms to verdicts. Intake validates a submission,
// applies the policy gate and stores the item durably before answering; a worker pool then asks
// the gate again with the time of the scan (an item may wait past the end of its legal basis),
// hashes it (the fast decode path), matches it against the banks and writes its verdict. A match
// opens a review case and queues a content.matched webhook in the same transaction as the
// verdict. Non-matching items leave no bytes and no hashes behind, only their verdict and counts.
//
// Throughput comes from four choices: submissions and verdicts of many callers are committed
// together (group commit: one fsync for a batch); the bytes reach the workers in memory (the
// copy in the database, sealed with AES-256-GCM, is only for crash recovery); JPEGs are hashed
// in place from a reduced decode; and when a hashing slot is free at intake, an upload is hashed
// at once and, unless it matches, committed together with its verdict, so its bytes never reach
// the disk. A match always takes the durable job, so that its case opens in the verdict's
// transaction.
package pipeline

import (
	"context"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/media"
	"github.com/vigilproject/vigil/policy"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/urlfetch"
)

// Config is what a Pipeline needs. Store, Matcher and Clock are required.
type Config struct {
	Store   *sqlite.ContentStore
	Matcher *match.Matcher
	Clock   vigil.Clock
	Gate    policy.Gate
	// Fetcher fetches URL submissions; nil builds a default one.
	Fetcher *urlfetch.Fetcher
	// Hash turns bytes into signals; nil uses the hasher's fast path. Tests inject a spy here.
	Hash func(data []byte) (*hasher.Result, error)
	// Workers is how many items are hashed at once; 0 means one per CPU.
	Workers int
	// Queue bounds the items held in memory between intake and verdict, and with it the memory
	// their bytes take; 0 means 64. Intake waits for room, up to QueueWait.
	Queue int
	// QueueWait bounds how long a submission waits for room in a full queue before it is refused
	// with vigil.EUNAVAILABLE, so that an overloaded server answers instead of holding every
	// connection; 0 means 5 s.
	QueueWait time.Duration
	// MaxBytes bounds an uploaded or fetched file; 0 means media.DefaultMaxBytes.
	MaxBytes int64
	Logger   *slog.Logger
}

// Pipeline implements vigil.ContentService. Start it before use and Stop it to drain.
type Pipeline struct {
	cfg     Config
	store   *sqlite.ContentStore
	db      *sqlite.DB
	log     *slog.Logger
	metrics *Metrics

	services serviceCache
	waiters  waiters

	ops       chan *op // to the committer
	opsMu     sync.RWMutex
	opsClosed bool
	work      chan *item    // to the workers
	slots     chan struct{} // one per item between intake and verdict
	fetch     chan struct{} // bounds concurrent URL fetches
	// hashing holds one token per item being hashed, by a worker or by intake's fast path.
	hashing chan struct{}

	stopping atomic.Bool
	inflight tracker        // submissions and items not yet committed with their verdict
	quit     chan struct{}  // closed by Stop: workers and the loader end
	wg       sync.WaitGroup // the pipeline's goroutines
	commitWG sync.WaitGroup // the committer
}

// New returns a pipeline for cfg, not yet started.
func New(cfg Config) *Pipeline {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 64
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = 5 * time.Second
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = media.DefaultMaxBytes
	}
	if cfg.Fetcher == nil {
		cfg.Fetcher = urlfetch.New(urlfetch.Fetcher{MaxBytes: cfg.MaxBytes})
	}
	if cfg.Hash == nil {
		limits := media.Limits{MaxBytes: cfg.MaxBytes}
		cfg.Hash = func(data []byte) (*hasher.Result, error) {
			return hasher.HashBytes(data, hasher.Options{Fast: true, Limits: limits})
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Pipeline{
		cfg: cfg, store: cfg.Store, db: cfg.Store.DB(), log: cfg.Logger,
		waiters: waiters{m: map[string]*waiter{}},
		ops:     make(chan *op, 4*cfg.Queue),
		work:    make(chan *item, cfg.Queue),
		slots:   make(chan struct{}, cfg.Queue),
		fetch:   make(chan struct{}, 8),
		hashing: make(chan struct{}, cfg.Workers),
		quit:    make(chan struct{}),
	}
	p.metrics = newMetrics(func() int { return len(p.slots) })
	return p
}

// Start loads the service settings, starts the committer and the workers, and resumes the jobs
// a previous run left unfinished.
func (p *Pipeline) Start(ctx context.Context) error {
	if err := p.services.load(ctx, p.store); err != nil {
		return err
	}
	if err := p.store.Prepare(ctx); err != nil {
		return err
	}
	last, err := p.store.LastJobRow(ctx)
	if err != nil {
		return err
	}
	p.commitWG.Add(1)
	go p.commit()
	for range p.cfg.Workers {
		p.wg.Add(1)
		go p.worker()
	}
	if last > 0 {
		p.wg.Add(1)
		go p.resume(last)
	}
	return nil
}

// Stop refuses new submissions, waits until every accepted item has its verdict or ctx ends,
// then stops the workers and the committer. Items still waiting keep their jobs in the database
// and are resumed by the next Start.
func (p *Pipeline) Stop(ctx context.Context) error {
	p.stopping.Store(true)
	var err error
	select {
	case <-p.inflight.idleChan():
	case <-ctx.Done():
		err = ctx.Err()
	}
	close(p.quit)
	p.wg.Wait()
	p.closeOps()
	p.commitWG.Wait()
	return err
}

// errStopping answers submissions that arrive while the pipeline stops.
var errStopping = vigil.Errorf(vigil.EUNAVAILABLE, "the server is shutting down: retry shortly")

// Metrics returns the pipeline's Prometheus collectors.
func (p *Pipeline) Metrics() *Metrics { return p.metrics }

// errQueueFull answers submissions that found no room in the queue within Config.QueueWait.
var errQueueFull = vigil.Errorf(vigil.EUNAVAILABLE, "the server is busy: its queue is full, retry shortly")

// acquire takes a queue slot, waiting for room until timeout fires (never when it is nil).
func (p *Pipeline) acquire(ctx context.Context, timeout <-chan time.Time) error {
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-timeout:
		return errQueueFull
	case <-ctx.Done():
		return ctx.Err()
	case <-p.quit:
		return errStopping
	}
}

func (p *Pipeline) release() { <-p.slots }
