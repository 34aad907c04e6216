package storetest

import (
	"testing"

	"github.com/stsd/stsd/internal/store"
)

func testMFADevices(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Ann")
	d1, d2 := mfa("b-dev", ""), mfa("a-dev", "Ann")
	d1.Tags = []store.Tag{{Key: "x", Value: "y"}}
	d2.EnabledAt = at(7)
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateMFADevice(bg, d1); err != nil {
			return err
		}
		return tx.CreateMFADevice(bg, d2)
	})
	got, err := s.GetMFADevice(bg, d1.SerialNumber)
	noErr(t, err, "GetMFADevice")
	equal(t, got, d1, "device")
	_, err = s.GetMFADevice(bg, "arn:aws:iam::"+acct+":mfa/none")
	isErr(t, err, store.ErrNotFound, "GetMFADevice missing")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateMFADevice(bg, d1) })

	all, err := s.ListMFADevices(bg, acct, "")
	noErr(t, err, "ListMFADevices")
	equal(t, all, []store.MFADevice{d2, d1}, "account devices ordered by serial")
	mine, err := s.ListMFADevices(bg, acct, "ann")
	noErr(t, err, "ListMFADevices user")
	equal(t, mine, []store.MFADevice{d2}, "user devices")

	// Enabling, then the replay counter moving forward.
	d1.UserName, d1.EnabledAt = "Ann", at(8)
	update(t, s, func(tx store.Tx) error { return tx.UpdateMFADevice(bg, d1) })
	for _, step := range []int64{57000001, 57000002} {
		d1.LastUsedStep = step
		update(t, s, func(tx store.Tx) error { return tx.UpdateMFADevice(bg, d1) })
		got, err = s.GetMFADevice(bg, d1.SerialNumber)
		noErr(t, err, "GetMFADevice after step")
		equal(t, got, d1, "device after LastUsedStep update")
	}
	mine, _ = s.ListMFADevices(bg, acct, "Ann")
	equal(t, len(mine), 2, "devices after enabling")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateMFADevice(bg, mfa("none", "")) })

	update(t, s, func(tx store.Tx) error { return tx.DeleteMFADevice(bg, d1.SerialNumber) })
	_, err = s.GetMFADevice(bg, d1.SerialNumber)
	isErr(t, err, store.ErrNotFound, "deleted device")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteMFADevice(bg, d1.SerialNumber) })
}

func testOIDCProviders(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := store.OIDCProvider{
		AccountID: acct, ARN: "arn:aws:iam::" + acct + ":oidc-provider/token.actions.example.com",
		URL: "https://token.actions.example.com", ClientIDs: []string{"sts.amazonaws.com", "b"},
		Thumbprints: []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}, JWKS: `{"keys":[]}`,
		Tags: []store.Tag{{Key: "k", Value: "v"}}, CreatedAt: at(1),
	}
	q := store.OIDCProvider{AccountID: acct, ARN: "arn:aws:iam::" + acct + ":oidc-provider/a.example.com", URL: "https://a.example.com", CreatedAt: at(2)}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateOIDCProvider(bg, p); err != nil {
			return err
		}
		return tx.CreateOIDCProvider(bg, q)
	})
	got, err := s.GetOIDCProvider(bg, p.ARN)
	noErr(t, err, "GetOIDCProvider")
	equal(t, got, p, "OIDC provider")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateOIDCProvider(bg, p) })
	list, err := s.ListOIDCProviders(bg, acct)
	noErr(t, err, "ListOIDCProviders")
	equal(t, list, []store.OIDCProvider{q, p}, "providers ordered by ARN")
	list, _ = s.ListOIDCProviders(bg, acct2)
	equal(t, len(list), 0, "providers of another account")

	p.ClientIDs, p.Thumbprints, p.Tags = []string{"only"}, nil, nil
	update(t, s, func(tx store.Tx) error { return tx.UpdateOIDCProvider(bg, p) })
	got, _ = s.GetOIDCProvider(bg, p.ARN)
	equal(t, got, p, "updated OIDC provider")
	update(t, s, func(tx store.Tx) error { return tx.DeleteOIDCProvider(bg, p.ARN) })
	_, err = s.GetOIDCProvider(bg, p.ARN)
	isErr(t, err, store.ErrNotFound, "deleted OIDC provider")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateOIDCProvider(bg, p) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteOIDCProvider(bg, p.ARN) })
}

func testSAMLProviders(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := store.SAMLProvider{
		AccountID: acct, ARN: "arn:aws:iam::" + acct + ":saml-provider/Okta", Name: "Okta",
		Metadata: "<EntityDescriptor/>", ValidUntil: at(100), Tags: []store.Tag{{Key: "k", Value: "v"}}, CreatedAt: at(1),
	}
	update(t, s, func(tx store.Tx) error { return tx.CreateSAMLProvider(bg, p) })
	got, err := s.GetSAMLProvider(bg, p.ARN)
	noErr(t, err, "GetSAMLProvider")
	equal(t, got, p, "SAML provider")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateSAMLProvider(bg, p) })
	p.Metadata, p.ValidUntil = "<EntityDescriptor new=''/>", at(200)
	update(t, s, func(tx store.Tx) error { return tx.UpdateSAMLProvider(bg, p) })
	list, err := s.ListSAMLProviders(bg, acct)
	noErr(t, err, "ListSAMLProviders")
	equal(t, list, []store.SAMLProvider{p}, "SAML providers")
	update(t, s, func(tx store.Tx) error { return tx.DeleteSAMLProvider(bg, p.ARN) })
	_, err = s.GetSAMLProvider(bg, p.ARN)
	isErr(t, err, store.ErrNotFound, "deleted SAML provider")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateSAMLProvider(bg, p) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteSAMLProvider(bg, p.ARN) })
}

func testTokenKeys(t *testing.T, s store.Store) {
	k2 := store.TokenKey{ID: 2, Secret: []byte("0123456789abcdef0123456789abcdef"), CreatedAt: at(2)}
	k1 := store.TokenKey{ID: 1, Secret: []byte("fedcba9876543210fedcba9876543210"), CreatedAt: at(1)}
	kmax := store.TokenKey{ID: ^uint32(0), Secret: []byte("ffffffffffffffffffffffffffffffff"), CreatedAt: at(3)}
	update(t, s, func(tx store.Tx) error {
		for _, k := range []store.TokenKey{k2, kmax, k1} {
			if err := tx.CreateTokenKey(bg, k); err != nil {
				return err
			}
		}
		return nil
	})
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateTokenKey(bg, k1) })
	k1.RetiredAt = at(5)
	update(t, s, func(tx store.Tx) error { return tx.UpdateTokenKey(bg, k1) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateTokenKey(bg, store.TokenKey{ID: 77}) })
	list, err := s.ListTokenKeys(bg)
	noErr(t, err, "ListTokenKeys")
	equal(t, list, []store.TokenKey{k1, k2, kmax}, "token keys ordered by id")
}

// testParentAccount checks that account-scoped entities need their
// account, and that version rows need their policy.
func testParentAccount(t *testing.T, s store.Store) {
	u := user("Orphan")
	u.AccountID = "999999999999"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.CreateUser(bg, u) })
	k := accessKey("AKIAORPHANEXAMPLE001", "")
	k.AccountID = "999999999999"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.CreateAccessKey(bg, k) })
}
