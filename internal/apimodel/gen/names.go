package main

import (
	"strings"
	"unicode/utf8"
)

// goName is the Go identifier of a model member or shape name: the name
// with its first letter upper-cased. Generated structs name their fields
// with it, and the generated tables record it in Member.GoName, which is
// how the Query decoder finds a member's field.
func goName(s string) string {
	if s == "" {
		return s
	}
	r, w := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[w:]
}

// pathName returns s with its first letter lower-cased, as AWS names
// members in ValidationError messages ("roleSessionName"); the generated
// tables record it in Member.PathName.
func pathName(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+('a'-'A')) + s[1:]
}
