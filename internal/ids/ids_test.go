package ids

import (
	"strings"
	"testing"
)

// Published examples of real key ids and the accounts they belong to, from
// public write-ups of the AWS key id layout (Aidan Steele, "Tal Be'ery: A
// short note on AWS KEY ID"): the decoder must agree with them.
func TestAccountFromAccessKeyIDKnownVectors(t *testing.T) {
	cases := []struct{ key, account string }{
		{"ASIAY34FZKBOKMUTVV7A", "609629065308"},
		{"AKIAQYLPMN5HHHFPZAM2", "052310077262"},
	}
	for _, c := range cases {
		got, err := AccountFromAccessKeyID(c.key)
		if err != nil || got != c.account {
			t.Errorf("AccountFromAccessKeyID(%q) = %q, %v; want %q", c.key, got, err, c.account)
		}
	}
}

func TestAccessKeyIDRoundTrip(t *testing.T) {
	for _, acct := range []string{"000000000000", "000000000001", "123456789012", "999999999999", "111111111111"} {
		for _, prefix := range []string{PrefixAccessKey, PrefixTempAccessKey} {
			id, err := NewAccessKeyID(prefix, acct)
			if err != nil {
				t.Fatal(err)
			}
			if len(id) != 20 || !strings.HasPrefix(id, prefix) {
				t.Fatalf("bad id %q", id)
			}
			got, err := AccountFromAccessKeyID(id)
			if err != nil || got != acct {
				t.Fatalf("round trip %s: got %q, %v", acct, got, err)
			}
		}
	}
}

func TestUniqueID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		id, err := NewUniqueID(PrefixRole, "123456789012")
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 21 || !strings.HasPrefix(id, "AROA") || strings.ToUpper(id) != id {
			t.Fatalf("bad unique id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestBadInputs(t *testing.T) {
	for _, acct := range []string{"", "12345678901", "1234567890123", "12345678901a", "-12345678901"} {
		if _, err := NewAccessKeyID(PrefixAccessKey, acct); err == nil {
			t.Errorf("account %q accepted", acct)
		}
	}
	for _, key := range []string{"", "AKIA", "AKIAIOSFODNN7EXAMPL", "akiaIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPL1", "AKIAIOSFODNN7EXAMPLE1"} {
		if _, err := AccountFromAccessKeyID(key); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
	if _, err := NewAccessKeyID("AKI", "123456789012"); err == nil {
		t.Error("short prefix accepted")
	}
}

func TestSecretAccessKey(t *testing.T) {
	a, err := NewSecretAccessKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecretAccessKey()
	if len(a) != 40 || a == b {
		t.Fatalf("secrets %q %q", a, b)
	}
	for _, c := range a {
		if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", c) {
			t.Fatalf("bad character %q", c)
		}
	}
}

func FuzzAccountFromAccessKeyID(f *testing.F) {
	f.Add("ASIAY34FZKBOKMUTVV7A")
	f.Add("AKIAIOSFODNN7EXAMPLE")
	f.Add("")
	f.Fuzz(func(t *testing.T, key string) {
		acct, err := AccountFromAccessKeyID(key)
		if err == nil && len(acct) < 12 {
			t.Fatalf("short account %q", acct)
		}
	})
}
