package app_test

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stsd/stsd/internal/mfa"
)

// assumeBootstrap sets up the trust relationships the AssumeRole tests
// exercise. Trust policies follow the IAM User Guide's examples
// (id_roles_create_for-user.html,
// id_credentials_mfa_configure-api-require.html, id_session-tags.html); the
// external-ID example is pinned in internal/sts/trust_test.go.
const assumeBootstrap = `
accounts:
  - id: "111111111111"
    users:
      - name: alice
        access_keys: [{id: AKIAALICE00000000001, secret: "aliceSecret00000000000000000000000000000"}]
        inline_policies:
          assume:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], Resource: "arn:aws:iam::111111111111:role/*"}
              - {Effect: Allow, Action: ["sts:GetFederationToken", "sts:TagSession"], Resource: "arn:aws:sts::111111111111:federated-user/*"}
      - name: bob
        access_keys: [{id: AKIABOB0000000000001, secret: "bobSecret0000000000000000000000000000000"}]
      - name: carol
        access_keys: [{id: AKIACAROL00000000001, secret: "carolSecret00000000000000000000000000000"}]
        mfa_devices: [{serial: "arn:aws:iam::111111111111:mfa/carol", seed: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP}]
    roles:
      - name: demo
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:user/alice"}, Action: "sts:AssumeRole"}
      - name: account-trust
        path: /team/
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "111111111111"}, Action: "sts:AssumeRole"}
      - name: long
        max_session_duration: 43200
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:user/alice"}, Action: "sts:AssumeRole"}
      - name: chained
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: ["arn:aws:iam::111111111111:role/demo", "arn:aws:iam::111111111111:role/tagged"]}, Action: ["sts:AssumeRole", "sts:TagSession"]}
      - name: mfa-only
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::111111111111:user/carol"}
              Action: "sts:AssumeRole"
              Condition: {Bool: {"aws:MultiFactorAuthPresent": "true"}}
      - name: tagged
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::111111111111:user/alice"}
              Action: ["sts:AssumeRole", "sts:TagSession"]
              Condition: {StringEquals: {"aws:RequestTag/team": ["blue", "green"]}}
      - name: sourced
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:user/alice"}, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"]}
      - name: after-sourced
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:role/sourced"}, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"]}
      - name: untagged
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:role/tagged"}, Action: "sts:AssumeRole"}
    policies:
      - name: ReadOnlySession
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
`

func (h *harness) as(user string) *sts.Client {
	keys := map[string][2]string{
		"alice": {"AKIAALICE00000000001", "aliceSecret00000000000000000000000000000"},
		"bob":   {"AKIABOB0000000000001", "bobSecret0000000000000000000000000000000"},
		"carol": {"AKIACAROL00000000001", "carolSecret00000000000000000000000000000"},
	}
	k := keys[user]
	return h.stsClient(k[0], k[1], "")
}

func (h *harness) withCreds(c *types.Credentials) *sts.Client {
	return h.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

func assume(client *sts.Client, roleARN, session string, mutate ...func(*sts.AssumeRoleInput)) (*sts.AssumeRoleOutput, error) {
	in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session)}
	for _, m := range mutate {
		m(in)
	}
	return client.AssumeRole(context.Background(), in)
}

const acct1 = "arn:aws:iam::111111111111:role/"

