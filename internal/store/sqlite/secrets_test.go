package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/sqlite"
	"github.com/stsd/stsd/internal/store/sqlstore"
)

const acct = "123456789012"

var bg = context.Background()

const (
	keySecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET1"
	mfaSeed   = "MFASEEDPLAINTEXT-0123456789"
	tokSecret = "TOKENKEYPLAINTEXT-0123456789abc"
	rsaKey    = "OUTBOUNDRSAPRIVATEKEY-PLAINTEXT"
	ecKey     = "OUTBOUNDECPRIVATEKEY-PLAINTEXT"
	issuer    = "ISSUERID-0123456789"
	svcSecret = "SERVICECREDENTIALSECRET-PLAINTEXT"
	svcCredID = "ACCAEXAMPLE000000001"
)

// populate writes one of every secret-bearing row plus some plain rows.
func populate(t *testing.T, s store.Store) {
	t.Helper()
	err := s.Update(bg, func(tx store.Tx) error {
		for _, err := range []error{
			tx.CreateAccount(bg, store.Account{ID: acct, Alias: "alias", CreatedAt: time.Now()}),
			tx.CreateUser(bg, store.User{AccountID: acct, Name: "Ann", ID: "AIDAEXAMPLE", Path: "/", Tags: []store.Tag{{Key: "a", Value: "b"}}}),
			tx.CreateAccessKey(bg, store.AccessKey{ID: "AKIAEXAMPLE000000001", Secret: keySecret, AccountID: acct, UserName: "Ann", Status: store.AccessKeyActive}),
			tx.CreateAccessKey(bg, store.AccessKey{ID: "AKIAEXAMPLE000000002", Secret: strings.ToLower(keySecret), AccountID: acct, Status: store.AccessKeyActive}),
			tx.CreateMFADevice(bg, store.MFADevice{AccountID: acct, SerialNumber: "arn:aws:iam::" + acct + ":mfa/d", Seed: []byte(mfaSeed), LastUsedStep: 42}),
			tx.CreateTokenKey(bg, store.TokenKey{ID: 7, Secret: []byte(tokSecret), CreatedAt: time.Now()}),
			tx.CreatePolicy(bg, store.ManagedPolicy{AccountID: acct, Name: "P", ID: "ANPA", Path: "/", DefaultVersionID: "v1"}),
			tx.CreatePolicyVersion(bg, store.PolicyVersion{AccountID: acct, PolicyName: "P", VersionID: "v1", Document: "{}"}),
			tx.AttachPolicy(bg, acct, store.KindUser, "Ann", "arn:aws:iam::"+acct+":policy/P"),
			tx.PutOutboundFederation(bg, store.OutboundFederation{AccountID: acct, IssuerID: issuer, Enabled: true,
				RSAKey: []byte(rsaKey), ECKey: []byte(ecKey), CreatedAt: time.Now(), UpdatedAt: time.Now()}),
			tx.CreateServiceSpecificCredential(bg, store.ServiceSpecificCredential{AccountID: acct, UserName: "Ann", ID: svcCredID,
				ServiceName: "codecommit.amazonaws.com", ServiceUserName: "Ann-at-" + acct, Secret: []byte(svcSecret),
				Status: store.AccessKeyActive, CreatedAt: time.Now()}),
			tx.CreateServiceSpecificCredential(bg, store.ServiceSpecificCredential{AccountID: acct, UserName: "Ann", ID: "ACCAEXAMPLE000000002",
				ServiceName: "codecommit.amazonaws.com", ServiceUserName: "Ann-at-" + acct, Secret: []byte(strings.ToLower(svcSecret)),
				Status: store.AccessKeyActive, CreatedAt: time.Now()}),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("populate: %v", err)
	}
}

func TestSecretsNotStoredInPlaintext(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, filepath.Join(dir, "stsd.db"), testSealer(t, 1))
	populate(t, s)
	// Read before closing too: the WAL file holds recent pages.
	check := func(when string) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{keySecret, strings.ToLower(keySecret), mfaSeed, tokSecret, rsaKey, ecKey,
				svcSecret, strings.ToLower(svcSecret)} {
				if bytes.Contains(data, []byte(secret)) {
					t.Fatalf("%s: %s contains secret %q in plaintext", when, e.Name(), secret)
				}
			}
			if e.Name() == "stsd.db" && when == "after close" && (!bytes.Contains(data, []byte("AKIAEXAMPLE000000001")) ||
				!bytes.Contains(data, []byte(issuer)) || !bytes.Contains(data, []byte(svcCredID))) {
				t.Fatalf("database file lacks the key id, issuer id or credential id: the plaintext check looks at the wrong file")
			}
		}
	}
	check("while open")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check("after close")
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsd.db")
	s := openAt(t, path, testSealer(t, 1))
	populate(t, s)
	type snapshot struct {
		Key   store.AccessKey
		Users []store.User
		MFA   store.MFADevice
		Tok   []store.TokenKey
		Att   []string
		Ver   store.PolicyVersion
		Fed   store.OutboundFederation
		Svc   store.ServiceSpecificCredential
		Gen   uint64
	}
	take := func(s store.Store) snapshot {
		t.Helper()
		var sn snapshot
		var errs [9]error
		sn.Key, errs[0] = s.GetAccessKey(bg, "AKIAEXAMPLE000000001")
		sn.Users, errs[1] = s.ListUsers(bg, acct, "/", store.Page{})
		sn.MFA, errs[2] = s.GetMFADevice(bg, "arn:aws:iam::"+acct+":mfa/d")
		sn.Tok, errs[3] = s.ListTokenKeys(bg)
		sn.Att, errs[4] = s.ListAttachedPolicies(bg, acct, store.KindUser, "ann")
		sn.Ver, errs[5] = s.GetPolicyVersion(bg, acct, "p", "v1")
		sn.Fed, errs[6] = s.GetOutboundFederationByIssuer(bg, issuer)
		sn.Svc, errs[7] = s.GetServiceSpecificCredential(bg, acct, "ann", svcCredID)
		sn.Gen, errs[8] = s.Generation(bg)
		if err := errors.Join(errs[:]...); err != nil {
			t.Fatal(err)
		}
		return sn
	}
	before := take(s)
	if before.Key.Secret != keySecret || string(before.MFA.Seed) != mfaSeed || string(before.Tok[0].Secret) != tokSecret ||
		string(before.Fed.RSAKey) != rsaKey || string(before.Fed.ECKey) != ecKey || string(before.Svc.Secret) != svcSecret {
		t.Fatalf("secrets did not round-trip: %+v", before)
	}
	s.Close()
	s2 := openAt(t, path, testSealer(t, 1))
	defer s2.Close()
	after := take(s2)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("after reopen:\n got  %+v\n want %+v", after, before)
	}
	var versions int
	if err := s2.DB().QueryRowContext(bg, `SELECT COUNT(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if versions != sqlstore.SchemaVersion() {
		t.Fatalf("schema_migrations has %d rows after reopen, want %d (re-applied or skipped steps)", versions, sqlstore.SchemaVersion())
	}
}

func TestWrongMasterKeyIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsd.db")
	s := openAt(t, path, testSealer(t, 1))
	populate(t, s)
	s.Close()
	_, err := sqlite.Open(bg, path, testSealer(t, 2))
	if !errors.Is(err, seal.ErrWrongKey) || !strings.Contains(err.Error(), "master key") {
		t.Fatalf("Open with another key: %v, want a master key error wrapping seal.ErrWrongKey", err)
	}

	// Even past the start-up check, each secret refuses the wrong key.
	raw := rawDB(t, path)
	if _, err := raw.Exec(`DELETE FROM seal_check`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s2 := openAt(t, path, testSealer(t, 2))
	defer s2.Close()
	if _, err := s2.GetAccessKey(bg, "AKIAEXAMPLE000000001"); !errors.Is(err, seal.ErrWrongKey) {
		t.Fatalf("GetAccessKey under another key: %v, want seal.ErrWrongKey", err)
	}
	if _, err := s2.GetMFADevice(bg, "arn:aws:iam::"+acct+":mfa/d"); !errors.Is(err, seal.ErrWrongKey) {
		t.Fatalf("GetMFADevice under another key: %v, want seal.ErrWrongKey", err)
	}
	if _, err := s2.ListTokenKeys(bg); !errors.Is(err, seal.ErrWrongKey) {
		t.Fatalf("ListTokenKeys under another key: %v, want seal.ErrWrongKey", err)
	}
	if _, err := s2.GetOutboundFederation(bg, acct); !errors.Is(err, seal.ErrWrongKey) {
		t.Fatalf("GetOutboundFederation under another key: %v, want seal.ErrWrongKey", err)
	}
	if _, err := s2.GetServiceSpecificCredential(bg, acct, "Ann", svcCredID); !errors.Is(err, seal.ErrWrongKey) {
		t.Fatalf("GetServiceSpecificCredential under another key: %v, want seal.ErrWrongKey", err)
	}
}

func TestSwappedCiphertextsDoNotOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsd.db")
	s := openAt(t, path, testSealer(t, 1))
	populate(t, s)
	s.Close()
	raw := rawDB(t, path)
	// Give key 2 the sealed secret of key 1: without row binding it would
	// open as key 1's secret.
	if _, err := raw.Exec(`UPDATE access_keys SET secret = (SELECT secret FROM access_keys WHERE id = 'AKIAEXAMPLE000000001') WHERE id = 'AKIAEXAMPLE000000002'`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s2 := openAt(t, path, testSealer(t, 1))
	defer s2.Close()
	if _, err := s2.GetAccessKey(bg, "AKIAEXAMPLE000000002"); !errors.Is(err, seal.ErrCorrupt) {
		t.Fatalf("swapped secret: %v, want seal.ErrCorrupt", err)
	}
	if k, err := s2.GetAccessKey(bg, "AKIAEXAMPLE000000001"); err != nil || k.Secret != keySecret {
		t.Fatalf("untouched key: %v", err)
	}
}

// TestSwappedServiceCredentialSecretsDoNotOpen gives one service-specific
// credential the sealed secret of another of the same user: the seal binds
// the credential id, so it fails to open rather than pass as its own.
func TestSwappedServiceCredentialSecretsDoNotOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsd.db")
	s := openAt(t, path, testSealer(t, 1))
	populate(t, s)
	s.Close()
	raw := rawDB(t, path)
	if _, err := raw.Exec(`UPDATE service_specific_credentials SET secret = (SELECT secret FROM service_specific_credentials
		WHERE id = '` + svcCredID + `') WHERE id = 'ACCAEXAMPLE000000002'`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s2 := openAt(t, path, testSealer(t, 1))
	defer s2.Close()
	if _, err := s2.GetServiceSpecificCredential(bg, acct, "Ann", "ACCAEXAMPLE000000002"); !errors.Is(err, seal.ErrCorrupt) {
		t.Fatalf("swapped secret: %v, want seal.ErrCorrupt", err)
	}
	if _, err := s2.ListServiceSpecificCredentials(bg, acct, "Ann"); !errors.Is(err, seal.ErrCorrupt) {
		t.Fatalf("listing with a swapped secret: %v, want seal.ErrCorrupt", err)
	}
	if c, err := s2.GetServiceSpecificCredential(bg, acct, "Ann", svcCredID); err != nil || string(c.Secret) != svcSecret {
		t.Fatalf("untouched credential: %+v, %v", c, err)
	}
}

// TestSwappedOutboundKeysDoNotOpen moves sealed federation keys to another
// account's row and to the other column of the same row: each must fail
// to open rather than pass as a key it is not.
func TestSwappedOutboundKeysDoNotOpen(t *testing.T) {
	const other = "210987654321"
	path := filepath.Join(t.TempDir(), "stsd.db")
	s := openAt(t, path, testSealer(t, 1))
	populate(t, s)
	err := s.Update(bg, func(tx store.Tx) error {
		if err := tx.CreateAccount(bg, store.Account{ID: other}); err != nil {
			return err
		}
		return tx.PutOutboundFederation(bg, store.OutboundFederation{AccountID: other, IssuerID: "other-issuer",
			RSAKey: []byte("other-rsa"), ECKey: []byte("other-ec")})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw := rawDB(t, path)
	for _, stmt := range []string{
		`UPDATE outbound_federations SET rsa_key = (SELECT rsa_key FROM outbound_federations WHERE account_id = '` + acct + `') WHERE account_id = '` + other + `'`,
		`UPDATE outbound_federations SET ec_key = rsa_key WHERE account_id = '` + acct + `'`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	s2 := openAt(t, path, testSealer(t, 1))
	defer s2.Close()
	if _, err := s2.GetOutboundFederation(bg, other); !errors.Is(err, seal.ErrCorrupt) {
		t.Fatalf("RSA key moved to another account: %v, want seal.ErrCorrupt", err)
	}
	if _, err := s2.GetOutboundFederationByIssuer(bg, issuer); !errors.Is(err, seal.ErrCorrupt) {
		t.Fatalf("RSA key moved to the EC column: %v, want seal.ErrCorrupt", err)
	}
}

func TestOpenRefusesNonFilePaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db", "x.db?mode=ro", filepath.Join(t.TempDir(), "missing-dir", "x.db")} {
		if s, err := sqlite.Open(bg, p, testSealer(t, 1)); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

// TestTwoHandlesOneFile writes through two stores on the same file at once,
// as two processes would: the busy timeout and IMMEDIATE transactions must
// turn contention into waiting, not SQLITE_BUSY.
func TestTwoHandlesOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsd.db")
	a := openAt(t, path, testSealer(t, 1))
	defer a.Close()
	b := openAt(t, path, testSealer(t, 1))
	defer b.Close()
	if err := a.Update(bg, func(tx store.Tx) error { return tx.CreateAccount(bg, store.Account{ID: acct}) }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i, s := range []*sqlite.Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				errs <- s.Update(bg, func(tx store.Tx) error {
					return tx.CreateUser(bg, store.User{AccountID: acct, Name: fmt.Sprintf("u%d-%d", i, j), Path: "/"})
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent write from two handles: %v", err)
		}
	}
	users, err := b.ListUsers(bg, acct, "", store.Page{})
	if err != nil || len(users) != 40 {
		t.Fatalf("ListUsers = %d users, %v; want 40", len(users), err)
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func BenchmarkSQLiteGetAccessKey(b *testing.B) {
	s := openAt(b, filepath.Join(b.TempDir(), "stsd.db"), testSealer(b, 1))
	defer s.Close()
	err := s.Update(bg, func(tx store.Tx) error {
		if err := tx.CreateAccount(bg, store.Account{ID: acct}); err != nil {
			return err
		}
		return tx.CreateAccessKey(bg, store.AccessKey{ID: "AKIAEXAMPLE000000001", Secret: keySecret, AccountID: acct, Status: store.AccessKeyActive, CreatedAt: time.Now()})
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.GetAccessKey(bg, "AKIAEXAMPLE000000001"); err != nil {
			b.Fatal(err)
		}
	}
}
