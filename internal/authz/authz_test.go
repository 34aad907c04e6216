package authz

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/bootstrap"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

const fixture = `
accounts:
  - id: "111111111111"
    users:
      - name: alice
        tags: {team: blue, level: "3"}
        inline_policies:
          s3:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: ["s3:*", "ec2:*"], Resource: "*"}]
        managed_policies: ["arn:aws:iam::111111111111:policy/Logs"]
    roles:
      - name: worker
        path: /apps/
        tags: {team: red}
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "111111111111"}, Action: "sts:AssumeRole"}]}
        inline_policies:
          dynamo: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "dynamodb:*", Resource: "*"}]}
    policies:
      - name: Logs
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "logs:*", Resource: "*"}]}
      - name: OnlyGet
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "dynamodb:GetItem", Resource: "*"}]}
`

func newAuthorizer(t testing.TB) (*Authorizer, store.Store) {
	t.Helper()
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	f, err := bootstrap.Parse("fixture.yaml", []byte(fixture))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bootstrap.Apply(context.Background(), st, f, time.Now()); err != nil {
		t.Fatal(err)
	}
	return New(st, policy.NewCache(100)), st
}

func allowed(t *testing.T, s *Subject, action string) bool {
	t.Helper()
	var ctx policy.Context
	s.GlobalContext(&ctx, Facts{Time: time.Now()})
	r := policy.Evaluate(s.PolicySet(nil, false), &policy.Request{
		Principal: s.PolicyPrincipal(), Action: action, Resource: "*", Context: ctx,
	})
	return r.Allowed()
}

