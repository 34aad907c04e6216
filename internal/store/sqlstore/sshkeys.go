package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

const sshKeyCols = `id, account_id, user_name, body, fingerprint, status, uploaded_at`

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
		`SELECT `+sshKeyCols+` FROM ssh_public_keys WHERE account_id = ? AND user_key = ? ORDER BY id`, accountID, key(userName))
}

// GetSSHPublicKey implements store.Reader: another user's key of that id
// is not found.
func (r *reader) GetSSHPublicKey(ctx context.Context, accountID, userName, id string) (store.SSHPublicKey, error) {
	return getOne(ctx, r, scanSSHKey, "SSH public key "+id,
		`SELECT `+sshKeyCols+` FROM ssh_public_keys WHERE id = ? AND account_id = ? AND user_key = ?`, id, accountID, key(userName))
}

// CreateSSHPublicKey implements store.Tx. Ids are unique across accounts.
func (w *writer) CreateSSHPublicKey(ctx context.Context, k store.SSHPublicKey) error {
	uploaded, err := encTime(k.UploadedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "SSH public key "+k.ID, `SELECT 1 FROM ssh_public_keys WHERE id = ?`, []any{k.ID}, k.AccountID,
		`INSERT INTO ssh_public_keys (`+sshKeyCols+`, user_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.AccountID, k.UserName, k.Body, k.Fingerprint, string(k.Status), uploaded, key(k.UserName))
}

// UpdateSSHPublicKey implements store.Tx: only the status changes.
func (w *writer) UpdateSSHPublicKey(ctx context.Context, k store.SSHPublicKey) error {
	what := "SSH public key " + k.ID
	n, err := w.exec(ctx, what, `UPDATE ssh_public_keys SET status = ? WHERE id = ? AND account_id = ? AND user_key = ?`,
		string(k.Status), k.ID, k.AccountID, key(k.UserName))
	return mustAffect(n, err, what)
}

// DeleteSSHPublicKey implements store.Tx.
func (w *writer) DeleteSSHPublicKey(ctx context.Context, accountID, userName, id string) error {
	what := "SSH public key " + id
	n, err := w.exec(ctx, what, `DELETE FROM ssh_public_keys WHERE id = ? AND account_id = ? AND user_key = ?`, id, accountID, key(userName))
	return mustAffect(n, err, what)
}
