package mfa

import (
	"fmt"
	"testing"
)

func TestConsecutiveStep(t *testing.T) {
	openStore(t) // only for its check that testSeed's codes near t0 are distinct
	at := func(off int64) string { return CodeAt(testSeed, t0Step+off) }
	const w = ConsecutiveWindow
	for _, tc := range []struct {
		name         string
		code1, code2 string
		want         int64 // offset of the returned step from t0Step
		ok           bool
	}{
		{"current and next", at(0), at(1), 1, true},
		{"previous and current", at(-1), at(0), 0, true},
		{"oldest in window", at(-w), at(-w + 1), -w + 1, true},
		{"first code just outside, past", at(-w - 1), at(-w), 0, false},
		{"newest in window", at(w - 1), at(w), w, true},
		{"second code just outside, future", at(w), at(w + 1), 0, false},
		{"reversed order", at(1), at(0), 0, false},
		{"same code twice", at(0), at(0), 0, false},
		{"gap of one step", at(0), at(2), 0, false},
		{"first wrong", at(5), at(1), 0, false},
		{"malformed first", at(0)[:5], at(1), 0, false},
		{"malformed second", at(0), at(1) + "1", 0, false},
		{"letters", "abcdef", at(1), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ConsecutiveStep(testSeed, tc.code1, tc.code2, t0)
			if ok != tc.ok || (ok && got != t0Step+tc.want) {
				t.Fatalf("ConsecutiveStep = %d, %v; want %d, %v", got-t0Step, ok, tc.want, tc.ok)
			}
			if ok {
				// The returned step is what Verify then treats as spent.
				if c := CodeAt(testSeed, got); c != tc.code2 {
					t.Fatalf("returned step's code %s is not code2 %s", c, tc.code2)
				}
			}
		})
	}
}

func TestConsecutiveStepEmptySeed(t *testing.T) {
	for _, seed := range [][]byte{nil, {}} {
		// Even the true codes of an empty key are refused: such a device has
		// no secret.
		if _, ok := ConsecutiveStep(seed, CodeAt(seed, t0Step), CodeAt(seed, t0Step+1), t0); ok {
			t.Fatalf("ConsecutiveStep accepted an empty seed (%v)", seed)
		}
	}
}

// TestConsecutiveStepWholeWindow walks every pair the window admits and the
// two just beyond it.
func TestConsecutiveStepWholeWindow(t *testing.T) {
	openStore(t)
	for off := int64(-ConsecutiveWindow - 1); off <= ConsecutiveWindow; off++ {
		t.Run(fmt.Sprint(off), func(t *testing.T) {
			s := t0Step + off
			got, ok := ConsecutiveStep(testSeed, CodeAt(testSeed, s), CodeAt(testSeed, s+1), t0)
			wantOK := off >= -ConsecutiveWindow && off+1 <= ConsecutiveWindow
			if ok != wantOK || (ok && got != s+1) {
				t.Fatalf("offset %d: got %d, %v; want %d, %v", off, got-t0Step, ok, off+1, wantOK)
			}
		})
	}
}

func BenchmarkConsecutiveStep(b *testing.B) {
	b.ReportAllocs()
	c1, c2 := CodeAt(testSeed, t0Step), CodeAt(testSeed, t0Step+1)
	for b.Loop() {
		if _, ok := ConsecutiveStep(testSeed, c1, c2, t0); !ok {
			b.Fatal("refused")
		}
	}
}
