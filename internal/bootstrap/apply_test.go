package bootstrap

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

var testNow = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func loadExample(t *testing.T) *File {
	t.Helper()
	f, err := Load(filepath.Join("testdata", "bootstrap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestApplyCreatesEverything(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	sum, err := Apply(ctx, s, loadExample(t), testNow)
	if err != nil {
		t.Fatal(err)
	}
	// account, 2 keys, policy, user, inline, attachment, MFA, 2 roles,
	// role inline, role attachment, 2 groups, membership, group inline,
	// group attachment, 2 instance profiles, role in profile, 2 OIDC, 1 SAML.
	if sum.Created != 23 || len(sum.Changes) != 23 || sum.Updated != 0 {
		t.Errorf("summary = %+v", sum)
	}
	const acc = "111111111111"
	if a, err := s.GetAccount(ctx, acc); err != nil || a.Alias != "main" || !a.CreatedAt.Equal(testNow) {
		t.Errorf("account = %+v, %v", a, err)
	}
	k, err := s.GetAccessKey(ctx, "AKIAROOT111111111111")
	if err != nil || k.UserName != "" || k.AccountID != acc || k.Status != store.AccessKeyActive || k.Secret != "rootsecret/1111111111111111111111111111" {
		t.Errorf("root key = %+v, %v", k, err)
	}
	if k, err := s.GetAccessKey(ctx, "AKIAALICE11111111111"); err != nil || k.UserName != "alice" {
		t.Errorf("alice key = %+v, %v", k, err)
	}
	u, err := s.GetUser(ctx, acc, "ALICE")
	if err != nil || !strings.HasPrefix(u.ID, "AIDA") || len(u.ID) != 21 || u.Path != "/" || len(u.Tags) != 1 {
		t.Errorf("user = %+v, %v", u, err)
	}
	r, err := s.GetRole(ctx, acc, "demo")
	if err != nil || !strings.HasPrefix(r.ID, "AROA") || r.MaxSessionDuration != 3600 || !strings.Contains(r.TrustPolicy, "MultiFactorAuthPresent") {
		t.Errorf("role = %+v, %v", r, err)
	}
	if g, _ := s.GetRole(ctx, acc, "github"); g.Path != "/" || g.MaxSessionDuration != 3600 {
		t.Errorf("defaults of role github = %+v", g)
	}
	p, err := s.GetPolicy(ctx, acc, "ReadOnly")
	if err != nil || !strings.HasPrefix(p.ID, "ANPA") || p.DefaultVersionID != "v1" || p.Path != "/" {
		t.Errorf("policy = %+v, %v", p, err)
	}
	if v, err := s.GetPolicyVersion(ctx, acc, "ReadOnly", "v1"); err != nil || !strings.Contains(v.Document, `"s3:Get*"`) {
		t.Errorf("policy v1 = %+v, %v", v, err)
	}
	if ip, err := s.GetInlinePolicy(ctx, acc, store.KindUser, "alice", "allow-assume"); err != nil || !strings.HasPrefix(ip.Document, `{"Version"`) {
		t.Errorf("inline = %+v, %v", ip, err)
	}
	const ro = "arn:aws:iam::111111111111:policy/ReadOnly"
	for _, kind := range []store.PrincipalKind{store.KindUser, store.KindRole} {
		name := map[store.PrincipalKind]string{store.KindUser: "alice", store.KindRole: "demo"}[kind]
		if got, _ := s.ListAttachedPolicies(ctx, acc, kind, name); !reflect.DeepEqual(got, []string{ro}) {
			t.Errorf("%s attachments = %v", kind, got)
		}
	}
	g, err := s.GetGroup(ctx, acc, "developers")
	if err != nil || !strings.HasPrefix(g.ID, "AGPA") || len(g.ID) != 21 || g.Path != "/eng/" || !g.CreatedAt.Equal(testNow) {
		t.Errorf("group = %+v, %v", g, err)
	}
	if in, _ := s.ListGroupsForUser(ctx, acc, "alice"); len(in) != 1 || in[0].Name != "developers" {
		t.Errorf("groups of alice = %+v", in)
	}
	if ip, err := s.GetInlinePolicy(ctx, acc, store.KindGroup, "developers", "read-iam"); err != nil || !strings.Contains(ip.Document, `"iam:Get*"`) {
		t.Errorf("group inline = %+v, %v", ip, err)
	}
	if got, _ := s.ListAttachedPolicies(ctx, acc, store.KindGroup, "developers"); !reflect.DeepEqual(got, []string{ro}) {
		t.Errorf("group attachments = %v", got)
	}
	if g, _ := s.GetGroup(ctx, acc, "ops"); g.Path != "/" {
		t.Errorf("default path of group ops = %q", g.Path)
	}
	ip, err := s.GetInstanceProfile(ctx, acc, "web")
	if err != nil || !strings.HasPrefix(ip.ID, "AIPA") || len(ip.ID) != 21 || ip.Path != "/" || !reflect.DeepEqual(ip.Roles, []string{"demo"}) ||
		!reflect.DeepEqual(ip.Tags, []store.Tag{{Key: "team", Value: "blue"}}) {
		t.Errorf("instance profile = %+v, %v", ip, err)
	}
	if ip, _ := s.GetInstanceProfile(ctx, acc, "batch"); ip.Path != "/" || len(ip.Roles) != 0 {
		t.Errorf("instance profile batch = %+v", ip)
	}
	d, err := s.GetMFADevice(ctx, "arn:aws:iam::111111111111:mfa/alice")
	if err != nil || d.UserName != "alice" || !d.EnabledAt.Equal(testNow) || len(d.Seed) != 20 || d.Path != "/" {
		t.Errorf("mfa = %+v, %v", d, err)
	}
	o, err := s.GetOIDCProvider(ctx, "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com")
	if err != nil || o.URL != "https://token.actions.githubusercontent.com" || !reflect.DeepEqual(o.ClientIDs, []string{"sts.amazonaws.com"}) || o.JWKS == "" {
		t.Errorf("oidc = %+v, %v", o, err)
	}
	sp, err := s.GetSAMLProvider(ctx, "arn:aws:iam::111111111111:saml-provider/corp")
	if err != nil || sp.Name != "corp" || !strings.Contains(sp.Metadata, "EntityDescriptor") {
		t.Errorf("saml = %+v, %v", sp.ARN, err)
	}
}

func TestApplyTwiceChangesNothing(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	f := loadExample(t)
	if _, err := Apply(ctx, s, f, testNow); err != nil {
		t.Fatal(err)
	}
	gen, _ := s.Generation(ctx)
	before := snapshot(t, s)
	sum, err := Apply(ctx, s, loadExample(t), testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	after, _ := s.Generation(ctx)
	if sum.Created != 0 || sum.Updated != 0 || after != gen || !reflect.DeepEqual(snapshot(t, s), before) {
		t.Errorf("second Apply changed things: summary %+v, generation %d -> %d", sum, gen, after)
	}
}

const editBase = `
accounts:
  - id: "111111111111"
    alias: %ALIAS%
    users:
      - name: bob
        tags: {team: %TEAM%}
    roles:
      - name: r
        trust_policy: {Version: "2012-10-17", Statement: {Effect: Allow, Principal: {AWS: "%PRINCIPAL%"}, Action: "sts:AssumeRole"}}
        max_session_duration: %MSD%
    policies:
      - name: P
        document: {Version: "2012-10-17", Statement: {Effect: Allow, Action: "%ACTION%", Resource: "*"}}
    oidc_providers:
      - url: https://idp.example.com
        client_ids: [%CLIENT%]
`

func edit(kv ...string) string {
	src := editBase
	defaults := map[string]string{"%ALIAS%": "main", "%TEAM%": "blue", "%PRINCIPAL%": "*", "%MSD%": "3600", "%ACTION%": "s3:GetObject", "%CLIENT%": "a"}
	for i := 0; i+1 < len(kv); i += 2 {
		defaults[kv[i]] = kv[i+1]
	}
	for k, v := range defaults {
		src = strings.ReplaceAll(src, k, v)
	}
	return src
}

func TestApplyAfterEditUpdates(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	if _, err := Apply(ctx, s, mustParse(t, edit()), testNow); err != nil {
		t.Fatal(err)
	}
	const acc = "111111111111"
	u0, _ := s.GetUser(ctx, acc, "bob")
	r0, _ := s.GetRole(ctx, acc, "r")
	p0, _ := s.GetPolicy(ctx, acc, "P")

	later := testNow.Add(time.Hour)
	sum, err := Apply(ctx, s, mustParse(t, edit("%ALIAS%", "other", "%TEAM%", "red", "%PRINCIPAL%", "arn:aws:iam::111111111111:root", "%MSD%", "7200", "%ACTION%", "s3:PutObject", "%CLIENT%", "b")), later)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 0 || sum.Updated != 5 { // alias, user, role, policy (new default version), OIDC
		t.Errorf("summary = %+v", sum)
	}
	if a, _ := s.GetAccount(ctx, acc); a.Alias != "other" {
		t.Errorf("alias = %q", a.Alias)
	}
	u, _ := s.GetUser(ctx, acc, "bob")
	if u.ID != u0.ID || u.Tags[0].Value != "red" {
		t.Errorf("user = %+v (was %+v)", u, u0)
	}
	r, _ := s.GetRole(ctx, acc, "r")
	if r.ID != r0.ID || r.MaxSessionDuration != 7200 || !strings.Contains(r.TrustPolicy, ":root") {
		t.Errorf("role = %+v", r)
	}
	p, _ := s.GetPolicy(ctx, acc, "P")
	if p.ID != p0.ID || p.DefaultVersionID != "v2" || !p.UpdatedAt.Equal(later) {
		t.Errorf("policy = %+v", p)
	}
	if v, _ := s.GetPolicyVersion(ctx, acc, "P", "v2"); !strings.Contains(v.Document, "s3:PutObject") {
		t.Errorf("v2 = %s", v.Document)
	}
	if v, err := s.GetPolicyVersion(ctx, acc, "P", "v1"); err != nil || !strings.Contains(v.Document, "s3:GetObject") {
		t.Errorf("v1 must be kept: %v", err)
	}
	if o, _ := s.GetOIDCProvider(ctx, "arn:aws:iam::111111111111:oidc-provider/idp.example.com"); !reflect.DeepEqual(o.ClientIDs, []string{"b"}) {
		t.Errorf("client ids = %v", o.ClientIDs)
	}
}

// TestApplyPolicyVersionLimit: IAM keeps at most five versions; the oldest
// non-default one goes first.
func TestApplyPolicyVersionLimit(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	for i := range 7 {
		action := "s3:Action" + string(rune('A'+i))
		if _, err := Apply(ctx, s, mustParse(t, edit("%ACTION%", action)), testNow); err != nil {
			t.Fatal(err)
		}
	}
	vs, _ := s.ListPolicyVersions(ctx, "111111111111", "P")
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.VersionID)
	}
	if !reflect.DeepEqual(ids, []string{"v3", "v4", "v5", "v6", "v7"}) {
		t.Errorf("versions = %v", ids)
	}
	if p, _ := s.GetPolicy(ctx, "111111111111", "P"); p.DefaultVersionID != "v7" {
		t.Errorf("default = %s", p.DefaultVersionID)
	}
}

// TestApplyKeepsWhatTheFileOmits: nothing is deleted, and optional fields
// the file leaves out keep their stored values.
func TestApplyKeepsWhatTheFileOmits(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	const acc = "111111111111"
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateAccount(ctx, store.Account{ID: acc, Alias: "kept"}); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, store.User{AccountID: acc, Name: "Carol", ID: "AIDAEXISTING", Path: "/ops/", Tags: []store.Tag{{Key: "a", Value: "b"}}}); err != nil {
			return err
		}
		return tx.CreateUser(ctx, store.User{AccountID: acc, Name: "dave", ID: "AIDADAVE", Path: "/"})
	})
	if err != nil {
		t.Fatal(err)
	}
	f := mustParse(t, one("    users:\n      - name: carol\n"))
	if sum, err := Apply(ctx, s, f, testNow); err != nil || sum.Created+sum.Updated != 0 {
		t.Fatalf("Apply = %+v, %v", sum, err)
	}
	if a, _ := s.GetAccount(ctx, acc); a.Alias != "kept" {
		t.Errorf("alias = %q", a.Alias)
	}
	if u, _ := s.GetUser(ctx, acc, "carol"); u.Name != "Carol" || u.ID != "AIDAEXISTING" || u.Path != "/ops/" || len(u.Tags) != 1 {
		t.Errorf("carol = %+v", u)
	}
	if _, err := s.GetUser(ctx, acc, "dave"); err != nil {
		t.Errorf("dave was deleted: %v", err)
	}
}