func TestAssumeRole(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	ctx := context.Background()

	out, err := assume(h.as("alice"), acct1+"demo", "alice-session")
	if err != nil {
		t.Fatal(err)
	}
	// AssumedRoleUser as the STS API reference shows it.
	u := out.AssumedRoleUser
	if aws.ToString(u.Arn) != "arn:aws:sts::111111111111:assumed-role/demo/alice-session" {
		t.Fatalf("Arn = %s", aws.ToString(u.Arn))
	}
	if id := aws.ToString(u.AssumedRoleId); !strings.HasPrefix(id, "AROA") || !strings.HasSuffix(id, ":alice-session") {
		t.Fatalf("AssumedRoleId = %s", id)
	}
	if out.PackedPolicySize != nil {
		t.Fatalf("PackedPolicySize %d without policies or tags", *out.PackedPolicySize)
	}
	// Default duration: one hour.
	if d := out.Credentials.Expiration.Sub(h.clock.Now()); d < 3598*time.Second || d > 3600*time.Second {
		t.Fatalf("expires in %v", d)
	}
	id, err := h.withCreds(out.Credentials).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != aws.ToString(u.Arn) || aws.ToString(id.UserId) != aws.ToString(u.AssumedRoleId) || aws.ToString(id.Account) != "111111111111" {
		t.Fatalf("session identity %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}

	// The account principal delegates to identity policies: alice has one
	// allowing sts:AssumeRole, bob has none (IAM User Guide, "Policy
	// evaluation logic"; the trust policy naming the account is not enough).
	if _, err := assume(h.as("alice"), acct1+"team/account-trust", "s1"); err != nil {
		t.Fatal(err)
	}
	_, err = assume(h.as("bob"), acct1+"team/account-trust", "s1")
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/team/account-trust", 403)
	// Bob is not named by demo's trust policy.
	_, err = assume(h.as("bob"), acct1+"demo", "s1")
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/demo", 403)
	// A role that does not exist looks the same, and so does a wrong path.
	_, err = assume(h.as("alice"), acct1+"nosuch", "s1")
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/nosuch", 403)
	_, err = assume(h.as("alice"), acct1+"account-trust", "s1")
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized", 403)
	// The root cannot assume roles (AccessDenied as SDK users report it).
	_, err = assume(h.stsClient(rootKeyID, rootSecret, ""), acct1+"demo", "s1")
	apiError(t, err, "AccessDenied", "Roles may not be assumed by root accounts.", 403)
	// A role ARN that does not parse (recorded from AWS: "<arn> is invalid").
	_, err = assume(h.as("alice"), "arn:a:::something/test-role", "s1")
	apiError(t, err, "ValidationError", "arn:a:::something/test-role is invalid", 400)
	// The model's constraints on the session name.
	_, err = assume(h.as("alice"), acct1+"demo", "bad name")
	apiError(t, err, "ValidationError", "1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", 400)
}

func TestAssumeRoleDurations(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	alice := h.as("alice")
	_, err := assume(alice, acct1+"demo", "s1", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(7200) })
	apiError(t, err, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400)
	out, err := assume(alice, acct1+"long", "s1", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(43200) })
	if err != nil {
		t.Fatal(err)
	}
	if d := out.Credentials.Expiration.Sub(h.clock.Now()); d < 43198*time.Second || d > 43200*time.Second {
		t.Fatalf("expires in %v", d)
	}
	_, err = assume(alice, acct1+"demo", "s1", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(899) })
	apiError(t, err, "ValidationError", "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", 400)
}

// Role chaining: a role session assumes another role; the session is capped
// at one hour (STS API reference, AssumeRole; IAM User Guide, "Role
// chaining").
func TestAssumeRoleChaining(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	first, err := assume(h.as("alice"), acct1+"demo", "first")
	if err != nil {
		t.Fatal(err)
	}
	session := h.withCreds(first.Credentials)
	_, err = assume(session, acct1+"chained", "second", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3601) })
	apiError(t, err, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", 400)
	second, err := assume(session, acct1+"chained", "second")
	if err != nil {
		t.Fatal(err)
	}
	id, err := h.withCreds(second.Credentials).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/chained/second" {
		t.Fatalf("chained identity %v %v", id, err)
	}
	// A role whose trust policy does not name the calling role refuses it,
	// naming the session's ARN.
	_, err = assume(session, acct1+"long", "third")
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::111111111111:assumed-role/demo/first is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/long", 403)
}

// A trust policy requiring MFA (IAM User Guide, "Configuring MFA-protected
// API access").
func TestAssumeRoleMFA(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	carol := h.as("carol")
	_, err := assume(carol, acct1+"mfa-only", "s1")
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/carol is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/mfa-only", 403)
	seed, _ := base32.StdEncoding.DecodeString("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	code := mfa.Code(seed, h.clock.Now())
	withMFA := func(in *sts.AssumeRoleInput) {
		in.SerialNumber = aws.String("arn:aws:iam::111111111111:mfa/carol")
		in.TokenCode = aws.String(code)
	}
	out, err := assume(carol, acct1+"mfa-only", "s1", withMFA)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := h.app.SessionRing().Open(aws.ToString(out.Credentials.SessionToken))
	if err != nil || !claims.MFAAuthenticated {
		t.Fatalf("session without MFA: %v %v", claims, err)
	}
	// Replaying the code fails.
	_, err = assume(carol, acct1+"mfa-only", "s1", withMFA)
	apiError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403)
}

