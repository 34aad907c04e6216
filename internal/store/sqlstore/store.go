package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store"
)

// Store is a store.Store over a SQL database.
type Store struct {
	reader
	db *sql.DB
	// wsem lets one batch of Updates run at a time in this process:
	// SQLite allows a single writer, and queueing here (with context) beats
	// SQLITE_BUSY or holding a PostgreSQL connection while waiting for the
	// row lock.
	wsem chan struct{}
	// queue holds the Updates waiting for a batch.
	queue batchQueue
}

var (
	_ store.Store = (*Store)(nil)
	_ store.Tx    = (*writer)(nil)
)

// querier is what reads and writes need from *sql.DB and *sql.Tx alike.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reader implements store.Reader over the database or a transaction.
type reader struct {
	q      querier
	d      *Dialect
	sealer *seal.Sealer
}

// writer implements store.Tx inside one transaction.
type writer struct {
	reader
}

// New migrates the schema of db and returns a Store using it. It checks the
// master key against the one the database was first used with, so a wrong
// key is refused at start rather than on the first secret read. The Store
// owns db and closes it in Close.
func New(ctx context.Context, db *sql.DB, d *Dialect, sealer *seal.Sealer) (*Store, error) {
	if sealer == nil {
		return nil, errors.New("sqlstore: nil sealer")
	}
	if err := migrate(ctx, db, d); err != nil {
		return nil, fmt.Errorf("%s store: %w", d.Name, err)
	}
	s := &Store{reader: reader{q: poolReader{db: db, lost: d.IsConnectionLost}, d: d, sealer: sealer}, db: db, wsem: make(chan struct{}, 1)}
	if err := s.checkKey(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

var sealCheckPlain = []byte("stsd master key check")

func (s *Store) checkKey(ctx context.Context) error {
	const read = `SELECT value FROM seal_check WHERE id = 1`
	var sealed []byte
	err := s.q.QueryRowContext(ctx, read).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		// First start. Another node may be recording its own check at this
		// moment: whichever insert lands first wins, and every node then
		// verifies its key against the row that is there. The insert
		// changes nothing once a row is there, so it runs again on another
		// connection if its pooled one was lost, as reads do.
		insert := s.d.rebind(`INSERT INTO seal_check (id, value) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`)
		check := s.sealer.Seal(sealCheckPlain, aadSealCheck())
		err = onLiveConn(ctx, s.db, s.d.IsConnectionLost, func() error {
			_, err := s.db.ExecContext(ctx, insert, check)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s store: recording master key check: %w", s.d.Name, err)
		}
		err = s.q.QueryRowContext(ctx, read).Scan(&sealed)
	}
	if err != nil {
		return fmt.Errorf("%s store: reading master key check: %w", s.d.Name, err)
	}
	pt, err := s.sealer.Open(sealed, aadSealCheck())
	if err != nil || !bytes.Equal(pt, sealCheckPlain) {
		return fmt.Errorf("%s store: the master key (id %s) is not the one this database's secrets were sealed with: %w",
			s.d.Name, s.sealer.KeyID(), err)
	}
	return nil
}

// Update runs fn in a transaction, bumps the generation and commits when
// fn returns nil. Any error, or a panic, rolls everything back.
//
// Updates queue in this process and run in batches, one batch at a time
// (see runBatch): whichever waiting caller gets the turn runs the batch for
// all. A caller whose context ends while its Update waits leaves the queue;
// once its fn was taken, it waits for the outcome, so that an error always
// means nothing of fn's work remains.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	p := &pending{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.queue.push(p)
	for {
		select {
		case err := <-p.done:
			return outcome(err)
		case s.wsem <- struct{}{}:
			func() {
				defer func() { <-s.wsem }() // even if an fn ends this goroutine
				if b := s.queue.take(); len(b) > 0 {
					s.runBatch(b)
				}
			}()
		case <-ctx.Done():
			if s.queue.withdraw(p) {
				return ctx.Err()
			}
			return outcome(<-p.done)
		}
	}
}

// outcome returns an Update's error, or panics again with fn's panic.
func outcome(err error) error {
	if p, ok := err.(panicked); ok {
		panic(p.value)
	}
	return err
}

// begin starts a write transaction and bumps the generation in it.
//
// Bump first: the write locks the generation row until commit, so Updates
// from every process sharing the database run one after another, and under
// PostgreSQL's READ COMMITTED each statement of fn then sees everything
// committed before — no lost read-modify-writes between nodes, and no
// serialization failures or deadlocks to retry.
//
// A pooled connection may have died while idle (a server restart or
// fail-over, an operator's pg_terminate_backend): BEGIN or the bump then
// fails with a lost connection. That is retried on another connection
// (see onLiveConn), and only that: nothing of this Update has run and the
// server discards a transaction whose connection is lost, so beginning
// again cannot apply anything twice. Once fn has run, a failure is returned, never retried:
// fn is the caller's code and may not be safe to run twice, and a commit
// that failed on a lost connection may have been applied all the same.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	var tx *sql.Tx
	err := onLiveConn(ctx, s.db, s.d.IsConnectionLost, func() (err error) {
		if tx, err = s.db.BeginTx(ctx, nil); err != nil {
			return fmt.Errorf("%s store: begin: %w", s.d.Name, err)
		}
		if _, err = tx.ExecContext(ctx, `UPDATE generation SET value = value + 1 WHERE id = 1`); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s store: bumping generation: %w", s.d.Name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tx, nil
}

// onLiveConn runs op, which must be safe to run again, and runs it again
// while it fails because its pooled connection was lost (as lost, the
// dialect's IsConnectionLost, tells; nil never retries). A restart cuts
// off every pooled connection at once, and database/sql hands them out
// one by one (each fails at once, its server gone), so it tries each
// connection open now and then a fresh one.
//
// pgx's stdlib.OptionShouldPing (ping in ResetSession before every reuse,
// a dead connection then being discarded by database/sql) would also pass
// the tests of a terminated pool, but costs a round trip on every
// checkout (a Generation read went from 60 to 114 µs on loopback) and
// still loses to a backend that dies between the ping and the statement;
// this costs nothing until a connection is actually found dead. pgx's
// default already pings a connection idle for over a second.
func onLiveConn(ctx context.Context, db *sql.DB, lost func(error) bool, op func() error) error {
	var attempts int
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || lost == nil || !lost(err) || ctx.Err() != nil {
			return err
		}
		if attempt == 1 {
			attempts = db.Stats().OpenConnections + 1
		}
		if attempt >= attempts {
			return err
		}
	}
}

// poolReader is the querier of the Store's own reads, those outside any
// transaction. A pooled connection may have died while idle, as in begin:
// a query on it then fails with a lost connection, and runs again on
// another. Unlike in a transaction, that is always safe: each read is a
// single statement that changes nothing, and no earlier statement's work
// on the dead connection is lost with it. Only the query's own failure is
// retried, not one while reading later rows of a result.
type poolReader struct {
	db   *sql.DB
	lost func(error) bool
}

// ExecContext runs a statement once: writes belong in Update, which
// decides itself what may be retried.
func (p poolReader) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, args...)
}

