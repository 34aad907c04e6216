// Package storetest is the conformance suite every store backend (and every
// store wrapper, such as the cache) must pass: the behaviour store.go
// promises, checked through the store.Store interface alone.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// Run runs the suite. open must return a new, empty store for each call;
// Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []subtest{
		{"Accounts", testAccounts},
		{"AccessKeys", testAccessKeys},
		{"Users", testUsers},
		{"UserRename", testUserRename},
		{"Roles", testRoles},
		{"Groups", testGroups},
		{"GroupMembers", testGroupMembers},
		{"GroupRename", testGroupRename},
		{"UserRenameMemberships", testUserRenameMemberships},
		{"GroupLeftovers", testGroupLeftovers},
		{"GroupRollback", testGroupRollback},
		{"InstanceProfiles", testInstanceProfiles},
		{"InstanceProfileRoles", testInstanceProfileRoles},
		{"InstanceProfileLeftovers", testInstanceProfileLeftovers},
		{"InstanceProfileRollback", testInstanceProfileRollback},
		{"InstanceProfileResultsAreCopies", testInstanceProfileResultsAreCopies},
		{"LoginProfiles", testLoginProfiles},
		{"PasswordPolicy", testPasswordPolicy},
		{"SSHPublicKeys", testSSHPublicKeys},
		{"SigningCertificates", testSigningCertificates},
		{"ServiceSpecificCredentials", testServiceSpecificCredentials},
		{"UserRenameCredentials", testUserRenameCredentials},
		{"UserCredentialLeftovers", testUserCredentialLeftovers},
		{"UserCredentialRollback", testUserCredentialRollback},
		{"UserCredentialResultsAreCopies", testUserCredentialResultsAreCopies},
		{"ListingAndPaging", testListing},
		{"Policies", testPolicies},
		{"InlinePolicies", testInlinePolicies},
		{"Attachments", testAttachments},
		{"MFADevices", testMFADevices},
		{"OIDCProviders", testOIDCProviders},
		{"SAMLProviders", testSAMLProviders},
		{"TokenKeys", testTokenKeys},
		{"OutboundFederation", testOutboundFederation},
		{"OutboundIssuerUnique", testOutboundIssuerUnique},
		{"OutboundRollback", testOutboundRollback},
		{"OutboundResultsAreCopies", testOutboundResultsAreCopies},
		{"ParentAccountRequired", testParentAccount},
		{"DeleteCascades", testDeleteCascades},
		{"OwnerRequired", testOwnerRequired},
		{"CredentialReports", testCredentialReports},
		{"Rollback", testRollback},
		{"Generation", testGeneration},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"ConcurrentFailures", testConcurrentFailures},
		{"Timestamps", testTimestamps},
		{"ResultsAreCopies", testResultsAreCopies},
		{"CanceledContext", testCanceledContext},
	}
	tests = append(tests, rereadTests()...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

// subtest is one entry of the suite, run on a store of its own.
type subtest struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// Accounts every subtest may use.
const (
	acct  = "111122223333"
	acct2 = "444455556666"
)

// at returns distinct UTC instants with nanoseconds, to catch truncation.
func at(i int) time.Time {
	return time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC).Add(time.Duration(i) * time.Hour)
}

func update(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// updateErr runs an Update expected to fail with want.
func updateErr(t *testing.T, s store.Store, want error, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); !errors.Is(err, want) {
		t.Fatalf("Update error = %v, want %v", err, want)
	}
}

func isErr(t *testing.T, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error = %v, want %v", what, err, want)
	}
}

func noErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func equal(t *testing.T, got, want any, what string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// seedAccounts creates the two test accounts.
func seedAccounts(t *testing.T, s store.Store) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateAccount(context.Background(), store.Account{ID: acct, Alias: "main", CreatedAt: at(0)}); err != nil {
			return err
		}
		return tx.CreateAccount(context.Background(), store.Account{ID: acct2, CreatedAt: at(0)})
	})
}

// seedUsers creates users of the given names in account a: a credential,
// policy or membership needs its owner to exist.
func seedUsers(t *testing.T, s store.Store, a string, names ...string) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		for _, n := range names {
			u := user(n)
			u.AccountID = a
			if err := tx.CreateUser(context.Background(), u); err != nil {
				return err
			}
		}
		return nil
	})
}

// seedRoles is seedUsers for roles, in account acct.
func seedRoles(t *testing.T, s store.Store, names ...string) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		for _, n := range names {
			if err := tx.CreateRole(context.Background(), role(n)); err != nil {
				return err
			}
		}
		return nil
	})
}

func user(name string) store.User {
	return store.User{
		AccountID: acct, Name: name, ID: "AIDA" + fmt.Sprintf("%016d", len(name)), Path: "/",
		Tags: []store.Tag{{Key: "team", Value: "a"}, {Key: "Env", Value: "prod"}}, CreatedAt: at(1),
	}
}

func role(name string) store.Role {
	return store.Role{
		AccountID: acct, Name: name, ID: "AROAEXAMPLE" + name, Path: "/", Description: "d",
		TrustPolicy: `{"Version":"2012-10-17"}`, MaxSessionDuration: 3600, Tags: []store.Tag{{Key: "k", Value: "v"}}, CreatedAt: at(2),
	}
}

func policy(name string) store.ManagedPolicy {
	return store.ManagedPolicy{
		AccountID: acct, Name: name, ID: "ANPAEXAMPLE" + name, Path: "/", DefaultVersionID: "v1",
		CreatedAt: at(3), UpdatedAt: at(4),
	}
}

func accessKey(id, userName string) store.AccessKey {
	return store.AccessKey{
		ID: id, Secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + id[len(id)-10:], AccountID: acct, UserName: userName,
		Status: store.AccessKeyActive, CreatedAt: at(5),
	}
}

func mfa(name, userName string) store.MFADevice {
	return store.MFADevice{
		AccountID: acct, SerialNumber: "arn:aws:iam::" + acct + ":mfa/" + name, Path: "/",
		Seed: []byte("12345678901234567890" + name), UserName: userName, CreatedAt: at(6),
	}
}
