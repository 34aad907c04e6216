package iam

import (
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/iamlimits"
)

// SSH public key encodings, as GetSSHPublicKey's Encoding names them.
const (
	encodingSSH = "SSH"
	encodingPEM = "PEM"
)

// sshRSA is the only key type IAM takes: "The public key must be encoded
// in ssh-rsa format or PEM format" (IAM API reference, UploadSSHPublicKey).
const sshRSA = "ssh-rsa"

// Key size bounds. AWS's floor: "The minimum bit-length of the public key is
// 2048 bits" (IAM API reference, UploadSSHPublicKey). The ceiling is
// OpenSSH's own limit on RSA moduli (SSH_RSA_MAXIMUM_MODULUS_SIZE); no tool
// makes larger keys, and it bounds the work a body can ask for.
const (
	minSSHKeyBits = 2048
	maxSSHKeyBits = 16384
)

// SSH public key refusal codes (aws-models/iam.json error shapes; their
// HTTP statuses, 400, come from the model).
const (
	codeInvalidPublicKey     = "InvalidPublicKey"
	codeUnrecognizedEncoding = "UnrecognizedPublicKeyEncoding"
)

// Refusal texts of a key body. AWS's wording is not recorded anywhere we
// could find; these are stsd's, built from the model's descriptions of the
// two errors ("the public key is malformed or otherwise invalid", "the
// public key encoding format is unsupported or unrecognized") and the
// documented 2048-bit floor.
const (
	msgKeyMalformed    = "The public key is malformed or otherwise invalid."
	msgKeyTooShort     = "The public key must be at least 2048 bits long."
	msgKeyTooLong      = "The public key must be at most 16384 bits long."
	msgKeyUnrecognized = "The public key encoding format is unsupported or unrecognized. Use an ssh-rsa or PEM-encoded RSA public key."
)

// errSSHWire is any flaw in the OpenSSH wire form of a key.
var errSSHWire = errors.New("malformed ssh-rsa key blob")

// parseSSHPublicKey reads an uploaded SSH public key: one OpenSSH line
// ("ssh-rsa BASE64 [comment]") or one PEM block holding an RSA public key
// (SubjectPublicKeyInfo "PUBLIC KEY" or PKCS #1 "RSA PUBLIC KEY"). It
// returns the key and the encoding it came in. A body in neither form, or
// of another key type, is UnrecognizedPublicKeyEncoding; a body in one of
// them that does not decode to an acceptable RSA key is InvalidPublicKey.
func parseSSHPublicKey(body string) (*rsa.PublicKey, string, error) {
	// The model's bound (publicKeyMaterialType): the request layer
	// enforces it first, the parser again so it never depends on its
	// caller.
	if max, _ := iamlimits.SSHPublicKeyBody.Max(); len(body) > max {
		return nil, "", apierr.New(codeInvalidPublicKey, msgKeyMalformed)
	}
	s := strings.TrimSpace(body)
	var pub *rsa.PublicKey
	var enc string
	var err error
	if strings.HasPrefix(s, "-----BEGIN ") {
		pub, err = parsePEMPublicKey(s)
		enc = encodingPEM
	} else {
		pub, err = parseOpenSSHPublicKey(s)
		enc = encodingSSH
	}
	if err != nil {
		return nil, "", err
	}
	if err := checkRSAKey(pub); err != nil {
		return nil, "", err
	}
	return pub, enc, nil
}

// parseOpenSSHPublicKey reads "ssh-rsa BASE64 [comment]", a single line as
// ssh-keygen writes it to id_rsa.pub.
func parseOpenSSHPublicKey(s string) (*rsa.PublicKey, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 || fields[0] != sshRSA {
		return nil, apierr.New(codeUnrecognizedEncoding, msgKeyUnrecognized)
	}
	if len(fields) < 2 || strings.ContainsAny(s, "\r\n") {
		return nil, apierr.New(codeInvalidPublicKey, msgKeyMalformed)
	}
	blob, err := base64.StdEncoding.Strict().DecodeString(fields[1])
	if err != nil {
		return nil, apierr.New(codeInvalidPublicKey, msgKeyMalformed)
	}
	pub, err := parseSSHWire(blob)
	if err != nil {
		return nil, apierr.New(codeInvalidPublicKey, msgKeyMalformed)
	}
	return pub, nil
}

// parsePEMPublicKey reads one PEM block of an RSA public key and nothing
// else. Other PEM types (certificates, private keys) and other algorithms
// are encodings IAM does not take.
func parsePEMPublicKey(s string) (*rsa.PublicKey, error) {
	block, rest := pem.Decode([]byte(s))
	if block == nil || strings.TrimSpace(string(rest)) != "" || len(block.Headers) != 0 {
		return nil, apierr.New(codeInvalidPublicKey, msgKeyMalformed)
	}
	switch block.Type {
	case "PUBLIC KEY":
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, apierr.New(codeInvalidPublicKey, msgKeyMalformed)
		}
		pub, ok := key.(*rsa.PublicKey)
		if !ok {
			return nil, apierr.New(codeUnrecognizedEncoding, msgKeyUnrecognized)
		}
		return pub, nil
	case "RSA PUBLIC KEY":
		pub, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, apierr.New(codeInvalidPublicKey, msgKeyMalformed)
		}
		return pub, nil
	}
	return nil, apierr.New(codeUnrecognizedEncoding, msgKeyUnrecognized)
}

