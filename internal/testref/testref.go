// Package testref locates the shared reference data (AWS service models, the
// SigV4 test suite, SAML samples, policy cases) that lives beside the
// repository in ../shared/reference and is never copied into it.
//
// Tests call Dir; when the data is absent (a user's clone has none) the test
// is skipped with a message that says where the data was looked for.
package testref

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar names the environment variable that, when set, points straight at
// the reference directory.
const EnvVar = "STSD_REFERENCE"

// Find returns the reference directory: $STSD_REFERENCE if set, otherwise the
// first "shared/reference" found beside the working directory or one of its
// parents. It returns "" when there is none.
func Find() string {
	if d := os.Getenv(EnvVar); d != "" {
		if isDir(d) {
			return d
		}
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; {
		cand := filepath.Join(dir, "shared", "reference")
		if isDir(cand) {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Dir returns the path of sub (slash-separated) inside the reference
// directory, or skips the test when the reference data is not available.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	root := Find()
	if root == "" {
		tb.Skipf("reference data not found: set %s or place the shared/ directory beside the repository (looked upward from the working directory)", EnvVar)
	}
	p := filepath.Join(root, filepath.FromSlash(sub))
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("reference data %s not available: %v", p, err)
	}
	return p
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
