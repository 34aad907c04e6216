package memory_test

import (
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
