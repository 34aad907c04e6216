package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
)

// Where the answers asserted below come from:
//   - The shapes of Create, List, Update, Reset and Delete for CodeCommit
//     and Keyspaces, ServiceUserName "USER-at-ACCOUNT", a reset keeping an
//     Inactive credential Inactive, and the refusals "No such service X is
//     supported for Service Specific Credentials" (NoSuchEntity, 404, also
//     from List), "No such credential X exists" (NoSuchEntity, 404), "The
//     user with name X cannot be found." (also when the service is bad
//     too), the pattern ValidationError of ServiceSpecificCredentialId and
//     the enum ValidationError of Status: recorded from AWS in
//     aws-parity-snapshots/localstack/test_iam.snapshot.json
//     (TestIAMServiceSpecificCredentials).
//   - The 44-character base64 ServicePassword: the AWS CLI's
//     create-service-specific-credential example.
//   - Bedrock keys: ServiceCredentialAlias "USER-at-ACCOUNT" and an "ABSK…"
//     ServiceCredentialSecret, no ServiceUserName or ServicePassword, and
//     ExpirationDate exactly CredentialAgeDays after CreateDate, as in the
//     CLI output users have published; the services that take API keys:
//     IAM User Guide, "API keys for AWS services".
//   - The quota of two per user and service: API reference,
//     CreateServiceSpecificCredential.
//   - The condition keys iam:ServiceSpecificCredentialServiceName and
//     iam:ServiceSpecificCredentialAgeDays: IAM User Guide, "IAM and AWS
//     STS condition context keys".
//
// Not confirmed by a recording (stsd's wording or reading, asserted so a
// change is deliberate): the quota's text "Cannot exceed quota for
// ServiceSpecificCredentialsPerUserPerService: 2", the InvalidInput
// refusals of CredentialAgeDays for a password service and of AllUsers
// with UserName, and AllUsers being authorized on
// arn:aws:iam::ACCOUNT:user/*.

const scAccount = "111111111111"

const scBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIASCROOT0000000001, secret: "scRootSecret0000000000000000000000000000"}
    users:
      - name: admin
        access_keys: [{id: AKIASCADMIN000000001, secret: "scAdminSecret000000000000000000000000000"}]
        inline_policies:
          all: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "iam:*", Resource: "*"}]}
      - name: dev
        path: /team/
        access_keys: [{id: AKIASCDEV00000000001, secret: "scDevSecret00000000000000000000000000000"}]
        inline_policies:
          own:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ["iam:ListServiceSpecificCredentials", "iam:UpdateServiceSpecificCredential", "iam:ResetServiceSpecificCredential", "iam:DeleteServiceSpecificCredential"]
                Resource: "arn:aws:iam::111111111111:user/team/dev"
              - Effect: Allow
                Action: iam:CreateServiceSpecificCredential
                Resource: "arn:aws:iam::111111111111:user/team/dev"
                Condition: {StringEquals: {"iam:ServiceSpecificCredentialServiceName": codecommit.amazonaws.com}}
              - Effect: Allow
                Action: iam:CreateServiceSpecificCredential
                Resource: "arn:aws:iam::111111111111:user/team/dev"
                Condition:
                  StringEquals: {"iam:ServiceSpecificCredentialServiceName": bedrock.amazonaws.com}
                  NumericLessThanEquals: {"iam:ServiceSpecificCredentialAgeDays": "90"}
      - name: nobody
        access_keys: [{id: AKIASCNOBODY00000001, secret: "scNobodySecret00000000000000000000000000"}]
    roles:
      - name: ops
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:user/admin"}, Action: "sts:AssumeRole"}
        inline_policies:
          all: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "iam:*", Resource: "*"}]}
