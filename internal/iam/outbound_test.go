package iam

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/federation/outbound"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

const testPublicURL = "https://sts.example.test"

// outboundStore is a real store holding accounts 111111111111 and
// 222222222222.
func outboundStore(t *testing.T) store.Store {
	t.Helper()
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	err := st.Update(context.Background(), func(tx store.Tx) error {
		for _, id := range []string{"111111111111", "222222222222"} {
			if err := tx.CreateAccount(context.Background(), store.Account{ID: id, CreatedAt: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// rootCall is a request signed by the account's root with a long-term
// key, which authorize lets do everything in its account.
func rootCall(acct string) *rpc.Call {
	return &rpc.Call{
		Principal: &auth.Principal{Type: auth.Root, AccountID: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct},
		Time:      time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
	}
}

// wantRefusal checks err is the AWS error code with exactly msg.
func wantRefusal(t *testing.T, step string, err error, code, msg string) {
	t.Helper()
	e, ok := apierr.As(err)
	if !ok || e.Code != code || e.Message != msg {
		t.Fatalf("%s: got %v, want %s %q", step, err, code, msg)
	}
}

// TestOutboundLifecycle walks one account through the feature's states and
// checks each operation's answer in each state (IAM API Reference:
// FeatureEnabled on a second Enable, FeatureDisabled on a second Disable;
// FeatureDisabled from Get when off, as the Terraform provider's test
// against AWS expects).
func TestOutboundLifecycle(t *testing.T) {
	ctx := context.Background()
	st := outboundStore(t)
	s := New(Config{Store: st, PublicURL: testPublicURL})
	call := rootCall("111111111111")

	enable := func() (string, error) {
		out, err := s.EnableOutboundWebIdentityFederation(ctx, call, &struct{}{})
		if err != nil {
			return "", err
		}
		return out.IssuerIdentifier, nil
	}
	disable := func() error {
		_, err := s.DisableOutboundWebIdentityFederation(ctx, call, &struct{}{})
		return err
	}
	get := func() (string, error) {
		out, err := s.GetOutboundWebIdentityFederationInfo(ctx, call, &struct{}{})
		if err != nil {
			return "", err
		}
		if out.JwtVendingEnabled == nil || !*out.JwtVendingEnabled {
			t.Fatalf("Get answered without JwtVendingEnabled true: %+v", out)
		}
		return out.IssuerIdentifier, nil
	}

	// Never enabled.
	_, err := get()
	wantRefusal(t, "Get before Enable", err, codeFeatureDisabled, msgFeatureDisabled)
	wantRefusal(t, "Disable before Enable", disable(), codeFeatureDisabled, msgFeatureDisabled)

	issuer, err := enable()
	if err != nil {
		t.Fatal(err)
	}
	prefix := testPublicURL + "/outbound/"
	if !strings.HasPrefix(issuer, prefix) || !outbound.ValidIssuerID(strings.TrimPrefix(issuer, prefix)) {
		t.Fatalf("issuer %q is not %s<uuid>", issuer, prefix)
	}
	first, err := st.GetOutboundFederation(ctx, "111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if !first.Enabled || first.IssuerID != strings.TrimPrefix(issuer, prefix) || !first.CreatedAt.Equal(call.Time) {
		t.Fatalf("stored %+v after Enable", first)
	}
	// The stored keys are ones an Issuer can sign with.
	if _, err := outbound.NewIssuer(issuer, first.RSAKey, first.ECKey); err != nil {
		t.Fatalf("stored keys: %v", err)
	}

	_, err = enable()
	wantRefusal(t, "second Enable", err, codeFeatureEnabled, msgFeatureEnabled)
	if got, err := get(); err != nil || got != issuer {
		t.Fatalf("Get when enabled: %q, %v; want %q", got, err, issuer)
	}

	if err := disable(); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, "second Disable", disable(), codeFeatureDisabled, msgFeatureDisabled)
	_, err = get()
	wantRefusal(t, "Get when disabled", err, codeFeatureDisabled, msgFeatureDisabled)
	if f, _ := st.GetOutboundFederation(ctx, "111111111111"); f.Enabled || f.IssuerID != first.IssuerID {
		t.Fatalf("stored %+v after Disable; the issuer must stay", f)
	}

	// Enable after Disable: the same issuer and keys (stsd's choice; AWS
	// does not document whether the URL changes).
	call.Time = call.Time.Add(time.Hour)
	again, err := enable()
	if err != nil || again != issuer {
		t.Fatalf("re-Enable: %q, %v; want the first issuer %q", again, err, issuer)
	}
	f, err := st.GetOutboundFederation(ctx, "111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if !f.Enabled || !bytes.Equal(f.RSAKey, first.RSAKey) || !bytes.Equal(f.ECKey, first.ECKey) {
		t.Fatal("re-Enable replaced the signing keys")
	}
	if !f.CreatedAt.Equal(first.CreatedAt) || !f.UpdatedAt.Equal(call.Time) {
		t.Fatalf("re-Enable dates: created %v updated %v", f.CreatedAt, f.UpdatedAt)
	}

	// The issuer URL follows the configured public URL; the id stays.
	moved := New(Config{Store: st, PublicURL: "http://127.0.0.1:7788"})
	out, err := moved.GetOutboundWebIdentityFederationInfo(ctx, call, &struct{}{})
	if err != nil || out.IssuerIdentifier != "http://127.0.0.1:7788/outbound/"+first.IssuerID {
		t.Fatalf("after a public URL change: %+v, %v", out, err)
	}

	// Another account gets an issuer of its own.
	other, err := s.EnableOutboundWebIdentityFederation(ctx, rootCall("222222222222"), &struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	if other.IssuerIdentifier == issuer {
		t.Fatal("two accounts share an issuer")
	}
	g, err := st.GetOutboundFederation(ctx, "222222222222")
	if err != nil || bytes.Equal(g.RSAKey, first.RSAKey) || bytes.Equal(g.ECKey, first.ECKey) {
		t.Fatalf("second account: %v, or it shares the first one's keys", err)
	}
}

// TestOutboundConcurrentEnable runs first Enables at once: exactly one
// succeeds, the others see FeatureEnabled, and all agree on one issuer.
func TestOutboundConcurrentEnable(t *testing.T) {
	ctx := context.Background()
	st := outboundStore(t)
	s := New(Config{Store: st, PublicURL: testPublicURL})
	const n = 4
	var wg sync.WaitGroup
	results := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			out, err := s.EnableOutboundWebIdentityFederation(ctx, rootCall("111111111111"), &struct{}{})
			if err == nil {
				results[i] = out.IssuerIdentifier
			}
			errs[i] = err
		})
	}
	wg.Wait()
	var won string
	for i, err := range errs {
		if err == nil {
			if won != "" {
				t.Fatalf("two Enables succeeded: %s and %s", won, results[i])
			}
			won = results[i]
			continue
		}
		wantRefusal(t, "concurrent Enable", err, codeFeatureEnabled, msgFeatureEnabled)
	}
	f, err := st.GetOutboundFederation(ctx, "111111111111")
	if err != nil || won != testPublicURL+"/outbound/"+f.IssuerID {
		t.Fatalf("winner %q, stored %q (%v)", won, f.IssuerID, err)
	}
}
