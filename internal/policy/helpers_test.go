package policy

import (
	"testing"
)

// ctx builds a Context from alternating key, value pairs; a value starting
// with "[" is not special — use ctxm for multivalued keys.
func ctxm(m map[string][]string) Context {
	var c Context
	for k, v := range m {
		c.Set(k, v...)
	}
	return c
}

// condHolds evaluates condJSON (a Condition element) in an identity policy
// that otherwise allows everything and reports whether it held.
func condHolds(t *testing.T, version, condJSON string, ctx map[string][]string) bool {
	t.Helper()
	doc := `{"Version":"` + version + `","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + condJSON + `}}`
	p, err := Parse(doc, kindFor(version))
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	req := Request{Principal: Principal{ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"},
		Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: ctxm(ctx)}
	r := Evaluate(&PolicySet{Identity: []*Policy{p}}, &req)
	return r.Decision == DecisionAllow
}

// one is a convenience for single-valued context maps.
func one(kv ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = []string{kv[i+1]}
	}
	return m
}

// kindFor picks a kind that accepts the version: identity kinds require
// 2012-10-17, resource policies accept 2008-10-17.
func kindFor(version string) Kind {
	if version == Version2012 {
		return KindManaged
	}
	return KindResource
}
