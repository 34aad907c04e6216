package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Where the messages asserted below come from:
//   - "The Public Key with id X cannot be found.", "The Certificate with id
//     X cannot be found." (NoSuchEntity, 404), "Cannot exceed quota for
//     CertificatesPerUser: 2" (LimitExceeded, 409), "Certificate BODY is
//     malformed." (MalformedCertificate, 400) and "The user with name X
//     cannot be found." for the signing certificate operations: recorded
//     from AWS in LocalStack's AWS-validated snapshots
//     tests/aws/services/iam/test_iam_ssh_public_keys.snapshot.json and
//     test_iam_signing_certificates.snapshot.json.
//   - The fingerprint of awsKey: AWS's GetSSHPublicKey answer quoted in the
//     documentation of ansible's codecommit_ssh_key_facts module; AWS
//     returned that body without a comment.
//   - UploadSSHPublicKey answers the body as uploaded, comment included
//     (an AWS response shown in a public bastion walkthrough); Terraform's
//     aws_iam_user_ssh_key strips comments from GetSSHPublicKey's SSH body
//     before comparing, and its PEM acceptance test expects the
//     "-----BEGIN PUBLIC KEY-----" body it uploaded back unchanged.
//   - Quotas of 5 SSH keys and 2 signing certificates per user: IAM User
//     Guide, "IAM and AWS STS quotas".
//
// Not confirmed by a recording (stsd's wording, asserted so a change is
// deliberate): the texts of InvalidPublicKey, UnrecognizedPublicKeyEncoding,
// DuplicateSSHPublicKey, DuplicateCertificate, the SSH key quota
// ("PublicKeysPerUser") and the InvalidInput refusal of status Expired.

const credsBootstrap = `
accounts:
  - id: "222222222222"
    root_access_keys:
      - {id: AKIACREDROOT00000001, secret: "credRootSecret00000000000000000000000000"}
    users:
      - name: dev
        path: /eng/
        access_keys: [{id: AKIACREDDEV000000001, secret: "credDevSecret000000000000000000000000000"}]
        inline_policies:
          own:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ["iam:*SSHPublicKey*", "iam:*SigningCertificate*"]
                Resource: "arn:aws:iam::222222222222:user/eng/dev"
      - name: nobody
        access_keys: [{id: AKIACREDNOBODY000001, secret: "credNobodySecret000000000000000000000000"}]
      - name: other
`

// credsClient returns an IAM client of a principal of credsBootstrap.
func (h *harness) credsClient(who string) *iam.Client {
	keys := map[string][2]string{
		"root":   {"AKIACREDROOT00000001", "credRootSecret00000000000000000000000000"},
		"dev":    {"AKIACREDDEV000000001", "credDevSecret000000000000000000000000000"},
		"nobody": {"AKIACREDNOBODY000001", "credNobodySecret000000000000000000000000"},
	}
	return h.keyIAM(keys, who)
}

// awsKey is a key whose fingerprint AWS computed (see the sources above).
const (
	awsKey            = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDZu11q42q3RAAzn+2LVvP+rPcgzuFM6hHTLBQjwQL69RnqLvzWNzyafAfyM1JD4wkOlhjw0KY/qNoPjxpikPW5O6VME6Y3rO6mbFbfuAyuj/x+gQrw6WES81/04iO+I/6CiUBHNV/nY8plsz31a2m/Wg1SGTFMxpvhAAQ1qQsUzErrIXlqe2f5qN9/wTTuuHms1kuNP3rHfUku18fjr05V5bUUKc7vyEnkZuuX4BsADIYu4t/X/bveEhhOzjvd6dAmEwTPsamH8ROcwa32F5cdShBu2AFjck9H3hij6TKgYZTHTJA3WZSXFNlXdcgfbHm67gHjCq86PKdObsdUzkq5"
	awsKeyFingerprint = "19:72:05:e0:bf:7e:15:c7:09:8a:c3:65:fc:c1:18:a3"
)

// newRSAKey returns a fresh RSA public key of the given size.
func newRSAKey(t *testing.T, bits int) *rsa.PublicKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return &k.PublicKey
}

// openSSH is the ssh-keygen form of pub, written here independently of
// stsd's encoder: string "ssh-rsa", mpint e, mpint n (RFC 4253, 6.6).
func openSSH(pub *rsa.PublicKey) string {
	mpint := func(n *big.Int) []byte {
		b := n.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	var blob []byte
	for _, f := range [][]byte{[]byte("ssh-rsa"), mpint(big.NewInt(int64(pub.E))), mpint(pub.N)} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(f)))
		blob = append(blob, f...)
	}
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(blob)
}

