package iam

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// position is a line/column in a policy document as the policy simulator
// reports it in MatchedStatements.
type position struct{ line, column int32 }

// span is where one statement object sits in its document.
type span struct{ start, end position }

// statementSpans returns, in document order, where each statement of a
// policy document sits: the statement object itself, or each object of the
// Statement array. It expects a document that policy.Parse accepted; for
// anything else it returns what it could find, never panicking.
//
// Positions follow the simulator's convention, read off AWS's recorded
// answers: lines count from 1 and columns are one past the 1-based column of
// the opening and of the closing brace. For the one-line document
// {"Version":"2012-10-17","Statement":{"Effect":"Allow",...}} of 167
// characters AWS answers StartPosition {1, 38} and EndPosition {1, 167}
// (aws-cli awscli/examples/iam/simulate-custom-policy.rst), and for
// Python's json.dumps of a one-statement document StartPosition {1, 41},
// EndPosition {1, 113} (aws-parity-snapshots/localstack/test_iam.snapshot.json,
// test_simulate_principle_policy).
func statementSpans(doc string) []span {
	sc := scanner{s: doc}
	sc.ws()
	if !sc.eat('{') {
		return nil
	}
	for {
		sc.ws()
		if sc.eat('}') || sc.done() {
			return nil
		}
		keyStart := sc.i
		if !sc.str() {
			return nil
		}
		var key string
		if json.Unmarshal([]byte(doc[keyStart:sc.i]), &key) != nil {
			return nil
		}
		sc.ws()
		if !sc.eat(':') {
			return nil
		}
		sc.ws()
		if key == "Statement" {
			return sc.statements()
		}
		if !sc.value() {
			return nil
		}
		sc.ws()
		sc.eat(',')
	}
}

// scanner walks a JSON text by byte offsets.
type scanner struct {
	s string
	i int
}

func (sc *scanner) done() bool { return sc.i >= len(sc.s) }

func (sc *scanner) eat(c byte) bool {
	if sc.i < len(sc.s) && sc.s[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

func (sc *scanner) ws() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// str skips a string literal starting at the cursor.
func (sc *scanner) str() bool {
	if !sc.eat('"') {
		return false
	}
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case '\\':
			sc.i += 2
		case '"':
			sc.i++
			return true
		default:
			sc.i++
		}
	}
	return false
}

// value skips any JSON value, tracking nesting iteratively so a deep
// document cannot exhaust the stack.
func (sc *scanner) value() bool {
	if sc.done() {
		return false
	}
	switch sc.s[sc.i] {
	case '"':
		return sc.str()
	case '{', '[':
		depth := 0
		for sc.i < len(sc.s) {
			switch sc.s[sc.i] {
			case '"':
				if !sc.str() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			sc.i++
			if depth == 0 {
				return true
			}
		}
		return false
	}
	// A number, true, false or null runs to the next delimiter; a value
	// that is empty (a stray delimiter) is malformed, and refusing it
	// guarantees every loop over values advances.
	start := sc.i
	for sc.i < len(sc.s) && !strings.ContainsRune(",:}] \t\n\r", rune(sc.s[sc.i])) {
		sc.i++
	}
	return sc.i > start
}

// statements reads the Statement value at the cursor: one object, or an
// array of objects.
func (sc *scanner) statements() []span {
	if sc.done() {
		return nil
	}
	if sc.s[sc.i] == '{' {
		if sp, ok := sc.object(); ok {
			return []span{sp}
		}
		return nil
	}
	if !sc.eat('[') {
		return nil
	}
	var out []span
	for {
		sc.ws()
		if sc.done() || sc.eat(']') {
			return out
		}
		if sc.s[sc.i] == '{' {
			sp, ok := sc.object()
			if !ok {
				return out
			}
			out = append(out, sp)
		} else if !sc.value() {
			return out
		}
		sc.ws()
		sc.eat(',')
	}
}

// object skips the object at the cursor and returns its span.
func (sc *scanner) object() (span, bool) {
	open := sc.i
	if !sc.value() {
		return span{}, false
	}
	return span{start: sc.pos(open), end: sc.pos(sc.i - 1)}, true
}

// pos converts the byte offset of a brace to the simulator's position.
func (sc *scanner) pos(off int) position {
	line, lineStart := int32(1), 0
	for j := 0; j < off; j++ {
		if sc.s[j] == '\n' {
			line++
			lineStart = j + 1
		}
	}
	col := int32(utf8.RuneCountInString(sc.s[lineStart:off])) + 2
	return position{line: line, column: col}
}
