package storetest

import (
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// testDeleteCascades checks that deleting a user, role, group or instance
// profile deletes what belongs to it, read just before so that a cache
// has it to forget, and leaves an MFA device unassigned. (The *Leftovers
// tests check that nothing of it passes to an entity re-created or
// renamed to the same name later.)
func testDeleteCascades(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct, "Gone", "Stay")
	seedRoles(t, s, "Gone", "Stay")
	arn := "arn:aws:iam::aws:policy/P"
	key := accessKey("AKIAGONEEXAMPLE00001", "Gone")
	dev := mfa("gone", "Gone")
	mustTx(t, s, func(tx store.Tx) []func() error {
		w := []func() error{
			func() error { return tx.CreateGroup(bg, group("Gone")) },
			func() error { return tx.CreateGroup(bg, group("Stay")) },
			func() error { return tx.CreateInstanceProfile(bg, profile("Gone")) },
			func() error { return tx.CreateInstanceProfile(bg, profile("Stay")) },
			func() error { return tx.CreateAccessKey(bg, key) },
			func() error { return tx.CreateMFADevice(bg, dev) },
			func() error { return tx.AddGroupMember(bg, acct, "Gone", "Stay") },
			func() error { return tx.AddGroupMember(bg, acct, "Stay", "Gone") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Stay", "Gone") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Gone", "Stay") },
		}
		for _, kind := range []store.PrincipalKind{store.KindUser, store.KindRole, store.KindGroup} {
			w = append(w,
				func() error {
					return tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: kind, PrincipalName: "Gone", Name: "p", Document: "{}"})
				},
				func() error { return tx.AttachPolicy(bg, acct, kind, "Gone", arn) })
		}
		return append(w, giveCredentials(tx, "Gone", "GONE")...)
	})
	// Read everything first.
	_, err := s.GetAccessKey(bg, key.ID)
	noErr(t, err, "GetAccessKey before the deletes")
	for _, kind := range []store.PrincipalKind{store.KindUser, store.KindRole, store.KindGroup} {
		inl, _ := s.ListInlinePolicies(bg, acct, kind, "Gone")
		att, _ := s.ListAttachedPolicies(bg, acct, kind, "Gone")
		equal(t, len(inl)+len(att), 2, "policies of "+string(kind)+" Gone before the deletes")
	}
	equal(t, groupsOf(t, s, "Stay"), []string{"Gone"}, "Stay's groups before the deletes")
	equal(t, membersOf(t, s, "Stay"), []string{"Gone"}, "members of Stay before the deletes")
	equal(t, rolesIn(t, s, "Stay"), []string{"Gone"}, "roles in Stay before the deletes")
	equal(t, profilesOf(t, s, "Stay"), []string{"Gone"}, "Stay's profiles before the deletes")
	n, _ := s.CountPolicyAttachments(bg, arn)
	equal(t, n, 3, "attachments before the deletes")

	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.DeleteUser(bg, acct, "Gone") },
			func() error { return tx.DeleteRole(bg, acct, "Gone") },
			func() error { return tx.DeleteGroup(bg, acct, "Gone") },
			func() error { return tx.DeleteInstanceProfile(bg, acct, "Gone") },
		}
	})
	_, err = s.GetAccessKey(bg, key.ID)
	isErr(t, err, store.ErrNotFound, "GetAccessKey of a deleted user's key")
	for _, kind := range []store.PrincipalKind{store.KindUser, store.KindRole, store.KindGroup} {
		inl, err := s.ListInlinePolicies(bg, acct, kind, "Gone")
		noErr(t, err, "ListInlinePolicies")
		att, err := s.ListAttachedPolicies(bg, acct, kind, "Gone")
		noErr(t, err, "ListAttachedPolicies")
		equal(t, len(inl)+len(att), 0, "policies of deleted "+string(kind)+" Gone")
	}
	n, err = s.CountPolicyAttachments(bg, arn)
	noErr(t, err, "CountPolicyAttachments")
	equal(t, n, 0, "attachments after the deletes")
	equal(t, groupsOf(t, s, "Stay"), []string{}, "Stay's groups after its group's delete")
	equal(t, membersOf(t, s, "Gone"), []string{}, "members of a deleted group")
	equal(t, membersOf(t, s, "Stay"), []string{}, "members of Stay after its member's delete")
	equal(t, groupsOf(t, s, "Gone"), []string{}, "groups of a deleted user")
	equal(t, rolesIn(t, s, "Stay"), []string(nil), "roles in Stay after its role's delete")
	equal(t, profilesOf(t, s, "Gone"), []string{}, "profiles of a deleted role")
	equal(t, profilesOf(t, s, "Stay"), []string{}, "Stay's profiles after its profile's delete")
	all, err := s.ListInstanceProfiles(bg, acct, "", store.Page{})
	noErr(t, err, "ListInstanceProfiles")
	equal(t, all, []store.InstanceProfile{profile("Stay")}, "profiles after the deletes")
	// The deleted rows are gone, not hidden: their ids are free again.
	mustTx(t, s, func(tx store.Tx) []func() error {
		k := accessKey(key.ID, "Stay")
		return append(giveCredentials(tx, "Stay", "GONE"), func() error { return tx.CreateAccessKey(bg, k) })
	})
	d, err := s.GetMFADevice(bg, dev.SerialNumber)
	noErr(t, err, "GetMFADevice of a deleted user's device")
	equal(t, d.UserName, "", "user of a deleted user's device")
}

