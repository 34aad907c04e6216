package cache_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
)

const acct2 = "210987654321"

// outboundCounting counts the backend outbound federation reads.
type outboundCounting struct {
	store.Store
	mu                  sync.Mutex
	byAccount, byIssuer int
}

func (s *outboundCounting) GetOutboundFederation(ctx context.Context, accountID string) (store.OutboundFederation, error) {
	s.mu.Lock()
	s.byAccount++
	s.mu.Unlock()
	return s.Store.GetOutboundFederation(ctx, accountID)
}

func (s *outboundCounting) GetOutboundFederationByIssuer(ctx context.Context, issuerID string) (store.OutboundFederation, error) {
	s.mu.Lock()
	s.byIssuer++
	s.mu.Unlock()
	return s.Store.GetOutboundFederationByIssuer(ctx, issuerID)
}

func (s *outboundCounting) counts() (byAccount, byIssuer int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byAccount, s.byIssuer
}

func federation(accountID, issuer string) store.OutboundFederation {
	return store.OutboundFederation{AccountID: accountID, IssuerID: issuer, Enabled: true,
		RSAKey: []byte("rsa-" + accountID), ECKey: []byte("ec-" + accountID)}
}

// seedOutbound makes two accounts; the first has federation issuer-a.
func seedOutbound(t testing.TB, s store.Store) {
	t.Helper()
	seed(t, s)
	err := s.Update(bg, func(tx store.Tx) error {
		if err := tx.CreateAccount(bg, store.Account{ID: acct2}); err != nil {
			return err
		}
		return tx.PutOutboundFederation(bg, federation(acct, "issuer-a"))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutboundReadsAreCached(t *testing.T) {
	back := &outboundCounting{Store: openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))}
	c := cache.New(back)
	defer c.Close()
	seedOutbound(t, c)
	for i := 0; i < 3; i++ {
		if f, err := c.GetOutboundFederation(bg, acct); err != nil || f.IssuerID != "issuer-a" {
			t.Fatalf("GetOutboundFederation = %+v, %v", f, err)
		}
		if f, err := c.GetOutboundFederationByIssuer(bg, "issuer-a"); err != nil || f.AccountID != acct {
			t.Fatalf("GetOutboundFederationByIssuer = %+v, %v", f, err)
		}
		if _, err := c.GetOutboundFederation(bg, acct2); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("account without federation: %v", err)
		}
		if _, err := c.GetOutboundFederationByIssuer(bg, "made-up"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("made-up issuer: %v", err)
		}
	}
	if byAccount, byIssuer := back.counts(); byAccount != 2 || byIssuer != 2 {
		t.Fatalf("backend reads by account %d, by issuer %d; want 2 each (a hit and a miss, each loaded once)", byAccount, byIssuer)
	}
}

// outboundReads is everything the token and discovery paths read, rendered
// so two stores' answers compare as strings.
func outboundReads(s store.Reader) map[string]string {
	out := map[string]string{}
	for _, a := range []string{acct, acct2} {
		f, err := s.GetOutboundFederation(bg, a)
		out["account "+a] = fmt.Sprintf("%+v %v", f, err)
	}
	for _, iss := range []string{"issuer-a", "issuer-b", "issuer-c"} {
		f, err := s.GetOutboundFederationByIssuer(bg, iss)
		out["issuer "+iss] = fmt.Sprintf("%+v %v", f, err)
	}
	return out
}

// TestOutboundWritesInvalidate warms every read through the cache, makes one
// write through it, and checks the cache then answers as the backend does.
// warm picks which reads to warm: the entry under an old issuer id must go
// even when the account's entry was never cached.
func TestOutboundWritesInvalidate(t *testing.T) {
	cases := []struct {
		name  string
		warm  func(c *cache.Cache)
		write store.OutboundFederation
	}{
		{"disable", nil, func() store.OutboundFederation { f := federation(acct, "issuer-a"); f.Enabled = false; return f }()},
		{"rotate keys", nil, func() store.OutboundFederation {
			f := federation(acct, "issuer-a")
			f.RSAKey, f.ECKey = []byte("new-rsa"), []byte("new-ec")
			return f
		}()},
		{"create over cached misses", nil, federation(acct2, "issuer-b")},
		{"issuer change", nil, federation(acct, "issuer-c")},
		{"issuer change, only the issuer entry cached", func(c *cache.Cache) {
			_, _ = c.GetOutboundFederationByIssuer(bg, "issuer-a")
		}, federation(acct, "issuer-c")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			back := openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))
			c := cache.New(back)
			defer c.Close()
			seedOutbound(t, c)
			var before map[string]string
			if tc.warm != nil {
				tc.warm(c)
				before = outboundReads(back)
			} else {
				before = outboundReads(c)
			}
			if err := c.Update(bg, func(tx store.Tx) error { return tx.PutOutboundFederation(bg, tc.write) }); err != nil {
				t.Fatal(err)
			}
			want := outboundReads(back)
			changed := false
			for k, w := range want {
				changed = changed || before[k] != w
			}
			if !changed {
				t.Fatal("the write changed no read; the case tests nothing")
			}
			got := outboundReads(c)
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s: cache has %s, store has %s", k, got[k], w)
				}
			}
		})
	}
}

// blindStore hands out transactions that cannot read outbound
// federations, so the cache cannot learn the issuer a Put replaces.
type blindStore struct{ store.Store }

type blindTx struct{ store.Tx }

func (s blindStore) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.Store.Update(ctx, func(tx store.Tx) error { return fn(blindTx{tx}) })
}

func (blindTx) GetOutboundFederation(context.Context, string) (store.OutboundFederation, error) {
	return store.OutboundFederation{}, errors.New("planned read failure")
}

// TestOutboundIssuerChangeWithUnknownOldIssuer checks the fallback: when
// the old issuer cannot be read, every issuer entry is dropped.
func TestOutboundIssuerChangeWithUnknownOldIssuer(t *testing.T) {
	back := openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))
	seedOutbound(t, back)
	c := cache.New(blindStore{back})
	defer c.Close()
	if _, err := c.GetOutboundFederationByIssuer(bg, "issuer-a"); err != nil {
		t.Fatal(err)
	}
	if err := c.Update(bg, func(tx store.Tx) error { return tx.PutOutboundFederation(bg, federation(acct, "issuer-c")) }); err != nil {
		t.Fatal(err)
	}
	if f, err := c.GetOutboundFederationByIssuer(bg, "issuer-a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old issuer after the change: %+v, %v; want ErrNotFound", f, err)
	}
}
