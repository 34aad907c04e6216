package policy

import (
	"slices"
	"strings"
	"unicode/utf8"
)

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
//
// # Cost
//
// Matching is linear in the input for a given pattern. The stars cut the
// tokens into segments of fixed length in characters (literals, '?' and
// variables, whose values are fixed once the request is known). The first
// segment can only sit at the start of the input and the last only at its
// end, so both are compared in place; a segment between two stars is placed
// at its leftmost occurrence, which is where any match can place it (moving
// it right only leaves less room for the rest), so nothing is ever
// retried. Finding that occurrence is the only search, and successive
// searches scan disjoint parts of the input: a literal segment of L ≤
// maxIndexLit bytes is found with strings.Index (at most L byte
// comparisons per input byte whatever its algorithm); any other segment
// runs the bit-parallel Shift-And automaton over the input's characters,
// '?' being a class that admits every character, at ⌈L/64⌉ machine words
// per character. A match of an input of n bytes against a pattern of m
// characters thus costs O(m + n·min(m, max(maxIndexLit, ⌈m/64⌉))) steps,
// where the old backtracking matcher took O(n·m); workBound in the tests
// holds the matcher to it. (A segment holding a variable has its automaton
// built per match, O(L·⌈L/64⌉) more, on the stack when L ≤ smallSegment.)
//
// Characters are UTF-8 decoded, a byte that is not valid UTF-8 counting as
// one character that equals only itself. For patterns (which come from JSON
// and are valid UTF-8) this gives exactly the byte comparison of the
// backtracking matcher; the one difference is a variable whose value is not
// valid UTF-8 placed between two stars, whose stray bytes no longer match
// part of a character of the input.
type pattern struct {
	raw  string
	toks []token
	fold bool // ASCII case-insensitive comparison
	// plain is set when the pattern is one literal with no wildcard or
	// variable, so matching is a plain comparison.
	plain bool
	// segs are the tokens between stars: len(segs)-1 stars separate them,
	// and the first and last may be empty.
	segs []segment
	// hasVar is set when some token is a policy variable.
	hasVar bool
}

// segment is a run of star-free tokens, toks[lo:hi] of its pattern.
type segment struct {
	lo, hi int
	hasVar bool
	// srch finds a segment that lies between two stars and holds no
	// variable; segments with variables are searched with a searcher built
	// for the request's values.
	srch *searcher
}

// maxIndexLit is the longest literal segment searched with strings.Index;
// longer ones use the Shift-And automaton, whose cost does not grow with
// the number of partial matches.
const maxIndexLit = 64

// match reports whether s matches the pattern. Unresolvable variables (key
// absent, no default) make the pattern match nothing; the first of them is
// reported to e as missing when the part of the pattern before it matches
// a prefix of s, which is when the backtracking matcher this one replaced
// reached it. e may be nil for patterns without variables.
func (p *pattern) match(s string, e *evalCtx) bool {
	return p.matchCounting(s, e, nil)
}

// matchCounting is match adding the work it does to *steps: one step per
// byte compared or character fed to the automaton, times the automaton's
// words. Tests hold it to workBound. steps may be nil (match), and then
// nothing is counted.
func (p *pattern) matchCounting(s string, e *evalCtx, steps *int) bool {
	if p.plain {
		count(steps, len(p.raw))
		if p.fold {
			return equalFold(s, p.raw)
		}
		return s == p.raw
	}
	if p.place(s, e, len(p.segs), len(p.toks), steps) {
		return true
	}
	if p.hasVar {
		// The mismatch may have been found before or at a variable
		// without a value: report it the way the backtracking matcher
		// did.
		p.reportUnresolved(s, e, steps)
	}
	return false
}

