package session

import (
	"encoding/binary"
	"time"
)

// The claims are encoded as a sequence of records: a one-byte field number,
// a uvarint length, then that many bytes. Strings are their bytes, integers
// a (u)varint filling the record, times a varint of Unix seconds. Absent or
// zero fields are left out. Repeated fields (tags, transitive tag keys,
// policy ARNs) are one record per element, in order.
//
// Field numbers below 64 are critical: a decoder that does not know one
// refuses the token, so a field that narrows permissions can never be
// ignored by an older node. Numbers from 64 up are informational and
// skipped when unknown, so they can be added without a version bump.
const (
	fAccountID         = 1
	fAccessKeyID       = 2
	fSecretAccessKey   = 3
	fPrincipalType     = 4
	fPrincipalARN      = 5
	fPrincipalID       = 6
	fSourceARN         = 7
	fRoleName          = 8
	fRoleID            = 9
	fUserName          = 10
	fUserID            = 11
	fSessionName       = 12
	fIssuedAt          = 13
	fExpiration        = 14
	fMFAAuthenticated  = 15
	fMFAAuthTime       = 16
	fSourceIdentity    = 17
	fTag               = 18 // repeated: uvarint key length, key, value
	fTransitiveTagKey  = 19 // repeated
	fSessionPolicy     = 20
	fPolicyARN         = 21 // repeated
	fChainDepth        = 22
	fFederatedProvider = 23

	firstIgnorable = 64
)

// appendClaims appends the encoding of c to b.
func appendClaims(b []byte, c *Claims) []byte {
	b = appendString(b, fAccountID, c.AccountID)
	b = appendString(b, fAccessKeyID, c.AccessKeyID)
	b = appendString(b, fSecretAccessKey, string(c.SecretAccessKey))
	b = appendUint(b, fPrincipalType, uint64(c.PrincipalType))
	b = appendString(b, fPrincipalARN, c.PrincipalARN)
	b = appendString(b, fPrincipalID, c.PrincipalID)
	b = appendString(b, fSourceARN, c.SourceARN)
	b = appendString(b, fRoleName, c.RoleName)
	b = appendString(b, fRoleID, c.RoleID)
	b = appendString(b, fUserName, c.UserName)
	b = appendString(b, fUserID, c.UserID)
	b = appendString(b, fSessionName, c.SessionName)
	b = appendTime(b, fIssuedAt, c.IssuedAt)
	b = appendTime(b, fExpiration, c.Expiration)
	if c.MFAAuthenticated {
		b = appendUint(b, fMFAAuthenticated, 1)
	}
	b = appendTime(b, fMFAAuthTime, c.MFAAuthTime)
	b = appendString(b, fSourceIdentity, c.SourceIdentity)
	for _, t := range c.Tags {
		b = append(b, fTag)
		b = binary.AppendUvarint(b, uint64(uvarintLen(uint64(len(t.Key)))+len(t.Key)+len(t.Value)))
		b = binary.AppendUvarint(b, uint64(len(t.Key)))
		b = append(b, t.Key...)
		b = append(b, t.Value...)
	}
	for _, k := range c.TransitiveTagKeys {
		b = appendRepeated(b, fTransitiveTagKey, k)
	}
	b = appendString(b, fSessionPolicy, c.SessionPolicy)
	for _, a := range c.PolicyARNs {
		b = appendRepeated(b, fPolicyARN, a)
	}
	b = appendUint(b, fChainDepth, uint64(c.ChainDepth))
	b = appendString(b, fFederatedProvider, c.FederatedProvider)
	return b
}

func appendString(b []byte, field byte, s string) []byte {
	if s == "" {
		return b
	}
	return appendRepeated(b, field, s)
}

// appendRepeated writes s even when empty: an empty element of a list is
// still an element.
func appendRepeated(b []byte, field byte, s string) []byte {
	b = append(b, field)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendUint(b []byte, field byte, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, field, byte(uvarintLen(v)))
	return binary.AppendUvarint(b, v)
}

