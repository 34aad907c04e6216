package storetest

import (
	"testing"

	"github.com/stsd/stsd/internal/store"
)

func sshKey(id, userName string) store.SSHPublicKey {
	return store.SSHPublicKey{
		AccountID: acct, UserName: userName, ID: id, Body: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + id + " me@example.com",
		Fingerprint: "c4:b2:0f:" + id, Status: store.AccessKeyActive, UploadedAt: at(21),
	}
}

func signingCert(id, userName string) store.SigningCertificate {
	return store.SigningCertificate{
		AccountID: acct, UserName: userName, ID: id,
		Body:   "-----BEGIN CERTIFICATE-----\nMIIC" + id + "\n-----END CERTIFICATE-----\n",
		Status: store.AccessKeyActive, UploadedAt: at(22),
	}
}

// serviceCred's secret has a NUL and bytes above 0x7f, so a backend that
// stores it as text fails.
func serviceCred(id, userName string) store.ServiceSpecificCredential {
	return store.ServiceSpecificCredential{
		AccountID: acct, UserName: userName, ID: id, ServiceName: "codecommit.amazonaws.com",
		ServiceUserName: userName + "-at-" + acct, Secret: []byte("pw\x00\xff" + id),
		Status: store.AccessKeyActive, CreatedAt: at(23),
	}
}

func sshIDs(ks []store.SSHPublicKey) []string {
	return names(ks, func(k store.SSHPublicKey) string { return k.ID })
}

func certIDs(cs []store.SigningCertificate) []string {
	return names(cs, func(c store.SigningCertificate) string { return c.ID })
}

func credIDs(cs []store.ServiceSpecificCredential) []string {
	return names(cs, func(c store.ServiceSpecificCredential) string { return c.ID })
}

// sshKeysOf, certsOf and credsOf list ids, failing the test on error.
func sshKeysOf(t *testing.T, s store.Reader, accountID, userName string) []string {
	t.Helper()
	ks, err := s.ListSSHPublicKeys(bg, accountID, userName)
	noErr(t, err, "ListSSHPublicKeys "+userName)
	return sshIDs(ks)
}

func certsOf(t *testing.T, s store.Reader, accountID, userName string) []string {
	t.Helper()
	cs, err := s.ListSigningCertificates(bg, accountID, userName)
	noErr(t, err, "ListSigningCertificates "+userName)
	return certIDs(cs)
}

func credsOf(t *testing.T, s store.Reader, accountID, userName string) []string {
	t.Helper()
	cs, err := s.ListServiceSpecificCredentials(bg, accountID, userName)
	noErr(t, err, "ListServiceSpecificCredentials "+userName)
	return credIDs(cs)
}

