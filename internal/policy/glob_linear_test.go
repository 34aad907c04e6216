package policy

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// backtrackMatch is the matcher stsd used before the linear one: greedy,
// backtracking to the last '*' (O(n·m)). It is kept here as the definition
// of the semantics the linear matcher must keep, variables and missing-key
// reports included, and counts its steps the way matchCounting does, so
// tests can show the difference in work.
func backtrackMatch(p *pattern, s string, e *evalCtx, steps *int) bool {
	if p.plain {
		*steps += len(p.raw)
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
				*steps++
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
				*steps += len(lit)
				if hasPrefix(s[si:], lit, p.fold) {
					si += len(lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		si = starS
		ti = starT + 1
	}
}

// workBound is the most steps matchCounting may take for an input of n
// bytes, from the cost note on pattern: the literal text compared in place
// (at most the pattern's characters and variable defaults, twice: the match
// and the missing-key check) plus n input characters per search, each at
// max(maxIndexLit, ⌈m/64⌉) steps. extra is the length of the request's
// variable values.
func workBound(p *pattern, n, extra int) int {
	m := len(p.raw) + extra
	w := maxIndexLit
	for _, t := range p.toks {
		m += len(t.lit) + len(t.def) + 1
	}
	if x := (m + 63) / 64; x > w {
		w = x
	}
	return 2 * (m + n*w)
}

// pathological are pattern/input pairs on which the backtracking matcher
// does about n·m work: the probe of issue 10 (a resource pattern of 1,024
// '?' and a '#' after a star, against a 2,048-character ARN) and its
// variations.
func pathological() []struct {
	name, pat, s string
	fold         bool
	want         bool
} {
	q := strings.Repeat("?", 1024)
	arn := "arn:aws:s3:::" + strings.Repeat("x", 2048-len("arn:aws:s3:::"))
	long := strings.Repeat("a", 4096)
	return []struct {
		name, pat, s string
		fold         bool
		want         bool
	}{
		{"probe", "arn:aws:s3:::*" + q + "#", arn, false, false},
		{"probe matching", "arn:aws:s3:::*" + q + "#", arn[:len(arn)-1] + "#", false, true},
		{"many ? then literal between stars", "*" + q + "#*", arn, false, false},
		{"stars between ? runs", strings.Repeat("*"+strings.Repeat("?", 100), 10) + "#", arn, false, false},
		{"stars between ? runs and literals", strings.Repeat("*x"+strings.Repeat("?", 60)+"y", 8) + "*", long, false, false},
		{"*a*a*a…b", strings.Repeat("*a", 200) + "*b", long, false, false},
		{"*a*a*a…b between stars", strings.Repeat("*a", 200) + "*b*", long, false, false},
		{"long literal between stars", "*" + strings.Repeat("a", 500) + "b*", long, false, false},
		{"folded action", "s3:*" + strings.Repeat("A", 300) + "B*", "s3:" + long, true, false},
		{"non-ASCII", "*é" + strings.Repeat("?", 300) + "ü*", strings.Repeat("é", 3000), false, false},
	}
}

// TestGlobLinearWork holds the matcher to its documented bound on inputs
// where the backtracking matcher did n·m work; it counts steps rather than
// timing them.
func TestGlobLinearWork(t *testing.T) {
	for _, tc := range pathological() {
		t.Run(tc.name, func(t *testing.T) {
			p := compilePattern(tc.pat, compileOptions{wildcards: true, fold: tc.fold})
			var steps, old int
			if got := p.matchCounting(tc.s, nil, &steps); got != tc.want {
				t.Fatalf("match = %v, want %v", got, tc.want)
			}
			if got := backtrackMatch(&p, tc.s, nil, &old); got != tc.want {
				t.Fatalf("backtracking match = %v, want %v", got, tc.want)
			}
			nm := len(tc.s) * utf8.RuneCountInString(tc.pat)
			if bound := workBound(&p, len(tc.s), 0); steps > bound {
				t.Errorf("%d steps, bound %d", steps, bound)
			}
			// Far fewer than n·m: at least 20 times fewer, where the
			// backtracking matcher needed a large part of n·m.
			if steps*20 > nm {
				t.Errorf("%d steps for n·m = %d (backtracking: %d)", steps, nm, old)
			}
			t.Logf("%d steps, backtracking %d, n·m %d", steps, old, nm)
		})
	}
}

// TestGlobProbeIsCheap checks the probe of issue 10 is decided in place:
// its last segment is anchored at the end of the ARN, so the cost is that
// of comparing the pattern once.
func TestGlobProbeIsCheap(t *testing.T) {
	tc := pathological()[0]
	p := compilePattern(tc.pat, compileOptions{wildcards: true})
	var steps int
	p.matchCounting(tc.s, nil, &steps)
	if steps > 2*len(tc.pat) {
		t.Errorf("%d steps for a pattern of %d characters", steps, len(tc.pat))
	}
}

// globCase is one differential test input.
type globCase struct {
	pat, s string
	fold   bool
	vars   map[string]string
}

// checkSameAsBacktracking compares the linear matcher with backtrackMatch:
// the result, whether a missing key is reported and which, and the
// unresolved flag that drops statements.
func checkSameAsBacktracking(t *testing.T, c globCase) {
	t.Helper()
	p := compilePattern(c.pat, compileOptions{wildcards: true, variables: true, fold: c.fold})
	var req Request
	for k, v := range c.vars {
		req.Context.Set(k, v)
	}
	var r1, r2 Result
	e1 := &evalCtx{req: &req, res: &r1}
	e2 := &evalCtx{req: &req, res: &r2}
	var n1, n2 int
	got := p.matchCounting(c.s, e1, &n1)
	want := backtrackMatch(&p, c.s, e2, &n2)
	if got != want || e1.unresolved != e2.unresolved || fmt.Sprint(r1.Missing) != fmt.Sprint(r2.Missing) {
		t.Fatalf("%q ~ %q (fold %v, vars %v): got %v unresolved %v missing %v; backtracking %v %v %v",
			c.pat, c.s, c.fold, c.vars, got, e1.unresolved, r1.Missing, want, e2.unresolved, r2.Missing)
	}
}

func TestGlobSameAsBacktracking(t *testing.T) {
	vars := map[string]string{"aws:username": "Bob", "k:empty": "", "k:star": "*", "k:e": "é"}
	cases := []globCase{
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/Bob/x", false, vars},
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/bob/x", false, vars},
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/bob/x", true, vars},
		{"*/${aws:username}/*", "a/b/Bob/c", false, vars},
		{"*/${aws:username}/*", "a/b/Bo/c", false, vars},
		{"*${k:star}*", "a*b", false, vars},
		{"*${k:star}*", "ab", false, vars},
		{"*${k:empty}*", "", false, vars},
		{"a${k:empty}?b", "axb", false, vars},
		{"*?${k:e}?*", "xéyéz", false, vars},
		{"${aws:username, 'x'}*", "Bobby", false, nil},
		{"${aws:username, 'x'}*", "xy", false, nil},
		{"*${aws:username, 'x'}", "yx", false, nil},
		// Unresolved variables: reported only when the text before them
		// matches a prefix of the input.
		{"a*${k:none}", "b", false, vars},
		{"a*${k:none}", "ab", false, vars},
		{"*${k:none}*q", "abc", false, vars},
		{"*b*${k:none}", "a", false, vars},
		{"*b*${k:none}", "ab", false, vars},
		{"x?${k:none}", "xy", false, vars},
		{"x?${k:none}", "x", false, vars},
		{"*b?c${k:none}d*", "abxc", false, vars},
		{"*b?c${k:none}d*", "abxd", false, vars},
		{"${k:none}${k:other}", "", false, vars},
		{"${aws:username}*${k:none}", "Bo", false, vars},
		{"${aws:username}*${k:none}", "Bob", false, vars},
		{"*${aws:username}*${k:none}", "xxBob", false, vars},
		{"*${aws:username}*${k:none}", "xxBo", false, vars},
		{"*A*${k:none}", "xxa", true, vars},
		// Invalid UTF-8 in the input: '?' takes one byte, literals match
		// bytes.
		{"*?b*", "a\xffb", false, nil},
		{"*\xef\xbf\xbd*", "a\xffb", false, nil},
		{"*?" + "\xa9*", "\xc3\xa9", false, nil},
	}
	for _, c := range cases {
		checkSameAsBacktracking(t, c)
	}
}

// FuzzGlobSameAsBacktracking extends FuzzGlob to case folding, policy
// variables and missing-key reports, with backtrackMatch as the oracle.
func FuzzGlobSameAsBacktracking(f *testing.F) {
	f.Add("*${a:x}?b*", "zAb", "A", true)
	f.Add("a*${a:none}", "ab", "", false)
	f.Add("*?${a:x}*c", "ééc", "é", false)
	f.Fuzz(func(t *testing.T, pat, s, val string, fold bool) {
		// Patterns come from JSON documents and are valid UTF-8; the
		// input may not be. See pattern on variable values that are not.
		if len(pat) > 24 || len(s) > 32 || len(val) > 8 || !utf8.ValidString(pat) || !utf8.ValidString(val) {
			return
		}
		checkSameAsBacktracking(t, globCase{pat: pat, s: s, fold: fold, vars: map[string]string{"a:x": val}})
	})
}

// TestGlobNoAllocs keeps the matcher allocation-free on the authorization
// path, patterns with a variable between stars included (their searcher
// is built on the stack), and on the pathological pairs.
func TestGlobNoAllocs(t *testing.T) {
	e, globs := ordinaryGlobs()
	for _, c := range pathological()[:3] {
		if c.name == "probe matching" {
			continue
		}
		globs = append(globs, compiledGlob{compilePattern(c.pat, compileOptions{wildcards: true, variables: true}), c.s})
	}
	for _, c := range globs {
		if n := testing.AllocsPerRun(10, func() { c.p.match(c.s, e) }); n != 0 {
			t.Errorf("%q: %v allocations", c.p.raw, n)
		}
	}
}

// compiledGlob is a compiled pattern and an input.
type compiledGlob struct {
	p pattern
	s string
}

// ordinaryGlobs are patterns of everyday authorization (actions, resource
// ARNs with a variable in place and between stars, '?'), each with an
// input it matches, and the request context their variables read.
func ordinaryGlobs() (*evalCtx, []compiledGlob) {
	var req Request
	req.Context.Set("aws:username", "alice")
	var globs []compiledGlob
	for _, c := range []struct{ pat, s string }{
		{"s3:*object*", "s3:GetObjectAcl"},
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/alice/k"},
		{"arn:aws:s3:::*/${aws:username}/*", "arn:aws:s3:::bucket/home/alice/file.txt"},
		{"arn:aws:s3:::*/home-${aws:username}-?/*", "arn:aws:s3:::bucket/x/home-alice-1/file.txt"},
		{"arn:aws:s3:::*/x?z/*", "arn:aws:s3:::b/a/xyz/k"},
	} {
		p := compilePattern(c.pat, compileOptions{wildcards: true, variables: true, fold: strings.HasPrefix(c.pat, "s3:")})
		globs = append(globs, compiledGlob{p, c.s})
	}
	return &evalCtx{req: &req, res: &Result{}}, globs
}

// TestOrdinaryGlobsMatch keeps the allocation test and the benchmark
// honest: each ordinary pattern matches its input.
func TestOrdinaryGlobsMatch(t *testing.T) {
	e, globs := ordinaryGlobs()
	for _, c := range globs {
		if !c.p.match(c.s, e) {
			t.Errorf("%q does not match %q", c.p.raw, c.s)
		}
	}
}

// BenchmarkGlobPathological reports the time and the steps per match of
// the pathological pairs; steps/op is what TestGlobLinearWork bounds.
func BenchmarkGlobPathological(b *testing.B) {
	for _, tc := range pathological() {
		b.Run(tc.name, func(b *testing.B) {
			p := compilePattern(tc.pat, compileOptions{wildcards: true, fold: tc.fold})
			var steps int
			b.ReportAllocs()
			for b.Loop() {
				p.matchCounting(tc.s, nil, &steps)
			}
			b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
		})
	}
}

// BenchmarkGlobOrdinary is the matcher on the ordinary authorization path
// (no step budget).
func BenchmarkGlobOrdinary(b *testing.B) {
	e, globs := ordinaryGlobs()
	for _, c := range globs {
		b.Run(c.p.raw, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.p.match(c.s, e)
			}
		})
	}
}
