package authmsg

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/dictflate"
	"github.com/stsd/stsd/internal/session"
)

// purpose is the label the message key is derived with from a ring key
// (session.Ring.PurposeKey): it separates messages from session tokens and
// from any later use of the ring. Changing it invalidates every message.
const purpose = "stsd authorization message AES-256-GCM v1"

// Lifetime is how long a message decodes after it was encoded. The key ring
// keeps a key for tokenkeys.MaxSessionLifetime (36 hours) after it retires,
// so a message sealed just before its key retired still finds the key for
// all of its life; after it, messages are refused as expired, which AWS
// documents as one cause of InvalidAuthorizationMessageException.
const Lifetime = 24 * time.Hour

// maxSkew is how far in the future a message's issue time may lie: the
// node that encoded it may run a clock slightly ahead of this one.
const maxSkew = 5 * time.Minute

// MaxEncodedLen is the longest message: the STS model's bound on
// DecodeAuthorizationMessage's EncodedMessage (encodedMessageType, max
// 10240). Encode refuses to produce longer ones and Decode refuses them
// before decoding.
const MaxEncodedLen = 10240

// Encoded format, version 1, in unpadded base64url (the alphabet of AWS's
// own messages, safe in URLs, headers and JSON):
//
//	version (1) ‖ key id (4) ‖ issue time, Unix seconds (8) ‖ nonce (12) ‖
//	AES-256-GCM(body) with the first 13 bytes as additional data
//
// body is bodyRaw ‖ JSON, or bodyDeflate ‖ uvarint JSON length ‖ DEFLATE
// stream. The leading version byte makes every message start with "A", so
// none starts with "-", which command-line parsers take for an option
// (aws-cli#2259, an AWS message that the CLI could not be given).
const (
	version1  = 1
	keyIDLen  = 4
	timeLen   = 8
	aadLen    = 1 + keyIDLen + timeLen
	nonceLen  = 12
	headerLen = aadLen + nonceLen
	tagLen    = 16

	bodyRaw     = 0
	bodyDeflate = 1

	// maxJSONLen bounds a message's JSON, before compression when
	// encoding and after decompression when decoding.
	maxJSONLen = 64 << 10
	// compressAbove is the JSON length above which Encode tries DEFLATE:
	// below it the stream's overhead outweighs its gain.
	compressAbove = 256
)

// minEncodedLen is the base64 length of a header, a tag and a body byte.
var minEncodedLen = b64.EncodedLen(headerLen + tagLen + 1)

var b64 = base64.RawURLEncoding.Strict()

// ErrInvalid matches (errors.Is) every refusal of Decode; the sts package
// answers it with InvalidAuthorizationMessageException.
var ErrInvalid = errors.New("authmsg: invalid authorization message")

// InvalidError is Decode's one refusal: the message is malformed, altered,
// sealed under a key this ring does not hold (another stsd, or a key long
// rotated out), expired, or too long. Reason says which, for logs and tests;
// it never holds key material or message content.
type InvalidError struct {
	Reason string
}

func (e *InvalidError) Error() string { return ErrInvalid.Error() + ": " + e.Reason }

// Is makes every InvalidError match ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// ErrTooLarge matches (errors.Is) Encode's refusal of a message whose
// encoding would exceed MaxEncodedLen.
var ErrTooLarge = errors.New("authmsg: authorization message too large")

// TooLargeError reports a message whose encoding would be Len characters,
// or whose JSON alone exceeds the bound, when at most MaxEncodedLen are
// allowed. Callers may drop statements or condition keys and encode again.
type TooLargeError struct {
	Len int
}

func (e *TooLargeError) Error() string {
	return "authmsg: encoded authorization message would be " + strconv.Itoa(e.Len) +
		" characters, more than the limit of " + strconv.Itoa(MaxEncodedLen)
}

// Is makes the error match ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// Codec encodes and decodes messages under the current key ring. It is
// safe for concurrent use.
type Codec struct {
	ring   func() *session.Ring
	reload func(context.Context) bool
	// keys caches the message AEADs of the current ring's keys; a new ring
	// (after a rotation) replaces the cache on first use.
	keys  atomic.Pointer[ringKeys]
	flate *dictflate.Codec
}

// ringKeys are the message AEADs derived from one ring, by key id.
type ringKeys struct {
	ring  *session.Ring
	aeads map[uint32]cipher.AEAD
}

// New returns a codec over the key ring ring returns (tokenkeys.Manager's
// Ring). reload, when not nil, is called when a message names a key the
// ring lacks, and reports whether it reloaded the ring from the store
// (tokenkeys.Manager's ReloadForUnknownKey): another node sharing the store
// may have rotated to a key this one has not loaded yet.
func New(ring func() *session.Ring, reload func(context.Context) bool) *Codec {
	return &Codec{ring: ring, reload: reload, flate: dictflate.New(dictionary, maxJSONLen)}
}

