package policy

import (
	"bytes"
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// condValue is one compiled value of a condition.
type condValue struct {
	pat    pattern      // string and ARN (whole-value) families
	arn    *[6]pattern  // ARN family when the value has six sections
	num    float64      // numeric
	t      instant      // date
	b      bool         // Bool, Null
	bin    []byte       // BinaryEquals
	prefix netip.Prefix // IpAddress
	ok     bool         // the value parsed for its operator family
}

// compileCondition fills the compiled fields of c; version decides whether
// policy variables are substituted.
func compileCondition(c *Condition, version string) {
	c.op, c.set, c.ifExists, _ = parseOperator(c.Operator)
	c.lkey = strings.ToLower(c.Key)
	vars := version == Version2012
	c.vals = make([]condValue, len(c.Values))
	for i, raw := range c.Values {
		v := &c.vals[i]
		switch c.op.family() {
		case famString:
			o := compileOptions{variables: vars}
			switch c.op {
			case opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
				o.fold = true
			case opStringLike, opStringNotLike:
				o.wildcards = true
			}
			v.pat, v.ok = compilePattern(raw, o), true
		case famArn:
			// "Each of the six colon-delimited components of the ARN is
			// checked separately and each can include multi-character match
			// wildcards (*) or single-character match wildcards (?)" — for
			// ArnEquals as well as ArnLike.
			o := compileOptions{variables: vars, wildcards: true}
			if parts := strings.SplitN(raw, ":", 6); len(parts) == 6 {
				var ps [6]pattern
				for j, p := range parts {
					ps[j] = compilePattern(p, o)
				}
				v.arn = &ps
			} else {
				v.pat = compilePattern(raw, o)
			}
			v.ok = true
		case famNumeric:
			f, err := strconv.ParseFloat(raw, 64)
			v.num, v.ok = f, err == nil && !math.IsNaN(f)
		case famDate:
			v.t, v.ok = parseDate(raw)
		case famBool, famNull:
			switch strings.ToLower(raw) {
			case "true":
				v.b, v.ok = true, true
			case "false":
				v.b, v.ok = false, true
			}
		case famBinary:
			b, err := base64.StdEncoding.DecodeString(raw)
			v.bin, v.ok = b, err == nil
		case famIP:
			v.prefix, v.ok = parseCIDR(raw)
		}
	}
}

// parseCIDR accepts an IPv4 or IPv6 CIDR block or a bare address (a /32 or
// /128), as the IpAddress operator does.
func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// dateLayouts are the ISO 8601 forms IAM accepts for Date operators
// (reference_policies_elements_condition_operators.html#Conditions_Date:
// "ISO 8601 date formats or ... epoch (UNIX) time").
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
}

// instant is a point in time as Unix seconds plus nanoseconds. A single
// int64 of nanoseconds would only span the years 1678-2262 (time.UnixNano
// is undefined outside them), and policies do name dates such as
// "2999-12-31T23:59:59Z" as "never expires".
type instant struct {
	sec  int64
	nsec int32
}

// cmpInstant returns -1, 0 or +1 comparing a with b.
func cmpInstant(a, b instant) int {
	if c := cmp(a.sec, b.sec); c != 0 {
		return c
	}
	return cmp(int64(a.nsec), int64(b.nsec))
}

// parseDate parses an ISO 8601 date or Unix epoch seconds.
func parseDate(s string) (instant, bool) {
	if s == "" {
		return instant{}, false
	}
	if s[0] >= '0' && s[0] <= '9' && strings.IndexAny(s, "-T:tz") < 0 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return instant{}, false
		}
		return instant{sec: n}, true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return instant{sec: t.Unix(), nsec: int32(t.Nanosecond())}, true
		}
	}
	return instant{}, false
}

