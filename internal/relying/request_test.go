package relying

import (
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
)

// TestDecodeRefusals: every malformed call is a 400 InvalidRequest whose
// message names what is wrong, never a panic or an internal failure.
func TestDecodeRefusals(t *testing.T) {
	long := strings.Repeat("a", MaxURLBytes)
	for _, tc := range []struct {
		name, body, mention string
	}{
		{"empty", ``, "JSON object"},
		{"array", `[1]`, "JSON object"},
		{"not json", `{nope}`, "not valid JSON"},
		{"truncated", `{"method":"GET"`, "not valid JSON"},
		{"trailing data", `{"method":"GET"} {}`, "nothing after it"},
		{"unknown field", `{"method":"GET","nope":1}`, `"nope"`},
		{"unknown authorize field on verify", `{"principal_arn":"x"}`, `"principal_arn"`},
		{"method wrong type", `{"method":1}`, "'method' must be a string"},
		{"headers wrong type", `{"method":"GET","url":"/","headers":[]}`, "'headers' must be an object"},
		{"header values wrong type", `{"method":"GET","url":"/","headers":{"Host":"a"}}`, "'headers"},
		{"body wrong type", `{"method":"GET","url":"/","headers":{"Host":["a"]},"body":5}`, "'body' must be a string"},
		{"no method", `{"url":"/","headers":{"Host":["a"]}}`, "'method' is required"},
		{"bad method", `{"method":"G T","url":"/","headers":{"Host":["a"]}}`, "'method'"},
		{"no url", `{"method":"GET","headers":{"Host":["a"]}}`, "'url' is required"},
		{"relative url", `{"method":"GET","url":"x","headers":{"Host":["a"]}}`, "'url'"},
		{"url too long", `{"method":"GET","url":"/` + long + `","headers":{"Host":["a"]}}`, "'url' must be no longer"},
		{"no headers", `{"method":"GET","url":"/"}`, "'headers' is required"},
		{"bad header name", `{"method":"GET","url":"/","headers":{"Bad Name":["a"]}}`, "invalid header name"},
		{"header line break", `{"method":"GET","url":"/","headers":{"X":["a\r\nb"]}}`, "line break"},
		{"both bodies", `{"method":"GET","url":"/","headers":{"Host":["a"]},"body":"","body_sha256":"00"}`, "'body' and 'body_sha256'"},
		{"bad base64", `{"method":"GET","url":"/","headers":{"Host":["a"]},"body":"!!"}`, "'body' must be base64"},
		{"bad hash", `{"method":"GET","url":"/","headers":{"Host":["a"]},"body_sha256":"abc"}`, "'body_sha256'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in SignedRequest
			err := decodeJSON([]byte(tc.body), &in)
			if err == nil {
				_, err = in.validate()
			}
			wantInvalid(t, err, tc.mention)
		})
	}
}

func wantInvalid(t *testing.T, err error, mention string) {
	t.Helper()
	e, ok := apierr.As(err)
	if !ok || e.Code != CodeInvalidRequest || e.HTTPStatus != 400 {
		t.Fatalf("err = %v, want 400 InvalidRequest", err)
	}
	if !strings.Contains(e.Message, mention) {
		t.Fatalf("message %q does not mention %q", e.Message, mention)
	}
}