func testSSHPublicKeys(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Alice", "Bob")
	seedUsers(t, s, acct2, "Alice")
	// Reads before the writes, so a cache has misses to forget.
	equal(t, sshKeysOf(t, s, acct, "Alice"), []string{}, "keys before any upload")
	_, err := s.GetSSHPublicKey(bg, acct, "Alice", "APKAEXAMPLE00000000B")
	isErr(t, err, store.ErrNotFound, "GetSSHPublicKey before upload")

	b, a, c := sshKey("APKAEXAMPLE00000000B", "Alice"), sshKey("APKAEXAMPLE00000000A", "Alice"), sshKey("APKAEXAMPLE00000000C", "Alice")
	bob := sshKey("APKAEXAMPLE0000000BB", "Bob")
	other := sshKey("APKAEXAMPLE000000OTH", "Alice")
	other.AccountID = acct2
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateSSHPublicKey(bg, b) },
			func() error { return tx.CreateSSHPublicKey(bg, c) },
			func() error { return tx.CreateSSHPublicKey(bg, a) },
			func() error { return tx.CreateSSHPublicKey(bg, bob) },
			func() error { return tx.CreateSSHPublicKey(bg, other) },
		}
	})
	ks, err := s.ListSSHPublicKeys(bg, acct, "ALICE")
	noErr(t, err, "ListSSHPublicKeys")
	equal(t, ks, []store.SSHPublicKey{a, b, c}, "a user's keys, ordered by id")
	equal(t, sshKeysOf(t, s, acct, "bob"), []string{bob.ID}, "another user's keys")
	equal(t, sshKeysOf(t, s, acct2, "Alice"), []string{other.ID}, "the same name's keys in another account")
	equal(t, sshKeysOf(t, s, acct, "Nobody"), []string{}, "keys of a user with none")
	got, err := s.GetSSHPublicKey(bg, acct, "alice", b.ID)
	noErr(t, err, "GetSSHPublicKey")
	equal(t, got, b, "key by id")
	for _, miss := range []struct{ acc, user, id string }{
		{acct, "Alice", bob.ID},               // another user's
		{acct, "Alice", other.ID},             // another account's
		{acct2, "Alice", b.ID},                // the right user name in the wrong account
		{acct, "Alice", "APKAEXAMPLE0NOSUCH"}, // nobody's
	} {
		_, err := s.GetSSHPublicKey(bg, miss.acc, miss.user, miss.id)
		isErr(t, err, store.ErrNotFound, "GetSSHPublicKey "+miss.user+" "+miss.id)
	}

	// Ids are unique everywhere, whoever holds them.
	taken := sshKey(other.ID, "Carol")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateSSHPublicKey(bg, taken) })
	orphan := sshKey("APKAEXAMPLE00ORPHAN", "Alice")
	orphan.AccountID = "999999999999"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.CreateSSHPublicKey(bg, orphan) })

	// An update writes the status and nothing else.
	changed := b
	changed.UserName, changed.Status = "ALICE", store.AccessKeyInactive
	changed.Body, changed.Fingerprint, changed.UploadedAt = "changed", "changed", at(30)
	update(t, s, func(tx store.Tx) error { return tx.UpdateSSHPublicKey(bg, changed) })
	b.Status = store.AccessKeyInactive
	got, err = s.GetSSHPublicKey(bg, acct, "Alice", b.ID)
	noErr(t, err, "GetSSHPublicKey after update")
	equal(t, got, b, "key after a status update")
	wrongUser := bob
	wrongUser.UserName = "Alice"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateSSHPublicKey(bg, wrongUser) })
	wrongAccount := a
	wrongAccount.AccountID = acct2
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateSSHPublicKey(bg, wrongAccount) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateSSHPublicKey(bg, sshKey("APKAEXAMPLE0NOSUCH", "Alice")) })
	if got, _ := s.GetSSHPublicKey(bg, acct, "Bob", bob.ID); got.Status != store.AccessKeyActive {
		t.Fatalf("an update under the wrong user changed the key: %+v", got)
	}

	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteSSHPublicKey(bg, acct, "Alice", bob.ID) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteSSHPublicKey(bg, acct2, "Alice", a.ID) })
	update(t, s, func(tx store.Tx) error { return tx.DeleteSSHPublicKey(bg, acct, "aLiCe", b.ID) })
	_, err = s.GetSSHPublicKey(bg, acct, "Alice", b.ID)
	isErr(t, err, store.ErrNotFound, "GetSSHPublicKey deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteSSHPublicKey(bg, acct, "Alice", b.ID) })
	equal(t, sshKeysOf(t, s, acct, "Alice"), []string{a.ID, c.ID}, "keys after a delete")
	equal(t, sshKeysOf(t, s, acct, "Bob"), []string{bob.ID}, "another user's keys after a delete")
	// A deleted key's id is free again.
	update(t, s, func(tx store.Tx) error { return tx.CreateSSHPublicKey(bg, sshKey(b.ID, "Bob")) })
	equal(t, sshKeysOf(t, s, acct, "Bob"), []string{b.ID, bob.ID}, "keys after reusing a deleted id")
}

