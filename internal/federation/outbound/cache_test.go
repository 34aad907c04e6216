package outbound

import (
	"slices"
	"sync"
	"testing"
)

func TestIssuersCache(t *testing.T) {
	const id, other = "7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a", "0f4d9a3e-1c2b-4e5f-8a9b-0c1d2e3f4a5b"
	const url2 = "https://sts.example.com/outbound/7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a"
	k0, k1 := keys(t, 0), keys(t, 1)
	c := NewIssuers()
	first, err := c.Get(testURL, id, k0.rsa, k0.ec)
	if err != nil {
		t.Fatal(err)
	}
	// Same inputs, even in other buffers: the cached Issuer.
	if got, _ := c.Get(testURL, id, slices.Clone(k0.rsa), slices.Clone(k0.ec)); got != first {
		t.Fatal("a Get with unchanged inputs built a new Issuer")
	}
	tests := []struct {
		name    string
		url     string
		rsa, ec []byte
		wantURL string
		wantKey keyPair // whose keys the Issuer must publish
	}{
		{"RSA key rotated", testURL, k1.rsa, k0.ec, testURL, keyPair{k1.rsa, k0.ec}},
		{"EC key rotated", testURL, k1.rsa, k1.ec, testURL, k1},
		{"public URL changed", url2, k1.rsa, k1.ec, url2, k1},
		{"back to the first inputs", testURL, k0.rsa, k0.ec, testURL, k0},
	}
	prev := first
	for _, tc := range tests {
		got, err := c.Get(tc.url, id, tc.rsa, tc.ec)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got == prev {
			t.Fatalf("%s: the stale Issuer was reused", tc.name)
		}
		want, err := NewIssuer(tc.wantURL, tc.wantKey.rsa, tc.wantKey.ec)
		if err != nil {
			t.Fatal(err)
		}
		if got.URL() != tc.wantURL || string(got.JWKS()) != string(want.JWKS()) {
			t.Fatalf("%s: Issuer for %s with key set %s", tc.name, got.URL(), got.JWKS())
		}
		if again, _ := c.Get(tc.url, id, tc.rsa, tc.ec); again != got {
			t.Fatalf("%s: the refreshed Issuer is not cached", tc.name)
		}
		prev = got
	}

	// Another issuer id has an entry of its own.
	o, err := c.Get(testURL, other, k1.rsa, k1.ec)
	if err != nil || o == prev || c.Len() != 2 {
		t.Fatalf("second id: %v, same Issuer %v, %d entries", err, o == prev, c.Len())
	}

	// A refused key leaves the cache as it was.
	if _, err := c.Get(testURL, id, k0.ec, k0.rsa); err == nil {
		t.Fatal("swapped keys accepted")
	}
	if got, _ := c.Get(testURL, id, k0.rsa, k0.ec); got != prev {
		t.Fatal("a refused Get disturbed the cached entry")
	}

	// The cache keeps copies: a caller reusing its buffer afterwards does
	// not alter the inputs the cached entry is matched by.
	buf := slices.Clone(k0.rsa)
	a, err := c.Get(testURL, other, buf, k0.ec)
	if err != nil {
		t.Fatal(err)
	}
	clear(buf)
	if b, err := c.Get(testURL, other, slices.Clone(k0.rsa), k0.ec); err != nil || a != b {
		t.Fatalf("after the caller reused its buffer: %v, same Issuer %v", err, a == b)
	}

}

// TestIssuersConcurrent runs Gets (hits, and misses from rotating keys) and
// signatures at once; run with -race.
func TestIssuersConcurrent(t *testing.T) {
	const id = "7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a"
	ks := []keyPair{keys(t, 0), keys(t, 1)}
	c := NewIssuers()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Go(func() {
			for n := range 20 {
				k := ks[(g+n/5)%2]
				iss, err := c.Get(testURL, id, k.rsa, k.ec)
				if err != nil {
					errs <- err
					return
				}
				alg := Algorithms()[n%2]
				tok, err := iss.Sign(alg, map[string]any{"sub": "x", "n": n})
				if err != nil {
					errs <- err
					return
				}
				if _, err := verifyCompact(tok, alg, iss.JWKS()); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
