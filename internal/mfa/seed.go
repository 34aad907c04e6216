package mfa

import (
	"crypto/rand"
	"encoding/base32"
	"net/url"
	"strings"
)

// SeedSize is the length of a new seed in bytes. AWS's Base32StringSeed is
// 64 Base32 characters, which is 40 bytes (moto mirrors this with 64 random
// Base32 characters in its CreateVirtualMFADevice).
const SeedSize = 40

// NewSeed returns a fresh random seed of SeedSize bytes.
func NewSeed() ([]byte, error) {
	seed := make([]byte, SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	return seed, nil
}

// base32NoPad is RFC 4648 Base32 without padding: authenticator apps expect
// the otpauth secret unpadded, and a SeedSize seed needs none anyway.
func base32NoPad() *base32.Encoding { return base32.StdEncoding.WithPadding(base32.NoPadding) }

// Base32 returns the seed as the Base32 string an authenticator app takes
// (IAM's Base32StringSeed before its Base64 wrapping on the wire).
func Base32(seed []byte) string { return base32NoPad().EncodeToString(seed) }

// OTPAuthURI returns the URI that IAM's QRCodePNG encodes:
// otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String,
// where AccountName is the user name the device is for, or the account id
// when there is none (IAM API Reference, VirtualMFADevice, QRCodePNG).
// Label parts are percent-encoded, '@' and '+' included, so a device or
// user name holding them neither splits the label nor reads as a space.
func OTPAuthURI(deviceName, accountName string, seed []byte) string {
	label := escapeLabel(deviceName) + "@" + escapeLabel(accountName)
	return "otpauth://totp/" + label + "?secret=" + Base32(seed)
}

func escapeLabel(s string) string {
	// QueryEscape escapes every reserved character; only its space-as-'+'
	// is wrong in a path, and a literal '+' has already become %2B.
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
