package iam

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
)

// awsSSHKeys are two keys and the fingerprints AWS returned for them
// (GetSSHPublicKey answers quoted in the documentation of ansible's
// codecommit_ssh_key_facts module, by Pat Sharkey, 2017). The bodies came
// back without a comment, in the form ssh-keygen writes.
var awsSSHKeys = []struct{ body, fingerprint string }{
	{
		"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDZu11q42q3RAAzn+2LVvP+rPcgzuFM6hHTLBQjwQL69RnqLvzWNzyafAfyM1JD4wkOlhjw0KY/qNoPjxpikPW5O6VME6Y3rO6mbFbfuAyuj/x+gQrw6WES81/04iO+I/6CiUBHNV/nY8plsz31a2m/Wg1SGTFMxpvhAAQ1qQsUzErrIXlqe2f5qN9/wTTuuHms1kuNP3rHfUku18fjr05V5bUUKc7vyEnkZuuX4BsADIYu4t/X/bveEhhOzjvd6dAmEwTPsamH8ROcwa32F5cdShBu2AFjck9H3hij6TKgYZTHTJA3WZSXFNlXdcgfbHm67gHjCq86PKdObsdUzkq5",
		"19:72:05:e0:bf:7e:15:c7:09:8a:c3:65:fc:c1:18:a3",
	},
	{
		"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCNpbiWvkOtiN64cBl7Papp2HfB7Co2RGWG6m5iL8jXafwlqLuKxmNiaNgJ1q1vbcZvczxBzPo2wVQy2ra3Ea9/cjICxoHpl7rpPJ9zAViWQ+4NiudLgyNwvvcfywzzmCMw+vqOi6vlr/iy89Y1AMz7pDP0Ax/OY1yJkkXqL1BQiF1dxNzVjCnRhLbA85e2LDUE30zaJC+9qe6GOhLOkqUSOn0H8WqcJTPqdd1lgPhZKDtnN6GKBaOBqGt7m5EKqUewU13+FOroRQBQsMX6EH4/MHaZNUi8LKAfmY2gPGahTlQLJwypDZ4zD1C6BDvTLLzoL0QkbSEaP6mXYBQ3zMzP",
		"84:62:be:70:88:d4:ed:f8:26:58:15:90:f1:4b:27:70",
	},
}

func TestSSHFingerprintMatchesAWS(t *testing.T) {
	for _, k := range awsSSHKeys {
		pub, enc, err := parseSSHPublicKey(k.body)
		if err != nil {
			t.Fatal(err)
		}
		if enc != encodingSSH || pub.N.BitLen() != 2048 {
			t.Fatalf("encoding %s, %d bits", enc, pub.N.BitLen())
		}
		if got := sshFingerprint(pub); got != k.fingerprint {
			t.Fatalf("fingerprint = %s, want %s", got, k.fingerprint)
		}
		// The blob re-encodes to the bytes AWS received.
		if got := encodeSSHPublicKey(pub); got != k.body {
			t.Fatalf("re-encoded = %s", got)
		}
	}
}

func rsaKey(t testing.TB, bits int) *rsa.PublicKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return &k.PublicKey
}

