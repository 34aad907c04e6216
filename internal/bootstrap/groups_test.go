package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

// bigInline is a group inline policy of about 3000 characters as IAM counts
// them: two fit a user's or role's aggregate quota, not a group's (5120).
var bigInline = `'{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 2900) + `"}}'`

func TestParseGroupAndProfileErrors(t *testing.T) {
	var elevenGroups strings.Builder
	elevenGroups.WriteString("    groups:\n")
	for i := range maxGroupsPerUser + 1 {
		fmt.Fprintf(&elevenGroups, "      - {name: g%d, members: [bob]}\n", i)
	}
	var elevenARNs []string
	for i := range maxAttachedPerGroup + 1 {
		elevenARNs = append(elevenARNs, fmt.Sprintf(`"arn:aws:iam::111111111111:policy/P%d"`, i))
	}
	tests := []struct {
		name, src, want string
	}{
		{"groups not a list", one("    groups: {}\n"), "t.yaml:3:13: accounts[0].groups: must be a list, not a mapping"},
		{"group name pattern", one("    groups:\n      - name: \"de vs\"\n"), `t.yaml:4:15: accounts[0].groups[0].name: "de vs" does not match [\w+=,.@-]+`},
		{"group name long", one("    groups:\n      - name: " + strings.Repeat("g", 129) + "\n"), `accounts[0].groups[0].name: "` + strings.Repeat("g", 129) + `" must be 1 to 128 characters long`},
		{"group name missing", one("    groups:\n      - path: /\n"), "t.yaml:4:9: accounts[0].groups[0].name: is required"},
		{"group duplicate", one("    groups:\n      - name: Dev\n      - name: dev\n"), `t.yaml:5:15: accounts[0].groups[1].name: duplicate group "dev" (names are case-insensitive; first at line 4)`},
		// IAM groups cannot be tagged (there is no TagGroup).
		{"group tags", one("    groups:\n      - name: dev\n        tags: {a: b}\n"), "t.yaml:5:9: accounts[0].groups[0].tags: unknown field (known fields: inline_policies, managed_policies, members, name, path)"},
		{"group path", one("    groups:\n      - name: dev\n        path: /eng\n"), `t.yaml:5:15: accounts[0].groups[0].path: "/eng" must be "/" or start and end with "/"`},
		{"members not a list", one("    groups:\n      - name: dev\n        members: bob\n"), "t.yaml:5:18: accounts[0].groups[0].members: must be a list, not a scalar"},
		{"member pattern", one("    groups:\n      - name: dev\n        members: [\"a b\"]\n"), `t.yaml:5:19: accounts[0].groups[0].members[0]: "a b" does not match [\w+=,.@-]+`},
		{"member long", one("    groups:\n      - name: dev\n        members: [" + strings.Repeat("u", 129) + "]\n"), `members[0]: "` + strings.Repeat("u", 129) + `" must be 1 to 128 characters long`},
		{"member duplicate", one("    groups:\n      - name: dev\n        members: [bob, Bob]\n"), `t.yaml:5:24: accounts[0].groups[0].members[1]: duplicate member "Bob" (names are case-insensitive; first at line 5)`},
		{"groups per user", one(elevenGroups.String()), `t.yaml:14:31: accounts[0].groups[10].members[0]: user "bob" would be a member of more than 10 groups (IAM quota)`},
		{"group managed quota", one("    groups:\n      - name: dev\n        managed_policies: [" + strings.Join(elevenARNs, ", ") + "]\n"), "t.yaml:5:27: accounts[0].groups[0].managed_policies: at most 10 managed policies may be attached (IAM quota)"},
		{"group managed not arn", one("    groups:\n      - name: dev\n        managed_policies: [ReadOnly]\n"), `t.yaml:5:28: accounts[0].groups[0].managed_policies[0]: "ReadOnly" is not a managed policy ARN`},
		{"group inline principal", one("    groups:\n      - name: dev\n        inline_policies: {p: {Version: \"2012-10-17\", Statement: {Effect: Allow, Principal: \"*\", Action: \"*\", Resource: \"*\"}}}\n"),
			"t.yaml:5:30: accounts[0].groups[0].inline_policies.p: MalformedPolicyDocument: Policy document should not specify a principal."},
		{"group inline name", one("    groups:\n      - name: dev\n        inline_policies: {\"a b\": " + permJSON + "}\n"), `t.yaml:5:27: accounts[0].groups[0].inline_policies["a b"]: "a b" does not match`},
		// Wording of policy.InlineQuotaError, the text PutGroupPolicy answers.
		{"group inline aggregate", one("    groups:\n      - name: dev\n        inline_policies: {a: " + bigInline + ", b: " + bigInline + "}\n"),
			"t.yaml:5:26: accounts[0].groups[0].inline_policies: LimitExceeded: Maximum policy size of 5120 bytes exceeded for group dev"},
		{"profiles not a list", one("    instance_profiles: web\n"), "t.yaml:3:24: accounts[0].instance_profiles: must be a list, not a scalar"},
		{"profile name pattern", one("    instance_profiles:\n      - name: \"w b\"\n"), `t.yaml:4:15: accounts[0].instance_profiles[0].name: "w b" does not match [\w+=,.@-]+`},
		{"profile name long", one("    instance_profiles:\n      - name: " + strings.Repeat("p", 129) + "\n"), "must be 1 to 128 characters long"},
		{"profile name missing", one("    instance_profiles:\n      - role: r\n"), "t.yaml:4:9: accounts[0].instance_profiles[0].name: is required"},
		{"profile duplicate", one("    instance_profiles:\n      - {name: Web}\n      - {name: web}\n"), `t.yaml:5:16: accounts[0].instance_profiles[1].name: duplicate instance profile "web" (names are case-insensitive; first at line 4)`},
		{"profile roles typo", one("    instance_profiles:\n      - {name: web, roles: [r]}\n"), "t.yaml:4:21: accounts[0].instance_profiles[0].roles: unknown field (known fields: name, path, role, tags)"},
		{"profile role list", one("    instance_profiles:\n      - {name: web, role: [a, b]}\n"), "t.yaml:4:27: accounts[0].instance_profiles[0].role: must be one role name, not a list: an instance profile holds at most 1 role (IAM quota)"},
		{"profile role pattern", one("    instance_profiles:\n      - {name: web, role: \"a b\"}\n"), `t.yaml:4:27: accounts[0].instance_profiles[0].role: "a b" does not match [\w+=,.@-]+`},
		{"profile role long", one("    instance_profiles:\n      - {name: web, role: " + strings.Repeat("r", 65) + "}\n"), `role: "` + strings.Repeat("r", 65) + `" must be 1 to 64 characters long`},
		{"profile path", one("    instance_profiles:\n      - {name: web, path: x}\n"), `t.yaml:4:27: accounts[0].instance_profiles[0].path: "x" must be "/"`},
		{"profile tag reserved", one("    instance_profiles:\n      - {name: web, tags: {\"aws:x\": a}}\n"), `t.yaml:4:28: accounts[0].instance_profiles[0].tags["aws:x"]: tag key "aws:x" uses the reserved prefix aws:`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
			var pe *Error
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Errorf("error is not a *bootstrap.Error with problems: %T", err)
			}
		})
	}
}

