package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

var errBoom = errors.New("storetest: planned failure")

func testRollback(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(bg, user("Keep")) })

	// An error from fn after several writes leaves none of them.
	err := s.Update(bg, func(tx store.Tx) error {
		for _, e := range []error{
			tx.CreateUser(bg, user("Gone")),
			tx.CreateAccessKey(bg, accessKey("AKIAGONEEXAMPLE00001", "Gone")),
			tx.UpdateUser(bg, "Keep", user("Renamed")),
			tx.AttachPolicy(bg, acct, store.KindUser, "Renamed", "arn:aws:iam::aws:policy/X"),
			tx.CreateTokenKey(bg, store.TokenKey{ID: 9, Secret: []byte("s")}),
		} {
			if e != nil {
				return e
			}
		}
		// Reads inside the transaction see its own writes.
		if _, err := tx.GetUser(bg, acct, "gone"); err != nil {
			return fmt.Errorf("own write invisible: %w", err)
		}
		return errBoom
	})
	isErr(t, err, errBoom, "Update returns fn's error")
	assertRolledBack(t, s)

	// A store error halfway (a duplicate) undoes the writes before it.
	err = s.Update(bg, func(tx store.Tx) error {
		if err := tx.CreateUser(bg, user("Gone")); err != nil {
			return err
		}
		if err := tx.CreateAccessKey(bg, accessKey("AKIAGONEEXAMPLE00001", "Gone")); err != nil {
			return err
		}
		return tx.CreateUser(bg, user("KEEP"))
	})
	isErr(t, err, store.ErrAlreadyExists, "duplicate halfway")
	assertRolledBack(t, s)

	// fn may recover from a store error and go on; the rest commits.
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateUser(bg, user("keep")); !errors.Is(err, store.ErrAlreadyExists) {
			return fmt.Errorf("duplicate create: %v", err)
		}
		if err := tx.DeleteUser(bg, acct, "nobody"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("missing delete: %v", err)
		}
		return tx.CreateUser(bg, user("After"))
	})
	if _, err := s.GetUser(bg, acct, "After"); err != nil {
		t.Fatalf("write after a handled error did not commit: %v", err)
	}
}

func assertRolledBack(t *testing.T, s store.Store) {
	t.Helper()
	if _, err := s.GetUser(bg, acct, "Gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("user from failed Update: %v", err)
	}
	if _, err := s.GetAccessKey(bg, "AKIAGONEEXAMPLE00001"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key from failed Update: %v", err)
	}
	if _, err := s.GetUser(bg, acct, "Keep"); err != nil {
		t.Fatalf("rename from failed Update stuck: %v", err)
	}
	if att, _ := s.ListAttachedPolicies(bg, acct, store.KindUser, "Renamed"); len(att) != 0 {
		t.Fatalf("attachment from failed Update: %v", att)
	}
	if keys, _ := s.ListTokenKeys(bg); len(keys) != 0 {
		t.Fatalf("token key from failed Update: %v", keys)
	}
}

func testGeneration(t *testing.T, s store.Store) {
	g0, err := s.Generation(bg)
	noErr(t, err, "Generation")
	seedAccounts(t, s)
	g1, err := s.Generation(bg)
	noErr(t, err, "Generation")
	if g1 <= g0 {
		t.Fatalf("generation %d after a commit, was %d", g1, g0)
	}
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(bg, user("G")) })
	g2, _ := s.Generation(bg)
	if g2 <= g1 {
		t.Fatalf("generation %d after a second commit, was %d", g2, g1)
	}
	_ = s.Update(bg, func(tx store.Tx) error { return errBoom })
	g3, _ := s.Generation(bg)
	if g3 < g2 {
		t.Fatalf("generation went back from %d to %d", g2, g3)
	}
}

func testConcurrentUpdates(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	const workers, each = 8, 10
	g0, _ := s.Generation(bg)
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				name := fmt.Sprintf("w%d-u%d", w, i)
				errs <- s.Update(bg, func(tx store.Tx) error {
					if err := tx.CreateUser(bg, user(name)); err != nil {
						return err
					}
					// Read-modify-write of one shared row: lost updates
					// would show as a wrong final count.
					a, err := tx.GetAccount(bg, acct)
					if err != nil {
						return err
					}
					n, _ := strconv.Atoi(a.Alias) // "main" counts as 0
					a.Alias = strconv.Itoa(n + 1)
					return tx.UpdateAccount(bg, a)
				})
				_, err := s.GetUser(bg, acct, name)
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent work: %v", err)
		}
	}
	users, err := s.ListUsers(bg, acct, "", store.Page{})
	noErr(t, err, "ListUsers")
	equal(t, len(users), workers*each, "users created concurrently")
	g1, _ := s.Generation(bg)
	if g1 < g0+workers*each {
		t.Fatalf("generation grew by %d over %d commits", g1-g0, workers*each)
	}
	a, err := s.GetAccount(bg, acct)
	noErr(t, err, "GetAccount")
	equal(t, a.Alias, strconv.Itoa(workers*each), "counter after concurrent read-modify-writes")
}

