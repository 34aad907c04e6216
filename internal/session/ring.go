package session

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"github.com/stsd/stsd/internal/dictflate"
)

// Token format constants.
const (
	// version1 is the only token version this build reads and writes.
	version1 = 1

	keyIDLen  = 4
	nonceLen  = 12
	aadLen    = 1 + keyIDLen // version ‖ key id
	headerLen = aadLen + nonceLen
	tagLen    = 16

	// KeySize is the length of a ring key's secret.
	KeySize = 32

	// MaxTokenLen is the longest token Open looks at; longer ones are
	// refused before decoding. It is twice MaxSealedLen so the sealing limit
	// can be raised later without older nodes refusing the new tokens.
	MaxTokenLen = 8192
	// MaxSealedLen is the longest token Seal produces, so tokens fit in an
	// HTTP header and a presigned URL behind common proxies' 8 KiB limits.
	MaxSealedLen = 4096

	// maxBodyLen bounds the claims' encoding after decompression.
	maxBodyLen = 64 << 10

	// minTokenLen is the base64 length of a header, a tag and the body's
	// encoding byte: nothing shorter can be a token.
	minTokenLen = (headerLen + tagLen + 1 + 2) / 3 * 4
)

// keyInfo is the HKDF info string binding derived AEAD keys to this use, so
// a ring secret reused elsewhere by mistake cannot forge tokens.
const keyInfo = "stsd session token AES-256-GCM v1"

// b64 is strict standard base64: non-zero padding bits are refused, so no two
// strings decode to the same token (newlines, which the decoder skips, are
// refused by Open first).
var b64 = base64.StdEncoding.Strict()

// Key is one token key. ID is written in clear in every token it seals, so
// Open can find the key after rotation; Secret must be KeySize random bytes.
type Key struct {
	ID     uint32
	Secret []byte
}

// Ring seals tokens with its active key and opens tokens sealed with any of
// its keys. It is immutable once built and safe for concurrent use; rotate
// by building a new Ring whose active key is the new one and whose other
// keys include the old ones until the longest session they sealed has
// expired.
//
// Nonces are random (96 bits), so one key should seal well under 2^32 tokens;
// rotating the active key daily keeps any realistic deployment far below.
type Ring struct {
	activeID uint32
	active   cipher.AEAD
	aeads    map[uint32]cipher.AEAD
	// prks are the keys' HKDF pseudorandom keys, from which PurposeKey
	// derives keys for uses other than session tokens.
	prks  map[uint32][]byte
	flate *dictflate.Codec
}

// NewRing builds a ring that seals with active and opens tokens of active
// and of every key in others. Key ids must be distinct and secrets KeySize
// bytes. The secrets are not retained: each is turned into an HKDF
// pseudorandom key, from which the token AEAD key and PurposeKey's keys are
// expanded.
func NewRing(active Key, others ...Key) (*Ring, error) {
	r := &Ring{
		flate:    dictflate.New(dictionary, maxBodyLen),
		activeID: active.ID,
		aeads:    make(map[uint32]cipher.AEAD, 1+len(others)),
		prks:     make(map[uint32][]byte, 1+len(others)),
	}
	for i, k := range append([]Key{active}, others...) {
		if len(k.Secret) != KeySize {
			return nil, fmt.Errorf("%w: key %d: secret is %d bytes, want %d", ErrBadKey, k.ID, len(k.Secret), KeySize)
		}
		if _, dup := r.aeads[k.ID]; dup {
			return nil, fmt.Errorf("%w: key id %d appears twice", ErrBadKey, k.ID)
		}
		prk, err := hkdf.Extract(sha256.New, k.Secret, nil)
		if err != nil {
			return nil, fmt.Errorf("%w: key %d: %v", ErrBadKey, k.ID, err)
		}
		aead, err := newAEAD(prk)
		if err != nil {
			return nil, fmt.Errorf("%w: key %d: %v", ErrBadKey, k.ID, err)
		}
		r.aeads[k.ID] = aead
		r.prks[k.ID] = prk
		if i == 0 {
			r.active = aead
		}
	}
	return r, nil
}

