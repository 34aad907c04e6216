package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

// signingCertRead selects a certificate with its user's name ("" for the
// account root's, stored with user_pk NULL).
const signingCertRead = `SELECT c.id, c.account_id, COALESCE(u.name, ''), c.body, c.status, c.uploaded_at
	FROM signing_certificates c LEFT JOIN users u ON u.pk = c.user_pk`

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
	owner, args := ownedBy("c", accountID, userName)
	return list(ctx, r, scanSigningCert, "signing certificates", signingCertRead+` WHERE `+owner+` ORDER BY c.id`, args...)
}

// CreateSigningCertificate implements store.Tx. Ids are unique across
// accounts; a missing user is ErrNotFound.
func (w *writer) CreateSigningCertificate(ctx context.Context, c store.SigningCertificate) error {
	uploaded, err := encTime(c.UploadedAt)
	if err != nil {
		return err
	}
	if err := w.requireFree(ctx, "signing certificate "+c.ID, `SELECT 1 FROM signing_certificates WHERE id = ?`, c.ID); err != nil {
		return err
	}
	owner, err := w.ownerPK(ctx, c.AccountID, c.UserName)
	if err != nil {
		return err
	}
	_, err = w.exec(ctx, "signing certificate "+c.ID,
		`INSERT INTO signing_certificates (id, account_id, user_pk, body, status, uploaded_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.AccountID, owner, c.Body, string(c.Status), uploaded)
	return err
}

// UpdateSigningCertificate implements store.Tx: only the status changes.
func (w *writer) UpdateSigningCertificate(ctx context.Context, c store.SigningCertificate) error {
	what := "signing certificate " + c.ID
	owner, args := ownedBy("signing_certificates", c.AccountID, c.UserName)
	n, err := w.exec(ctx, what, `UPDATE signing_certificates SET status = ? WHERE id = ? AND `+owner,
		append([]any{string(c.Status), c.ID}, args...)...)
	return mustAffect(n, err, what)
}

// DeleteSigningCertificate implements store.Tx.
func (w *writer) DeleteSigningCertificate(ctx context.Context, accountID, userName, id string) error {
	what := "signing certificate " + id
	owner, args := ownedBy("signing_certificates", accountID, userName)
	n, err := w.exec(ctx, what, `DELETE FROM signing_certificates WHERE id = ? AND `+owner, append([]any{id}, args...)...)
	return mustAffect(n, err, what)
}
