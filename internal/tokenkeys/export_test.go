package tokenkeys

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

// Rotate replaces the active key now, whatever its age, so that the tests
// need not wait for DefaultRotateAfter.
func (m *Manager) Rotate(ctx context.Context) error {
	now := m.now()
	err := m.store.Update(ctx, func(tx store.Tx) error {
		keys, err := tx.ListTokenKeys(ctx)
		if err != nil {
			return err
		}
		return addKey(ctx, tx, newest(keys), now)
	})
	if err != nil {
		return err
	}
	return m.reload(ctx)
}