`

// scClient returns an IAM client of a principal of scBootstrap.
func (h *harness) scClient(who string) *iam.Client {
	keys := map[string][2]string{
		"root":   {"AKIASCROOT0000000001", "scRootSecret0000000000000000000000000000"},
		"admin":  {"AKIASCADMIN000000001", "scAdminSecret000000000000000000000000000"},
		"dev":    {"AKIASCDEV00000000001", "scDevSecret00000000000000000000000000000"},
		"nobody": {"AKIASCNOBODY00000001", "scNobodySecret00000000000000000000000000"},
	}
	return h.keyIAM(keys, who)
}

// scCreate creates a credential and fails the test on a refusal.
func scCreate(t *testing.T, c *iam.Client, user, service string, days *int32) *iamtypes.ServiceSpecificCredential {
	t.Helper()
	out, err := c.CreateServiceSpecificCredential(context.Background(), &iam.CreateServiceSpecificCredentialInput{
		UserName: aws.String(user), ServiceName: aws.String(service), CredentialAgeDays: days,
	})
	if err != nil {
		t.Fatalf("create %s for %s: %v", service, user, err)
	}
	return out.ServiceSpecificCredential
}

// scList lists a user's credentials (the caller's for ""), all pages.
func scList(t *testing.T, c *iam.Client, user string) []iamtypes.ServiceSpecificCredentialMetadata {
	t.Helper()
	in := &iam.ListServiceSpecificCredentialsInput{}
	if user != "" {
		in.UserName = aws.String(user)
	}
	out, err := c.ListServiceSpecificCredentials(context.Background(), in)
	if err != nil {
		t.Fatalf("list of %q: %v", user, err)
	}
	return out.ServiceSpecificCredentials
}

// scPassword checks a ServicePassword has AWS's shape: the base64 of 32
// bytes.
func scPassword(t *testing.T, pw string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(pw)
	if len(pw) != 44 || err != nil || len(raw) != 32 {
		t.Fatalf("password %q is not the base64 of 32 bytes (%v)", pw, err)
	}
}

// scLog collects the request log; the server writes it from its
// handlers' goroutines.
type scLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *scLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *scLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestServiceSpecificCredentialsLifecycle walks a CodeCommit and a
// Keyspaces password through Create, List, Update, Reset and Delete, as
// the recorded lifecycle does. No password reaches the log.
func TestServiceSpecificCredentialsLifecycle(t *testing.T) {
	log := &scLog{}
	h := start(t, func(c *app.Config) { c.Logger = slog.New(slog.NewJSONHandler(log, nil)) })
	ctx := context.Background()
	c := h.rootIAM()
	var passwords []string
	t.Cleanup(func() {
		logged := log.String()
		if !strings.Contains(logged, "ResetServiceSpecificCredential") {
			t.Errorf("requests not logged: %s", logged)
		}
		for _, pw := range passwords {
			if strings.Contains(logged, pw) {
				t.Errorf("password %s logged", pw)
			}
		}
	})
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	for _, service := range []string{"codecommit.amazonaws.com", "cassandra.amazonaws.com"} {
		t.Run(service, func(t *testing.T) {
			cr := scCreate(t, c, "Bob", service, nil)
			id := aws.ToString(cr.ServiceSpecificCredentialId)
			if aws.ToString(cr.UserName) != "bob" || aws.ToString(cr.ServiceName) != service || cr.Status != iamtypes.StatusTypeActive ||
				aws.ToString(cr.ServiceUserName) != "bob-at-000000000000" || !strings.HasPrefix(id, "ACCA") || len(id) != 21 ||
				cr.CreateDate == nil || !cr.CreateDate.Equal(h.clock.Now().Truncate(time.Second)) ||
				cr.ExpirationDate != nil || cr.ServiceCredentialAlias != nil || cr.ServiceCredentialSecret != nil {
				t.Fatalf("created = %+v", cr)
			}
			scPassword(t, aws.ToString(cr.ServicePassword))
			passwords = append(passwords, aws.ToString(cr.ServicePassword))

			// Listed without the password, on the wire as in the SDK.
			ls := scList(t, c, "bob")
			if len(ls) != 1 || aws.ToString(ls[0].ServiceSpecificCredentialId) != id || ls[0].Status != iamtypes.StatusTypeActive ||
				aws.ToString(ls[0].ServiceUserName) != "bob-at-000000000000" || aws.ToString(ls[0].ServiceName) != service || ls[0].CreateDate == nil {
				t.Fatalf("listed = %+v", ls)
			}
			status, body := h.signedPost("iam", "us-east-1", "Action=ListServiceSpecificCredentials&Version=2010-05-08&UserName=bob")
			if status != 200 || !strings.Contains(body, id) || strings.Contains(body, aws.ToString(cr.ServicePassword)) || strings.Contains(body, "ServicePassword") {
				t.Fatalf("list on the wire: %d %s", status, body)
			}

			if _, err := c.UpdateServiceSpecificCredential(ctx, &iam.UpdateServiceSpecificCredentialInput{
				UserName: aws.String("bob"), ServiceSpecificCredentialId: cr.ServiceSpecificCredentialId, Status: iamtypes.StatusTypeInactive,
			}); err != nil {
				t.Fatal(err)
			}
			if ls := scList(t, c, "bob"); len(ls) != 1 || ls[0].Status != iamtypes.StatusTypeInactive {
				t.Fatalf("after update = %+v", ls)
			}

			// Reset: a new password, the rest as it was (Inactive stays).
			rs, err := c.ResetServiceSpecificCredential(ctx, &iam.ResetServiceSpecificCredentialInput{
				UserName: aws.String("bob"), ServiceSpecificCredentialId: cr.ServiceSpecificCredentialId,
			})
			if err != nil {
				t.Fatal(err)
			}
			r := rs.ServiceSpecificCredential
			if aws.ToString(r.ServiceSpecificCredentialId) != id || r.Status != iamtypes.StatusTypeInactive || aws.ToString(r.ServiceUserName) != "bob-at-000000000000" ||
				aws.ToString(r.ServiceName) != service || !r.CreateDate.Equal(*cr.CreateDate) || aws.ToString(r.ServicePassword) == aws.ToString(cr.ServicePassword) {
				t.Fatalf("reset = %+v (was %+v)", r, cr)
			}
			scPassword(t, aws.ToString(r.ServicePassword))
			passwords = append(passwords, aws.ToString(r.ServicePassword))
			if _, body := h.signedPost("iam", "us-east-1", "Action=ListServiceSpecificCredentials&Version=2010-05-08&UserName=bob"); strings.Contains(body, aws.ToString(r.ServicePassword)) {
				t.Fatalf("new password listed: %s", body)
			}

			if _, err := c.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{
				UserName: aws.String("bob"), ServiceSpecificCredentialId: cr.ServiceSpecificCredentialId,
			}); err != nil {
				t.Fatal(err)
			}
			if ls := scList(t, c, "bob"); len(ls) != 0 {
				t.Fatalf("after delete = %+v", ls)
			}
			_, err = c.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{
				UserName: aws.String("bob"), ServiceSpecificCredentialId: cr.ServiceSpecificCredentialId,
			})
			apiError(t, err, "NoSuchEntity", "No such credential "+id+" exists", 404)
		})
	}
}

// TestServiceSpecificCredentialsBedrock checks a long-term Bedrock API
// key: alias and secret instead of user name and password, and an
// expiration date from CredentialAgeDays.
func TestServiceSpecificCredentialsBedrock(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	c := h.rootIAM()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bedrock-api-user")}); err != nil {
		t.Fatal(err)
	}
	k := scCreate(t, c, "bedrock-api-user", "bedrock.amazonaws.com", aws.Int32(30))
	if aws.ToString(k.ServiceCredentialAlias) != "bedrock-api-user-at-000000000000" || !strings.HasPrefix(aws.ToString(k.ServiceCredentialSecret), "ABSK") ||
		k.ServiceUserName != nil || k.ServicePassword != nil || k.Status != iamtypes.StatusTypeActive ||
		k.ExpirationDate == nil || !k.ExpirationDate.Equal(k.CreateDate.AddDate(0, 0, 30)) {
		t.Fatalf("Bedrock key = %+v", k)
	}
	// A second key takes the next name; one without an age never expires.
	k2 := scCreate(t, c, "bedrock-api-user", "bedrock.amazonaws.com", nil)
	if aws.ToString(k2.ServiceCredentialAlias) != "bedrock-api-user+1-at-000000000000" || k2.ExpirationDate != nil ||
		aws.ToString(k2.ServiceCredentialSecret) == aws.ToString(k.ServiceCredentialSecret) {
		t.Fatalf("second key = %+v", k2)
	}
	_, err := c.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{
		UserName: aws.String("bedrock-api-user"), ServiceName: aws.String("bedrock.amazonaws.com"),
	})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2", 409)

	out, err := c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{
		UserName: aws.String("bedrock-api-user"), ServiceName: aws.String("bedrock.amazonaws.com"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var withExpiry int
	for _, m := range out.ServiceSpecificCredentials {
		if m.ServiceUserName != nil || !strings.HasPrefix(aws.ToString(m.ServiceCredentialAlias), "bedrock-api-user") || m.Status != iamtypes.StatusTypeActive {
			t.Fatalf("listed = %+v", m)
		}
		if m.ExpirationDate != nil {
			withExpiry++
			if !m.ExpirationDate.Equal(*k.ExpirationDate) {
				t.Fatalf("listed expiry %v, want %v", m.ExpirationDate, k.ExpirationDate)
			}
		}
	}
	if len(out.ServiceSpecificCredentials) != 2 || withExpiry != 1 {
		t.Fatalf("listed = %+v", out.ServiceSpecificCredentials)
	}
	_, body := h.signedPost("iam", "us-east-1", "Action=ListServiceSpecificCredentials&Version=2010-05-08&UserName=bedrock-api-user")
	if strings.Contains(body, "ServiceCredentialSecret") || strings.Contains(body, aws.ToString(k.ServiceCredentialSecret)) {
		t.Fatalf("secret listed: %s", body)
	}

	// A reset gives a new key under the same alias.
	rs, err := c.ResetServiceSpecificCredential(ctx, &iam.ResetServiceSpecificCredentialInput{
		UserName: aws.String("bedrock-api-user"), ServiceSpecificCredentialId: k.ServiceSpecificCredentialId,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := rs.ServiceSpecificCredential; aws.ToString(r.ServiceCredentialAlias) != aws.ToString(k.ServiceCredentialAlias) ||
		!strings.HasPrefix(aws.ToString(r.ServiceCredentialSecret), "ABSK") || aws.ToString(r.ServiceCredentialSecret) == aws.ToString(k.ServiceCredentialSecret) {
		t.Fatalf("reset = %+v", r)
	}
}

// TestServiceSpecificCredentialsRefusals checks each refusal with AWS's
// code, status and text.
func TestServiceSpecificCredentialsRefusals(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	c := h.rootIAM()
	for _, u := range []string{"bob", "carol"} {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	create := func(user, service string, days *int32) error {
		_, err := c.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{
			UserName: aws.String(user), ServiceName: aws.String(service), CredentialAgeDays: days,
		})
		return err
	}

	// Unsupported services, a missing user (first, whatever the service).
	for _, service := range []string{"nonexistentservice.amazonaws.com", "o3on3n3onosneo", "lambda.amazonaws.com"} {
		apiError(t, create("bob", service, nil), "NoSuchEntity", "No such service "+service+" is supported for Service Specific Credentials", 404)
	}
	apiError(t, create("non-existent-user", "codecommit.amazonaws.com", nil), "NoSuchEntity", "The user with name non-existent-user cannot be found.", 404)
	apiError(t, create("non-existent-user", "nonexistentservice.amazonaws.com", nil), "NoSuchEntity", "The user with name non-existent-user cannot be found.", 404)
	_, err := c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("bob"), ServiceName: aws.String("nonexistentservice.amazonaws.com")})
	apiError(t, err, "NoSuchEntity", "No such service nonexistentservice.amazonaws.com is supported for Service Specific Credentials", 404)
	_, err = c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("nope")})
	apiError(t, err, "NoSuchEntity", "The user with name nope cannot be found.", 404)

	// Ages: only for API keys, and within the model's 1..36600.
	apiError(t, create("bob", "codecommit.amazonaws.com", aws.Int32(30)), "InvalidInput", "CredentialAgeDays is only valid for services that support long-term API keys, not codecommit.amazonaws.com.", 400)
	apiError(t, create("bob", "bedrock.amazonaws.com", aws.Int32(0)), "ValidationError",
		"1 validation error detected: Value at 'credentialAgeDays' failed to satisfy constraint: Member must have value greater than or equal to 1", 400)
	apiError(t, create("bob", "bedrock.amazonaws.com", aws.Int32(36601)), "ValidationError",
		"1 validation error detected: Value at 'credentialAgeDays' failed to satisfy constraint: Member must have value less than or equal to 36600", 400)

	// Two per user and service.
	cc := scCreate(t, c, "bob", "codecommit.amazonaws.com", nil)
	scCreate(t, c, "bob", "codecommit.amazonaws.com", nil)
	apiError(t, create("bob", "codecommit.amazonaws.com", nil), "LimitExceeded", "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2", 409)
	scCreate(t, c, "bob", "cassandra.amazonaws.com", nil)
	scCreate(t, c, "carol", "codecommit.amazonaws.com", nil)

	// A credential of another service is not listed under this one.
	wrong, err := c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("carol"), ServiceName: aws.String("cassandra.amazonaws.com")})
	if err != nil || len(wrong.ServiceSpecificCredentials) != 0 {
		t.Fatalf("carol's Keyspaces = %+v, %v", wrong, err)
	}

	// Ids: the model's pattern first, then existence within the user.
	const badPattern = "1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+"
	ops := []struct {
		name string
		call func(user, id string) error
	}{
		{"update", func(user, id string) error {
			_, err := c.UpdateServiceSpecificCredential(ctx, &iam.UpdateServiceSpecificCredentialInput{UserName: aws.String(user), ServiceSpecificCredentialId: aws.String(id), Status: iamtypes.StatusTypeInactive})
			return err
		}},
		{"reset", func(user, id string) error {
			_, err := c.ResetServiceSpecificCredential(ctx, &iam.ResetServiceSpecificCredentialInput{UserName: aws.String(user), ServiceSpecificCredentialId: aws.String(id)})
			return err
		}},
		{"delete", func(user, id string) error {
			_, err := c.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String(user), ServiceSpecificCredentialId: aws.String(id)})
			return err
		}},
	}
	ccID := aws.ToString(cc.ServiceSpecificCredentialId)
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			apiError(t, op.call("bob", "totally-wrong-credential-id-with-hyphens"), "ValidationError", badPattern, 400)
			apiError(t, op.call("bob", "satisfiesregexbutstillinvalid"), "NoSuchEntity", "No such credential satisfiesregexbutstillinvalid exists", 404)
			apiError(t, op.call("wrong-user-name", ccID), "NoSuchEntity", "The user with name wrong-user-name cannot be found.", 404)
			// bob's credential is no credential of carol's.
			apiError(t, op.call("carol", ccID), "NoSuchEntity", "No such credential "+ccID+" exists", 404)
		})
	}
	_, err = c.UpdateServiceSpecificCredential(ctx, &iam.UpdateServiceSpecificCredentialInput{UserName: aws.String("bob"), ServiceSpecificCredentialId: cc.ServiceSpecificCredentialId, Status: "Paused"})
	apiError(t, err, "ValidationError", "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set", 400)
	_, err = c.UpdateServiceSpecificCredential(ctx, &iam.UpdateServiceSpecificCredentialInput{UserName: aws.String("bob"), ServiceSpecificCredentialId: cc.ServiceSpecificCredentialId, Status: iamtypes.StatusTypeExpired})
	apiError(t, err, "InvalidInput", "Status Expired cannot be set; a credential expires at its ExpirationDate.", 400)

	_, err = c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("bob"), AllUsers: aws.Bool(true)})
	apiError(t, err, "InvalidInput", "AllUsers cannot be specified together with UserName.", 400)
}

// TestServiceSpecificCredentialsCallerAndAuthorization checks the
// operations a user runs on its own credentials without UserName, the
// condition keys of Create, AccessDenied for a user without permission
// (also for a user that does not exist), a role session that must name
// the user, and AllUsers paging.
func TestServiceSpecificCredentialsCallerAndAuthorization(t *testing.T) {
	h := start(t, withBootstrap(t, scBootstrap))
	ctx := context.Background()
	dev, nobody, admin := h.scClient("dev"), h.scClient("nobody"), h.scClient("admin")
	deny := func(who, action, resource string) string {
		return "User: arn:aws:iam::" + scAccount + ":user/" + who + " is not authorized to perform: " + action + " on resource: " + resource +
			" because no identity-based policy allows the " + action + " action"
	}
	devARN := "arn:aws:iam::" + scAccount + ":user/team/dev"

	// dev may create CodeCommit passwords and Bedrock keys of at most 90
	// days for itself, nothing else.
	cc := scCreate(t, dev, "dev", "codecommit.amazonaws.com", nil)
	scCreate(t, dev, "dev", "bedrock.amazonaws.com", aws.Int32(90))
	for _, tc := range []struct {
		service string
		days    *int32
	}{{"bedrock.amazonaws.com", aws.Int32(91)}, {"bedrock.amazonaws.com", nil}, {"cassandra.amazonaws.com", nil}} {
		_, err := dev.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("dev"), ServiceName: aws.String(tc.service), CredentialAgeDays: tc.days})
		apiError(t, err, "AccessDenied", deny("team/dev", "iam:CreateServiceSpecificCredential", devARN), 403)
	}
	_, err := dev.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("admin"), ServiceName: aws.String("codecommit.amazonaws.com")})
	apiError(t, err, "AccessDenied", deny("team/dev", "iam:CreateServiceSpecificCredential", "arn:aws:iam::"+scAccount+":user/admin"), 403)

	// Without UserName: the caller's own.
	if ls := scList(t, dev, ""); len(ls) != 2 || aws.ToString(ls[0].UserName) != "dev" {
		t.Fatalf("dev's own = %+v", ls)
	}
	if _, err := dev.UpdateServiceSpecificCredential(ctx, &iam.UpdateServiceSpecificCredentialInput{ServiceSpecificCredentialId: cc.ServiceSpecificCredentialId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	rs, err := dev.ResetServiceSpecificCredential(ctx, &iam.ResetServiceSpecificCredentialInput{ServiceSpecificCredentialId: cc.ServiceSpecificCredentialId})
	if err != nil {
		t.Fatal(err)
	}
	if r := rs.ServiceSpecificCredential; aws.ToString(r.UserName) != "dev" || r.Status != iamtypes.StatusTypeInactive || aws.ToString(r.ServicePassword) == aws.ToString(cc.ServicePassword) {
		t.Fatalf("own reset = %+v", r)
	}
	if _, err := dev.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{ServiceSpecificCredentialId: cc.ServiceSpecificCredentialId}); err != nil {
		t.Fatal(err)
	}
	if ls := scList(t, dev, ""); len(ls) != 1 {
		t.Fatalf("dev's own after delete = %+v", ls)
	}

	// nobody: denied on every user, existing or not, itself included.
	own := scCreate(t, admin, "nobody", "codecommit.amazonaws.com", nil)
	for user, resource := range map[string]string{"dev": devARN, "ghost": "arn:aws:iam::" + scAccount + ":user/ghost"} {
		_, err := nobody.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String(user), ServiceName: aws.String("codecommit.amazonaws.com")})
		apiError(t, err, "AccessDenied", deny("nobody", "iam:CreateServiceSpecificCredential", resource), 403)
	}
	nobodyARN := "arn:aws:iam::" + scAccount + ":user/nobody"
	_, err = nobody.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{})
	apiError(t, err, "AccessDenied", deny("nobody", "iam:ListServiceSpecificCredentials", nobodyARN), 403)
	_, err = nobody.UpdateServiceSpecificCredential(ctx, &iam.UpdateServiceSpecificCredentialInput{ServiceSpecificCredentialId: own.ServiceSpecificCredentialId, Status: iamtypes.StatusTypeInactive})
	apiError(t, err, "AccessDenied", deny("nobody", "iam:UpdateServiceSpecificCredential", nobodyARN), 403)
	_, err = nobody.ResetServiceSpecificCredential(ctx, &iam.ResetServiceSpecificCredentialInput{ServiceSpecificCredentialId: own.ServiceSpecificCredentialId})
	apiError(t, err, "AccessDenied", deny("nobody", "iam:ResetServiceSpecificCredential", nobodyARN), 403)
	_, err = nobody.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String("dev"), ServiceSpecificCredentialId: own.ServiceSpecificCredentialId})
	apiError(t, err, "AccessDenied", deny("nobody", "iam:DeleteServiceSpecificCredential", devARN), 403)

	// AllUsers needs every user: dev may list only its own.
	_, err = dev.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true)})
	apiError(t, err, "AccessDenied", deny("team/dev", "iam:ListServiceSpecificCredentials", "arn:aws:iam::"+scAccount+":user/*"), 403)
	scCreate(t, admin, "admin", "cassandra.amazonaws.com", nil)
	var all []iamtypes.ServiceSpecificCredentialMetadata
	in := &iam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true), MaxItems: aws.Int32(1)}
	for {
		out, err := admin.ListServiceSpecificCredentials(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.ServiceSpecificCredentials...)
		if !out.IsTruncated {
			break
		}
		if len(all) > 3 {
			t.Fatal("paging does not end")
		}
		in.Marker = out.Marker
	}
	var users []string
	for _, m := range all {
		users = append(users, aws.ToString(m.UserName))
	}
	if strings.Join(users, ",") != "admin,dev,nobody" {
		t.Fatalf("all users' = %v", users)
	}
	cc2, err := admin.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true), ServiceName: aws.String("codecommit.amazonaws.com")})
	if err != nil || len(cc2.ServiceSpecificCredentials) != 1 || aws.ToString(cc2.ServiceSpecificCredentials[0].UserName) != "nobody" {
		t.Fatalf("all users' CodeCommit = %+v, %v", cc2, err)
	}

	// A role session has no credentials of its own: it must name the user.
	out, err := h.stsClient("AKIASCADMIN000000001", "scAdminSecret000000000000000000000000000", "").AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + scAccount + ":role/ops"), RoleSessionName: aws.String("sess"),
	})
	if err != nil {
		t.Fatal(err)
	}
	role := h.iamClient(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	_, err = role.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{})
	apiError(t, err, "ValidationError", "Must specify userName when calling with non-User credentials", 400)
	if ls := scList(t, role, "nobody"); len(ls) != 1 {
		t.Fatalf("nobody's via role = %+v", ls)
	}
}
