package storetest

import (
	"testing"

	"github.com/stsd/stsd/internal/store"
)

func group(name string) store.Group {
	return store.Group{AccountID: acct, Name: name, ID: "AGPAEXAMPLE" + name, Path: "/", CreatedAt: at(11)}
}

// groupNames and userNames make list results comparable at a glance.
func groupNames(gs []store.Group) []string {
	return names(gs, func(g store.Group) string { return g.Name })
}

func userNames(us []store.User) []string {
	return names(us, func(u store.User) string { return u.Name })
}

// groupsOf lists a user's group names, failing the test on error.
func groupsOf(t *testing.T, s store.Store, userName string) []string {
	t.Helper()
	gs, err := s.ListGroupsForUser(bg, acct, userName)
	noErr(t, err, "ListGroupsForUser "+userName)
	return groupNames(gs)
}

// membersOf lists a group's member names, failing the test on error.
func membersOf(t *testing.T, s store.Store, groupName string) []string {
	t.Helper()
	us, err := s.ListGroupMembers(bg, acct, groupName, store.Page{})
	noErr(t, err, "ListGroupMembers "+groupName)
	return userNames(us)
}

// mustTx runs several writes of one Update, stopping at the first error.
func mustTx(t *testing.T, s store.Store, writes func(tx store.Tx) []func() error) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		for _, w := range writes(tx) {
			if err := w(); err != nil {
				return err
			}
		}
		return nil
	})
}

func testGroups(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	g := group("Admins")
	g.Path = "/ops/"
	// Read the absent group first, so a cache has a miss to forget.
	_, err := s.GetGroup(bg, acct, "admins")
	isErr(t, err, store.ErrNotFound, "GetGroup before create")
	update(t, s, func(tx store.Tx) error { return tx.CreateGroup(bg, g) })
	for _, name := range []string{"Admins", "admins", "ADMINS"} {
		got, err := s.GetGroup(bg, acct, name)
		noErr(t, err, "GetGroup "+name)
		equal(t, got, g, "group by "+name)
	}
	_, err = s.GetGroup(bg, acct2, "Admins")
	isErr(t, err, store.ErrNotFound, "GetGroup in another account")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateGroup(bg, group("aDMINS")) })
	other := group("admins")
	other.AccountID = acct2
	update(t, s, func(tx store.Tx) error { return tx.CreateGroup(bg, other) })
	orphan := group("Orphan")
	orphan.AccountID = "999999999999"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.CreateGroup(bg, orphan) })

	// An update under the same name (any spelling of it) changes the rest.
	g.Path, g.ID, g.CreatedAt = "/eng/", "AGPAEXAMPLECHANGED", at(12)
	update(t, s, func(tx store.Tx) error { return tx.UpdateGroup(bg, "aDmInS", g) })
	got, err := s.GetGroup(bg, acct, "admins")
	noErr(t, err, "GetGroup after update")
	equal(t, got, g, "updated group")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateGroup(bg, "Nobody", group("Nobody")) })

	update(t, s, func(tx store.Tx) error { return tx.DeleteGroup(bg, acct, "ADMINS") })
	_, err = s.GetGroup(bg, acct, "Admins")
	isErr(t, err, store.ErrNotFound, "GetGroup deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteGroup(bg, acct, "Admins") })
	if _, err := s.GetGroup(bg, acct2, "admins"); err != nil {
		t.Fatalf("deleting a group removed another account's group: %v", err)
	}
}