// md5Fingerprint is `ssh-keygen -l -E md5` of an OpenSSH line.
func md5Fingerprint(t *testing.T, line string) string {
	t.Helper()
	blob, err := base64.StdEncoding.DecodeString(strings.Fields(line)[1])
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(blob)
	h := hex.EncodeToString(sum[:])
	var pairs []string
	for i := 0; i < len(h); i += 2 {
		pairs = append(pairs, h[i:i+2])
	}
	return strings.Join(pairs, ":")
}

// pemPublicKey is the SubjectPublicKeyInfo PEM of pub.
func pemPublicKey(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestSSHPublicKeysLifecycle(t *testing.T) {
	h := start(t, withBootstrap(t, credsBootstrap))
	ctx := context.Background()
	c := h.credsClient("root")

	// An uploaded OpenSSH key: body as uploaded, AWS's fingerprint.
	up, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("DEV"), SSHPublicKeyBody: aws.String(awsKey + " psharkey@laptop\n")})
	if err != nil {
		t.Fatal(err)
	}
	k := up.SSHPublicKey
	id := aws.ToString(k.SSHPublicKeyId)
	if aws.ToString(k.UserName) != "dev" || !strings.HasPrefix(id, "APKA") || len(id) != 20 ||
		aws.ToString(k.Fingerprint) != awsKeyFingerprint || aws.ToString(k.SSHPublicKeyBody) != awsKey+" psharkey@laptop\n" ||
		k.Status != iamtypes.StatusTypeActive || k.UploadDate == nil || !k.UploadDate.Equal(h.clock.Now().Truncate(time.Second)) {
		t.Fatalf("uploaded = %+v", k)
	}

	// Get in both encodings.
	got, err := c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id), Encoding: iamtypes.EncodingTypeSsh})
	if err != nil {
		t.Fatal(err)
	}
	if g := got.SSHPublicKey; aws.ToString(g.SSHPublicKeyBody) != awsKey+" psharkey@laptop\n" || aws.ToString(g.Fingerprint) != awsKeyFingerprint || aws.ToString(g.SSHPublicKeyId) != id {
		t.Fatalf("SSH get = %+v", g)
	}
	got, err = c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id), Encoding: iamtypes.EncodingTypePem})
	if err != nil {
		t.Fatal(err)
	}
	body := aws.ToString(got.SSHPublicKey.SSHPublicKeyBody)
	block, rest := pem.Decode([]byte(body))
	if block == nil || block.Type != "PUBLIC KEY" || len(rest) != 0 || !strings.HasSuffix(body, "-----END PUBLIC KEY-----\n") {
		t.Fatalf("PEM get = %q", body)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if openSSH(pub.(*rsa.PublicKey)) != awsKey {
		t.Fatal("PEM body is another key")
	}

	// A PEM upload comes back as uploaded in PEM and comment-less in SSH.
	fresh := newRSAKey(t, 2048)
	pemBody := pemPublicKey(t, fresh)
	up, err = c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String(pemBody)})
	if err != nil {
		t.Fatal(err)
	}
	pemID := aws.ToString(up.SSHPublicKey.SSHPublicKeyId)
	if aws.ToString(up.SSHPublicKey.Fingerprint) != md5Fingerprint(t, openSSH(fresh)) {
		t.Fatalf("PEM key fingerprint %s", aws.ToString(up.SSHPublicKey.Fingerprint))
	}
	for enc, want := range map[iamtypes.EncodingType]string{iamtypes.EncodingTypePem: pemBody, iamtypes.EncodingTypeSsh: openSSH(fresh)} {
		got, err := c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(pemID), Encoding: enc})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(got.SSHPublicKey.SSHPublicKeyBody) != want {
			t.Fatalf("%s body = %q, want %q", enc, aws.ToString(got.SSHPublicKey.SSHPublicKeyBody), want)
		}
	}

	// Refusals of the body and of the user.
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user, body, code, msg string
		status                int
	}{
		{"dev", awsKey + " same key, other comment", "DuplicateSSHPublicKey", "The SSH public key is already associated with the specified IAM user.", 400},
		{"dev", pemPublicKey(t, fresh), "DuplicateSSHPublicKey", "The SSH public key is already associated with the specified IAM user.", 400},
		{"dev", openSSH(newRSAKey(t, 1024)), "InvalidPublicKey", "The public key must be at least 2048 bits long.", 400},
		{"dev", "ssh-rsa not-base64!", "InvalidPublicKey", "The public key is malformed or otherwise invalid.", 400},
		{"dev", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", "UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized.", 400},
		{"dev", pemPublicKey(t, &ec.PublicKey), "UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized.", 400},
		{"dev", "hello", "UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized.", 400},
		{"ghost", awsKey, "NoSuchEntity", "The user with name ghost cannot be found.", 404},
	} {
		_, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String(tc.user), SSHPublicKeyBody: aws.String(tc.body)})
		apiError(t, err, tc.code, tc.msg, tc.status)
	}
	// The same key may belong to another user.
	if _, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("other"), SSHPublicKeyBody: aws.String(awsKey)}); err != nil {
		t.Fatal(err)
	}

	// Five keys per user, whatever their status.
	ids := []string{id, pemID}
	for len(ids) < 5 {
		up, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String(openSSH(newRSAKey(t, 2048)))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(up.SSHPublicKey.SSHPublicKeyId))
	}
	_, err = c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String(openSSH(newRSAKey(t, 2048)))})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for PublicKeysPerUser: 5", 409)

	// Listing pages through them in id order.
	var listed []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("dev"), MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.SSHPublicKeys {
			if aws.ToString(m.UserName) != "dev" || m.Status != iamtypes.StatusTypeActive || m.UploadDate == nil {
				t.Fatalf("listed %+v", m)
			}
			listed = append(listed, aws.ToString(m.SSHPublicKeyId))
		}
		if !out.IsTruncated {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
		marker = out.Marker
	}
	if len(listed) != 5 {
		t.Fatalf("listed %v", listed)
	}
	for i := 1; i < len(listed); i++ {
		if listed[i-1] >= listed[i] {
			t.Fatalf("not in id order: %v", listed)
		}
	}
	_, err = c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("ghost")})
	apiError(t, err, "NoSuchEntity", "The user with name ghost cannot be found.", 404)

	// Status changes.
	if _, err := c.UpdateSSHPublicKey(ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id), Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id), Encoding: iamtypes.EncodingTypeSsh})
	if err != nil {
		t.Fatal(err)
	}
	if got.SSHPublicKey.Status != iamtypes.StatusTypeInactive {
		t.Fatalf("status %s", got.SSHPublicKey.Status)
	}
	_, err = c.UpdateSSHPublicKey(ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id), Status: iamtypes.StatusTypeExpired})
	apiError(t, err, "InvalidInput", "Invalid status Expired: the status can be Active or Inactive.", 400)

	// Unknown ids, and ids of another user's keys, are not found.
	otherKeys, err := c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("other")})
	if err != nil || len(otherKeys.SSHPublicKeys) != 1 {
		t.Fatalf("other's keys: %v %v", otherKeys, err)
	}
	for _, missing := range []string{"APKAXXXXXXXXXXXXXXXXX", aws.ToString(otherKeys.SSHPublicKeys[0].SSHPublicKeyId)} {
		msg := "The Public Key with id " + missing + " cannot be found."
		_, err = c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(missing), Encoding: iamtypes.EncodingTypeSsh})
		apiError(t, err, "NoSuchEntity", msg, 404)
		_, err = c.UpdateSSHPublicKey(ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(missing), Status: iamtypes.StatusTypeInactive})
		apiError(t, err, "NoSuchEntity", msg, 404)
		_, err = c.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(missing)})
		apiError(t, err, "NoSuchEntity", msg, 404)
	}

	// Delete frees a place under the quota.
	if _, err := c.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id), Encoding: iamtypes.EncodingTypeSsh})
	apiError(t, err, "NoSuchEntity", "The Public Key with id "+id+" cannot be found.", 404)
	if _, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String(awsKey)}); err != nil {
		t.Fatal(err)
	}

	// The root has no SSH keys of its own.
	own, err := c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{})
	if err != nil || len(own.SSHPublicKeys) != 0 {
		t.Fatalf("root's keys: %v %v", own, err)
	}
}

