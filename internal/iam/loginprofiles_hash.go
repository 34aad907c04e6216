package iam

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// Console passwords are kept only as PBKDF2-HMAC-SHA256 hashes, encoded
// with their parameters as "pbkdf2-sha256$ITERATIONS$SALT$HASH" (salt and
// hash in unpadded standard Base64), so a hash made with other parameters
// still verifies after the constants below change.
const (
	passwordHashScheme = "pbkdf2-sha256"
	// passwordHashIterations is 100,000: ten times NIST SP 800-63B's floor
	// of 10,000 iterations for PBKDF2, below OWASP's 2023 advice of 600,000
	// for PBKDF2-HMAC-SHA256. A hash costs about 20 ms of one core here,
	// which keeps CreateLoginProfile, UpdateLoginProfile and ChangePassword
	// (the only operations that hash; stsd has no console sign-in) quick
	// and their tests fast. Each hash records its own count, so raising
	// this constant strengthens new passwords without breaking old ones.
	passwordHashIterations = 100_000
	// passwordSaltSize is NIST SP 800-132's 128-bit salt.
	passwordSaltSize = 16
	// passwordKeySize is SHA-256's output size: a longer derived key
	// would cost the defender more blocks and the attacker no more.
	passwordKeySize = sha256.Size
	// maxPasswordHashIterations bounds the count read back from the
	// store, so a damaged record cannot make a request spin.
	maxPasswordHashIterations = 10_000_000
)

// errBadPasswordHash reports a stored hash that does not parse; it never
// carries the hash or the password.
var errBadPasswordHash = errors.New("iam: stored password hash is malformed")

// hashPassword returns the encoded hash of password with a fresh salt.
func hashPassword(password string) (string, error) {
	salt := make([]byte, passwordSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return encodePasswordHash(password, salt, passwordHashIterations)
}

// encodePasswordHash derives the hash of password with salt and
// iterations and encodes it with its parameters.
func encodePasswordHash(password string, salt []byte, iterations int) (string, error) {
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, passwordKeySize)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return passwordHashScheme + "$" + strconv.Itoa(iterations) + "$" + enc.EncodeToString(salt) + "$" + enc.EncodeToString(key), nil
}

// verifyPassword reports whether password is the one encoded hashes,
// comparing the derived keys in constant time. An error means the stored
// hash itself is unusable.
func verifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != passwordHashScheme {
		return false, errBadPasswordHash
	}
	iterations, err := strconv.Atoi(parts[1])
	if err != nil || iterations < 1 || iterations > maxPasswordHashIterations {
		return false, errBadPasswordHash
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[2])
	if err != nil || len(salt) == 0 {
		return false, errBadPasswordHash
	}
	want, err := enc.DecodeString(parts[3])
	if err != nil || len(want) == 0 {
		return false, errBadPasswordHash
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iterations, len(want))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
