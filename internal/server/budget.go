package server

import (
	"context"
	"sync"
	"time"
)

// Defaults of the in-flight body budget.
const (
	// DefaultMaxBodyBytesInFlight is the budget when Config names none:
	// 64 requests of the largest size (MaxBodyBytes) at once, far above
	// what a busy STS endpoint needs (its bodies are a few hundred bytes).
	DefaultMaxBodyBytesInFlight = 64 << 20
	// DefaultBodyBudgetWait is how long a request waits for room in the
	// budget before it is refused: long enough to ride out a burst, short
	// enough that a stalled peer cannot hold the caller for long.
	DefaultBodyBudgetWait = time.Second
)

// budget bounds the bytes of request bodies held in memory at once. A
// request reserves its body's size before reading a byte and gives it back
// when it is done, so stalled or slow uploads cannot grow memory beyond the
// limit however many connections carry them.
type budget struct {
	mu    sync.Mutex
	limit int64
	used  int64
	// freed is closed (and replaced) when bytes are given back while
	// someone waits, waking every waiter to try again. waiting counts
	// those waiters, so that the usual release, with nobody waiting,
	// allocates nothing.
	freed   chan struct{}
	waiting int
}

func newBudget(limit int64) *budget {
	return &budget{limit: limit, freed: make(chan struct{})}
}

// acquire reserves n bytes, waiting at most wait (and no longer than ctx
// lives) for room. It reports whether the bytes were reserved; the caller
// then owes a release(n).
func (b *budget) acquire(ctx context.Context, n int64, wait time.Duration) bool {
	if n > b.limit {
		// Can never fit; refuse rather than wait for nothing.
		return false
	}
	var timer <-chan time.Time
	for {
		b.mu.Lock()
		if b.used+n <= b.limit {
			b.used += n
			b.mu.Unlock()
			return true
		}
		if wait <= 0 {
			b.mu.Unlock()
			return false
		}
		freed := b.freed
		b.waiting++
		b.mu.Unlock()
		if timer == nil {
			t := time.NewTimer(wait)
			defer t.Stop()
			timer = t.C
		}
		var woken bool
		select {
		case <-freed:
			woken = true
		case <-timer:
		case <-ctx.Done():
		}
		b.mu.Lock()
		b.waiting--
		b.mu.Unlock()
		if !woken {
			return false
		}
	}
}

// release gives back n bytes reserved by acquire.
func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	if b.waiting > 0 {
		close(b.freed)
		b.freed = make(chan struct{})
	}
	b.mu.Unlock()
}

// inUse returns the bytes reserved now.
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
