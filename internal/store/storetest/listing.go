package storetest

import (
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// lister lists the names of one kind of path-scoped entity.
type lister func(pathPrefix string, page store.Page) ([]string, error)

func testListing(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	entries := []struct{ name, path string }{
		{"echo", "/eng/"}, {"alpha", "/"}, {"Delta", "/ops/"}, {"charlie", "/eng/sub/"}, {"Bravo", "/eng/"},
		// A look-alike path that a LIKE-based prefix match would confuse.
		{"foxtrot", "/en_/"},
	}
	update(t, s, func(tx store.Tx) error {
		for _, e := range entries {
			u, r, p, g, ip := user(e.name), role(e.name), policy(e.name), group(e.name), profile(e.name)
			u.Path, r.Path, p.Path, g.Path, ip.Path = e.path, e.path, e.path, e.path, e.path
			for _, err := range []error{tx.CreateUser(bg, u), tx.CreateRole(bg, r), tx.CreatePolicy(bg, p), tx.CreateGroup(bg, g),
				tx.CreateInstanceProfile(bg, ip)} {
				if err != nil {
					return err
				}
			}
		}
		// Another account's entities never show up.
		other, otherGroup, otherProfile := user("aaa"), group("aaa"), profile("aaa")
		other.AccountID, otherGroup.AccountID, otherProfile.AccountID = acct2, acct2, acct2
		if err := tx.CreateGroup(bg, otherGroup); err != nil {
			return err
		}
		if err := tx.CreateInstanceProfile(bg, otherProfile); err != nil {
			return err
		}
		return tx.CreateUser(bg, other)
	})
	kinds := map[string]lister{
		"users": func(prefix string, p store.Page) ([]string, error) {
			us, err := s.ListUsers(bg, acct, prefix, p)
			return names(us, func(u store.User) string { return u.Name }), err
		},
		"roles": func(prefix string, p store.Page) ([]string, error) {
			rs, err := s.ListRoles(bg, acct, prefix, p)
			return names(rs, func(r store.Role) string { return r.Name }), err
		},
		"groups": func(prefix string, p store.Page) ([]string, error) {
			gs, err := s.ListGroups(bg, acct, prefix, p)
			return groupNames(gs), err
		},
		"instance profiles": func(prefix string, p store.Page) ([]string, error) {
			ps, err := s.ListInstanceProfiles(bg, acct, prefix, p)
			return profileNames(ps), err
		},
		"policies": func(prefix string, p store.Page) ([]string, error) {
			ps, err := s.ListPolicies(bg, acct, prefix, p)
			return names(ps, func(p store.ManagedPolicy) string { return p.Name }), err
		},
	}
	cases := []struct {
		name   string
		prefix string
		page   store.Page
		want   string
	}{
		{"all", "", store.Page{}, "alpha Bravo charlie Delta echo foxtrot"},
		{"root prefix", "/", store.Page{}, "alpha Bravo charlie Delta echo foxtrot"},
		{"eng prefix", "/eng/", store.Page{}, "Bravo charlie echo"},
		{"deeper prefix", "/eng/sub/", store.Page{}, "charlie"},
		{"underscore is literal", "/en_/", store.Page{}, "foxtrot"},
		{"no match", "/none/", store.Page{}, ""},
		{"first page", "", store.Page{Limit: 2}, "alpha Bravo"},
		{"second page", "", store.Page{After: "bravo", Limit: 2}, "charlie Delta"},
		{"last page", "", store.Page{After: "delta", Limit: 5}, "echo foxtrot"},
		{"past the end", "", store.Page{After: "foxtrot", Limit: 2}, ""},
		{"after without limit", "", store.Page{After: "charlie"}, "Delta echo foxtrot"},
		{"paged prefix", "/eng/", store.Page{After: "bravo", Limit: 1}, "charlie"},
	}
	for kind, list := range kinds {
		for _, c := range cases {
			got, err := list(c.prefix, c.page)
			noErr(t, err, kind+" "+c.name)
			if strings.Join(got, " ") != c.want {
				t.Errorf("%s %s = %q, want %q", kind, c.name, strings.Join(got, " "), c.want)
			}
		}
		// Walking pages of one visits everything once, in order.
		var all []string
		page := store.Page{Limit: 1}
		for i := 0; i < 10; i++ {
			got, err := list("", page)
			noErr(t, err, kind+" walk")
			if len(got) == 0 {
				break
			}
			all = append(all, got...)
			page.After = strings.ToLower(got[len(got)-1])
		}
		if strings.Join(all, " ") != "alpha Bravo charlie Delta echo foxtrot" {
			t.Errorf("%s page walk = %v", kind, all)
		}
	}
}

func names[T any](items []T, name func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}
