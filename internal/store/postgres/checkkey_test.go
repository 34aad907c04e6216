package postgres_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/stsd/stsd/internal/store/postgres"
	"github.com/stsd/stsd/internal/store/sqlstore"
)

// dyingConnector hands out pgx connections whose first statement naming
// the seal_check table meets a terminated server process, as a pooled
// connection does after a server restart: the backend is ended (and gone)
// just before the statement is sent.
type dyingConnector struct {
	driver.Connector
	t     *testing.T
	admin *sql.DB
	armed *atomic.Bool
	match string
}

func (d dyingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := d.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &dyingConn{Conn: c.(*stdlib.Conn), d: d}, nil
}

type dyingConn struct {
	*stdlib.Conn
	d dyingConnector
}

func (c *dyingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if strings.Contains(query, c.d.match) && c.d.armed.CompareAndSwap(true, false) {
		pid := c.Conn.Conn().PgConn().PID()
		if _, err := c.d.admin.ExecContext(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
			c.d.t.Error(err)
		}
		for deadline := time.Now().Add(5 * time.Second); ; {
			var n int
			if err := c.d.admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&n); err != nil || n == 0 {
				break
			}
			if time.Now().After(deadline) {
				c.d.t.Error("terminated backend still running")
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return c.Conn.ExecContext(ctx, query, args)
}

// TestCheckKeyInsertAfterBackendTerminated: the first start records the
// master-key check with an INSERT outside Update; when its pooled
// connection turns out dead, the insert runs again on another connection,
// as reads and Update's BEGIN do, instead of failing the start.
func TestCheckKeyInsertAfterBackendTerminated(t *testing.T) {
	srv := connect(t)
	_, dsn := srv.schema(t)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	armed := &atomic.Bool{}
	armed.Store(true)
	db := sql.OpenDB(dyingConnector{Connector: stdlib.GetConnector(*cfg), t: t, admin: srv.admin, armed: armed, match: "INSERT INTO seal_check"})
	s, err := sqlstore.New(bg, db, postgres.Dialect(), testSealer(t, 1))
	if err != nil {
		db.Close()
		t.Fatalf("first start with the check's connection lost: %v", err)
	}
	defer s.Close()
	if armed.Load() {
		t.Fatal("the check's insert never ran")
	}
	// The check was recorded: a start with another key is refused.
	db2 := stdlib.OpenDB(*cfg)
	if s2, err := sqlstore.New(bg, db2, postgres.Dialect(), testSealer(t, 2)); err == nil {
		s2.Close()
		t.Fatal("a different master key was accepted")
	} else {
		db2.Close()
	}
}