// testSigningCertificates also covers the account root's certificates,
// those with UserName "": they are listed apart from every user's.
func testSigningCertificates(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Alice", "Bob")
	equal(t, certsOf(t, s, acct, ""), []string{}, "root certificates before any upload")
	equal(t, certsOf(t, s, acct, "Alice"), []string{}, "certificates before any upload")

	b, a := signingCert("CERTB2222222222222222222222222222", "Alice"), signingCert("CERTA1111111111111111111111111111", "Alice")
	root1, root2 := signingCert("CERTROOT2222222222222222222222222", ""), signingCert("CERTROOT1111111111111111111111111", "")
	bob := signingCert("CERTBOB00000000000000000000000000", "Bob")
	otherRoot := signingCert("CERTOTHERROOT0000000000000000000", "")
	otherRoot.AccountID = acct2
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateSigningCertificate(bg, b) },
			func() error { return tx.CreateSigningCertificate(bg, root1) },
			func() error { return tx.CreateSigningCertificate(bg, a) },
			func() error { return tx.CreateSigningCertificate(bg, root2) },
			func() error { return tx.CreateSigningCertificate(bg, bob) },
			func() error { return tx.CreateSigningCertificate(bg, otherRoot) },
		}
	})
	cs, err := s.ListSigningCertificates(bg, acct, "alice")
	noErr(t, err, "ListSigningCertificates")
	equal(t, cs, []store.SigningCertificate{a, b}, "a user's certificates, ordered by id")
	cs, err = s.ListSigningCertificates(bg, acct, "")
	noErr(t, err, "ListSigningCertificates of the root")
	equal(t, cs, []store.SigningCertificate{root2, root1}, "the root's certificates, ordered by id")
	equal(t, certsOf(t, s, acct2, ""), []string{otherRoot.ID}, "another account's root certificates")
	equal(t, certsOf(t, s, acct2, "Alice"), []string{}, "the same user name in another account")

	taken := signingCert(bob.ID, "")
	taken.AccountID = acct2
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateSigningCertificate(bg, taken) })
	orphan := signingCert("CERTORPHAN", "")
	orphan.AccountID = "999999999999"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.CreateSigningCertificate(bg, orphan) })

	// Status updates, for the root and a user; nothing else changes.
	for _, c := range []store.SigningCertificate{root1, a} {
		changed := c
		changed.Status, changed.Body, changed.UploadedAt = store.AccessKeyInactive, "changed", at(31)
		update(t, s, func(tx store.Tx) error { return tx.UpdateSigningCertificate(bg, changed) })
	}
	root1.Status, a.Status = store.AccessKeyInactive, store.AccessKeyInactive
	cs, _ = s.ListSigningCertificates(bg, acct, "")
	equal(t, cs, []store.SigningCertificate{root2, root1}, "root certificates after a status update")
	cs, _ = s.ListSigningCertificates(bg, acct, "Alice")
	equal(t, cs, []store.SigningCertificate{a, b}, "user certificates after a status update")
	// The root's certificate is not a user's, nor the other way round.
	asUser := root2
	asUser.UserName = "Alice"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateSigningCertificate(bg, asUser) })
	asRoot := b
	asRoot.UserName = ""
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateSigningCertificate(bg, asRoot) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteSigningCertificate(bg, acct, "Alice", root2.ID) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteSigningCertificate(bg, acct, "", b.ID) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteSigningCertificate(bg, acct2, "", root2.ID) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateSigningCertificate(bg, signingCert("CERTNOSUCH", "Alice")) })

	update(t, s, func(tx store.Tx) error { return tx.DeleteSigningCertificate(bg, acct, "", root2.ID) })
	update(t, s, func(tx store.Tx) error { return tx.DeleteSigningCertificate(bg, acct, "ALICE", b.ID) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteSigningCertificate(bg, acct, "", root2.ID) })
	equal(t, certsOf(t, s, acct, ""), []string{root1.ID}, "root certificates after a delete")
	equal(t, certsOf(t, s, acct, "Alice"), []string{a.ID}, "user certificates after a delete")
	equal(t, certsOf(t, s, acct, "Bob"), []string{bob.ID}, "another user's certificates after the deletes")
	equal(t, certsOf(t, s, acct2, ""), []string{otherRoot.ID}, "another account's root certificates after the deletes")
}