func appendTime(b []byte, field byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	var tmp [binary.MaxVarintLen64]byte
	n := binary.PutVarint(tmp[:], t.Unix())
	b = append(b, field, byte(n))
	return append(b, tmp[:n]...)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// decodeClaims parses the records in s. The strings of the result are
// substrings of s, so decoding allocates only the Claims and its slices.
func decodeClaims(s string) (*Claims, error) {
	c := new(Claims)
	var tags, transitive, policyARNs int
	// A first pass validates the framing and counts repeated fields, so the
	// slices are allocated once at their final size.
	for rest := s; len(rest) > 0; {
		field, _, next, ok := nextRecord(rest)
		if !ok {
			return nil, ErrMalformed
		}
		switch field {
		case fTag:
			tags++
		case fTransitiveTagKey:
			transitive++
		case fPolicyARN:
			policyARNs++
		}
		rest = next
	}
	if tags > 0 {
		c.Tags = make([]Tag, 0, tags)
	}
	if transitive > 0 {
		c.TransitiveTagKeys = make([]string, 0, transitive)
	}
	if policyARNs > 0 {
		c.PolicyARNs = make([]string, 0, policyARNs)
	}
	var seen uint64
	for rest := s; len(rest) > 0; {
		field, v, next, _ := nextRecord(rest)
		rest = next
		repeated := field == fTag || field == fTransitiveTagKey || field == fPolicyARN
		if field < firstIgnorable && !repeated {
			if seen&(1<<field) != 0 {
				return nil, ErrMalformed
			}
			seen |= 1 << field
		}
		if err := c.setField(field, v); err != nil {
			return nil, err
		}
	}
	if c.validate() != nil {
		return nil, ErrMalformed
	}
	return c, nil
}

// nextRecord splits the first record off s.
func nextRecord(s string) (field byte, value, rest string, ok bool) {
	if len(s) < 2 {
		return 0, "", "", false
	}
	field = s[0]
	n, k := uvarintString(s[1:])
	if k <= 0 || n > uint64(len(s)-1-k) {
		return 0, "", "", false
	}
	start := 1 + k
	end := start + int(n)
	return field, s[start:end], s[end:], true
}

func (c *Claims) setField(field byte, v string) error {
	var err error
	switch field {
	case fAccountID:
		c.AccountID = v
	case fAccessKeyID:
		c.AccessKeyID = v
	case fSecretAccessKey:
		c.SecretAccessKey = Secret(v)
	case fPrincipalType:
		var n uint64
		n, err = uintValue(v)
		if n > 255 {
			err = ErrMalformed
		}
		c.PrincipalType = PrincipalType(n)
	case fPrincipalARN:
		c.PrincipalARN = v
	case fPrincipalID:
		c.PrincipalID = v
	case fSourceARN:
		c.SourceARN = v
	case fRoleName:
		c.RoleName = v
	case fRoleID:
		c.RoleID = v
	case fUserName:
		c.UserName = v
	case fUserID:
		c.UserID = v
	case fSessionName:
		c.SessionName = v
	case fIssuedAt:
		c.IssuedAt, err = timeValue(v)
	case fExpiration:
		c.Expiration, err = timeValue(v)
	case fMFAAuthenticated:
		var n uint64
		n, err = uintValue(v)
		if n != 1 {
			err = ErrMalformed
		}
		c.MFAAuthenticated = true
	case fMFAAuthTime:
		c.MFAAuthTime, err = timeValue(v)
	case fSourceIdentity:
		c.SourceIdentity = v
	case fTag:
		n, k := uvarintString(v)
		if k <= 0 || n > uint64(len(v)-k) {
			return ErrMalformed
		}
		c.Tags = append(c.Tags, Tag{Key: v[k : k+int(n)], Value: v[k+int(n):]})
	case fTransitiveTagKey:
		c.TransitiveTagKeys = append(c.TransitiveTagKeys, v)
	case fSessionPolicy:
		c.SessionPolicy = v
	case fPolicyARN:
		c.PolicyARNs = append(c.PolicyARNs, v)
	case fChainDepth:
		var n uint64
		n, err = uintValue(v)
		if n > maxChainDepth {
			err = ErrMalformed
		}
		c.ChainDepth = int(n)
	case fFederatedProvider:
		c.FederatedProvider = v
	default:
		if field < firstIgnorable {
			return ErrMalformed
		}
	}
	return err
}

// maxChainDepth bounds ChainDepth so it always fits an int.
const maxChainDepth = 1 << 20

// uintValue decodes a record holding exactly one uvarint.
func uintValue(v string) (uint64, error) {
	n, k := uvarintString(v)
	if k <= 0 || k != len(v) {
		return 0, ErrMalformed
	}
	return n, nil
}

// timeValue decodes a record holding exactly one varint of Unix seconds.
func timeValue(v string) (time.Time, error) {
	u, err := uintValue(v)
	if err != nil {
		return time.Time{}, err
	}
	// Zig-zag, as binary.PutVarint writes it.
	secs := int64(u >> 1)
	if u&1 != 0 {
		secs = ^secs
	}
	return time.Unix(secs, 0).UTC(), nil
}

// uvarintString is binary.Uvarint over a string, to keep decoding free of
// conversions: it returns the value and the bytes read, or k <= 0 when s is
// truncated or the value overflows 64 bits.
func uvarintString(s string) (v uint64, k int) {
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				return 0, -(i + 1)
			}
			return v | uint64(c)<<shift, i + 1
		}
		v |= uint64(c&0x7f) << shift
		shift += 7
	}
	return 0, 0
}
