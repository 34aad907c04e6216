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
// returns. When the store last answered is the cache's business
// (Cache.Freshness), not the guard's.
type writeGuard struct {
	store.Store
	log *slog.Logger

	mu   sync.Mutex
	full error // the last disk-full failure, nil once a write succeeds
}

// Update implements store.Store.
func (g *writeGuard) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	err := g.Store.Update(ctx, fn)
	switch {
	case err == nil:
		g.mu.Lock()
		was := g.full
		g.full = nil
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

// WriteErr implements server.Probe.
func (g *writeGuard) WriteErr() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.full
}

// staleBound is how long after the store last answered stsd still counts
// its cached data as current: a few cache refresh intervals, so one slow
// query does not flap readiness.
const staleBound = 15 * maxCacheRefreshInterval

// readiness is what /readyz asks: the guard's write failures, and the
// cache's freshness, which the periodic refresh and the probe's own read
// confirm. A node on a shared database is fresh exactly while its cache is
// within --max-staleness, the same bound past which it refuses long-term
// keys, so readiness and refusals never disagree; a lone node while the
// store answered within staleBound.
type readiness struct {
	*writeGuard
	app *App
}

// CheckRead implements server.Probe with the store's cheapest read, the
// cache's generation check, which confirms the cache fresh when it
// succeeds.
func (r readiness) CheckRead(ctx context.Context) error {
	return r.app.cache.Refresh(ctx)
}

// Fresh implements server.Probe. It ignores the protocol clock's now, as
// App.stale does: freshness is the real time since the store answered.
func (r readiness) Fresh(time.Time) bool {
	if r.app.shared != nil {
		return !r.app.stale()
	}
	return !r.app.cache.Stale(time.Now(), staleBound)
}

// diskFullState is the standing write failure /readyz names.
type diskFullState struct{ err error }

func (d diskFullState) Error() string  { return "data disk full: " + d.err.Error() }
func (d diskFullState) Unwrap() error  { return d.err }
func (d diskFullState) Reason() string { return "data disk full" }
