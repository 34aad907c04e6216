package session

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFullClaimsSetsEveryField(t *testing.T) {
	v := reflect.ValueOf(*fullClaims())
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("fullClaims leaves %s zero; the round-trip test would not cover it", v.Type().Field(i).Name)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	r := mustRing(t, testKey(7))
	federated := typicalClaims()
	federated.PrincipalType = FederatedUser
	root := typicalClaims()
	root.PrincipalType = RootSession
	user := typicalClaims()
	user.PrincipalType = IAMUserSession
	minimal := &Claims{AccountID: "1", AccessKeyID: "A", SecretAccessKey: "s", PrincipalType: RootSession,
		PrincipalARN: "arn", Expiration: time.Unix(1, 0).UTC()}
	tests := []struct {
		name           string
		c              *Claims
		wantCompressed bool
	}{
		{"full", fullClaims(), true},
		{"typical", typicalClaims(), false},
		{"federated", federated, false},
		{"root", root, false},
		{"user", user, false},
		{"minimal", minimal, false},
		{"max realistic", maxRealisticClaims(), true},
		{"pre-1970 time", func() *Claims { c := typicalClaims(); c.MFAAuthTime = time.Unix(-86400, 0).UTC(); return c }(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := r.Seal(tt.c)
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			got, err := r.Open(token)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !reflect.DeepEqual(got, tt.c) {
				t.Errorf("round trip:\n got %#v\nwant %#v", *got, *tt.c)
			}
			if string(got.SecretAccessKey) != string(tt.c.SecretAccessKey) {
				t.Errorf("secret not round-tripped")
			}
			raw, _ := b64.DecodeString(token)
			body, err := r.active.Open(nil, raw[aadLen:headerLen], raw[headerLen:], raw[:aadLen])
			if err != nil {
				t.Fatal(err)
			}
			if compressed := body[0] == bodyDeflate; compressed != tt.wantCompressed {
				t.Errorf("compressed = %v, want %v", compressed, tt.wantCompressed)
			}
		})
	}
}

func TestTimesKeepSeconds(t *testing.T) {
	r := mustRing(t, testKey(1))
	c := typicalClaims()
	c.IssuedAt = time.Date(2026, 1, 2, 3, 4, 5, 999_999_999, time.FixedZone("x", 3600))
	token, err := r.Seal(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Open(token)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC); !got.IssuedAt.Equal(want) || got.IssuedAt.Location() != time.UTC {
		t.Errorf("IssuedAt = %v, want %v", got.IssuedAt, want)
	}
}

func TestRotation(t *testing.T) {
	k1, k2, k3 := testKey(1), testKey(2), testKey(3)
	old := mustRing(t, k1)
	token, err := old.Seal(typicalClaims())
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustRing(t, k2, k1)
	if _, err := rotated.Open(token); err != nil {
		t.Errorf("token of a rotated-out key still in the ring: %v", err)
	}
	newToken, err := rotated.Seal(typicalClaims())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Open(newToken); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old ring opening a new-key token: %v, want ErrUnknownKey", err)
	}
	retired := mustRing(t, k3, k2)
	if _, err := retired.Open(token); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("token of a key no longer in the ring: %v, want ErrUnknownKey", err)
	}
	if _, err := retired.Open(newToken); err != nil {
		t.Errorf("token of a key still in the ring: %v", err)
	}
	// Same id, different secret: the key id matches but the token does not
	// authenticate.
	impostor := mustRing(t, Key{ID: 1, Secret: testKey(9).Secret})
	if _, err := impostor.Open(token); !errors.Is(err, ErrAuthFailed) {
		t.Errorf("same key id, other secret: %v, want ErrAuthFailed", err)
	}
}

func TestZeroRing(t *testing.T) {
	var zero Ring
	var nilRing *Ring
	for _, r := range []*Ring{&zero, nilRing} {
		if _, err := r.Seal(typicalClaims()); !errors.Is(err, ErrBadKey) {
			t.Errorf("Seal on an unbuilt ring: %v", err)
		}
		token, _ := mustRing(t, testKey(1)).Seal(typicalClaims())
		if _, err := r.Open(token); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("Open on an unbuilt ring: %v", err)
		}
	}
}