// TestParseGroupQuotasFit: the limits themselves are allowed.
func TestParseGroupQuotasFit(t *testing.T) {
	var b strings.Builder
	b.WriteString("    groups:\n")
	for i := range maxGroupsPerUser {
		fmt.Fprintf(&b, "      - {name: g%d, members: [bob]}\n", i)
	}
	var arns []string
	for i := range maxAttachedPerGroup {
		arns = append(arns, fmt.Sprintf(`"arn:aws:iam::111111111111:policy/P%d"`, i))
	}
	b.WriteString("      - name: big\n        managed_policies: [" + strings.Join(arns, ", ") + "]\n")
	b.WriteString("        inline_policies: {a: " + bigInline + "}\n")
	f := mustParse(t, one(b.String()))
	if g := f.Accounts[0].Groups; len(g) != maxGroupsPerUser+1 || len(g[maxGroupsPerUser].ManagedPolicies) != maxAttachedPerGroup {
		t.Errorf("groups = %+v", g)
	}
}

const groupsAcc = "111111111111"

// seedGroups puts into a store what the group tests refer to: user Carol
// and role Legacy (stored spellings), policy Ops, group Old with member
// dave, and profile held with role Legacy.
func seedGroups(ctx context.Context, tx store.Tx) error {
	steps := []func() error{
		func() error { return tx.CreateAccount(ctx, store.Account{ID: groupsAcc}) },
		func() error {
			return tx.CreateUser(ctx, store.User{AccountID: groupsAcc, Name: "Carol", ID: "AIDACAROL", Path: "/"})
		},
		func() error {
			return tx.CreateUser(ctx, store.User{AccountID: groupsAcc, Name: "dave", ID: "AIDADAVE", Path: "/"})
		},
		func() error {
			return tx.CreateRole(ctx, store.Role{AccountID: groupsAcc, Name: "Legacy", ID: "AROALEGACY", Path: "/", TrustPolicy: "{}", MaxSessionDuration: 3600})
		},
		func() error {
			return tx.CreatePolicy(ctx, store.ManagedPolicy{AccountID: groupsAcc, Name: "Ops", ID: "ANPAOPS", Path: "/team/", DefaultVersionID: "v1"})
		},
		func() error {
			return tx.CreateGroup(ctx, store.Group{AccountID: groupsAcc, Name: "Old", ID: "AGPAOLD", Path: "/"})
		},
		func() error { return tx.AddGroupMember(ctx, groupsAcc, "Old", "dave") },
		func() error {
			return tx.CreateInstanceProfile(ctx, store.InstanceProfile{AccountID: groupsAcc, Name: "held", ID: "AIPAHELD", Path: "/svc/"})
		},
		func() error { return tx.AddInstanceProfileRole(ctx, groupsAcc, "held", "Legacy") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func seededGroupsStore(t *testing.T) *memory.Store {
	t.Helper()
	s := memory.New()
	if err := s.Update(t.Context(), func(tx store.Tx) error { return seedGroups(t.Context(), tx) }); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestApplyGroupsReferToStore: members, roles and policies may be ones the
// store already holds; they are used under their stored spelling.
func TestApplyGroupsReferToStore(t *testing.T) {
	ctx := t.Context()
	s := seededGroupsStore(t)
	f := mustParse(t, one(`    groups:
      - name: devs
        members: [carol]
        managed_policies: ["arn:aws:iam::111111111111:policy/team/ops"]
      - name: old
        members: [carol]
    instance_profiles:
      - {name: web, role: legacy}
      - {name: HELD, role: LEGACY}
`))
	sum, err := Apply(ctx, s, f, testNow)
	if err != nil {
		t.Fatal(err)
	}
	// group devs, 2 memberships, attachment, profile web, role in web.
	if sum.Created != 6 || sum.Updated != 0 {
		t.Errorf("summary = %+v", sum)
	}
	if in, _ := s.ListGroupsForUser(ctx, groupsAcc, "carol"); len(in) != 2 || in[0].Name != "devs" || in[1].Name != "Old" {
		t.Errorf("groups of carol = %+v", in)
	}
	if got, _ := s.ListGroupMembers(ctx, groupsAcc, "old", store.Page{}); len(got) != 2 {
		t.Errorf("members of Old = %+v (dave must stay)", got)
	}
	if got, _ := s.ListAttachedPolicies(ctx, groupsAcc, store.KindGroup, "devs"); !reflect.DeepEqual(got, []string{"arn:aws:iam::111111111111:policy/team/Ops"}) {
		t.Errorf("attached = %v", got)
	}
	if p, _ := s.GetInstanceProfile(ctx, groupsAcc, "web"); !reflect.DeepEqual(p.Roles, []string{"Legacy"}) {
		t.Errorf("web roles = %v", p.Roles)
	}
	if p, _ := s.GetInstanceProfile(ctx, groupsAcc, "held"); !reflect.DeepEqual(p.Roles, []string{"Legacy"}) || p.Path != "/svc/" {
		t.Errorf("held = %+v", p)
	}
}

// TestApplyGroupsUpdateWhatDiffers: a changed group path and changed
// profile tags are updated in place (same ids); a member dropped from the
// file stays a member; a new one is added.
func TestApplyGroupsUpdateWhatDiffers(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	src := func(path, member, team string) string {
		return one(`    users: [{name: alice}, {name: bob}]
    roles:
      - {name: r, trust_policy: ` + trustJSON + `}
    groups:
      - {name: dev, path: ` + path + `, members: [` + member + `], inline_policies: {p: ` + permJSON + `}}
    instance_profiles:
      - {name: web, role: r, tags: {team: ` + team + `}}
`)
	}
	if _, err := Apply(ctx, s, mustParse(t, src("/a/", "alice", "blue")), testNow); err != nil {
		t.Fatal(err)
	}
	g0, _ := s.GetGroup(ctx, groupsAcc, "dev")
	p0, _ := s.GetInstanceProfile(ctx, groupsAcc, "web")

	sum, err := Apply(ctx, s, mustParse(t, src("/b/", "bob", "red")), testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 1 || sum.Updated != 2 { // membership of bob; group path, profile tags
		t.Errorf("summary = %+v", sum)
	}
	g, _ := s.GetGroup(ctx, groupsAcc, "dev")
	if g.ID != g0.ID || g.Path != "/b/" || !g.CreatedAt.Equal(g0.CreatedAt) {
		t.Errorf("group = %+v (was %+v)", g, g0)
	}
	if m, _ := s.ListGroupMembers(ctx, groupsAcc, "dev", store.Page{}); len(m) != 2 {
		t.Errorf("members = %+v, want alice kept and bob added", m)
	}
	if _, err := s.GetInlinePolicy(ctx, groupsAcc, store.KindGroup, "dev", "p"); err != nil {
		t.Errorf("inline policy lost with the path change: %v", err)
	}
	p, _ := s.GetInstanceProfile(ctx, groupsAcc, "web")
	if p.ID != p0.ID || !reflect.DeepEqual(p.Tags, []store.Tag{{Key: "team", Value: "red"}}) || !reflect.DeepEqual(p.Roles, []string{"r"}) {
		t.Errorf("profile = %+v", p)
	}

	// The same file once more: nothing to do, nothing written.
	gen, _ := s.Generation(ctx)
	if sum, err := Apply(ctx, s, mustParse(t, src("/b/", "bob", "red")), testNow.Add(2*time.Hour)); err != nil || sum.Created+sum.Updated != 0 {
		t.Errorf("third Apply = %+v, %v", sum, err)
	}
	if after, _ := s.Generation(ctx); after != gen {
		t.Errorf("generation %d -> %d", gen, after)
	}
}

// TestApplyGroupConflictsLeaveStoreUnchanged: each refusal names its place
// in the file and the store stays as it was, including what the file
// created before the refusal.
func TestApplyGroupConflictsLeaveStoreUnchanged(t *testing.T) {
	manyGroups := func(ctx context.Context, tx store.Tx) error {
		for i := range maxGroupsPerUser {
			name := fmt.Sprintf("g%d", i)
			if err := tx.CreateGroup(ctx, store.Group{AccountID: groupsAcc, Name: name, ID: "AGPA" + name, Path: "/"}); err != nil {
				return err
			}
			if err := tx.AddGroupMember(ctx, groupsAcc, name, "dave"); err != nil {
				return err
			}
		}
		// Old already has one inline policy and ten attachments.
		if err := tx.PutInlinePolicy(ctx, store.InlinePolicy{AccountID: groupsAcc, Kind: store.KindGroup, PrincipalName: "Old", Name: "stored",
			Document: strings.Trim(bigInline, "'")}); err != nil {
			return err
		}
		for i := range maxAttachedPerGroup {
			if err := tx.AttachPolicy(ctx, groupsAcc, store.KindGroup, "Old", fmt.Sprintf("arn:aws:iam::111111111111:policy/X%d", i)); err != nil {
				return err
			}
		}
		return nil
	}
	const newUser = "    users: [{name: newbie}]\n"
	tests := []struct {
		name, src, want string
	}{
		{"member missing", one(newUser + "    groups:\n      - {name: dev, members: [newbie, ghost]}\n"),
			"t.yaml:5:39: accounts[0].groups[0].members[1]: user ghost does not exist in account 111111111111 (not in this file nor in the store)"},
		{"groups per user", one(newUser + "    groups:\n      - {name: dev, members: [dave]}\n"),
			"t.yaml:5:31: accounts[0].groups[0].members[0]: user dave is already a member of 10 groups (IAM quota)"},
		{"inline aggregate with stored", one(newUser + "    groups:\n      - {name: old, inline_policies: {fresh: " + bigInline + "}}\n"),
			"t.yaml:5:39: accounts[0].groups[0].inline_policies.fresh: LimitExceeded: Maximum policy size of 5120 bytes exceeded for group Old"},
		{"attached quota with stored", one(newUser + "    policies: [{name: P, document: " + permJSON + "}]\n    groups:\n      - {name: old, managed_policies: [\"arn:aws:iam::111111111111:policy/P\"]}\n"),
			"t.yaml:6:40: accounts[0].groups[0].managed_policies[0]: group 111111111111/Old already has 10 managed policies attached (IAM quota)"},
		{"group policy missing", one(newUser + "    groups:\n      - {name: dev, managed_policies: [\"arn:aws:iam::111111111111:policy/Nope\"]}\n"),
			"managed policy arn:aws:iam::111111111111:policy/Nope does not exist"},
		{"role missing", one(newUser + "    instance_profiles:\n      - {name: web, role: ghost}\n"),
			"t.yaml:5:27: accounts[0].instance_profiles[0].role: role ghost does not exist in account 111111111111 (not in this file nor in the store)"},
		{"profile holds another role", one(newUser + "    roles: [{name: other, trust_policy: " + trustJSON + "}]\n    instance_profiles:\n      - {name: held, role: other}\n"),
			"t.yaml:6:28: accounts[0].instance_profiles[0].role: instance profile held already holds role Legacy; an instance profile holds one role and bootstrap does not swap it (RemoveRoleFromInstanceProfile first)"},
		{"profile path differs", one(newUser + "    instance_profiles:\n      - {name: held, path: /other/}\n"),
			"t.yaml:5:9: accounts[0].instance_profiles[0]: instance profile held already exists with path /svc/; IAM cannot change an instance profile's path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			s := seededGroupsStore(t)
			if err := s.Update(ctx, func(tx store.Tx) error { return manyGroups(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			gen, _ := s.Generation(ctx)
			before := snapshot(t, s)
			_, err := Apply(ctx, s, mustParse(t, tc.src), testNow)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %s", err, tc.want)
			}
			if after, _ := s.Generation(ctx); after != gen {
				t.Error("failed Apply bumped the generation")
			}
			if after := snapshot(t, s); !reflect.DeepEqual(before, after) {
				t.Error("failed Apply changed the store")
			}
			if _, err := s.GetUser(ctx, groupsAcc, "newbie"); err == nil {
				t.Error("user of a failed Apply exists")
			}
		})
	}
}
