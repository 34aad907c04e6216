package storetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// giveCredentials writes one of every user-owned credential kind for a
// user, with ids derived from tag.
func giveCredentials(tx store.Tx, userName, tag string) []func() error {
	return []func() error{
		func() error { return tx.PutLoginProfile(bg, loginProfile(userName)) },
		func() error { return tx.CreateSSHPublicKey(bg, sshKey("APKA"+tag+"1", userName)) },
		func() error { return tx.CreateSSHPublicKey(bg, sshKey("APKA"+tag+"2", userName)) },
		func() error { return tx.CreateSigningCertificate(bg, signingCert("CERT"+tag, userName)) },
		func() error { return tx.CreateServiceSpecificCredential(bg, serviceCred("ACCA"+tag, userName)) },
	}
}

// credentials is what a user holds, as read through the store.
type credentials struct {
	login []store.LoginProfile // none or one
	ssh   []store.SSHPublicKey
	certs []store.SigningCertificate
	creds []store.ServiceSpecificCredential
}

func credentialsOf(t *testing.T, s store.Reader, userName string) credentials {
	t.Helper()
	var c credentials
	p, err := s.GetLoginProfile(bg, acct, userName)
	switch {
	case err == nil:
		c.login = []store.LoginProfile{p}
	case !errors.Is(err, store.ErrNotFound):
		t.Fatalf("GetLoginProfile %s: %v", userName, err)
	}
	c.ssh, err = s.ListSSHPublicKeys(bg, acct, userName)
	noErr(t, err, "ListSSHPublicKeys "+userName)
	c.certs, err = s.ListSigningCertificates(bg, acct, userName)
	noErr(t, err, "ListSigningCertificates "+userName)
	c.creds, err = s.ListServiceSpecificCredentials(bg, acct, userName)
	noErr(t, err, "ListServiceSpecificCredentials "+userName)
	return c
}

// wantCredentials is what giveCredentials(userName, tag) wrote, owned by
// owner (the spelling after a rename). The service user name is the
// service's, set at creation: a rename leaves it.
func wantCredentials(userName, owner, tag string) credentials {
	p := loginProfile(owner)
	s1, s2 := sshKey("APKA"+tag+"1", owner), sshKey("APKA"+tag+"2", owner)
	c := signingCert("CERT"+tag, owner)
	sc := serviceCred("ACCA"+tag, userName)
	sc.UserName = owner
	return credentials{login: []store.LoginProfile{p}, ssh: []store.SSHPublicKey{s1, s2}, certs: []store.SigningCertificate{c},
		creds: []store.ServiceSpecificCredential{sc}}
}

// checkNone fails unless the user name holds no credential of any kind.
func checkNone(t *testing.T, s store.Reader, userName, what string) {
	t.Helper()
	c := credentialsOf(t, s, userName)
	if len(c.login)+len(c.ssh)+len(c.certs)+len(c.creds) != 0 {
		t.Fatalf("%s: %s holds %+v", what, userName, c)
	}
}

