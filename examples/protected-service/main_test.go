package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stsd/stsd/pkg/stsdauth"
)

func TestParseFlags(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	if _, err := parseFlags(nil); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Fatalf("no credentials: %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("API_ID", "from-env")
	o, err := parseFlags([]string{"-stage", "dev"})
	if err != nil || o.apiID != "from-env" || o.stage != "dev" || o.accessKeyID != "AKIAEXAMPLE" || o.listen != "127.0.0.1:8080" {
		t.Fatalf("options %+v %v", o, err)
	}
	if _, err := parseFlags([]string{"extra"}); err == nil {
		t.Fatal("a stray argument was accepted")
	}
}

// failingBody reads as a body whose hash is not the signed one.
type failingBody struct{}

func (failingBody) Read([]byte) (int, error) { return 0, stsdauth.ErrPayloadHashMismatch }
func (failingBody) Close() error             { return nil }

func TestNotes(t *testing.T) {
	h := newService().routes()
	call := func(method, body string, mutate func(*http.Request)) (int, string) {
		r := httptest.NewRequest(method, "/notes", strings.NewReader(body))
		if mutate != nil {
			mutate(r)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		b, _ := io.ReadAll(w.Body)
		return w.Code, string(b)
	}
	if code, body := call("GET", "", nil); code != 200 || strings.TrimSpace(body) != "[]" {
		t.Fatalf("empty list: %d %s", code, body)
	}
	if code, body := call("POST", "first", nil); code != 201 || !strings.Contains(body, `"text":"first"`) {
		t.Fatalf("add: %d %s", code, body)
	}
	if code, body := call("POST", strings.Repeat("x", maxNoteBytes+1), nil); code != 413 || !strings.Contains(body, "RequestEntityTooLarge") {
		t.Fatalf("large note: %d %s", code, body)
	}
	if code, body := call("POST", "", func(r *http.Request) { r.Body = failingBody{} }); code != 400 || !strings.Contains(body, "XAmzContentSHA256Mismatch") {
		t.Fatalf("mismatched body: %d %s", code, body)
	}
	if code, body := call("GET", "", nil); code != 200 || !strings.Contains(body, `"id":1`) || strings.Contains(body, `"id":2`) {
		t.Fatalf("list: %d %s", code, body)
	}
}