func TestNewRing(t *testing.T) {
	tests := []struct {
		name   string
		active Key
		others []Key
		ok     bool
	}{
		{"one key", testKey(1), nil, true},
		{"several", testKey(1), []Key{testKey(2), testKey(0)}, true},
		{"short secret", Key{ID: 1, Secret: make([]byte, 16)}, nil, false},
		{"nil secret", Key{ID: 1}, nil, false},
		{"short other", testKey(1), []Key{{ID: 2, Secret: make([]byte, 31)}}, false},
		{"duplicate id", testKey(1), []Key{testKey(2), testKey(1)}, false},
	}
	for _, tt := range tests {
		r, err := NewRing(tt.active, tt.others...)
		if (err == nil) != tt.ok {
			t.Errorf("%s: NewRing error = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadKey) {
			t.Errorf("%s: error %v does not match ErrBadKey", tt.name, err)
		}
		if err == nil && r.ActiveKeyID() != tt.active.ID {
			t.Errorf("%s: ActiveKeyID = %d", tt.name, r.ActiveKeyID())
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	r := mustRing(t, testKey(1))
	good, err := r.Seal(typicalClaims())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := b64.DecodeString(good)
	withByte := func(i int, b byte) string {
		cp := append([]byte(nil), raw...)
		cp[i] = b
		return b64.EncodeToString(cp)
	}
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", ErrMalformed},
		{"too long", strings.Repeat("A", MaxTokenLen+1), ErrTokenTooLong},
		{"too long garbage", strings.Repeat("!", MaxTokenLen+4), ErrTokenTooLong},
		{"not base64", strings.Repeat("!", 100), ErrMalformed},
		{"url-safe alphabet", strings.NewReplacer("+", "-", "/", "_").Replace(good) + strings.Repeat("-_", 3), ErrMalformed},
		{"unpadded", strings.TrimRight(good, "="), ErrMalformed},
		{"newline inside", good[:40] + "\n" + good[40:], ErrMalformed},
		{"trailing newline", good + "\r\n", ErrMalformed},
		{"shortest", b64.EncodeToString(raw[:headerLen+tagLen]), ErrMalformed},
		{"version 0", withByte(0, 0), ErrUnsupportedVersion},
		{"version 2", withByte(0, 2), ErrUnsupportedVersion},
		{"unknown key", withByte(4, 99), ErrUnknownKey},
		{"flipped tag", withByte(len(raw)-1, raw[len(raw)-1]^1), ErrAuthFailed},
		{"flipped nonce", withByte(6, raw[6]^0x80), ErrAuthFailed},
		{"appended byte", b64.EncodeToString(append(append([]byte(nil), raw...), 0)), ErrAuthFailed},
	}
	for _, tt := range tests {
		c, err := r.Open(tt.token)
		if !errors.Is(err, tt.want) || !errors.Is(err, ErrInvalidToken) || c != nil {
			t.Errorf("%s: Open = %v, %v; want %v (and ErrInvalidToken)", tt.name, c, err, tt.want)
		}
	}
}

func TestTruncated(t *testing.T) {
	r := mustRing(t, testKey(1))
	for _, c := range []*Claims{typicalClaims(), maxRealisticClaims()} {
		token, err := r.Seal(c)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := b64.DecodeString(token)
		for n := range len(raw) {
			if _, err := r.Open(b64.EncodeToString(raw[:n])); !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("token truncated to %d of %d bytes: %v", n, len(raw), err)
			}
		}
		for n := range len(token) {
			if _, err := r.Open(token[:n]); !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("token truncated to %d of %d characters: %v", n, len(token), err)
			}
		}
	}
}