func testServiceSpecificCredentials(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Alice", "Bob")
	seedUsers(t, s, acct2, "Alice")
	equal(t, credsOf(t, s, acct, "Alice"), []string{}, "credentials before any create")
	_, err := s.GetServiceSpecificCredential(bg, acct, "Alice", "ACCAEXAMPLE00000000B")
	isErr(t, err, store.ErrNotFound, "GetServiceSpecificCredential before create")

	b, a := serviceCred("ACCAEXAMPLE00000000B", "Alice"), serviceCred("ACCAEXAMPLE00000000A", "Alice")
	// An API key: another service, and an expiry.
	a.ServiceName, a.ServiceUserName, a.ExpiresAt = "bedrock.amazonaws.com", "BedrockAPIKey-abcd", at(40)
	bob := serviceCred("ACCAEXAMPLE0000000BB", "Bob")
	other := serviceCred("ACCAEXAMPLE000000OTH", "Alice")
	other.AccountID = acct2
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateServiceSpecificCredential(bg, b) },
			func() error { return tx.CreateServiceSpecificCredential(bg, a) },
			func() error { return tx.CreateServiceSpecificCredential(bg, bob) },
			func() error { return tx.CreateServiceSpecificCredential(bg, other) },
		}
	})
	cs, err := s.ListServiceSpecificCredentials(bg, acct, "ALICE")
	noErr(t, err, "ListServiceSpecificCredentials")
	equal(t, cs, []store.ServiceSpecificCredential{a, b}, "a user's credentials, ordered by id")
	equal(t, credsOf(t, s, acct2, "alice"), []string{other.ID}, "the same name's credentials in another account")
	got, err := s.GetServiceSpecificCredential(bg, acct, "alice", a.ID)
	noErr(t, err, "GetServiceSpecificCredential")
	equal(t, got, a, "credential by id")
	for _, miss := range []struct{ acc, user, id string }{
		{acct, "Alice", bob.ID},
		{acct, "Alice", other.ID},
		{acct2, "Alice", a.ID},
		{acct, "Alice", "ACCAEXAMPLE0NOSUCH"},
	} {
		_, err := s.GetServiceSpecificCredential(bg, miss.acc, miss.user, miss.id)
		isErr(t, err, store.ErrNotFound, "GetServiceSpecificCredential "+miss.user+" "+miss.id)
	}

	taken := serviceCred(bob.ID, "Carol")
	taken.AccountID = acct2
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateServiceSpecificCredential(bg, taken) })
	orphan := serviceCred("ACCAEXAMPLE00ORPHAN", "Alice")
	orphan.AccountID = "999999999999"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.CreateServiceSpecificCredential(bg, orphan) })

	// A reset writes a new secret, a status change the status; the names,
	// service and times stay as created.
	changed := b
	changed.Status, changed.Secret = store.AccessKeyInactive, []byte("new\x00secret\xfe")
	changed.ServiceName, changed.ServiceUserName, changed.CreatedAt, changed.ExpiresAt = "changed", "changed", at(50), at(51)
	update(t, s, func(tx store.Tx) error { return tx.UpdateServiceSpecificCredential(bg, changed) })
	b.Status, b.Secret = store.AccessKeyInactive, []byte("new\x00secret\xfe")
	got, err = s.GetServiceSpecificCredential(bg, acct, "Alice", b.ID)
	noErr(t, err, "GetServiceSpecificCredential after update")
	equal(t, got, b, "credential after a reset and status update")
	cs, _ = s.ListServiceSpecificCredentials(bg, acct, "Alice")
	equal(t, cs, []store.ServiceSpecificCredential{a, b}, "listed credentials after an update")
	wrongUser := bob
	wrongUser.UserName, wrongUser.Secret = "Alice", []byte("stolen")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateServiceSpecificCredential(bg, wrongUser) })
	got, _ = s.GetServiceSpecificCredential(bg, acct, "Bob", bob.ID)
	equal(t, got, bob, "a credential after an update under the wrong user")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error {
		return tx.UpdateServiceSpecificCredential(bg, serviceCred("ACCAEXAMPLE0NOSUCH", "Alice"))
	})

	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteServiceSpecificCredential(bg, acct, "Alice", bob.ID) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteServiceSpecificCredential(bg, acct2, "Alice", a.ID) })
	update(t, s, func(tx store.Tx) error { return tx.DeleteServiceSpecificCredential(bg, acct, "alice", b.ID) })
	_, err = s.GetServiceSpecificCredential(bg, acct, "Alice", b.ID)
	isErr(t, err, store.ErrNotFound, "GetServiceSpecificCredential deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteServiceSpecificCredential(bg, acct, "Alice", b.ID) })
	equal(t, credsOf(t, s, acct, "Alice"), []string{a.ID}, "credentials after a delete")
	equal(t, credsOf(t, s, acct, "Bob"), []string{bob.ID}, "another user's credentials after a delete")
}
