package policy

import "unicode/utf8"

// tokKind is the kind of one pattern token.
type tokKind uint8

const (
	tokLit  tokKind = iota // literal text
	tokStar                // '*': any run of characters, possibly empty
	tokOne                 // '?': exactly one character
	tokVar                 // policy variable, replaced by a literal at match time
)

// token is one element of a compiled pattern.
type token struct {
	kind tokKind
	lit  string // tokLit: the text (lower-cased when the pattern folds case)
	key  string // tokVar: the lower-cased context key
	name string // tokVar: the key as written, for missing-key reports
	def  string // tokVar: the default value
	dflt bool   // tokVar: a default was given
}

// pattern is a compiled string pattern: wildcards (when the operator allows
// them) and policy variables (when the policy version allows them) are
// tokens, everything else literal text.
type pattern struct {
	raw  string
	toks []token
	fold bool // ASCII case-insensitive comparison
	// plain is set when the pattern is one literal with no wildcard or
	// variable, so matching is a plain comparison.
	plain bool
}

// match reports whether s matches the pattern. Unresolvable variables (key
// absent, no default) make the pattern match nothing; their keys are
// reported to e as missing. e may be nil for patterns without variables. The algorithm is the classic greedy matcher that only
// backtracks to the last '*': O(len(s)·len(pattern)) in the worst case,
// never exponential.
func (p *pattern) match(s string, e *evalCtx) bool {
	if p.plain {
		if p.fold {
			return equalFold(s, p.raw)
		}
		return s == p.raw
	}
	toks := p.toks
	si, ti := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tokStar:
				starT, starS = ti, si
				ti++
				continue
			case tokOne:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			case tokLit, tokVar:
				lit := t.lit
				if t.kind == tokVar {
					v, ok := "", false
					if e != nil {
						v, ok = e.req.Context.variable(t.key)
					}
					switch {
					case ok:
						lit = v
					case t.dflt:
						lit = t.def
					default:
						if e != nil {
							e.unresolved = true
						}
						e.noteMissing(t.name)
						return false
					}
				}
				if hasPrefix(s[si:], lit, p.fold) {
					si += len(lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last star swallow one more character.
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		si = starS
		ti = starT + 1
	}
}

// hasPrefix reports whether s starts with lit, folding ASCII case when fold.
func hasPrefix(s, lit string, fold bool) bool {
	if len(s) < len(lit) {
		return false
	}
	if !fold {
		return s[:len(lit)] == lit
	}
	return equalFold(s[:len(lit)], lit)
}

// equalFold compares ASCII case-insensitively without allocating. IAM
// action names and the other case-insensitive values are ASCII; other bytes
// must match exactly.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// compileOptions say what a pattern string may contain.
type compileOptions struct {
	wildcards bool // '*' and '?' are wildcards (Like operators, Action, Resource)
	variables bool // ${...} are policy variables (Version 2012-10-17 only)
	fold      bool // match case-insensitively
}

// compilePattern turns s into a pattern. It never fails: malformed variable
// syntax (an unterminated "${") is literal text, as IAM treats it.
func compilePattern(s string, o compileOptions) pattern {
	p := pattern{raw: s, fold: o.fold}
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			p.toks = append(p.toks, token{kind: tokLit, lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case o.wildcards && c == '*':
			flush()
			// Consecutive stars are one star; keeps matching linear-ish.
			if n := len(p.toks); n == 0 || p.toks[n-1].kind != tokStar {
				p.toks = append(p.toks, token{kind: tokStar})
			}
			i++
			continue
		case o.wildcards && c == '?':
			flush()
			p.toks = append(p.toks, token{kind: tokOne})
			i++
			continue
		case o.variables && c == '$' && i+1 < len(s) && s[i+1] == '{':
			if v, n, ok := parseVariable(s[i:]); ok {
				if v.kind == tokLit {
					lit = append(lit, v.lit...)
				} else {
					flush()
					p.toks = append(p.toks, v)
				}
				i += n
				continue
			}
		}
		if o.fold && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lit = append(lit, c)
		i++
	}
	flush()
	if len(p.toks) == 0 {
		p.plain = true
		p.raw = ""
	} else if len(p.toks) == 1 && p.toks[0].kind == tokLit {
		p.plain = true
		p.raw = p.toks[0].lit
	}
	return p
}
