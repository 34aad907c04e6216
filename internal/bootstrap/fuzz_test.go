package bootstrap

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stsd/stsd/internal/store/memory"
)

// FuzzParse: no input makes Parse panic, hang or return a half-built
// result; accepted files hold only valid JSON documents.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile(filepath.Join("testdata", "bootstrap.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte(""))
	f.Add([]byte("accounts: [\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("a: &a [x,x,x]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n"))
	f.Add([]byte(one("    users:\n      - name: a\n        inline_policies: {p: {Version: 1, Statement: {<<: {}}}}\n")))
	f.Add([]byte(one("    roles:\n      - {name: r, trust_policy: '{\"Version\":\"x\",\"Statement\":[{\"Principal\":1}]}', max_session_duration: 0x10}\n")))
	f.Add([]byte(one("    oidc_providers: [{url: \"http://[::1]:80/x\", jwks: '{\"keys\":[]}'}]\n")))
	f.Add([]byte("--- !!map\n? [a]\n: b\n"))
	f.Add([]byte(one("    groups:\n      - {name: g, path: /a/, members: [u, U], inline_policies: {p: {Version: \"2012-10-17\", Statement: {Effect: Allow, Action: \"*\", Resource: \"*\"}}}, managed_policies: [\"arn:aws:iam::111111111111:policy/P\"]}\n")))
	f.Add([]byte(one("    groups: [{name: g, members: [[u]], inline_policies: {p: '{\"Version\":1}'}}, {name: G}]\n")))
	f.Add([]byte(one("    instance_profiles:\n      - {name: web, path: /, role: r, tags: {team: blue}}\n      - {name: w2, role: [a, b], tags: {\"aws:x\": y}}\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || len(pe.Problems) == 0 || len(pe.Problems) > maxProblems {
				t.Fatalf("error is not a well-formed *Error: %v", err)
			}
			if file != nil {
				t.Fatal("file returned with an error")
			}
			return
		}
		if file == nil {
			t.Fatal("nil file without an error")
		}
		for _, a := range file.Accounts {
			for _, r := range a.Roles {
				if !json.Valid([]byte(r.TrustPolicy)) {
					t.Fatalf("invalid trust policy accepted: %q", r.TrustPolicy)
				}
			}
			for _, g := range a.Groups {
				for _, ip := range g.InlinePolicies {
					if !json.Valid([]byte(ip.Document)) {
						t.Fatalf("invalid group inline policy accepted: %q", ip.Document)
					}
				}
			}
			for _, ip := range a.Profiles {
				if ip.Name == "" {
					t.Fatalf("instance profile without a name accepted: %+v", ip)
				}
			}
			for _, p := range a.Policies {
				if !json.Valid([]byte(p.Document)) {
					t.Fatalf("invalid policy accepted: %q", p.Document)
				}
			}
		}
	})
}

func BenchmarkParseExample(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "bootstrap.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("bootstrap.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyUnchanged(b *testing.B) {
	ctx := b.Context()
	f, err := Load(filepath.Join("testdata", "bootstrap.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	s := memory.New()
	if _, err := Apply(ctx, s, f, testNow); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(ctx, s, f, testNow); err != nil {
			b.Fatal(err)
		}
	}
}