// testOwnerRequired checks that a row belonging to a user, role, group or
// instance profile cannot be written for one that does not exist, nor for
// one of the same name in another account.
func testOwnerRequired(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	seedUsers(t, s, acct2, "Nobody")
	other := group("Nobody")
	other.AccountID = acct2
	update(t, s, func(tx store.Tx) error { return tx.CreateGroup(bg, other) })
	for what, write := range map[string]func(tx store.Tx) error{
		"access key":    func(tx store.Tx) error { return tx.CreateAccessKey(bg, accessKey("AKIANOBODYEXAMPLE001", "Nobody")) },
		"MFA device":    func(tx store.Tx) error { return tx.CreateMFADevice(bg, mfa("nobody", "Nobody")) },
		"login profile": func(tx store.Tx) error { return tx.PutLoginProfile(bg, loginProfile("Nobody")) },
		"SSH key":       func(tx store.Tx) error { return tx.CreateSSHPublicKey(bg, sshKey("APKANOBODY", "Nobody")) },
		"certificate":   func(tx store.Tx) error { return tx.CreateSigningCertificate(bg, signingCert("CERTNOBODY", "Nobody")) },
		"credential": func(tx store.Tx) error {
			return tx.CreateServiceSpecificCredential(bg, serviceCred("ACCANOBODY", "Nobody"))
		},
		"group member": func(tx store.Tx) error { return tx.AddGroupMember(bg, acct, "Nobody", "Nobody") },
		"profile role": func(tx store.Tx) error { return tx.AddInstanceProfileRole(bg, acct, "Nobody", "Nobody") },
		"attachment": func(tx store.Tx) error {
			return tx.AttachPolicy(bg, acct, store.KindRole, "Nobody", "arn:aws:iam::aws:policy/P")
		},
		"inline policy": func(tx store.Tx) error {
			return tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: store.KindGroup, PrincipalName: "Nobody", Name: "p", Document: "{}"})
		},
	} {
		t.Run(what, func(t *testing.T) { updateErr(t, s, store.ErrNotFound, write) })
	}
	n, err := s.CountPolicyAttachments(bg, "arn:aws:iam::aws:policy/P")
	noErr(t, err, "CountPolicyAttachments")
	equal(t, n, 0, "attachments written for no owner")
}
