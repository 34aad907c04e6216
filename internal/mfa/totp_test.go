package mfa

import (
	"fmt"
	"testing"
	"time"
)

// rfcSeed is the SHA-1 key of RFC 4226 Appendix D and RFC 6238 Appendix B.
var rfcSeed = []byte("12345678901234567890")

// TestTOTPRFC6238 checks the SHA1 column of RFC 6238 Appendix B. The RFC's
// values have 8 digits; the 8-digit variant must match them exactly, and
// Code (6 digits, what AWS uses) must be their last six digits.
func TestTOTPRFC6238(t *testing.T) {
	for _, tc := range []struct {
		unix  int64
		step  int64
		eight string
	}{
		{59, 0x1, "94287082"},
		{1111111109, 0x23523EC, "07081804"},
		{1111111111, 0x23523ED, "14050471"},
		{1234567890, 0x273EF07, "89005924"},
		{2000000000, 0x3F940AA, "69279037"},
		{20000000000, 0x27BC86AA, "65353130"},
	} {
		t.Run(fmt.Sprint(tc.unix), func(t *testing.T) {
			at := time.Unix(tc.unix, 0)
			if got := StepOf(at); got != tc.step {
				t.Fatalf("StepOf = %#x, want %#x", got, tc.step)
			}
			buf := make([]byte, 8)
			if got := string(formatCode(buf, hotp(rfcSeed, uint64(tc.step), 100_000_000))); got != tc.eight {
				t.Errorf("8-digit TOTP = %s, want %s", got, tc.eight)
			}
			six := tc.eight[2:]
			if got := Code(rfcSeed, at); got != six {
				t.Errorf("Code = %s, want %s", got, six)
			}
			if got := CodeAt(rfcSeed, tc.step); got != six {
				t.Errorf("CodeAt = %s, want %s", got, six)
			}
		})
	}
}

// TestHOTPRFC4226 checks RFC 4226 Appendix D: the truncated 31-bit value and
// the 6-digit HOTP for counters 0..9.
func TestHOTPRFC4226(t *testing.T) {
	for i, tc := range []struct {
		truncated uint32
		code      string
	}{
		{1284755224, "755224"}, {1094287082, "287082"}, {137359152, "359152"},
		{1726969429, "969429"}, {1640338314, "338314"}, {868254676, "254676"},
		{1918287922, "287922"}, {82162583, "162583"}, {673399871, "399871"},
		{645520489, "520489"},
	} {
		if got := hotp(rfcSeed, uint64(i), 1<<31); got != tc.truncated {
			t.Errorf("counter %d: truncated = %d, want %d", i, got, tc.truncated)
		}
		if got := CodeAt(rfcSeed, int64(i)); got != tc.code {
			t.Errorf("counter %d: CodeAt = %s, want %s", i, got, tc.code)
		}
	}
}

func TestStepOf(t *testing.T) {
	for _, tc := range []struct {
		unix, want int64
	}{
		{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2},
		{-1, -1}, {-30, -1}, {-31, -2},
	} {
		if got := StepOf(time.Unix(tc.unix, 0)); got != tc.want {
			t.Errorf("StepOf(%d) = %d, want %d", tc.unix, got, tc.want)
		}
	}
	// Sub-second parts never move a time into the next step.
	if got := StepOf(time.Unix(29, 999_999_999)); got != 0 {
		t.Errorf("StepOf(29.999999999) = %d, want 0", got)
	}
}

func TestCodeShape(t *testing.T) {
	seeds := [][]byte{nil, {}, {0}, rfcSeed, make([]byte, 200)}
	for _, seed := range seeds {
		for _, step := range []int64{-1 << 63, -1, 0, 1, 1<<63 - 1} {
			c := CodeAt(seed, step)
			if !wellFormed(c) {
				t.Errorf("CodeAt(len %d, %d) = %q, not six digits", len(seed), step, c)
			}
			if !codeMatches(seed, step, c) {
				t.Errorf("codeMatches disagrees with CodeAt for len %d step %d", len(seed), step)
			}
		}
	}
}

func TestWellFormed(t *testing.T) {
	for _, tc := range []struct {
		code string
		want bool
	}{
		{"123456", true}, {"000000", true}, {"999999", true},
		{"", false}, {"12345", false}, {"1234567", false}, {"12345a", false},
		{" 12345", false}, {"12345 ", false}, {"+12345", false}, {"-12345", false},
		{"١٢٣٤٥٦", false}, {"12\x0034", false}, {"１２３４５６", false},
	} {
		if got := wellFormed(tc.code); got != tc.want {
			t.Errorf("wellFormed(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

func BenchmarkCode(b *testing.B) {
	b.ReportAllocs()
	seed := make([]byte, SeedSize)
	at := time.Unix(1_700_000_000, 0)
	for b.Loop() {
		_ = Code(seed, at)
	}
}
