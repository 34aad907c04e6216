package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stsd/stsd/internal/testref"
)

// TestGeneratedFilesUpToDate regenerates every file from the reference
// models and fails if the committed copy differs: run
// `go generate ./internal/apimodel` after a model or generator change.
func TestGeneratedFilesUpToDate(t *testing.T) {
	models := testref.Dir(t, "aws-models")
	files, err := generate(filepath.Dir(models))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 {
		t.Fatalf("generated %d files, want 4", len(files))
	}
	// Generation must be deterministic, or the comparison is meaningless.
	again, err := generate(filepath.Dir(models))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for rel, data := range files {
		if !bytes.Equal(data, again[rel]) {
			t.Errorf("%s: generation is not deterministic", rel)
		}
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if !bytes.Equal(committed, data) {
			t.Errorf("%s is stale: run go generate ./internal/apimodel", rel)
		}
	}
}

func TestGenerateNoProse(t *testing.T) {
	models := testref.Dir(t, "aws-models")
	files, err := generate(filepath.Dir(models))
	if err != nil {
		t.Fatal(err)
	}
	for rel, data := range files {
		// Model documentation is HTML; none of it may be carried over.
		for _, marker := range []string{"<p>", "</code>", "<a href"} {
			if bytes.Contains(data, []byte(marker)) {
				t.Errorf("%s contains documentation markup %q", rel, marker)
			}
		}
	}
}

func TestLoadModelErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	for _, content := range []string{`{`, `{"metadata":{"protocol":"json"}}`, `{"metadata":{"protocol":"query"},"shapes":{"X":null}}`} {
		if err := os.WriteFile(bad, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := loadModel(bad); err == nil {
			t.Errorf("loadModel(%s) succeeded", content)
		}
	}
	if _, err := generate(dir); err == nil {
		t.Error("generate without models succeeded")
	}
}

func TestNames(t *testing.T) {
	if goName("isTruncated") != "IsTruncated" || goName("RoleArn") != "RoleArn" || goName("") != "" {
		t.Error("goName")
	}
	if pathName("RoleSessionName") != "roleSessionName" || pathName("isTruncated") != "isTruncated" || pathName("") != "" {
		t.Error("pathName")
	}
}
