package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// NotifyChannel is the channel every committed Update notifies, in the same
// transaction, so the notice is delivered only if the commit happens. The
// payload is "SCHEMA GENERATION": channels are per database, not per
// schema, so a listener ignores the notices of other stsd schemas sharing
// the database.
const NotifyChannel = "stsd_generation"

// commitNotice is the dialect's CommitNotice. The generation row is locked
// by the Update's own bump, so the value read is the one this commit makes.
const commitNotice = `SELECT pg_notify('` + NotifyChannel + `', COALESCE(current_schema(), '') || ' ' || value::text) FROM generation WHERE id = 1`

// Change is what a Listener reports.
type Change struct {
	// Generation is the generation a commit made; meaningful unless
	// Resync is set.
	Generation uint64
	// Resync is set when the listener has just (re)connected: commits made
	// while it was not listening were not announced to it, so the caller
	// must reread the generation rather than trust its view.
	Resync bool
}

// Listener follows the commits of every node sharing a database, over one
// connection of its own: LISTEN belongs to a session, and a pooled
// connection would be handed to other queries and closed at the pool's
// whim.
type Listener struct {
	// DSN is the connection string the store was opened with; its
	// search_path decides whose notices are this node's.
	DSN string
	// Changed is called, on the listener's goroutine with Run's context,
	// for every commit notice of this schema and after every
	// (re)connection. It should be quick: notices queue behind it.
	Changed func(context.Context, Change)
	// Failed, when set, is told why the connection was lost or could not
	// be made; the listener then retries after RetryDelay.
	Failed func(error)
	// RetryDelay is the pause before reconnecting (default one second).
	RetryDelay time.Duration
	// IdleCheck is how long the listener waits for a notice before it
	// checks the connection with a round trip (default 15 seconds), so a
	// connection the network silently dropped is replaced.
	IdleCheck time.Duration
}

// Run listens until ctx ends. It never gives up on the database: a lost
// connection is reported to Failed and made again.
func (l *Listener) Run(ctx context.Context) {
	retry := l.RetryDelay
	if retry <= 0 {
		retry = time.Second
	}
	for ctx.Err() == nil {
		err := l.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if l.Failed != nil {
			l.Failed(err)
		}
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// session connects, listens and reports notices until the connection
// fails or ctx ends; it always returns an error.
func (l *Listener) session(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(l.DSN)
	if err != nil {
		return fmt.Errorf("postgres listener: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("postgres listener: connecting to %s: %w", where(cfg), err)
	}
	defer func() {
		// Bounded: saying goodbye over a dead connection must not hold up
		// the reconnection.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, `LISTEN `+NotifyChannel); err != nil {
		return fmt.Errorf("postgres listener: LISTEN: %w", err)
	}
	var schema string
	if err := conn.QueryRow(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
		return fmt.Errorf("postgres listener: reading schema: %w", err)
	}
	// Listening starts before the caller rereads the generation, so no
	// commit falls between the two unseen.
	l.Changed(ctx, Change{Resync: true})
	idle := l.IdleCheck
	if idle <= 0 {
		idle = 15 * time.Second
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, idle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if g, ok := parseNotice(n.Payload, schema); ok {
				l.Changed(ctx, Change{Generation: g})
			}
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case !errors.Is(err, context.DeadlineExceeded) || conn.IsClosed():
			return fmt.Errorf("postgres listener: waiting for notices: %w", err)
		}
		// Quiet for a while: prove the connection still carries traffic.
		// The answer may take longer than a short IdleCheck on a loaded
		// machine, and a slow answer is not a dead connection: the ping
		// gets at least pingTimeout.
		pctx, cancel := context.WithTimeout(ctx, max(idle, pingTimeout))
		err = conn.Ping(pctx)
		cancel()
		if err != nil {
			return fmt.Errorf("postgres listener: connection check: %w", err)
		}
	}
}

// parseNotice reads a commit notice's payload, keeping only those of schema.
func parseNotice(payload, schema string) (uint64, bool) {
	// The generation is the last field: a quoted schema name may hold spaces.
	i := strings.LastIndexByte(payload, ' ')
	if i < 0 || payload[:i] != schema {
		return 0, false
	}
	g, err := strconv.ParseUint(payload[i+1:], 10, 64)
	return g, err == nil
}

// pingTimeout is the least time the listener waits for the answer to its
// check of a quiet connection before it takes the connection for dead.
const pingTimeout = 5 * time.Second
