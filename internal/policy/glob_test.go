package policy

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// refGlob is an obviously correct (exponential) reference matcher over
// runes: '*' any run, '?' one rune.
func refGlob(p, s []rune) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if refGlob(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return len(s) > 0 && refGlob(p[1:], s[1:])
	}
	return len(s) > 0 && s[0] == p[0] && refGlob(p[1:], s[1:])
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pat, s string
		fold   bool
		want   bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"", "", false, true},
		{"", "a", false, false},
		{"a*", "a", false, true},
		{"*a", "ba", false, true},
		{"*a", "ab", false, false},
		{"a*b*c", "abc", false, true},
		{"a*b*c", "acb", false, false},
		{"a**b", "ab", false, true},
		{"?", "é", false, true},
		{"??", "é", false, false},
		{"s3:*Object*", "s3:GetObjectAcl", true, true},
		{"s3:*object*", "S3:GETOBJECTACL", true, true},
		{"s3:Get*", "s3:PutObject", true, false},
		{"iam:*AccessKey*", "iam:CreateAccessKey", true, true},
		{"arn:aws:s3:::Production/*", "arn:aws:s3:::Production", false, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::B/x", false, false},
		{"*a*a*a*a*a*b", strings.Repeat("a", 200), false, false},
		{"*a*a*a*a*a*b", strings.Repeat("a", 200) + "b", false, true},
	}
	for _, tc := range tests {
		p := compilePattern(tc.pat, compileOptions{wildcards: true, fold: tc.fold})
		if got := p.match(tc.s, nil); got != tc.want {
			t.Errorf("%q ~ %q (fold %v): got %v", tc.pat, tc.s, tc.fold, got)
		}
	}
}

// FuzzGlob compares the linear matcher with the reference implementation.
func FuzzGlob(f *testing.F) {
	f.Add("a*b?c", "aXbYc")
	f.Add("*a*a*b", "aaaaab")
	f.Add("?*?", "é")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, pat, s string) {
		if !utf8.ValidString(pat) || !utf8.ValidString(s) || len(pat) > 10 || len(s) > 16 || strings.Count(pat, "*") > 4 {
			return
		}
		if strings.Contains(pat, "${") {
			return
		}
		p := compilePattern(pat, compileOptions{wildcards: true})
		want := refGlob([]rune(pat), []rune(s))
		if got := p.match(s, nil); got != want {
			t.Fatalf("%q ~ %q: got %v, want %v", pat, s, got, want)
		}
	})
}

func TestParseVariable(t *testing.T) {
	tests := []struct {
		in   string
		kind tokKind
		key  string
		def  string
		n    int
		ok   bool
	}{
		{"${aws:username}", tokVar, "aws:username", "", 15, true},
		{"${aws:PrincipalTag/Team}x", tokVar, "aws:principaltag/team", "", 24, true},
		{"${aws:username, 'anon'}", tokVar, "aws:username", "anon", 23, true},
		{"${aws:username,'a b'}", tokVar, "aws:username", "a b", 21, true},
		{"${*}", tokLit, "", "", 4, true},
		{"${?}", tokLit, "", "", 4, true},
		{"${$}", tokLit, "", "", 4, true},
		{"${}", 0, "", "", 0, false},
		{"${aws:username", 0, "", "", 0, false},
		{"${a, noquotes}", 0, "", "", 0, false},
	}
	for _, tc := range tests {
		tok, n, ok := parseVariable(tc.in)
		if ok != tc.ok || (ok && (tok.kind != tc.kind || tok.key != tc.key || tok.def != tc.def || n != tc.n)) {
			t.Errorf("%q: got %+v %d %v", tc.in, tok, n, ok)
		}
	}
}
