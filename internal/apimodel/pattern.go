package apimodel

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Matcher tests a value against a model pattern with Java's whole-value
// (String.matches) semantics.
type Matcher struct {
	re *regexp.Regexp
	// forbidden, when set, must not occur in the value: it stands in for a
	// Java look-ahead that RE2 cannot express.
	forbidden string
}

// MatchString reports whether the whole of s satisfies the pattern.
func (m *Matcher) MatchString(s string) bool {
	if m.forbidden != "" && strings.Contains(s, m.forbidden) {
		return false
	}
	return m.re.MatchString(s)
}

// lookaheadEquivalents gives RE2 forms of the model patterns that use Java
// look-ahead, which RE2 lacks. Each entry is exactly equivalent: in
// `[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]` the first and last characters are
// alphanumeric, so any "--" would have to start inside the repeated group,
// which the look-ahead forbids; dropping the look-ahead and rejecting "--"
// accepts the same strings.
var lookaheadEquivalents = map[string]struct{ re, forbidden string }{
	`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`: {`^[a-z0-9]([a-z0-9]|-){1,61}[a-z0-9]$`, "--"},
}

// CompileJavaPattern translates a model pattern (Java regular-expression
// syntax) to Go RE2 and anchors it so that it must match the whole value, as
// AWS's validators do.
//
// Translation: \uXXXX becomes \x{XXXX}. The models write supplementary code
// points as \u10000 and \u10FFFF (in the XML-character class
// [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]);
// Java would read "\u1000" followed by "0", but the documented intent (and
// what the class means: every character legal in XML) is the code points
// U+10000..U+10FFFF, so a \u followed by five or six hex digits naming a
// supplementary code point is read as that code point. \w and \d are ASCII
// in both dialects, and \p{L}, \p{Z}, \p{N} exist in both.
func CompileJavaPattern(p string) (*Matcher, error) {
	src, forbidden := p, ""
	if eq, ok := lookaheadEquivalents[p]; ok {
		src, forbidden = eq.re, eq.forbidden
	}
	goSrc, err := translateJava(src)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(`^(?:` + goSrc + `)$`)
	if err != nil {
		return nil, fmt.Errorf("apimodel: pattern %q: %w", p, err)
	}
	return &Matcher{re: re, forbidden: forbidden}, nil
}

func translateJava(p string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '\\' || i+1 >= len(p) {
			b.WriteByte(c)
			continue
		}
		next := p[i+1]
		switch {
		case next == 'u':
			cp, n, err := javaUnicodeEscape(p[i+2:])
			if err != nil {
				return "", fmt.Errorf("apimodel: pattern %q: %w", p, err)
			}
			fmt.Fprintf(&b, `\x{%X}`, cp)
			i += 1 + n
		case next == '(' || next == ')' || next == '[' || next == ']' || next == '{' || next == '}' ||
			next == '.' || next == '*' || next == '+' || next == '?' || next == '|' || next == '^' ||
			next == '$' || next == '\\' || next == '-' || next == '/' || next == ':':
			b.WriteByte('\\')
			b.WriteByte(next)
			i++
		case strings.IndexByte("wWdDsSpPtnrfx", next) >= 0:
			b.WriteByte('\\')
			b.WriteByte(next)
			i++
		case (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9'):
			return "", fmt.Errorf("apimodel: pattern %q: unsupported escape \\%c", p, next)
		default:
			// Java lets any other punctuation be escaped; RE2 accepts the
			// same for ASCII punctuation.
			b.WriteByte('\\')
			b.WriteByte(next)
			i++
		}
	}
	return b.String(), nil
}

// javaUnicodeEscape reads the hex digits after "\u" and returns the code
// point and how many digits it used.
func javaUnicodeEscape(s string) (rune, int, error) {
	n := 0
	for n < len(s) && n < 6 && isHex(s[n]) {
		n++
	}
	if n < 4 {
		return 0, 0, fmt.Errorf("short \\u escape")
	}
	if n >= 5 {
		v, err := strconv.ParseUint(s[:n], 16, 32)
		if err == nil && v >= 0x10000 && v <= 0x10FFFF {
			return rune(v), n, nil
		}
	}
	v, err := strconv.ParseUint(s[:4], 16, 32)
	if err != nil {
		return 0, 0, err
	}
	return rune(v), 4, nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
