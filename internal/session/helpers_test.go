package session

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mathrand "math/rand/v2"
	"strings"
	"testing"
	"time"
)

// testKey returns a key whose secret is derived from id, so tests are
// reproducible.
func testKey(id uint32) Key {
	return Key{ID: id, Secret: bytes.Repeat([]byte{byte(id), byte(id >> 8), 0x5a, 0xa5}, KeySize/4)}
}

func mustRing(t testing.TB, active Key, others ...Key) *Ring {
	t.Helper()
	r, err := NewRing(active, others...)
	if err != nil {
		t.Fatalf("NewRing: %v", err)
	}
	return r
}

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// typicalClaims is an AssumeRole session with a few tags and no policy.
func typicalClaims() *Claims {
	return &Claims{
		AccountID:       "123456789012",
		AccessKeyID:     "ASIAQWERTYUIOPASDFGH",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY",
		PrincipalType:   AssumedRole,
		PrincipalARN:    "arn:aws:sts::123456789012:assumed-role/deploy/ci-run-4711",
		PrincipalID:     "AROAQWERTYUIOPASDFGHJ:ci-run-4711",
		SourceARN:       "arn:aws:iam::123456789012:role/service/deploy",
		RoleName:        "deploy",
		RoleID:          "AROAQWERTYUIOPASDFGHJ",
		SessionName:     "ci-run-4711",
		IssuedAt:        testNow,
		Expiration:      testNow.Add(time.Hour),
		Tags:            []Tag{{"team", "platform"}, {"project", "stsd"}, {"env", "ci"}},
	}
}

// fullClaims sets every field (TestFullClaimsSetsEveryField checks that).
func fullClaims() *Claims {
	return &Claims{
		AccountID:         "123456789012",
		AccessKeyID:       "ASIAQWERTYUIOPASDFGH",
		SecretAccessKey:   "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY",
		PrincipalType:     AssumedRole,
		PrincipalARN:      "arn:aws:sts::123456789012:assumed-role/deploy/alice",
		PrincipalID:       "AROAQWERTYUIOPASDFGHJ:alice",
		SourceARN:         "arn:aws:iam::123456789012:role/service/deploy",
		RoleName:          "deploy",
		RoleID:            "AROAQWERTYUIOPASDFGHJ",
		UserName:          "alice",
		UserID:            "AIDAQWERTYUIOPASDFGHJ",
		SessionName:       "alice",
		IssuedAt:          testNow,
		Expiration:        testNow.Add(12 * time.Hour),
		MFAAuthenticated:  true,
		MFAAuthTime:       testNow.Add(-time.Minute),
		SourceIdentity:    "alice@example.com",
		FederatedProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
		Tags:              []Tag{{"team", "blue"}, {"empty", ""}, {"ünï", "cödé"}},
		TransitiveTagKeys: []string{"team", ""},
		SessionPolicy:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		PolicyARNs:        []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/p"},
		ChainDepth:        2,
	}
}

// maxRealisticClaims has a 2048-character session policy and 50 tags with
// 128-character keys and 256-character values, shaped like real long tags:
// hierarchical, per-tag numbers, descriptive segments that recur.
func maxRealisticClaims() *Claims {
	c := fullClaims()
	c.SessionPolicy = realisticPolicy(2048)
	c.Tags = nil
	for i := range 50 {
		key := fill(fmt.Sprintf("org:cost-allocation/department-%02d/project-", i), "component-name-", 128)
		value := fill(fmt.Sprintf("team-%02d@example.com/", i), fmt.Sprintf("service-%d/environment/production/", i%7), 256)
		c.Tags = append(c.Tags, Tag{key, value})
	}
	c.TransitiveTagKeys = []string{c.Tags[0].Key, c.Tags[1].Key}
	return c
}

// wordSaladClaims is maxRealisticClaims with every tag made of words drawn
// at random from a vocabulary of vocab tag-like words: much less
// compressible than real tags, much more than random text.
func wordSaladClaims(vocab int) *Claims {
	c := maxRealisticClaims()
	rng := mathrand.New(mathrand.NewPCG(1, 2))
	for i := range c.Tags {
		c.Tags[i] = Tag{wordText(rng, vocab, ":", 128), wordText(rng, vocab, "/", 256)}
	}
	return c
}

func fill(prefix, filler string, n int) string {
	b := []byte(prefix)
	for len(b) < n {
		b = append(b, filler...)
	}
	return string(b[:n])
}

var tagWords = strings.Fields(`team platform payments identity storage network billing finance
	marketing sales research analytics data lake warehouse pipeline ingest export backup archive
	production staging development sandbox test qa eu-west-1 us-east-1 ap-south-1 blue green red
	owner alice bob carol dave erin frank cost-center project environment application service
	component tier frontend backend database cache queue stream batch compliance pci hipaa gdpr
	confidential internal public restricted 2024 2025 2026 v1 v2 v3`)

// wordText joins words drawn from the first vocab tagWords with sep, up to
// exactly n characters.
func wordText(rng *mathrand.Rand, vocab int, sep string, n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(tagWords[rng.IntN(vocab)])
	}
	return b.String()[:n]
}

// randomTagClaims is maxRealisticClaims with random-looking tag keys and
// values: incompressible.
func randomTagClaims() *Claims {
	c := maxRealisticClaims()
	for i := range c.Tags {
		c.Tags[i] = Tag{randomText(128), randomText(256)}
	}
	return c
}

func realisticPolicy(n int) string {
	var b bytes.Buffer
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; b.Len() < n-200; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Sid":"Stmt%d","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket-%d/*"]}`, i, i)
	}
	b.WriteString(`]}`)
	for b.Len() < n {
		b.WriteByte(' ')
	}
	return b.String()
}

func randomText(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/=+-@"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// sealBody seals an arbitrary body (encoding byte and records) under the
// ring's active key, to test how Open treats bodies Seal never writes.
func sealBody(r *Ring, body []byte) string {
	var hdr [headerLen]byte
	hdr[0] = version1
	binary.BigEndian.PutUint32(hdr[1:aadLen], r.activeID)
	_, _ = rand.Read(hdr[aadLen:])
	out := r.active.Seal(append([]byte(nil), hdr[:]...), hdr[aadLen:], body, hdr[:aadLen])
	return b64.EncodeToString(out)
}
