// Package ids makes and reads the identifiers AWS uses: access key ids
// (AKIA… long-term, ASIA… temporary) whose characters 5 to 12 encode the
// account id, 40-character secret access keys, and the unique ids of IAM
// entities (AIDA… users, AROA… roles, ANPA… managed policies, …).
//
// Account encoding: the 16 characters after the 4-character prefix are the
// base32 (RFC 4648, no padding) form of 10 bytes; the first 6 bytes, read as a
// big-endian 48-bit number and masked with 0x7fffffffff80, hold the account id
// shifted left by 7 bits. This is the layout public analyses of AWS key ids
// describe (and what the STS GetAccessKeyInfo operation answers); the
// remaining bits are random.
package ids

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"strconv"
)

// Prefixes of the identifiers stsd issues, as AWS documents them in the IAM
// User Guide's "Unique identifiers" table.
const (
	PrefixAccessKey     = "AKIA" // long-term access key
	PrefixTempAccessKey = "ASIA" // temporary (STS) access key
	PrefixUser          = "AIDA" // IAM user
	PrefixRole          = "AROA" // IAM role
	PrefixManagedPolicy = "ANPA" // customer managed policy
	PrefixGroup         = "AGPA" // IAM group
	PrefixInstProfile   = "AIPA" // instance profile
)

// accountMask selects the 40 bits of the 48-bit head that hold the account.
const accountMask = 0x7fffffffff80

// ErrBadAccountID means an account id is not 12 decimal digits.
var ErrBadAccountID = errors.New("ids: account id must be 12 decimal digits")

// ErrBadKeyID means a string is not a 20-character AWS-style access key id.
var ErrBadKeyID = errors.New("ids: not a well-formed access key id")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ParseAccountID parses a 12-digit account id.
func ParseAccountID(s string) (uint64, error) {
	if len(s) != 12 {
		return 0, ErrBadAccountID
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrBadAccountID
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, ErrBadAccountID
	}
	return n, nil
}

// FormatAccountID formats n as a 12-digit, zero-padded account id.
func FormatAccountID(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for len(s) < 12 {
		s = "0" + s
	}
	return s
}

// NewAccessKeyID returns a fresh 20-character key id with the given 4-letter
// prefix (PrefixAccessKey or PrefixTempAccessKey) that encodes accountID.
func NewAccessKeyID(prefix, accountID string) (string, error) {
	return newEncodedID(prefix, accountID)
}

// NewUniqueID returns a fresh 21-character unique id (AWS's length for user,
// role and policy ids) with the given prefix and the account encoded as in
// access key ids.
func NewUniqueID(prefix, accountID string) (string, error) {
	id, err := newEncodedID(prefix, accountID)
	if err != nil {
		return "", err
	}
	var extra [1]byte
	if _, err := rand.Read(extra[:]); err != nil {
		return "", err
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	return id + string(alphabet[extra[0]&31]), nil
}

func newEncodedID(prefix, accountID string) (string, error) {
	if len(prefix) != 4 {
		return "", errors.New("ids: prefix must be 4 characters")
	}
	acct, err := ParseAccountID(accountID)
	if err != nil {
		return "", err
	}
	var raw [10]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	// Keep the random bits outside the mask (bit 47 and bits 0-6 of the head,
	// and the 4 tail bytes); put the account into the masked bits.
	head := uint64(raw[0])<<40 | uint64(raw[1])<<32 | uint64(binary.BigEndian.Uint32(raw[2:6]))
	head = head&^accountMask | (acct<<7)&accountMask
	raw[0], raw[1] = byte(head>>40), byte(head>>32)
	binary.BigEndian.PutUint32(raw[2:6], uint32(head))
	return prefix + b32.EncodeToString(raw[:]), nil
}

// AccountFromAccessKeyID decodes the account id from any well-formed
// 20-character key id (AKIA…, ASIA…, or another 4-letter prefix), whether or
// not stsd issued it.
func AccountFromAccessKeyID(keyID string) (string, error) {
	if len(keyID) != 20 {
		return "", ErrBadKeyID
	}
	for i := 0; i < 4; i++ {
		if c := keyID[i]; c < 'A' || c > 'Z' {
			return "", ErrBadKeyID
		}
	}
	var raw [10]byte
	n, err := b32.Decode(raw[:], []byte(keyID[4:]))
	if err != nil || n != 10 {
		return "", ErrBadKeyID
	}
	head := uint64(raw[0])<<40 | uint64(raw[1])<<32 | uint64(binary.BigEndian.Uint32(raw[2:6]))
	return FormatAccountID((head & accountMask) >> 7), nil
}

// NewSecretAccessKey returns a 40-character secret drawn from crypto/rand
// over the alphabet AWS secrets use (letters, digits, '+' and '/').
func NewSecretAccessKey() (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var raw [40]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	out := make([]byte, 40)
	for i, b := range raw {
		out[i] = alphabet[b&63] // 64 symbols: the mask keeps the draw uniform
	}
	return string(out), nil
}
