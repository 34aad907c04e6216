package mfa

import (
	"bytes"
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
)

func TestNewSeed(t *testing.T) {
	a, err := NewSeed()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSeed()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != SeedSize || len(b) != SeedSize {
		t.Fatalf("seed lengths %d, %d; want %d", len(a), len(b), SeedSize)
	}
	if bytes.Equal(a, b) {
		t.Fatal("two seeds are equal")
	}
	// AWS's Base32StringSeed is 64 characters.
	if s := Base32(a); len(s) != 64 || strings.ContainsRune(s, '=') {
		t.Fatalf("Base32 of a seed = %q (%d chars), want 64 unpadded", s, len(s))
	}
}

// TestBase32 uses RFC 4648 section 10's vectors, unpadded.
func TestBase32(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ",
		"fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI",
	} {
		if got := Base32([]byte(in)); got != want {
			t.Errorf("Base32(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOTPAuthURI(t *testing.T) {
	seed := []byte("12345678901234567890")
	// Format from the IAM API Reference, VirtualMFADevice.QRCodePNG.
	want := "otpauth://totp/alice-phone@alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	if got := OTPAuthURI("alice-phone", "alice", seed); got != want {
		t.Fatalf("OTPAuthURI = %q, want %q", got, want)
	}
	// Names may hold '@', '+', '=' and ','; the label must still split at
	// the one separator and decode back to the names.
	got := OTPAuthURI("d@v+1", "bob=x,y", seed)
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("scheme/host = %s/%s", u.Scheme, u.Host)
	}
	raw := strings.TrimPrefix(u.EscapedPath(), "/")
	if strings.Count(raw, "@") != 1 || strings.ContainsRune(raw, '+') {
		t.Fatalf("label %q is ambiguous", raw)
	}
	dev, acct, _ := strings.Cut(raw, "@")
	for _, p := range []struct{ esc, want string }{{dev, "d@v+1"}, {acct, "bob=x,y"}} {
		if dec, err := url.PathUnescape(p.esc); err != nil || dec != p.want {
			t.Errorf("label part %q decodes to %q (%v), want %q", p.esc, dec, err, p.want)
		}
	}
	sec, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(u.Query().Get("secret"))
	if err != nil || !bytes.Equal(sec, seed) {
		t.Fatalf("secret decodes to %q (%v)", sec, err)
	}
}

func TestRootSerial(t *testing.T) {
	if got, want := RootSerial("123456789012"), "arn:aws:iam::123456789012:mfa/root-account-mfa-device"; got != want {
		t.Fatalf("RootSerial = %q, want %q", got, want)
	}
}
