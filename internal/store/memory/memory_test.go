package memory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
	"github.com/stsd/stsd/internal/store/memory"
	"github.com/stsd/stsd/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return memory.New() })
}

// TestConformanceThroughCache runs the suite against the cache over the
// memory store, the stack a node serving from memory would use.
func TestConformanceThroughCache(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return cache.New(memory.New()) })
}

const acct = "111122223333"

var errPlanned = errors.New("planned failure")

func newWithAccount(t *testing.T) *memory.Store {
	t.Helper()
	s := memory.New()
	t.Cleanup(func() { s.Close() })
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		return tx.CreateAccount(t.Context(), store.Account{ID: acct})
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

func createUser(name string) func(tx store.Tx) error {
	return func(tx store.Tx) error {
		return tx.CreateUser(context.Background(), store.User{AccountID: acct, Name: name, Path: "/"})
	}
}

// TestReadsSeeCommittedStateOnly reads through the Store while an Update
// has written but not returned: the write is not there yet.
func TestReadsSeeCommittedStateOnly(t *testing.T) {
	ctx := t.Context()
	s := newWithAccount(t)
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := createUser("Pending")(tx); err != nil {
			return err
		}
		if _, err := s.GetUser(ctx, acct, "Pending"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("uncommitted user read through the store: %v", err)
		}
		if g, _ := s.Generation(ctx); g != 1 {
			t.Errorf("generation %d inside the second Update, want 1", g)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetUser(ctx, acct, "pending"); err != nil {
		t.Fatalf("committed user: %v", err)
	}
}

// TestKeptTxIsDead checks a Tx that fn kept cannot write once its Update
// returned, committed or not: it would change a published state.
func TestKeptTxIsDead(t *testing.T) {
	ctx := t.Context()
	s := newWithAccount(t)
	for _, fail := range []bool{false, true} {
		var kept store.Tx
		_ = s.Update(ctx, func(tx store.Tx) error {
			kept = tx
			if fail {
				return errPlanned
			}
			return nil
		})
		if err := createUser("Late")(kept); err == nil {
			t.Fatalf("write through a kept Tx (failed Update: %v) succeeded", fail)
		}
		if _, err := kept.GetAccount(ctx, acct); err == nil {
			t.Fatalf("read through a kept Tx (failed Update: %v) succeeded", fail)
		}
		if _, err := s.GetUser(ctx, acct, "Late"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("write through a kept Tx landed: %v", err)
		}
	}
}

// TestPanicLeavesNothing checks a panic in fn undoes fn's writes and
// frees the store for the next Update.
func TestPanicLeavesNothing(t *testing.T) {
	ctx := t.Context()
	s := newWithAccount(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("panic did not reach the caller")
			}
		}()
		_ = s.Update(ctx, func(tx store.Tx) error {
			if err := createUser("Doomed")(tx); err != nil {
				return err
			}
			panic("fn failed")
		})
	}()
	if _, err := s.GetUser(ctx, acct, "Doomed"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("write of a panicking Update: %v", err)
	}
	if err := s.Update(ctx, createUser("Next")); err != nil {
		t.Fatalf("Update after a panic: %v", err)
	}
}

// TestCanceledDuringUpdate checks fn's work is dropped when ctx ends
// before the Update returns, as a SQL transaction's would be.
func TestCanceledDuringUpdate(t *testing.T) {
	s := newWithAccount(t)
	ctx, cancel := context.WithCancel(t.Context())
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := createUser("Interrupted")(tx); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Update error = %v, want context.Canceled", err)
	}
	if _, err := s.GetUser(t.Context(), acct, "Interrupted"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("write of a canceled Update: %v", err)
	}
}

func TestClosed(t *testing.T) {
	ctx := t.Context()
	s := newWithAccount(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAccount(ctx, acct); !errors.Is(err, memory.ErrClosed) {
		t.Errorf("read after Close: %v", err)
	}
	if err := s.Update(ctx, createUser("Never")); !errors.Is(err, memory.ErrClosed) {
		t.Errorf("Update after Close: %v", err)
	}
	if _, err := s.Generation(ctx); !errors.Is(err, memory.ErrClosed) {
		t.Errorf("Generation after Close: %v", err)
	}
}
