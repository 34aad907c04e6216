package storetest

import (
	"context"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

var bg = context.Background()

func testAccounts(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	a, err := s.GetAccount(bg, acct)
	noErr(t, err, "GetAccount")
	equal(t, a, store.Account{ID: acct, Alias: "main", CreatedAt: at(0)}, "account")
	_, err = s.GetAccount(bg, "999999999999")
	isErr(t, err, store.ErrNotFound, "GetAccount missing")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error {
		return tx.CreateAccount(bg, store.Account{ID: acct})
	})
	update(t, s, func(tx store.Tx) error {
		return tx.UpdateAccount(bg, store.Account{ID: acct2, Alias: "second", CreatedAt: at(0)})
	})
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateAccount(bg, store.Account{ID: "999999999999"}) })
	all, err := s.ListAccounts(bg)
	noErr(t, err, "ListAccounts")
	equal(t, all, []store.Account{{ID: acct, Alias: "main", CreatedAt: at(0)}, {ID: acct2, Alias: "second", CreatedAt: at(0)}}, "accounts")
}

func testAccessKeys(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Alice")
	root := accessKey("AKIAROOTEXAMPLE00001", "")
	k1 := accessKey("AKIAUSEREXAMPLE00002", "Alice")
	k2 := accessKey("AKIAUSEREXAMPLE00001", "Alice")
	update(t, s, func(tx store.Tx) error {
		for _, k := range []store.AccessKey{root, k1, k2} {
			if err := tx.CreateAccessKey(bg, k); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.GetAccessKey(bg, k1.ID)
	noErr(t, err, "GetAccessKey")
	equal(t, got, k1, "access key")
	_, err = s.GetAccessKey(bg, "AKIANOSUCHKEY0000000")
	isErr(t, err, store.ErrNotFound, "GetAccessKey missing")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateAccessKey(bg, k1) })

	keys, err := s.ListAccessKeys(bg, acct, "ALICE")
	noErr(t, err, "ListAccessKeys")
	equal(t, keys, []store.AccessKey{k2, k1}, "user keys ordered by id")
	keys, err = s.ListAccessKeys(bg, acct, "")
	noErr(t, err, "ListAccessKeys root")
	equal(t, keys, []store.AccessKey{root}, "root keys")
	keys, err = s.ListAccessKeys(bg, acct2, "Alice")
	noErr(t, err, "ListAccessKeys other account")
	equal(t, len(keys), 0, "keys of another account")

	changed := k1
	changed.Status = store.AccessKeyInactive
	changed.LastUsedAt, changed.LastService, changed.LastRegion = at(9), "sts", "eu-west-1"
	attempt := changed
	attempt.Secret = "this must not replace the secret........"
	update(t, s, func(tx store.Tx) error { return tx.UpdateAccessKey(bg, attempt) })
	got, err = s.GetAccessKey(bg, k1.ID)
	noErr(t, err, "GetAccessKey after update")
	equal(t, got, changed, "updated key (secret unchanged)")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateAccessKey(bg, accessKey("AKIANOSUCHKEY0000000", "")) })

	update(t, s, func(tx store.Tx) error { return tx.DeleteAccessKey(bg, k1.ID) })
	_, err = s.GetAccessKey(bg, k1.ID)
	isErr(t, err, store.ErrNotFound, "GetAccessKey deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteAccessKey(bg, k1.ID) })
}

func testUsers(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	u := user("Alice")
	u.PermissionsBoundary = "arn:aws:iam::" + acct + ":policy/boundary"
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(bg, u) })
	for _, name := range []string{"Alice", "alice", "ALICE"} {
		got, err := s.GetUser(bg, acct, name)
		noErr(t, err, "GetUser "+name)
		equal(t, got, u, "user by "+name)
	}
	_, err := s.GetUser(bg, acct2, "Alice")
	isErr(t, err, store.ErrNotFound, "GetUser in another account")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateUser(bg, user("aLiCe")) })
	other := user("alice")
	other.AccountID = acct2
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(bg, other) })

	u.Path = "/eng/"
	u.Tags = []store.Tag{{Key: "z", Value: "1"}}
	u.PasswordLastUsed = at(8)
	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "ALICE", u) })
	got, err := s.GetUser(bg, acct, "alice")
	noErr(t, err, "GetUser after update")
	equal(t, got, u, "updated user")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateUser(bg, "nobody", user("nobody")) })

	update(t, s, func(tx store.Tx) error { return tx.DeleteUser(bg, acct, "aLICE") })
	_, err = s.GetUser(bg, acct, "Alice")
	isErr(t, err, store.ErrNotFound, "GetUser deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteUser(bg, acct, "Alice") })
	if _, err := s.GetUser(bg, acct2, "alice"); err != nil {
		t.Fatalf("deleting a user removed another account's user: %v", err)
	}
}

