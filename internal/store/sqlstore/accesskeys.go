package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

// accessKeyRead selects a key with its owner's name ("" for the root).
const accessKeyRead = `SELECT k.id, k.secret, k.account_id, COALESCE(u.name, ''), k.status, k.created_at, k.last_used_at,
	k.last_service, k.last_region FROM access_keys k LEFT JOIN users u ON u.pk = k.user_pk`

func scanAccessKey(r *reader, sc scanner) (store.AccessKey, error) {
	var k store.AccessKey
	var sealed []byte
	var status, created, used string
	if err := sc.Scan(&k.ID, &sealed, &k.AccountID, &k.UserName, &status, &created, &used, &k.LastService, &k.LastRegion); err != nil {
		return k, err
	}
	k.Status = store.AccessKeyStatus(status)
	var err error
	if k.CreatedAt, err = decTime(created); err != nil {
		return k, err
	}
	if k.LastUsedAt, err = decTime(used); err != nil {
		return k, err
	}
	secret, err := r.sealer.Open(sealed, aadAccessKey(k.ID))
	if err != nil {
		return k, fmt.Errorf("secret of access key %s: %w", k.ID, err)
	}
	k.Secret = string(secret)
	return k, nil
}

// GetAccessKey implements store.Reader.
func (r *reader) GetAccessKey(ctx context.Context, id string) (store.AccessKey, error) {
	return getOne(ctx, r, scanAccessKey, "access key "+id, accessKeyRead+` WHERE k.id = ?`, id)
}

// ListAccessKeys implements store.Reader.
func (r *reader) ListAccessKeys(ctx context.Context, accountID, userName string) ([]store.AccessKey, error) {
	owner, args := ownedBy("k", accountID, userName)
	return list(ctx, r, scanAccessKey, "access keys", accessKeyRead+` WHERE `+owner+` ORDER BY k.id`, args...)
}

// CreateAccessKey implements store.Tx. The secret is sealed to the key
// id. A missing user is ErrNotFound.
func (w *writer) CreateAccessKey(ctx context.Context, k store.AccessKey) error {
	ts, err := encTimes(k.CreatedAt, k.LastUsedAt)
	if err != nil {
		return err
	}
	if err := w.requireFree(ctx, "access key "+k.ID, `SELECT 1 FROM access_keys WHERE id = ?`, k.ID); err != nil {
		return err
	}
	owner, err := w.ownerPK(ctx, k.AccountID, k.UserName)
	if err != nil {
		return err
	}
	sealed := w.sealer.Seal([]byte(k.Secret), aadAccessKey(k.ID))
	_, err = w.exec(ctx, "access key "+k.ID,
		`INSERT INTO access_keys (id, secret, account_id, user_pk, status, created_at, last_used_at, last_service, last_region)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, sealed, k.AccountID, owner, string(k.Status), ts[0], ts[1], k.LastService, k.LastRegion)
	return err
}

// UpdateAccessKey implements store.Tx: only status and last-used facts.
func (w *writer) UpdateAccessKey(ctx context.Context, k store.AccessKey) error {
	used, err := encTime(k.LastUsedAt)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, "access key "+k.ID,
		`UPDATE access_keys SET status = ?, last_used_at = ?, last_service = ?, last_region = ? WHERE id = ?`,
		string(k.Status), used, k.LastService, k.LastRegion, k.ID)
	return mustAffect(n, err, "access key "+k.ID)
}

// DeleteAccessKey implements store.Tx.
func (w *writer) DeleteAccessKey(ctx context.Context, id string) error {
	n, err := w.exec(ctx, "access key "+id, `DELETE FROM access_keys WHERE id = ?`, id)
	return mustAffect(n, err, "access key "+id)
}
