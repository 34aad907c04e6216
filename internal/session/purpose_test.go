package session

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"testing"
)

func TestPurposeKey(t *testing.T) {
	a, b := testKey(1), testKey(2)
	r := mustRing(t, a, b)
	ka, err := r.PurposeKey(1, "purpose one")
	if err != nil {
		t.Fatal(err)
	}
	// The derivation is HKDF-SHA256 over the ring secret with the label as
	// info, so a key derived elsewhere from the same secret and label is
	// the same key.
	want, _ := hkdf.Key(sha256.New, a.Secret, nil, "purpose one", KeySize)
	if !bytes.Equal(ka, want) {
		t.Fatalf("PurposeKey is not HKDF-SHA256(secret, label)")
	}
	tokenKey, _ := hkdf.Key(sha256.New, a.Secret, nil, keyInfo, KeySize)
	other, _ := r.PurposeKey(1, "purpose two")
	kb, _ := r.PurposeKey(2, "purpose one")
	for name, k := range map[string][]byte{"other label": other, "other key": kb, "token key": tokenKey} {
		if bytes.Equal(ka, k) {
			t.Errorf("purpose key equals the %s", name)
		}
	}
	for _, label := range []string{"", keyInfo} {
		if _, err := r.PurposeKey(1, label); !errors.Is(err, ErrBadKey) {
			t.Errorf("label %q: err = %v, want ErrBadKey", label, err)
		}
	}
	if _, err := r.PurposeKey(3, "purpose one"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unknown id: err = %v, want ErrUnknownKey", err)
	}
	var nilRing *Ring
	if _, err := nilRing.PurposeKey(1, "purpose one"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("nil ring: err = %v, want ErrUnknownKey", err)
	}
}

// TestTokenKeyDerivationUnchanged pins the token AEAD key to
// HKDF(secret, no salt, keyInfo): tokens sealed before the ring kept its
// pseudorandom keys must still open.
func TestTokenKeyDerivationUnchanged(t *testing.T) {
	k := testKey(9)
	key, _ := hkdf.Key(sha256.New, k.Secret, nil, keyInfo, 32)
	// A ring built directly on the expected AEAD key opens what NewRing's
	// ring seals only if both derive the same key.
	manual := &Ring{activeID: k.ID, aeads: map[uint32]cipher.AEAD{}}
	block, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(block)
	manual.active, manual.aeads[k.ID] = aead, aead
	token, err := mustRing(t, k).Seal(typicalClaims())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := manual.Open(token); err != nil {
		t.Fatalf("token sealed by NewRing's ring does not open under HKDF(secret, keyInfo): %v", err)
	}
}