// TestEveryFlipFails flips each bit of the binary token and replaces each
// character of the text token; no variant may open.
func TestEveryFlipFails(t *testing.T) {
	r := mustRing(t, testKey(1), testKey(0), testKey(3), testKey(5))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	for _, c := range []*Claims{typicalClaims(), maxRealisticClaims()} {
		token, err := r.Seal(c)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := b64.DecodeString(token)
		for i := range raw {
			for bit := range 8 {
				cp := append([]byte(nil), raw...)
				cp[i] ^= 1 << bit
				if _, err := r.Open(b64.EncodeToString(cp)); !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("byte %d bit %d flipped: Open error = %v", i, bit, err)
				}
			}
		}
		for i := range len(token) {
			for _, ch := range []byte(alphabet) {
				if ch == token[i] {
					continue
				}
				bad := token[:i] + string(ch) + token[i+1:]
				if _, err := r.Open(bad); !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("character %d replaced by %q: Open error = %v", i, ch, err)
				}
			}
		}
	}
}

func TestOpenFor(t *testing.T) {
	r := mustRing(t, testKey(1))
	c := typicalClaims()
	token, err := r.Seal(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.OpenFor(token, c.AccessKeyID); err != nil {
		t.Errorf("OpenFor with the bound key id: %v", err)
	}
	for _, other := range []string{"ASIAQWERTYUIOPASDFGX", "", strings.ToLower(c.AccessKeyID)} {
		if _, err := r.OpenFor(token, other); !errors.Is(err, ErrAccessKeyMismatch) || !errors.Is(err, ErrInvalidToken) {
			t.Errorf("OpenFor(%q): %v, want ErrAccessKeyMismatch", other, err)
		}
	}
	if _, err := r.OpenFor("garbage", c.AccessKeyID); !errors.Is(err, ErrMalformed) {
		t.Errorf("OpenFor of garbage: %v", err)
	}
}

func TestSealRefuses(t *testing.T) {
	r := mustRing(t, testKey(1))
	mutate := func(f func(*Claims)) *Claims { c := typicalClaims(); f(c); return c }
	tests := []struct {
		name string
		c    *Claims
		want error
	}{
		{"no type", mutate(func(c *Claims) { c.PrincipalType = 0 }), ErrInvalidClaims},
		{"bad type", mutate(func(c *Claims) { c.PrincipalType = 9 }), ErrInvalidClaims},
		{"no account", mutate(func(c *Claims) { c.AccountID = "" }), ErrInvalidClaims},
		{"no key id", mutate(func(c *Claims) { c.AccessKeyID = "" }), ErrInvalidClaims},
		{"no secret", mutate(func(c *Claims) { c.SecretAccessKey = "" }), ErrInvalidClaims},
		{"no arn", mutate(func(c *Claims) { c.PrincipalARN = "" }), ErrInvalidClaims},
		{"no expiration", mutate(func(c *Claims) { c.Expiration = time.Time{} }), ErrInvalidClaims},
		{"negative chain", mutate(func(c *Claims) { c.ChainDepth = -1 }), ErrInvalidClaims},
		{"random tags", randomTagClaims(), ErrClaimsTooLarge},
		{"huge policy", mutate(func(c *Claims) { c.SessionPolicy = randomText(5000) }), ErrClaimsTooLarge},
		{"nil claims", nil, ErrInvalidClaims},
		{"beyond body limit", mutate(func(c *Claims) { c.SessionPolicy = strings.Repeat("a", maxBodyLen) }), ErrClaimsTooLarge},
	}
	for _, tt := range tests {
		token, err := r.Seal(tt.c)
		if !errors.Is(err, tt.want) || token != "" {
			t.Errorf("%s: Seal = %q, %v; want %v", tt.name, token, err, tt.want)
		}
		var tl *TooLargeError
		if errors.As(err, &tl) && (tl.Len <= tl.Max || tl.Max != MaxSealedLen) {
			t.Errorf("%s: TooLargeError %+v", tt.name, tl)
		}
	}
}

// TestSize checks the size bound: with the largest session policy STS
// accepts (sessionPolicyDocumentType max 2048) and the most session tags
// (tagListType max 50, tagKeyType max 128, tagValueType max 256, all from
// aws-models/sts.json), worded like real tags, the token stays under 4 KiB.
func TestSize(t *testing.T) {
	r := mustRing(t, testKey(1))
	sizes := map[string]*Claims{
		"typical":       typicalClaims(),
		"full":          fullClaims(),
		"max realistic": maxRealisticClaims(),
	}
	for name, c := range sizes {
		token, err := r.Seal(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: token is %d characters", name, len(token))
		if len(token) >= 4096 {
			t.Errorf("%s: token is %d characters, want < 4096", name, len(token))
		}
	}
	// Less compressible tags: measured and reported. Seal must either keep
	// them under the limit or refuse them with a *TooLargeError (the
	// PackedPolicyTooLarge case), never produce an oversize token.
	others := map[string]*Claims{
		"word salad, 8 words":   wordSaladClaims(8),
		"word salad, 100 words": wordSaladClaims(len(tagWords)),
		"random-looking":        randomTagClaims(),
	}
	for name, c := range others {
		token, err := r.Seal(c)
		var tl *TooLargeError
		switch {
		case err == nil && len(token) <= MaxSealedLen:
			t.Logf("%s: token is %d characters", name, len(token))
		case errors.As(err, &tl):
			t.Logf("%s: token would be %d characters (limit %d), refused", name, tl.Len, tl.Max)
		default:
			t.Errorf("%s: Seal = %d characters, %v", name, len(token), err)
		}
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	c := fullClaims()
	secret := string(c.SecretAccessKey)
	outputs := []string{
		c.String(),
		sprintf("%v", c), sprintf("%+v", c), sprintf("%#v", c),
		sprintf("%v", *c), sprintf("%+v", *c), sprintf("%#v", *c),
		sprintf("%s", c.SecretAccessKey), sprintf("%q", c.SecretAccessKey), sprintf("%x", c.SecretAccessKey),
		sprintf("%v", []any{c.SecretAccessKey}),
		logLine(c), logLine(*c), logLine(c.SecretAccessKey),
	}
	for _, err := range []error{ErrMalformed, ErrInvalidClaims, &TooLargeError{5000, 4096}} {
		outputs = append(outputs, err.Error())
	}
	for i, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, "wJalr") {
			t.Errorf("output %d leaks the secret: %s", i, out)
		}
	}
	if !strings.Contains(c.String(), c.PrincipalARN) {
		t.Errorf("String() lacks the principal: %s", c.String())
	}
}

func TestExpired(t *testing.T) {
	c := typicalClaims()
	tests := []struct {
		now  time.Time
		want bool
	}{
		{c.IssuedAt, false},
		{c.Expiration.Add(-time.Nanosecond), false},
		{c.Expiration, true},
		{c.Expiration.Add(time.Second), true},
	}
	for _, tt := range tests {
		if got := c.Expired(tt.now); got != tt.want {
			t.Errorf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
	if !(&Claims{}).Expired(testNow) {
		t.Error("claims without expiration must count as expired")
	}
}

func TestPrincipalType(t *testing.T) {
	for p, want := range map[PrincipalType]string{
		AssumedRole: "AssumedRole", FederatedUser: "FederatedUser", IAMUserSession: "IAMUserSession",
		RootSession: "RootSession", 0: "PrincipalType(0)", 5: "PrincipalType(5)",
	} {
		if p.String() != want {
			t.Errorf("%d.String() = %q, want %q", p, p.String(), want)
		}
		if p.Valid() != !strings.HasPrefix(want, "PrincipalType(") {
			t.Errorf("%d.Valid() = %v", p, p.Valid())
		}
	}
	c := typicalClaims()
	if c.RoleChained() {
		t.Error("depth 0 is not chained")
	}
	c.ChainDepth = 1
	if !c.RoleChained() {
		t.Error("depth 1 is chained")
	}
}
