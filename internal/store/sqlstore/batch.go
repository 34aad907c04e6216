package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/stsd/stsd/internal/store"
)

// maxBatch bounds how many queued Updates commit together. Each runs in a
// savepoint, which PostgreSQL tracks as a subtransaction: it keeps up to 64
// per session in shared memory before spilling, slowing every snapshot.
const maxBatch = 32

// pending is one Update waiting for, or taken into, a batch.
type pending struct {
	ctx  context.Context
	fn   func(tx store.Tx) error
	done chan error // buffered: the batch never waits for the caller
}

// batchQueue holds the Updates waiting in this process. Updates run one
// batch at a time (the Store's wsem); each batch takes every Update queued
// then, up to maxBatch.
type batchQueue struct {
	mu      sync.Mutex
	waiting []*pending
}

func (q *batchQueue) push(p *pending) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waiting = append(q.waiting, p)
}

// take removes and returns the next batch.
func (q *batchQueue) take() []*pending {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.waiting), maxBatch)
	b := q.waiting[:n:n]
	q.waiting = q.waiting[n:]
	return b
}

// withdraw removes p if no batch took it yet.
func (q *batchQueue) withdraw(p *pending) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, w := range q.waiting {
		if w == p {
			q.waiting = append(q.waiting[:i:i], q.waiting[i+1:]...)
			return true
		}
	}
	return false
}

// panicked carries a panic from fn, recovered in whichever goroutine ran
// the batch, back to fn's own caller.
type panicked struct{ value any }

func (p panicked) Error() string { return fmt.Sprint("sqlstore: Update function panicked: ", p.value) }

// runBatch runs the Updates of b in one transaction and reports each one's
// outcome on its done channel.
//
// Committing several Updates at once is what makes them fast on
// PostgreSQL: a commit waits for its WAL to reach disk (an fsync, some
// milliseconds), and since Updates are serialized each would otherwise wait
// for the fsyncs of all queued before it. Together they are still
// serialized, in queue order: each fn runs alone and sees the writes of
// those before it, exactly as if each had committed in turn. Each runs in
// a savepoint, so an fn that fails leaves nothing behind while the others
// commit; if the commit itself fails, every one of them gets the error and
// nothing of any remains. The generation grows by one per committed Update.
func (s *Store) runBatch(b []*pending) {
	// No caller may cancel the others' transaction: the batch goes on
	// until every caller in it has given up.
	ctx, cancel := context.WithCancel(context.WithoutCancel(b[0].ctx))
	defer cancel()
	var gaveUp atomic.Int32
	for _, p := range b {
		stop := context.AfterFunc(p.ctx, func() {
			if int(gaveUp.Add(1)) == len(b) {
				cancel()
			}
		})
		defer stop()
	}
	// Every caller hears back, whichever way this returns: batchErr is
	// what those without an outcome of their own get, set on every return;
	// its first value is for an fn that called runtime.Goexit (a test's
	// t.FailNow), which ends this goroutine past any recover.
	results := make([]error, len(b))
	batchErr := errAbandoned
	defer func() {
		for i, p := range b {
			if results[i] == nil {
				results[i] = batchErr
			}
			p.done <- results[i]
		}
	}()

	tx, err := s.begin(ctx)
	if err != nil {
		batchErr = err
		return
	}
	defer tx.Rollback() // no-op after Commit
	savepoints := len(b) > 1
	committed := 0
	for i, p := range b {
		if err := p.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if savepoints {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT batched`); err != nil {
				batchErr = fmt.Errorf("%s store: savepoint: %w", s.d.Name, err)
				return
			}
		}
		// A savepoint is left in place when its fn succeeds: releasing it
		// would cost a round trip and free nothing (its subtransaction
		// stays part of the transaction), and ROLLBACK TO goes back to the
		// latest savepoint of the name, the current fn's.
		if results[i] = runFn(p, tx, s); results[i] == nil {
			committed++
			continue
		}
		if savepoints {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT batched`); err != nil {
				batchErr = fmt.Errorf("%s store: savepoint: %w", s.d.Name, err)
				return
			}
		}
	}
	if committed == 0 {
		batchErr = nil // every one failed: the deferred Rollback undoes the bump
		return
	}
	if committed > 1 {
		// begin counted one Update.
		if _, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE generation SET value = value + ? WHERE id = 1`), committed-1); err != nil {
			batchErr = fmt.Errorf("%s store: bumping generation: %w", s.d.Name, err)
			return
		}
	}
	// One notice per batch is enough: it carries the generation the
	// batch reached, and other nodes only compare generations.
	if s.d.CommitNotice != "" {
		if _, err := tx.ExecContext(ctx, s.d.CommitNotice); err != nil {
			batchErr = fmt.Errorf("%s store: announcing commit: %w", s.d.Name, err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		batchErr = fmt.Errorf("%s store: commit: %w", s.d.Name, err)
		return
	}
	batchErr = nil
}

// errAbandoned is the outcome of the Updates of a batch whose goroutine
// was ended by runtime.Goexit in one of their functions.
var errAbandoned = errors.New("sqlstore: Update abandoned: a function in its batch called runtime.Goexit")

// runFn runs p.fn in tx, turning a panic into an error for the batch (its
// caller panics again with the value).
func runFn(p *pending, tx *sql.Tx, s *Store) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicked{v}
		}
	}()
	return p.fn(&writer{reader{q: callerTx{tx}, d: s.d, sealer: s.sealer}})
}

// callerTx runs fn's statements in the batch's transaction. A statement
// whose caller has given up fails before reaching the connection (Tx
// checks the context first); one under way is not interrupted, since pgx
// interrupts by breaking the connection, which would fail the whole batch.
type callerTx struct{ tx *sql.Tx }

func (c callerTx) ctx(ctx context.Context) context.Context {
	if ctx.Err() != nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

func (c callerTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.tx.ExecContext(c.ctx(ctx), query, args...)
}

func (c callerTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.tx.QueryContext(c.ctx(ctx), query, args...)
}

func (c callerTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.tx.QueryRowContext(c.ctx(ctx), query, args...)
}