// reportUnresolved reports the first unresolvable variable when the tokens
// before it match a prefix of s.
func (p *pattern) reportUnresolved(s string, e *evalCtx, steps *int) {
	u := -1
	for i := range p.toks {
		if p.toks[i].kind == tokVar {
			if _, found := p.value(&p.toks[i], e); !found {
				u = i
				break
			}
		}
	}
	if u < 0 {
		return
	}
	k := 0
	for k < len(p.segs) && p.segs[k].hi <= u {
		k++
	}
	if !p.place(s, e, k, u, steps) {
		return
	}
	if e != nil {
		e.unresolved = true
	}
	e.noteMissing(p.toks[u].name)
}

// value resolves a variable token: the request's value, else the default.
func (p *pattern) value(t *token, e *evalCtx) (string, bool) {
	if e != nil {
		if v, ok := e.req.Context.variable(t.key); ok {
			return v, true
		}
	}
	return t.def, t.dflt
}

// place matches s against the pattern. With k == len(p.segs) and u ==
// len(p.toks) it reports whether the whole pattern matches s. Otherwise it
// reports whether the tokens before u, which lie in segment k, match some
// prefix of s: segments before k are placed as in a match but without
// anchoring any at the end, and toks[segs[k].lo:u] is found at or after
// them. A variable without a value matches nothing.
func (p *pattern) place(s string, e *evalCtx, k, u int, steps *int) bool {
	whole := k == len(p.segs)
	first := &p.segs[0]
	if !whole && k == 0 {
		return p.forward(s, 0, first.lo, u, e, steps) >= 0
	}
	pos := p.forward(s, 0, first.lo, first.hi, e, steps)
	if pos < 0 {
		return false
	}
	if whole && len(p.segs) == 1 {
		return pos == len(s)
	}
	end := len(s)
	last := len(p.segs) - 1
	if whole {
		// The last segment is anchored at the end of s, after the first.
		if end = p.backward(s, pos, p.segs[last].lo, p.segs[last].hi, e, steps); end < 0 {
			return false
		}
	} else {
		last = k
	}
	for i := 1; i < last; i++ {
		sg := &p.segs[i]
		n := p.search(s[pos:end], sg, sg.hi, e, steps)
		if n < 0 {
			return false
		}
		pos += n
	}
	if whole {
		return true
	}
	return p.search(s[pos:end], &p.segs[k], u, e, steps) >= 0
}

// forward matches toks[lo:hi] at s[pos:] and returns the position after
// them, or -1 (also when a variable has no value).
func (p *pattern) forward(s string, pos, lo, hi int, e *evalCtx, steps *int) int {
	for i := lo; i < hi; i++ {
		t := &p.toks[i]
		switch t.kind {
		case tokOne:
			if pos >= len(s) {
				return -1
			}
			if s[pos] < utf8.RuneSelf {
				pos++
			} else {
				_, n := utf8.DecodeRuneInString(s[pos:])
				pos += n
			}
			count(steps, 1)
		default:
			lit, ok := p.literal(t, e)
			if !ok {
				return -1
			}
			count(steps, len(lit))
			if !hasPrefix(s[pos:], lit, p.fold) {
				return -1
			}
			pos += len(lit)
		}
	}
	return pos
}

// backward matches toks[lo:hi] so that they end at the end of s, not
// before s[min:], and returns where they start, or -1.
func (p *pattern) backward(s string, min, lo, hi int, e *evalCtx, steps *int) int {
	end := len(s)
	for i := hi - 1; i >= lo; i-- {
		t := &p.toks[i]
		switch t.kind {
		case tokOne:
			if end <= min {
				return -1
			}
			if s[end-1] < utf8.RuneSelf {
				end--
			} else {
				_, n := utf8.DecodeLastRuneInString(s[min:end])
				end -= n
			}
			count(steps, 1)
		default:
			lit, ok := p.literal(t, e)
			if !ok {
				return -1
			}
			count(steps, len(lit))
			if end-min < len(lit) || !hasPrefix(s[end-len(lit):end], lit, p.fold) {
				return -1
			}
			end -= len(lit)
		}
	}
	return end
}

