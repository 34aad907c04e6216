package policy

import (
	"github.com/stsd/stsd/internal/apierr"
)

// Parse parses, validates and compiles a policy document of the given kind.
// Every refusal is an *apierr.Error: MalformedPolicyDocument with IAM's
// message, or LimitExceeded when the document passes the kind's per-document
// size quota (trust and managed policies; inline quotas are per entity, see
// InlineQuotaError).
func Parse(doc string, kind Kind) (*Policy, error) {
	if len(doc) > MaxDocumentBytes {
		return nil, malformed(msgInvalidJSON)
	}
	if e := quotaError(kind, doc); e != nil {
		return nil, e
	}
	root, err := parseJSON(doc)
	if err != nil {
		if err == errDuplicateKey {
			return nil, malformed(msgSyntax)
		}
		return nil, malformed(msgInvalidJSON)
	}
	p, serr := readPolicy(&root, kind)
	if serr != nil {
		return nil, serr
	}
	if e := validate(p, kind); e != nil {
		return nil, e
	}
	p.Document = doc
	compile(p)
	return p, nil
}

// MustParse is Parse for documents known to be valid (tests, built-in
// policies); it panics on error.
func MustParse(doc string, kind Kind) *Policy {
	p, err := Parse(doc, kind)
	if err != nil {
		panic(err)
	}
	return p
}

var topElements = map[string]bool{"Version": true, "Id": true, "Statement": true}

var statementElements = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true,
	"Condition": true,
}

// readPolicy turns the JSON tree into a Policy, enforcing the grammar
// (reference_policies_grammar.html). Structural violations are "Syntax
// errors in policy."; a principal in an identity policy is reported first
// with its own message, as IAM does.
func readPolicy(root *node, kind Kind) (*Policy, *apierr.Error) {
	if root.kind != nodeObject {
		return nil, malformed(msgSyntax)
	}
	p := &Policy{Kind: kind}
	stmts, hasStmt := root.get("Statement")
	if kind.identity() && hasStmt {
		for _, s := range elems(stmts) {
			if s.kind != nodeObject {
				continue
			}
			_, a := s.get("Principal")
			_, b := s.get("NotPrincipal")
			if a || b {
				return nil, malformed(msgNoPrincipalAllowed)
			}
		}
	}
	for _, m := range root.obj {
		if !topElements[m.key] {
			return nil, malformed(msgSyntax)
		}
	}
	if v, ok := root.get("Version"); ok {
		if v.kind != nodeString || (v.str != Version2012 && v.str != Version2008) {
			return nil, malformed(msgSyntax)
		}
		p.Version = v.str
	}
	if v, ok := root.get("Id"); ok {
		if v.kind != nodeString {
			return nil, malformed(msgSyntax)
		}
		p.ID = v.str
	}
	if !hasStmt || (stmts.kind != nodeObject && stmts.kind != nodeArray) {
		return nil, malformed(msgSyntax)
	}
	list := elems(stmts)
	if len(list) == 0 {
		return nil, malformed(msgSyntax)
	}
	p.Statements = make([]Statement, len(list))
	for i := range list {
		if !readStatement(&list[i], &p.Statements[i]) {
			return nil, malformed(msgSyntax)
		}
	}
	return p, nil
}

// elems returns the statements of a Statement element (object or array).
func elems(n *node) []node {
	if n.kind == nodeArray {
		return n.arr
	}
	return []node{*n}
}

