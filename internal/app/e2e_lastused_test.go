package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Access keys and roles record their last use (GetAccessKeyLastUsed,
// GetRole's RoleLastUsed). Uses are written in batches; the test flushes
// instead of waiting, and a restart flushes on close.
func TestLastUsed(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	ctx := context.Background()
	root := h.rootIAM()
	// Alice (account 111111111111) signs a call and assumes a role; the
	// store then shows both uses.
	alice := h.as("alice")
	if _, err := alice.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := assume(alice, acct1+"demo", "used"); err != nil {
		t.Fatal(err)
	}
	if err := h.app.FlushLastUsed(ctx); err != nil {
		t.Fatal(err)
	}
	k, err := h.app.Store.GetAccessKey(ctx, "AKIAALICE00000000001")
	if err != nil {
		t.Fatal(err)
	}
	if k.LastUsedAt.IsZero() || k.LastService != "sts" || k.LastRegion != "us-east-1" {
		t.Fatalf("access key last used: %v %q %q", k.LastUsedAt, k.LastService, k.LastRegion)
	}
	r, err := h.app.Store.GetRole(ctx, "111111111111", "demo")
	if err != nil {
		t.Fatal(err)
	}
	if r.LastUsedAt.IsZero() || r.LastUsedRegion != "us-east-1" {
		t.Fatalf("role last used: %v %q", r.LastUsedAt, r.LastUsedRegion)
	}

	// Through the API: the default account's root reads its own key's use.
	if _, err := root.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	h.restart() // closing flushes
	out, err := h.rootIAM().GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(rootKeyID)})
	if err != nil {
		t.Fatal(err)
	}
	lu := out.AccessKeyLastUsed
	if lu == nil || lu.LastUsedDate == nil || aws.ToString(lu.ServiceName) != "iam" || aws.ToString(lu.Region) != "us-east-1" {
		t.Fatalf("GetAccessKeyLastUsed = %+v", lu)
	}
}
