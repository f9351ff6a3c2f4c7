package main

import (
	"context"
	"fmt"
	"net/http"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// benchServeDescription is the help text of "vigil bench serve".
const benchServeDescription = `Load a running "vigil serve" with photo submissions and measure it end to end.
It draws --images distinct benign JPEGs (gradients and shapes, --width x --height),
then posts them as multipart uploads to POST /v1/content from --clients concurrent
clients, each with its own external id and bytes (a comment segment makes every
file unique), waiting for the verdict (?wait=). Without --rate each client sends
its next submission as soon as the previous one is answered: the figure is the
throughput. With --rate it sends that many submissions per second on a fixed
schedule whatever the answers, and measures each latency from its scheduled
time, so a stall is not hidden: the figure is the latency at that load.

The key needs the submit scope; to create --service (hosting, US) when it does
not exist it needs admin. It prints one "name: value" line per figure. The exit
status is 1 when a submission failed or came back without its verdict.`

// runBenchServe is "vigil bench serve".
func runBenchServe(e *env, args []string) int {
	fs := newFlagSet(e, "bench serve", "", benchServeDescription)
	var cfg loadConfig
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "the server's base `URL`")
	fs.StringVar(&cfg.key, "key", "", "API `KEY` with the submit scope")
	fs.StringVar(&cfg.service, "service", "bench", "submit for service `NAME`")
	fs.IntVar(&cfg.clients, "clients", 8, "`N` concurrent clients")
	fs.IntVar(&cfg.count, "n", 3000, "send `N` submissions")
	fs.Float64Var(&cfg.rate, "rate", 0, "send `R` submissions per second on a schedule (0: as fast as answered)")
	fs.IntVar(&cfg.images, "images", 32, "draw `N` distinct images")
	fs.IntVar(&cfg.width, "width", 1024, "image width in `PIXELS`")
	fs.IntVar(&cfg.height, "height", 768, "image height in `PIXELS`")
	fs.DurationVar(&cfg.wait, "wait", 5*time.Second, "ask the server to wait up to `DURATION` for each verdict")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	switch {
	case cfg.key == "":
		return usageError(fs, "--key: an API key with the submit scope is required")
	case cfg.clients < 1 || cfg.count < 1 || cfg.images < 1:
		return usageError(fs, "--clients, --n and --images must be at least 1")
	case cfg.width < 16 || cfg.height < 16 || cfg.width*cfg.height > 50_000_000:
		return usageError(fs, "--width and --height: at least 16 pixels, at most 50 megapixels")
	case cfg.rate < 0:
		return usageError(fs, "--rate: must not be negative")
	}
	cfg.url = strings.TrimSuffix(cfg.url, "/")
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.clients + 4, MaxConnsPerHost: 0}}
	if err := ensureService(ctx, client, cfg); err != nil {
		return failf(fs, "%v", err)
	}
	rep, err := runLoad(ctx, client, cfg)
	if err != nil {
		return failf(fs, "%v", err)
	}
	rep.print(e.stdout)
	if rep.failed > 0 || rep.pending > 0 {
		fmt.Fprintf(e.stderr, "vigil bench serve: %d failed, %d without a verdict; first error: %s\n", rep.failed, rep.pending, rep.firstErr)
		return exitFailed
	}
	return exitOK
}