func TestSSHPublicKeysSelfAndAuthorization(t *testing.T) {
	h := start(t, withBootstrap(t, credsBootstrap))
	ctx := context.Background()
	dev := h.credsClient("dev")

	// A user allowed on its own ARN manages its own keys, and lists them
	// without naming itself.
	up, err := dev.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String(awsKey)})
	if err != nil {
		t.Fatal(err)
	}
	id := up.SSHPublicKey.SSHPublicKeyId
	own, err := dev.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{})
	if err != nil || len(own.SSHPublicKeys) != 1 || aws.ToString(own.SSHPublicKeys[0].SSHPublicKeyId) != aws.ToString(id) {
		t.Fatalf("own keys: %+v %v", own, err)
	}
	if _, err := dev.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: id, Encoding: iamtypes.EncodingTypePem}); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.UpdateSSHPublicKey(ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: id, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}

	const acct = "arn:aws:iam::222222222222:user/"
	deny := func(who, action, resource string) string {
		return "User: " + acct + who + " is not authorized to perform: " + action + " on resource: " + resource + " because no identity-based policy allows the " + action + " action"
	}
	nobody := h.credsClient("nobody")
	for _, tc := range []struct {
		who, action, resource string
		call                  func() error
	}{
		{"eng/dev", "iam:UploadSSHPublicKey", acct + "other", func() error {
			_, err := dev.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("other"), SSHPublicKeyBody: aws.String(awsKey)})
			return err
		}},
		{"eng/dev", "iam:ListSSHPublicKeys", acct + "other", func() error {
			_, err := dev.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("other")})
			return err
		}},
		// A missing user is not revealed to a caller without permission.
		{"eng/dev", "iam:ListSSHPublicKeys", acct + "ghost", func() error {
			_, err := dev.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("ghost")})
			return err
		}},
		{"nobody", "iam:ListSSHPublicKeys", acct + "nobody", func() error {
			_, err := nobody.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{})
			return err
		}},
		{"nobody", "iam:UploadSSHPublicKey", acct + "nobody", func() error {
			_, err := nobody.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("nobody"), SSHPublicKeyBody: aws.String(awsKey)})
			return err
		}},
		{"nobody", "iam:GetSSHPublicKey", acct + "eng/dev", func() error {
			_, err := nobody.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: id, Encoding: iamtypes.EncodingTypeSsh})
			return err
		}},
		{"nobody", "iam:UpdateSSHPublicKey", acct + "eng/dev", func() error {
			_, err := nobody.UpdateSSHPublicKey(ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: id, Status: iamtypes.StatusTypeActive})
			return err
		}},
		{"nobody", "iam:DeleteSSHPublicKey", acct + "eng/dev", func() error {
			_, err := nobody.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: id})
			return err
		}},
	} {
		apiError(t, tc.call(), "AccessDenied", deny(tc.who, tc.action, tc.resource), 403)
	}

	// The refused calls changed nothing; the owner deletes its key.
	if _, err := dev.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: id}); err != nil {
		t.Fatal(err)
	}
}

