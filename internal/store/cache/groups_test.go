package cache_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
)

// groupCounting counts the backend group reads the cache serves.
type groupCounting struct {
	store.Store
	mu               sync.Mutex
	gets, userGroups int
}

func (s *groupCounting) GetGroup(ctx context.Context, accountID, name string) (store.Group, error) {
	s.mu.Lock()
	s.gets++
	s.mu.Unlock()
	return s.Store.GetGroup(ctx, accountID, name)
}

func (s *groupCounting) ListGroupsForUser(ctx context.Context, accountID, userName string) ([]store.Group, error) {
	s.mu.Lock()
	s.userGroups++
	s.mu.Unlock()
	return s.Store.ListGroupsForUser(ctx, accountID, userName)
}

func (s *groupCounting) counts() (gets, userGroups int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets, s.userGroups
}

func TestGroupReadsAreCached(t *testing.T) {
	back := &groupCounting{Store: openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))}
	c := cache.New(back)
	defer c.Close()
	seedGroups(t, c)
	for _, name := range []string{"Ann", "ann", "ANN"} {
		gs, err := c.ListGroupsForUser(bg, acct, name)
		if err != nil || len(gs) != 1 || gs[0].Name != "Devs" {
			t.Fatalf("ListGroupsForUser %s = %+v, %v", name, gs, err)
		}
	}
	for _, name := range []string{"Devs", "devs", "Nobody", "nobody"} {
		_, _ = c.GetGroup(bg, acct, name)
	}
	if gets, lists := back.counts(); gets != 2 || lists != 1 {
		t.Fatalf("backend reads: GetGroup %d (want 2: a hit and a miss), ListGroupsForUser %d (want 1)", gets, lists)
	}
}

// seedGroups makes users Ann and Bob and groups Devs and Ops; Ann is in
// Devs, which has an inline policy and an attached one.
func seedGroups(t testing.TB, s store.Store) {
	t.Helper()
	seed(t, s)
	err := s.Update(bg, func(tx store.Tx) error {
		for _, err := range []error{
			tx.CreateUser(bg, store.User{AccountID: acct, Name: "Ann", ID: "AIDAANN", Path: "/"}),
			tx.CreateUser(bg, store.User{AccountID: acct, Name: "Bob", ID: "AIDABOB", Path: "/"}),
			tx.CreateGroup(bg, store.Group{AccountID: acct, Name: "Devs", ID: "AGPADEVS", Path: "/"}),
			tx.CreateGroup(bg, store.Group{AccountID: acct, Name: "Ops", ID: "AGPAOPS", Path: "/"}),
			tx.AddGroupMember(bg, acct, "Devs", "Ann"),
			tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: store.KindGroup, PrincipalName: "Devs", Name: "p", Document: "{}"}),
			tx.AttachPolicy(bg, acct, store.KindGroup, "Devs", "arn:aws:iam::aws:policy/A"),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// groupReads is everything authorization reads about groups, rendered so
// two stores' answers compare as strings.
func groupReads(s store.Reader) map[string]string {
	out := map[string]string{}
	for _, u := range []string{"Ann", "Bob", "Anna"} {
		gs, err := s.ListGroupsForUser(bg, acct, u)
		out["groups of "+u] = fmt.Sprintf("%+v %v", gs, err)
	}
	for _, g := range []string{"Devs", "Ops", "Developers"} {
		v, err := s.GetGroup(bg, acct, g)
		out["group "+g] = fmt.Sprintf("%+v %v", v, err)
		inl, err := s.ListInlinePolicies(bg, acct, store.KindGroup, g)
		out["inline of "+g] = fmt.Sprintf("%+v %v", inl, err)
		att, err := s.ListAttachedPolicies(bg, acct, store.KindGroup, g)
		out["attached to "+g] = fmt.Sprintf("%+v %v", att, err)
	}
	return out
}

// TestGroupWritesInvalidate warms every group read through the cache, makes
// one write through it, and checks the cache then answers exactly as the
// backend does. Each write must change some answer, or the case proves
// nothing.
func TestGroupWritesInvalidate(t *testing.T) {
	devs := store.Group{AccountID: acct, Name: "Devs", ID: "AGPADEVS", Path: "/"}
	cases := []struct {
		name  string
		prep  func(tx store.Tx) error // before warming, optional
		write func(tx store.Tx) error
	}{
		{"add member", nil, func(tx store.Tx) error { return tx.AddGroupMember(bg, acct, "devs", "bob") }},
		{"remove member", nil, func(tx store.Tx) error { return tx.RemoveGroupMember(bg, acct, "DEVS", "ANN") }},
		{"update group", nil, func(tx store.Tx) error {
			g := devs
			g.Path = "/moved/"
			return tx.UpdateGroup(bg, "devs", g)
		}},
		{"rename group", nil, func(tx store.Tx) error {
			g := devs
			g.Name = "Developers"
			return tx.UpdateGroup(bg, "DEVS", g)
		}},
		{"rename group case only", nil, func(tx store.Tx) error {
			g := devs
			g.Name = "DEVS"
			return tx.UpdateGroup(bg, "devs", g)
		}},
		{"delete group with a member left", nil, func(tx store.Tx) error { return tx.DeleteGroup(bg, acct, "devs") }},
		{"create group over leftovers", func(tx store.Tx) error { return tx.DeleteGroup(bg, acct, "Devs") },
			func(tx store.Tx) error { return tx.CreateGroup(bg, devs) }},
		{"rename user", nil, func(tx store.Tx) error {
			return tx.UpdateUser(bg, "ann", store.User{AccountID: acct, Name: "Anna", ID: "AIDAANN", Path: "/"})
		}},
		{"delete user", nil, func(tx store.Tx) error { return tx.DeleteUser(bg, acct, "ANN") }},
		{"put group inline policy", nil, func(tx store.Tx) error {
			return tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: store.KindGroup, PrincipalName: "devs", Name: "q", Document: "{}"})
		}},
		{"delete group inline policy", nil, func(tx store.Tx) error {
			return tx.DeleteInlinePolicy(bg, acct, store.KindGroup, "DEVS", "P")
		}},
		{"attach to group", nil, func(tx store.Tx) error {
			return tx.AttachPolicy(bg, acct, store.KindGroup, "ops", "arn:aws:iam::aws:policy/B")
		}},
		{"detach from group", nil, func(tx store.Tx) error {
			return tx.DetachPolicy(bg, acct, store.KindGroup, "devs", "arn:aws:iam::aws:policy/A")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			back := openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))
			c := cache.New(back)
			defer c.Close()
			seedGroups(t, c)
			if tc.prep != nil {
				if err := c.Update(bg, tc.prep); err != nil {
					t.Fatal(err)
				}
			}
			before := groupReads(c)
			if err := c.Update(bg, tc.write); err != nil {
				t.Fatal(err)
			}
			want := groupReads(back)
			changed := false
			for k, w := range want {
				changed = changed || before[k] != w
			}
			if !changed {
				t.Fatal("the write changed no group read; the case tests nothing")
			}
			got := groupReads(c)
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s: cache has %s, store has %s", k, got[k], w)
				}
			}
		})
	}
}
