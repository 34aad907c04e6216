package bootstrap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/policy"
)

// checkPolicyDocument is the one place where a policy document of the
// bootstrap file is judged: by the policy package, with the rules of its
// kind (a trust policy needs a Principal, a permission policy must not have
// one, each kind has its size quota), exactly as the IAM API judges it.
func checkPolicyDocument(kind policy.Kind, doc string) error {
	// policyDocumentType pattern: [\u0009\u000A\u000D\u0020-\u00FF]+
	for _, c := range doc {
		if !(c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c <= 0xff) {
			return fmt.Errorf("policy document contains the character %q, outside the allowed range \\u0020-\\u00FF", c)
		}
	}
	if _, err := policy.Parse(doc, kind); err != nil {
		if e, ok := apierr.As(err); ok {
			return fmt.Errorf("%s: %s", e.Code, e.Message)
		}
		return err
	}
	return nil
}

// jsonDoc reads a JSON document given either as a string holding JSON or as
// a YAML mapping, and returns it as compact JSON (keys in the order
// written), so both spellings of the same document compare equal.
func (r *reader) jsonDoc(n *yaml.Node, path string) (string, bool) {
	d := deref(n)
	var buf bytes.Buffer
	switch {
	case d != nil && d.Kind == yaml.ScalarNode && d.Tag != "!!null":
		src := strings.TrimSpace(d.Value)
		if !strings.HasPrefix(src, "{") {
			r.add(n, path, "must be a JSON object or a YAML mapping")
			return "", false
		}
		if err := json.Compact(&buf, []byte(src)); err != nil {
			r.add(n, path, "is not valid JSON: %v", err)
			return "", false
		}
	case d != nil && d.Kind == yaml.MappingNode:
		if err := toJSON(&buf, d); err != nil {
			r.add(n, path, "%v", err)
			return "", false
		}
	default:
		r.add(n, path, "must be a JSON object or a YAML mapping, not %s", kindName(n))
		return "", false
	}
	return buf.String(), true
}

// toJSON writes a YAML node as compact JSON. Scalars keep their YAML types
// (booleans, numbers, null) so that a condition value written as true stays
// a JSON true. The tree has passed checkExpansion, so recursion is bounded.
func toJSON(buf *bytes.Buffer, n *yaml.Node) error {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		buf.WriteByte('{')
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := deref(n.Content[i])
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return fmt.Errorf("line %d: keys must be plain strings", k.Line)
			}
			if seen[k.Value] {
				return fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			seen[k.Value] = true
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, k.Value)
			buf.WriteByte(':')
			if err := toJSON(buf, n.Content[i+1]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := toJSON(buf, c); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		return scalarJSON(buf, n)
	default:
		return fmt.Errorf("line %d: unexpected YAML node", n.Line)
	}
	return nil
}

func scalarJSON(buf *bytes.Buffer, n *yaml.Node) error {
	switch n.Tag {
	case "!!null":
		buf.WriteString("null")
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return fmt.Errorf("line %d: %q is not a boolean", n.Line, n.Value)
		}
		if b {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case "!!int", "!!float":
		// Keep the number as written when it is already JSON (1.0 stays
		// 1.0); otherwise (0x1F, 1_000, .5) let YAML read it and print it.
		var num json.Number
		if json.Unmarshal([]byte(n.Value), &num) == nil {
			buf.WriteString(n.Value)
			return nil
		}
		var f float64
		if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("line %d: %q is not a number JSON can hold", n.Line, n.Value)
		}
		out, _ := json.Marshal(f)
		buf.Write(out)
	case "!!str", "!!timestamp", "!!binary":
		// An unquoted 2012-10-17 is a YAML timestamp; policies mean the text.
		writeJSONString(buf, n.Value)
	default:
		return fmt.Errorf("line %d: unsupported YAML tag %s", n.Line, n.Tag)
	}
	return nil
}

// writeJSONString quotes s without HTML escaping, so that "<" written in a
// YAML mapping compacts to the same bytes as "<" written in a JSON string.
func writeJSONString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // a string always encodes
	buf.Truncate(buf.Len() - 1) // Encode appends a newline
}