// newAEAD expands prk with keyInfo: together with the extraction in NewRing
// this is HKDF(secret, no salt, keyInfo), the derivation every token was
// sealed under.
func newAEAD(prk []byte) (cipher.AEAD, error) {
	key, err := hkdf.Expand(sha256.New, prk, keyInfo, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// PurposeKey derives from the secret of key id a KeySize-byte key for
// purpose, a label naming one use (for example "stsd authorization
// message"). Distinct labels give independent keys, none of them the
// session-token key, so a value sealed for one use never opens as another.
// An id the ring does not hold is ErrUnknownKey; an empty label, or the
// session tokens' own, is ErrBadKey. The key is a secret: never log it.
func (r *Ring) PurposeKey(id uint32, purpose string) ([]byte, error) {
	if purpose == "" || purpose == keyInfo {
		return nil, fmt.Errorf("%w: purpose label %q is reserved", ErrBadKey, purpose)
	}
	if r == nil || r.prks[id] == nil {
		return nil, ErrUnknownKey
	}
	return hkdf.Expand(sha256.New, r.prks[id], purpose, KeySize)
}

// ActiveKeyID is the id of the key Seal uses.
func (r *Ring) ActiveKeyID() uint32 { return r.activeID }

// Seal encrypts c under the active key and returns the session token. It
// refuses claims missing a required field (ErrInvalidClaims) and claims
// whose token would exceed MaxSealedLen (a *TooLargeError).
func (r *Ring) Seal(c *Claims) (string, error) {
	if r == nil || r.active == nil {
		return "", fmt.Errorf("%w: ring not built with NewRing", ErrBadKey)
	}
	if err := c.validate(); err != nil {
		return "", err
	}
	body := make([]byte, 1, 512)
	body[0] = bodyRaw
	body = appendClaims(body, c)
	if len(body)-1 > maxBodyLen {
		return "", &TooLargeError{Len: b64.EncodedLen(headerLen + len(body) + tagLen), Max: MaxSealedLen}
	}
	if len(body)-1 > compressAbove {
		if z := r.flate.Compress(bodyDeflate, body[1:]); len(z) < len(body) {
			body = z
		}
	}
	if n := b64.EncodedLen(headerLen + len(body) + tagLen); n > MaxSealedLen {
		return "", &TooLargeError{Len: n, Max: MaxSealedLen}
	}
	var hdr [headerLen]byte
	hdr[0] = version1
	binary.BigEndian.PutUint32(hdr[1:aadLen], r.activeID)
	_, _ = rand.Read(hdr[aadLen:]) // never fails: crypto/rand aborts the process instead
	sealed := make([]byte, headerLen, headerLen+len(body)+tagLen)
	copy(sealed, hdr[:])
	sealed = r.active.Seal(sealed, hdr[aadLen:], body, hdr[:aadLen])
	return b64.EncodeToString(sealed), nil
}

// Open authenticates and decrypts a session token. It does not check
// expiry (see Claims.Expired) nor which access key id presented it (see
// OpenFor). Every refusal matches ErrInvalidToken.
func (r *Ring) Open(token string) (*Claims, error) {
	if len(token) > MaxTokenLen {
		return nil, ErrTokenTooLong
	}
	if r == nil {
		return nil, ErrUnknownKey
	}
	if len(token) < minTokenLen {
		return nil, ErrMalformed
	}
	raw := make([]byte, b64.DecodedLen(len(token)))
	n, err := b64.Decode(raw, []byte(token))
	// The decoder skips CR and LF; a token holding any is longer than the
	// encoding of what it decodes to, and is refused so that exactly one
	// string encodes each token.
	if err != nil || n < headerLen+tagLen+1 || b64.EncodedLen(n) != len(token) {
		return nil, ErrMalformed
	}
	raw = raw[:n]
	if raw[0] != version1 {
		return nil, ErrUnsupportedVersion
	}
	aead := r.aeads[binary.BigEndian.Uint32(raw[1:aadLen])]
	if aead == nil {
		return nil, ErrUnknownKey
	}
	body, err := aead.Open(raw[headerLen:headerLen], raw[aadLen:headerLen], raw[headerLen:], raw[:aadLen])
	if err != nil {
		return nil, ErrAuthFailed
	}
	switch body[0] {
	case bodyRaw:
		return decodeClaims(string(body[1:]))
	case bodyDeflate:
		plain, err := r.flate.Decompress(body[1:])
		if err != nil {
			return nil, ErrMalformed
		}
		return decodeClaims(string(plain))
	}
	return nil, ErrMalformed
}

// OpenFor opens token and checks that it was issued for accessKeyID, the key
// id of the request's SigV4 credential scope; a mismatch is
// ErrAccessKeyMismatch.
func (r *Ring) OpenFor(token, accessKeyID string) (*Claims, error) {
	c, err := r.Open(token)
	if err != nil {
		return nil, err
	}
	if c.AccessKeyID != accessKeyID {
		return nil, ErrAccessKeyMismatch
	}
	return c, nil
}

// Body encodings: the byte before the claims records. A deflated body is
// bodyDeflate ‖ uvarint length of the records ‖ DEFLATE stream, the length
// letting Open allocate the output once and refuse oversize output up front.
const (
	bodyRaw     = 0
	bodyDeflate = 1
)

// compressAbove is the size of claims encoding above which Seal tries
// DEFLATE. Typical role sessions (a few tags, no policy) stay below it and
// stay raw, keeping Open, which runs on every request signed with temporary
// credentials, free of decompression.
const compressAbove = 512