// checkRSAKey refuses keys no RSA implementation would use: an even
// modulus or exponent, an exponent below 3, or a size outside the bounds.
func checkRSAKey(pub *rsa.PublicKey) error {
	if pub.N == nil || pub.N.Sign() <= 0 || pub.N.Bit(0) == 0 || pub.E < 3 || pub.E&1 == 0 {
		return apierr.New(codeInvalidPublicKey, msgKeyMalformed)
	}
	switch bits := pub.N.BitLen(); {
	case bits < minSSHKeyBits:
		return apierr.New(codeInvalidPublicKey, msgKeyTooShort)
	case bits > maxSSHKeyBits:
		return apierr.New(codeInvalidPublicKey, msgKeyTooLong)
	}
	return nil
}

// parseSSHWire decodes the RFC 4253 (section 6.6) "ssh-rsa" key blob:
// string "ssh-rsa", mpint e, mpint n, and nothing after. Integers must be
// in their minimal two's-complement form, so that the blob is the one
// sshWire gives back and fingerprints match what the uploader computes.
func parseSSHWire(blob []byte) (*rsa.PublicKey, error) {
	typ, rest, ok := sshString(blob)
	if !ok || string(typ) != sshRSA {
		return nil, errSSHWire
	}
	eb, rest, ok := sshString(rest)
	if !ok {
		return nil, errSSHWire
	}
	nb, rest, ok := sshString(rest)
	if !ok || len(rest) != 0 {
		return nil, errSSHWire
	}
	e, ok := sshMPInt(eb)
	if !ok || e.BitLen() > 31 {
		return nil, errSSHWire
	}
	n, ok := sshMPInt(nb)
	if !ok {
		return nil, errSSHWire
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

// sshString splits a uint32-length-prefixed string off b.
func sshString(b []byte) (s, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}

// sshMPInt reads a positive mpint in minimal form: no sign bit set and no
// leading zero byte that the sign bit does not need.
func sshMPInt(b []byte) (*big.Int, bool) {
	if len(b) == 0 || b[0]&0x80 != 0 {
		return nil, false
	}
	if b[0] == 0 && (len(b) == 1 || b[1]&0x80 == 0) {
		return nil, false
	}
	return new(big.Int).SetBytes(b), true
}

// sshWire encodes pub as an "ssh-rsa" key blob.
func sshWire(pub *rsa.PublicKey) []byte {
	var b []byte
	b = appendSSHString(b, []byte(sshRSA))
	b = appendSSHString(b, mpintBytes(big.NewInt(int64(pub.E))))
	return appendSSHString(b, mpintBytes(pub.N))
}

func appendSSHString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// mpintBytes is the minimal two's-complement form of a positive integer.
func mpintBytes(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

// sshFingerprint is the key's fingerprint as IAM shows it: the MD5 of the
// key blob in lower-case hex pairs joined by colons, the same value as
// `ssh-keygen -l -E md5` prints after "MD5:". (Checked against keys and
// fingerprints AWS returned, quoted in the ansible codecommit_ssh_key_facts
// module's documentation; see sshkeys_test.go.)
func sshFingerprint(pub *rsa.PublicKey) string {
	sum := md5.Sum(sshWire(pub))
	h := hex.EncodeToString(sum[:])
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// encodeSSHPublicKey is the OpenSSH form of pub, without a comment.
func encodeSSHPublicKey(pub *rsa.PublicKey) string {
	return sshRSA + " " + base64.StdEncoding.EncodeToString(sshWire(pub))
}

// encodePEMPublicKey is the PEM SubjectPublicKeyInfo form of pub, as AWS
// returns it: "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n"
// with 64-character lines (AWS CLI reference, get-ssh-public-key example 2).
func encodePEMPublicKey(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// sshKeyBody returns a stored key body in the encoding asked for. A body
// asked for in the encoding it was uploaded in comes back as uploaded,
// comment included, as UploadSSHPublicKey answers it (see the AWS
// responses cited in sshkeys_test.go); the other encoding is converted
// from the key.
func sshKeyBody(stored, encoding string) (string, error) {
	pub, uploaded, err := parseSSHPublicKey(stored)
	if err != nil {
		return "", err
	}
	switch {
	case encoding == uploaded:
		return stored, nil
	case encoding == encodingPEM:
		return encodePEMPublicKey(pub)
	}
	return encodeSSHPublicKey(pub), nil
}
