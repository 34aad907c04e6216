package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func mustSealer(t testing.TB, fill byte) *Sealer {
	t.Helper()
	s, err := New(bytes.Repeat([]byte{fill}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealOpen(t *testing.T) {
	a := mustSealer(t, 1)
	b := mustSealer(t, 2)
	ct := a.Seal([]byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), []byte("accesskey:AKIA1"))
	tests := []struct {
		name    string
		sealer  *Sealer
		ct      []byte
		aad     string
		wantErr error
	}{
		{"same key and row", a, ct, "accesskey:AKIA1", nil},
		{"other row", a, ct, "accesskey:AKIA2", ErrCorrupt},
		{"other key", b, ct, "accesskey:AKIA1", ErrWrongKey},
		{"flipped body bit", a, flip(ct, len(ct)-1), "accesskey:AKIA1", ErrCorrupt},
		{"flipped nonce bit", a, flip(ct, headerLen-1), "accesskey:AKIA1", ErrCorrupt},
		{"unknown version", a, flip(ct, 0), "accesskey:AKIA1", ErrCorrupt},
		{"truncated", a, ct[:headerLen], "accesskey:AKIA1", ErrCorrupt},
		{"empty", a, nil, "accesskey:AKIA1", ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, err := tt.sealer.Open(tt.ct, []byte(tt.aad))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Open error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && string(pt) != "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" {
				t.Fatalf("Open = %q", pt)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

func TestSealIsRandomizedAndHidesPlaintext(t *testing.T) {
	s := mustSealer(t, 3)
	pt := []byte("very secret seed value")
	c1, c2 := s.Seal(pt, nil), s.Seal(pt, nil)
	if bytes.Equal(c1, c2) {
		t.Fatal("two seals of the same plaintext are equal: nonce is not random")
	}
	if bytes.Contains(c1, pt) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := s.Open(s.Seal(nil, []byte("x")), []byte("x"))
	if err != nil || len(got) != 0 {
		t.Fatalf("empty plaintext round trip = %q, %v", got, err)
	}
}

func TestFromEncoded(t *testing.T) {
	key := bytes.Repeat([]byte{0xab}, KeySize)
	want := mustSealer(t, 0xab).KeyID()
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"hex", hex.EncodeToString(key), true},
		{"base64 std with newline", base64.StdEncoding.EncodeToString(key) + "\n", true},
		{"base64 url raw", base64.RawURLEncoding.EncodeToString(key), true},
		{"empty", "  ", false},
		{"short", base64.StdEncoding.EncodeToString(key[:16]), false},
		{"garbage", "not a key!", false},
		{"too long", strings.Repeat("A", 1000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := FromEncoded(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("FromEncoded err = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && s.KeyID() != want {
				t.Fatalf("key id %s, want %s", s.KeyID(), want)
			}
		})
	}
}

func TestStringHidesKey(t *testing.T) {
	key := bytes.Repeat([]byte{0x5a}, KeySize)
	s, _ := New(key)
	for _, form := range []string{s.String(), s.GoString()} {
		if strings.Contains(form, hex.EncodeToString(key)) || strings.Contains(form, base64.StdEncoding.EncodeToString(key)) {
			t.Fatalf("%q reveals the key", form)
		}
	}
}

func TestLoadOrCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	s1, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", info.Mode().Perm())
	}
	s2, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if s1.KeyID() != s2.KeyID() {
		t.Fatal("reloaded key differs from created key")
	}
	ct := s1.Seal([]byte("x"), []byte("row"))
	if _, err := s2.Open(ct, []byte("row")); err != nil {
		t.Fatalf("reloaded sealer cannot open: %v", err)
	}
	other, err := LoadOrCreate(filepath.Join(dir, "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	if other.KeyID() == s1.KeyID() {
		t.Fatal("two created keys are equal")
	}
}

func TestLoadOrCreateRefusesOpenPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix permissions")
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		path := filepath.Join(t.TempDir(), "master.key")
		text, _ := Generate()
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadOrCreate(path)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("mode %04o: err = %v, want refusal naming chmod 600", mode, err)
		}
	}
}

func TestLoadOrCreateRejectsBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want error naming the file", err)
	}
	if _, err := LoadOrCreate(t.TempDir()); err == nil {
		t.Fatal("a directory was accepted as key file")
	}
}

func FuzzOpen(f *testing.F) {
	s := mustSealer(f, 7)
	f.Add(s.Seal([]byte("seed"), []byte("mfa:x")), []byte("mfa:x"))
	f.Add([]byte{1}, []byte{})
	f.Add([]byte{}, []byte("a"))
	f.Fuzz(func(t *testing.T, ct, aad []byte) {
		pt, err := s.Open(ct, aad)
		if err != nil {
			return
		}
		again, err := s.Open(s.Seal(pt, aad), aad)
		if err != nil || !bytes.Equal(again, pt) {
			t.Fatalf("reseal round trip failed: %v", err)
		}
	})
}

func FuzzFromEncoded(f *testing.F) {
	f.Add(strings.Repeat("ab", KeySize))
	f.Add(base64.StdEncoding.EncodeToString(make([]byte, KeySize)))
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := FromEncoded(in)
		if err == nil && s == nil {
			t.Fatal("nil sealer without error")
		}
	})
}
