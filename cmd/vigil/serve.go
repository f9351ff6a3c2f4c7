package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
	vhttp "github.com/vigilproject/vigil/http"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/pipeline"
	"github.com/vigilproject/vigil/policy"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/webhook"
	"golang.org/x/term"
)

const serveDescription = `Run the service: the JSON API under /v1 (described at /v1/openapi.json and /docs),
the HMA-compatible endpoints, the web UI, and the workers that scan content and
deliver webhooks, on one embedded SQLite database in --data. The first start
creates the database and user "admin", and prints admin's password once.
SIGINT or SIGTERM stops accepting requests, lets work in flight finish for up
to --grace, and exits.

The master key protects the secrets stored in the database and keys its audit
log. It comes from --master-key-file, else from VIGIL_MASTER_KEY (base64 of 32
random bytes, e.g. from "head -c 32 /dev/urandom | base64"), else from
DIR/master.key, created at the first start. Keep it apart from the database and
its backups: in production, outside the data directory.`

// serveConfig is what "vigil serve" runs with.
type serveConfig struct {
	data, addr      string
	keyFile         string // --master-key-file
	tlsCert, tlsKey string
	workers         int
	grace           time.Duration
	evidence        evidenceFlags // the evidence vault's key and retention policy (serve_evidence.go)
	// listening, when set, receives the address once the server accepts connections; tests use
	// it to find a server started on port 0.
	listening chan<- string
}

// runServe is "vigil serve".
func runServe(e *env, args []string) int {
	fs := newFlagSet(e, "serve", "", serveDescription)
	var cfg serveConfig
	fs.StringVar(&cfg.data, "data", defaultDataDir, "keep the database and its secrets in `DIR`")
	addMasterKeyFlag(fs, &cfg.keyFile)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "serve HTTPS with the certificate chain in `FILE` (PEM)")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "the private key of --tls-cert, in `FILE` (PEM)")
	fs.IntVar(&cfg.workers, "workers", 0, "hash `N` items at once (0: one per CPU)")
	fs.DurationVar(&cfg.grace, "grace", 30*time.Second, "on shutdown, wait up to `DURATION` for work in flight")
	addEvidenceFlags(e, fs, &cfg.evidence)
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	if (cfg.tlsCert == "") != (cfg.tlsKey == "") {
		return usageError(fs, "--tls-cert and --tls-key go together")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, e, cfg); err != nil {
		fmt.Fprintf(e.stderr, "vigil serve: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// newLogger logs JSON, or text when w is a terminal, with personal data and content hashes
// redacted (see redact).
func newLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{ReplaceAttr: redact}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// serve runs the service until ctx ends, then drains it.
func serve(ctx context.Context, e *env, cfg serveConfig) error {
	log := newLogger(e.stderr)
	start := time.Now()
	db, key, err := openDatabase(ctx, e, dbFlags{data: cfg.data, keyFile: cfg.keyFile}, true)
	if err != nil {
		return err
	}
	defer db.Close()
	unlock, err := lockServing(cfg.data)
	if err != nil {
		return err
	}
	defer unlock()
	if key.created {
		log.Info("created the master key: keep a copy, without it the database's secrets and audit log are unusable", "file", key.where)
	}
	if w := key.warning(); w != "" {
		log.Warn(w)
	}
	svc, err := newService(ctx, db, cfg, log)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		svc.stop(cfg.grace)
		return fmt.Errorf("--addr %s: %w", cfg.addr, err)
	}
	url := serviceURL(l.Addr(), cfg.tlsCert != "")
	if err := firstStart(ctx, e, svc.users, url); err != nil {
		l.Close()
		svc.stop(cfg.grace)
		return err
	}
	log.Info("listening", "url", url, "data", cfg.data, "startup", time.Since(start).Round(time.Millisecond).String())
	if cfg.listening != nil {
		cfg.listening <- l.Addr().String()
	}
	serveErr := svc.http.Serve(ctx, l, cfg.tlsCert, cfg.tlsKey, cfg.grace)
	log.Info("stopping: draining work in flight")
	err = errors.Join(serveErr, svc.stop(cfg.grace))
	log.Info("stopped")
	return err
}

// serviceURL is the base URL people use to reach the server on addr.
func serviceURL(addr net.Addr, tls bool) string {
	host := addr.String()
	if ta, ok := addr.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		host = net.JoinHostPort("localhost", fmt.Sprint(ta.Port))
	}
	if tls {
		return "https://" + host
	}
	return "http://" + host
}

