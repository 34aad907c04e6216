package authmsg

import (
	"context"
	"testing"
)

// BenchmarkEncode seals the typical denied request (compressed).
func BenchmarkEncode(b *testing.B) {
	c := codec(ring(b, key(1, 1)))
	m := Build(typical())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Encode(m, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode opens it again.
func BenchmarkDecode(b *testing.B) {
	c := codec(ring(b, key(1, 1)))
	s, err := c.Encode(Build(typical()), t0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Decode(context.Background(), s, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild turns a decision into a message.
func BenchmarkBuild(b *testing.B) {
	d := typical()
	b.ReportAllocs()
	for b.Loop() {
		_ = Build(d)
	}
}