func TestApplyAttachesStorePolicy(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	const acc = "111111111111"
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateAccount(ctx, store.Account{ID: acc}); err != nil {
			return err
		}
		return tx.CreatePolicy(ctx, store.ManagedPolicy{AccountID: acc, Name: "Ops", ID: "ANPAOPS", Path: "/team/", DefaultVersionID: "v1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	f := mustParse(t, one("    users:\n      - name: bob\n        managed_policies: [\"arn:aws:iam::111111111111:policy/team/ops\"]\n"))
	if _, err := Apply(ctx, s, f, testNow); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ListAttachedPolicies(ctx, acc, store.KindUser, "bob"); !reflect.DeepEqual(got, []string{"arn:aws:iam::111111111111:policy/team/Ops"}) {
		t.Errorf("attached = %v", got)
	}
}

// TestApplyConflictsLeaveStoreUnchanged: each conflict fails the whole
// Apply, names the place in the file, and leaves the store as it was.
func TestApplyConflictsLeaveStoreUnchanged(t *testing.T) {
	const acc = "111111111111"
	seed := func(ctx context.Context, tx store.Tx) error {
		// The account the file names exists, holding rows the file
		// conflicts with.
		if err := tx.CreateAccount(ctx, store.Account{ID: acc}); err != nil {
			return err
		}
		if err := tx.CreateAccount(ctx, store.Account{ID: "222222222222", Alias: "taken"}); err != nil {
			return err
		}
		// A key or device's user must exist, as in every backend.
		for _, u := range []store.User{{AccountID: "222222222222", Name: "mallory", ID: "AIDAMALLORY000000001", Path: "/"}, {AccountID: acc, Name: "eve", ID: "AIDAEVE0000000000001", Path: "/"}} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		if err := tx.CreateAccessKey(ctx, store.AccessKey{ID: "AKIAOTHER11111111111", Secret: "s", AccountID: "222222222222", UserName: "mallory"}); err != nil {
			return err
		}
		if err := tx.CreateAccessKey(ctx, store.AccessKey{ID: "AKIAROOT222222222222", Secret: "old", AccountID: acc}); err != nil {
			return err
		}
		return tx.CreateMFADevice(ctx, store.MFADevice{AccountID: acc, SerialNumber: "arn:aws:iam::111111111111:mfa/x", Seed: []byte("0123456789"), UserName: "eve"})
	}
	tests := []struct {
		name, src, want string
	}{
		{"key of another user", one("    users:\n      - name: bob\n        access_keys: [{id: AKIAOTHER11111111111, secret: s}]\n"),
			"t.yaml:5:23: accounts[0].users[0].access_keys[0]: access key AKIAOTHER11111111111 already exists for user mallory of account 222222222222"},
		{"key with other secret", one("    root_access_keys: [{id: AKIAROOT222222222222, secret: new}]\n"),
			"access key AKIAROOT222222222222 already exists with a different secret"},
		{"mfa of another user", one("    users:\n      - name: bob\n        mfa_devices: [{serial: \"arn:aws:iam::111111111111:mfa/x\", seed: GAYTEMZUGU3DOOBZ}]\n"),
			"MFA device arn:aws:iam::111111111111:mfa/x is already enabled for user eve"},
		{"mfa with other seed", one("    users:\n      - name: eve\n        mfa_devices: [{serial: \"arn:aws:iam::111111111111:mfa/x\", seed: JBSWY3DPEHPK3PXP}]\n"),
			"already exists with a different seed"},
		{"missing policy", one("    users:\n      - name: bob\n        managed_policies: [\"arn:aws:iam::111111111111:policy/Nope\"]\n"),
			"t.yaml:5:28: accounts[0].users[0].managed_policies[0]: managed policy arn:aws:iam::111111111111:policy/Nope does not exist"},
		{"policy path differs", one("    policies: [{name: P, document: " + permJSON + "}]\n    users:\n      - name: bob\n        managed_policies: [\"arn:aws:iam::111111111111:policy/x/P\"]\n"),
			"policy/x/P does not exist"},
		{"alias taken", one("    alias: taken\n"), `alias "taken" already belongs to account 222222222222`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			s := memory.New()
			if err := s.Update(ctx, func(tx store.Tx) error { return seed(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			gen, _ := s.Generation(ctx)
			before := snapshot(t, s)
			// The bad entry comes after valid ones, so a partial write
			// would be visible.
			_, err := Apply(ctx, s, mustParse(t, tc.src), testNow)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %s", err, tc.want)
			}
			if after, _ := s.Generation(ctx); after != gen || !reflect.DeepEqual(snapshot(t, s), before) {
				t.Error("failed Apply changed the store")
			}
		})
	}
}

func TestApplyEnablesUnassignedDevice(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	serial := "arn:aws:iam::111111111111:mfa/bob"
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateAccount(ctx, store.Account{ID: "111111111111"}); err != nil {
			return err
		}
		return tx.CreateMFADevice(ctx, store.MFADevice{AccountID: "111111111111", SerialNumber: serial, Seed: []byte("Hello!\xde\xad\xbe\xef")})
	})
	if err != nil {
		t.Fatal(err)
	}
	f := mustParse(t, one("    users:\n      - name: bob\n        mfa_devices: [{serial: \""+serial+"\", seed: JBSWY3DPEHPK3PXP}]\n"))
	if _, err := Apply(ctx, s, f, testNow); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.GetMFADevice(ctx, serial); d.UserName != "bob" || !d.EnabledAt.Equal(testNow) {
		t.Errorf("device = %+v", d)
	}
}

func TestApplyCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Apply(ctx, memory.New(), loadExample(t), testNow); err == nil {
		t.Error("Apply with a cancelled context succeeded")
	}
}
