package storetest

import (
	"fmt"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

func profile(name string, roles ...string) store.InstanceProfile {
	p := store.InstanceProfile{
		AccountID: acct, Name: name, ID: "AIPAEXAMPLE" + name, Path: "/",
		Tags: []store.Tag{{Key: "team", Value: "a"}, {Key: "Env", Value: "prod"}}, CreatedAt: at(13),
	}
	if len(roles) > 0 {
		p.Roles = roles
	}
	return p
}

func profileNames(ps []store.InstanceProfile) []string {
	return names(ps, func(p store.InstanceProfile) string { return p.Name })
}

// rolesIn reads a profile's roles, failing the test on error.
func rolesIn(t *testing.T, s store.Store, profileName string) []string {
	t.Helper()
	p, err := s.GetInstanceProfile(bg, acct, profileName)
	noErr(t, err, "GetInstanceProfile "+profileName)
	return p.Roles
}

// profilesOf lists the names of the profiles holding a role, failing the
// test on error.
func profilesOf(t *testing.T, s store.Store, roleName string) []string {
	t.Helper()
	ps, err := s.ListInstanceProfilesForRole(bg, acct, roleName, store.Page{})
	noErr(t, err, "ListInstanceProfilesForRole "+roleName)
	return profileNames(ps)
}

func testInstanceProfiles(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := profile("WebServer")
	p.Path = "/web/"
	// Read the absent profile first, so a cache has a miss to forget.
	_, err := s.GetInstanceProfile(bg, acct, "webserver")
	isErr(t, err, store.ErrNotFound, "GetInstanceProfile before create")
	// Roles given to Create are not stored: only AddInstanceProfileRole
	// puts a role in a profile.
	withRoles := p
	withRoles.Roles = []string{"Ignored"}
	update(t, s, func(tx store.Tx) error { return tx.CreateInstanceProfile(bg, withRoles) })
	for _, name := range []string{"WebServer", "webserver", "WEBSERVER"} {
		got, err := s.GetInstanceProfile(bg, acct, name)
		noErr(t, err, "GetInstanceProfile "+name)
		equal(t, got, p, "profile by "+name)
	}
	_, err = s.GetInstanceProfile(bg, acct2, "WebServer")
	isErr(t, err, store.ErrNotFound, "GetInstanceProfile in another account")
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.CreateInstanceProfile(bg, profile("wEBsERVER")) })
	other := profile("webserver")
	other.AccountID = acct2
	update(t, s, func(tx store.Tx) error { return tx.CreateInstanceProfile(bg, other) })
	orphan := profile("Orphan")
	orphan.AccountID = "999999999999"
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.CreateInstanceProfile(bg, orphan) })

	// An update writes the tags and nothing else, under any spelling.
	changed := p
	changed.Name, changed.Path, changed.ID, changed.CreatedAt = "WEBSERVER", "/changed/", "AIPACHANGED", at(14)
	changed.Tags = []store.Tag{{Key: "new", Value: "1"}}
	update(t, s, func(tx store.Tx) error { return tx.UpdateInstanceProfile(bg, changed) })
	p.Tags = changed.Tags
	got, err := s.GetInstanceProfile(bg, acct, "WebServer")
	noErr(t, err, "GetInstanceProfile after update")
	equal(t, got, p, "updated profile")
	p.Tags = nil
	update(t, s, func(tx store.Tx) error { return tx.UpdateInstanceProfile(bg, p) })
	got, _ = s.GetInstanceProfile(bg, acct, "WebServer")
	equal(t, got, p, "profile with its tags removed")
	if o, _ := s.GetInstanceProfile(bg, acct2, "WebServer"); len(o.Tags) != 2 {
		t.Fatalf("updating a profile changed another account's: %+v", o)
	}
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.UpdateInstanceProfile(bg, profile("Nobody")) })

	update(t, s, func(tx store.Tx) error { return tx.DeleteInstanceProfile(bg, acct, "webSERVER") })
	_, err = s.GetInstanceProfile(bg, acct, "WebServer")
	isErr(t, err, store.ErrNotFound, "GetInstanceProfile deleted")
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.DeleteInstanceProfile(bg, acct, "WebServer") })
	if _, err := s.GetInstanceProfile(bg, acct2, "webserver"); err != nil {
		t.Fatalf("deleting a profile removed another account's profile: %v", err)
	}
}

