package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// A hash in the shape the IAM layer stores: the store treats it as text.
const (
	hashOne = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"
	hashTwo = "$argon2id$v=19$m=65536,t=3,p=4$b3RoZXJzYWx0c2FsdA$b3RoZXJoYXNob3RoZXJoYQ"
)

func loginProfile(userName string) store.LoginProfile {
	return store.LoginProfile{
		AccountID: acct, UserName: userName, PasswordHash: hashOne, PasswordResetRequired: true,
		CreatedAt: at(20), PasswordChangedAt: at(20),
	}
}

func testLoginProfiles(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	// Read the absent profile first, so a cache has a miss to forget.
	_, err := s.GetLoginProfile(bg, acct, "Alice")
	isErr(t, err, store.ErrNotFound, "GetLoginProfile before put")
	p := loginProfile("Alice")
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateUser(bg, user("Alice")) },
			func() error { return tx.CreateUser(bg, user("Bob")) },
			func() error { return tx.PutLoginProfile(bg, p) },
			func() error { return tx.PutLoginProfile(bg, loginProfile("Bob")) },
		}
	})
	for _, name := range []string{"Alice", "alice", "ALICE"} {
		got, err := s.GetLoginProfile(bg, acct, name)
		noErr(t, err, "GetLoginProfile "+name)
		equal(t, got, p, "login profile by "+name)
	}
	_, err = s.GetLoginProfile(bg, acct2, "Alice")
	isErr(t, err, store.ErrNotFound, "GetLoginProfile in another account")

	// A second put replaces every field, booleans back to false included.
	changed := p
	changed.PasswordHash, changed.PasswordResetRequired, changed.PasswordChangedAt = hashTwo, false, at(21)
	update(t, s, func(tx store.Tx) error { return tx.PutLoginProfile(bg, changed) })
	got, err := s.GetLoginProfile(bg, acct, "alice")
	noErr(t, err, "GetLoginProfile after replace")
	equal(t, got, changed, "replaced login profile")
	got, err = s.GetLoginProfile(bg, acct, "Bob")
	noErr(t, err, "GetLoginProfile of another user")
	equal(t, got, loginProfile("Bob"), "another user's profile after a replace")

	// The hash is never in an error, where it would reach the logs.
	orphan := loginProfile("Alice")
	orphan.AccountID = "999999999999"
	err = s.Update(bg, func(tx store.Tx) error { return tx.PutLoginProfile(bg, orphan) })
	isErr(t, err, store.ErrNotFound, "PutLoginProfile in a missing account")
	if strings.Contains(err.Error(), hashOne) {
		t.Fatalf("PutLoginProfile error carries the password hash: %v", err)
	}

	update(t, s, func(tx store.Tx) error { return tx.DeleteLoginProfile(bg, acct, "ALICE") })
	_, err = s.GetLoginProfile(bg, acct, "Alice")
	isErr(t, err, store.ErrNotFound, "GetLoginProfile deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteLoginProfile(bg, acct, "Alice") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteLoginProfile(bg, acct2, "Bob") })
	if _, err := s.GetLoginProfile(bg, acct, "bob"); err != nil {
		t.Fatalf("deleting a login profile removed another user's: %v", err)
	}
	// Put after a delete creates it again.
	update(t, s, func(tx store.Tx) error { return tx.PutLoginProfile(bg, p) })
	got, err = s.GetLoginProfile(bg, acct, "Alice")
	noErr(t, err, "GetLoginProfile re-created")
	equal(t, got, p, "re-created login profile")
}

func testPasswordPolicy(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	_, err := s.GetPasswordPolicy(bg, acct)
	isErr(t, err, store.ErrNotFound, "GetPasswordPolicy before put")
	full := store.PasswordPolicy{
		AccountID: acct, MinimumPasswordLength: 128, RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true,
		MaxPasswordAge: 1095, PasswordReusePrevention: 24, HardExpiry: true,
	}
	update(t, s, func(tx store.Tx) error { return tx.PutPasswordPolicy(bg, full) })
	got, err := s.GetPasswordPolicy(bg, acct)
	noErr(t, err, "GetPasswordPolicy")
	equal(t, got, full, "password policy")
	_, err = s.GetPasswordPolicy(bg, acct2)
	isErr(t, err, store.ErrNotFound, "GetPasswordPolicy of another account")

	// Each field is its own column: flipping one at a time catches a
	// swapped pair.
	flips := []func(p *store.PasswordPolicy){
		func(p *store.PasswordPolicy) { p.RequireSymbols = false },
		func(p *store.PasswordPolicy) { p.RequireNumbers = false },
		func(p *store.PasswordPolicy) { p.RequireUppercaseCharacters = false },
		func(p *store.PasswordPolicy) { p.RequireLowercaseCharacters = false },
		func(p *store.PasswordPolicy) { p.AllowUsersToChangePassword = false },
		func(p *store.PasswordPolicy) { p.HardExpiry = false },
		func(p *store.PasswordPolicy) { p.MinimumPasswordLength = 6 },
		func(p *store.PasswordPolicy) { p.MaxPasswordAge = 0 },
		func(p *store.PasswordPolicy) { p.PasswordReusePrevention = 0 },
	}
	for i, flip := range flips {
		want := full
		flip(&want)
		update(t, s, func(tx store.Tx) error { return tx.PutPasswordPolicy(bg, want) })
		got, err := s.GetPasswordPolicy(bg, acct)
		noErr(t, err, "GetPasswordPolicy after a replace")
		equal(t, got, want, fmt.Sprintf("password policy after change %d", i))
	}
	other := store.PasswordPolicy{AccountID: acct2, MinimumPasswordLength: 8}
	update(t, s, func(tx store.Tx) error { return tx.PutPasswordPolicy(bg, other) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error {
		return tx.PutPasswordPolicy(bg, store.PasswordPolicy{AccountID: "999999999999", MinimumPasswordLength: 8})
	})

	update(t, s, func(tx store.Tx) error { return tx.DeletePasswordPolicy(bg, acct) })
	_, err = s.GetPasswordPolicy(bg, acct)
	isErr(t, err, store.ErrNotFound, "GetPasswordPolicy deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeletePasswordPolicy(bg, acct) })
	got, err = s.GetPasswordPolicy(bg, acct2)
	noErr(t, err, "GetPasswordPolicy of another account after a delete")
	equal(t, got, other, "another account's policy after a delete")
}
