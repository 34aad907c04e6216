package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/store"
)

// sqliteFull is SQLite's result code for "database or disk is full"
// (SQLITE_FULL); extended codes keep it in their low byte.
const sqliteFull = 13

// pgDiskFull is PostgreSQL's SQLSTATE disk_full.
const pgDiskFull = "53100"

// isDiskFull reports whether err says the store's disk (or database file)
// is full: SQLITE_FULL from SQLite, SQLSTATE 53100 from PostgreSQL, or
// ENOSPC from the file system. The classification lives here, not in the
// store, because only the app decides what a full disk means: serve what
// needs no writes, refuse writes cleanly.
func isDiskFull(err error) bool {
	if err == nil {
		return false
	}
	var coded interface{ Code() int } // modernc.org/sqlite's *sqlite.Error
	if errors.As(err, &coded) && coded.Code()&0xff == sqliteFull {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == pgDiskFull {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "database or disk is full")
}

// errDiskFull is what a write answers while the data disk is full. IAM
// declares no error for it; ServiceUnavailable says what it is: temporary,
// worth retrying (see apierr.Unavailable). It is one value so that init
// can tell a write that failed for want of space (errors.Is).
var errDiskFull = apierr.Unavailable()

// writeGuard is the store as the app sees it: it turns a disk-full write
// failure into errDiskFull, remembers it so that /readyz reports writes
// degraded, and logs entering and leaving that read-only state once each.
// Every write is still tried, so writes resume by themselves when space
// returns.
type writeGuard struct {
	store.Store
	log *slog.Logger
	now func() time.Time

	mu          sync.Mutex
	full        error     // the last disk-full failure, nil once a write succeeds
	lastContact time.Time // the last time the store itself answered
}

// Update implements store.Store.
func (g *writeGuard) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	err := g.Store.Update(ctx, fn)
	switch {
	case err == nil:
		g.mu.Lock()
		was := g.full
		g.full = nil
		g.lastContact = g.now()
		g.mu.Unlock()
		if was != nil {
			g.log.Info("store writes succeed again: leaving read-only mode")
		}
		return nil
	case isDiskFull(err):
		g.mu.Lock()
		was := g.full
		g.full = diskFullState{err}
		g.mu.Unlock()
		if was == nil {
			g.log.Error("data disk full: serving read-only (STS and IAM reads work, IAM writes answer ServiceUnavailable) until space returns", "err", err)
		}
		return errDiskFull
	}
	return err
}

// CheckRead implements server.Probe with the store's cheapest read.
func (g *writeGuard) CheckRead(ctx context.Context) error {
	if _, err := g.Store.Generation(ctx); err != nil {
		return err
	}
	g.mu.Lock()
	g.lastContact = g.now()
	g.mu.Unlock()
	return nil
}

// WriteErr implements server.Probe.
func (g *writeGuard) WriteErr() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.full
}

// Fresh implements server.Probe for one node: the data is fresh while the
// store has answered within staleBound (the last successful read or
// write of the store stands for it). A node on a shared database answers
// with its cache's staleness bound instead (see readiness).
func (g *writeGuard) Fresh(now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return !g.lastContact.IsZero() && now.Sub(g.lastContact) <= staleBound
}

// touched records that the store answered (e.g. the cache's refresh read).
func (g *writeGuard) touched() {
	g.mu.Lock()
	g.lastContact = g.now()
	g.mu.Unlock()
}

// staleBound is how long after the store last answered stsd still counts
// its cached data as current: a few cache refresh intervals, so one slow
// query does not flap readiness.
const staleBound = 15 * maxCacheRefreshInterval

// readiness is what /readyz asks: the guard's facts, except that a node on
// a shared database is fresh exactly while its cache is within
// --max-staleness, the same bound past which it refuses long-term keys,
// so readiness and refusals never disagree.
type readiness struct {
	*writeGuard
	app *App
}

// Fresh implements server.Probe.
func (r readiness) Fresh(now time.Time) bool {
	if r.app.shared != nil {
		return !r.app.stale()
	}
	return r.writeGuard.Fresh(now)
}

// diskFullState is the standing write failure /readyz names.
type diskFullState struct{ err error }

func (d diskFullState) Error() string  { return "data disk full: " + d.err.Error() }
func (d diskFullState) Unwrap() error  { return d.err }
func (d diskFullState) Reason() string { return "data disk full" }