func testUserRename(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	arn := "arn:aws:iam::" + acct + ":policy/p"
	key := accessKey("AKIAUSEREXAMPLE00003", "bob")
	dev := mfa("bobs", "bob")
	update(t, s, func(tx store.Tx) error {
		for _, err := range []error{
			tx.CreateUser(bg, user("Bob")),
			tx.CreateUser(bg, user("Carol")),
			tx.CreateAccessKey(bg, key),
			tx.CreateMFADevice(bg, dev),
			tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: store.KindUser, PrincipalName: "Bob", Name: "inl", Document: "{}"}),
			tx.AttachPolicy(bg, acct, store.KindUser, "Bob", arn),
			// A role of the same name must not move with the user.
			tx.CreateRole(bg, role("Bob")),
			tx.AttachPolicy(bg, acct, store.KindRole, "Bob", arn),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.UpdateUser(bg, "bob", user("CAROL")) })

	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "bob", user("Robert")) })
	_, err := s.GetUser(bg, acct, "Bob")
	isErr(t, err, store.ErrNotFound, "old name after rename")
	got, err := s.GetUser(bg, acct, "robert")
	noErr(t, err, "GetUser new name")
	equal(t, got.Name, "Robert", "renamed user")

	keys, err := s.ListAccessKeys(bg, acct, "Robert")
	noErr(t, err, "ListAccessKeys")
	if len(keys) != 1 || keys[0].ID != key.ID || keys[0].UserName != "Robert" {
		t.Fatalf("keys after rename = %+v, want %s owned by Robert", keys, key.ID)
	}
	if keys, _ := s.ListAccessKeys(bg, acct, "Bob"); len(keys) != 0 {
		t.Fatalf("old name still has keys: %+v", keys)
	}
	k, err := s.GetAccessKey(bg, key.ID)
	noErr(t, err, "GetAccessKey")
	equal(t, k.UserName, "Robert", "key owner")
	d, err := s.GetMFADevice(bg, dev.SerialNumber)
	noErr(t, err, "GetMFADevice")
	equal(t, d.UserName, "Robert", "device owner")
	devs, err := s.ListMFADevices(bg, acct, "robert")
	noErr(t, err, "ListMFADevices")
	equal(t, len(devs), 1, "devices of renamed user")
	inl, err := s.ListInlinePolicies(bg, acct, store.KindUser, "ROBERT")
	noErr(t, err, "ListInlinePolicies")
	if len(inl) != 1 || inl[0].PrincipalName != "Robert" {
		t.Fatalf("inline policies after rename = %+v", inl)
	}
	att, err := s.ListAttachedPolicies(bg, acct, store.KindUser, "Robert")
	noErr(t, err, "ListAttachedPolicies")
	equal(t, att, []string{arn}, "attachments after rename")
	att, err = s.ListAttachedPolicies(bg, acct, store.KindRole, "Bob")
	noErr(t, err, "ListAttachedPolicies role")
	equal(t, att, []string{arn}, "role attachments untouched")

	// A change of case only is a rename too: the new spelling is stored.
	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "Robert", user("ROBERT")) })
	got, err = s.GetUser(bg, acct, "robert")
	noErr(t, err, "GetUser after case change")
	equal(t, got.Name, "ROBERT", "case-changed name")
	k, _ = s.GetAccessKey(bg, key.ID)
	equal(t, k.UserName, "ROBERT", "key owner after case change")
}

func testRoles(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	r := role("Deployer")
	r.PermissionsBoundary = "arn:aws:iam::aws:policy/PowerUserAccess"
	update(t, s, func(tx store.Tx) error { return tx.CreateRole(bg, r) })
	got, err := s.GetRole(bg, acct, "deployer")
	noErr(t, err, "GetRole")
	equal(t, got, r, "role")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateRole(bg, role("DEPLOYER")) })
	r.MaxSessionDuration = 43200
	r.Description = "changed"
	r.LastUsedAt, r.LastUsedRegion = at(9), "us-east-1"
	r.Tags = nil
	update(t, s, func(tx store.Tx) error { return tx.UpdateRole(bg, r) })
	got, err = s.GetRole(bg, acct, "Deployer")
	noErr(t, err, "GetRole after update")
	equal(t, got, r, "updated role")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateRole(bg, role("Nobody")) })
	update(t, s, func(tx store.Tx) error { return tx.DeleteRole(bg, acct, "DEPLOYER") })
	_, err = s.GetRole(bg, acct, "Deployer")
	isErr(t, err, store.ErrNotFound, "GetRole deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteRole(bg, acct, "Deployer") })
}
