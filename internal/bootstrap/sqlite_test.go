package bootstrap

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
	"github.com/stsd/stsd/internal/store/sqlite"
)

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	key := make([]byte, seal.KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	sealer, err := seal.New(key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "stsd.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// snapshot reads everything Apply can touch through the Reader interface,
// so two states of any backend can be compared.
func snapshot(t *testing.T, r store.Reader) map[string]any {
	t.Helper()
	ctx := t.Context()
	out := map[string]any{}
	must := func(key string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		out[key] = v
	}
	accounts, err := r.ListAccounts(ctx)
	must("accounts", accounts, err)
	for _, a := range accounts {
		p := a.ID + "/"
		keys, err := r.ListAccessKeys(ctx, a.ID, "")
		must(p+"root keys", keys, err)
		users, err := r.ListUsers(ctx, a.ID, "/", store.Page{})
		must(p+"users", users, err)
		for _, u := range users {
			keys, err := r.ListAccessKeys(ctx, a.ID, u.Name)
			must(p+u.Name+" keys", keys, err)
			ip, err := r.ListInlinePolicies(ctx, a.ID, store.KindUser, u.Name)
			must(p+u.Name+" inline", ip, err)
			at, err := r.ListAttachedPolicies(ctx, a.ID, store.KindUser, u.Name)
			must(p+u.Name+" attached", at, err)
		}
		roles, err := r.ListRoles(ctx, a.ID, "/", store.Page{})
		must(p+"roles", roles, err)
		for _, ro := range roles {
			ip, err := r.ListInlinePolicies(ctx, a.ID, store.KindRole, ro.Name)
			must(p+ro.Name+" role inline", ip, err)
			at, err := r.ListAttachedPolicies(ctx, a.ID, store.KindRole, ro.Name)
			must(p+ro.Name+" role attached", at, err)
		}
		groups, err := r.ListGroups(ctx, a.ID, "/", store.Page{})
		must(p+"groups", groups, err)
		for _, g := range groups {
			mem, err := r.ListGroupMembers(ctx, a.ID, g.Name, store.Page{})
			must(p+g.Name+" members", mem, err)
			ip, err := r.ListInlinePolicies(ctx, a.ID, store.KindGroup, g.Name)
			must(p+g.Name+" group inline", ip, err)
			at, err := r.ListAttachedPolicies(ctx, a.ID, store.KindGroup, g.Name)
			must(p+g.Name+" group attached", at, err)
		}
		profiles, err := r.ListInstanceProfiles(ctx, a.ID, "/", store.Page{})
		must(p+"instance profiles", profiles, err)
		pols, err := r.ListPolicies(ctx, a.ID, "/", store.Page{})
		must(p+"policies", pols, err)
		for _, pol := range pols {
			vs, err := r.ListPolicyVersions(ctx, a.ID, pol.Name)
			must(p+pol.Name+" versions", vs, err)
		}
		mfa, err := r.ListMFADevices(ctx, a.ID, "")
		must(p+"mfa", mfa, err)
		oidc, err := r.ListOIDCProviders(ctx, a.ID)
		must(p+"oidc", oidc, err)
		saml, err := r.ListSAMLProviders(ctx, a.ID)
		must(p+"saml", saml, err)
	}
	return out
}

func TestApplySQLite(t *testing.T) {
	ctx := t.Context()
	s := openSQLite(t)
	sum, err := Apply(ctx, s, loadExample(t), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 23 {
		t.Errorf("summary = %+v", sum)
	}
	d, err := s.GetMFADevice(ctx, "arn:aws:iam::111111111111:mfa/alice")
	if err != nil || string(d.Seed[:5]) != "Hello" || d.UserName != "alice" {
		t.Errorf("mfa = %+v, %v", d, err)
	}
	gen, _ := s.Generation(ctx)
	before := snapshot(t, s)

	// Same file again: nothing written, generation unchanged.
	sum, err = Apply(ctx, s, loadExample(t), testNow.Add(time.Hour))
	if err != nil || sum.Created+sum.Updated != 0 {
		t.Fatalf("re-Apply = %+v, %v", sum, err)
	}
	if g, _ := s.Generation(ctx); g != gen {
		t.Errorf("generation %d -> %d on a no-op Apply", gen, g)
	}
	if after := snapshot(t, s); !reflect.DeepEqual(before, after) {
		t.Error("re-Apply changed the store")
	}

	// A file that conflicts late (after creating a user) leaves nothing.
	bad := mustParse(t, one("    users:\n      - name: newbie\n      - name: thief\n        access_keys: [{id: AKIAALICE11111111111, secret: x}]\n"))
	if _, err := Apply(ctx, s, bad, testNow); err == nil || !strings.Contains(err.Error(), "already exists for user alice") {
		t.Fatalf("conflicting Apply: %v", err)
	}
	if g, _ := s.Generation(ctx); g != gen {
		t.Errorf("generation %d -> %d after a failed Apply", gen, g)
	}
	if after := snapshot(t, s); !reflect.DeepEqual(before, after) {
		t.Error("failed Apply left changes behind")
	}
	if _, err := s.GetUser(ctx, "111111111111", "newbie"); err == nil {
		t.Error("user of a failed Apply exists")
	}
}

// TestApplyMemoryRollsBackPartialWork checks the same late conflict on the
// memory store, through the same snapshot, so both backends are held to
// one test.
func TestApplyMemoryRollsBackPartialWork(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	if _, err := Apply(ctx, s, loadExample(t), testNow); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s)
	bad := mustParse(t, one("    users:\n      - name: newbie\n      - name: thief\n        access_keys: [{id: AKIAALICE11111111111, secret: x}]\n"))
	if _, err := Apply(ctx, s, bad, testNow); err == nil {
		t.Fatal("conflicting Apply succeeded")
	}
	if after := snapshot(t, s); !reflect.DeepEqual(before, after) {
		t.Error("failed Apply left changes behind")
	}
}
