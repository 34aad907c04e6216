package authmsg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/session"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func key(id uint32, fill byte) session.Key {
	return session.Key{ID: id, Secret: bytes.Repeat([]byte{fill}, session.KeySize)}
}

func ring(t testing.TB, active session.Key, others ...session.Key) *session.Ring {
	t.Helper()
	r, err := session.NewRing(active, others...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// codec returns a codec over a fixed ring.
func codec(r *session.Ring) *Codec {
	return New(func() *session.Ring { return r }, nil)
}

// typical is a denied s3:GetObject by a role session, one identity
// statement and a handful of request keys.
func typical() Decision {
	return Decision{
		ExplicitDeny: true,
		Statements: []MatchedStatement{{
			SourcePolicy: "arn:aws:iam::111122223333:policy/DenyProduction",
			Index:        1,
			Sid:          "DenyProd",
			Effect:       "Deny",
			Principals:   []string{"AROA123456789EXAMPLE"},
			Actions:      []string{"s3:*"},
			Resources:    []string{"arn:aws:s3:::prod-*"},
		}},
		PrincipalID:  "AROA123456789EXAMPLE:Ana",
		PrincipalARN: "arn:aws:sts::111122223333:assumed-role/Developer/Ana",
		Action:       "s3:GetObject",
		Resource:     "arn:aws:s3:::prod-data/report.csv",
		Conditions: map[string][]string{
			"aws:SourceIp":            {"192.0.2.10"},
			"aws:SecureTransport":     {"true"},
			"aws:PrincipalTag/team":   {"blue"},
			"aws:RequestedRegion":     {"us-east-1"},
			"aws:CalledVia":           {"cloudformation.amazonaws.com", "s3.amazonaws.com"},
			"aws:PrincipalAccount":    {"111122223333"},
			"aws:PrincipalArn":        {"arn:aws:iam::111122223333:role/Developer"},
			"aws:userid":              {"AROA123456789EXAMPLE:Ana"},
			"s3:ExistingObjectTag/cl": {"secret"},
		},
	}
}

// mustDecode fails the test unless s decodes.
func mustDecode(t *testing.T, c *Codec, s string, now time.Time) string {
	t.Helper()
	doc, err := c.Decode(context.Background(), s, now)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return doc
}

// wantInvalid fails the test unless err is an *InvalidError with reason.
func wantInvalid(t *testing.T, err error, reason string) {
	t.Helper()
	var ie *InvalidError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want an InvalidError", err)
	}
	if reason != "" && ie.Reason != reason {
		t.Fatalf("reason = %q, want %q", ie.Reason, reason)
	}
}

// TestJSONShape pins the decoded text to AWS's shape: every list wrapped in
// {"items": […]}, empty ones included, and the effect upper case (the CLI
// example of decode-authorization-message in the AWS CLI reference:
// "effect":"DENY", "principalGroups":{"items":[]}, "failures":{"items":[]}).
func TestJSONShape(t *testing.T) {
	c := codec(ring(t, key(1, 1)))
	d := Decision{
		Statements:  []MatchedStatement{{SourcePolicy: "inline", Index: 0, Sid: "S", Effect: "deny", Actions: []string{"sts:AssumeRole"}, Resources: []string{"*"}}},
		PrincipalID: "AIDAEXAMPLE", PrincipalARN: "arn:aws:iam::111122223333:user/bob",
		Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/R",
		Conditions: map[string][]string{"b": {"2", "3"}, "a": {"1"}},
	}
	s, err := c.Encode(Build(d), t0)
	if err != nil {
		t.Fatal(err)
	}
	got := mustDecode(t, c, s, t0)
	want := `{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[{"statementId":"S","effect":"DENY",` +
		`"principals":{"items":[]},"principalGroups":{"items":[]},"actions":{"items":[{"value":"sts:AssumeRole"}]},` +
		`"resources":{"items":[{"value":"*"}]},"conditions":{"items":[]},"sourcePolicy":"inline","statementIndex":0}]},` +
		`"failures":{"items":[]},"context":{"principal":{"id":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/bob"},` +
		`"action":"sts:AssumeRole","resource":"arn:aws:iam::111122223333:role/R","conditions":{"items":[` +
		`{"key":"a","values":{"items":[{"value":"1"}]}},{"key":"b","values":{"items":[{"value":"2"},{"value":"3"}]}}]}}}`
	if got != want {
		t.Fatalf("decoded\n got %s\nwant %s", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	c := codec(ring(t, key(1, 1)))
	many := typical()
	for i := range 40 {
		many.Statements = append(many.Statements, MatchedStatement{SourcePolicy: "p" + strconv.Itoa(i), Index: i, Effect: "Allow",
			Actions: []string{"s3:GetObject", "s3:PutObject"}, Resources: []string{"arn:aws:s3:::bucket-" + strconv.Itoa(i) + "/*"}})
	}
	tests := []struct {
		name       string
		m          *Message
		compressed bool
	}{
		{"empty", &Message{}, false},
		{"typical", Build(typical()), true},
		{"forty statements", Build(many), true},
		{"unicode and escapes", Build(Decision{Allowed: true, Action: "x:Y", Resource: "arn:aws:s3:::é/\"<>&\u2028"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := c.Encode(tt.m, t0)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(tt.m)
			if got := mustDecode(t, c, s, t0); got != string(want) {
				t.Fatalf("decoded\n got %s\nwant %s", got, want)
			}
			// Unpadded base64url; a leading "A" (version 1), never a "-"
			// that a command line would read as an option.
			if s[0] != 'A' || strings.ContainsAny(s, "+/=\n") {
				t.Errorf("encoding %q is not version-1 unpadded base64url", s[:10])
			}
			if plain := b64.EncodedLen(headerLen + 1 + len(want) + tagLen); (len(s) < plain) != tt.compressed {
				t.Errorf("encoded %d characters, %d uncompressed; want compressed = %v", len(s), plain, tt.compressed)
			}
			// Sealing is randomized: the same message twice gives two
			// strings.
			if again, _ := c.Encode(tt.m, t0); again == s {
				t.Errorf("two encodings are equal")
			}
		})
	}
}

// TestTamper flips every bit of every byte: version, key id, issue time,
// nonce, ciphertext and tag alike must be refused.
func TestTamper(t *testing.T) {
	c := codec(ring(t, key(1, 1), key(2, 2)))
	for _, m := range []*Message{Build(Decision{Action: "a:B"}), Build(typical())} {
		s, err := c.Encode(m, t0)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := b64.DecodeString(s)
		regions := []struct {
			name     string
			from, to int
		}{
			{"version", 0, 1}, {"key id", 1, 1 + keyIDLen}, {"issue time", 1 + keyIDLen, aadLen},
			{"nonce", aadLen, headerLen}, {"ciphertext", headerLen, len(raw) - tagLen}, {"tag", len(raw) - tagLen, len(raw)},
		}
		for _, r := range regions {
			for i := r.from; i < r.to; i++ {
				for bit := range 8 {
					bad := bytes.Clone(raw)
					bad[i] ^= 1 << bit
					_, err := c.Decode(context.Background(), b64.EncodeToString(bad), t0)
					if !errors.Is(err, ErrInvalid) {
						t.Fatalf("%s byte %d bit %d flipped: err = %v, want invalid", r.name, i, bit, err)
					}
				}
			}
		}
		// Truncations and extensions are refused too.
		for _, bad := range [][]byte{raw[:len(raw)-1], raw[:headerLen+tagLen], append(bytes.Clone(raw), 0)} {
			if _, err := c.Decode(context.Background(), b64.EncodeToString(bad), t0); !errors.Is(err, ErrInvalid) {
				t.Fatalf("%d of %d bytes: err = %v, want invalid", len(bad), len(raw), err)
			}
		}
	}
}

func TestKeys(t *testing.T) {
	a, b := key(1, 1), key(2, 2)
	s, err := codec(ring(t, a, b)).Encode(Build(typical()), t0)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := b64.DecodeString(s)
	withID := func(id uint32) string {
		bad := bytes.Clone(raw)
		binary.BigEndian.PutUint32(bad[1:], id)
		return b64.EncodeToString(bad)
	}
	tests := []struct {
		name   string
		ring   *session.Ring
		msg    string
		reason string
	}{
		{"rotated out of active, still held", ring(t, b, a), s, ""},
		{"another key the ring holds", ring(t, a, b), withID(2), "authentication failed"},
		{"a key id the ring lacks", ring(t, a, b), withID(3), "unknown key"},
		{"key retired past retention", ring(t, b), s, "unknown key"},
		// Another stsd: its own ring, whose key happens to share the id.
		{"foreign ring, same key id", ring(t, key(1, 9)), s, "authentication failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codec(tt.ring).Decode(context.Background(), tt.msg, t0)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			wantInvalid(t, err, tt.reason)
		})
	}
}

// TestReloadOnUnknownKey: a message sealed by another node under a key it
// just rotated to decodes once the ring is reloaded from the store.
func TestReloadOnUnknownKey(t *testing.T) {
	a, b := key(1, 1), key(2, 2)
	s, _ := codec(ring(t, b, a)).Encode(Build(typical()), t0)
	cur := ring(t, a)
	reloads := 0
	c := New(func() *session.Ring { return cur }, func(context.Context) bool {
		reloads++
		cur = ring(t, b, a)
		return true
	})
	mustDecode(t, c, s, t0)
	if reloads != 1 {
		t.Fatalf("%d reloads, want 1", reloads)
	}
	// A reload that finds nothing new leaves the message refused.
	c = New(func() *session.Ring { return ring(t, a) }, func(context.Context) bool { return false })
	_, err := c.Decode(context.Background(), s, t0)
	wantInvalid(t, err, "unknown key")
}

// TestDomainSeparation: a session token sealed under the same ring is no
// message, and a message is no session token.
func TestDomainSeparation(t *testing.T) {
	r := ring(t, key(1, 1))
	token, err := r.Seal(&session.Claims{AccountID: "111122223333", AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s",
		PrincipalType: session.RootSession, PrincipalARN: "arn:aws:iam::111122223333:root", Expiration: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// Re-spelled in the message alphabet, so only the keys differ.
	raw, _ := base64.StdEncoding.DecodeString(token)
	_, err = codec(r).Decode(context.Background(), b64.EncodeToString(raw), t0)
	wantInvalid(t, err, "")
	msg, _ := codec(r).Encode(Build(typical()), t0)
	raw, _ = b64.DecodeString(msg)
	if _, err := r.Open(base64.StdEncoding.EncodeToString(raw)); !errors.Is(err, session.ErrInvalidToken) {
		t.Fatalf("message opened as a session token: %v", err)
	}
}

func TestExpiry(t *testing.T) {
	c := codec(ring(t, key(1, 1)))
	s, _ := c.Encode(Build(typical()), t0)
	for _, tt := range []struct {
		name   string
		now    time.Time
		reason string
	}{
		{"just issued", t0, ""},
		{"at the end of its life", t0.Add(Lifetime), ""},
		{"a second later", t0.Add(Lifetime + time.Second), "expired"},
		{"issued by a node a little ahead", t0.Add(-maxSkew), ""},
		{"issued in the future", t0.Add(-maxSkew - time.Second), "issued in the future"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Decode(context.Background(), s, tt.now)
			if tt.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantInvalid(t, err, tt.reason)
		})
	}
}

// TestLifetimeWithinKeyRetention: a message must expire before the key it
// was sealed with can leave the ring (retired keys stay 36 hours).
func TestLifetimeWithinKeyRetention(t *testing.T) {
	if Lifetime > 36*time.Hour {
		t.Fatalf("Lifetime %v outlives the 36 h retention of retired keys", Lifetime)
	}
}

func TestGarbage(t *testing.T) {
	c := codec(ring(t, key(1, 1)))
	good, _ := c.Encode(Build(typical()), t0)
	for _, tt := range []struct{ name, s, reason string }{
		{"empty", "", "too short"},
		{"short", "AAAA", "too short"},
		{"not base64", strings.Repeat("!", 80), "not unpadded base64url"},
		{"padded", good + "==", "not unpadded base64url"},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(good) + "+/", "not unpadded base64url"},
		{"line break", good[:40] + "\n" + good[40:], "not unpadded base64url"},
		{"version 0", strings.Repeat("A", 80), "unknown version"},
		{"too long", strings.Repeat("A", MaxEncodedLen+1), "longer than 10240 characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Decode(context.Background(), tt.s, t0)
			wantInvalid(t, err, tt.reason)
		})
	}
}

func TestSizeBound(t *testing.T) {
	c := codec(ring(t, key(1, 1)))
	// Hashes do not compress: enough of them overflow.
	d := typical()
	for i := range 300 {
		h := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
		d.Conditions["k"+strconv.Itoa(i)] = []string{hex.EncodeToString(h[:])}
	}
	_, err := c.Encode(Build(d), t0)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) || tl.Len <= MaxEncodedLen {
		t.Fatalf("err = %v, want a TooLargeError over %d", err, MaxEncodedLen)
	}
	// JSON past the decompression bound is refused before compressing.
	huge := Build(Decision{Resource: strings.Repeat("a", maxJSONLen)})
	if _, err := c.Encode(huge, t0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	// Repetitive text compresses: far more JSON than fits raw still does.
	d = typical()
	for i := range 150 {
		d.Statements = append(d.Statements, MatchedStatement{SourcePolicy: "AllowReadOnly", Index: i % 3, Effect: "Allow",
			Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::bucket/*"}})
	}
	s, err := c.Encode(Build(d), t0)
	if err != nil {
		t.Fatalf("compressible message: %v", err)
	}
	if doc := mustDecode(t, c, s, t0); len(doc) <= MaxEncodedLen {
		t.Fatalf("test message has only %d bytes of JSON", len(doc))
	}
}