// signingCert returns a fresh self-signed certificate in PEM, valid from
// notBefore to notAfter.
func signingCert(t *testing.T, notBefore, notAfter time.Time) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: "Test Certificate", Organization: []string{"Test Organization"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestSigningCertificatesLifecycle(t *testing.T) {
	h := start(t, withBootstrap(t, credsBootstrap))
	ctx := context.Background()
	c := h.credsClient("root")
	now := h.clock.Now()
	valid := func() string { return signingCert(t, now.Add(-time.Hour), now.Add(365*24*time.Hour)) }
	cert1, cert2 := valid(), valid()

	up, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("Dev"), CertificateBody: aws.String(cert1)})
	if err != nil {
		t.Fatal(err)
	}
	k := up.Certificate
	id := aws.ToString(k.CertificateId)
	if aws.ToString(k.UserName) != "dev" || len(id) != 32 || strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" ||
		aws.ToString(k.CertificateBody) != cert1 || k.Status != iamtypes.StatusTypeActive || k.UploadDate == nil ||
		!k.UploadDate.Equal(now.Truncate(time.Second)) {
		t.Fatalf("uploaded = %+v", k)
	}

	// A certificate is held once in an account: again by the same user
	// or by another, it is refused.
	for _, user := range []string{"dev", "other"} {
		_, err = c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String(user), CertificateBody: aws.String(cert1)})
		apiError(t, err, "DuplicateCertificate", "The same certificate is already associated with an IAM user in the account.", 409)
	}
	// Another account may hold it too.
	if _, err := h.rootIAM().UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{CertificateBody: aws.String(cert1)}); err != nil {
		t.Fatal(err)
	}

	up2, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("dev"), CertificateBody: aws.String(cert2)})
	if err != nil {
		t.Fatal(err)
	}
	id2 := aws.ToString(up2.Certificate.CertificateId)
	_, err = c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("dev"), CertificateBody: aws.String(valid())})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for CertificatesPerUser: 2", 409)

	// Bodies that are not a current certificate, and users that do not
	// exist.
	for _, tc := range []struct{ user, body, code, msg string }{
		{"dev", "invalid-certificate-body", "MalformedCertificate", "Certificate invalid-certificate-body is malformed."},
		{"other", signingCert(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour)), "MalformedCertificate", "Certificate -----BEGIN CERTIFICATE-----"},
		{"other", signingCert(t, now.Add(time.Hour), now.Add(48*time.Hour)), "MalformedCertificate", "Certificate -----BEGIN CERTIFICATE-----"},
	} {
		_, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String(tc.user), CertificateBody: aws.String(tc.body)})
		apiError(t, err, tc.code, tc.msg, 400)
	}
	const noUser = "The user with name nonexistent-user cannot be found."
	nu := aws.String("nonexistent-user")
	_, err = c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: nu, CertificateBody: aws.String(valid())})
	apiError(t, err, "NoSuchEntity", noUser, 404)
	_, err = c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: nu})
	apiError(t, err, "NoSuchEntity", noUser, 404)
	_, err = c.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{UserName: nu, CertificateId: aws.String("NONEXISTENTCERTID12345678901"), Status: iamtypes.StatusTypeInactive})
	apiError(t, err, "NoSuchEntity", noUser, 404)
	_, err = c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: nu, CertificateId: aws.String("NONEXISTENTCERTID12345678901")})
	apiError(t, err, "NoSuchEntity", noUser, 404)

	// Listing, a page at a time, bodies included.
	var listed []iamtypes.SigningCertificate
	var marker *string
	for {
		out, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("dev"), MaxItems: aws.Int32(1), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Certificates) != 1 {
			t.Fatalf("page of %d", len(out.Certificates))
		}
		listed = append(listed, out.Certificates...)
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	bodies := map[string]string{id: cert1, id2: cert2}
	if len(listed) != 2 || aws.ToString(listed[0].CertificateId) >= aws.ToString(listed[1].CertificateId) {
		t.Fatalf("listed %+v", listed)
	}
	for _, l := range listed {
		if aws.ToString(l.CertificateBody) != bodies[aws.ToString(l.CertificateId)] || aws.ToString(l.UserName) != "dev" {
			t.Fatalf("listed %+v", l)
		}
	}

	// Status changes, and refusals of unknown ids and of another owner's.
	setStatus := func(user *string, id string, status iamtypes.StatusType) error {
		_, err := c.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{UserName: user, CertificateId: aws.String(id), Status: status})
		return err
	}
	if err := setStatus(aws.String("dev"), id, iamtypes.StatusTypeInactive); err != nil {
		t.Fatal(err)
	}
	statuses := func(user string) map[string]iamtypes.StatusType {
		out, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String(user)})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]iamtypes.StatusType{}
		for _, l := range out.Certificates {
			m[aws.ToString(l.CertificateId)] = l.Status
		}
		return m
	}
	if s := statuses("dev"); s[id] != iamtypes.StatusTypeInactive || s[id2] != iamtypes.StatusTypeActive {
		t.Fatalf("statuses %v", s)
	}
	if err := setStatus(aws.String("dev"), id, iamtypes.StatusTypeActive); err != nil {
		t.Fatal(err)
	}
	if s := statuses("dev"); s[id] != iamtypes.StatusTypeActive {
		t.Fatalf("statuses %v", s)
	}
	apiError(t, setStatus(aws.String("dev"), id, iamtypes.StatusTypeExpired), "InvalidInput", "Invalid status Expired: the status can be Active or Inactive.", 400)
	for _, tc := range []struct{ user, id string }{{"dev", "NONEXISTENTCERTID12345678901"}, {"other", id}} {
		msg := "The Certificate with id " + tc.id + " cannot be found."
		apiError(t, setStatus(aws.String(tc.user), tc.id, iamtypes.StatusTypeInactive), "NoSuchEntity", msg, 404)
		_, err := c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String(tc.user), CertificateId: aws.String(tc.id)})
		apiError(t, err, "NoSuchEntity", msg, 404)
	}

	// Deleting frees the certificate for another holder.
	if _, err := c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("dev"), CertificateId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if s := statuses("dev"); len(s) != 1 {
		t.Fatalf("after delete %v", s)
	}
	if _, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("other"), CertificateBody: aws.String(cert1)}); err != nil {
		t.Fatal(err)
	}
}

