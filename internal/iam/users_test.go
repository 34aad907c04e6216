package iam

import (
	"testing"
)

func TestSamePath(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"", "/", true}, {"/", "/", true}, {"/a/", "/a/", true}, {"/a/", "/", false}} {
		if samePath(tc.a, tc.b) != tc.want {
			t.Errorf("samePath(%q, %q) != %v", tc.a, tc.b, tc.want)
		}
	}
}