// testUserRenameCredentials checks a rename carries the login profile and
// every credential, rewriting the owner's spelling, and touches no one
// else's (the account root's certificates included).
func testUserRenameCredentials(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	mustTx(t, s, func(tx store.Tx) []func() error {
		w := []func() error{
			func() error { return tx.CreateUser(bg, user("Alice")) },
			func() error { return tx.CreateUser(bg, user("Bob")) },
			func() error { return tx.CreateSigningCertificate(bg, signingCert("CERTROOT", "")) },
		}
		w = append(w, giveCredentials(tx, "Alice", "ALICE")...)
		return append(w, giveCredentials(tx, "Bob", "BOB")...)
	})
	// Reads first, so a cache holds entries the rename must replace.
	equal(t, credentialsOf(t, s, "Alice"), wantCredentials("Alice", "Alice", "ALICE"), "Alice's credentials")
	checkNone(t, s, "Alicia", "before the rename")

	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "alice", user("Alicia")) })
	equal(t, credentialsOf(t, s, "ALICIA"), wantCredentials("Alice", "Alicia", "ALICE"), "credentials after the rename")
	checkNone(t, s, "Alice", "the old name after the rename")
	got, err := s.GetSSHPublicKey(bg, acct, "alicia", "APKAALICE1")
	noErr(t, err, "GetSSHPublicKey under the new name")
	equal(t, got, sshKey("APKAALICE1", "Alicia"), "key under the new name")
	_, err = s.GetServiceSpecificCredential(bg, acct, "Alice", "ACCAALICE")
	isErr(t, err, store.ErrNotFound, "GetServiceSpecificCredential under the old name")
	// Writes under the new name reach the moved rows.
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.DeleteSSHPublicKey(bg, acct, "Alicia", "APKAALICE2") },
			func() error { return tx.DeleteLoginProfile(bg, acct, "alicia") },
		}
	})
	c := credentialsOf(t, s, "Alicia")
	if len(c.login) != 0 || len(c.ssh) != 1 {
		t.Fatalf("credentials after writes under the new name: %+v", c)
	}

	// A change of case alone rewrites the spelling the rows carry.
	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "Alicia", user("ALICIA")) })
	cs, err := s.ListSigningCertificates(bg, acct, "alicia")
	noErr(t, err, "ListSigningCertificates after a case change")
	equal(t, cs, []store.SigningCertificate{signingCert("CERTALICE", "ALICIA")}, "certificates after a case change")
	creds, err := s.ListServiceSpecificCredentials(bg, acct, "Alicia")
	noErr(t, err, "ListServiceSpecificCredentials after a case change")
	moved := serviceCred("ACCAALICE", "Alice")
	moved.UserName = "ALICIA"
	equal(t, creds, []store.ServiceSpecificCredential{moved}, "credentials after a case change")

	equal(t, credentialsOf(t, s, "Bob"), wantCredentials("Bob", "Bob", "BOB"), "Bob's credentials after Alice's renames")
	equal(t, certsOf(t, s, acct, ""), []string{"CERTROOT"}, "root certificates after the renames")
}

// testUserCredentialLeftovers checks that credentials a caller left when
// deleting a user go with it, and never pass to a user created or renamed
// to the same name later.
func testUserCredentialLeftovers(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	mustTx(t, s, func(tx store.Tx) []func() error {
		w := []func() error{
			func() error { return tx.CreateUser(bg, user("Gone")) },
			func() error { return tx.CreateUser(bg, user("Zed")) },
			func() error { return tx.CreateUser(bg, user("Bob")) },
			func() error { return tx.CreateSigningCertificate(bg, signingCert("CERTROOT", "")) },
		}
		w = append(w, giveCredentials(tx, "Gone", "GONE")...)
		w = append(w, giveCredentials(tx, "Zed", "ZED")...)
		return append(w, giveCredentials(tx, "Bob", "BOB")...)
	})
	equal(t, credentialsOf(t, s, "Gone"), wantCredentials("Gone", "Gone", "GONE"), "Gone's credentials")
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.DeleteUser(bg, acct, "gone") },
			func() error { return tx.DeleteUser(bg, acct, "zed") },
		}
	})

	// Re-created under another spelling, the user starts with nothing.
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(bg, user("GONE")) })
	checkNone(t, s, "Gone", "a re-created user")
	_, err := s.GetSSHPublicKey(bg, acct, "Gone", "APKAGONE1")
	isErr(t, err, store.ErrNotFound, "GetSSHPublicKey of a deleted user's key")
	// The rows are gone, not hidden: their ids are free again.
	mustTx(t, s, func(tx store.Tx) []func() error { return giveCredentials(tx, "GONE", "GONE") })
	equal(t, credentialsOf(t, s, "gone"), wantCredentials("GONE", "GONE", "GONE"), "credentials given to the re-created user")

	// Renamed to a deleted user's name, a user keeps its own only.
	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "Bob", user("zed")) })
	equal(t, credentialsOf(t, s, "Zed"), wantCredentials("Bob", "zed", "BOB"), "credentials after renaming onto a deleted user's name")
	for _, id := range []string{"APKAZED1", "APKAZED2"} {
		_, err := s.GetSSHPublicKey(bg, acct, "Zed", id)
		isErr(t, err, store.ErrNotFound, "GetSSHPublicKey of the deleted user's key "+id)
	}

	// Deleted and re-created inside one Update, the same holds.
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.DeleteUser(bg, acct, "Gone") },
			func() error { return tx.CreateUser(bg, user("Gone")) },
		}
	})
	checkNone(t, s, "Gone", "a user re-created in one Update")
	equal(t, certsOf(t, s, acct, ""), []string{"CERTROOT"}, "root certificates after the user deletes")
}

