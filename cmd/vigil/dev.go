package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vigilproject/vigil/eucentre/eucentrefake"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
	"github.com/vigilproject/vigil/sqlite"
)

const devFakesDescription = `Run an NCMEC CyberTipline and an EU Centre endpoint that behave like the real
ones but file nothing, on 127.0.0.1, for demos and manual tests, until interrupted.
The CyberTipline fake enforces the documented flow and response codes and Basic
authentication with --ncmec-user and --ncmec-password; the EU Centre fake checks
each report's signature against the provider key of the database in --data and
validates it against the schema. Their URLs are printed: put them in the report
settings (/reports/settings, or PUT /v1/reports/settings) as ncmec_url and
eu_centre_url with the same user and password.`

// devFakesConfig is what "vigil dev fake-endpoints" runs with.
type devFakesConfig struct {
	ncmecAddr, euAddr   string
	ncmecUser, ncmecPwd string
}

// runDevFakeEndpoints is "vigil dev fake-endpoints".
func runDevFakeEndpoints(e *env, args []string) int {
	fs := newFlagSet(e, "dev fake-endpoints", "", devFakesDescription)
	db := addDatabaseFlags(fs)
	var cfg devFakesConfig
	fs.StringVar(&cfg.ncmecAddr, "ncmec-addr", "127.0.0.1:0", "serve the CyberTipline fake on `HOST:PORT`")
	fs.StringVar(&cfg.euAddr, "eu-addr", "127.0.0.1:0", "serve the EU Centre fake on `HOST:PORT`")
	fs.StringVar(&cfg.ncmecUser, "ncmec-user", "vigil-dev", "the CyberTipline fake's user `NAME`")
	fs.StringVar(&cfg.ncmecPwd, "ncmec-password", "vigil-dev", "the CyberTipline fake's `PASSWORD`")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pub, err := providerKey(ctx, e, *db)
	if err != nil {
		fmt.Fprintf(e.stderr, "vigil dev fake-endpoints: %v\n", err)
		return exitUsage
	}
	fakes, err := startDevFakes(cfg, pub)
	if err != nil {
		fmt.Fprintf(e.stderr, "vigil dev fake-endpoints: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(e.stdout, "NCMEC CyberTipline fake: %s (user %s, password %s)\nEU Centre fake: %s\n",
		fakes.ncmecURL, cfg.ncmecUser, cfg.ncmecPwd, fakes.euURL)
	<-ctx.Done()
	return exitCode(fakes.close())
}

// exitCode maps an error to the exit status of a command that otherwise succeeded.
func exitCode(err error) int {
	if err != nil {
		return exitFailed
	}
	return exitOK
}

// providerKey reads the provider's public signing key from the database in f.data.
func providerKey(ctx context.Context, e *env, f dbFlags) (ed25519.PublicKey, error) {
	db, _, err := openDatabase(ctx, e, f, false)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return sqlite.NewReportStore(db).SigningKey(ctx)
}

// devFakes are the two fakes, served.
type devFakes struct {
	ncmecURL, euURL string
	servers         []*http.Server
}

// startDevFakes serves both fakes on their addresses, which must be loopback addresses: the
// fakes take reports with personal data and accept anyone who knows the demo password.
func startDevFakes(cfg devFakesConfig, pub ed25519.PublicKey) (*devFakes, error) {
	f := &devFakes{}
	ncmecURL, err := f.serve(cfg.ncmecAddr, ncmecfake.New(cfg.ncmecUser, cfg.ncmecPwd, nil))
	if err != nil {
		return nil, fmt.Errorf("--ncmec-addr: %w", err)
	}
	euURL, err := f.serve(cfg.euAddr, eucentrefake.New(pub))
	if err != nil {
		f.close()
		return nil, fmt.Errorf("--eu-addr: %w", err)
	}
	f.ncmecURL, f.euURL = ncmecURL, euURL+eucentrefake.Path
	return f, nil
}

// serve serves h on addr and returns its base URL.
func (f *devFakes) serve(addr string, h http.Handler) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("%s is not a loopback address: the fakes serve only this machine", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	f.servers = append(f.servers, srv)
	go srv.Serve(l)
	return "http://" + l.Addr().String(), nil
}

// close stops the fakes.
func (f *devFakes) close() error {
	var errs []error
	for _, s := range f.servers {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}