func testInstanceProfileRoles(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	otherRole := role("Web")
	otherRole.AccountID = acct2
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateInstanceProfile(bg, profile("Web")) },
			func() error { return tx.CreateInstanceProfile(bg, profile("app")) },
			func() error { return tx.CreateInstanceProfile(bg, profile("Batch")) },
			func() error { return tx.CreateInstanceProfile(bg, profile("empty")) },
			func() error { return tx.CreateRole(bg, role("Web")) },
			func() error { return tx.CreateRole(bg, role("api")) },
			func() error { return tx.CreateRole(bg, role("Zeta")) },
			func() error { return tx.CreateRole(bg, otherRole) },
		}
	})
	// Reads before the writes, so a cache holds entries they must replace.
	equal(t, rolesIn(t, s, "Web"), []string(nil), "roles before any add")
	equal(t, profilesOf(t, s, "web"), []string{}, "profiles before any add")

	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.AddInstanceProfileRole(bg, acct, "WEB", "zeta") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "web", "API") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Web", "web") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "app", "Web") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "batch", "WEB") },
		}
	})
	// A second add, under any spelling, is refused and changes nothing.
	updateErr(t, s, store.ErrAlreadyExists, func(tx store.Tx) error { return tx.AddInstanceProfileRole(bg, acct, "wEb", "Api") })

	got, err := s.GetInstanceProfile(bg, acct, "WEB")
	noErr(t, err, "GetInstanceProfile")
	equal(t, got, profile("Web", "api", "Web", "Zeta"), "roles in their stored spelling, ordered by lower-cased name")
	equal(t, rolesIn(t, s, "empty"), []string(nil), "roles of an empty profile")

	all, err := s.ListInstanceProfiles(bg, acct, "", store.Page{})
	noErr(t, err, "ListInstanceProfiles")
	equal(t, all, []store.InstanceProfile{profile("app", "Web"), profile("Batch", "Web"), profile("empty"), profile("Web", "api", "Web", "Zeta")},
		"listed profiles carry their roles")
	page, err := s.ListInstanceProfiles(bg, acct, "", store.Page{After: "batch", Limit: 2})
	noErr(t, err, "ListInstanceProfiles page")
	equal(t, page, []store.InstanceProfile{profile("empty"), profile("Web", "api", "Web", "Zeta")},
		"a page of profiles with several roles each is not cut by its roles")

	forRole, err := s.ListInstanceProfilesForRole(bg, acct, "WEB", store.Page{})
	noErr(t, err, "ListInstanceProfilesForRole")
	equal(t, forRole, []store.InstanceProfile{profile("app", "Web"), profile("Batch", "Web"), profile("Web", "api", "Web", "Zeta")},
		"profiles of a role are full values ordered by lower-cased name")
	equal(t, profilesOf(t, s, "Zeta"), []string{"Web"}, "profiles of Zeta")
	pages := []struct {
		page store.Page
		want []string
	}{
		{store.Page{Limit: 2}, []string{"app", "Batch"}},
		{store.Page{After: "batch", Limit: 2}, []string{"Web"}},
		{store.Page{After: "web", Limit: 2}, []string{}},
		{store.Page{After: "app"}, []string{"Batch", "Web"}},
	}
	for _, p := range pages {
		ps, err := s.ListInstanceProfilesForRole(bg, acct, "web", p.page)
		noErr(t, err, "ListInstanceProfilesForRole page")
		equal(t, profileNames(ps), p.want, "profiles page after "+p.page.After)
	}

	// Unknown roles, and other accounts, have none.
	equal(t, profilesOf(t, s, "Nobody"), []string{}, "profiles of a missing role")
	ps, err := s.ListInstanceProfilesForRole(bg, acct2, "Web", store.Page{})
	noErr(t, err, "ListInstanceProfilesForRole other account")
	equal(t, len(ps), 0, "profiles in another account")

	update(t, s, func(tx store.Tx) error { return tx.RemoveInstanceProfileRole(bg, acct, "WEB", "ZETA") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.RemoveInstanceProfileRole(bg, acct, "Web", "Zeta") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.RemoveInstanceProfileRole(bg, acct, "empty", "Web") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.RemoveInstanceProfileRole(bg, acct, "Nobody", "Web") })
	updateErr(t, s, store.ErrNotFound, func(tx store.Tx) error { return tx.RemoveInstanceProfileRole(bg, acct2, "Web", "Web") })
	equal(t, rolesIn(t, s, "Web"), []string{"api", "Web"}, "roles after removal")
	equal(t, profilesOf(t, s, "Zeta"), []string{}, "profiles of a removed role")

	// A tag update keeps the roles.
	tagged := profile("app")
	tagged.Tags = []store.Tag{{Key: "x", Value: "y"}}
	update(t, s, func(tx store.Tx) error { return tx.UpdateInstanceProfile(bg, tagged) })
	equal(t, rolesIn(t, s, "APP"), []string{"Web"}, "roles after a tag update")
}

