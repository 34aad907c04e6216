package sigv4

import "testing"

func TestCanonicalURI(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"//example//", "/example/"},
		{"/example1/example2/../..", "/"},
		{"/example/..", "/"},
		{"/./example", "/example"},
		{"/a/b/../c/", "/a/c/"},
		{"/../../a", "/a"},
		{"/example space/", "/example%20space/"},
		{"/a%20b", "/a%2520b"}, // wire path encoded again, as non-S3 services do
		{"/-._~", "/-._~"},
		{"/$delete", "/%24delete"},
	} {
		if got := string(appendCanonicalURI(nil, tc.in)); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	for _, tc := range []struct {
		in, want  string
		presigned bool
	}{
		{"", "", false},
		{"b=2&a=1", "a=1&b=2", false},
		{"a=2&a=1", "a=1&a=2", false},
		{"Param-3=Value3&Param=Value2", "Param=Value2&Param-3=Value3", false},
		{"k", "k=", false},
		{"a=b+c&d=e%20f", "a=b%20c&d=e%20f", false},
		{"a=%2f&%41=%7e", "A=~&a=%2F", false},
		{"a=1&&b=2", "a=1&b=2", false},
		{"X-Amz-Signature=abc&a=1", "a=1", true},
		{"X-Amz-Signature=abc&a=1", "X-Amz-Signature=abc&a=1", false},
	} {
		params, err := parseQuery(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		sortParams(params)
		if got := string(appendCanonicalQuery(nil, params, tc.presigned, false)); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTrimmed(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  a   b  ", "a b"},
		{`"a   b   c"`, `"a b c"`},
		{"", ""},
		{"x", "x"},
	} {
		if got := string(appendTrimmed(nil, tc.in)); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}
