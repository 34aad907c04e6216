package storetest

import (
	"testing"

	"github.com/stsd/stsd/internal/store"
)

func testPolicies(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := policy("ReadOnly")
	p.Description = "read"
	p.Tags = []store.Tag{{Key: "a", Value: "b"}}
	versions := []store.PolicyVersion{}
	for _, id := range []string{"v1", "v10", "v2"} {
		versions = append(versions, store.PolicyVersion{AccountID: acct, PolicyName: "ReadOnly", VersionID: id, Document: `{"v":"` + id + `"}`, CreatedAt: at(7)})
	}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreatePolicy(bg, p); err != nil {
			return err
		}
		for _, v := range versions {
			if err := tx.CreatePolicyVersion(bg, v); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.GetPolicy(bg, acct, "readonly")
	noErr(t, err, "GetPolicy")
	equal(t, got, p, "policy")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreatePolicy(bg, policy("READONLY")) })
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreatePolicyVersion(bg, versions[0]) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error {
		return tx.CreatePolicyVersion(bg, store.PolicyVersion{AccountID: acct, PolicyName: "Missing", VersionID: "v1", Document: "{}"})
	})

	v, err := s.GetPolicyVersion(bg, acct, "READONLY", "v10")
	noErr(t, err, "GetPolicyVersion")
	equal(t, v, versions[1], "version")
	_, err = s.GetPolicyVersion(bg, acct, "ReadOnly", "v3")
	isErr(t, err, store.ErrNotFound, "GetPolicyVersion missing")
	all, err := s.ListPolicyVersions(bg, acct, "readonly")
	noErr(t, err, "ListPolicyVersions")
	equal(t, all, []store.PolicyVersion{versions[0], versions[2], versions[1]}, "versions in numeric order")

	p.DefaultVersionID, p.UpdatedAt, p.Tags = "v2", at(10), nil
	update(t, s, func(tx store.Tx) error { return tx.UpdatePolicy(bg, p) })
	got, err = s.GetPolicy(bg, acct, "ReadOnly")
	noErr(t, err, "GetPolicy after update")
	equal(t, got, p, "updated policy")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdatePolicy(bg, policy("Missing")) })

	update(t, s, func(tx store.Tx) error { return tx.DeletePolicyVersion(bg, acct, "ReadOnly", "v1") })
	_, err = s.GetPolicyVersion(bg, acct, "ReadOnly", "v1")
	isErr(t, err, store.ErrNotFound, "deleted version")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeletePolicyVersion(bg, acct, "ReadOnly", "v1") })

	update(t, s, func(tx store.Tx) error { return tx.DeletePolicy(bg, acct, "readONLY") })
	_, err = s.GetPolicy(bg, acct, "ReadOnly")
	isErr(t, err, store.ErrNotFound, "deleted policy")
	_, err = s.GetPolicyVersion(bg, acct, "ReadOnly", "v2")
	isErr(t, err, store.ErrNotFound, "version of deleted policy")
	left, err := s.ListPolicyVersions(bg, acct, "ReadOnly")
	noErr(t, err, "ListPolicyVersions after delete")
	equal(t, len(left), 0, "versions left after DeletePolicy")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeletePolicy(bg, acct, "ReadOnly") })

	// A policy re-created under the same name starts with no versions.
	update(t, s, func(tx store.Tx) error { return tx.CreatePolicy(bg, policy("ReadOnly")) })
	left, _ = s.ListPolicyVersions(bg, acct, "ReadOnly")
	equal(t, len(left), 0, "versions of re-created policy")
}

func testInlinePolicies(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Ann")
	seedRoles(t, s, "Ann")
	mk := func(kind store.PrincipalKind, principal, name, doc string) store.InlinePolicy {
		return store.InlinePolicy{AccountID: acct, Kind: kind, PrincipalName: principal, Name: name, Document: doc}
	}
	update(t, s, func(tx store.Tx) error {
		for _, p := range []store.InlinePolicy{
			mk(store.KindUser, "Ann", "zeta", "{1}"),
			mk(store.KindUser, "Ann", "Alpha", "{2}"),
			mk(store.KindRole, "Ann", "alpha", "{role}"),
		} {
			if err := tx.PutInlinePolicy(bg, p); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.GetInlinePolicy(bg, acct, store.KindUser, "ann", "ALPHA")
	noErr(t, err, "GetInlinePolicy")
	equal(t, got, mk(store.KindUser, "Ann", "Alpha", "{2}"), "inline policy")
	got, err = s.GetInlinePolicy(bg, acct, store.KindRole, "Ann", "alpha")
	noErr(t, err, "GetInlinePolicy role")
	equal(t, got.Document, "{role}", "role's policy is separate from user's")
	_, err = s.GetInlinePolicy(bg, acct, store.KindUser, "Ann", "missing")
	isErr(t, err, store.ErrNotFound, "GetInlinePolicy missing")

	update(t, s, func(tx store.Tx) error { return tx.PutInlinePolicy(bg, mk(store.KindUser, "Ann", "alpha", "{3}")) })
	list, err := s.ListInlinePolicies(bg, acct, store.KindUser, "ANN")
	noErr(t, err, "ListInlinePolicies")
	equal(t, list, []store.InlinePolicy{mk(store.KindUser, "Ann", "alpha", "{3}"), mk(store.KindUser, "Ann", "zeta", "{1}")}, "replaced and ordered")

	update(t, s, func(tx store.Tx) error { return tx.DeleteInlinePolicy(bg, acct, store.KindUser, "Ann", "ZETA") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteInlinePolicy(bg, acct, store.KindUser, "Ann", "zeta") })
	list, _ = s.ListInlinePolicies(bg, acct, store.KindUser, "Ann")
	equal(t, len(list), 1, "inline policies after delete")
}

func testAttachments(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Ann")
	seedRoles(t, s, "Ops")
	a := "arn:aws:iam::" + acct + ":policy/A"
	b := "arn:aws:iam::aws:policy/B"
	update(t, s, func(tx store.Tx) error {
		for _, err := range []error{
			tx.AttachPolicy(bg, acct, store.KindUser, "Ann", b),
			tx.AttachPolicy(bg, acct, store.KindUser, "Ann", a),
			tx.AttachPolicy(bg, acct, store.KindUser, "ann", a), // idempotent, any case
			tx.AttachPolicy(bg, acct, store.KindRole, "Ops", a),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	list, err := s.ListAttachedPolicies(bg, acct, store.KindUser, "ANN")
	noErr(t, err, "ListAttachedPolicies")
	equal(t, list, []string{a, b}, "attached, ordered by ARN")
	n, err := s.CountPolicyAttachments(bg, a)
	noErr(t, err, "CountPolicyAttachments")
	equal(t, n, 2, "attachments of A")
	n, _ = s.CountPolicyAttachments(bg, "arn:aws:iam::"+acct+":policy/none")
	equal(t, n, 0, "attachments of unattached policy")

	update(t, s, func(tx store.Tx) error { return tx.DetachPolicy(bg, acct, store.KindUser, "ann", a) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DetachPolicy(bg, acct, store.KindUser, "Ann", a) })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DetachPolicy(bg, acct, store.KindRole, "Ann", b) })
	list, _ = s.ListAttachedPolicies(bg, acct, store.KindUser, "Ann")
	equal(t, list, []string{b}, "attached after detach")
	n, _ = s.CountPolicyAttachments(bg, a)
	equal(t, n, 1, "attachments of A after detach")
}