func TestAuthorizeChecks(t *testing.T) {
	batch := func(n int) string {
		return `{"requests":[` + strings.TrimSuffix(strings.Repeat(`{"action":"s3:GetObject","resource":"*"},`, n), ",") + `]}`
	}
	for _, tc := range []struct {
		name, body, mention string
	}{
		{"no action", `{"resource":"*"}`, "'action' is required"},
		{"action without service", `{"action":"Get","resource":"*"}`, "'action' must be service:Action"},
		{"no resource", `{"action":"s3:GetObject"}`, "'resource' is required"},
		{"bad account", `{"action":"s3:GetObject","resource":"*","resource_account":"12"}`, "'resource_account'"},
		{"context wrong type", `{"action":"s3:GetObject","resource":"*","context":{"k":"v"}}`, "'context"},
		{"empty batch", `{"requests":[]}`, "at least one"},
		{"batch too large", batch(MaxBatch + 1), "no more than 100"},
		{"batch and single", `{"action":"s3:GetObject","requests":[{"action":"s3:GetObject","resource":"*"}]}`, "exclude each other"},
		{"batch item names its index", `{"requests":[{"action":"s3:GetObject","resource":"*"},{"resource":"*"}]}`, "'requests[1].action'"},
		{"batch item wrong type", `{"requests":[{"action":1}]}`, "'requests.action'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in AuthorizeRequest
			err := decodeJSON([]byte(tc.body), &in)
			if err == nil {
				_, _, err = in.checks()
			}
			wantInvalid(t, err, tc.mention)
		})
	}
	var in AuthorizeRequest
	if err := decodeJSON([]byte(batch(MaxBatch)), &in); err != nil {
		t.Fatal(err)
	}
	if cs, isBatch, err := in.checks(); err != nil || !isBatch || len(cs) != MaxBatch {
		t.Fatalf("a batch of %d: %d %v %v", MaxBatch, len(cs), isBatch, err)
	}
}

func TestHTTPRequest(t *testing.T) {
	in := SignedRequest{Method: "GET", URL: "/a%20b?x=1&y=2", Headers: map[string][]string{"host": {"svc.example"}, "x-amz-date": {"d"}, "X-Amz-Date": {"e"}}}
	p, err := in.validate()
	if err != nil {
		t.Fatal(err)
	}
	r := in.httpRequest(p)
	if r.Host != "svc.example" || r.RequestURI != "/a%20b?x=1&y=2" || r.URL.RawQuery != "x=1&y=2" || len(r.Header["X-Amz-Date"]) != 2 || r.Header["Host"] != nil {
		t.Fatalf("request %+v", r)
	}
}

func TestArnAccount(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:execute-api:us-east-1:123456789012:api/stage/GET/x": "123456789012",
		"arn:aws:s3:::bucket/key":                                    "",
		"arn:aws:iam::111111111111:user/a":                           "111111111111",
		"*":                                                          "",
		"arn:aws:iam::111111111111":                                  "",
		"arn:aws:iam::111111111111:root:x:y":                         "111111111111",
	} {
		if got := arnAccount(arn); got != want {
			t.Errorf("arnAccount(%q) = %q, want %q", arn, got, want)
		}
	}
}

func TestHeaderLookup(t *testing.T) {
	in := SignedRequest{Headers: map[string][]string{"user-agent": {"sdk/1"}, "X-Empty": {}}}
	if in.header("User-Agent") != "sdk/1" || in.header("x-empty") != "" || in.header("nope") != "" {
		t.Fatal("header lookup")
	}
}

func TestEncodedSeparators(t *testing.T) {
	for raw, want := range map[string]bool{
		"/admin%2F..%2Fpublic": true, "/a%2fb": true, "/a%5Cb": true, "/a%5cb": true,
		"/a%20b": false, "/public/%2e%2e/admin": false, "/pets/1": false, "/%2": false, "/%": false,
	} {
		if got := hasEncodedSeparator(raw); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
}

func TestInvokeResource(t *testing.T) {
	for raw, want := range map[string]string{
		"/pets/1":              "arn:aws:execute-api:eu-west-1:111111111111:api/prod/GET/pets/1",
		"/":                    "arn:aws:execute-api:eu-west-1:111111111111:api/prod/GET/",
		"/public/../admin":     "arn:aws:execute-api:eu-west-1:111111111111:api/prod/GET/admin",
		"/public/%2e%2e/admin": "arn:aws:execute-api:eu-west-1:111111111111:api/prod/GET/admin",
		"//a///b/./c/":         "arn:aws:execute-api:eu-west-1:111111111111:api/prod/GET/a/b/c",
		"/a%20b":               "arn:aws:execute-api:eu-west-1:111111111111:api/prod/GET/a b",
	} {
		if got := invokeResource("eu-west-1", "111111111111", "api", "prod", "get", raw); got != want {
			t.Errorf("%s: %s, want %s", raw, got, want)
		}
	}
}
