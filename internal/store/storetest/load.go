package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// Load shapes BenchUpdateUnderLoad: how many goroutines write and read at
// once. A node serving IAM calls sees about this mix: a burst of writes from
// an automation tool while STS and IAM reads keep going.
type Load struct {
	Writers, Readers int
}

// BenchUpdateUnderLoad measures IAM-like writes (create a user and put its
// inline policy, in one Update) from l.Writers goroutines while l.Readers
// goroutines read the same tables, and reports the median and 99th
// percentile latency of one write, which the ns/op of a parallel benchmark
// hides. s must be empty; b.N writes are made in all.
func BenchUpdateUnderLoad(b *testing.B, s store.Store, l Load) {
	ctx := context.Background()
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateAccount(ctx, store.Account{ID: acct, Alias: "bench"}) }); err != nil {
		b.Fatal(err)
	}
	write := func(name string) error {
		return s.Update(ctx, func(tx store.Tx) error {
			if err := tx.CreateUser(ctx, store.User{AccountID: acct, Name: name, ID: "AIDA" + name, Path: "/"}); err != nil {
				return err
			}
			return tx.PutInlinePolicy(ctx, store.InlinePolicy{AccountID: acct, Kind: store.KindUser, PrincipalName: name,
				Name: "inline", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`})
		})
	}
	// The readers' user exists from the first moment, before any writer ran.
	if err := write("reader-target"); err != nil {
		b.Fatal(err)
	}

	var (
		next      atomic.Int64 // writes handed out
		stop      atomic.Bool
		wg, rg    sync.WaitGroup
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, b.N)
		failed    error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if failed == nil {
			failed = err
		}
	}
	b.ResetTimer()
	for r := 0; r < l.Readers; r++ {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for !stop.Load() {
				if _, err := s.GetUser(ctx, acct, "reader-target"); err != nil {
					fail(err)
					return
				}
				if _, err := s.ListInlinePolicies(ctx, acct, store.KindUser, "reader-target"); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	start := time.Now()
	for w := 0; w < l.Writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				t0 := time.Now()
				if err := write(fmt.Sprintf("u%d", i)); err != nil {
					fail(err)
					return
				}
				d := time.Since(t0)
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	stop.Store(true)
	rg.Wait()
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "writes/s")
}
