package sqlite_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/sqlite"
	"github.com/stsd/stsd/internal/store/storetest"
)

func testSealer(t testing.TB, fill byte) *seal.Sealer {
	t.Helper()
	s, err := seal.New(bytes.Repeat([]byte{fill}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openAt(t testing.TB, path string, sealer *seal.Sealer) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sealer)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openAt(t, filepath.Join(t.TempDir(), "stsd.db"), testSealer(t, 1))
	})
}
