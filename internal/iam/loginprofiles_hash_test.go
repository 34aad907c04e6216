package iam

import (
	"errors"
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	const pw = "Corr3ct horse!"
	h1, err := hashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := hashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	// A fresh salt each time: equal passwords do not give equal hashes.
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal")
	}
	if strings.Contains(h1, pw) {
		t.Fatal("the hash carries the password")
	}
	parts := strings.Split(h1, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" || parts[1] != "100000" {
		t.Fatalf("hash = %q, want pbkdf2-sha256$100000$SALT$HASH", h1)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{pw, true}, {"Corr3ct horse", false}, {"corr3ct horse!", false}, {"", false}} {
		ok, err := verifyPassword(h1, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("verify(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
}

// TestPasswordHashKnownAnswer pins the encoding and the derivation to
// RFC 7914's PBKDF2-HMAC-SHA256 test vector (section 11: P="passwd",
// S="salt", c=1, dkLen=64, truncated here to the 32 bytes stsd keeps).
func TestPasswordHashKnownAnswer(t *testing.T) {
	got, err := encodePasswordHash("passwd", []byte("salt"), 1)
	if err != nil {
		t.Fatal(err)
	}
	// 55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc, in Base64.
	const want = "pbkdf2-sha256$1$c2FsdA$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw"
	if got != want {
		t.Fatalf("hash = %q, want %q", got, want)
	}
	if ok, err := verifyPassword(want, "passwd"); !ok || err != nil {
		t.Fatalf("verify = %v, %v", ok, err)
	}
}

func TestPasswordHashMalformed(t *testing.T) {
	for _, h := range []string{
		"",
		"pbkdf2-sha256$1$c2FsdA",
		"bcrypt$1$c2FsdA$VawEblbjCJ8",
		"pbkdf2-sha256$0$c2FsdA$VawEblbjCJ8",
		"pbkdf2-sha256$-5$c2FsdA$VawEblbjCJ8",
		"pbkdf2-sha256$99999999999$c2FsdA$VawEblbjCJ8",
		"pbkdf2-sha256$x$c2FsdA$VawEblbjCJ8",
		"pbkdf2-sha256$1$!!$VawEblbjCJ8",
		"pbkdf2-sha256$1$$VawEblbjCJ8",
		"pbkdf2-sha256$1$c2FsdA$",
	} {
		ok, err := verifyPassword(h, "passwd")
		if ok || !errors.Is(err, errBadPasswordHash) {
			t.Errorf("verify(%q) = %v, %v; want errBadPasswordHash", h, ok, err)
		}
	}
}
