package iam

import (
	"strconv"
	"testing"
)

func TestVersionNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		ok   bool
		key  string
		desc string
	}{
		{"v1", 1, true, "v0000000001", "first"},
		{"v10", 10, true, "v0000000010", "sorts after v9 by key"},
		{"v0", 0, false, "v0", "no version zero"},
		{"v01", 0, false, "v01", "no leading zero"},
		{"v", 0, false, "v", "no digits"},
		{"1", 0, false, "1", "no v"},
		{"v1.beta", 0, false, "v1.beta", "the model allows a suffix; stsd never issues one"},
		{"v-1", 0, false, "v-1", "sign"},
		{"v99999999999999999999999", 0, false, "v99999999999999999999999", "overflow"},
	} {
		n, ok := versionNumber(tc.in)
		if n != tc.n || ok != tc.ok {
			t.Errorf("%s: versionNumber(%q) = %d, %v; want %d, %v", tc.desc, tc.in, n, ok, tc.n, tc.ok)
		}
		if k := versionKey(tc.in); k != tc.key {
			t.Errorf("%s: versionKey(%q) = %q; want %q", tc.desc, tc.in, k, tc.key)
		}
	}
	if !(versionKey("v9") < versionKey("v10")) {
		t.Fatal("v9 must page before v10")
	}
}

func TestParsePolicyARN(t *testing.T) {
	const acct = "111111111111"
	for _, tc := range []struct {
		in        string
		ok        bool
		invalid   bool
		path, nom string
	}{
		{in: "arn:aws:iam::111111111111:policy/P", ok: true, path: "/", nom: "P"},
		{in: "arn:aws:iam::111111111111:policy/a/b/P", ok: true, path: "/a/b/", nom: "P"},
		{in: "arn:aws:iam::222222222222:policy/P"},       // another account
		{in: "arn:aws:iam::aws:policy/ReadOnlyAccess"},   // AWS managed: stsd has none
		{in: "arn:aws:iam::111111111111:role/P"},         // not a policy
		{in: "arn:aws:s3:::bucket"},                      // not IAM
		{in: "P", invalid: true},                         // a name, not an ARN
		{in: "arn:aws:iam::111111111111", invalid: true}, // truncated
	} {
		ref, ok, err := parsePolicyARN(tc.in, acct)
		if (err != nil) != tc.invalid {
			t.Errorf("%q: err = %v, want invalid=%v", tc.in, err, tc.invalid)
			continue
		}
		if ok != tc.ok || ok && (ref.path != tc.path || ref.name != tc.nom) {
			t.Errorf("%q = %+v, %v; want ok=%v path %q name %q", tc.in, ref, ok, tc.ok, tc.path, tc.nom)
		}
	}
}

// FuzzVersionNumber checks that version ids never panic the parser and
// that every accepted id formats back to itself.
func FuzzVersionNumber(f *testing.F) {
	for _, s := range []string{"v1", "v10", "v0", "v01", "", "v", "v1.x", "v99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := versionNumber(s)
		_ = versionKey(s)
		if ok && "v"+strconv.Itoa(n) != s {
			t.Fatalf("versionNumber(%q) = %d does not round-trip", s, n)
		}
	})
}
