//go:build linux

// Command stsd-soak is a bounded soak and chaos run of two stsd nodes on one
// PostgreSQL database, on loopback only. It builds stsd, starts node A and
// node B (B reaching the database through a proxy it can cut), drives mixed
// STS and IAM load at both with the AWS SDK, and meanwhile measures how long
// node B keeps accepting an access key deleted through node A, cuts B's
// database connection and kills node A outright. It prints request and
// error counts, the revocation delay, the nodes' memory, and PASS/FAIL
// lines for the invariants; it exits non-zero when one fails.
//
// Usage: go run ./cmd/stsd-soak -duration 5m
//
// The nodes' logs go to a temporary directory, removed at the end unless
// STSD_SOAK_KEEP is set (then look there for why a request failed).
//
// It is Linux-only: it reads memory figures from /proc and asks the kernel
// to kill the nodes if it dies itself.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command line.
type options struct {
	duration time.Duration
	dsn      string
	workers  int
	maxStale time.Duration
	stsd     string
}

// run parses the flags, runs the soak and returns the exit code: 0 when
// every invariant held, 1 when one failed, 2 when the run could not start.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stsd-soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.DurationVar(&o.duration, "duration", 5*time.Minute, "how long the load runs (chaos events are spread over it)")
	fs.StringVar(&o.dsn, "dsn", envOr("STSD_TEST_POSTGRES_DSN", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL URL on loopback; a fresh schema is made in it and dropped at the end (env STSD_TEST_POSTGRES_DSN)")
	fs.IntVar(&o.workers, "workers", 8, "load goroutines, spread over both nodes")
	fs.DurationVar(&o.maxStale, "max-staleness", 2*time.Second, "the nodes' --max-staleness, the bound on accepting a deleted key while cut off")
	fs.StringVar(&o.stsd, "stsd", "", "a prebuilt stsd binary; default: go build ./cmd/stsd into a temporary directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.duration < 5*time.Second || o.workers < 1 || o.maxStale < 200*time.Millisecond {
		fmt.Fprintln(stderr, "stsd-soak: want -duration ≥ 5s, -workers ≥ 1, -max-staleness ≥ 200ms")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := newRun(ctx, o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "stsd-soak: %v\n", err)
		return 2
	}
	rep, err := r.soak(ctx)
	r.close()
	if err != nil {
		fmt.Fprintf(stderr, "stsd-soak: %v\n", err)
		return 2
	}
	rep.print(stdout)
	if !rep.passed() {
		return 1
	}
	return 0
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// openAdmin connects to the PostgreSQL server the run uses.
func openAdmin(ctx context.Context, dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("PostgreSQL at -dsn does not answer: %w", err)
	}
	return db, nil
}
