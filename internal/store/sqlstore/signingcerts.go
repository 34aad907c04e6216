package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

// Signing certificates of the account root are stored with user_key and
// user_name "", so every query below serves the root and users alike.
const signingCertCols = `id, account_id, user_name, body, status, uploaded_at`

func scanSigningCert(_ *reader, sc scanner) (store.SigningCertificate, error) {
	var c store.SigningCertificate
	var status, uploaded string
	if err := sc.Scan(&c.ID, &c.AccountID, &c.UserName, &c.Body, &status, &uploaded); err != nil {
		return c, err
	}
	c.Status = store.AccessKeyStatus(status)
	var err error
	c.UploadedAt, err = decTime(uploaded)
	return c, err
}

// ListSigningCertificates implements store.Reader.
func (r *reader) ListSigningCertificates(ctx context.Context, accountID, userName string) ([]store.SigningCertificate, error) {
	return list(ctx, r, scanSigningCert, "signing certificates",
		`SELECT `+signingCertCols+` FROM signing_certificates WHERE account_id = ? AND user_key = ? ORDER BY id`, accountID, key(userName))
}

// CreateSigningCertificate implements store.Tx. Ids are unique across
// accounts.
func (w *writer) CreateSigningCertificate(ctx context.Context, c store.SigningCertificate) error {
	uploaded, err := encTime(c.UploadedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "signing certificate "+c.ID, `SELECT 1 FROM signing_certificates WHERE id = ?`, []any{c.ID}, c.AccountID,
		`INSERT INTO signing_certificates (`+signingCertCols+`, user_key) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.AccountID, c.UserName, c.Body, string(c.Status), uploaded, key(c.UserName))
}

// UpdateSigningCertificate implements store.Tx: only the status changes.
func (w *writer) UpdateSigningCertificate(ctx context.Context, c store.SigningCertificate) error {
	what := "signing certificate " + c.ID
	n, err := w.exec(ctx, what, `UPDATE signing_certificates SET status = ? WHERE id = ? AND account_id = ? AND user_key = ?`,
		string(c.Status), c.ID, c.AccountID, key(c.UserName))
	return mustAffect(n, err, what)
}

// DeleteSigningCertificate implements store.Tx.
func (w *writer) DeleteSigningCertificate(ctx context.Context, accountID, userName, id string) error {
	what := "signing certificate " + id
	n, err := w.exec(ctx, what, `DELETE FROM signing_certificates WHERE id = ? AND account_id = ? AND user_key = ?`,
		id, accountID, key(userName))
	return mustAffect(n, err, what)
}
