package iam

import (
	"testing"
)

func TestTrustPolicySize(t *testing.T) {
	tests := []struct {
		doc  string
		want int
	}{
		{"", 0},
		{`{"a": 1}`, 7},
		{"{\n\t\"a\" :\r\n 1 }", 7},
		{`{"é":"ü"}`, 9},
	}
	for _, tt := range tests {
		if got := trustPolicySize(tt.doc); got != tt.want {
			t.Errorf("trustPolicySize(%q) = %d, want %d", tt.doc, got, tt.want)
		}
	}
}
