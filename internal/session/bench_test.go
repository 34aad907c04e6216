package session

import "testing"

func BenchmarkSeal(b *testing.B) {
	r := mustRing(b, testKey(1))
	c := typicalClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Seal(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen is the hot path: every request signed with temporary
// credentials opens its token.
func BenchmarkOpen(b *testing.B) {
	r := mustRing(b, testKey(1), testKey(2), testKey(3))
	token, err := r.Seal(typicalClaims())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Open(token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenLarge opens a compressed token with a 2 KiB policy and 50
// long tags.
func BenchmarkOpenLarge(b *testing.B) {
	r := mustRing(b, testKey(1))
	token, err := r.Seal(maxRealisticClaims())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Open(token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealLarge(b *testing.B) {
	r := mustRing(b, testKey(1))
	c := maxRealisticClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Seal(c); err != nil {
			b.Fatal(err)
		}
	}
}
