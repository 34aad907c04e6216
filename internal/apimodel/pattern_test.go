package apimodel

import (
	"strings"
	"testing"
)

func TestCompileJavaPattern(t *testing.T) {
	const xmlChars = `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`
	cases := []struct {
		pattern, value string
		want           bool
	}{
		// Whole-value matching: Java's String.matches, which is why
		// 'Session1:2' fails [\w+=,.@-]* in the recorded STS reply
		// (aws-parity-snapshots/localstack/test_sts.snapshot.json).
		{`[\w+=,.@-]*`, "Session1:2", false},
		{`[\w+=,.@-]*`, "Session1-2", true},
		{`[\w+=,.@-]*`, "", true},
		{`[\w+=,.@-]*`, "é", false}, // \w is ASCII in Java
		{`[\w+=,.@-]*`, "a\n", false},
		{xmlChars, "arn:aws:iam::123456789012:role/demo", true},
		{xmlChars, "", false},
		{xmlChars, "tab\tnewline\n", true},
		{xmlChars, "bell\x07", false},
		{xmlChars, "emoji 😀", true}, // U+1F600 is in \u10000-\u10FFFF as AWS means it
		{xmlChars, "\uFFFE", false},
		{`[\p{L}\p{Z}\p{N}_.:/=+\-@]+`, "Département 1", true},
		{`[\p{L}\p{Z}\p{N}_.:/=+\-@]+`, "a;b", false},
		{`[\u0009\u000A\u000D\u0020-\u00FF]+`, "ÿ", true},
		{`[\u0009\u000A\u000D\u0020-\u00FF]+`, "Ā", false},
		{`(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, "/", true},
		{`(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, "/a/b/", true},
		{`(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, "/a/b", false},
		{`[\w+=,.@:\/-]*`, "a/b:c", true},
		{`[\w+=,.@\:-]*`, "a:b", true},
		{`\d{12}`, "123456789012", true},
		{`\d{12}`, "1234567890123", false},
		{`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, "my-org-1", true},
		{`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, "my--org", false},
		{`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, "-org", false},
		{`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, "ab", false},
		{`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, strings.Repeat("a", 63), true},
		{`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, strings.Repeat("a", 64), false},
	}
	for _, c := range cases {
		m, err := CompileJavaPattern(c.pattern)
		if err != nil {
			t.Fatalf("CompileJavaPattern(%q): %v", c.pattern, err)
		}
		if got := m.MatchString(c.value); got != c.want {
			t.Errorf("%q matches %q = %v, want %v", c.pattern, c.value, got, c.want)
		}
	}
}

// TestEveryModelPatternCompiles guards the generated tables: a pattern that
// RE2 cannot take would otherwise only surface as a refused request.
func TestEveryModelPatternCompiles(t *testing.T) {
	for _, svc := range []*Service{STS, IAM} {
		for name, s := range svc.Shapes {
			if s.Pattern == "" {
				if m, err := s.PatternMatcher(); m != nil || err != nil {
					t.Errorf("%s %s: matcher without pattern", svc.Name, name)
				}
				continue
			}
			if _, err := s.PatternMatcher(); err != nil {
				t.Errorf("%s %s: %v", svc.Name, name, err)
			}
		}
	}
}

func TestCompileJavaPatternRejects(t *testing.T) {
	for _, p := range []string{`\u12`, `\q`, `[a-`, `(?!x)a`} {
		if _, err := CompileJavaPattern(p); err == nil {
			t.Errorf("CompileJavaPattern(%q) succeeded", p)
		}
	}
}

func FuzzCompileJavaPattern(f *testing.F) {
	for _, s := range []string{`[\w+=,.@-]*`, `\u10000-\u10FFFF`, `\u002F[\u0021-\u007F]*`, `\`, `\u`, `(?!-)`} {
		f.Add(s, "value")
	}
	f.Fuzz(func(t *testing.T, pattern, value string) {
		if m, err := CompileJavaPattern(pattern); err == nil {
			m.MatchString(value)
		}
	})
}