// literal returns the text of a literal or variable token; false when a
// variable has no value.
func (p *pattern) literal(t *token, e *evalCtx) (string, bool) {
	if t.kind == tokVar {
		return p.value(t, e)
	}
	return t.lit, true
}

// search finds the leftmost occurrence of toks[sg.lo:hi] in s and returns
// the position after it, or -1.
func (p *pattern) search(s string, sg *segment, hi int, e *evalCtx, steps *int) int {
	if hi == sg.lo {
		return 0
	}
	if sg.srch != nil && hi == sg.hi {
		return sg.srch.next(s, steps)
	}
	// A segment with variables (or a part of one, when reporting a
	// missing key): build the automaton for the request's values, in
	// buffers on the stack when the segment is short, as it is for a
	// ${aws:username} between two stars.
	for i := sg.lo; i < hi; i++ {
		if t := &p.toks[i]; t.kind == tokVar {
			if _, ok := p.value(t, e); !ok {
				return -1
			}
		}
	}
	var buf searchBuf
	srch := buildSearcher(p.toks[sg.lo:hi], p.fold, func(t *token) string {
		v, _ := p.literal(t, e)
		return v
	}, &buf)
	return srch.next(s, steps)
}

// count adds n to *steps when the caller counts steps (tests); the
// authorization path passes nil and pays only the test.
func count(steps *int, n int) {
	if steps != nil {
		*steps += n
	}
}

// searcher finds the leftmost occurrence of a star-free segment.
type searcher struct {
	// lit, when set, is the whole segment: a literal searched with
	// strings.Index (case-sensitive patterns only).
	lit string
	// m is the segment's length in characters, w the words of state.
	m, w int
	fold bool
	// ascii[c] is the class of ASCII character c; class 0 is "a character
	// the segment's literals do not hold", which only '?' admits.
	ascii [128]uint16
	// wide holds the other characters, sorted and distinct; wide[i] has
	// class wideBase+i.
	wide     []rune
	wideBase uint16
	// masks holds w words per class: bit i is set when the segment's
	// character i admits the class.
	masks []uint64
}

// searchBuf is room for the searcher of a segment of up to smallSegment
// characters, so that one built per match can live on the stack.
type searchBuf struct {
	chars [smallSegment]rune
	wide  [smallSegment]rune
	masks [smallSegment + 1]uint64
}

// smallSegment is the longest segment whose searcher fits a searchBuf: one
// word of state, at most one class per character plus class 0.
const smallSegment = 64

// invalidRune stands for a byte that is not part of valid UTF-8, so that it
// matches only itself, as the byte comparison of literals has it.
func invalidRune(b byte) rune { return utf8.MaxRune + 1 + rune(b) }

// decodeRune is utf8.DecodeRuneInString with invalid bytes as invalidRune.
func decodeRune(s string) (rune, int) {
	if s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n == 1 {
		return invalidRune(s[0]), 1
	}
	return r, n
}

// newSearcher compiles the star-free tokens toks; text gives a literal or
// variable token's text.
func newSearcher(toks []token, fold bool, text func(*token) string) *searcher {
	sr := buildSearcher(toks, fold, text, nil)
	return &sr
}

