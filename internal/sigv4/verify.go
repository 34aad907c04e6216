package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
)

// Verify checks the signature with the secret access key the caller looked
// up for r.AccessKeyID (or decoded from r.SessionToken). cache may be nil.
// It returns nil when the signature matches and an *apierr.Error
// SignatureDoesNotMatch otherwise.
func (r *Request) Verify(secretAccessKey string, cache *KeyCache) error {
	if r == nil || len(r.signing) < hmacBlock {
		return errMismatch()
	}
	key := cache.signingKey(r.AccessKeyID, r.scopeDate, r.Region, r.Service, secretAccessKey)
	if r.badSignature {
		return errMismatch()
	}
	mac := hmacInPlace(&key, r.signing)
	if hmac.Equal(mac[:], r.signature[:]) {
		return nil
	}
	if r.altSigning != nil {
		mac = hmacInPlace(&key, r.altSigning)
		if hmac.Equal(mac[:], r.signature[:]) {
			return nil
		}
	}
	return errMismatch()
}

// hmacInPlace computes HMAC-SHA256(key, block[hmacBlock:]) using
// block[:hmacBlock] as scratch for the inner pad. The key is a 32-byte
// derived key, shorter than the block, so it is used as is (RFC 2104).
func hmacInPlace(key *[sha256.Size]byte, block []byte) [sha256.Size]byte {
	pad := block[:hmacBlock]
	for i := range pad {
		pad[i] = 0x36
	}
	for i, k := range key {
		pad[i] ^= k
	}
	inner := sha256.Sum256(block)
	var outer [hmacBlock + sha256.Size]byte
	for i := 0; i < hmacBlock; i++ {
		outer[i] = 0x5c
	}
	for i, k := range key {
		outer[i] ^= k
	}
	copy(outer[hmacBlock:], inner[:])
	return sha256.Sum256(outer[:])
}