func testUserCredentialRollback(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	policy := store.PasswordPolicy{AccountID: acct, MinimumPasswordLength: 12, RequireSymbols: true}
	mustTx(t, s, func(tx store.Tx) []func() error {
		w := []func() error{
			func() error { return tx.CreateUser(bg, user("Keep")) },
			func() error { return tx.PutPasswordPolicy(bg, policy) },
			func() error { return tx.CreateSigningCertificate(bg, signingCert("CERTROOT", "")) },
		}
		return append(w, giveCredentials(tx, "Keep", "KEEP")...)
	})
	before := wantCredentials("Keep", "Keep", "KEEP")
	equal(t, credentialsOf(t, s, "Keep"), before, "credentials before the failed Update")

	err := s.Update(bg, func(tx store.Tx) error {
		reset := serviceCred("ACCAKEEP", "Keep")
		reset.Secret, reset.Status = []byte("never"), store.AccessKeyInactive
		inactive := sshKey("APKAKEEP1", "Keep")
		inactive.Status = store.AccessKeyInactive
		changed := loginProfile("Keep")
		changed.PasswordHash = hashTwo
		for _, e := range []error{
			tx.PutLoginProfile(bg, changed),
			tx.UpdateServiceSpecificCredential(bg, reset),
			tx.UpdateSSHPublicKey(bg, inactive),
			tx.DeleteSSHPublicKey(bg, acct, "Keep", "APKAKEEP2"),
			tx.DeleteSigningCertificate(bg, acct, "", "CERTROOT"),
			tx.CreateSigningCertificate(bg, signingCert("CERTNEW", "Keep")),
			tx.CreateServiceSpecificCredential(bg, serviceCred("ACCANEW", "Keep")),
			tx.DeletePasswordPolicy(bg, acct),
			tx.UpdateUser(bg, "Keep", user("Renamed")),
		} {
			if e != nil {
				return e
			}
		}
		// Reads inside the transaction see its own writes.
		got := credentialsOf(t, tx, "Renamed")
		if len(got.login) != 1 || got.login[0].PasswordHash != hashTwo || len(got.ssh) != 1 || len(got.certs) != 2 ||
			len(got.creds) != 2 || !bytes.Equal(got.creds[0].Secret, []byte("never")) {
			t.Errorf("credentials inside the transaction = %+v", got)
		}
		return errBoom
	})
	isErr(t, err, errBoom, "Update returns fn's error")
	equal(t, credentialsOf(t, s, "Keep"), before, "credentials after the failed Update")
	checkNone(t, s, "Renamed", "the new name after the failed Update")
	equal(t, certsOf(t, s, acct, ""), []string{"CERTROOT"}, "root certificates after the failed Update")
	got, err := s.GetPasswordPolicy(bg, acct)
	noErr(t, err, "GetPasswordPolicy after the failed Update")
	equal(t, got, policy, "password policy after the failed Update")
}

// testUserCredentialResultsAreCopies checks neither the caller's Secret
// given to a write nor one returned by a read aliases what the store
// keeps.
func testUserCredentialResultsAreCopies(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Copy")
	c := serviceCred("ACCACOPY", "Copy")
	update(t, s, func(tx store.Tx) error { return tx.CreateServiceSpecificCredential(bg, c) })
	c.Secret[0] = 'X'
	want := serviceCred("ACCACOPY", "Copy")
	for i := 0; i < 2; i++ { // twice: a cache would serve the second read
		got, err := s.GetServiceSpecificCredential(bg, acct, "Copy", c.ID)
		noErr(t, err, "GetServiceSpecificCredential")
		equal(t, got, want, "credential")
		got.Secret[0] = 'X'
		cs, err := s.ListServiceSpecificCredentials(bg, acct, "Copy")
		noErr(t, err, "ListServiceSpecificCredentials")
		equal(t, cs, []store.ServiceSpecificCredential{want}, "listed credentials")
		cs[0].Secret[0] = 'X'
	}
	reset := want
	reset.Secret = []byte("reset-secret")
	update(t, s, func(tx store.Tx) error { return tx.UpdateServiceSpecificCredential(bg, reset) })
	reset.Secret[0] = 'X'
	got, err := s.GetServiceSpecificCredential(bg, acct, "Copy", c.ID)
	noErr(t, err, "GetServiceSpecificCredential after a reset")
	equal(t, got.Secret, []byte("reset-secret"), "secret after a reset")
}
