package mfa

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
)

// wantRefusal fails unless err is AccessDenied with message msg ("" = nil
// error expected). Messages are AWS's, see errors.go for the sources.
func wantRefusal(t *testing.T, err error, msg string) {
	t.Helper()
	if msg == "" {
		if err != nil {
			t.Fatalf("err = %v, want success", err)
		}
		return
	}
	ae, ok := apierr.As(err)
	if !ok {
		t.Fatalf("err = %v (%T), want *apierr.Error", err, err)
	}
	if ae.Code != apierr.AccessDenied || ae.Message != msg {
		t.Fatalf("err = %s: %q, want AccessDenied: %q", ae.Code, ae.Message, msg)
	}
}

func TestVerifyWindow(t *testing.T) {
	st := openStore(t)
	v := NewVerifier(st, fixedClock(t0))
	for _, tc := range []struct {
		offset int64
		msg    string
	}{
		{-2, MsgInvalidCode}, {-1, ""}, {0, ""}, {1, ""}, {2, MsgInvalidCode},
	} {
		t.Run(fmt.Sprint(tc.offset), func(t *testing.T) {
			sn := addDevice(t, st, acct, fmt.Sprintf("w%d", tc.offset+2), "alice", true, 0)
			step := t0Step + tc.offset
			wantRefusal(t, v.Verify(t.Context(), acct, "alice", sn, CodeAt(testSeed, step)), tc.msg)
			want := step
			if tc.msg != "" {
				want = 0 // a refusal must not write
			}
			if got := lastUsed(t, st, sn); got != want {
				t.Fatalf("LastUsedStep = %d, want %d", got, want)
			}
		})
	}
}

func TestVerifyReplay(t *testing.T) {
	st := openStore(t)
	v := NewVerifier(st, fixedClock(t0))
	ctx := t.Context()
	code := func(off int64) string { return CodeAt(testSeed, t0Step+off) }

	t.Run("same code twice", func(t *testing.T) {
		sn := addDevice(t, st, acct, "r1", "alice", true, 0)
		wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(0)), "")
		wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(0)), MsgInvalidCode)
	})
	t.Run("older step after newer", func(t *testing.T) {
		sn := addDevice(t, st, acct, "r2", "alice", true, 0)
		wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(1)), "")
		wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(0)), MsgInvalidCode)
		wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(-1)), MsgInvalidCode)
		if got := lastUsed(t, st, sn); got != t0Step+1 {
			t.Fatalf("LastUsedStep = %d, want %d", got, t0Step+1)
		}
	})
	t.Run("successive steps each once", func(t *testing.T) {
		sn := addDevice(t, st, acct, "r3", "alice", true, 0)
		for _, off := range []int64{-1, 0, 1} {
			wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(off)), "")
		}
	})
	t.Run("step already recorded", func(t *testing.T) {
		// LastUsedStep as left by EnableMFADevice: codes up to it are spent.
		sn := addDevice(t, st, acct, "r4", "alice", true, t0Step)
		wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(0)), MsgInvalidCode)
		wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(1)), "")
	})
	t.Run("replay a minute later", func(t *testing.T) {
		sn := addDevice(t, st, acct, "r5", "alice", true, 0)
		wantRefusal(t, v.Verify(ctx, acct, "alice", sn, code(1)), "")
		later := NewVerifier(st, fixedClock(t0.Add(60e9)))
		wantRefusal(t, later.Verify(ctx, acct, "alice", sn, code(1)), MsgInvalidCode)
	})
}

func TestVerifyOwnership(t *testing.T) {
	st := openStore(t)
	v := NewVerifier(st, fixedClock(t0))
	alice := addDevice(t, st, acct, "alice", "alice", true, 0)
	root := addDevice(t, st, acct, RootDeviceName, "", true, 0)
	unassigned := addDevice(t, st, acct, "spare", "", false, 0)
	stale := addDevice(t, st, acct, "stale", "alice", false, 0) // user set, never enabled
	foreign := addDevice(t, st, other, "alice", "alice", true, 0)
	if root != RootSerial(acct) {
		t.Fatalf("root serial %q != RootSerial %q", root, RootSerial(acct))
	}
	good := CodeAt(testSeed, t0Step)
	for _, tc := range []struct {
		name, account, user, serial string
		root                        bool
		msg                         string
	}{
		{"owner", acct, "alice", alice, false, ""},
		{"owner other case", acct, "ALICE", alice, false, ""},
		{"other user", acct, "bob", alice, false, MsgUnknownDevice},
		{"other account", other, "alice", alice, false, MsgUnknownDevice},
		{"device of other account", acct, "alice", foreign, false, MsgUnknownDevice},
		{"unknown serial", acct, "alice", serial(acct, "nope"), false, MsgUnknownDevice},
		{"empty serial", acct, "alice", "", false, MsgUnknownDevice},
		{"oversized serial", acct, "alice", serial(acct, string(make([]byte, 300))), false, MsgUnknownDevice},
		{"unassigned", acct, "alice", unassigned, false, MsgUnknownDevice},
		{"unassigned as root", acct, "", unassigned, true, MsgUnknownDevice},
		{"never enabled", acct, "alice", stale, false, MsgUnknownDevice},
		{"root", acct, "", root, true, ""},
		{"root device via Verify with empty user", acct, "", root, false, MsgUnknownDevice},
		{"root device via Verify as user", acct, "alice", root, false, MsgUnknownDevice},
		{"user device via VerifyRoot", acct, "", alice, true, MsgUnknownDevice},
		{"root of other account", other, "", root, true, MsgUnknownDevice},
		{"empty account", "", "alice", alice, false, MsgUnknownDevice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each case gets the device fresh, so a success does not spend
			// the code for the next case.
			if err := resetStep(t, st, tc.serial); err != nil {
				t.Fatal(err)
			}
			var err error
			if tc.root {
				err = v.VerifyRoot(t.Context(), tc.account, tc.serial, good)
			} else {
				err = v.Verify(t.Context(), tc.account, tc.user, tc.serial, good)
			}
			wantRefusal(t, err, tc.msg)
		})
	}
}

