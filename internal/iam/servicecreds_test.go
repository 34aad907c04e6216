package iam

import (
	"bytes"
	"context"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// bedrockKeyRule is the secret scanners' rule for long-term Bedrock keys
// (gitleaks' aws-amazon-bedrock-api-key-long-lived and its copies), the
// public description of the shape AWS issues.
var bedrockKeyRule = regexp.MustCompile(`^ABSK[A-Za-z0-9+/]{109,269}={0,2}$`)

func TestServiceCredentialSecrets(t *testing.T) {
	password := credentialService{kind: kindPassword}
	p1, err := password.newSecret("bob-at-111111111111")
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := password.newSecret("bob-at-111111111111")
	raw, err := base64.StdEncoding.DecodeString(p1)
	if err != nil || len(p1) != 44 || len(raw) != passwordBytes || p1 == p2 {
		t.Fatalf("passwords %q, %q (%v)", p1, p2, err)
	}

	bedrock, _ := lookupCredentialService("bedrock.amazonaws.com")
	logs, _ := lookupCredentialService("logs.amazonaws.com")
	// The shortest and the longest alias a user name of 1 to 64
	// characters gives, with a "+N" of a second credential.
	for _, alias := range []string{"a-at-111111111111", strings.Repeat("u", 64) + "+1-at-111111111111"} {
		k, err := bedrock.newSecret(alias)
		if err != nil {
			t.Fatal(err)
		}
		if !bedrockKeyRule.MatchString(k) {
			t.Fatalf("Bedrock key %q does not have AWS's shape", k)
		}
		inner, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(k, "ABSK"))
		if err != nil {
			t.Fatal(err)
		}
		name, secret, ok := bytes.Cut(inner, []byte(":"))
		if r, err := base64.StdEncoding.DecodeString(string(secret)); !ok || string(name) != alias || err != nil || len(r) != apiKeyBytes {
			t.Fatalf("Bedrock key of %s decodes to %q", alias, inner)
		}
		l, _ := logs.newSecret(alias)
		if strings.HasPrefix(l, "ABSK") {
			t.Fatalf("CloudWatch Logs key %q has Bedrock's prefix", l)
		}
	}
}

func TestServiceCredentialLookup(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind credentialKind
	}{
		{"codecommit.amazonaws.com", kindPassword},
		{"cassandra.amazonaws.com", kindPassword},
		{"bedrock.amazonaws.com", kindAPIKey},
		{"aws-external-anthropic.amazonaws.com", kindAPIKey},
		{"cloudwatch.amazonaws.com", kindAPIKey},
		{"logs.amazonaws.com", kindAPIKey},
		// The refusals recorded from AWS in test_iam.snapshot.json.
		{"lambda.amazonaws.com", 0},
		{"nonexistentservice.amazonaws.com", 0},
		{"o3on3n3onosneo", 0},
		{"CodeCommit.amazonaws.com", 0},
	} {
		svc, ok := lookupCredentialService(tc.name)
		if ok != (tc.kind != 0) || svc.kind != tc.kind {
			t.Errorf("%s: kind %d, ok %v; want kind %d", tc.name, svc.kind, ok, tc.kind)
		}
	}
}

func TestServiceCredentialUserName(t *testing.T) {
	had := func(names ...string) []store.ServiceSpecificCredential {
		var out []store.ServiceSpecificCredential
		for _, n := range names {
			out = append(out, store.ServiceSpecificCredential{ServiceUserName: n})
		}
		return out
	}
	for _, tc := range []struct {
		have []store.ServiceSpecificCredential
		want string
	}{
		{nil, "bob-at-111111111111"},
		{had("bob-at-111111111111"), "bob+1-at-111111111111"},
		{had("bob-at-111111111111", "bob+1-at-111111111111"), "bob+2-at-111111111111"},
		// A freed name is reused first.
		{had("bob+1-at-111111111111"), "bob-at-111111111111"},
	} {
		if got := serviceUserName("bob", "111111111111", tc.have); got != tc.want {
			t.Errorf("with %v: %q, want %q", tc.have, got, tc.want)
		}
	}
}