// QueryContext runs a query, on another connection if its own was lost.
func (p poolReader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	var rows *sql.Rows
	err := onLiveConn(ctx, p.db, p.lost, func() (err error) {
		rows, err = p.db.QueryContext(ctx, query, args...)
		return err
	})
	return rows, err
}

// QueryRowContext runs a single-row query, on another connection if its
// own was lost. The row's Err is the query's failure, before any Scan.
func (p poolReader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	var row *sql.Row
	onLiveConn(ctx, p.db, p.lost, func() error {
		row = p.db.QueryRowContext(ctx, query, args...)
		return row.Err()
	})
	return row
}

// Generation returns the count of committed Updates.
func (s *Store) Generation(ctx context.Context) (uint64, error) {
	var g int64
	if err := s.q.QueryRowContext(ctx, `SELECT value FROM generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("%s store: generation: %w", s.d.Name, err)
	}
	return uint64(g), nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB returns the underlying database, for backends' own maintenance.
func (s *Store) DB() *sql.DB { return s.db }

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// getOne runs a single-row query; no row is store.ErrNotFound.
func getOne[T any](ctx context.Context, r *reader, scan func(*reader, scanner) (T, error), what, query string, args ...any) (T, error) {
	v, err := scan(r, r.q.QueryRowContext(ctx, r.d.rebind(query), args...))
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s store: %s: %w", r.d.Name, what, err)
	}
	return v, nil
}

// list runs a query and scans every row.
func list[T any](ctx context.Context, r *reader, scan func(*reader, scanner) (T, error), what, query string, args ...any) ([]T, error) {
	rows, err := r.q.QueryContext(ctx, r.d.rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("%s store: listing %s: %w", r.d.Name, what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(r, rows)
		if err != nil {
			return nil, fmt.Errorf("%s store: listing %s: %w", r.d.Name, what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s store: listing %s: %w", r.d.Name, what, err)
	}
	return out, nil
}

// exists reports whether a query returns a row.
func (r *reader) exists(ctx context.Context, query string, args ...any) (bool, error) {
	var one int
	err := r.q.QueryRowContext(ctx, r.d.rebind(query), args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s store: %w", r.d.Name, err)
	}
	return true, nil
}

// exec runs a write and maps constraint failures to the store's errors.
func (w *writer) exec(ctx context.Context, what, query string, args ...any) (int64, error) {
	res, err := w.q.ExecContext(ctx, w.d.rebind(query), args...)
	if err != nil {
		switch {
		case w.d.IsUniqueViolation != nil && w.d.IsUniqueViolation(err):
			return 0, fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
		case w.d.IsForeignKeyViolation != nil && w.d.IsForeignKeyViolation(err):
			return 0, fmt.Errorf("%s: parent row missing: %w", what, store.ErrNotFound)
		}
		return 0, fmt.Errorf("%s store: %s: %w", w.d.Name, what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s store: %s: %w", w.d.Name, what, err)
	}
	return n, nil
}

// mustAffect turns "no row changed" into store.ErrNotFound.
func mustAffect(n int64, err error, what string) error {
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// create inserts a row after checking its key is free, so a conflict does
// not fail a statement (which would abort a PostgreSQL transaction and
// leave fn unable to go on). With an accountID it checks the account
// exists too, in the same query: each statement is a round trip to
// PostgreSQL, and writes are serialized, so every one adds to the wait of
// all writers queued behind.
func (w *writer) create(ctx context.Context, what, existsQuery string, existsArgs []any, accountID, insert string, args ...any) error {
	if accountID == "" {
		if err := w.requireFree(ctx, what, existsQuery, existsArgs...); err != nil {
			return err
		}
	} else {
		var taken, account bool
		err := w.q.QueryRowContext(ctx, w.d.rebind(`SELECT EXISTS (`+existsQuery+`), EXISTS (SELECT 1 FROM accounts WHERE id = ?)`),
			append(existsArgs[:len(existsArgs):len(existsArgs)], accountID)...).Scan(&taken, &account)
		switch {
		case err != nil:
			return fmt.Errorf("%s store: %s: %w", w.d.Name, what, err)
		case taken:
			return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
		case !account:
			return fmt.Errorf("account %s: %w", accountID, store.ErrNotFound)
		}
	}
	_, err := w.exec(ctx, what, insert, args...)
	return err
}

// requireFree returns ErrAlreadyExists when existsQuery finds a row.
func (w *writer) requireFree(ctx context.Context, what, existsQuery string, existsArgs ...any) error {
	taken, err := w.exists(ctx, existsQuery, existsArgs...)
	if err != nil {
		return err
	}
	if taken {
		return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
	}
	return nil
}

func (w *writer) requireAccount(ctx context.Context, id string) error {
	ok, err := w.exists(ctx, `SELECT 1 FROM accounts WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("account %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// listClauses builds the filter and tail of a paged, path-filtered list
// ordered by keyCol. substr is in both SQLite and PostgreSQL, and unlike
// LIKE has no wildcards or case rules to escape.
func listClauses(keyCol, pathPrefix string, p store.Page, args []any) (where, tail string, out []any) {
	if pathPrefix != "" {
		where += " AND substr(path, 1, ?) = ?"
		args = append(args, len([]rune(pathPrefix)), pathPrefix)
	}
	if p.After != "" {
		where += " AND " + keyCol + " > ?"
		args = append(args, p.After)
	}
	tail = " ORDER BY " + keyCol
	if p.Limit > 0 {
		tail += " LIMIT ?"
		args = append(args, p.Limit)
	}
	return where, tail, args
}

// pkOf returns the pk of the user, role, group or instance profile (table)
// named name, which child rows reference; ErrNotFound, naming it as what,
// when there is none.
func (r *reader) pkOf(ctx context.Context, table, what, accountID, name string) (int64, error) {
	var pk int64
	err := r.q.QueryRowContext(ctx, r.d.rebind(`SELECT pk FROM `+table+` WHERE account_id = ? AND name_key = ?`),
		accountID, key(name)).Scan(&pk)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%s %s: %w", what, name, store.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("%s store: %s %s: %w", r.d.Name, what, name, err)
	}
	return pk, nil
}

// pkSelect is a subquery for the pk of the row of table with the account
// id and name key given as its two arguments. It is NULL, which equals
// nothing, when there is no such row.
func pkSelect(table string) string {
	return `(SELECT pk FROM ` + table + ` WHERE account_id = ? AND name_key = ?)`
}

// ownerPK returns the user_pk of a credential that belongs to userName or,
// when userName is "", to the account root (NULL).
func (w *writer) ownerPK(ctx context.Context, accountID, userName string) (any, error) {
	if userName == "" {
		return nil, w.requireAccount(ctx, accountID)
	}
	return w.pkOf(ctx, "users", "user", accountID, userName)
}

// ownedBy is the condition, with its arguments, that selects the rows of
// alias (a table with account_id and user_pk columns) belonging to
// userName or, when userName is "", to the account root.
func ownedBy(alias, accountID, userName string) (string, []any) {
	if userName == "" {
		return alias + `.account_id = ? AND ` + alias + `.user_pk IS NULL`, []any{accountID}
	}
	return alias + `.user_pk = ` + pkSelect("users"), []any{accountID, key(userName)}
}
