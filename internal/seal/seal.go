// Package seal encrypts secrets at rest (secret access keys, MFA seeds,
// session-token keys) with the server's master key.
//
// A sealed value is self-describing: a version byte, a key identifier, a
// random nonce and the AES-256-GCM ciphertext. The key identifier lets Open
// say "wrong master key" instead of a bare authentication failure, which is
// the mistake an operator actually makes. Callers pass associated data that
// names the row a secret belongs to, so a ciphertext copied into another row
// does not open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the master key length in bytes (AES-256).
const KeySize = 32

const (
	version1  byte = 1
	keyIDSize      = 4
	nonceSize      = 12
	headerLen      = 1 + keyIDSize + nonceSize
	// maxEncodedKey bounds what FromEncoded accepts, so a misconfigured
	// variable holding a whole file is refused rather than decoded.
	maxEncodedKey = 256
)

// Errors Open returns; both are wrapped with more detail.
var (
	// ErrWrongKey means the value was sealed under another master key.
	ErrWrongKey = errors.New("seal: value was sealed with a different master key")
	// ErrCorrupt means the value is malformed, or was tampered with, or was
	// opened with associated data naming another row.
	ErrCorrupt = errors.New("seal: sealed value is corrupt or belongs to another row")
)

// Sealer seals and opens secrets with one master key. It is safe for
// concurrent use.
type Sealer struct {
	aead  cipher.AEAD
	keyID [keyIDSize]byte
}

// New returns a Sealer for a raw 32-byte key.
func New(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("seal: master key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	s := &Sealer{aead: aead}
	// The identifier is a MAC of a fixed label, so it reveals nothing about
	// the key yet differs between keys.
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("stsd seal key id v1"))
	copy(s.keyID[:], mac.Sum(nil))
	return s, nil
}

// FromEncoded returns a Sealer for a key given as text: 64 hex digits or
// the base64 (standard or URL alphabet, padded or not) of 32 bytes.
// Surrounding white space is ignored.
func FromEncoded(s string) (*Sealer, error) {
	key, err := decodeKey(s)
	if err != nil {
		return nil, err
	}
	return New(key)
}

// Generate returns a new random master key in the text form FromEncoded
// and key files use.
func Generate() (string, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("seal: generating master key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(key), nil
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("seal: master key is empty")
	}
	if len(s) > maxEncodedKey {
		return nil, fmt.Errorf("seal: master key text is %d characters; expected 64 hex digits or 44 base64 characters", len(s))
	}
	if len(s) == 2*KeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("seal: master key decodes to %d bytes, want %d", len(key), KeySize)
			}
			return key, nil
		}
	}
	return nil, errors.New("seal: master key is neither 64 hex digits nor base64 of 32 bytes")
}

// KeyID returns a short, non-secret identifier of the master key (hex), for
// logs and error messages.
func (s *Sealer) KeyID() string { return hex.EncodeToString(s.keyID[:]) }

// String describes the sealer without revealing the key, so a Sealer that
// ends up in a log line leaks nothing.
func (s *Sealer) String() string { return "seal.Sealer{key " + s.KeyID() + "}" }

// GoString is String for %#v.
func (s *Sealer) GoString() string { return s.String() }

// Seal encrypts plaintext, binding it to aad (the identity of the row that
// will hold it). It never fails: a failing random source is unrecoverable
// for a security service and panics inside crypto/rand already.
func (s *Sealer) Seal(plaintext, aad []byte) []byte {
	out := make([]byte, headerLen, headerLen+len(plaintext)+s.aead.Overhead())
	out[0] = version1
	copy(out[1:], s.keyID[:])
	nonce := out[1+keyIDSize : headerLen]
	if _, err := rand.Read(nonce); err != nil {
		panic("seal: random source failed: " + err.Error())
	}
	return s.aead.Seal(out, nonce, plaintext, s.additional(out[:1+keyIDSize], aad))
}

// Open decrypts a value made by Seal with the same aad. It returns an error
// wrapping ErrWrongKey or ErrCorrupt and never panics on bad input.
func (s *Sealer) Open(ciphertext, aad []byte) ([]byte, error) {
	if len(ciphertext) < headerLen+s.aead.Overhead() {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrCorrupt, len(ciphertext))
	}
	if ciphertext[0] != version1 {
		return nil, fmt.Errorf("%w: unknown version %d", ErrCorrupt, ciphertext[0])
	}
	if subtle.ConstantTimeCompare(ciphertext[1:1+keyIDSize], s.keyID[:]) != 1 {
		return nil, fmt.Errorf("%w (value key %s, current key %s)", ErrWrongKey,
			hex.EncodeToString(ciphertext[1:1+keyIDSize]), s.KeyID())
	}
	nonce := ciphertext[1+keyIDSize : headerLen]
	pt, err := s.aead.Open(nil, nonce, ciphertext[headerLen:], s.additional(ciphertext[:1+keyIDSize], aad))
	if err != nil {
		return nil, ErrCorrupt
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, nil
}

// additional authenticates the header along with the caller's aad, so a
// version or key-id byte cannot be altered without Open noticing.
func (s *Sealer) additional(header, aad []byte) []byte {
	ad := make([]byte, 0, len(header)+len(aad))
	ad = append(ad, header...)
	return append(ad, aad...)
}
