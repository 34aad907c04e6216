package postgres_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
	"github.com/stsd/stsd/internal/store/postgres"
	"github.com/stsd/stsd/internal/store/sqlite"
	"github.com/stsd/stsd/internal/store/sqlstore"
	"github.com/stsd/stsd/internal/store/storetest"
)

const acct = "123456789012"

func TestConformance(t *testing.T) {
	// Each subtest has a schema of its own, so the two suites run side
	// by side.
	t.Parallel()
	pool := connect(t).pool(t)
	parent := t
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, pool.take(parent, t), testSealer(t, 1))
	})
}

// TestConformanceThroughCache runs the suite against the cache over
// PostgreSQL, the stack a node actually serves from.
func TestConformanceThroughCache(t *testing.T) {
	t.Parallel()
	pool := connect(t).pool(t)
	parent := t
	storetest.Run(t, func(t *testing.T) store.Store {
		return cache.New(open(t, pool.take(parent, t), testSealer(t, 1)))
	})
}

func TestOpenRefusesBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "postgres://host:notaport/db", "host=x port=99999999"} {
		if s, err := postgres.Open(bg, dsn, testSealer(t, 1)); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", dsn)
		}
	}
	// The password stays out of the error for an unreachable server.
	_, err := postgres.Open(bg, "postgres://u:hunter2secret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", testSealer(t, 1))
	if err == nil || strings.Contains(err.Error(), "hunter2secret") {
		t.Fatalf("Open on a closed port: %v", err)
	}
	if _, err := postgres.Open(bg, "postgres://127.0.0.1/db", nil); err == nil {
		t.Fatal("Open with a nil sealer succeeded")
	}
}