// Session tags and transitive tag keys (IAM User Guide, "Passing session
// tags in AWS STS"), modelled on the SDK examples of assume_role with tags.
func TestAssumeRoleSessionTags(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	alice := h.as("alice")
	tags := func(transitive []string, kv ...string) func(*sts.AssumeRoleInput) {
		return func(in *sts.AssumeRoleInput) {
			for i := 0; i < len(kv); i += 2 {
				in.Tags = append(in.Tags, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
			}
			in.TransitiveTagKeys = transitive
		}
	}
	out, err := assume(alice, acct1+"tagged", "tagged", tags([]string{"team"}, "team", "blue", "cost-center", "12345"))
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 || *out.PackedPolicySize > 100 {
		t.Fatalf("PackedPolicySize = %v", out.PackedPolicySize)
	}
	// The trust policy's aws:RequestTag condition refuses other values.
	_, err = assume(alice, acct1+"tagged", "tagged", tags(nil, "team", "red"))
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole", 403)
	// Passing tags needs sts:TagSession in the trust policy: demo lacks it.
	_, err = assume(alice, acct1+"demo", "s1", tags(nil, "team", "blue"))
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:TagSession on resource: arn:aws:iam::111111111111:role/demo", 403)
	// Tag keys are unique case-insensitively; transitive keys must be tags.
	_, err = assume(alice, acct1+"tagged", "s1", tags(nil, "team", "blue", "Team", "green"))
	apiError(t, err, "InvalidParameterValue", "Duplicate tag keys found.", 400)
	_, err = assume(alice, acct1+"tagged", "s1", tags([]string{"project"}, "team", "blue"))
	apiError(t, err, "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.", 400)

	// The "aws:" prefix is reserved; more than 50 tags fail the model.
	_, err = assume(alice, acct1+"tagged", "s1", tags(nil, "team", "blue", "aws:team", "x"))
	apiError(t, err, "InvalidParameterValue", "Tag keys cannot start with aws:", 400)
	var fiftyOne []string
	for i := 0; i < 51; i++ {
		fiftyOne = append(fiftyOne, "k"+strconv.Itoa(i), "v")
	}
	_, err = assume(alice, acct1+"tagged", "s1", tags(nil, fiftyOne...))
	apiError(t, err, "ValidationError", "1 validation error detected: Value '", 400)

	// Chaining: the transitive tag passes on; it may not be passed again.
	session := h.withCreds(out.Credentials)
	chained, err := assume(session, acct1+"chained", "next")
	if err != nil {
		t.Fatal(err)
	}
	claims, err := h.app.SessionRing().Open(aws.ToString(chained.Credentials.SessionToken))
	if err != nil {
		t.Fatal(err)
	}
	if len(claims.Tags) != 1 || claims.Tags[0].Key != "team" || claims.Tags[0].Value != "blue" || len(claims.TransitiveTagKeys) != 1 {
		t.Fatalf("chained session tags %+v transitive %v", claims.Tags, claims.TransitiveTagKeys)
	}
	_, err = assume(session, acct1+"chained", "next", tags(nil, "team", "green"))
	apiError(t, err, "InvalidParameterValue", "One of the specified transitive tag keys can't be set", 400)
	// Inherited transitive tags are session tags too: the next role's trust
	// policy must allow sts:TagSession.
	_, err = assume(session, acct1+"untagged", "next")
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::111111111111:assumed-role/tagged/tagged is not authorized to perform: sts:TagSession on resource: arn:aws:iam::111111111111:role/untagged", 403)

	// Too much to pack: PackedPolicyTooLarge with the percentage, worded for
	// tags as the AWS Knowledge Center article on PackedPolicyTooLarge
	// quotes it (repost.aws/knowledge-center/iam-role-aws-sts-error).
	var many []string
	for i := 0; i < 50; i++ {
		b := make([]byte, 96)
		_, _ = rand.Read(b)
		many = append(many, "k"+hex.EncodeToString(b[:40]), hex.EncodeToString(b))
	}
	_, err = assume(alice, acct1+"tagged", "s1", tags(nil, append([]string{"team", "blue"}, many[:98]...)...))
	apiError(t, err, "PackedPolicyTooLarge", "Packed size of session tags consumes ", 400)
}

// Session policies narrow the role's permissions; they must be valid and
// exist in the role's account (STS API reference, AssumeRole, Policy and
// PolicyArns).
func TestAssumeRoleSessionPolicies(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	alice := h.as("alice")
	out, err := assume(alice, acct1+"demo", "s1", func(in *sts.AssumeRoleInput) {
		in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)
		in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::111111111111:policy/ReadOnlySession")}}
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 {
		t.Fatalf("PackedPolicySize = %v", out.PackedPolicySize)
	}
	claims, err := h.app.SessionRing().Open(aws.ToString(out.Credentials.SessionToken))
	if err != nil || claims.SessionPolicy == "" || len(claims.PolicyARNs) != 1 {
		t.Fatalf("session policies not carried: %v %v", claims, err)
	}
	_, err = assume(alice, acct1+"demo", "s1", func(in *sts.AssumeRoleInput) { in.Policy = aws.String(`{"Version":"2012-10-17",`) })
	// STS's own wording for a session policy that is not JSON (recorded in
	// the Ansible amazon.aws sts_assume_role integration tests).
	apiError(t, err, "MalformedPolicyDocument", "The policy is not in the valid JSON format.", 400)
	_, err = assume(alice, acct1+"demo", "s1", func(in *sts.AssumeRoleInput) {
		in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3ListBucket","Resource":"*"}]}`)
	})
	apiError(t, err, "MalformedPolicyDocument", "Actions/Conditions must be prefaced by a vendor", 400)
	_, err = assume(alice, acct1+"demo", "s1", func(in *sts.AssumeRoleInput) {
		for i := 0; i < 11; i++ {
			in.PolicyArns = append(in.PolicyArns, types.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::111111111111:policy/ReadOnlySession")})
		}
	})
	apiError(t, err, "ValidationError", "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10", 400)
	_, err = assume(alice, acct1+"demo", "s1", func(in *sts.AssumeRoleInput) {
		in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::111111111111:policy/NoSuchPolicy")}}
	})
	apiError(t, err, "InvalidParameterValue", "Policy arn:aws:iam::111111111111:policy/NoSuchPolicy does not exist or is not attachable.", 400)
}

// SourceIdentity (IAM User Guide, "Monitor and control actions taken with
// assumed roles"): needs sts:SetSourceIdentity, may not start with "aws:",
// and cannot change along a chain.
func TestAssumeRoleSourceIdentity(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	alice := h.as("alice")
	si := func(v string) func(*sts.AssumeRoleInput) {
		return func(in *sts.AssumeRoleInput) { in.SourceIdentity = aws.String(v) }
	}
	out, err := assume(alice, acct1+"sourced", "s1", si("alice@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SourceIdentity) != "alice@example.com" {
		t.Fatalf("SourceIdentity = %q", aws.ToString(out.SourceIdentity))
	}
	_, err = assume(alice, acct1+"demo", "s1", si("alice@example.com"))
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:SetSourceIdentity", 403)
	// The model's pattern keeps out "aws:" (and every ':').
	_, err = assume(alice, acct1+"sourced", "s1", si("aws:alice"))
	apiError(t, err, "ValidationError", "1 validation error detected: Value 'aws:alice' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", 400)
	// Once set, it carries down the chain and cannot change.
	session := h.withCreds(out.Credentials)
	next, err := assume(session, acct1+"after-sourced", "next")
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(next.SourceIdentity) != "alice@example.com" {
		t.Fatalf("chained SourceIdentity = %q", aws.ToString(next.SourceIdentity))
	}
	_, err = assume(session, acct1+"after-sourced", "next", si("mallory@example.com"))
	apiError(t, err, "AccessDenied", "The source identity cannot be changed once set.", 403)
	if _, err := assume(session, acct1+"after-sourced", "next", si("alice@example.com")); err != nil {
		t.Fatalf("re-passing the same source identity: %v", err)
	}
}