// firstStart creates user admin with a random password on a database without users, and prints
// the password once, with where to sign in.
func firstStart(ctx context.Context, e *env, users *sqlite.Users, url string) error {
	n, err := users.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw := randomPassword()
	if _, err := users.CreateUser(vigil.WithActor(ctx, cliActor), "admin", vigil.RoleAdmin, pw); err != nil {
		return fmt.Errorf("create the first admin: %w", err)
	}
	fmt.Fprintf(e.stdout, "Created user admin with password %s\nIt is shown only this once. Sign in at %s/login\n", pw, url)
	return nil
}

// service is the running parts of "vigil serve".
type service struct {
	users    *sqlite.Users
	pipeline *pipeline.Pipeline
	matcher  *match.Matcher
	snapshot string // path of the index snapshot, saved at shutdown when the banks changed
	// snapshotVersion is the bank store version of the snapshot file on disk, when current.
	snapshotVersion *uint64
	log             *slog.Logger
	http            *vhttp.Server

	stopWorkers context.CancelFunc
	workers     sync.WaitGroup
}

// newService wires the storage, the index, the pipeline, the webhook worker and the HTTP server
// on db, and starts the background work.
func newService(ctx context.Context, db *sqlite.DB, cfg serveConfig, log *slog.Logger) (*service, error) {
	clock := vigil.SystemClock{}
	banks := sqlite.NewBankStore(db)
	snapshot := filepath.Join(cfg.data, snapshotFile)
	matcher, opened, err := match.OpenMatcher(ctx, banks, snapshot, clock.Now)
	if err != nil {
		return nil, fmt.Errorf("load the banks' index: %w", err)
	}
	logOpened(log, opened, matcher.Len())
	saved, known := matcher.Version()
	snapshotCurrent := known && (opened.FromSnapshot || opened.SaveErr == nil)
	p := pipeline.New(pipeline.Config{Store: sqlite.NewContentStore(db), Matcher: matcher, Clock: clock,
		Gate: policy.Gate{}, Workers: cfg.workers, Logger: log})
	if err := p.Start(ctx); err != nil {
		return nil, fmt.Errorf("start the pipeline: %w", err)
	}
	svc := &service{users: sqlite.NewUsers(db), pipeline: p, matcher: matcher, snapshot: snapshot, log: log}
	if snapshotCurrent {
		svc.snapshotVersion = &saved
	}
	workCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	svc.stopWorkers = cancel
	deliverer := webhook.New(db, clock, webhook.Options{Logger: log})
	db.OnEnqueue = deliverer.Notify
	svc.workers.Go(func() { deliverer.Run(workCtx) })

	cases := sqlite.NewCaseStore(db, sqlite.AllowBankAdder(matcher))
	reg := prometheus.NewRegistry()
	if err := errors.Join(reg.Register(p.Metrics()), reg.Register(deliverer.Metrics()), cases.RegisterMetrics(reg)); err != nil {
		svc.stop(cfg.grace)
		return nil, fmt.Errorf("register metrics: %w", err)
	}
	svc.http = &vhttp.Server{
		Logger: log, Clock: clock, Metrics: reg,
		Users: svc.users, Content: p, Cases: cases, Audit: db, Webhooks: db,
		Matcher: matcher, Banks: banks, Secure: cfg.tlsCert != "",
		Ready: db.Ping,
	}
	if err := serveEvidence(workCtx, db, cfg, svc); err != nil {
		svc.stop(cfg.grace)
		return nil, err
	}
	serveOrders(workCtx, db, svc)
	serveActions(workCtx, db, svc)
	serveReports(workCtx, db, svc)
	serveRisk(workCtx, db, svc)
	return svc, nil
}

// stop drains the pipeline for up to grace, then stops the webhook worker.
func (s *service) stop(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := s.pipeline.Stop(ctx)
	s.stopWorkers()
	s.workers.Wait()
	if err != nil {
		return fmt.Errorf("drain the pipeline: %w", err)
	}
	if v, known := s.matcher.Version(); known && s.snapshotVersion != nil && *s.snapshotVersion == v {
		return nil
	}
	if err := s.matcher.SaveSnapshot(s.snapshot); err != nil {
		s.log.Warn("the index snapshot was not saved: the next start rebuilds it", "err", err)
	}
	return nil
}

// logOpened says where the index came from and, when a snapshot was not used, why.
func logOpened(log *slog.Logger, opened match.Opened, entries int) {
	switch {
	case opened.FromSnapshot:
		log.Info("index loaded from its snapshot", "entries", entries)
	case errors.Is(opened.Rejected, fs.ErrNotExist), errors.Is(opened.Rejected, match.ErrStaleSnapshot):
		log.Info("index built from the banks", "entries", entries)
	default:
		log.Warn("index built from the banks: the snapshot was unusable", "entries", entries, "reason", opened.Rejected)
	}
	if opened.SaveErr != nil {
		log.Warn("the index snapshot was not saved", "err", opened.SaveErr)
	}
}
