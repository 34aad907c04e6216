package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// outbound returns an enabled federation of account a. The keys stand in
// for PKCS #8 DER; the store treats them as opaque bytes.
func outbound(a, issuer string) store.OutboundFederation {
	return store.OutboundFederation{
		AccountID: a, IssuerID: issuer, Enabled: true,
		RSAKey: []byte("rsa-pkcs8-der-of-" + a), ECKey: []byte("ec-pkcs8-der-of-" + a),
		CreatedAt: at(1), UpdatedAt: at(1),
	}
}

func putOutbound(f store.OutboundFederation) func(tx store.Tx) error {
	return func(tx store.Tx) error { return tx.PutOutboundFederation(bg, f) }
}

// outboundIs checks the federation reads the same by account and by issuer.
func outboundIs(t *testing.T, s store.Store, want store.OutboundFederation, what string) {
	t.Helper()
	got, err := s.GetOutboundFederation(bg, want.AccountID)
	noErr(t, err, what+": GetOutboundFederation")
	equal(t, got, want, what+" by account")
	got, err = s.GetOutboundFederationByIssuer(bg, want.IssuerID)
	noErr(t, err, what+": GetOutboundFederationByIssuer")
	equal(t, got, want, what+" by issuer")
}

func noOutbound(t *testing.T, s store.Store, accountID, issuerID, what string) {
	t.Helper()
	if accountID != "" {
		_, err := s.GetOutboundFederation(bg, accountID)
		isErr(t, err, store.ErrNotFound, what+": GetOutboundFederation")
	}
	if issuerID != "" {
		_, err := s.GetOutboundFederationByIssuer(bg, issuerID)
		isErr(t, err, store.ErrNotFound, what+": GetOutboundFederationByIssuer")
	}
}

func testOutboundFederation(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	f := outbound(acct, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
	noOutbound(t, s, acct, f.IssuerID, "before any put")
	noOutbound(t, s, "", "", "empty issuer id")

	update(t, s, putOutbound(f))
	outboundIs(t, s, f, "created")
	noOutbound(t, s, acct2, "", "another account")
	// Issuer ids are random strings matched exactly, not IAM names.
	noOutbound(t, s, "", "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0", "issuer id in another case")
	noOutbound(t, s, "", f.IssuerID[:8], "issuer id prefix")

	// Disable and enable again: the row, its issuer and keys stay.
	for i, enabled := range []bool{false, true, false} {
		f.Enabled, f.UpdatedAt = enabled, at(10+i)
		update(t, s, putOutbound(f))
		outboundIs(t, s, f, fmt.Sprintf("after setting Enabled to %v", enabled))
	}

	// A replace may move the account to another issuer; the old id then
	// finds nothing.
	oldIssuer := f.IssuerID
	f.IssuerID, f.RSAKey, f.ECKey = "issuer-two", []byte("rotated-rsa"), []byte("rotated-ec")
	update(t, s, putOutbound(f))
	outboundIs(t, s, f, "after an issuer change")
	noOutbound(t, s, "", oldIssuer, "old issuer after the change")
}

func testOutboundIssuerUnique(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	mine := outbound(acct, "shared-issuer")
	update(t, s, putOutbound(mine))
	theirs := outbound(acct2, "shared-issuer")
	updateErr(t, s, store.ErrAlreadyExists, putOutbound(theirs))
	noOutbound(t, s, acct2, "", "refused federation")
	outboundIs(t, s, mine, "holder of the issuer after a refused put")

	// The conflict leaves the transaction usable: fn may handle it and go
	// on, and the rest commits.
	theirs.IssuerID = "issuer-of-acct2"
	update(t, s, func(tx store.Tx) error {
		clash := outbound(acct2, "shared-issuer")
		if err := tx.PutOutboundFederation(bg, clash); !errors.Is(err, store.ErrAlreadyExists) {
			return fmt.Errorf("put of a held issuer: %v, want ErrAlreadyExists", err)
		}
		return tx.PutOutboundFederation(bg, theirs)
	})
	outboundIs(t, s, theirs, "put after a handled conflict")

	// Once its holder moves on, an issuer id is free.
	mine.IssuerID = "issuer-of-acct"
	update(t, s, putOutbound(mine))
	theirs.IssuerID = "shared-issuer"
	update(t, s, putOutbound(theirs))
	outboundIs(t, s, mine, "first account after the swap")
	outboundIs(t, s, theirs, "second account after the swap")
	noOutbound(t, s, "", "issuer-of-acct2", "second account's old issuer")

	// Two accounts cannot take one new issuer in one transaction either.
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error {
		if err := tx.PutOutboundFederation(bg, outbound(acct, "both")); err != nil {
			return err
		}
		return tx.PutOutboundFederation(bg, outbound(acct2, "both"))
	})
	noOutbound(t, s, "", "both", "issuer of a failed Update")
	outboundIs(t, s, mine, "first account after a failed Update")
}

func testOutboundRollback(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	f := outbound(acct, "issuer-rollback")
	updateErr(t, s, errBoom, func(tx store.Tx) error {
		if err := tx.PutOutboundFederation(bg, f); err != nil {
			return err
		}
		// Reads inside the transaction see its own write.
		if _, err := tx.GetOutboundFederationByIssuer(bg, f.IssuerID); err != nil {
			return fmt.Errorf("own write invisible: %w", err)
		}
		return errBoom
	})
	noOutbound(t, s, acct, f.IssuerID, "create from a failed Update")

	update(t, s, putOutbound(f))
	changed := f
	changed.IssuerID, changed.Enabled, changed.RSAKey = "issuer-never", false, []byte("never")
	updateErr(t, s, errBoom, func(tx store.Tx) error {
		if err := tx.PutOutboundFederation(bg, changed); err != nil {
			return err
		}
		return errBoom
	})
	outboundIs(t, s, f, "after a failed replace")
	noOutbound(t, s, "", changed.IssuerID, "issuer of a failed replace")

	// The federation needs its account.
	updateErr(t, s, store.ErrNotFound, putOutbound(outbound("999999999999", "issuer-orphan")))
	noOutbound(t, s, "999999999999", "issuer-orphan", "orphan")
}

func testOutboundResultsAreCopies(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	f := outbound(acct, "issuer-copies")
	update(t, s, putOutbound(f))
	for i := 0; i < 2; i++ { // twice: a cache serves the second read
		got, err := s.GetOutboundFederation(bg, acct)
		noErr(t, err, "GetOutboundFederation")
		equal(t, got, f, "by account")
		got.RSAKey[0], got.ECKey[0] = 'X', 'X'
		got, err = s.GetOutboundFederationByIssuer(bg, f.IssuerID)
		noErr(t, err, "GetOutboundFederationByIssuer")
		equal(t, got, f, "by issuer")
		got.RSAKey[0], got.ECKey[0] = 'Y', 'Y'
	}
	// Nor does the store keep the caller's slices.
	f2 := outbound(acct2, "issuer-copies-2")
	want := outbound(acct2, "issuer-copies-2")
	update(t, s, putOutbound(f2))
	f2.RSAKey[0], f2.ECKey[0] = 'Z', 'Z'
	outboundIs(t, s, want, "after the caller changed the slices it put")
}