// resetStep sets a device's LastUsedStep back to 0; absent devices are fine.
func resetStep(t *testing.T, st store.Store, sn string) error {
	t.Helper()
	return st.Update(t.Context(), func(tx store.Tx) error {
		d, err := tx.GetMFADevice(t.Context(), sn)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		d.LastUsedStep = 0
		return tx.UpdateMFADevice(t.Context(), d)
	})
}

func TestVerifyMalformedCode(t *testing.T) {
	st := openStore(t)
	v := NewVerifier(st, fixedClock(t0))
	sn := addDevice(t, st, acct, "alice", "alice", true, 0)
	good := CodeAt(testSeed, t0Step)
	for _, code := range []string{
		"", good[:5], good + "0", "0" + good, " " + good[1:], good[:5] + "a",
		"abcdef", "12 456", "-12345", "+12345", "١٢٣٤٥٦", good + "\x00",
		string(make([]byte, 1<<16)),
	} {
		wantRefusal(t, v.Verify(t.Context(), acct, "alice", sn, code), MsgInvalidCode)
	}
	if got := lastUsed(t, st, sn); got != 0 {
		t.Fatalf("LastUsedStep = %d after refusals, want 0", got)
	}
	// The device is untouched: the right code still works.
	wantRefusal(t, v.Verify(t.Context(), acct, "alice", sn, good), "")
}

func TestVerifyConcurrentSameCode(t *testing.T) {
	st := openStore(t)
	v := NewVerifier(st, fixedClock(t0))
	sn := addDevice(t, st, acct, "alice", "alice", true, 0)
	code := CodeAt(testSeed, t0Step)
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = v.Verify(t.Context(), acct, "alice", sn, code) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		wantRefusal(t, err, MsgInvalidCode)
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent verifications succeeded, want exactly 1", ok, n)
	}
}

// TestVerifyThroughCache checks replay protection holds when the store is
// wrapped by the read cache, as the server wires it.
func TestVerifyThroughCache(t *testing.T) {
	st := openStore(t)
	sn := addDevice(t, st, acct, "alice", "alice", true, 0)
	v := NewVerifier(cache.New(st), fixedClock(t0))
	code := CodeAt(testSeed, t0Step)
	wantRefusal(t, v.Verify(t.Context(), acct, "alice", sn, code), "")
	wantRefusal(t, v.Verify(t.Context(), acct, "alice", sn, code), MsgInvalidCode)
}

func TestVerifyStoreFailure(t *testing.T) {
	st := openStore(t)
	sn := addDevice(t, st, acct, "alice", "alice", true, 0)
	v := NewVerifier(st, fixedClock(t0))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := v.Verify(ctx, acct, "alice", sn, CodeAt(testSeed, t0Step))
	if err == nil {
		t.Fatal("Verify with a cancelled context succeeded")
	}
	if _, ok := apierr.As(err); ok {
		t.Fatalf("store failure reported as a refusal: %v", err)
	}
}

func TestNewVerifierDefaultClock(t *testing.T) {
	st := openStore(t)
	sn := addDevice(t, st, acct, "alice", "alice", true, 0)
	v := NewVerifier(st, nil)
	// With the real clock, the code of the real current step verifies.
	wantRefusal(t, v.Verify(t.Context(), acct, "alice", sn, Code(testSeed, time.Now())), "")
}

func BenchmarkVerify(b *testing.B) {
	b.ReportAllocs()
	st := openStore(b)
	sn := addDevice(b, st, acct, "alice", "alice", true, 0)
	now := t0
	v := NewVerifier(st, func() time.Time { return now })
	ctx := context.Background()
	for b.Loop() {
		now = now.Add(StepSeconds * time.Second)
		if err := v.Verify(ctx, acct, "alice", sn, Code(testSeed, now)); err != nil {
			b.Fatal(err)
		}
	}
}
