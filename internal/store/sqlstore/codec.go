package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// key is the case-insensitive form of an IAM name. IAM names are ASCII
// ([\w+=,.@-]), so a plain lower-casing is exactly IAM's comparison.
func key(name string) string { return strings.ToLower(name) }

// encTime stores times as RFC 3339 UTC text: exact to the nanosecond,
// readable, and the same in every database. "" is the zero time.
func encTime(t time.Time) (string, error) {
	if t.IsZero() {
		return "", nil
	}
	u := t.UTC()
	if y := u.Year(); y < 1 || y > 9999 {
		return "", fmt.Errorf("time %v is outside years 1..9999", t)
	}
	return u.Format(time.RFC3339Nano), nil
}

func decTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// encBool stores a boolean as 0 or 1: BIGINT is portable, BOOLEAN is not.
func encBool(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// encTimes encodes several times, stopping at the first bad one.
func encTimes(ts ...time.Time) ([]string, error) {
	out := make([]string, len(ts))
	for i, t := range ts {
		s, err := encTime(t)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

type jsonTag struct {
	K string `json:"k"`
	V string `json:"v"`
}

func encTags(tags []store.Tag) string {
	if len(tags) == 0 {
		return "[]"
	}
	js := make([]jsonTag, len(tags))
	for i, t := range tags {
		js[i] = jsonTag{t.Key, t.Value}
	}
	b, _ := json.Marshal(js) // strings always marshal
	return string(b)
}

// decTags returns nil for no tags so empty and absent compare equal.
func decTags(s string) ([]store.Tag, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var js []jsonTag
	if err := json.Unmarshal([]byte(s), &js); err != nil {
		return nil, fmt.Errorf("stored tags: %w", err)
	}
	if len(js) == 0 {
		return nil, nil
	}
	tags := make([]store.Tag, len(js))
	for i, t := range js {
		tags[i] = store.Tag{Key: t.K, Value: t.V}
	}
	return tags, nil
}

func encStrings(ss []string) string {
	if len(ss) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ss)
	return string(b)
}

func decStrings(s string) ([]string, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var ss []string
	if err := json.Unmarshal([]byte(s), &ss); err != nil {
		return nil, fmt.Errorf("stored list: %w", err)
	}
	if len(ss) == 0 {
		return nil, nil
	}
	return ss, nil
}

// Associated data naming the row a secret belongs to, so a sealed value
// moved to another row fails to open.
func aadAccessKey(id string) []byte { return []byte("stsd/access-key/" + id) }
func aadMFA(serial string) []byte   { return []byte("stsd/mfa-device/" + serial) }
func aadTokenKey(id uint32) []byte  { return fmt.Appendf([]byte("stsd/token-key/"), "%d", id) }
func aadSealCheck() []byte          { return []byte("stsd/seal-check") }
func aadServiceCredential(id string) []byte {
	return []byte("stsd/service-specific-credential/" + id)
}

// aadOutboundKey also names the column (alg is "rsa" or "ec"), so one of an
// account's keys cannot be passed off as the other.
func aadOutboundKey(accountID, alg string) []byte {
	return []byte("stsd/outbound-federation/" + accountID + "/" + alg)
}
