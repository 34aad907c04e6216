package outbound

import (
	"bytes"
	"crypto/rand"
	"testing"
)

func TestIssuerURL(t *testing.T) {
	const id = "7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a"
	tests := []struct{ public, want string }{
		{"http://127.0.0.1:7788", "http://127.0.0.1:7788/outbound/" + id},
		{"http://127.0.0.1:7788/", "http://127.0.0.1:7788/outbound/" + id},
		{"https://sts.example.com/base", "https://sts.example.com/base/outbound/" + id},
	}
	for _, tc := range tests {
		if got := IssuerURL(tc.public, id); got != tc.want {
			t.Errorf("IssuerURL(%q) = %q, want %q", tc.public, got, tc.want)
		}
	}
}

func TestNewIssuerID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id, err := NewIssuerID(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !ValidIssuerID(id) {
			t.Fatalf("%q is not a lower-case UUID", id)
		}
		// RFC 9562 section 5.4: version 4, variant 10xx.
		if id[14] != '4' || !bytes.ContainsRune([]byte("89ab"), rune(id[19])) {
			t.Fatalf("%q is not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("%q returned twice", id)
		}
		seen[id] = true
	}
	// The id is read from the given source, all 122 random bits of it.
	id, err := NewIssuerID(bytes.NewReader(bytes.Repeat([]byte{0xff}, 16)))
	if err != nil || id != "ffffffff-ffff-4fff-bfff-ffffffffffff" {
		t.Fatalf("got %q, %v", id, err)
	}
	if _, err := NewIssuerID(bytes.NewReader(make([]byte, 15))); err == nil {
		t.Fatal("NewIssuerID succeeded with a short random source")
	}
}

func TestValidIssuerID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a", true},
		{"7C0E5F0A-3B8E-4D0C-9A51-2F6F1D3C4B5A", false}, // NewIssuerID writes lower case
		{"7c0e5f0a3b8e4d0c9a512f6f1d3c4b5a", false},
		{"7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5", false},
		{"7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a0", false},
		{"7c0e5f0a-3b8e-4d0c-9a51_2f6f1d3c4b5a", false},
		{"../../../../etc/passwd-aaaaaaaaaaaaaa", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := ValidIssuerID(tc.id); got != tc.want {
			t.Errorf("ValidIssuerID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}
