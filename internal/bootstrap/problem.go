package bootstrap

import (
	"fmt"
	"strconv"
	"strings"
)

// maxProblems caps how many problems one Parse reports: enough to fix a file
// in one round, few enough that a mangled file does not flood the log.
const maxProblems = 50

// Problem is one thing wrong with the bootstrap file, located by file, line,
// column and field path.
type Problem struct {
	File string
	Position
	Msg string
}

// Error formats the problem as FILE:LINE:COL: PATH: MSG, the shape editors
// and terminals recognise as a jump target.
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
		if p.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Column))
		}
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error is what Parse and Load return when the file is not acceptable: every
// problem found, in file order of discovery, up to a cap.
type Error struct {
	Problems []*Problem
	// Truncated is true when more problems were found than Problems holds.
	Truncated bool
}

// Error joins the problems one per line.
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	if e.Truncated {
		fmt.Fprintf(&b, "\n(more problems not shown; fix these first)")
	}
	return b.String()
}

// Unwrap exposes the problems to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// problems collects Problems for one file.
type problems struct {
	file      string
	list      []*Problem
	truncated bool
}

func (ps *problems) add(pos Position, format string, args ...any) {
	if len(ps.list) >= maxProblems {
		ps.truncated = true
		return
	}
	ps.list = append(ps.list, &Problem{File: ps.file, Position: pos, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) full() bool { return len(ps.list) >= maxProblems }

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &Error{Problems: ps.list, Truncated: ps.truncated}
}