func testGroupMembers(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	dave := user("dave")
	dave.Path = "/eng/"
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateGroup(bg, group("Devs")) },
			func() error { return tx.CreateGroup(bg, group("admins")) },
			func() error { return tx.CreateGroup(bg, group("Ops")) },
			func() error { return tx.CreateUser(bg, user("Carol")) },
			func() error { return tx.CreateUser(bg, user("alice")) },
			func() error { return tx.CreateUser(bg, user("Bob")) },
			func() error { return tx.CreateUser(bg, dave) },
		}
	})
	// Reads before the writes, so a cache holds entries they must replace.
	equal(t, groupsOf(t, s, "alice"), []string{}, "groups before any membership")
	equal(t, membersOf(t, s, "devs"), []string{}, "members before any membership")

	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.AddGroupMember(bg, acct, "Devs", "Carol") },
			func() error { return tx.AddGroupMember(bg, acct, "DEVS", "ALICE") },
			func() error { return tx.AddGroupMember(bg, acct, "devs", "alice") }, // idempotent, any case
			func() error { return tx.AddGroupMember(bg, acct, "Devs", "dave") },
			func() error { return tx.AddGroupMember(bg, acct, "Devs", "Bob") },
			func() error { return tx.AddGroupMember(bg, acct, "Ops", "alice") },
			func() error { return tx.AddGroupMember(bg, acct, "admins", "Alice") },
		}
	})
	all, err := s.ListGroupMembers(bg, acct, "DEVS", store.Page{})
	noErr(t, err, "ListGroupMembers")
	equal(t, all, []store.User{user("alice"), user("Bob"), user("Carol"), dave}, "members are full users ordered by lower-cased name")
	equal(t, groupsOf(t, s, "ALICE"), []string{"admins", "Devs", "Ops"}, "groups ordered by lower-cased name")
	equal(t, groupsOf(t, s, "Bob"), []string{"Devs"}, "Bob's groups")
	got, err := s.ListGroupsForUser(bg, acct, "bob")
	noErr(t, err, "ListGroupsForUser")
	equal(t, got, []store.Group{group("Devs")}, "groups are full values")
	equal(t, membersOf(t, s, "Ops"), []string{"alice"}, "Ops members")

	pages := []struct {
		page store.Page
		want []string
	}{
		{store.Page{Limit: 2}, []string{"alice", "Bob"}},
		{store.Page{After: "bob", Limit: 2}, []string{"Carol", "dave"}},
		{store.Page{After: "dave", Limit: 2}, []string{}},
		{store.Page{After: "alice"}, []string{"Bob", "Carol", "dave"}},
	}
	for _, p := range pages {
		us, err := s.ListGroupMembers(bg, acct, "Devs", p.page)
		noErr(t, err, "ListGroupMembers page")
		equal(t, userNames(us), p.want, "members page after "+p.page.After)
	}

	// Unknown groups and users, and other accounts, have nothing.
	equal(t, membersOf(t, s, "Nobody"), []string{}, "members of a missing group")
	equal(t, groupsOf(t, s, "Nobody"), []string{}, "groups of a missing user")
	gs, err := s.ListGroupsForUser(bg, acct2, "alice")
	noErr(t, err, "ListGroupsForUser other account")
	equal(t, len(gs), 0, "groups in another account")

	equal(t, groupsOf(t, s, "carol"), []string{"Devs"}, "Carol's groups before removal")
	update(t, s, func(tx store.Tx) error { return tx.RemoveGroupMember(bg, acct, "devs", "CAROL") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.RemoveGroupMember(bg, acct, "Devs", "Carol") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.RemoveGroupMember(bg, acct, "Ops", "Bob") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.RemoveGroupMember(bg, acct, "Nobody", "alice") })
	equal(t, groupsOf(t, s, "Carol"), []string{}, "Carol's groups after removal")
	equal(t, membersOf(t, s, "Devs"), []string{"alice", "Bob", "dave"}, "members after removal")

	// A user's change shows in member lists; a group's in users' lists.
	bob := user("Bob")
	bob.Path = "/changed/"
	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "Bob", bob) })
	all, _ = s.ListGroupMembers(bg, acct, "Devs", store.Page{After: "alice", Limit: 1})
	equal(t, all, []store.User{bob}, "member after user update")
	ops := group("Ops")
	ops.Path = "/changed/"
	update(t, s, func(tx store.Tx) error { return tx.UpdateGroup(bg, "Ops", ops) })
	got, _ = s.ListGroupsForUser(bg, acct, "alice")
	equal(t, got, []store.Group{group("admins"), group("Devs"), ops}, "groups after group update")
}

