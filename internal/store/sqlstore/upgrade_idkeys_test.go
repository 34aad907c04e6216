package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/postgres"
	"github.com/stsd/stsd/internal/store/sqlite"
	"github.com/stsd/stsd/internal/store/sqlstore"
)

// idKeysFrom is the last schema version that keyed child rows by their
// owner's name; the step after it rekeys them by id.
const idKeysFrom = 5

const (
	upAcct  = "111122223333"
	upAcct2 = "444455556666"
	arnOne  = "arn:aws:iam::aws:policy/One"
	arnTwo  = "arn:aws:iam::" + upAcct + ":policy/ReadOnly"
)

func upSealer(t *testing.T) *seal.Sealer {
	t.Helper()
	s, err := seal.New(bytes.Repeat([]byte{9}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestUpgradeToIDKeysSQLite writes a version 5 SQLite file with a row in
// every table, opens it with the current binary's sqlite.Open and checks
// everything is there through the Store interface.
func TestUpgradeToIDKeysSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stsd.db")
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	sealer := upSealer(t)
	seedVersion5(t, db, sqlite.Dialect(), sealer)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path, sealer)
	if err != nil {
		t.Fatalf("opening the version %d database: %v", idKeysFrom, err)
	}
	defer s.Close()
	checkUpgraded(t, s)
}

// TestUpgradeToIDKeysPostgres is TestUpgradeToIDKeysSQLite on PostgreSQL,
// in a schema of its own (skipped without a server unless
// STSD_TEST_POSTGRES_REQUIRED is set, like the backend's tests).
func TestUpgradeToIDKeysPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := os.Getenv("STSD_TEST_POSTGRES_DSN")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnectTimeout = 3 * time.Second
	admin := stdlib.OpenDB(*cfg)
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		if os.Getenv("STSD_TEST_POSTGRES_REQUIRED") != "" {
			t.Fatalf("no PostgreSQL: %v", err)
		}
		t.Skipf("no PostgreSQL: %v", err)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "stsd_upgrade_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	defer admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	dsn = u.String()

	raw, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*raw)
	sealer := upSealer(t)
	seedVersion5(t, db, postgres.Dialect(), sealer)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(ctx, dsn, sealer)
	if err != nil {
		t.Fatalf("opening the version %d database: %v", idKeysFrom, err)
	}
	defer s.Close()
	checkUpgraded(t, s)
}