// readStatement fills st from n and reports whether n is well formed.
func readStatement(n *node, st *Statement) bool {
	if n.kind != nodeObject {
		return false
	}
	for _, m := range n.obj {
		if !statementElements[m.key] {
			return false
		}
	}
	_, hasA := n.get("Action")
	_, hasNA := n.get("NotAction")
	_, hasR := n.get("Resource")
	_, hasNR := n.get("NotResource")
	_, hasP := n.get("Principal")
	_, hasNP := n.get("NotPrincipal")
	if (hasA && hasNA) || (hasR && hasNR) || (hasP && hasNP) {
		return false
	}
	e, ok := n.get("Effect")
	if !ok || e.kind != nodeString {
		return false
	}
	switch e.str {
	case "Allow":
		st.Effect = EffectAllow
	case "Deny":
		st.Effect = EffectDeny
	default:
		// IAM's first pass compares case-insensitively; the exact-case
		// check happens in legacy parsing, with its own message.
		if !equalFold(e.str, "allow") && !equalFold(e.str, "deny") {
			return false
		}
		st.Effect = effectBadCase
	}
	if v, ok := n.get("Sid"); ok {
		if v.kind != nodeString {
			return false
		}
		st.Sid = v.str
	}
	var good bool
	if st.Action, good = stringList(n, "Action"); !good {
		return false
	}
	if st.NotAction, good = stringList(n, "NotAction"); !good {
		return false
	}
	if st.Resource, good = stringList(n, "Resource"); !good {
		return false
	}
	if st.NotResource, good = stringList(n, "NotResource"); !good {
		return false
	}
	st.HasResource = hasR || hasNR
	if hasA && st.Action == nil {
		st.Action = []string{}
	}
	if hasNA && st.NotAction == nil {
		st.NotAction = []string{}
	}
	if v, ok := n.get("Principal"); ok {
		if st.Principal = readPrincipal(v); st.Principal == nil {
			return false
		}
	}
	if v, ok := n.get("NotPrincipal"); ok {
		if st.NotPrincipal = readPrincipal(v); st.NotPrincipal == nil {
			return false
		}
	}
	if v, ok := n.get("Condition"); ok {
		if !readConditions(v, st) {
			return false
		}
	}
	return true
}

// stringList reads a string-or-array-of-strings element; absent gives nil.
func stringList(n *node, key string) ([]string, bool) {
	v, ok := n.get(key)
	if !ok {
		return nil, true
	}
	switch v.kind {
	case nodeString:
		return []string{v.str}, true
	case nodeArray:
		out := make([]string, 0, len(v.arr))
		for _, e := range v.arr {
			if e.kind != nodeString {
				return nil, false
			}
			out = append(out, e.str)
		}
		return out, true
	}
	return nil, false
}

// readPrincipal reads "*" or a map of principal types to string-or-array.
func readPrincipal(v *node) *Principals {
	p := &Principals{}
	if v.kind == nodeString {
		if v.str != "*" {
			return nil
		}
		p.Any = true
		return p
	}
	if v.kind != nodeObject || len(v.obj) == 0 {
		return nil
	}
	for i := range v.obj {
		vals, ok := stringList(v, v.obj[i].key)
		if !ok || len(vals) == 0 {
			return nil
		}
		switch v.obj[i].key {
		case "AWS":
			for _, s := range vals {
				if s == "*" {
					p.Any = true
				}
			}
			p.AWS = vals
		case "Federated":
			p.Federated = vals
		case "Service":
			p.Service = vals
		case "CanonicalUser":
			p.CanonicalUser = vals
		default:
			return nil
		}
	}
	return p
}

// readConditions reads the Condition block: operator → key → value(s).
// Values may be strings, numbers or booleans ("Quotation marks are optional
// for numeric and Boolean values", policy grammar).
func readConditions(v *node, st *Statement) bool {
	if v.kind != nodeObject {
		return false
	}
	for _, op := range v.obj {
		if op.val.kind != nodeObject {
			return false
		}
		if _, _, _, known := parseOperator(op.key); !known {
			return false
		}
		for _, kv := range op.val.obj {
			c := Condition{Operator: op.key, Key: kv.key}
			switch kv.val.kind {
			case nodeString, nodeNumber, nodeBool:
				c.Values = []string{kv.val.str}
			case nodeArray:
				c.Values = make([]string, 0, len(kv.val.arr))
				for _, e := range kv.val.arr {
					switch e.kind {
					case nodeString, nodeNumber, nodeBool:
						c.Values = append(c.Values, e.str)
					default:
						return false
					}
				}
			default:
				return false
			}
			st.Conditions = append(st.Conditions, c)
		}
	}
	return true
}
