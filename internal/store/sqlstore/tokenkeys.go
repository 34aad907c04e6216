package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

const tokenKeyCols = `id, secret, created_at, retired_at`

func scanTokenKey(r *reader, sc scanner) (store.TokenKey, error) {
	var k store.TokenKey
	var id int64
	var sealed []byte
	var created, retired string
	if err := sc.Scan(&id, &sealed, &created, &retired); err != nil {
		return k, err
	}
	if id < 0 || id > int64(^uint32(0)) {
		return k, fmt.Errorf("stored token key id %d out of range", id)
	}
	k.ID = uint32(id)
	var err error
	if k.CreatedAt, err = decTime(created); err != nil {
		return k, err
	}
	if k.RetiredAt, err = decTime(retired); err != nil {
		return k, err
	}
	if k.Secret, err = r.sealer.Open(sealed, aadTokenKey(k.ID)); err != nil {
		return k, fmt.Errorf("token key %d: %w", k.ID, err)
	}
	return k, nil
}

// ListTokenKeys implements store.Reader, ordered by id.
func (r *reader) ListTokenKeys(ctx context.Context) ([]store.TokenKey, error) {
	return list(ctx, r, scanTokenKey, "token keys", `SELECT `+tokenKeyCols+` FROM token_keys ORDER BY id`)
}

// CreateTokenKey implements store.Tx. The secret is sealed to the key id.
func (w *writer) CreateTokenKey(ctx context.Context, k store.TokenKey) error {
	ts, err := encTimes(k.CreatedAt, k.RetiredAt)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("token key %d", k.ID)
	return w.create(ctx, what, `SELECT 1 FROM token_keys WHERE id = ?`, []any{int64(k.ID)}, "",
		`INSERT INTO token_keys (`+tokenKeyCols+`) VALUES (?, ?, ?, ?)`,
		int64(k.ID), w.sealer.Seal(k.Secret, aadTokenKey(k.ID)), ts[0], ts[1])
}

// UpdateTokenKey implements store.Tx: only the retirement time changes.
func (w *writer) UpdateTokenKey(ctx context.Context, k store.TokenKey) error {
	retired, err := encTime(k.RetiredAt)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("token key %d", k.ID)
	n, err := w.exec(ctx, what, `UPDATE token_keys SET retired_at = ? WHERE id = ?`, retired, int64(k.ID))
	return mustAffect(n, err, what)
}
