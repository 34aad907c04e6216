package iam

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/store"
)

// The summary answers every key of the model's summaryKeyType, as AWS
// does, each exactly once: from the quotas or from the usage.
func TestSummaryKeysAreTheModels(t *testing.T) {
	enum := apimodel.IAM.Shapes["summaryKeyType"].Enum
	if len(enum) == 0 {
		t.Fatal("summaryKeyType has no enum in the model")
	}
	quotas, usage := summaryQuotas(), accountUsage{}.summary()
	var got []string
	for k := range quotas {
		if _, dup := usage[k]; dup {
			t.Errorf("%s is both a quota and a usage key", k)
		}
		got = append(got, k)
	}
	for k := range usage {
		got = append(got, k)
	}
	want := append([]string(nil), enum...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("summary keys = %v, want the model's %v", got, want)
	}
}

// Two accounts asking for the same alias at once: the uniqueness check
// and the write share a transaction, so exactly one gets it.
func TestCreateAccountAliasRace(t *testing.T) {
	ctx := context.Background()
	st := outboundStore(t)
	s := New(Config{Store: st})
	const rounds = 20
	for i := 0; i < rounds; i++ {
		alias := "race-" + strings.Repeat("x", i+1)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for j, acct := range []string{"111111111111", "222222222222"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[j] = s.CreateAccountAlias(ctx, rootCall(acct), &iamapi.CreateAccountAliasRequest{AccountAlias: alias})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			wantRefusal(t, alias, err, codeEntityAlreadyExists, "The account alias "+alias+" already exists.")
		}
		if won != 1 {
			t.Fatalf("%s: %d accounts got the alias", alias, won)
		}
		accounts, err := st.ListAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		holders := 0
		for _, a := range accounts {
			if a.Alias == alias {
				holders++
			}
		}
		if holders != 1 {
			t.Fatalf("%s: held by %d accounts", alias, holders)
		}
	}
}

// The root's own credentials set the Account… flags; an IAM user's do
// not. The root's MFA device is one enabled without a user name (the
// mfa package's convention), which no API call makes, so the store is
// written directly.
func TestSummaryRootFlags(t *testing.T) {
	ctx := context.Background()
	st := outboundStore(t)
	s := New(Config{Store: st})
	const acct = "111111111111"
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	summary := func(step string) map[string]int32 {
		t.Helper()
		out, err := s.GetAccountSummary(ctx, rootCall(acct), &struct{}{})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return out.SummaryMap
	}
	flags := func(step string, mfa, keys, certs, mfaInUse, devices int32) {
		t.Helper()
		m := summary(step)
		got := [5]int32{m["AccountMFAEnabled"], m["AccountAccessKeysPresent"], m["AccountSigningCertificatesPresent"], m["MFADevicesInUse"], m["MFADevices"]}
		if want := [5]int32{mfa, keys, certs, mfaInUse, devices}; got != want {
			t.Errorf("%s: MFA, keys, certs, MFA in use, devices = %v, want %v", step, got, want)
		}
	}
	write := func(step string, fn func(tx store.Tx) error) {
		t.Helper()
		if err := st.Update(ctx, fn); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	flags("nothing", 0, 0, 0, 0, 0)

	write("user and its key", func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, store.User{AccountID: acct, Name: "alice", ID: "AIDAEXAMPLEALICE0001", Path: "/", CreatedAt: now}); err != nil {
			return err
		}
		return tx.CreateAccessKey(ctx, store.AccessKey{ID: "AKIAEXAMPLEALICE0001", Secret: strings.Repeat("s", 40), AccountID: acct, UserName: "alice", Status: store.AccessKeyActive, CreatedAt: now})
	})
	write("user's device", func(tx store.Tx) error {
		return tx.CreateMFADevice(ctx, store.MFADevice{AccountID: acct, SerialNumber: "arn:aws:iam::" + acct + ":mfa/alice", Path: "/", Seed: []byte("0123456789abcdef0123"), UserName: "alice", EnabledAt: now, CreatedAt: now})
	})
	flags("user's credentials", 0, 0, 0, 1, 1)

	write("root's credentials", func(tx store.Tx) error {
		if err := tx.CreateAccessKey(ctx, store.AccessKey{ID: "AKIAEXAMPLEROOT00001", Secret: strings.Repeat("r", 40), AccountID: acct, Status: store.AccessKeyInactive, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateSigningCertificate(ctx, store.SigningCertificate{AccountID: acct, ID: "ROOTCERTEXAMPLE00000000000000001", Body: "-----BEGIN CERTIFICATE-----", Status: store.AccessKeyActive, UploadedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateMFADevice(ctx, store.MFADevice{AccountID: acct, SerialNumber: "arn:aws:iam::" + acct + ":mfa/root", Path: "/", Seed: []byte("0123456789abcdef0123"), CreatedAt: now}); err != nil {
			return err
		}
		return tx.CreateMFADevice(ctx, store.MFADevice{AccountID: acct, SerialNumber: "arn:aws:iam::" + acct + ":mfa/spare", Path: "/", Seed: []byte("0123456789abcdef0123"), CreatedAt: now})
	})
	// An inactive key is still a key; a device not enabled is nobody's.
	flags("root's key and certificate", 0, 1, 1, 1, 3)
	write("root's device enabled", func(tx store.Tx) error {
		d, err := tx.GetMFADevice(ctx, "arn:aws:iam::"+acct+":mfa/root")
		if err != nil {
			return err
		}
		d.EnabledAt = now
		return tx.UpdateMFADevice(ctx, d)
	})
	flags("root's MFA", 1, 1, 1, 2, 3)

	// The other account's root has none of these.
	out, err := s.GetAccountSummary(ctx, rootCall("222222222222"), &struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	m := out.SummaryMap
	if m["AccountMFAEnabled"] != 0 || m["AccountAccessKeysPresent"] != 0 || m["AccountSigningCertificatesPresent"] != 0 || m["Users"] != 0 || m["MFADevices"] != 0 {
		t.Errorf("other account's summary = %v", m)
	}
}

// DeleteAccountAlias of an account without an alias, and ListAccountAliases
// paging past the alias.
func TestAccountAliasEdges(t *testing.T) {
	ctx := context.Background()
	s := New(Config{Store: outboundStore(t)})
	call := rootCall("111111111111")
	_, err := s.DeleteAccountAlias(ctx, call, &iamapi.DeleteAccountAliasRequest{AccountAlias: "none"})
	wantRefusal(t, "delete without alias", err, codeNoSuchEntity, "The account alias none cannot be found.")

	if _, err := s.CreateAccountAlias(ctx, call, &iamapi.CreateAccountAliasRequest{AccountAlias: "acme"}); err != nil {
		t.Fatal(err)
	}
	first, err := s.ListAccountAliases(ctx, call, &iamapi.ListAccountAliasesRequest{})
	if err != nil || len(first.AccountAliases) != 1 || first.AccountAliases[0] != "acme" || first.IsTruncated == nil || *first.IsTruncated {
		t.Fatalf("ListAccountAliases = %+v, %v", first, err)
	}
	// A marker past the only alias (as a client could craft) is an empty,
	// final page.
	_, _, marker := truncate([]string{"acme", "later"}, 1, func(a string) string { return a })
	after, err := s.ListAccountAliases(ctx, call, &iamapi.ListAccountAliasesRequest{Marker: marker})
	if err != nil || len(after.AccountAliases) != 0 || after.AccountAliases == nil || *after.IsTruncated {
		t.Fatalf("ListAccountAliases after the alias = %+v, %v", after, err)
	}
}
