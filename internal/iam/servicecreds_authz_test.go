package iam

import (
	"testing"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
)

// AllUsers lists only the credentials of users the caller may list them
// for: an explicit Deny on one user's ARN keeps that user's credentials
// out, as it refuses the same call naming the user.
func TestServiceSpecificCredentialsAllUsersHonoursDeny(t *testing.T) {
	h := newHarness(t, "000000000000")
	s, ctx, root := h.svc, h.ctx, h.root()
	for _, name := range []string{"admin", "bob", "lister"} {
		h.ok(s.CreateUser(ctx, root, &iamapi.CreateUserRequest{UserName: name}))
	}
	for _, name := range []string{"admin", "bob"} {
		h.ok(s.CreateServiceSpecificCredential(ctx, root, &iamapi.CreateServiceSpecificCredentialRequest{UserName: name, ServiceName: "codecommit.amazonaws.com"}))
	}
	h.ok(s.PutUserPolicy(ctx, root, &iamapi.PutUserPolicyRequest{UserName: "lister", PolicyName: "p", PolicyDocument: `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:ListServiceSpecificCredentials","Resource":"*"},
		{"Effect":"Deny","Action":"iam:ListServiceSpecificCredentials","Resource":"arn:aws:iam::000000000000:user/admin"}]}`}))
	lister := h.user("lister")
	_, err := s.ListServiceSpecificCredentials(ctx, lister, &iamapi.ListServiceSpecificCredentialsRequest{UserName: "admin"})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::000000000000:user/lister is not authorized to perform: iam:ListServiceSpecificCredentials on resource: arn:aws:iam::000000000000:user/admin with an explicit deny", 403)
	all := true
	out, err := s.ListServiceSpecificCredentials(ctx, lister, &iamapi.ListServiceSpecificCredentialsRequest{AllUsers: &all})
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, c := range out.ServiceSpecificCredentials {
		users = append(users, c.UserName)
	}
	if len(users) != 1 || users[0] != "bob" {
		t.Fatalf("AllUsers listed the credentials of %v, want only bob's", users)
	}
}

// Service user names are unique in the account: user "bob+1" does not get
// the name of bob's second credential.
func TestServiceSpecificCredentialsNamesUniqueInAccount(t *testing.T) {
	h := newHarness(t, "000000000000")
	s, ctx, root := h.svc, h.ctx, h.root()
	create := func(user, service string) string {
		t.Helper()
		out, err := s.CreateServiceSpecificCredential(ctx, root, &iamapi.CreateServiceSpecificCredentialRequest{UserName: user, ServiceName: service})
		if err != nil {
			t.Fatal(err)
		}
		return out.ServiceSpecificCredential.ServiceUserName
	}
	for _, name := range []string{"bob", "bob+1"} {
		h.ok(s.CreateUser(ctx, root, &iamapi.CreateUserRequest{UserName: name}))
	}
	got := []string{create("bob", "codecommit.amazonaws.com"), create("bob", "cassandra.amazonaws.com"), create("bob+1", "codecommit.amazonaws.com")}
	want := []string{"bob-at-000000000000", "bob+1-at-000000000000", "bob+1+1-at-000000000000"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("service user names %v, want %v", got, want)
		}
	}
}