func testGroupRename(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	arn := "arn:aws:iam::" + acct + ":policy/p"
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateGroup(bg, group("Devs")) },
			func() error { return tx.CreateGroup(bg, group("Ops")) },
			func() error { return tx.CreateUser(bg, user("Ann")) },
			func() error { return tx.AddGroupMember(bg, acct, "Devs", "Ann") },
			func() error {
				return tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: store.KindGroup, PrincipalName: "Devs", Name: "inl", Document: "{}"})
			},
			func() error { return tx.AttachPolicy(bg, acct, store.KindGroup, "Devs", arn) },
			// A user of the same name must not move with the group.
			func() error { return tx.CreateUser(bg, user("Devs")) },
			func() error { return tx.AttachPolicy(bg, acct, store.KindUser, "Devs", arn) },
		}
	})
	// Warm every read a cache serves.
	equal(t, groupsOf(t, s, "Ann"), []string{"Devs"}, "groups before rename")
	inl, err := s.ListInlinePolicies(bg, acct, store.KindGroup, "Devs")
	noErr(t, err, "ListInlinePolicies")
	equal(t, len(inl), 1, "inline policies before rename")
	att, _ := s.ListAttachedPolicies(bg, acct, store.KindGroup, "Devs")
	equal(t, att, []string{arn}, "attachments before rename")
	_, err = s.GetGroup(bg, acct, "Developers")
	isErr(t, err, store.ErrNotFound, "new name before rename")

	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.UpdateGroup(bg, "devs", group("OPS")) })
	update(t, s, func(tx store.Tx) error { return tx.UpdateGroup(bg, "devs", group("Developers")) })
	_, err = s.GetGroup(bg, acct, "Devs")
	isErr(t, err, store.ErrNotFound, "old name after rename")
	g, err := s.GetGroup(bg, acct, "developers")
	noErr(t, err, "GetGroup new name")
	equal(t, g, group("Developers"), "renamed group")
	equal(t, groupsOf(t, s, "ann"), []string{"Developers"}, "member's groups after rename")
	equal(t, membersOf(t, s, "DEVELOPERS"), []string{"Ann"}, "members after rename")
	equal(t, membersOf(t, s, "Devs"), []string{}, "members of the old name")
	inl, err = s.ListInlinePolicies(bg, acct, store.KindGroup, "Developers")
	noErr(t, err, "ListInlinePolicies new name")
	if len(inl) != 1 || inl[0].PrincipalName != "Developers" {
		t.Fatalf("inline policies after rename = %+v", inl)
	}
	inl, _ = s.ListInlinePolicies(bg, acct, store.KindGroup, "Devs")
	equal(t, len(inl), 0, "inline policies of the old name")
	att, _ = s.ListAttachedPolicies(bg, acct, store.KindGroup, "developers")
	equal(t, att, []string{arn}, "attachments after rename")
	att, _ = s.ListAttachedPolicies(bg, acct, store.KindGroup, "Devs")
	equal(t, len(att), 0, "attachments of the old name")
	att, _ = s.ListAttachedPolicies(bg, acct, store.KindUser, "Devs")
	equal(t, att, []string{arn}, "same-named user's attachments untouched")
	n, _ := s.CountPolicyAttachments(bg, arn)
	equal(t, n, 2, "attachments of the policy")

	// A change of case only is a rename too: the new spelling is stored.
	update(t, s, func(tx store.Tx) error { return tx.UpdateGroup(bg, "Developers", group("DEVELOPERS")) })
	equal(t, groupsOf(t, s, "Ann"), []string{"DEVELOPERS"}, "groups after case change")
	inl, _ = s.ListInlinePolicies(bg, acct, store.KindGroup, "developers")
	if len(inl) != 1 || inl[0].PrincipalName != "DEVELOPERS" {
		t.Fatalf("inline policies after case change = %+v", inl)
	}
}