// sshLine builds an OpenSSH line from raw wire fields, so tests can make
// blobs the encoder never would.
func sshLine(typ string, fields ...[]byte) string {
	var b []byte
	for _, f := range fields {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return typ + " " + base64.StdEncoding.EncodeToString(b)
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func wantCode(t *testing.T, name string, err error, code string) {
	t.Helper()
	ae, ok := apierr.As(err)
	if !ok || ae.Code != code {
		t.Fatalf("%s: err = %v, want %s", name, err, code)
	}
}

func TestParseSSHPublicKey(t *testing.T) {
	pub := rsaKey(t, 2048)
	short := rsaKey(t, 1024)
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	shortSPKI, err := x509.MarshalPKIXPublicKey(short)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecSPKI, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	line := encodeSSHPublicKey(pub)
	e := mpintBytes(big.NewInt(int64(pub.E)))
	n := mpintBytes(pub.N)

	for _, tc := range []struct {
		name, body, enc, code string
	}{
		{"ssh", line, encodingSSH, ""},
		{"ssh with comment", line + " alice@example.com laptop\n", encodingSSH, ""},
		{"ssh surrounded by blanks", "\n\t " + line + " \r\n", encodingSSH, ""},
		{"pem spki", pemOf("PUBLIC KEY", spki), encodingPEM, ""},
		{"pem pkcs1", pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(pub)), encodingPEM, ""},
		{"ssh 1024 bits", encodeSSHPublicKey(short), "", codeInvalidPublicKey},
		{"pem 1024 bits", pemOf("PUBLIC KEY", shortSPKI), "", codeInvalidPublicKey},
		{"ed25519", sshLine("ssh-ed25519", []byte("ssh-ed25519"), make([]byte, 32)), "", codeUnrecognizedEncoding},
		{"ecdsa pem", pemOf("PUBLIC KEY", ecSPKI), "", codeUnrecognizedEncoding},
		{"private key pem", pemOf("RSA PRIVATE KEY", []byte{1, 2, 3}), "", codeUnrecognizedEncoding},
		{"certificate pem", pemOf("CERTIFICATE", []byte{1, 2, 3}), "", codeUnrecognizedEncoding},
		{"plain text", "hello", "", codeUnrecognizedEncoding},
		{"authorized_keys options", `command="ls" ` + line, "", codeUnrecognizedEncoding},
		{"ssh2 format", "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----", "", codeUnrecognizedEncoding},
		{"type only", "ssh-rsa", "", codeInvalidPublicKey},
		{"not base64", "ssh-rsa not-base64!", "", codeInvalidPublicKey},
		{"two lines", line + "\n" + line, "", codeInvalidPublicKey},
		{"blob of another type", sshLine("ssh-rsa", []byte("ssh-dss"), e, n), "", codeInvalidPublicKey},
		{"trailing bytes", sshLine("ssh-rsa", []byte("ssh-rsa"), e, n, []byte("x")), "", codeInvalidPublicKey},
		{"missing modulus", sshLine("ssh-rsa", []byte("ssh-rsa"), e), "", codeInvalidPublicKey},
		{"non-minimal exponent", sshLine("ssh-rsa", []byte("ssh-rsa"), append([]byte{0}, e...), n), "", codeInvalidPublicKey},
		{"negative modulus", sshLine("ssh-rsa", []byte("ssh-rsa"), e, n[1:]), "", codeInvalidPublicKey},
		{"even exponent", sshLine("ssh-rsa", []byte("ssh-rsa"), []byte{1, 0, 0}, n), "", codeInvalidPublicKey},
		{"huge exponent", sshLine("ssh-rsa", []byte("ssh-rsa"), []byte{1, 0, 0, 0, 1}, n), "", codeInvalidPublicKey},
		{"broken pem", "-----BEGIN PUBLIC KEY-----\nAAAA", "", codeInvalidPublicKey},
		{"garbage in pem", pemOf("PUBLIC KEY", []byte{1, 2, 3}), "", codeInvalidPublicKey},
		{"two pem blocks", pemOf("PUBLIC KEY", spki) + pemOf("PUBLIC KEY", spki), "", codeInvalidPublicKey},
		{"too long", line + " " + strings.Repeat("c", 16384), "", codeInvalidPublicKey},
	} {
		got, enc, err := parseSSHPublicKey(tc.body)
		if tc.code != "" {
			wantCode(t, tc.name, err, tc.code)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if enc != tc.enc || !got.Equal(pub) {
			t.Fatalf("%s: encoding %s, same key %v", tc.name, enc, got.Equal(pub))
		}
	}
}

func TestSSHKeyBody(t *testing.T) {
	pub := rsaKey(t, 2048)
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	withComment := encodeSSHPublicKey(pub) + " alice@example.com"
	pkcs1 := pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(pub))
	for _, tc := range []struct {
		name, stored, encoding, want string
	}{
		// As uploaded, comment and all, in its own encoding.
		{"ssh as ssh", withComment, encodingSSH, withComment},
		{"pem as pem", pkcs1, encodingPEM, pkcs1},
		// Converted to the other: SubjectPublicKeyInfo PEM, comment-less
		// OpenSSH.
		{"ssh as pem", withComment, encodingPEM, pemOf("PUBLIC KEY", spki)},
		{"pem as ssh", pkcs1, encodingSSH, encodeSSHPublicKey(pub)},
	} {
		got, err := sshKeyBody(tc.stored, tc.encoding)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Fatalf("%s: body = %q, want %q", tc.name, got, tc.want)
		}
		back, _, err := parseSSHPublicKey(got)
		if err != nil || !back.Equal(pub) {
			t.Fatalf("%s: converted body does not parse back: %v", tc.name, err)
		}
	}
	// AWS's PEM layout: header line, 64-character lines, footer, newline.
	p, err := encodePEMPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(p, "\n")
	if lines[0] != "-----BEGIN PUBLIC KEY-----" || lines[len(lines)-2] != "-----END PUBLIC KEY-----" || lines[len(lines)-1] != "" || len(lines[1]) != 64 {
		t.Fatalf("PEM layout:\n%s", p)
	}
}

func TestSSHFingerprintFormat(t *testing.T) {
	fp := sshFingerprint(rsaKey(t, 2048))
	// 16 lower-case hex pairs joined by colons: 47 characters.
	if len(fp) != 47 || strings.Count(fp, ":") != 15 || strings.ToLower(fp) != fp {
		t.Fatalf("fingerprint %q", fp)
	}
}

func FuzzParseSSHPublicKey(f *testing.F) {
	pub := rsaKey(f, 2048)
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		f.Fatal(err)
	}
	for _, k := range awsSSHKeys {
		f.Add(k.body)
		f.Add(k.body + " comment")
	}
	f.Add(encodeSSHPublicKey(pub))
	f.Add(pemOf("PUBLIC KEY", spki))
	f.Add(pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(pub)))
	f.Add("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAAQE=")
	f.Add("ssh-rsa AAAA")
	f.Add("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")
	f.Add("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		pub, enc, err := parseSSHPublicKey(body)
		if err != nil {
			if _, ok := apierr.As(err); !ok {
				t.Fatalf("not a refusal: %v", err)
			}
			return
		}
		if bits := pub.N.BitLen(); bits < minSSHKeyBits || bits > maxSSHKeyBits {
			t.Fatalf("accepted a %d-bit key", bits)
		}
		if len(sshFingerprint(pub)) != 47 {
			t.Fatal("bad fingerprint")
		}
		// Both encodings of an accepted key are accepted and carry the
		// same key.
		for _, want := range []string{encodingSSH, encodingPEM} {
			out, err := sshKeyBody(body, want)
			if err != nil {
				t.Fatalf("%s body: %v", want, err)
			}
			back, got, err := parseSSHPublicKey(out)
			if err != nil || got != want || !back.Equal(pub) {
				t.Fatalf("%s body %q (from %s) does not round-trip: %v", want, out, enc, err)
			}
		}
	})
}