func TestSigningCertificatesRootAndSelf(t *testing.T) {
	h := start(t, withBootstrap(t, credsBootstrap))
	ctx := context.Background()
	now := h.clock.Now()
	valid := func() string { return signingCert(t, now.Add(-time.Hour), now.Add(24*time.Hour)) }

	// The root's own certificates: no UserName, quota of two.
	root := h.credsClient("root")
	up, err := root.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{CertificateBody: aws.String(valid())})
	if err != nil {
		t.Fatal(err)
	}
	rootID := up.Certificate.CertificateId
	if aws.ToString(up.Certificate.UserName) != "" {
		t.Fatalf("root's certificate names user %q", aws.ToString(up.Certificate.UserName))
	}
	if _, err := root.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{CertificateBody: aws.String(valid())}); err != nil {
		t.Fatal(err)
	}
	_, err = root.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{CertificateBody: aws.String(valid())})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for CertificatesPerUser: 2", 409)
	own, err := root.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
	if err != nil || len(own.Certificates) != 2 {
		t.Fatalf("root's certificates: %+v %v", own, err)
	}
	if devs, err := root.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("dev")}); err != nil || len(devs.Certificates) != 0 {
		t.Fatalf("dev's certificates: %+v %v", devs, err)
	}
	if _, err := root.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{CertificateId: rootID, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	// A user's name does not reach the root's certificates.
	_, err = root.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("dev"), CertificateId: rootID})
	apiError(t, err, "NoSuchEntity", "The Certificate with id "+aws.ToString(rootID)+" cannot be found.", 404)
	if _, err := root.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{CertificateId: rootID}); err != nil {
		t.Fatal(err)
	}

	// A user acts on its own certificates without naming itself.
	dev := h.credsClient("dev")
	mine, err := dev.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{CertificateBody: aws.String(valid())})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(mine.Certificate.UserName) != "dev" {
		t.Fatalf("uploaded for %q", aws.ToString(mine.Certificate.UserName))
	}
	list, err := dev.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
	if err != nil || len(list.Certificates) != 1 {
		t.Fatalf("own certificates: %+v %v", list, err)
	}
	if _, err := dev.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{CertificateId: mine.Certificate.CertificateId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}

	const acct = "arn:aws:iam::222222222222:"
	deny := func(who, action, resource string) string {
		return "User: " + acct + who + " is not authorized to perform: " + action + " on resource: " + resource + " because no identity-based policy allows the " + action + " action"
	}
	nobody := h.credsClient("nobody")
	for _, tc := range []struct {
		who, action, resource string
		call                  func() error
	}{
		{"user/eng/dev", "iam:ListSigningCertificates", acct + "user/other", func() error {
			_, err := dev.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("other")})
			return err
		}},
		{"user/nobody", "iam:UploadSigningCertificate", acct + "user/nobody", func() error {
			_, err := nobody.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{CertificateBody: aws.String(valid())})
			return err
		}},
		{"user/nobody", "iam:ListSigningCertificates", acct + "user/nobody", func() error {
			_, err := nobody.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
			return err
		}},
		{"user/nobody", "iam:UpdateSigningCertificate", acct + "user/eng/dev", func() error {
			_, err := nobody.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{UserName: aws.String("dev"), CertificateId: mine.Certificate.CertificateId, Status: iamtypes.StatusTypeActive})
			return err
		}},
		{"user/nobody", "iam:DeleteSigningCertificate", acct + "user/eng/dev", func() error {
			_, err := nobody.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("dev"), CertificateId: mine.Certificate.CertificateId})
			return err
		}},
		// A missing user is not revealed to a caller without permission.
		{"user/nobody", "iam:ListSigningCertificates", acct + "user/ghost", func() error {
			_, err := nobody.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("ghost")})
			return err
		}},
	} {
		apiError(t, tc.call(), "AccessDenied", deny(tc.who, tc.action, tc.resource), 403)
	}
	if _, err := dev.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{CertificateId: mine.Certificate.CertificateId}); err != nil {
		t.Fatal(err)
	}
}
