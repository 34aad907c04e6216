package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
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
