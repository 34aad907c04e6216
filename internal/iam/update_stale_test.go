package iam

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/store"
)

// interfering commits one write of another request just before the first
// transaction the service opens: the moment between an operation's
// authorization and its write.
type interfering struct {
	store.Store
	t      *testing.T
	once   sync.Once
	before func(tx store.Tx) error
}

func (i *interfering) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	i.once.Do(func() {
		if err := i.Store.Update(ctx, i.before); err != nil {
			i.t.Fatal(err)
		}
	})
	return i.Store.Update(ctx, fn)
}

func TestUpdateUserKeepsConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	const acct = "111111111111"
	st := outboundStore(t)
	bob := store.User{AccountID: acct, Name: "bob", ID: "AIDABOB", Path: "/", CreatedAt: time.Now()}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, bob) }); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		meanwhile func(u store.User) store.User
		in        iamapi.UpdateUserRequest
		want      store.User
		wantName  string
	}{
		{
			// A boundary set meanwhile survives a path change: only the
			// path and name are UpdateUser's to write.
			name:      "boundary set meanwhile",
			meanwhile: func(u store.User) store.User { u.PermissionsBoundary = "arn:aws:iam::111111111111:policy/B"; return u },
			in:        iamapi.UpdateUserRequest{UserName: "bob", NewPath: "/eng/"},
			want:      store.User{Path: "/eng/", PermissionsBoundary: "arn:aws:iam::111111111111:policy/B"},
			wantName:  "bob",
		},
		{
			// A path changed meanwhile: the request is authorized again
			// against the user as it now is, then applied.
			name:      "moved meanwhile",
			meanwhile: func(u store.User) store.User { u.Path = "/ops/"; return u },
			in:        iamapi.UpdateUserRequest{UserName: "bob", NewUserName: "robert"},
			want:      store.User{Path: "/ops/", PermissionsBoundary: "arn:aws:iam::111111111111:policy/B"},
			wantName:  "robert",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wrapped := &interfering{Store: st, t: t, before: func(tx store.Tx) error {
				u, err := tx.GetUser(ctx, acct, "bob")
				if err != nil {
					return err
				}
				return tx.UpdateUser(ctx, u.Name, c.meanwhile(u))
			}}
			s := New(Config{Store: wrapped})
			if _, err := s.UpdateUser(ctx, rootCall(acct), &c.in); err != nil {
				t.Fatal(err)
			}
			got, err := st.GetUser(ctx, acct, c.wantName)
			if err != nil {
				t.Fatal(err)
			}
			if got.Path != c.want.Path || got.PermissionsBoundary != c.want.PermissionsBoundary || got.ID != bob.ID {
				t.Fatalf("user = %+v, want path %q boundary %q", got, c.want.Path, c.want.PermissionsBoundary)
			}
		})
	}
}

func TestUpdateGroupRetriesWhenMovedMeanwhile(t *testing.T) {
	ctx := context.Background()
	const acct = "111111111111"
	st := outboundStore(t)
	g := store.Group{AccountID: acct, Name: "devs", ID: "AGPADEVS", Path: "/", CreatedAt: time.Now()}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateGroup(ctx, g) }); err != nil {
		t.Fatal(err)
	}
	wrapped := &interfering{Store: st, t: t, before: func(tx store.Tx) error {
		moved := g
		moved.Path = "/eng/"
		return tx.UpdateGroup(ctx, g.Name, moved)
	}}
	s := New(Config{Store: wrapped})
	if _, err := s.UpdateGroup(ctx, rootCall(acct), &iamapi.UpdateGroupRequest{GroupName: "devs", NewGroupName: "developers"}); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetGroup(ctx, acct, "developers")
	if err != nil {
		t.Fatal(err)
	}
	// The rename did not put the old path back.
	if got.Path != "/eng/" || got.ID != g.ID {
		t.Fatalf("group = %+v, want path /eng/", got)
	}
}