// TestServiceCredentialLifecycle drives the operations against a real
// store, checking what the e2e tests cannot see: the stored secret, the
// clock-driven Expired status, and AllUsers paging.
func TestServiceCredentialLifecycle(t *testing.T) {
	ctx := context.Background()
	s := New(Config{Store: outboundStore(t)})
	call := rootCall("111111111111")
	for _, u := range []string{"bob", "Carol"} {
		if _, err := s.CreateUser(ctx, call, &iamapi.CreateUserRequest{UserName: u}); err != nil {
			t.Fatal(err)
		}
	}
	create := func(user, service string, days *int32) (*iamapi.ServiceSpecificCredential, error) {
		out, err := s.CreateServiceSpecificCredential(ctx, call, &iamapi.CreateServiceSpecificCredentialRequest{UserName: user, ServiceName: service, CredentialAgeDays: days})
		if err != nil {
			return nil, err
		}
		return out.ServiceSpecificCredential, nil
	}

	key, err := create("BOB", "bedrock.amazonaws.com", new(int32(30)))
	if err != nil {
		t.Fatal(err)
	}
	created := call.Time.Truncate(time.Second)
	if key.UserName != "bob" || key.ServiceCredentialAlias != "bob-at-111111111111" || key.ServiceUserName != "" || key.ServicePassword != "" ||
		!strings.HasPrefix(key.ServiceCredentialSecret, "ABSK") || key.Status != "Active" || !key.CreateDate.Equal(created) ||
		!key.ExpirationDate.Equal(created.AddDate(0, 0, 30)) || len(key.ServiceSpecificCredentialId) != 21 || !strings.HasPrefix(key.ServiceSpecificCredentialId, "ACCA") {
		t.Fatalf("Bedrock key = %+v", key)
	}
	stored, err := s.store.GetServiceSpecificCredential(ctx, "111111111111", "bob", key.ServiceSpecificCredentialId)
	if err != nil || string(stored.Secret) != key.ServiceCredentialSecret {
		t.Fatalf("stored %+v, %v", stored, err)
	}

	// Two per user and service; other services and users count apart.
	for _, c := range []struct{ user, service string }{{"bob", "bedrock.amazonaws.com"}, {"bob", "codecommit.amazonaws.com"}, {"bob", "codecommit.amazonaws.com"}, {"carol", "codecommit.amazonaws.com"}} {
		if _, err := create(c.user, c.service, nil); err != nil {
			t.Fatalf("%s %s: %v", c.user, c.service, err)
		}
	}
	_, err = create("bob", "codecommit.amazonaws.com", nil)
	wantRefusal(t, "third CodeCommit password", err, codeLimitExceeded, "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2")
	_, err = create("bob", "bedrock.amazonaws.com", nil)
	wantRefusal(t, "third Bedrock key", err, codeLimitExceeded, "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2")
	_, err = create("carol", "cassandra.amazonaws.com", new(int32(1)))
	wantRefusal(t, "age of a password", err, codeInvalidInput, "CredentialAgeDays is only valid for services that support long-term API keys, not cassandra.amazonaws.com.")

	list := func(c *rpc.Call, in *iamapi.ListServiceSpecificCredentialsRequest) []iamapi.ServiceSpecificCredentialMetadata {
		t.Helper()
		out, err := s.ListServiceSpecificCredentials(ctx, c, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.ServiceSpecificCredentials
	}
	// Aliases number across the user's credentials: bob's second Bedrock
	// key and both passwords take the next free name.
	names := map[string]bool{}
	for _, m := range list(call, &iamapi.ListServiceSpecificCredentialsRequest{UserName: "bob"}) {
		names[m.ServiceUserName+m.ServiceCredentialAlias] = true
	}
	for _, n := range []string{"bob-at-111111111111", "bob+1-at-111111111111", "bob+2-at-111111111111", "bob+3-at-111111111111"} {
		if !names[n] {
			t.Fatalf("bob's names %v lack %s", names, n)
		}
	}

	// After its ExpirationDate the key reports Expired, and stays so
	// whatever status is set; Expired itself cannot be set.
	later := *call
	later.Time = created.AddDate(0, 0, 30)
	for _, m := range list(&later, &iamapi.ListServiceSpecificCredentialsRequest{UserName: "bob", ServiceName: "bedrock.amazonaws.com"}) {
		want := "Active"
		if m.ServiceSpecificCredentialId == key.ServiceSpecificCredentialId {
			want = "Expired"
		}
		if m.Status != want {
			t.Fatalf("%s at expiry: %s, want %s", m.ServiceSpecificCredentialId, m.Status, want)
		}
	}
	_, err = s.UpdateServiceSpecificCredential(ctx, call, &iamapi.UpdateServiceSpecificCredentialRequest{UserName: "bob", ServiceSpecificCredentialId: key.ServiceSpecificCredentialId, Status: "Expired"})
	wantRefusal(t, "set Expired", err, codeInvalidInput, msgSetExpired)

	// Reset stores and returns a new secret under the same alias.
	reset, err := s.ResetServiceSpecificCredential(ctx, call, &iamapi.ResetServiceSpecificCredentialRequest{UserName: "bob", ServiceSpecificCredentialId: key.ServiceSpecificCredentialId})
	if err != nil {
		t.Fatal(err)
	}
	r := reset.ServiceSpecificCredential
	stored, _ = s.store.GetServiceSpecificCredential(ctx, "111111111111", "bob", key.ServiceSpecificCredentialId)
	if r.ServiceCredentialSecret == key.ServiceCredentialSecret || string(stored.Secret) != r.ServiceCredentialSecret ||
		r.ServiceCredentialAlias != key.ServiceCredentialAlias || !r.ExpirationDate.Equal(key.ExpirationDate) {
		t.Fatalf("reset = %+v", r)
	}

	// AllUsers lists every user's credentials, by user then id, a page at
	// a time; with a service, only that service's.
	var all []iamapi.ServiceSpecificCredentialMetadata
	in := &iamapi.ListServiceSpecificCredentialsRequest{AllUsers: new(true), MaxItems: new(int32(2))}
	for {
		out, err := s.ListServiceSpecificCredentials(ctx, call, in)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.ServiceSpecificCredentials...)
		if !*out.IsTruncated {
			break
		}
		if len(all) > 5 {
			t.Fatal("paging does not end")
		}
		in.Marker = out.Marker
	}
	if len(all) != 5 || all[4].UserName != "Carol" {
		t.Fatalf("all users = %+v", all)
	}
	for i := 1; i < 4; i++ {
		if all[i].ServiceSpecificCredentialId <= all[i-1].ServiceSpecificCredentialId {
			t.Fatalf("bob's not ordered by id: %+v", all)
		}
	}
	if cc := list(call, &iamapi.ListServiceSpecificCredentialsRequest{AllUsers: new(true), ServiceName: "codecommit.amazonaws.com"}); len(cc) != 3 {
		t.Fatalf("CodeCommit of all users = %+v", cc)
	}
	_, err = s.ListServiceSpecificCredentials(ctx, call, &iamapi.ListServiceSpecificCredentialsRequest{AllUsers: new(true), UserName: "bob"})
	wantRefusal(t, "AllUsers with UserName", err, codeInvalidInput, msgAllUsersWithUserName)
	// AllUsers false is no conflict.
	if got := list(call, &iamapi.ListServiceSpecificCredentialsRequest{AllUsers: new(false), UserName: "carol"}); len(got) != 1 {
		t.Fatalf("carol = %+v", got)
	}

	// The root has no credentials of its own.
	if got := list(call, &iamapi.ListServiceSpecificCredentialsRequest{}); len(got) != 0 {
		t.Fatalf("root's = %+v", got)
	}
	_, err = s.DeleteServiceSpecificCredential(ctx, call, &iamapi.DeleteServiceSpecificCredentialRequest{ServiceSpecificCredentialId: key.ServiceSpecificCredentialId})
	wantRefusal(t, "root's delete", err, codeNoSuchEntity, "No such credential "+key.ServiceSpecificCredentialId+" exists")
}
