package iam

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"
)

// certDER returns a fresh self-signed ECDSA certificate valid from
// notBefore to notAfter.
func certDER(t testing.TB, notBefore, notAfter time.Time) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "signing.example.test"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestParseSigningCertificate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	year := 365 * 24 * time.Hour
	good := certDER(t, now.Add(-time.Hour), now.Add(year))
	goodPEM := pemOf("CERTIFICATE", good)
	// The id-ecPublicKey OID (1.2.840.10045.2.1) turned into one no
	// library knows; the certificate still parses, its key does not.
	unknown := bytes.Replace(good, []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}, []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x7f}, 1)
	if bytes.Equal(unknown, good) {
		t.Fatal("OID not found")
	}

	for _, tc := range []struct {
		name, body, code string
	}{
		{"pem", goodPEM, ""},
		{"pem with blanks around", "\r\n  " + goodPEM + "\n\n", ""},
		{"not pem", "invalid-certificate-body", codeMalformedCertificate},
		{"public key pem", pemOf("PUBLIC KEY", good), codeMalformedCertificate},
		{"two certificates", goodPEM + goodPEM, codeMalformedCertificate},
		{"text after", goodPEM + "junk", codeMalformedCertificate},
		{"garbage der", pemOf("CERTIFICATE", []byte{0x30, 0x03, 1, 2, 3}), codeMalformedCertificate},
		{"expired", pemOf("CERTIFICATE", certDER(t, now.Add(-2*year), now.Add(-year))), codeMalformedCertificate},
		{"not yet valid", pemOf("CERTIFICATE", certDER(t, now.Add(time.Hour), now.Add(year))), codeMalformedCertificate},
		{"too long", goodPEM + strings.Repeat(" ", 16384), codeMalformedCertificate},
		{"unknown key algorithm", pemOf("CERTIFICATE", unknown), codeInvalidCertificate},
	} {
		cert, err := parseSigningCertificate(tc.body, now)
		if tc.code != "" {
			wantCode(t, tc.name, err, tc.code)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !bytes.Equal(cert.Raw, good) {
			t.Fatalf("%s: wrong certificate", tc.name)
		}
	}

	// The malformed refusal quotes the body, as AWS's does:
	// "Certificate invalid-certificate-body is malformed."
	_, err := parseSigningCertificate("invalid-certificate-body", now)
	if err == nil || err.Error() != "MalformedCertificate: Certificate invalid-certificate-body is malformed." {
		t.Fatalf("err = %v", err)
	}
}

func TestSigningCertificateID(t *testing.T) {
	der := []byte("certificate")
	id := signingCertificateID("111111111111", der)
	if len(id) != 32 || strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		t.Fatalf("id %q", id)
	}
	if again := signingCertificateID("111111111111", der); again != id {
		t.Fatalf("not stable: %s %s", id, again)
	}
	if other := signingCertificateID("222222222222", der); other == id {
		t.Fatal("two accounts share an id")
	}
	if other := signingCertificateID("111111111111", []byte("other")); other == id {
		t.Fatal("two certificates share an id")
	}
}

func FuzzParseSigningCertificate(f *testing.F) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	good := certDER(f, now.Add(-time.Hour), now.Add(time.Hour))
	f.Add(pemOf("CERTIFICATE", good))
	f.Add(pemOf("CERTIFICATE", good[:len(good)/2]))
	f.Add("invalid-certificate-body")
	f.Add("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		cert, err := parseSigningCertificate(body, now)
		if err == nil && (cert == nil || now.Before(cert.NotBefore) || now.After(cert.NotAfter)) {
			t.Fatalf("accepted %q", body)
		}
	})
}