func TestSubjects(t *testing.T) {
	a, st := newAuthorizer(t)
	ctx := context.Background()
	alice, err := st.GetUser(ctx, "111111111111", "alice")
	if err != nil {
		t.Fatal(err)
	}
	role, err := st.GetRole(ctx, "111111111111", "worker")
	if err != nil {
		t.Fatal(err)
	}
	roleSession := func(policyDoc string, arns []string, roleID string) *auth.Principal {
		return &auth.Principal{Type: auth.AssumedRole, AccountID: "111111111111", ARN: "arn:aws:sts::111111111111:assumed-role/worker/s",
			Session: &session.Claims{PrincipalType: session.AssumedRole, AccountID: "111111111111", RoleName: "worker", RoleID: roleID,
				SessionPolicy: policyDoc, PolicyARNs: arns, Tags: []session.Tag{{Key: "Team", Value: "green"}}}}
	}
	fed := func(doc string) *auth.Principal {
		return &auth.Principal{Type: auth.FederatedUser, AccountID: "111111111111", ARN: "arn:aws:sts::111111111111:federated-user/f",
			Session: &session.Claims{PrincipalType: session.FederatedUser, AccountID: "111111111111", UserName: "alice", SessionPolicy: doc}}
	}
	cases := []struct {
		name    string
		p       *auth.Principal
		allow   []string
		deny    []string
		wantARN string
	}{
		{"root may do everything", &auth.Principal{Type: auth.Root, AccountID: "111111111111", ARN: "arn:aws:iam::111111111111:root"},
			[]string{"iam:CreateUser", "s3:GetObject"}, nil, "arn:aws:iam::111111111111:root"},
		{"user: inline and attached managed", &auth.Principal{Type: auth.User, AccountID: "111111111111", ARN: "arn:aws:iam::111111111111:user/alice", Name: "alice", UserID: alice.ID},
			[]string{"s3:GetObject", "logs:PutLogEvents"}, []string{"iam:CreateUser", "dynamodb:GetItem"}, "arn:aws:iam::111111111111:user/alice"},
		{"role session: the role's policies", roleSession("", nil, role.ID),
			[]string{"dynamodb:PutItem"}, []string{"s3:GetObject"}, "arn:aws:iam::111111111111:role/apps/worker"},
		{"role session narrowed by an inline session policy", roleSession(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:Query","Resource":"*"}]}`, nil, role.ID),
			[]string{"dynamodb:Query"}, []string{"dynamodb:PutItem"}, ""},
		{"role session narrowed by a managed session policy", roleSession("", []string{"arn:aws:iam::111111111111:policy/OnlyGet"}, role.ID),
			[]string{"dynamodb:GetItem"}, []string{"dynamodb:PutItem"}, ""},
		{"a deleted managed session policy narrows to nothing", roleSession("", []string{"arn:aws:iam::111111111111:policy/Gone"}, role.ID),
			nil, []string{"dynamodb:GetItem"}, ""},
		{"a role recreated under the same name grants the old session nothing", roleSession("", nil, "AROAOLDROLEID00000001"),
			nil, []string{"dynamodb:PutItem"}, ""},
		// "If you do not pass a policy ... the resulting temporary
		// credentials have no effective permissions" (GetFederationToken).
		{"federated user without session policy", fed(""), nil, []string{"s3:GetObject"}, ""},
		{"federated user: intersection", fed(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","iam:*"],"Resource":"*"}]}`),
			[]string{"s3:GetObject"}, []string{"s3:PutObject", "iam:CreateUser"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := a.Subject(ctx, c.p)
			if err != nil {
				t.Fatal(err)
			}
			for _, act := range c.allow {
				if !allowed(t, s, act) {
					t.Errorf("%s denied", act)
				}
			}
			for _, act := range c.deny {
				if allowed(t, s, act) {
					t.Errorf("%s allowed", act)
				}
			}
			if c.wantARN != "" && s.PrincipalARN() != c.wantARN {
				t.Errorf("PrincipalARN = %s, want %s", s.PrincipalARN(), c.wantARN)
			}
		})
	}
}

func TestGlobalContext(t *testing.T) {
	a, st := newAuthorizer(t)
	ctx := context.Background()
	role, _ := st.GetRole(ctx, "111111111111", "worker")
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	call := Facts{Time: now, SourceIP: "203.0.113.7", UserAgent: "aws-cli/2", Region: "eu-west-1", SecureTransport: true}

	user, err := a.Subject(ctx, &auth.Principal{Type: auth.User, AccountID: "111111111111", ARN: "arn:aws:iam::111111111111:user/alice", Name: "alice", UserID: "AIDAALICE"})
	if err != nil {
		t.Fatal(err)
	}
	var uc policy.Context
	user.GlobalContext(&uc, call)
	want := map[string]string{
		"aws:PrincipalArn": "arn:aws:iam::111111111111:user/alice", "aws:PrincipalAccount": "111111111111",
		"aws:PrincipalType": "User", "aws:userid": "AIDAALICE", "aws:username": "alice",
		"aws:PrincipalTag/team": "blue", "aws:SourceIp": "203.0.113.7", "aws:UserAgent": "aws-cli/2",
		"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "true", "aws:EpochTime": "1795348800",
		"aws:CurrentTime": "2026-11-22T12:00:00Z",
	}
	for k, v := range want {
		if got, ok := uc.Get(k); !ok || len(got) != 1 || got[0] != v {
			t.Errorf("%s = %v, want %s", k, got, v)
		}
	}
	// Long-term credentials carry no MFA key at all ("not present when an
	// API or CLI command is called with long-term credentials").
	for _, k := range []string{"aws:MultiFactorAuthPresent", "aws:TokenIssueTime", "aws:MultiFactorAuthAge"} {
		if _, ok := uc.Get(k); ok {
			t.Errorf("%s present for long-term credentials", k)
		}
	}

	issued := now.Add(-10 * time.Minute)
	rs, err := a.Subject(ctx, &auth.Principal{Type: auth.AssumedRole, AccountID: "111111111111", ARN: "arn:aws:sts::111111111111:assumed-role/worker/s", UserID: role.ID + ":s",
		Session: &session.Claims{PrincipalType: session.AssumedRole, AccountID: "111111111111", RoleName: "worker", RoleID: role.ID,
			IssuedAt: issued, MFAAuthenticated: true, MFAAuthTime: issued, SourceIdentity: "alice@example.com",
			Tags: []session.Tag{{Key: "Team", Value: "green"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var rc policy.Context
	rs.GlobalContext(&rc, call)
	want = map[string]string{
		// For role sessions aws:PrincipalArn is the role's ARN.
		"aws:PrincipalArn": "arn:aws:iam::111111111111:role/apps/worker", "aws:PrincipalType": "AssumedRole",
		"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "600", "aws:TokenIssueTime": "2026-11-22T11:50:00Z",
		"aws:SourceIdentity": "alice@example.com",
		// Session tags override the role's tag of the same key.
		"aws:PrincipalTag/team": "green",
	}
	for k, v := range want {
		if got, ok := rc.Get(k); !ok || len(got) != 1 || got[0] != v {
			t.Errorf("%s = %v, want %s", k, got, v)
		}
	}
	if _, ok := rc.Get("aws:username"); ok {
		t.Error("aws:username present for a role session")
	}
}

// TestGroupPolicies checks that a user's identity policies include those of
// the user's groups: "For an IAM user, these [identity-based policies]
// include user policies and policies from groups to which the user belongs"
// (IAM User Guide, "Policy evaluation logic").
func TestGroupPolicies(t *testing.T) {
	a, st := newAuthorizer(t)
	ctx := context.Background()
	const acct = "111111111111"
	update := func(fn func(tx store.Tx) error) {
		t.Helper()
		if err := st.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	update(func(tx store.Tx) error {
		for _, u := range []string{"bob", "carol"} {
			if err := tx.CreateUser(ctx, store.User{AccountID: acct, Name: u, ID: "AIDA" + strings.ToUpper(u) + "0000000000000", Path: "/", CreatedAt: time.Now()}); err != nil {
				return err
			}
		}
		carol, err := tx.GetUser(ctx, acct, "carol")
		if err != nil {
			return err
		}
		// carol's boundary allows DynamoDB only.
		carol.PermissionsBoundary = "arn:aws:iam::111111111111:policy/OnlyGet"
		if err := tx.UpdateUser(ctx, "carol", carol); err != nil {
			return err
		}
		for i, g := range []string{"Readers", "Databases", "Guards"} {
			if err := tx.CreateGroup(ctx, store.Group{AccountID: acct, Name: g, ID: fmt.Sprintf("AGPAGROUP%011d", i), Path: "/", CreatedAt: time.Now()}); err != nil {
				return err
			}
		}
		for _, ip := range []store.InlinePolicy{
			{AccountID: acct, Kind: store.KindGroup, PrincipalName: "Readers", Name: "list",
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","dynamodb:Scan"],"Resource":"*"}]}`},
			{AccountID: acct, Kind: store.KindGroup, PrincipalName: "Guards", Name: "no-delete",
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`},
		} {
			if err := tx.PutInlinePolicy(ctx, ip); err != nil {
				return err
			}
		}
		return tx.AttachPolicy(ctx, acct, store.KindGroup, "Databases", "arn:aws:iam::111111111111:policy/OnlyGet")
	})
	member := func(group, user string, in bool) {
		t.Helper()
		update(func(tx store.Tx) error {
			if in {
				return tx.AddGroupMember(ctx, acct, group, user)
			}
			return tx.RemoveGroupMember(ctx, acct, group, user)
		})
	}
	user := func(name string) *auth.Principal {
		return &auth.Principal{Type: auth.User, AccountID: acct, ARN: "arn:aws:iam::111111111111:user/" + name, Name: name}
	}
	check := func(p *auth.Principal, allow, deny []string) {
		t.Helper()
		s, err := a.Subject(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, act := range allow {
			if !allowed(t, s, act) {
				t.Errorf("%s: %s denied", p.ARN, act)
			}
		}
		for _, act := range deny {
			if allowed(t, s, act) {
				t.Errorf("%s: %s allowed", p.ARN, act)
			}
		}
	}

	// bob has no policy of his own: nothing until a group gives it.
	check(user("bob"), nil, []string{"iam:ListUsers", "dynamodb:GetItem"})
	member("Readers", "bob", true)
	check(user("bob"), []string{"iam:ListUsers"}, []string{"dynamodb:GetItem"})
	member("Databases", "bob", true)
	check(user("bob"), []string{"iam:ListUsers", "dynamodb:GetItem"}, []string{"dynamodb:PutItem"})

	// A Deny in a group policy wins over the user's own Allow (alice's
	// inline policy allows s3:*).
	check(user("alice"), []string{"s3:DeleteObject", "s3:GetObject"}, nil)
	member("Guards", "alice", true)
	check(user("alice"), []string{"s3:GetObject"}, []string{"s3:DeleteObject"})

	// Group policies are bounded by the user's permissions boundary.
	member("Readers", "carol", true)
	member("Databases", "carol", true)
	check(user("carol"), []string{"dynamodb:GetItem"}, []string{"iam:ListUsers", "dynamodb:Scan"})

	// GetFederationToken sessions start from the federating user's
	// permissions, group policies included, narrowed by the session policy.
	fed := &auth.Principal{Type: auth.FederatedUser, AccountID: acct, ARN: "arn:aws:sts::111111111111:federated-user/f",
		Session: &session.Claims{PrincipalType: session.FederatedUser, AccountID: acct, UserName: "bob",
			SessionPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","dynamodb:PutItem"],"Resource":"*"}]}`}}
	check(fed, []string{"iam:ListUsers"}, []string{"dynamodb:GetItem", "dynamodb:PutItem"})

	// Leaving a group takes its permissions away.
	member("Readers", "bob", false)
	check(user("bob"), []string{"dynamodb:GetItem"}, []string{"iam:ListUsers"})
	member("Guards", "alice", false)
	check(user("alice"), []string{"s3:DeleteObject"}, nil)
}