// TestTwoNodes opens two stores on one schema, as two stsd nodes sharing a
// database, each behind its own cache as in the server.
func TestTwoNodes(t *testing.T) {
	srv := connect(t)
	_, dsn := srv.schema(t)
	a, b := open(t, dsn, testSealer(t, 1)), open(t, dsn, testSealer(t, 1))
	ca, cb := cache.New(a), cache.New(b)
	for _, c := range []*cache.Cache{ca, cb} {
		if err := c.Refresh(bg); err != nil {
			t.Fatal(err)
		}
	}
	ga0, _ := a.Generation(bg)
	update(t, ca, func(tx store.Tx) error {
		if err := tx.CreateAccount(bg, store.Account{ID: acct, Alias: "one"}); err != nil {
			return err
		}
		return tx.CreateUser(bg, store.User{AccountID: acct, Name: "Ann", ID: "AIDAANN", Path: "/"})
	})
	// Node b sees a's write, and caches it.
	if u, err := cb.GetUser(bg, acct, "ann"); err != nil || u.ID != "AIDAANN" {
		t.Fatalf("node b GetUser after node a's write: %+v, %v", u, err)
	}
	gen := func(s store.Store) uint64 {
		t.Helper()
		g, err := s.Generation(bg)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	ga1, gb1 := gen(a), gen(b)
	if ga1 <= ga0 || gb1 != ga1 {
		t.Fatalf("generation after a write on a: a %d (was %d), b %d", ga1, ga0, gb1)
	}

	// A change on b reaches a's cache once a refreshes, as nodes do
	// periodically; before that a may serve what it cached.
	if _, err := ca.GetAccount(bg, acct); err != nil {
		t.Fatal(err)
	}
	update(t, cb, func(tx store.Tx) error {
		if err := tx.UpdateAccount(bg, store.Account{ID: acct, Alias: "two"}); err != nil {
			return err
		}
		return tx.DeleteUser(bg, acct, "Ann")
	})
	if gen(a) <= ga1 || gen(b) != gen(a) {
		t.Fatalf("generation after a write on b: a %d, b %d, was %d", gen(a), gen(b), ga1)
	}
	if err := ca.Refresh(bg); err != nil {
		t.Fatal(err)
	}
	if acc, err := ca.GetAccount(bg, acct); err != nil || acc.Alias != "two" {
		t.Fatalf("node a after refresh: %+v, %v; want alias two", acc, err)
	}
	if _, err := ca.GetUser(bg, acct, "ann"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("node a GetUser of a user node b deleted: %v", err)
	}
}

// TestConcurrentUpdatesAcrossNodes does read-modify-writes of one row from
// two handles at once: the per-process write queue cannot order them, only
// the database can, so a lost update shows as a short count.
func TestConcurrentUpdatesAcrossNodes(t *testing.T) {
	srv := connect(t)
	_, dsn := srv.schema(t)
	nodes := []*postgres.Store{open(t, dsn, testSealer(t, 1)), open(t, dsn, testSealer(t, 1)), open(t, dsn, testSealer(t, 1))}
	update(t, nodes[0], func(tx store.Tx) error { return tx.CreateAccount(bg, store.Account{ID: acct, Alias: "0"}) })
	const each = 15
	var wg sync.WaitGroup
	errs := make(chan error, len(nodes)*each)
	for i, s := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				errs <- s.Update(bg, func(tx store.Tx) error {
					a, err := tx.GetAccount(bg, acct)
					if err != nil {
						return err
					}
					n, err := strconv.Atoi(a.Alias)
					if err != nil {
						return err
					}
					a.Alias = strconv.Itoa(n + 1)
					if err := tx.UpdateAccount(bg, a); err != nil {
						return err
					}
					// Check-then-insert must not race either.
					return tx.CreateUser(bg, store.User{AccountID: acct, Name: fmt.Sprintf("n%d-%d", i, j), Path: "/"})
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Update: %v", err)
		}
	}
	a, err := nodes[1].GetAccount(bg, acct)
	if err != nil || a.Alias != strconv.Itoa(len(nodes)*each) {
		t.Fatalf("counter = %q, %v; want %d", a.Alias, err, len(nodes)*each)
	}
}

// TestUpdateAfterBackendsTerminated cuts off every server process of the
// store's pool, as a server restart or an operator's pg_terminate_backend
// does, and expects the next writes to succeed: the pooled connections are
// dead, but no transaction had begun on them, so Update begins again on a
// fresh one. Each write must still be applied exactly once.
func TestUpdateAfterBackendsTerminated(t *testing.T) {
	srv := connect(t)
	name, dsn := srv.schema(t)
	// The schema name is unique to this test: it picks out the store's
	// connections among those of other tests sharing the server.
	s := open(t, withParam(t, dsn, "application_name", name), testSealer(t, 1))
	update(t, s, func(tx store.Tx) error { return tx.CreateAccount(bg, store.Account{ID: acct, Alias: "0"}) })
	for round := range 3 {
		fillPool(t, s)
		update(t, s, func(tx store.Tx) error { return tx.UpdateAccount(bg, store.Account{ID: acct, Alias: "warm"}) })
		terminateBackends(t, srv, name)

		// The generation is read from the side: the store's own reads on
		// its dead connections are not what this test is about.
		generation := func() (g uint64) {
			t.Helper()
			if err := srv.admin.QueryRowContext(bg, `SELECT value FROM `+name+`.generation`).Scan(&g); err != nil {
				t.Fatal(err)
			}
			return g
		}
		g0 := generation()
		const writes = 3
		for i := range writes {
			err := s.Update(bg, func(tx store.Tx) error {
				return tx.CreateUser(bg, store.User{AccountID: acct, Name: fmt.Sprintf("r%d-%d", round, i), Path: "/"})
			})
			if err != nil {
				t.Fatalf("round %d: Update %d after the backends were terminated: %v", round, i, err)
			}
		}
		if g := generation(); g != g0+writes {
			t.Fatalf("round %d: generation %d after %d writes from %d", round, g, writes, g0)
		}
	}
}

// TestReadsAfterBackendsTerminated cuts off every server process of the
// store's pool and expects the reads that follow, outside any transaction,
// to succeed: a read changes nothing, so one that meets a dead pooled
// connection runs again on another.
func TestReadsAfterBackendsTerminated(t *testing.T) {
	srv := connect(t)
	name, dsn := srv.schema(t)
	s := open(t, withParam(t, dsn, "application_name", name), testSealer(t, 1))
	key := store.AccessKey{ID: "AKIAREADSAFTERKILL00", Secret: strings.Repeat("s", 40), AccountID: acct, UserName: "ann",
		Status: store.AccessKeyActive, CreatedAt: time.Unix(1700000000, 0).UTC()}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateAccount(bg, store.Account{ID: acct, Alias: "0"}); err != nil {
			return err
		}
		if err := tx.CreateUser(bg, store.User{AccountID: acct, Name: "ann", Path: "/"}); err != nil {
			return err
		}
		return tx.CreateAccessKey(bg, key)
	})
	g, err := s.Generation(bg)
	if err != nil {
		t.Fatal(err)
	}
	reads := []struct {
		name string
		read func() error
	}{
		{"Generation", func() error {
			got, err := s.Generation(bg)
			if err == nil && got != g {
				err = fmt.Errorf("generation %d, want %d", got, g)
			}
			return err
		}},
		{"GetAccessKey", func() error {
			got, err := s.GetAccessKey(bg, key.ID)
			if err == nil && got.Secret != key.Secret {
				err = fmt.Errorf("secret %q, want %q", got.Secret, key.Secret)
			}
			return err
		}},
		{"GetUser", func() error { _, err := s.GetUser(bg, acct, "ann"); return err }},
		{"ListUsers", func() error {
			us, err := s.ListUsers(bg, acct, "/", store.Page{})
			if err == nil && len(us) != 1 {
				err = fmt.Errorf("%d users, want 1", len(us))
			}
			return err
		}},
		{"ListAccounts", func() error { _, err := s.ListAccounts(bg); return err }},
	}
	for round := range 3 {
		fillPool(t, s)
		terminateBackends(t, srv, name)
		for _, r := range reads {
			if err := r.read(); err != nil {
				t.Fatalf("round %d: %s after the backends were terminated: %v", round, r.name, err)
			}
		}
	}
}