// testInstanceProfileLeftovers checks that roles a caller left in a
// profile when deleting the role, or left in a deleted profile, never pass
// to a role or profile created under the same name later
// (testDeleteCascades checks that the delete itself removes them).
func testInstanceProfileLeftovers(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateInstanceProfile(bg, profile("Keep")) },
			func() error { return tx.CreateInstanceProfile(bg, profile("Old")) },
			func() error { return tx.CreateRole(bg, role("Gone")) },
			func() error { return tx.CreateRole(bg, role("Stay")) },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Keep", "Gone") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Keep", "Stay") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Old", "Stay") },
		}
	})
	equal(t, rolesIn(t, s, "Keep"), []string{"Gone", "Stay"}, "Keep's roles")
	equal(t, profilesOf(t, s, "Gone"), []string{"Keep"}, "Gone's profiles")
	equal(t, profilesOf(t, s, "Stay"), []string{"Keep", "Old"}, "Stay's profiles")

	update(t, s, func(tx store.Tx) error { return tx.DeleteRole(bg, acct, "gone") })
	update(t, s, func(tx store.Tx) error { return tx.DeleteInstanceProfile(bg, acct, "old") })

	// Re-created under another spelling, neither inherits anything.
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateRole(bg, role("GONE")) },
			func() error { return tx.CreateInstanceProfile(bg, profile("OLD")) },
		}
	})
	equal(t, rolesIn(t, s, "Keep"), []string{"Stay"}, "roles after re-creating a role")
	equal(t, profilesOf(t, s, "Gone"), []string{}, "profiles of a re-created role")
	equal(t, rolesIn(t, s, "Old"), []string(nil), "roles of a re-created profile")
	equal(t, profilesOf(t, s, "Stay"), []string{"Keep"}, "profiles after re-creating a profile")
	// The cleared rows are gone, not hidden: adding them again works.
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Keep", "Gone") },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Old", "Stay") },
		}
	})
	equal(t, rolesIn(t, s, "Keep"), []string{"GONE", "Stay"}, "roles after adding the re-created role")
	equal(t, profilesOf(t, s, "stay"), []string{"Keep", "OLD"}, "profiles after adding to the re-created profile")

	// Deleted and re-created inside one Update, the same holds.
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.DeleteRole(bg, acct, "Gone") },
			func() error { return tx.CreateRole(bg, role("Gone")) },
			func() error { return tx.DeleteInstanceProfile(bg, acct, "Old") },
			func() error { return tx.CreateInstanceProfile(bg, profile("Old")) },
		}
	})
	equal(t, rolesIn(t, s, "Keep"), []string{"Stay"}, "roles after re-creating a role in one Update")
	equal(t, rolesIn(t, s, "Old"), []string(nil), "roles after re-creating a profile in one Update")
}

