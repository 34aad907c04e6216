package lastused

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

func TestFlush(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateAccount(ctx, store.Account{ID: "123456789012", CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.CreateAccessKey(ctx, store.AccessKey{ID: "AKIAEXAMPLE000000001", Secret: "s", AccountID: "123456789012", Status: store.AccessKeyActive, CreatedAt: t0}); err != nil {
			return err
		}
		return tx.CreateRole(ctx, store.Role{AccountID: "123456789012", Name: "Demo", ID: "AROAEXAMPLE", Path: "/", TrustPolicy: "{}", MaxSessionDuration: 3600, CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	r := New(st)
	if err := r.Flush(ctx); err != nil { // nothing noted: no write
		t.Fatal(err)
	}
	gen, _ := st.Generation(ctx)
	r.AccessKeyUsed("AKIAEXAMPLE000000001", "sts", "eu-west-1", t0.Add(2*time.Minute))
	r.AccessKeyUsed("AKIAEXAMPLE000000001", "iam", "us-east-1", t0.Add(time.Minute)) // older: ignored
	r.AccessKeyUsed("AKIAGONE000000000001", "sts", "us-east-1", t0)                  // deleted key: skipped
	r.RoleUsed("123456789012", "demo", "eu-west-1", t0.Add(3*time.Minute))
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	k, _ := st.GetAccessKey(ctx, "AKIAEXAMPLE000000001")
	if !k.LastUsedAt.Equal(t0.Add(2*time.Minute)) || k.LastService != "sts" || k.LastRegion != "eu-west-1" {
		t.Fatalf("key: %+v", k)
	}
	role, _ := st.GetRole(ctx, "123456789012", "Demo")
	if !role.LastUsedAt.Equal(t0.Add(3*time.Minute)) || role.LastUsedRegion != "eu-west-1" {
		t.Fatalf("role: %+v", role)
	}
	if g, _ := st.Generation(ctx); g == gen {
		t.Fatal("flush wrote nothing")
	}
	// A later flush with an older use does not move the date back.
	r.AccessKeyUsed("AKIAEXAMPLE000000001", "iam", "us-east-1", t0)
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if k, _ := st.GetAccessKey(ctx, "AKIAEXAMPLE000000001"); k.LastService != "sts" {
		t.Fatalf("moved back: %+v", k)
	}
}

// BenchmarkAccessKeyUsed is the cost on the request path.
func BenchmarkAccessKeyUsed(b *testing.B) {
	r := New(nil)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		r.AccessKeyUsed("AKIAEXAMPLE000000001", "sts", "us-east-1", now)
	}
}