// fillPool reads from s at once, so its pool holds several connections,
// all of them used within the last second: database/sql then hands them
// out again without pinging them first, as it does under load.
func fillPool(t *testing.T, s store.Reader) {
	t.Helper()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := s.GetAccount(bg, acct); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// terminateBackends ends the server processes of the connections whose
// application_name is app, and waits until they are gone.
func terminateBackends(t *testing.T, srv *server, app string) {
	t.Helper()
	var n int
	if err := srv.admin.QueryRowContext(bg,
		`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no server process to terminate: the store's connections do not carry its application_name")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if err := srv.admin.QueryRowContext(bg, `SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d terminated server processes still running", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestQueuedUpdatesCommitTogether queues Updates behind one that holds
// the writer and expects them to commit together: when one of them runs,
// the one before it is not committed yet. A commit waits for an fsync, and serialized writers each
// waiting for every fsync before theirs is where PostgreSQL's write latency
// under load went. Batched, each still stands alone: one that fails or
// panics leaves nothing, and the panic reaches its own caller only.
func TestQueuedUpdatesCommitTogether(t *testing.T) {
	srv := connect(t)
	name, dsn := srv.schema(t)
	s := open(t, dsn, testSealer(t, 1))
	update(t, s, func(tx store.Tx) error { return tx.CreateAccount(bg, store.Account{ID: acct, Alias: "0"}) })
	g0, _ := s.Generation(bg)

	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs := s.Update(bg, func(tx store.Tx) error {
			close(started)
			<-release
			return tx.CreateUser(bg, store.User{AccountID: acct, Name: "first", Path: "/"})
		})
		if errs != nil {
			t.Error(errs)
		}
	}()
	<-started
	const queued = 6
	const failing, panicking = 2, 4
	outcomes := make([]any, queued)
	// Each queued fn looks from the side for the user of the last one to
	// run before it (that did not fail): committed already means it ran
	// in a transaction of its own.
	var (
		mu            sync.Mutex
		prev          string
		checks, found int
	)
	lookBack := func() {
		mu.Lock()
		defer mu.Unlock()
		if prev == "" {
			return
		}
		var n int
		if err := srv.admin.QueryRowContext(bg, `SELECT COUNT(*) FROM `+name+`.users WHERE name = $1`, prev).Scan(&n); err != nil {
			t.Error(err)
		}
		checks++
		found += n
	}
	for i := range queued {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if v := recover(); v != nil {
					outcomes[i] = v
				}
			}()
			outcomes[i] = s.Update(bg, func(tx store.Tx) error {
				lookBack()
				user := fmt.Sprintf("q%d", i)
				if err := tx.CreateUser(bg, store.User{AccountID: acct, Name: user, Path: "/"}); err != nil {
					return err
				}
				switch i {
				case failing:
					return errBoom
				case panicking:
					panic("boom")
				}
				mu.Lock()
				prev = user
				mu.Unlock()
				return nil
			})
		}()
	}
	// Give the queued Updates time to queue; any that come late only
	// make more transactions, which the check below allows for.
	time.Sleep(300 * time.Millisecond)
	close(release)
	wg.Wait()

	for i, o := range outcomes {
		switch {
		case i == failing && o != errBoom, i == panicking && o != "boom":
			t.Errorf("Update %d: outcome %v", i, o)
		case i != failing && i != panicking && o != nil:
			t.Errorf("Update %d: %v", i, o)
		}
	}
	var users int
	if err := srv.admin.QueryRowContext(bg, `SELECT COUNT(*) FROM `+name+`.users WHERE name LIKE 'q%'`).Scan(&users); err != nil {
		t.Fatal(err)
	}
	if users != queued-2 {
		t.Errorf("%d users committed, want %d: the failed and panicked Updates left theirs", users, queued-2)
	}
	if checks == 0 || found == checks {
		t.Errorf("each of %d queued Updates found the one before it committed (%d looked): they committed one by one", found, checks)
	}
	if g, _ := s.Generation(bg); g != g0+1+queued-2 {
		t.Errorf("generation %d after %d commits from %d", g, 1+queued-2, g0)
	}
}