func testInstanceProfileRollback(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	keep := profile("Keep")
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateInstanceProfile(bg, keep) },
			func() error { return tx.CreateInstanceProfile(bg, profile("Doomed")) },
			func() error { return tx.CreateRole(bg, role("R1")) },
			func() error { return tx.CreateRole(bg, role("R2")) },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Keep", "R1") },
		}
	})
	equal(t, rolesIn(t, s, "Keep"), []string{"R1"}, "roles before the failed Update")
	equal(t, profilesOf(t, s, "R2"), []string{}, "R2's profiles before the failed Update")
	retagged := keep
	retagged.Tags = []store.Tag{{Key: "never", Value: "1"}}
	err := s.Update(bg, func(tx store.Tx) error {
		for _, e := range []error{
			tx.CreateInstanceProfile(bg, profile("Gone")),
			tx.AddInstanceProfileRole(bg, acct, "Gone", "R2"),
			tx.AddInstanceProfileRole(bg, acct, "Keep", "R2"),
			tx.RemoveInstanceProfileRole(bg, acct, "Keep", "R1"),
			tx.UpdateInstanceProfile(bg, retagged),
			tx.DeleteInstanceProfile(bg, acct, "Doomed"),
			tx.DeleteRole(bg, acct, "R1"),
			tx.CreateRole(bg, role("R1")),
		} {
			if e != nil {
				return e
			}
		}
		// Reads inside the transaction see its own writes.
		ps, err := tx.ListInstanceProfilesForRole(bg, acct, "r2", store.Page{})
		if err != nil {
			return err
		}
		if got := profileNames(ps); fmt.Sprint(got) != "[Gone Keep]" {
			t.Errorf("profiles inside the transaction = %v, want [Gone Keep]", got)
		}
		return errBoom
	})
	isErr(t, err, errBoom, "Update returns fn's error")
	_, err = s.GetInstanceProfile(bg, acct, "Gone")
	isErr(t, err, store.ErrNotFound, "profile from failed Update")
	got, err := s.GetInstanceProfile(bg, acct, "Keep")
	noErr(t, err, "GetInstanceProfile after the failed Update")
	equal(t, got, profile("Keep", "R1"), "profile after the failed Update")
	if _, err := s.GetInstanceProfile(bg, acct, "Doomed"); err != nil {
		t.Fatalf("profile deleted in a failed Update: %v", err)
	}
	equal(t, profilesOf(t, s, "R1"), []string{"Keep"}, "R1's profiles after the failed Update")
	equal(t, profilesOf(t, s, "R2"), []string{}, "R2's profiles after the failed Update")
}

func testInstanceProfileResultsAreCopies(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := profile("Copy")
	mustTx(t, s, func(tx store.Tx) []func() error {
		return []func() error{
			func() error { return tx.CreateInstanceProfile(bg, p) },
			func() error { return tx.CreateRole(bg, role("R")) },
			func() error { return tx.AddInstanceProfileRole(bg, acct, "Copy", "R") },
		}
	})
	// Nor does the store keep the caller's slices.
	p.Tags[0].Value = "corrupted"
	want := profile("Copy", "R")
	for i := 0; i < 2; i++ { // twice: a cache would serve the second read
		got, err := s.GetInstanceProfile(bg, acct, "Copy")
		noErr(t, err, "GetInstanceProfile")
		equal(t, got, want, "profile")
		got.Tags[0].Value, got.Roles[0] = "corrupted", "x"
		ps, err := s.ListInstanceProfiles(bg, acct, "", store.Page{})
		noErr(t, err, "ListInstanceProfiles")
		equal(t, ps, []store.InstanceProfile{want}, "listed profiles")
		ps[0].Tags[0].Value, ps[0].Roles[0] = "corrupted", "x"
		ps, err = s.ListInstanceProfilesForRole(bg, acct, "R", store.Page{})
		noErr(t, err, "ListInstanceProfilesForRole")
		equal(t, ps, []store.InstanceProfile{want}, "profiles for role")
		ps[0].Tags[0].Value, ps[0].Roles[0] = "corrupted", "x"
	}
}
