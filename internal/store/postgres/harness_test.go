package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store/postgres"
)

// The server the tests use: STSD_TEST_POSTGRES_DSN, else a local one. With
// no server answering the tests skip, unless STSD_TEST_POSTGRES_REQUIRED is
// set (CI sets it where a server is provided, so a broken one fails).
const (
	envDSN      = "STSD_TEST_POSTGRES_DSN"
	envRequired = "STSD_TEST_POSTGRES_REQUIRED"
	defaultDSN  = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
)

var bg = context.Background()

// server is a reachable PostgreSQL and an admin connection to it.
type server struct {
	dsn   string
	admin *sql.DB
}

// connect returns the test server or skips the test.
func connect(t testing.TB) *server {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		dsn = defaultDSN
	}
	unavailable := func(why string, err error) {
		t.Helper()
		msg := "no PostgreSQL for the store tests (" + why + ": " + err.Error() + "); set " + envDSN + " to a reachable server"
		if os.Getenv(envRequired) != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	// The tests check what a store does, not that commits survive a
	// crash: without waiting for each commit's WAL flush, the hundreds of
	// schemas they create and migrate cost a fraction of the time.
	dsn = withParam(t, dsn, "synchronous_commit", "off")
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		unavailable("bad "+envDSN, err)
	}
	cfg.ConnectTimeout = 3 * time.Second
	admin := stdlib.OpenDB(*cfg)
	ctx, cancel := context.WithTimeout(bg, 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		unavailable("cannot reach "+cfg.Host, err)
	}
	t.Cleanup(func() { admin.Close() })
	return &server{dsn: dsn, admin: admin}
}

// schema creates a schema of its own for one test, dropped when the test
// ends, and returns a DSN whose connections use it. Unique names keep
// parallel and repeated runs on one database apart.
func (s *server) schema(t testing.TB) (name, dsn string) {
	t.Helper()
	var b [8]byte
	rand.Read(b[:])
	name = "stsd_test_" + hex.EncodeToString(b[:])
	if _, err := s.admin.ExecContext(bg, `CREATE SCHEMA `+name); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := s.admin.ExecContext(bg, `DROP SCHEMA `+name+` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
		}
	})
	return name, withParam(t, s.dsn, "search_path", name)
}

// schemaPool lends migrated schemas to tests and takes them back emptied,
// for suites of many short tests. Migrating a fresh schema costs the
// server some 40 CREATE TABLEs (≈ 220 ms here) while emptying one costs a
// millisecond, so the conformance suites spend their time on the store
// rather than on DDL. A lent schema holds what a store opened once with
// testSealer(t, 1) holds and nothing else: its tables are emptied and
// refilled from a pristine template schema, so nothing of one test reaches
// the next, whatever tables later schema steps add.
type schemaPool struct {
	srv      *server
	template string
	// children lists the template's tables with every table before the
	// tables it references, the order in which rows can be deleted.
	children []string

	mu   sync.Mutex
	free []string
}

// pool builds a pool for the tests under t; its schemas are dropped when t
// ends.
func (s *server) pool(t *testing.T) *schemaPool {
	t.Helper()
	p := &schemaPool{srv: s}
	p.template = p.create(t)
	tables, err := referencesFirst(s.admin, p.template)
	if err != nil {
		t.Fatalf("reading the template's tables: %v", err)
	}
	for i := len(tables) - 1; i >= 0; i-- {
		p.children = append(p.children, tables[i])
	}
	return p
}

// create makes and migrates a schema that lives as long as t.
func (p *schemaPool) create(t *testing.T) string {
	t.Helper()
	name, dsn := p.srv.schema(t)
	st, err := postgres.Open(bg, dsn, testSealer(t, 1))
	if err != nil {
		t.Fatalf("migrating a pool schema: %v", err)
	}
	st.Close()
	return name
}

// take lends t an empty migrated schema for the length of t and returns a
// DSN that uses it. parent owns schemas the pool has to create.
func (p *schemaPool) take(parent, t *testing.T) string {
	t.Helper()
	p.mu.Lock()
	var name string
	if n := len(p.free); n > 0 {
		name, p.free = p.free[n-1], p.free[:n-1]
	}
	p.mu.Unlock()
	if name == "" {
		name = p.create(parent)
	}
	// Registered before the test opens its store, so it runs after the
	// store's own cleanup has closed it.
	t.Cleanup(func() {
		if err := p.reset(name); err != nil {
			t.Errorf("emptying pool schema %s: %v", name, err)
			return // not given back: the next test gets a fresh one
		}
		p.mu.Lock()
		p.free = append(p.free, name)
		p.mu.Unlock()
	})
	return withParam(t, p.srv.dsn, "search_path", name)
}

// reset gives schema name exactly the template's rows, in one transaction.
func (p *schemaPool) reset(name string) error {
	var b strings.Builder
	b.WriteString("BEGIN;")
	for _, table := range p.children {
		fmt.Fprintf(&b, "DELETE FROM %s.%s;", name, table)
	}
	for i := len(p.children) - 1; i >= 0; i-- {
		table := p.children[i]
		fmt.Fprintf(&b, "INSERT INTO %s.%s SELECT * FROM %s.%s;", name, table, p.template, table)
	}
	b.WriteString("COMMIT")
	// Without arguments the statements go in one simple-protocol message.
	_, err := p.srv.admin.ExecContext(bg, b.String())
	return err
}

// referencesFirst lists the tables of schema so that every table comes
// after the tables its foreign keys reference (a self-reference aside).
func referencesFirst(db *sql.DB, schema string) ([]string, error) {
	rows, err := db.QueryContext(bg, `
		SELECT c.relname, COALESCE(r.relname, '')
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
		LEFT JOIN pg_class r ON r.oid = k.confrelid
		WHERE n.nspname = $1 AND c.relkind = 'r'`, schema)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	refs := map[string][]string{}
	for rows.Next() {
		var table, ref string
		if err := rows.Scan(&table, &ref); err != nil {
			return nil, err
		}
		refs[table] = refs[table] // every table, referencing or not
		if ref != "" && ref != table {
			refs[table] = append(refs[table], ref)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(refs))
	for table := range refs {
		names = append(names, table)
	}
	sort.Strings(names) // a stable order, whatever the map's
	var order []string
	state := map[string]int{} // 1 visiting, 2 placed
	var visit func(string) error
	visit = func(table string) error {
		switch state[table] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", table)
		case 2:
			return nil
		}
		state[table] = 1
		for _, ref := range refs[table] {
			if err := visit(ref); err != nil {
				return err
			}
		}
		state[table] = 2
		order = append(order, table)
		return nil
	}
	for _, table := range names {
		if err := visit(table); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// withParam adds a run-time parameter to a URL or key=value DSN.
func withParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

func testSealer(t testing.TB, fill byte) *seal.Sealer {
	t.Helper()
	s, err := seal.New(bytes.Repeat([]byte{fill}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// open opens a store on dsn, closed when the test ends.
func open(t testing.TB, dsn string, sealer *seal.Sealer) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(bg, dsn, sealer)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
