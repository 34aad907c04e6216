package authz

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const policyImport = "github.com/stsd/stsd/internal/policy"

// combining are the policy package's names for combining policies into a
// decision; only authz (and policy itself) may use them.
var combining = map[string]bool{"Evaluate": true, "EvaluateTo": true, "PolicySet": true}

// combinesPolicies returns where the file's source uses policy.Evaluate,
// policy.EvaluateTo or policy.PolicySet, or calls a PolicySet method
// (Subject.PolicySet hands out the engine's view of a subject).
func combinesPolicies(fset *token.FileSet, f *ast.File) []string {
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == policyImport {
			name = "policy"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, isIdent := sel.X.(*ast.Ident)
		switch {
		case isIdent && name != "" && x.Name == name && combining[sel.Sel.Name]:
		case sel.Sel.Name == "PolicySet" && !(isIdent && x.Name == name):
		default:
			return true
		}
		found = append(found, fset.Position(sel.Pos()).String()+": "+sel.Sel.Name)
		return true
	})
	return found
}

// moduleRoot is the directory holding go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// TestNoOtherPackageCombinesPolicies is the check that every allow and deny
// is made by Decide: no non-test source outside internal/authz and
// internal/policy combines policies itself.
func TestNoOtherPackageCombinesPolicies(t *testing.T) {
	root := moduleRoot(t)
	allowed := map[string]bool{
		filepath.Join(root, "internal", "authz"):  true,
		filepath.Join(root, "internal", "policy"): true,
	}
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			base := d.Name()
			if path != root && (strings.HasPrefix(base, ".") || base == "testdata" || base == "vendor") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || allowed[filepath.Dir(path)] {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		for _, where := range combinesPolicies(fset, f) {
			t.Errorf("%s: policies are combined outside authz; use authz.Decide", where)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned only %d files under %s", files, root)
	}
}

// TestCombinesPoliciesFinds keeps the check above able to fail.
func TestCombinesPoliciesFinds(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int
	}{
		{`package x; import "github.com/stsd/stsd/internal/policy"; func f(s *policy.PolicySet, r *policy.Request) { policy.Evaluate(s, r) }`, 2},
		{`package x; import p "github.com/stsd/stsd/internal/policy"; func f() { var r p.Result; p.EvaluateTo(&p.PolicySet{}, nil, &r) }`, 2},
		{`package x; func f(s interface{ PolicySet(any, bool) any }) { s.PolicySet(nil, false) }`, 1},
		{`package x; import "github.com/stsd/stsd/internal/policy"; func f(r *policy.Result) bool { return r.Allowed() }`, 0},
		{`package x; type policy struct{ Evaluate int }; func f(policy policy) int { return policy.Evaluate }`, 0},
	} {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", c.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := combinesPolicies(fset, f); len(got) != c.want {
			t.Errorf("%s: found %v, want %d", c.src, got, c.want)
		}
	}
}
