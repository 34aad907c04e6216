package policy

import "strings"

// parseVariable parses a policy variable at the start of s ("${...}") as
// described in "IAM policy elements: Variables and tags"
// (reference_policies_variables.html): ${key}, ${key, 'default'} and the
// special characters ${*}, ${?} and ${$}, which stand for the literal
// characters so that a policy can match a real '*', '?' or '$'. It returns
// the token, the number of bytes consumed and whether s held a variable.
func parseVariable(s string) (token, int, bool) {
	end := strings.IndexByte(s, '}')
	if !strings.HasPrefix(s, "${") || end < 0 {
		return token{}, 0, false
	}
	body := s[2:end]
	switch body {
	case "*", "?", "$":
		return token{kind: tokLit, lit: body}, end + 1, true
	}
	key, def, hasDef := body, "", false
	if i := strings.IndexByte(body, ','); i >= 0 {
		key = body[:i]
		d := strings.TrimSpace(body[i+1:])
		if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
			return token{}, 0, false
		}
		def, hasDef = d[1:len(d)-1], true
	}
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, "${ ") {
		return token{}, 0, false
	}
	return token{kind: tokVar, key: strings.ToLower(key), name: key, def: def, dflt: hasDef}, end + 1, true
}
