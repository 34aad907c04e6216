package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

// sshKeyRead selects a key with its user's account and name.
const sshKeyRead = `SELECT k.id, u.account_id, u.name, k.body, k.fingerprint, k.status, k.uploaded_at
	FROM ssh_public_keys k JOIN users u ON u.pk = k.user_pk`

func scanSSHKey(_ *reader, sc scanner) (store.SSHPublicKey, error) {
	var k store.SSHPublicKey
	var status, uploaded string
	if err := sc.Scan(&k.ID, &k.AccountID, &k.UserName, &k.Body, &k.Fingerprint, &status, &uploaded); err != nil {
		return k, err
	}
	k.Status = store.AccessKeyStatus(status)
	var err error
	k.UploadedAt, err = decTime(uploaded)
	return k, err
}

// ListSSHPublicKeys implements store.Reader.
func (r *reader) ListSSHPublicKeys(ctx context.Context, accountID, userName string) ([]store.SSHPublicKey, error) {
	return list(ctx, r, scanSSHKey, "SSH public keys",
		sshKeyRead+` WHERE u.account_id = ? AND u.name_key = ? ORDER BY k.id`, accountID, key(userName))
}

// GetSSHPublicKey implements store.Reader: another user's key of that id
// is not found.
func (r *reader) GetSSHPublicKey(ctx context.Context, accountID, userName, id string) (store.SSHPublicKey, error) {
	return getOne(ctx, r, scanSSHKey, "SSH public key "+id,
		sshKeyRead+` WHERE k.id = ? AND u.account_id = ? AND u.name_key = ?`, id, accountID, key(userName))
}

// CreateSSHPublicKey implements store.Tx. Ids are unique across accounts;
// a missing user is ErrNotFound.
func (w *writer) CreateSSHPublicKey(ctx context.Context, k store.SSHPublicKey) error {
	uploaded, err := encTime(k.UploadedAt)
	if err != nil {
		return err
	}
	if err := w.requireFree(ctx, "SSH public key "+k.ID, `SELECT 1 FROM ssh_public_keys WHERE id = ?`, k.ID); err != nil {
		return err
	}
	pk, err := w.pkOf(ctx, "users", "user", k.AccountID, k.UserName)
	if err != nil {
		return err
	}
	_, err = w.exec(ctx, "SSH public key "+k.ID,
		`INSERT INTO ssh_public_keys (id, user_pk, body, fingerprint, status, uploaded_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, pk, k.Body, k.Fingerprint, string(k.Status), uploaded)
	return err
}

// UpdateSSHPublicKey implements store.Tx: only the status changes.
func (w *writer) UpdateSSHPublicKey(ctx context.Context, k store.SSHPublicKey) error {
	what := "SSH public key " + k.ID
	n, err := w.exec(ctx, what, `UPDATE ssh_public_keys SET status = ? WHERE id = ? AND user_pk = `+pkSelect("users"),
		string(k.Status), k.ID, k.AccountID, key(k.UserName))
	return mustAffect(n, err, what)
}

// DeleteSSHPublicKey implements store.Tx.
func (w *writer) DeleteSSHPublicKey(ctx context.Context, accountID, userName, id string) error {
	what := "SSH public key " + id
	n, err := w.exec(ctx, what, `DELETE FROM ssh_public_keys WHERE id = ? AND user_pk = `+pkSelect("users"), id, accountID, key(userName))
	return mustAffect(n, err, what)
}