// buildSearcher is newSearcher using buf (when not nil, and when the
// segment fits it) instead of the heap.
func buildSearcher(toks []token, fold bool, text func(*token) string, buf *searchBuf) searcher {
	sr := searcher{fold: fold}
	if !fold && len(toks) == 1 && toks[0].kind != tokOne {
		if l := text(&toks[0]); len(l) <= maxIndexLit {
			sr.lit = l
			return sr
		}
	}
	// The segment's characters; -1 is '?'.
	var chars, wide []rune
	if buf != nil {
		chars, wide = buf.chars[:0], buf.wide[:0]
	}
	for i := range toks {
		if toks[i].kind == tokOne {
			chars = append(chars, -1)
			continue
		}
		l := text(&toks[i])
		for j := 0; j < len(l); {
			r, n := decodeRune(l[j:])
			if fold && 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			chars = append(chars, r)
			if r >= utf8.RuneSelf {
				wide = append(wide, r)
			}
			j += n
		}
	}
	sr.m = len(chars)
	sr.w = (sr.m + 63) / 64
	classes := 1
	for _, r := range chars {
		if r >= 0 && r < utf8.RuneSelf && sr.ascii[r] == 0 {
			sr.ascii[r] = uint16(classes)
			classes++
		}
	}
	slices.Sort(wide)
	sr.wide = slices.Compact(wide)
	sr.wideBase = uint16(classes)
	classes += len(sr.wide)
	if n := classes * sr.w; buf != nil && n <= len(buf.masks) {
		sr.masks = buf.masks[:n]
	} else {
		sr.masks = make([]uint64, n)
	}
	for i, r := range chars {
		bit := uint64(1) << (i % 64)
		if r < 0 {
			for c := 0; c < classes; c++ {
				sr.masks[c*sr.w+i/64] |= bit
			}
			continue
		}
		sr.masks[int(sr.class(r))*sr.w+i/64] |= bit
	}
	return sr
}

// class returns the class of character r.
func (sr *searcher) class(r rune) uint16 {
	if r < utf8.RuneSelf {
		return sr.ascii[r]
	}
	lo, hi := 0, len(sr.wide)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if sr.wide[mid] < r {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(sr.wide) && sr.wide[lo] == r {
		return sr.wideBase + uint16(lo)
	}
	return 0
}

// stateWords is the automaton state kept on the stack: segments of up to
// 2,048 characters search without allocating.
const stateWords = 32

// next returns the position just after the leftmost occurrence of the
// segment in s, or -1.
func (sr *searcher) next(s string, steps *int) int {
	if sr.m == 0 && sr.lit == "" {
		return 0
	}
	if sr.lit != "" {
		i := strings.Index(s, sr.lit)
		if i < 0 {
			count(steps, len(s))
			return -1
		}
		count(steps, i+len(sr.lit))
		return i + len(sr.lit)
	}
	var buf [stateWords]uint64
	d := buf[:]
	if sr.w > stateWords {
		d = make([]uint64, sr.w)
	}
	d = d[:sr.w]
	top, topBit := (sr.m-1)/64, uint64(1)<<((sr.m-1)%64)
	for i := 0; i < len(s); {
		r, n := decodeRune(s[i:])
		if sr.fold && 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		mask := sr.masks[int(sr.class(r))*sr.w:]
		carry := uint64(1)
		for k := range d {
			x := d[k]
			d[k] = (x<<1 | carry) & mask[k]
			carry = x >> 63
		}
		count(steps, sr.w)
		i += n
		if d[top]&topBit != 0 {
			return i
		}
	}
	return -1
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
			// Consecutive stars are one star: segments are never empty
			// between two stars.
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
	} else {
		p.segment()
	}
	return p
}

// segment cuts the tokens at the stars and compiles the searchers of the
// segments between two stars that hold no variable.
func (p *pattern) segment() {
	lo := 0
	for i := 0; i <= len(p.toks); i++ {
		if i < len(p.toks) && p.toks[i].kind != tokStar {
			if p.toks[i].kind == tokVar {
				p.hasVar = true
			}
			continue
		}
		sg := segment{lo: lo, hi: i}
		for j := lo; j < i; j++ {
			sg.hasVar = sg.hasVar || p.toks[j].kind == tokVar
		}
		p.segs = append(p.segs, sg)
		lo = i + 1
	}
	for k := 1; k < len(p.segs)-1; k++ {
		if sg := &p.segs[k]; !sg.hasVar {
			sg.srch = newSearcher(p.toks[sg.lo:sg.hi], p.fold, func(t *token) string { return t.lit })
		}
	}
}
