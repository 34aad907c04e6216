package storetest

import (
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// testCredentialReports checks an account's credential report is kept,
// replaced whole, apart from other accounts', copied in and out, and
// undone with its Update.
func testCredentialReports(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	_, err := s.GetCredentialReport(bg, acct)
	isErr(t, err, store.ErrNotFound, "GetCredentialReport before any")

	first := store.CredentialReport{AccountID: acct, Content: []byte("user,arn\n<root_account>,arn:aws:iam::" + acct + ":root\n"), GeneratedAt: at(20)}
	update(t, s, func(tx store.Tx) error { return tx.PutCredentialReport(bg, first) })
	first.Content[0] = 'X' // the store kept its own copy
	want := store.CredentialReport{AccountID: acct, Content: []byte("user,arn\n<root_account>,arn:aws:iam::" + acct + ":root\n"), GeneratedAt: at(20)}
	got, err := s.GetCredentialReport(bg, acct)
	noErr(t, err, "GetCredentialReport")
	equal(t, got, want, "credential report")
	got.Content[0] = 'Y'
	again, _ := s.GetCredentialReport(bg, acct)
	equal(t, again, want, "credential report after changing a read")
	_, err = s.GetCredentialReport(bg, acct2)
	isErr(t, err, store.ErrNotFound, "another account's report")

	second := store.CredentialReport{AccountID: acct, Content: []byte("user,arn\n"), GeneratedAt: at(30)}
	update(t, s, func(tx store.Tx) error { return tx.PutCredentialReport(bg, second) })
	got, err = s.GetCredentialReport(bg, acct)
	noErr(t, err, "GetCredentialReport after replace")
	equal(t, got, second, "replaced credential report")

	updateErr(t, s, errBoom, func(tx store.Tx) error {
		if err := tx.PutCredentialReport(bg, first); err != nil {
			return err
		}
		return errBoom
	})
	got, _ = s.GetCredentialReport(bg, acct)
	equal(t, got, second, "credential report after a failed Update")

	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error {
		return tx.PutCredentialReport(bg, store.CredentialReport{AccountID: "999999999999", Content: []byte("x"), GeneratedAt: at(1)})
	})
}
