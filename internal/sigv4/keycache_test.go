package sigv4

import (
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
)

func TestDeriveKey(t *testing.T) {
	// The signing key of the AWS General Reference SigV4 example
	// (secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215/us-east-1/iam).
	got := deriveKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
	if want := "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"; hex.EncodeToString(got[:]) != want {
		t.Fatalf("got %x, want %s", got, want)
	}
}

func TestKeyCache(t *testing.T) {
	c := NewKeyCache(2)
	k1 := c.signingKey("AKID1", "20150830", "us-east-1", "sts", "secret1")
	if c.Len() != 1 || k1 != deriveKey("secret1", "20150830", "us-east-1", "sts") {
		t.Fatal("first derivation not cached or wrong")
	}
	// Same scope, wrong secret: must not get the cached key.
	if k := c.signingKey("AKID1", "20150830", "us-east-1", "sts", "secret2"); k == k1 {
		t.Fatal("a different secret reached the cached key")
	}
	// Bounded: a third scope evicts one entry.
	c.signingKey("AKID2", "20150830", "us-east-1", "sts", "s")
	c.signingKey("AKID3", "20150830", "us-east-1", "sts", "s")
	if c.Len() != 2 {
		t.Fatalf("len %d, want 2", c.Len())
	}
	var nilCache *KeyCache
	if nilCache.signingKey("A", "20150830", "us-east-1", "sts", "secret1") != k1 || nilCache.Len() != 0 {
		t.Fatal("nil cache must derive without caching")
	}
}

func TestKeyCacheConcurrent(t *testing.T) {
	c := NewKeyCache(8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				akid := fmt.Sprintf("AKID%d", (g+i)%12)
				secret := "secret-" + akid
				if got := c.signingKey(akid, "20150830", "us-east-1", "sts", secret); got != deriveKey(secret, "20150830", "us-east-1", "sts") {
					t.Error("wrong key under concurrency")
					return
				}
			}
		}()
	}
	wg.Wait()
	if c.Len() > 8 {
		t.Fatalf("cache grew to %d", c.Len())
	}
}
