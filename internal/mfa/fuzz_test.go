package mfa

import (
	"testing"

	"github.com/stsd/stsd/internal/apierr"
)

// FuzzVerifyCode feeds arbitrary codes through every code-handling path:
// the format check, the window match, ConsecutiveStep and a full Verify
// against a store. None may panic; Verify answers success or one of
// AWS's two refusals; and whatever is accepted must be the true code of a
// step in the window.
func FuzzVerifyCode(f *testing.F) {
	for _, s := range []string{
		"", "0", "123456", "000000", "999999", "12345", "1234567", "abcdef",
		"１２３４５６", "12345\x00", " 12345", CodeAt(testSeed, t0Step),
		CodeAt(testSeed, t0Step+1), CodeAt(testSeed, t0Step+2),
	} {
		f.Add(s)
	}
	st := openStore(f)
	sn := addDevice(f, st, acct, "alice", "alice", true, 0)
	v := NewVerifier(st, fixedClock(t0))
	f.Fuzz(func(t *testing.T, code string) {
		if s, ok := matchStep(testSeed, code, t0Step, t0Step-Skew-1); ok {
			if s < t0Step-Skew || s > t0Step+Skew || CodeAt(testSeed, s) != code {
				t.Fatalf("matchStep(%q) accepted step %d", code, s-t0Step)
			}
		}
		if s, ok := ConsecutiveStep(testSeed, code, code, t0); ok && CodeAt(testSeed, s) != code {
			t.Fatalf("ConsecutiveStep(%q) accepted step %d", code, s-t0Step)
		}
		before := lastUsed(t, st, sn)
		err := v.Verify(t.Context(), acct, "alice", sn, code)
		if err == nil {
			s := lastUsed(t, st, sn)
			if s <= before || s > t0Step+Skew || CodeAt(testSeed, s) != code {
				t.Fatalf("Verify(%q) accepted, LastUsedStep %d -> %d", code, before-t0Step, s-t0Step)
			}
			return
		}
		ae, ok := apierr.As(err)
		if !ok || ae.Code != apierr.AccessDenied || ae.Message != MsgInvalidCode {
			t.Fatalf("Verify(%q) = %v, want AccessDenied invalid code", code, err)
		}
		if !wellFormed(code) && lastUsed(t, st, sn) != before {
			t.Fatalf("malformed code %q moved LastUsedStep", code)
		}
	})
}