var errBoom = errors.New("planned failure")

// TestNodesStartingTogether opens several stores on an empty schema at
// once: the migration lock must make one migrate and the others wait.
func TestNodesStartingTogether(t *testing.T) {
	srv := connect(t)
	name, dsn := srv.schema(t)
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(bg, dsn, testSealer(t, 1))
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Open while others open: %v", err)
		}
	}
	var versions, checks int
	if err := srv.admin.QueryRowContext(bg, `SELECT COUNT(*) FROM `+name+`.schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if err := srv.admin.QueryRowContext(bg, `SELECT COUNT(*) FROM `+name+`.seal_check`).Scan(&checks); err != nil {
		t.Fatal(err)
	}
	if versions != sqlstore.SchemaVersion() || checks != 1 {
		t.Fatalf("after concurrent starts: %d migrations (want %d), %d key checks (want 1)", versions, sqlstore.SchemaVersion(), checks)
	}
}

const (
	keySecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET1"
	mfaSeed   = "MFASEEDPLAINTEXT-0123456789"
	tokSecret = "TOKENKEYPLAINTEXT-0123456789abc"
	mfaSerial = "arn:aws:iam::" + acct + ":mfa/d"
	rsaKey    = "OUTBOUNDRSAPRIVATEKEY-PLAINTEXT"
	ecKey     = "OUTBOUNDECPRIVATEKEY-PLAINTEXT"
	svcSecret = "SERVICECREDENTIALSECRET-PLAINTEXT"
	svcCredID = "ACCAEXAMPLE000000001"
)

func populate(t testing.TB, s store.Store) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		return errors.Join(
			tx.CreateAccount(bg, store.Account{ID: acct, Alias: "alias", CreatedAt: time.Now()}),
			tx.CreateUser(bg, store.User{AccountID: acct, Name: "Ann", ID: "AIDAEXAMPLE", Path: "/"}),
			tx.CreateAccessKey(bg, store.AccessKey{ID: "AKIAEXAMPLE000000001", Secret: keySecret, AccountID: acct, UserName: "Ann", Status: store.AccessKeyActive}),
			tx.CreateMFADevice(bg, store.MFADevice{AccountID: acct, SerialNumber: mfaSerial, Seed: []byte(mfaSeed)}),
			tx.CreateTokenKey(bg, store.TokenKey{ID: 7, Secret: []byte(tokSecret), CreatedAt: time.Now()}),
			tx.PutOutboundFederation(bg, store.OutboundFederation{AccountID: acct, IssuerID: "issuer", Enabled: true,
				RSAKey: []byte(rsaKey), ECKey: []byte(ecKey), CreatedAt: time.Now(), UpdatedAt: time.Now()}),
			tx.CreateServiceSpecificCredential(bg, store.ServiceSpecificCredential{AccountID: acct, UserName: "Ann", ID: svcCredID,
				ServiceName: "codecommit.amazonaws.com", ServiceUserName: "Ann-at-" + acct, Secret: []byte(svcSecret),
				Status: store.AccessKeyActive, CreatedAt: time.Now()}),
		)
	})
}

// TestSecretsNotStoredInPlaintext reads the raw columns, and every row as
// text, to check only sealed secrets reach the database.
func TestSecretsNotStoredInPlaintext(t *testing.T) {
	srv := connect(t)
	name, dsn := srv.schema(t)
	s := open(t, dsn, testSealer(t, 1))
	populate(t, s)
	secrets := []string{keySecret, mfaSeed, tokSecret, rsaKey, ecKey, svcSecret}
	for _, q := range []string{
		`SELECT secret FROM ` + name + `.access_keys`,
		`SELECT seed FROM ` + name + `.mfa_devices`,
		`SELECT secret FROM ` + name + `.token_keys`,
		`SELECT rsa_key FROM ` + name + `.outbound_federations`,
		`SELECT ec_key FROM ` + name + `.outbound_federations`,
		`SELECT secret FROM ` + name + `.service_specific_credentials`,
	} {
		var raw []byte
		if err := srv.admin.QueryRowContext(bg, q).Scan(&raw); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if len(raw) == 0 {
			t.Fatalf("%s: empty column", q)
		}
		for _, sec := range secrets {
			if strings.Contains(string(raw), sec) {
				t.Fatalf("%s holds %q in plaintext", q, sec)
			}
		}
	}
	for _, table := range []string{"access_keys", "mfa_devices", "token_keys", "outbound_federations", "service_specific_credentials"} {
		var row string
		if err := srv.admin.QueryRowContext(bg, `SELECT t::text FROM `+name+`.`+table+` t`).Scan(&row); err != nil {
			t.Fatal(err)
		}
		for _, sec := range secrets {
			// BYTEA prints as hex, so look for the hex spelling too.
			if strings.Contains(row, sec) || strings.Contains(row, fmt.Sprintf("%x", sec)) {
				t.Fatalf("row of %s holds %q in plaintext: %s", table, sec, row)
			}
		}
	}
	if k, err := s.GetAccessKey(bg, "AKIAEXAMPLE000000001"); err != nil || k.Secret != keySecret {
		t.Fatalf("secret did not round-trip: %v", err)
	}
	if f, err := s.GetOutboundFederation(bg, acct); err != nil || string(f.RSAKey) != rsaKey || string(f.ECKey) != ecKey {
		t.Fatalf("outbound federation keys did not round-trip: %v", err)
	}
	if c, err := s.GetServiceSpecificCredential(bg, acct, "ann", svcCredID); err != nil || string(c.Secret) != svcSecret {
		t.Fatalf("service-specific credential secret did not round-trip: %v", err)
	}
}

func TestWrongMasterKeyIsRefused(t *testing.T) {
	srv := connect(t)
	_, dsn := srv.schema(t)
	populate(t, open(t, dsn, testSealer(t, 1)))
	_, err := postgres.Open(bg, dsn, testSealer(t, 2))
	if !errors.Is(err, seal.ErrWrongKey) || !strings.Contains(err.Error(), "master key") {
		t.Fatalf("Open with another key: %v, want a master key error wrapping seal.ErrWrongKey", err)
	}
}

// TestTextColumnsCompareBytes checks every text column uses the "C"
// collation, so list order and paging match SQLite's whatever locale the
// database has.
func TestTextColumnsCompareBytes(t *testing.T) {
	srv := connect(t)
	name, dsn := srv.schema(t)
	open(t, dsn, testSealer(t, 1))
	rows, err := srv.admin.QueryContext(bg, `SELECT table_name, column_name, COALESCE(collation_name, '')
		FROM information_schema.columns WHERE table_schema = $1 AND data_type = 'text'`, name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table, col, coll string
		if err := rows.Scan(&table, &col, &coll); err != nil {
			t.Fatal(err)
		}
		n++
		if coll != "C" {
			t.Errorf("%s.%s has collation %q, want C", table, col, coll)
		}
	}
	if err := rows.Err(); err != nil || n < 20 {
		t.Fatalf("found %d text columns (%v); the query looks at the wrong schema", n, err)
	}

	// Paging in byte order: "Z" < "_" < "a" in bytes, not in most locales.
	s := open(t, dsn, testSealer(t, 1))
	update(t, s, func(tx store.Tx) error {
		errs := []error{tx.CreateAccount(bg, store.Account{ID: acct})}
		for _, n := range []string{"b_x", "b-x", "b.x", "b+x", "bx"} {
			errs = append(errs, tx.CreateUser(bg, store.User{AccountID: acct, Name: n, Path: "/"}))
		}
		return errors.Join(errs...)
	})
	var got []string
	page := store.Page{Limit: 2}
	for {
		users, err := s.ListUsers(bg, acct, "", page)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			got = append(got, u.Name)
		}
		if len(users) < page.Limit {
			break
		}
		page.After = strings.ToLower(users[len(users)-1].Name)
	}
	if want := "b+x b-x b.x b_x bx"; strings.Join(got, " ") != want {
		t.Fatalf("paged order %q, want %q", strings.Join(got, " "), want)
	}
}

func update(t testing.TB, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Update(bg, fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func BenchmarkPostgresGetAccessKey(b *testing.B) {
	srv := connect(b)
	_, dsn := srv.schema(b)
	s := open(b, dsn, testSealer(b, 1))
	populate(b, s)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.GetAccessKey(bg, "AKIAEXAMPLE000000001"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPostgresUpdate(b *testing.B) {
	srv := connect(b)
	_, dsn := srv.schema(b)
	s := open(b, dsn, testSealer(b, 1))
	update(b, s, func(tx store.Tx) error { return tx.CreateAccount(bg, store.Account{ID: acct, Alias: "0"}) })
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		update(b, s, func(tx store.Tx) error { return tx.UpdateAccount(bg, store.Account{ID: acct, Alias: "x"}) })
	}
}

// BenchmarkUpdateUnderLoad measures IAM writes from many goroutines mixed
// with reads on PostgreSQL, and on SQLite for comparison: the two should
// be near each other, since writes are serialized on both.
func BenchmarkUpdateUnderLoad(b *testing.B) {
	load := storetest.Load{Writers: 12, Readers: 4}
	b.Run("postgres", func(b *testing.B) {
		srv := connect(b)
		_, dsn := srv.schema(b)
		storetest.BenchUpdateUnderLoad(b, open(b, dsn, testSealer(b, 1)), load)
	})
	b.Run("sqlite", func(b *testing.B) {
		s, err := sqlite.Open(bg, filepath.Join(b.TempDir(), "stsd.db"), testSealer(b, 1))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		storetest.BenchUpdateUnderLoad(b, s, load)
	})
}