// testConcurrentFailures runs Updates at once of which some fail after
// writing: a store may run queued Updates together, and each must still
// stand alone, the failed leaving nothing and the others all of their work.
func testConcurrentFailures(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	const workers, each = 6, 8
	g0, _ := s.Generation(bg)
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				fail := (w+i)%3 == 0
				err := s.Update(bg, func(tx store.Tx) error {
					if err := tx.CreateUser(bg, user(fmt.Sprintf("w%d-u%d", w, i))); err != nil {
						return err
					}
					if fail {
						return errBoom
					}
					return tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: store.KindUser,
						PrincipalName: fmt.Sprintf("w%d-u%d", w, i), Name: "p", Document: "{}"})
				})
				if fail && !errors.Is(err, errBoom) {
					err = fmt.Errorf("failing Update returned %v", err)
				} else if fail {
					err = nil
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Update: %v", err)
		}
	}
	committed := 0
	for w := 0; w < workers; w++ {
		for i := 0; i < each; i++ {
			name := fmt.Sprintf("w%d-u%d", w, i)
			_, err := s.GetUser(bg, acct, name)
			_, perr := s.GetInlinePolicy(bg, acct, store.KindUser, name, "p")
			if (w+i)%3 == 0 {
				if !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("user %s of a failed Update: %v", name, err)
				}
				continue
			}
			committed++
			if err != nil || perr != nil {
				t.Fatalf("user %s of a committed Update: %v, policy: %v", name, err, perr)
			}
		}
	}
	if g1, _ := s.Generation(bg); g1 < g0+uint64(committed) {
		t.Fatalf("generation grew by %d over %d commits", g1-g0, committed)
	}
}

func testTimestamps(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	local := time.Date(2031, 12, 31, 23, 59, 59, 999999999, zone)
	u := user("Timely")
	u.CreatedAt = local
	u.PasswordLastUsed = time.Time{}
	farFuture := time.Date(2999, 1, 1, 0, 0, 0, 1, time.UTC)
	p := store.SAMLProvider{AccountID: acct, ARN: "arn:aws:iam::" + acct + ":saml-provider/T", Name: "T", ValidUntil: farFuture, CreatedAt: time.Now()}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateUser(bg, u); err != nil {
			return err
		}
		return tx.CreateSAMLProvider(bg, p)
	})
	got, err := s.GetUser(bg, acct, "Timely")
	noErr(t, err, "GetUser")
	if !got.CreatedAt.Equal(local) || got.CreatedAt.Location() != time.UTC || got.CreatedAt.Nanosecond() != local.Nanosecond() {
		t.Fatalf("CreatedAt = %v (%v), want %v in UTC with nanoseconds", got.CreatedAt, got.CreatedAt.Location(), local)
	}
	if !got.PasswordLastUsed.IsZero() {
		t.Fatalf("zero time came back as %v", got.PasswordLastUsed)
	}
	sp, err := s.GetSAMLProvider(bg, p.ARN)
	noErr(t, err, "GetSAMLProvider")
	if !sp.ValidUntil.Equal(farFuture) || !sp.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("SAML times = %v, %v; want %v, %v", sp.ValidUntil, sp.CreatedAt, farFuture, p.CreatedAt)
	}
}

func testResultsAreCopies(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	u := user("Copy")
	o := store.OIDCProvider{AccountID: acct, ARN: "arn:aws:iam::" + acct + ":oidc-provider/c.example.com", URL: "https://c.example.com",
		ClientIDs: []string{"a"}, Thumbprints: []string{"t"}, Tags: []store.Tag{{Key: "k", Value: "v"}}}
	tk := store.TokenKey{ID: 1, Secret: []byte("secret-secret-secret-secret-1234")}
	update(t, s, func(tx store.Tx) error {
		for _, err := range []error{tx.CreateUser(bg, u), tx.CreateOIDCProvider(bg, o), tx.CreateTokenKey(bg, tk),
			tx.AttachPolicy(bg, acct, store.KindUser, "Copy", "arn:aws:iam::aws:policy/P"),
			tx.CreateGroup(bg, group("G")), tx.AddGroupMember(bg, acct, "G", "Copy")} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	for i := 0; i < 2; i++ { // twice: a cache serves the second read
		got, _ := s.GetUser(bg, acct, "Copy")
		equal(t, got.Tags, u.Tags, "user tags")
		got.Tags[0].Value = "corrupted"
		gotO, _ := s.GetOIDCProvider(bg, o.ARN)
		equal(t, gotO, o, "OIDC provider")
		gotO.ClientIDs[0], gotO.Thumbprints[0], gotO.Tags[0].Key = "x", "x", "x"
		keys, _ := s.ListTokenKeys(bg)
		equal(t, keys, []store.TokenKey{tk}, "token keys")
		keys[0].Secret[0] = 'X'
		att, _ := s.ListAttachedPolicies(bg, acct, store.KindUser, "Copy")
		equal(t, att, []string{"arn:aws:iam::aws:policy/P"}, "attached")
		att[0] = "x"
		gs, _ := s.ListGroupsForUser(bg, acct, "Copy")
		equal(t, gs, []store.Group{group("G")}, "groups for user")
		gs[0].Name = "x"
		members, _ := s.ListGroupMembers(bg, acct, "G", store.Page{})
		equal(t, members, []store.User{u}, "group members")
		members[0].Tags[0].Value = "corrupted"
	}
}

func testCanceledContext(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, user("Never")) })
	if err == nil {
		t.Fatal("Update with a canceled context succeeded")
	}
	if _, err := s.GetUser(bg, acct, "Never"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("write under canceled context persisted: %v", err)
	}
	if _, err := s.GetUser(ctx, acct, "Never"); err == nil {
		t.Fatal("GetUser with a canceled context found a user that does not exist")
	}
}