func testUserRenameMemberships(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateGroup(bg, group("Devs")) },
			func() error { return tx.CreateGroup(bg, group("Ops")) },
			func() error { return tx.CreateUser(bg, user("Bob")) },
			func() error { return tx.CreateUser(bg, user("Zed")) },
			func() error { return tx.AddGroupMember(bg, acct, "Devs", "Bob") },
			func() error { return tx.AddGroupMember(bg, acct, "Ops", "Bob") },
			func() error { return tx.AddGroupMember(bg, acct, "Devs", "Zed") },
		}
	})
	equal(t, groupsOf(t, s, "Bob"), []string{"Devs", "Ops"}, "groups before rename")
	equal(t, groupsOf(t, s, "Robert"), []string{}, "groups of the new name before rename")
	equal(t, membersOf(t, s, "Devs"), []string{"Bob", "Zed"}, "members before rename")

	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "bob", user("Robert")) })
	equal(t, groupsOf(t, s, "robert"), []string{"Devs", "Ops"}, "groups after rename")
	equal(t, groupsOf(t, s, "Bob"), []string{}, "groups of the old name")
	equal(t, membersOf(t, s, "Devs"), []string{"Robert", "Zed"}, "members after rename")
	update(t, s, func(tx store.Tx) error { return tx.RemoveGroupMember(bg, acct, "Ops", "ROBERT") })
	equal(t, groupsOf(t, s, "Robert"), []string{"Devs"}, "groups after removal under the new name")

	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "Robert", user("ROBERT")) })
	equal(t, membersOf(t, s, "Devs"), []string{"ROBERT", "Zed"}, "members after case change")
}

// testGroupLeftovers checks that memberships and policies a caller left
// when deleting a user or group never pass to a user or group created or
// renamed to the same name later (testDeleteCascades checks that the
// delete itself removes them).
func testGroupLeftovers(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	arn := "arn:aws:iam::aws:policy/Old"
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateGroup(bg, group("Old")) },
			func() error { return tx.CreateGroup(bg, group("Keep")) },
			func() error { return tx.CreateGroup(bg, group("Other")) },
			func() error { return tx.CreateUser(bg, user("Ann")) },
			func() error { return tx.CreateUser(bg, user("Gone")) },
			func() error { return tx.CreateUser(bg, user("Stay")) },
			func() error { return tx.AddGroupMember(bg, acct, "Old", "Ann") },
			func() error { return tx.AddGroupMember(bg, acct, "Keep", "Ann") },
			func() error { return tx.AddGroupMember(bg, acct, "Keep", "Gone") },
			func() error { return tx.AddGroupMember(bg, acct, "Other", "Stay") },
			func() error {
				return tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: store.KindGroup, PrincipalName: "Old", Name: "p", Document: "{}"})
			},
			func() error { return tx.AttachPolicy(bg, acct, store.KindGroup, "Old", arn) },
		}
	})
	equal(t, groupsOf(t, s, "Ann"), []string{"Keep", "Old"}, "Ann's groups")
	equal(t, membersOf(t, s, "Keep"), []string{"Ann", "Gone"}, "Keep's members")
	equal(t, groupsOf(t, s, "Gone"), []string{"Keep"}, "Gone's groups")

	update(t, s, func(tx store.Tx) error { return tx.DeleteGroup(bg, acct, "Old") })
	update(t, s, func(tx store.Tx) error { return tx.DeleteUser(bg, acct, "Gone") })

	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateGroup(bg, group("OLD")) },
			func() error { return tx.CreateUser(bg, user("GONE")) },
		}
	})
	equal(t, membersOf(t, s, "Old"), []string{}, "members of a re-created group")
	equal(t, groupsOf(t, s, "Ann"), []string{"Keep"}, "groups after re-creating a group")
	inl, err := s.ListInlinePolicies(bg, acct, store.KindGroup, "Old")
	noErr(t, err, "ListInlinePolicies")
	equal(t, len(inl), 0, "inline policies of a re-created group")
	att, err := s.ListAttachedPolicies(bg, acct, store.KindGroup, "Old")
	noErr(t, err, "ListAttachedPolicies")
	equal(t, len(att), 0, "attachments of a re-created group")
	equal(t, groupsOf(t, s, "Gone"), []string{}, "groups of a re-created user")
	equal(t, membersOf(t, s, "Keep"), []string{"Ann"}, "members after re-creating a user")

	// Renaming onto a name with leftovers inherits none of them.
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.AddGroupMember(bg, acct, "Old", "Gone") },
			func() error { return tx.AddGroupMember(bg, acct, "Keep", "Gone") },
			func() error {
				return tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: store.KindGroup, PrincipalName: "Old", Name: "p", Document: "{}"})
			},
			func() error { return tx.AttachPolicy(bg, acct, store.KindGroup, "Old", arn) },
			func() error { return tx.DeleteGroup(bg, acct, "Old") },
			func() error { return tx.DeleteUser(bg, acct, "Gone") },
		}
	})
	update(t, s, func(tx store.Tx) error { return tx.UpdateGroup(bg, "Other", group("Old")) })
	equal(t, membersOf(t, s, "Old"), []string{"Stay"}, "members after renaming onto leftovers")
	inl, _ = s.ListInlinePolicies(bg, acct, store.KindGroup, "Old")
	equal(t, len(inl), 0, "inline policies after renaming onto leftovers")
	att, _ = s.ListAttachedPolicies(bg, acct, store.KindGroup, "Old")
	equal(t, len(att), 0, "attachments after renaming onto leftovers")
	update(t, s, func(tx store.Tx) error { return tx.UpdateUser(bg, "Stay", user("Gone")) })
	equal(t, groupsOf(t, s, "Gone"), []string{"Old"}, "groups after renaming a user onto leftovers")
	equal(t, membersOf(t, s, "Keep"), []string{"Ann"}, "members after renaming a user onto leftovers")
}

