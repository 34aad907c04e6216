package mfa

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

const (
	acct  = "111111111111"
	other = "222222222222"
)

// t0 is the fixed "now" of the tests; t0Step is its TOTP step.
var (
	t0     = time.Unix(1_700_000_010, 0)
	t0Step = StepOf(t0)
)

// testSeed is fixed so every code in these tests is reproducible; setup
// checks that the codes of the steps the tests use are all distinct, so no
// accidental collision can make a refusal test pass or fail by luck.
var testSeed = []byte("stsd-mfa-test-seed-0123456789abcdefghij")

func serial(account, name string) string { return "arn:aws:iam::" + account + ":mfa/" + name }

// openStore returns a fresh memory store with two accounts, each with a
// user alice (a device's user must exist), and no devices.
func openStore(tb testing.TB) store.Store {
	tb.Helper()
	st := memory.New()
	tb.Cleanup(func() { st.Close() })
	err := st.Update(context.Background(), func(tx store.Tx) error {
		for _, id := range []string{acct, other} {
			if err := tx.CreateAccount(context.Background(), store.Account{ID: id, CreatedAt: t0}); err != nil {
				return err
			}
			u := store.User{AccountID: id, Name: "alice", ID: "AIDAALICE" + id, Path: "/", CreatedAt: t0}
			if err := tx.CreateUser(context.Background(), u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[string]int64{}
	for s := t0Step - 15; s <= t0Step+15; s++ {
		c := CodeAt(testSeed, s)
		if prev, dup := seen[c]; dup {
			tb.Fatalf("test seed gives code %s at steps %d and %d; pick another seed", c, prev, s)
		}
		seen[c] = s
	}
	return st
}

// addDevice stores a device with testSeed. enabled false leaves it
// unassigned (EnabledAt zero) whatever user is given.
func addDevice(tb testing.TB, st store.Store, account, name, user string, enabled bool, lastUsed int64) string {
	tb.Helper()
	d := store.MFADevice{
		AccountID: account, SerialNumber: serial(account, name), Path: "/",
		Seed: testSeed, UserName: user, LastUsedStep: lastUsed, CreatedAt: t0,
	}
	if enabled {
		d.EnabledAt = t0
	}
	if err := st.Update(context.Background(), func(tx store.Tx) error { return tx.CreateMFADevice(context.Background(), d) }); err != nil {
		tb.Fatal(err)
	}
	return d.SerialNumber
}

func lastUsed(tb testing.TB, st store.Store, serialNumber string) int64 {
	tb.Helper()
	d, err := st.GetMFADevice(context.Background(), serialNumber)
	if err != nil {
		tb.Fatal(err)
	}
	return d.LastUsedStep
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }
