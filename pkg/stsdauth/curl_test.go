package stsdauth

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCurlSigV4 checks that what curl --aws-sigv4 signs (the client the
// example's README uses) passes through the middleware: the fake stsd
// verifies curl's signature from what the middleware forwards.
// curl's syntax: --aws-sigv4 "provider1[:provider2[:region[:service]]]"
// (https://curl.se/docs/manpage.html#--aws-sigv4).
func TestCurlSigV4(t *testing.T) {
	help, err := exec.Command("curl", "--help", "all").Output()
	if err != nil || !strings.Contains(string(help), "--aws-sigv4") {
		t.Skip("no curl with --aws-sigv4 (7.75 or later) on PATH")
	}
	p := protect(t, nil)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"GET", []string{p.srv.URL + "/hello?x=1"}, "arn:aws:sts::111122223333:assumed-role/reader/s1 "},
		{"POST", []string{"-d", `{"note":"hi"}`, "-H", "Content-Type: application/json", p.srv.URL + "/notes"}, `arn:aws:sts::111122223333:assumed-role/reader/s1 {"note":"hi"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-sS", "-w", "\n%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:execute-api",
				"--user", sessKeyID + ":" + sessSecret, "-H", "x-amz-security-token: " + sessToken}, tc.args...)
			out, err := exec.Command("curl", args...).CombinedOutput()
			if err != nil {
				t.Fatalf("curl: %v: %s", err, out)
			}
			body, code, _ := strings.Cut(strings.TrimRight(string(out), "\n"), "\n")
			if code != "200" || body != tc.want {
				t.Fatalf("curl got %s %q, want 200 %q", code, body, tc.want)
			}
		})
	}
}