func testGroupRollback(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateGroup(bg, group("Keep")) },
			func() error { return tx.CreateUser(bg, user("Ann")) },
			func() error { return tx.AddGroupMember(bg, acct, "Keep", "Ann") },
		}
	})
	equal(t, groupsOf(t, s, "Ann"), []string{"Keep"}, "groups before the failed Update")
	err := s.Update(bg, func(tx store.Tx) error {
		for _, e := range []error{
			tx.CreateGroup(bg, group("Gone")),
			tx.AddGroupMember(bg, acct, "Gone", "Ann"),
			tx.RemoveGroupMember(bg, acct, "Keep", "Ann"),
			tx.UpdateGroup(bg, "Keep", group("Renamed")),
			tx.AttachPolicy(bg, acct, store.KindGroup, "Renamed", "arn:aws:iam::aws:policy/X"),
			tx.UpdateUser(bg, "Ann", user("Anna")),
		} {
			if e != nil {
				return e
			}
		}
		// Reads inside the transaction see its own writes.
		gs, err := tx.ListGroupsForUser(bg, acct, "Anna")
		if err != nil {
			return err
		}
		if len(gs) != 1 || gs[0].Name != "Gone" {
			t.Errorf("groups inside the transaction = %+v, want Gone", gs)
		}
		return errBoom
	})
	isErr(t, err, errBoom, "Update returns fn's error")
	_, err = s.GetGroup(bg, acct, "Gone")
	isErr(t, err, store.ErrNotFound, "group from failed Update")
	_, err = s.GetGroup(bg, acct, "Renamed")
	isErr(t, err, store.ErrNotFound, "rename from failed Update")
	equal(t, groupsOf(t, s, "Ann"), []string{"Keep"}, "groups after the failed Update")
	equal(t, groupsOf(t, s, "Anna"), []string{}, "groups of the name from the failed Update")
	equal(t, membersOf(t, s, "Keep"), []string{"Ann"}, "members after the failed Update")
	if att, _ := s.ListAttachedPolicies(bg, acct, store.KindGroup, "Renamed"); len(att) != 0 {
		t.Fatalf("attachment from failed Update: %v", att)
	}
}