// Encode seals m under the ring's active key with now as its issue time.
// A message whose encoding would exceed MaxEncodedLen is a *TooLargeError.
func (c *Codec) Encode(m *Message, now time.Time) (string, error) {
	doc, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	if len(doc) > maxJSONLen {
		return "", &TooLargeError{Len: b64.EncodedLen(headerLen + len(doc) + tagLen)}
	}
	body := append(make([]byte, 0, 1+len(doc)), bodyRaw)
	body = append(body, doc...)
	if len(doc) > compressAbove {
		if z := c.flate.Compress(bodyDeflate, doc); len(z) < len(body) {
			body = z
		}
	}
	if n := b64.EncodedLen(headerLen + len(body) + tagLen); n > MaxEncodedLen {
		return "", &TooLargeError{Len: n}
	}
	ring := c.ring()
	if ring == nil {
		return "", errors.New("authmsg: no key ring")
	}
	id := ring.ActiveKeyID()
	aead, err := c.aead(ring, id)
	if err != nil {
		return "", fmt.Errorf("authmsg: active key: %w", err)
	}
	sealed := make([]byte, headerLen, headerLen+len(body)+tagLen)
	sealed[0] = version1
	binary.BigEndian.PutUint32(sealed[1:], id)
	binary.BigEndian.PutUint64(sealed[1+keyIDLen:], uint64(now.Unix()))
	_, _ = rand.Read(sealed[aadLen:headerLen]) // never fails: crypto/rand aborts the process instead
	sealed = aead.Seal(sealed, sealed[aadLen:headerLen], body, sealed[:aadLen])
	return b64.EncodeToString(sealed), nil
}

// Decode authenticates and decrypts s and returns the message's JSON text,
// as DecodeAuthorizationMessage answers it. Every error is an
// *InvalidError (matching ErrInvalid); a ring reload that fails leaves the
// message's key unknown.
func (c *Codec) Decode(ctx context.Context, s string, now time.Time) (string, error) {
	if len(s) > MaxEncodedLen {
		return "", &InvalidError{"longer than " + strconv.Itoa(MaxEncodedLen) + " characters"}
	}
	if len(s) < minEncodedLen {
		return "", &InvalidError{"too short"}
	}
	raw, err := b64.DecodeString(s)
	// The decoder skips CR and LF; a message holding any is longer than
	// the encoding of what it decodes to, and is refused, so exactly one
	// string encodes each message.
	if err != nil || b64.EncodedLen(len(raw)) != len(s) {
		return "", &InvalidError{"not unpadded base64url"}
	}
	if raw[0] != version1 {
		return "", &InvalidError{"unknown version"}
	}
	id := binary.BigEndian.Uint32(raw[1:])
	aead, err := c.aead(c.ring(), id)
	if errors.Is(err, session.ErrUnknownKey) && c.reload != nil && c.reload(ctx) {
		aead, err = c.aead(c.ring(), id)
	}
	if err != nil {
		return "", &InvalidError{"unknown key"}
	}
	body, err := aead.Open(raw[headerLen:headerLen], raw[aadLen:headerLen], raw[headerLen:], raw[:aadLen])
	if err != nil {
		return "", &InvalidError{"authentication failed"}
	}
	// The issue time is authenticated: only now is it worth reading.
	issued := time.Unix(int64(binary.BigEndian.Uint64(raw[1+keyIDLen:])), 0)
	switch {
	case now.Sub(issued) > Lifetime:
		return "", &InvalidError{"expired"}
	case issued.Sub(now) > maxSkew:
		return "", &InvalidError{"issued in the future"}
	}
	switch body[0] {
	case bodyRaw:
		if len(body)-1 > maxJSONLen {
			return "", &InvalidError{"body too long"}
		}
		return string(body[1:]), nil
	case bodyDeflate:
		doc, err := c.flate.Decompress(body[1:])
		if err != nil {
			return "", &InvalidError{"bad compressed body"}
		}
		return string(doc), nil
	}
	return "", &InvalidError{"unknown body encoding"}
}

// aead returns the message AEAD of ring's key id, deriving it on first use
// with this ring. The cache holds only ids the ring knows, so garbage key
// ids cannot grow it.
func (c *Codec) aead(ring *session.Ring, id uint32) (cipher.AEAD, error) {
	cur := c.keys.Load()
	if cur != nil && cur.ring == ring {
		if a := cur.aeads[id]; a != nil {
			return a, nil
		}
	}
	key, err := ring.PurposeKey(id, purpose)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	clear(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	next := &ringKeys{ring: ring, aeads: map[uint32]cipher.AEAD{id: aead}}
	if cur != nil && cur.ring == ring {
		for k, v := range cur.aeads {
			next.aeads[k] = v
		}
	}
	// A lost race only costs the loser's derivation next time.
	c.keys.CompareAndSwap(cur, next)
	return aead, nil
}
