package oidc

import (
	"bytes"
	"encoding/json"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Session tag limits (IAM User Guide, id_session-tags.html, "Session tag
// limits"): at most 50 tags, keys of 1 to 128 and values of 0 to 256
// characters from the tag character set.
const (
	maxSessionTags = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// parseTagsClaim reads the https://aws.amazon.com/tags claim:
//
//	{"principal_tags": {"Project": ["Automation"]}, "transitive_tag_keys": ["Project"]}
//
// Each value is a one-element list, as AWS documents it; a plain string is
// accepted too. Keys come out sorted, so the same token always yields the
// same session.
func parseTagsClaim(raw json.RawMessage) (*TagsClaim, error) {
	bad := func(why string) error { return refuse(CodeInvalidIdentityToken, msgBadTags, why) }
	// Member names match exactly and once (see parseClaims), also for the
	// tag keys, so a repeated key cannot carry two values.
	var c struct {
		PrincipalTags     map[string]json.RawMessage
		TransitiveTagKeys []string
	}
	shape := bad("it must be an object with principal_tags and transitive_tag_keys")
	m, err := members(raw)
	if err != nil {
		return nil, shape
	}
	if v, ok := m["principal_tags"]; ok && !bytes.Equal(v, []byte("null")) {
		if c.PrincipalTags, err = members(v); err != nil {
			return nil, shape
		}
	}
	if v, ok := m["transitive_tag_keys"]; ok {
		if err := json.Unmarshal(v, &c.TransitiveTagKeys); err != nil {
			return nil, shape
		}
	}
	if len(c.PrincipalTags) > maxSessionTags {
		return nil, bad("more than 50 principal tags")
	}
	if len(c.TransitiveTagKeys) > maxSessionTags {
		return nil, bad("more than 50 transitive tag keys")
	}
	out := &TagsClaim{PrincipalTags: make([]Tag, 0, len(c.PrincipalTags))}
	for k, v := range c.PrincipalTags {
		if !validTagText(k, 1, maxTagKeyLen) {
			return nil, bad("tag key " + quote(k) + " is not a valid tag key")
		}
		vals, err := stringOrList(v)
		if err != nil || len(vals) != 1 {
			return nil, bad("the value of tag " + quote(k) + " must be one string")
		}
		if !validTagText(vals[0], 0, maxTagValueLen) {
			return nil, bad("the value of tag " + quote(k) + " is not a valid tag value")
		}
		out.PrincipalTags = append(out.PrincipalTags, Tag{Key: k, Value: vals[0]})
	}
	slices.SortFunc(out.PrincipalTags, func(a, b Tag) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	for _, k := range c.TransitiveTagKeys {
		if !validTagText(k, 1, maxTagKeyLen) {
			return nil, bad("transitive tag key " + quote(k) + " is not a valid tag key")
		}
	}
	out.TransitiveTagKeys = c.TransitiveTagKeys
	return out, nil
}

// validTagText checks length (in characters) and the tag character set
// [\p{L}\p{Z}\p{N}_.:/=+\-@]* of the STS model's tagKeyType/tagValueType.
func validTagText(s string, minLen, maxLen int) bool {
	n := utf8.RuneCountInString(s)
	if n < minLen || n > maxLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.In(r, unicode.Z) || unicode.IsNumber(r) {
			continue
		}
		switch r {
		case '_', '.', ':', '/', '=', '+', '-', '@':
			continue
		}
		return false
	}
	return true
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
