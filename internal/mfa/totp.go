package mfa

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"time"
)

const (
	// Digits is the length of a code. AWS's tokenCodeType and
	// authenticationCodeType are fixed at six digits.
	Digits = 6
	// StepSeconds is the TOTP time step (RFC 6238's X), with T0 = 0.
	StepSeconds = 30
)

// StepOf returns the TOTP time step containing t: floor(unix(t) / 30).
// Floor rather than Go's truncating division, so times before 1970 fall in
// the step that contains them instead of sharing step 0.
func StepOf(t time.Time) int64 {
	s := t.Unix()
	q := s / StepSeconds
	if s%StepSeconds < 0 {
		q--
	}
	return q
}

// Code returns the six-digit TOTP code of seed at time t.
func Code(seed []byte, t time.Time) string { return CodeAt(seed, StepOf(t)) }

// CodeAt returns the six-digit TOTP code of seed for a time step, which is
// the RFC 4226 HOTP value with the step as counter. A negative step is used
// as its two's-complement counter: meaningless, but deterministic.
func CodeAt(seed []byte, step int64) string {
	var buf [Digits]byte
	return string(formatCode(buf[:], hotp(seed, uint64(step), 1_000_000)))
}

// hotp is RFC 4226 HOTP before the decimal formatting: dynamic truncation
// of HMAC-SHA1(seed, counter), reduced modulo mod (10^digits).
func hotp(seed []byte, counter uint64, mod uint32) uint32 {
	mac := hmac.New(sha1.New, seed)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	var sum [sha1.Size]byte
	h := mac.Sum(sum[:0])
	off := h[len(h)-1] & 0x0f
	return (binary.BigEndian.Uint32(h[off:off+4]) & 0x7fffffff) % mod
}

// formatCode writes v zero-padded into all of buf.
func formatCode(buf []byte, v uint32) []byte {
	for i := len(buf) - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return buf
}

// wellFormed reports whether code is exactly six ASCII digits, the only
// shape an authenticator app produces.
func wellFormed(code string) bool {
	if len(code) != Digits {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// codeMatches compares a presented code with the expected one for step in
// constant time: how much of a guess was right must not show in timing.
func codeMatches(seed []byte, step int64, code string) bool {
	var buf [Digits]byte
	want := formatCode(buf[:], hotp(seed, uint64(step), 1_000_000))
	return subtle.ConstantTimeCompare(want, []byte(code)) == 1
}