// seedVersion5 migrates db to version 5 and writes rows the way that
// version's code did: children keyed by their owner's lower-cased name,
// secrets sealed to their row. A user "ghost", a role and a group were
// deleted and left rows behind, as deletes did not cascade.
func seedVersion5(t *testing.T, db *sql.DB, d *sqlstore.Dialect, sealer *seal.Sealer) {
	t.Helper()
	ctx := context.Background()
	if err := sqlstore.MigrateTo(ctx, db, d, idKeysFrom); err != nil {
		t.Fatalf("migrating to version %d: %v", idKeysFrom, err)
	}
	const ts = "2024-05-06T07:08:09Z"
	seal := func(plain, aad []byte) []byte { return sealer.Seal(plain, aad) }
	rows := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO accounts (id, alias, created_at) VALUES (?, 'main', ?), (?, '', ?)`, []any{upAcct, ts, upAcct2, ts}},
		{`INSERT INTO users (account_id, name_key, name, id, path, permissions_boundary, tags, created_at, password_last_used) VALUES
			(?, 'ann', 'Ann', 'AIDAANN', '/eng/', ?, '[{"k":"team","v":"a"}]', ?, ?),
			(?, 'bob', 'Bob', 'AIDABOB', '/', '', '[]', ?, ''),
			(?, 'ann', 'ann', 'AIDAANN2', '/', '', '[]', ?, '')`,
			[]any{upAcct, arnOne, ts, ts, upAcct, ts, upAcct2, ts}},
		{`INSERT INTO roles (account_id, name_key, name, id, path, description, trust_policy, max_session_duration,
			permissions_boundary, tags, created_at, last_used_at, last_used_region) VALUES
			(?, 'web-role', 'Web-Role', 'AROAWEB', '/', 'web', '{"Version":"2012-10-17"}', 7200, '', '[]', ?, ?, 'eu-west-1')`,
			[]any{upAcct, ts, ts}},
		{`INSERT INTO groups (account_id, name_key, name, id, path, created_at) VALUES (?, 'devs', 'Devs', 'AGPADEVS', '/', ?)`,
			[]any{upAcct, ts}},
		{`INSERT INTO group_members (account_id, group_key, user_key) VALUES (?, 'devs', 'ann'), (?, 'devs', 'ghost'), (?, 'gone', 'bob')`,
			[]any{upAcct, upAcct, upAcct}},
		{`INSERT INTO instance_profiles (account_id, name_key, name, id, path, tags, created_at) VALUES (?, 'web', 'Web', 'AIPAWEB', '/', '[]', ?)`,
			[]any{upAcct, ts}},
		{`INSERT INTO instance_profile_roles (account_id, profile_key, role_key) VALUES (?, 'web', 'web-role'), (?, 'web', 'gone-role')`,
			[]any{upAcct, upAcct}},
		{`INSERT INTO policies (account_id, name_key, name, id, path, description, default_version_id, tags, created_at, updated_at)
			VALUES (?, 'readonly', 'ReadOnly', 'ANPARO', '/', 'd', 'v1', '[]', ?, ?)`, []any{upAcct, ts, ts}},
		{`INSERT INTO policy_versions (account_id, policy_key, policy_name, version_id, document, created_at)
			VALUES (?, 'readonly', 'ReadOnly', 'v1', '{"v":1}', ?)`, []any{upAcct, ts}},
		{`INSERT INTO inline_policies (account_id, kind, principal_key, principal_name, name_key, name, document) VALUES
			(?, 'user', 'ann', 'Ann', 'inl', 'Inl', '{"u":1}'),
			(?, 'role', 'web-role', 'Web-Role', 'inl', 'Inl', '{"r":1}'),
			(?, 'group', 'devs', 'Devs', 'inl', 'Inl', '{"g":1}'),
			(?, 'user', 'ghost', 'ghost', 'inl', 'Inl', '{"x":1}')`, []any{upAcct, upAcct, upAcct, upAcct}},
		{`INSERT INTO attachments (account_id, kind, principal_key, policy_arn) VALUES
			(?, 'user', 'ann', ?), (?, 'role', 'web-role', ?), (?, 'group', 'devs', ?), (?, 'user', 'ghost', ?)`,
			[]any{upAcct, arnOne, upAcct, arnOne, upAcct, arnTwo, upAcct, arnOne}},
		{`INSERT INTO mfa_devices (serial_number, account_id, path, seed, user_key, user_name, enabled_at, last_used_step, tags, created_at) VALUES
			(?, ?, '/', ?, 'ann', 'Ann', ?, 42, '[]', ?),
			(?, ?, '/', ?, '', '', '', 0, '[]', ?),
			(?, ?, '/', ?, 'ghost', 'ghost', ?, 0, '[]', ?)`,
			[]any{mfaSerial("ann"), upAcct, seal([]byte("seed-ann"), sqlstore.AADMFA(mfaSerial("ann"))), ts, ts,
				mfaSerial("spare"), upAcct, seal([]byte("seed-spare"), sqlstore.AADMFA(mfaSerial("spare"))), ts,
				mfaSerial("ghost"), upAcct, seal([]byte("seed-ghost"), sqlstore.AADMFA(mfaSerial("ghost"))), ts, ts}},
		{`INSERT INTO oidc_providers (arn, account_id, url, client_ids, thumbprints, jwks, tags, created_at)
			VALUES (?, ?, 'https://idp.example.com', '["sts.amazonaws.com"]', '[]', '', '[]', ?)`,
			[]any{"arn:aws:iam::" + upAcct + ":oidc-provider/idp.example.com", upAcct, ts}},
		{`INSERT INTO saml_providers (arn, account_id, name, metadata, valid_until, tags, created_at)
			VALUES (?, ?, 'Okta', '<md/>', '', '[]', ?)`, []any{"arn:aws:iam::" + upAcct + ":saml-provider/Okta", upAcct, ts}},
		{`INSERT INTO token_keys (id, secret, created_at, retired_at) VALUES (7, ?, ?, '')`,
			[]any{seal([]byte("0123456789abcdef0123456789abcdef"), sqlstore.AADTokenKey(7)), ts}},
		{`INSERT INTO outbound_federations (account_id, issuer_id, enabled, rsa_key, ec_key, created_at, updated_at)
			VALUES (?, 'issuer-1', 1, ?, ?, ?, ?)`,
			[]any{upAcct, seal([]byte("rsa-der"), sqlstore.AADOutboundKey(upAcct, "rsa")), seal([]byte("ec-der"), sqlstore.AADOutboundKey(upAcct, "ec")), ts, ts}},
		{`INSERT INTO login_profiles (account_id, user_key, user_name, password_hash, password_reset_required, created_at, password_changed_at)
			VALUES (?, 'ann', 'Ann', '$argon2id$ann', 1, ?, ?), (?, 'ghost', 'ghost', '$argon2id$ghost', 0, ?, ?)`,
			[]any{upAcct, ts, ts, upAcct, ts, ts}},
		{`INSERT INTO password_policies (account_id, minimum_password_length, require_symbols, require_numbers,
			require_uppercase_characters, require_lowercase_characters, allow_users_to_change_password, max_password_age,
			password_reuse_prevention, hard_expiry) VALUES (?, 14, 1, 0, 1, 0, 1, 90, 3, 0)`, []any{upAcct}},
		{`INSERT INTO ssh_public_keys (id, account_id, user_key, user_name, body, fingerprint, status, uploaded_at)
			VALUES ('APKAANN', ?, 'ann', 'Ann', 'ssh-rsa AAAA', 'aa:bb', 'Active', ?), ('APKAGHOST', ?, 'ghost', 'ghost', 'ssh-rsa BBBB', 'cc:dd', 'Active', ?)`,
			[]any{upAcct, ts, upAcct, ts}},
		{`INSERT INTO signing_certificates (id, account_id, user_key, user_name, body, status, uploaded_at) VALUES
			('CERTANN', ?, 'ann', 'Ann', 'pem-ann', 'Active', ?), ('CERTROOT', ?, '', '', 'pem-root', 'Inactive', ?),
			('CERTGHOST', ?, 'ghost', 'ghost', 'pem-ghost', 'Active', ?)`, []any{upAcct, ts, upAcct, ts, upAcct, ts}},
		{`INSERT INTO service_specific_credentials (id, account_id, user_key, user_name, service_name, service_user_name, secret,
			status, created_at, expires_at) VALUES ('ACCAANN', ?, 'ann', 'Ann', 'codecommit.amazonaws.com', 'Ann-at-1', ?, 'Active', ?, '')`,
			[]any{upAcct, seal([]byte("svc-secret"), sqlstore.AADServiceCredential("ACCAANN")), ts}},
		{`INSERT INTO access_keys (id, secret, account_id, user_key, user_name, status, created_at, last_used_at, last_service, last_region) VALUES
			('AKIAANN', ?, ?, 'ann', 'Ann', 'Active', ?, ?, 'sts', 'us-east-1'),
			('AKIAROOT', ?, ?, '', '', 'Active', ?, '', '', ''),
			('AKIAGHOST', ?, ?, 'ghost', 'ghost', 'Active', ?, '', '', ''),
			('AKIAANN2', ?, ?, 'ann', 'ann', 'Inactive', ?, '', '', '')`,
			[]any{seal([]byte("secret-ann"), sqlstore.AADAccessKey("AKIAANN")), upAcct, ts, ts,
				seal([]byte("secret-root"), sqlstore.AADAccessKey("AKIAROOT")), upAcct, ts,
				seal([]byte("secret-ghost"), sqlstore.AADAccessKey("AKIAGHOST")), upAcct, ts,
				seal([]byte("secret-ann2"), sqlstore.AADAccessKey("AKIAANN2")), upAcct2, ts}},
	}
	for _, r := range rows {
		if _, err := db.ExecContext(ctx, d.Rebind(r.q), r.args...); err != nil {
			t.Fatalf("seeding version %d: %v\n%s", idKeysFrom, err, r.q)
		}
	}
}

func mfaSerial(name string) string { return "arn:aws:iam::" + upAcct + ":mfa/" + name }

// checkUpgraded checks s, opened on seedVersion5's database, serves every
// row through the Store interface, secrets included; has dropped the rows
// of deleted owners; and then renames, cascades and keeps credential
// reports as the current schema does.
func checkUpgraded(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	at, _ := time.Parse(time.RFC3339, "2024-05-06T07:08:09Z")
	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	same := func(got, want any, what string) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got  %+v\n want %+v", what, got, want)
		}
	}
	gone := func(err error, what string) {
		t.Helper()
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s: %v, want store.ErrNotFound", what, err)
		}
	}

	u, err := s.GetUser(ctx, upAcct, "ANN")
	must(err, "GetUser")
	same(u, store.User{AccountID: upAcct, Name: "Ann", ID: "AIDAANN", Path: "/eng/", PermissionsBoundary: arnOne,
		Tags: []store.Tag{{Key: "team", Value: "a"}}, CreatedAt: at, PasswordLastUsed: at}, "user")
	users, err := s.ListUsers(ctx, upAcct, "", store.Page{})
	must(err, "ListUsers")
	same(len(users), 2, "users of the account")
	k, err := s.GetAccessKey(ctx, "AKIAANN")
	must(err, "GetAccessKey")
	same(k, store.AccessKey{ID: "AKIAANN", Secret: "secret-ann", AccountID: upAcct, UserName: "Ann", Status: store.AccessKeyActive,
		CreatedAt: at, LastUsedAt: at, LastService: "sts", LastRegion: "us-east-1"}, "user's access key")
	k, err = s.GetAccessKey(ctx, "AKIAROOT")
	must(err, "GetAccessKey root")
	same([]string{k.UserName, k.Secret}, []string{"", "secret-root"}, "root's access key")
	roots, err := s.ListAccessKeys(ctx, upAcct, "")
	must(err, "ListAccessKeys root")
	same(len(roots), 1, "root's access keys")
	k, err = s.GetAccessKey(ctx, "AKIAANN2")
	must(err, "GetAccessKey other account")
	same([]string{k.AccountID, k.UserName, k.Secret}, []string{upAcct2, "ann", "secret-ann2"}, "other account's key")
	_, err = s.GetAccessKey(ctx, "AKIAGHOST")
	gone(err, "access key of a deleted user")

	r, err := s.GetRole(ctx, upAcct, "web-role")
	must(err, "GetRole")
	same([]any{r.Name, r.MaxSessionDuration, r.LastUsedRegion}, []any{"Web-Role", int32(7200), "eu-west-1"}, "role")
	gs, err := s.ListGroupsForUser(ctx, upAcct, "ann")
	must(err, "ListGroupsForUser")
	same(len(gs), 1, "groups of Ann")
	same(gs[0].Name, "Devs", "Ann's group")
	members, err := s.ListGroupMembers(ctx, upAcct, "devs", store.Page{})
	must(err, "ListGroupMembers")
	same(len(members), 1, "members of Devs (the deleted user's membership dropped)")
	bobs, err := s.ListGroupsForUser(ctx, upAcct, "bob")
	must(err, "ListGroupsForUser bob")
	same(len(bobs), 0, "Bob's groups (a deleted group's membership dropped)")
	p, err := s.GetInstanceProfile(ctx, upAcct, "WEB")
	must(err, "GetInstanceProfile")
	same(p.Roles, []string{"Web-Role"}, "roles of the profile")
	ps, err := s.ListInstanceProfilesForRole(ctx, upAcct, "Web-Role", store.Page{})
	must(err, "ListInstanceProfilesForRole")
	same(len(ps), 1, "profiles of the role")

	mp, err := s.GetPolicy(ctx, upAcct, "readonly")
	must(err, "GetPolicy")
	same(mp.DefaultVersionID, "v1", "policy")
	v, err := s.GetPolicyVersion(ctx, upAcct, "ReadOnly", "v1")
	must(err, "GetPolicyVersion")
	same(v.Document, `{"v":1}`, "policy version")
	for kind, doc := range map[store.PrincipalKind]string{store.KindUser: `{"u":1}`, store.KindRole: `{"r":1}`, store.KindGroup: `{"g":1}`} {
		name := map[store.PrincipalKind]string{store.KindUser: "Ann", store.KindRole: "Web-Role", store.KindGroup: "Devs"}[kind]
		ip, err := s.GetInlinePolicy(ctx, upAcct, kind, name, "INL")
		must(err, "GetInlinePolicy "+string(kind))
		same(ip, store.InlinePolicy{AccountID: upAcct, Kind: kind, PrincipalName: name, Name: "Inl", Document: doc}, "inline policy of "+name)
		att, err := s.ListAttachedPolicies(ctx, upAcct, kind, name)
		must(err, "ListAttachedPolicies "+string(kind))
		same(len(att), 1, "attachments of "+name)
	}
	n, err := s.CountPolicyAttachments(ctx, arnOne)
	must(err, "CountPolicyAttachments")
	same(n, 2, "attachments of One (the deleted user's dropped)")

	d, err := s.GetMFADevice(ctx, mfaSerial("ann"))
	must(err, "GetMFADevice")
	same([]any{d.UserName, string(d.Seed), d.LastUsedStep, d.EnabledAt}, []any{"Ann", "seed-ann", int64(42), at}, "Ann's device")
	devs, err := s.ListMFADevices(ctx, upAcct, "")
	must(err, "ListMFADevices")
	same(len(devs), 3, "devices of the account")
	d, err = s.GetMFADevice(ctx, mfaSerial("ghost"))
	must(err, "GetMFADevice ghost")
	same([]string{d.UserName, string(d.Seed)}, []string{"", "seed-ghost"}, "deleted user's device, unassigned")

	_, err = s.GetOIDCProvider(ctx, "arn:aws:iam::"+upAcct+":oidc-provider/idp.example.com")
	must(err, "GetOIDCProvider")
	_, err = s.GetSAMLProvider(ctx, "arn:aws:iam::"+upAcct+":saml-provider/Okta")
	must(err, "GetSAMLProvider")
	tks, err := s.ListTokenKeys(ctx)
	must(err, "ListTokenKeys")
	same([]any{len(tks), string(tks[0].Secret)}, []any{1, "0123456789abcdef0123456789abcdef"}, "token keys")
	f, err := s.GetOutboundFederation(ctx, upAcct)
	must(err, "GetOutboundFederation")
	same([]string{string(f.RSAKey), string(f.ECKey), f.IssuerID}, []string{"rsa-der", "ec-der", "issuer-1"}, "outbound federation")

	lp, err := s.GetLoginProfile(ctx, upAcct, "ann")
	must(err, "GetLoginProfile")
	same(lp, store.LoginProfile{AccountID: upAcct, UserName: "Ann", PasswordHash: "$argon2id$ann", PasswordResetRequired: true,
		CreatedAt: at, PasswordChangedAt: at}, "login profile")
	pp, err := s.GetPasswordPolicy(ctx, upAcct)
	must(err, "GetPasswordPolicy")
	same([]int32{pp.MinimumPasswordLength, pp.MaxPasswordAge, pp.PasswordReusePrevention}, []int32{14, 90, 3}, "password policy")
	sk, err := s.GetSSHPublicKey(ctx, upAcct, "Ann", "APKAANN")
	must(err, "GetSSHPublicKey")
	same([]string{sk.UserName, sk.Fingerprint}, []string{"Ann", "aa:bb"}, "SSH key")
	certs, err := s.ListSigningCertificates(ctx, upAcct, "ann")
	must(err, "ListSigningCertificates")
	same([]string{certs[0].ID, certs[0].UserName}, []string{"CERTANN", "Ann"}, "user's signing certificates")
	certs, err = s.ListSigningCertificates(ctx, upAcct, "")
	must(err, "ListSigningCertificates root")
	same([]any{len(certs), certs[0].ID, certs[0].Status}, []any{1, "CERTROOT", store.AccessKeyInactive}, "root's signing certificates")
	sc, err := s.GetServiceSpecificCredential(ctx, upAcct, "Ann", "ACCAANN")
	must(err, "GetServiceSpecificCredential")
	same([]string{string(sc.Secret), sc.ServiceUserName}, []string{"svc-secret", "Ann-at-1"}, "service-specific credential")

	// The rows the deleted user left are gone: their ids are free. A user
	// created now gets a key of its own, after the copied ones.
	must(s.Update(ctx, func(tx store.Tx) error {
		return errors.Join(
			tx.CreateUser(ctx, store.User{AccountID: upAcct, Name: "Carl", ID: "AIDACARL", Path: "/"}),
			tx.CreateAccessKey(ctx, store.AccessKey{ID: "AKIAGHOST", Secret: "s", AccountID: upAcct, UserName: "Carl", Status: store.AccessKeyActive}),
			tx.CreateSSHPublicKey(ctx, store.SSHPublicKey{ID: "APKAGHOST", AccountID: upAcct, UserName: "Bob", Status: store.AccessKeyActive}),
			tx.CreateSigningCertificate(ctx, store.SigningCertificate{ID: "CERTGHOST", AccountID: upAcct, UserName: "Bob", Status: store.AccessKeyActive}),
		)
	}), "reusing the deleted user's ids")
	k, err = s.GetAccessKey(ctx, "AKIAGHOST")
	must(err, "GetAccessKey of the new user")
	same(k.UserName, "Carl", "owner of the reused key id")

	// A rename is one update, and everything follows.
	must(s.Update(ctx, func(tx store.Tx) error {
		u.Name = "Anna"
		return tx.UpdateUser(ctx, "ann", u)
	}), "renaming an upgraded user")
	k, err = s.GetAccessKey(ctx, "AKIAANN")
	must(err, "GetAccessKey after rename")
	same([]string{k.UserName, k.Secret}, []string{"Anna", "secret-ann"}, "access key after rename")
	lp, err = s.GetLoginProfile(ctx, upAcct, "anna")
	must(err, "GetLoginProfile after rename")
	same(lp.UserName, "Anna", "login profile after rename")
	d, err = s.GetMFADevice(ctx, mfaSerial("ann"))
	must(err, "GetMFADevice after rename")
	same(d.UserName, "Anna", "device after rename")
	members, err = s.ListGroupMembers(ctx, upAcct, "Devs", store.Page{})
	must(err, "ListGroupMembers after rename")
	same(members[0].Name, "Anna", "member after rename")
	ip, err := s.GetInlinePolicy(ctx, upAcct, store.KindUser, "Anna", "inl")
	must(err, "GetInlinePolicy after rename")
	same(ip.PrincipalName, "Anna", "inline policy after rename")
	sc, err = s.GetServiceSpecificCredential(ctx, upAcct, "anna", "ACCAANN")
	must(err, "GetServiceSpecificCredential after rename")
	same(string(sc.Secret), "svc-secret", "service-specific credential after rename")

	// Deletes cascade.
	must(s.Update(ctx, func(tx store.Tx) error { return tx.DeleteUser(ctx, upAcct2, "ann") }), "DeleteUser")
	_, err = s.GetAccessKey(ctx, "AKIAANN2")
	gone(err, "access key of a user deleted after the upgrade")
	must(s.Update(ctx, func(tx store.Tx) error { return tx.DeleteRole(ctx, upAcct, "web-role") }), "DeleteRole")
	p, err = s.GetInstanceProfile(ctx, upAcct, "web")
	must(err, "GetInstanceProfile after DeleteRole")
	same(len(p.Roles), 0, "roles of the profile after DeleteRole")

	// And the new table works.
	rep := store.CredentialReport{AccountID: upAcct, Content: []byte("user,arn\n"), GeneratedAt: at}
	must(s.Update(ctx, func(tx store.Tx) error { return tx.PutCredentialReport(ctx, rep) }), "PutCredentialReport")
	got, err := s.GetCredentialReport(ctx, upAcct)
	must(err, "GetCredentialReport")
	same(got, rep, "credential report")
}
