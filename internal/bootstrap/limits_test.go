package bootstrap

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

// attachingFile is a file whose account defines n managed policies P0..Pn-1
// and gives them all to user bob and role app: the policy list sits on
// line 8 (bob's) and line 11 (app's), column 27.
func attachingFile(n int) string {
	var defs, arns []string
	for i := range n {
		defs = append(defs, fmt.Sprintf("{name: P%d, document: %s}", i, permJSON))
		arns = append(arns, fmt.Sprintf(`"arn:aws:iam::111111111111:policy/P%d"`, i))
	}
	list := "[" + strings.Join(arns, ", ") + "]"
	return one("    policies:\n" +
		"      [" + strings.Join(defs, ",\n       ") + "]\n" +
		"    users:\n      - name: bob\n        managed_policies: " + list + "\n" +
		"    roles:\n      - name: app\n        trust_policy: " + trustJSON + "\n        managed_policies: " + list + "\n")
}

// lineOf returns the 1-based line of src that starts with prefix after its
// indentation, so the expected positions follow the generated file.
func lineOf(t *testing.T, src, prefix string, nth int) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " "), prefix) {
			if nth == 0 {
				return i + 1
			}
			nth--
		}
	}
	t.Fatalf("no line %q in\n%s", prefix, src)
	return 0
}

// TestParseRefusesAttachedPoliciesPastTheAPIQuota: the file is held to
// the quota AttachUserPolicy and AttachRolePolicy enforce (10), not to the
// 20 AWS lets an account raise it to, which bootstrap once allowed.
func TestParseRefusesAttachedPoliciesPastTheAPIQuota(t *testing.T) {
	src := attachingFile(iamlimits.AttachedPoliciesPerUser + 1)
	_, err := Parse("t.yaml", []byte(src))
	if err == nil {
		t.Fatal("a user with 11 managed policies was accepted")
	}
	userLine := lineOf(t, src, "managed_policies:", 0)
	roleLine := lineOf(t, src, "managed_policies:", 1)
	for _, want := range []string{
		fmt.Sprintf("t.yaml:%d:27: accounts[0].users[0].managed_policies: at most 10 managed policies may be attached (IAM quota)", userLine),
		fmt.Sprintf("t.yaml:%d:27: accounts[0].roles[0].managed_policies: at most 10 managed policies may be attached (IAM quota)", roleLine),
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v\nwant it to contain %s", err, want)
		}
	}
}

// TestApplyAttachesTheQuota: ten policies, the quota, parse and are all
// attached.
func TestApplyAttachesTheQuota(t *testing.T) {
	ctx := t.Context()
	f := mustParse(t, attachingFile(iamlimits.AttachedPoliciesPerUser))
	if n := len(f.Accounts[0].Users[0].ManagedPolicies); n != 10 {
		t.Fatalf("parsed %d of bob's policies, want 10", n)
	}
	s := memory.New()
	if _, err := Apply(ctx, s, f, testNow); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx store.Tx) error {
		for _, e := range []struct {
			kind store.PrincipalKind
			name string
		}{{store.KindUser, "bob"}, {store.KindRole, "app"}} {
			got, err := tx.ListAttachedPolicies(ctx, "111111111111", e.kind, e.name)
			if err != nil {
				return err
			}
			if len(got) != 10 {
				t.Errorf("%s %s has %d policies attached, want 10", e.kind, e.name, len(got))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestApplyRefusesAttachingPastTheQuotaWithStored: attachments the store
// already holds count towards the same quota.
func TestApplyRefusesAttachingPastTheQuotaWithStored(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	seed := func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateAccount(ctx, store.Account{ID: "111111111111"}); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, store.User{AccountID: "111111111111", Name: "bob", ID: "AIDABOB", Path: "/"}); err != nil {
			return err
		}
		for i := range iamlimits.AttachedPoliciesPerUser {
			if err := tx.AttachPolicy(ctx, "111111111111", store.KindUser, "bob", fmt.Sprintf("arn:aws:iam::111111111111:policy/X%d", i)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.Update(ctx, func(tx store.Tx) error { return seed(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	src := one("    policies: [{name: P, document: " + permJSON + "}]\n" +
		"    users:\n      - {name: bob, managed_policies: [\"arn:aws:iam::111111111111:policy/P\"]}\n")
	_, err := Apply(ctx, s, mustParse(t, src), testNow)
	want := "t.yaml:5:40: accounts[0].users[0].managed_policies[0]: user 111111111111/bob already has 10 managed policies attached (IAM quota)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}
