package iam

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"encoding/pem"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/iamlimits"
)

// Signing certificate refusal codes (aws-models/iam.json error shapes;
// MalformedCertificate and InvalidCertificate answer 400, DuplicateCertificate
// 409, from the model).
const (
	codeMalformedCertificate = "MalformedCertificate"
	codeInvalidCertificate   = "InvalidCertificate"
	codeDuplicateCertificate = "DuplicateCertificate"
)

// Certificate body refusals. "Certificate BODY is malformed." is AWS's,
// recorded for a body that is not PEM in LocalStack's AWS-validated
// snapshot tests/aws/services/iam/test_iam_signing_certificates.snapshot.json;
// stsd answers it for every body that is not one X.509 certificate in PEM,
// and for one outside its validity period (the model: "the certificate was
// malformed or expired"; AWS support confirmed the not-yet-valid case for
// UploadServerCertificate in aws/aws-sdk-go#2586). The InvalidCertificate
// text is stsd's: AWS's is not recorded.
const (
	msgMalformedCertificate = "Certificate %s is malformed."
	msgInvalidCertificate   = "The certificate's public key algorithm is not supported."
)

// parseSigningCertificate reads an uploaded signing certificate: exactly
// one PEM "CERTIFICATE" block (surrounding whitespace aside) holding an
// X.509 certificate valid at now, whose key stsd can read.
func parseSigningCertificate(body string, now time.Time) (*x509.Certificate, error) {
	malformed := apierr.New(codeMalformedCertificate, msgMalformedCertificate, body)
	// The model's bound (certificateBodyType), checked here too so the
	// parser never depends on its caller.
	if max, _ := iamlimits.CertificateBody.Max(); len(body) > max {
		return nil, malformed
	}
	block, rest := pem.Decode([]byte(strings.TrimSpace(body)))
	if block == nil || block.Type != "CERTIFICATE" || len(block.Headers) != 0 || strings.TrimSpace(string(rest)) != "" {
		return nil, malformed
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, malformed
	}
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, malformed
	}
	if cert.PublicKeyAlgorithm == x509.UnknownPublicKeyAlgorithm {
		return nil, apierr.New(codeInvalidCertificate, msgInvalidCertificate)
	}
	return cert, nil
}

// certIDEncoding spells certificate ids in upper-case base32, the alphabet
// of AWS's ("TA7SMP42TDN5Z26OBPJE7EXAMPLE", aws-models/iam.examples-1.json;
// the model asks for at least 24 word characters).
var certIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// signingCertificateID is the 32-character id of a certificate (its DER
// bytes) in an account. It is derived rather than random so that the
// store's unique ids make a second upload of the same certificate in the
// same account fail atomically, whoever holds the first; the account in
// the hash keeps two accounts' uploads of one certificate apart.
func signingCertificateID(account string, der []byte) string {
	h := sha256.New()
	h.Write([]byte(account))
	h.Write([]byte{0})
	h.Write(der)
	return certIDEncoding.EncodeToString(h.Sum(nil)[:20])
}