// evalCondition reports whether the condition holds for the request.
// Semantics, from "Condition operators" and "Single-valued vs. multivalued
// context keys" (reference_policies_condition-single-vs-multi-valued-
// context-keys.html):
//   - an absent key makes …IfExists true, ForAllValues true, ForAnyValue
//     false, a negated operator true and every other operator false;
//   - Null:true holds when the key is absent, Null:false when present;
//   - ForAllValues: every request value matches some policy value;
//     ForAnyValue: some request value matches some policy value; with a
//     negated operator "matches" is itself negated per request value;
//   - without a set operator, the values are ORed (any request value
//     matching any policy value) and negated operators negate the result;
//     a key set as a list (Context.SetList) does not match at all.
func (c *Condition) eval(e *evalCtx) bool {
	vals, present := e.req.Context.lookup(c.lkey)
	if c.op == opNull {
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].b != present {
				return true
			}
		}
		return false
	}
	if !present || len(vals) == 0 {
		if !present {
			e.noteMissing(c.Key)
		}
		switch {
		case c.ifExists:
			return true
		case c.set == setForAllValues:
			return true
		case c.set == setForAnyValue:
			return false
		}
		return c.op.negated()
	}
	if c.set == setNone && e.req.Context.isList(c.lkey) {
		// A single-valued operator cannot compare a list-typed key (see
		// Context.SetList): the condition does not hold.
		return false
	}
	neg := c.op.negated()
	switch c.set {
	case setForAllValues:
		for _, v := range vals {
			if c.anyMatch(v, e) == neg {
				return false
			}
		}
		return true
	case setForAnyValue:
		for _, v := range vals {
			if c.anyMatch(v, e) != neg {
				return true
			}
		}
		return false
	}
	for _, v := range vals {
		if c.anyMatch(v, e) {
			return !neg
		}
	}
	return neg
}

// anyMatch reports whether request value s matches any policy value under
// the positive form of the operator.
func (c *Condition) anyMatch(s string, e *evalCtx) bool {
	switch c.op.family() {
	case famString:
		for i := range c.vals {
			if c.vals[i].pat.match(s, e) {
				return true
			}
		}
	case famArn:
		for i := range c.vals {
			if c.vals[i].matchARN(s, e) {
				return true
			}
		}
	case famNumeric:
		// A request value of "NaN" parses, but compares neither less nor
		// greater than anything, so cmp would call it equal to every
		// policy value; it is no number and matches nothing.
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) {
			return false
		}
		for i := range c.vals {
			if v := &c.vals[i]; v.ok && compareOrdered(c.op, cmp(f, v.num)) {
				return true
			}
		}
	case famDate:
		t, ok := parseDate(s)
		if !ok {
			return false
		}
		for i := range c.vals {
			if v := &c.vals[i]; v.ok && compareOrdered(c.op, cmpInstant(t, v.t)) {
				return true
			}
		}
	case famBool:
		var b bool
		switch {
		case equalFold(s, "true"):
			b = true
		case equalFold(s, "false"):
		default:
			return false
		}
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].b == b {
				return true
			}
		}
	case famBinary:
		var buf [256]byte
		if base64.StdEncoding.DecodedLen(len(s)) > len(buf) {
			return false
		}
		n, err := base64.StdEncoding.Decode(buf[:], []byte(s))
		if err != nil {
			return false
		}
		for i := range c.vals {
			if c.vals[i].ok && bytes.Equal(c.vals[i].bin, buf[:n]) {
				return true
			}
		}
	case famIP:
		a, err := netip.ParseAddr(s)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].prefix.Contains(a) {
				return true
			}
		}
	}
	return false
}

// matchARN matches s section by section against an ARN-valued policy value.
func (v *condValue) matchARN(s string, e *evalCtx) bool {
	if v.arn == nil {
		return v.pat.match(s, e)
	}
	rest := s
	for j := 0; j < 5; j++ {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return false
		}
		if !v.arn[j].match(rest[:i], e) {
			return false
		}
		rest = rest[i+1:]
	}
	return v.arn[5].match(rest, e)
}

// cmp returns -1, 0 or +1 comparing request value a with policy value b.
func cmp[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareOrdered applies a Numeric or Date operator (positive form) to the
// comparison of the request value with the policy value.
func compareOrdered(op opKind, c int) bool {
	switch op {
	case opNumericEquals, opNumericNotEquals, opDateEquals, opDateNotEquals:
		return c == 0
	case opNumericLessThan, opDateLessThan:
		return c < 0
	case opNumericLessThanEquals, opDateLessThanEquals:
		return c <= 0
	case opNumericGreaterThan, opDateGreaterThan:
		return c > 0
	case opNumericGreaterThanEquals, opDateGreaterThanEquals:
		return c >= 0
	}
	return false
}
