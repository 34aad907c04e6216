package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

// serviceCredRead selects a credential with its user's account and name.
const serviceCredRead = `SELECT c.id, u.account_id, u.name, c.service_name, c.service_user_name, c.secret, c.status,
	c.created_at, c.expires_at FROM service_specific_credentials c JOIN users u ON u.pk = c.user_pk`

func scanServiceCred(r *reader, sc scanner) (store.ServiceSpecificCredential, error) {
	var c store.ServiceSpecificCredential
	var sealed []byte
	var status, created, expires string
	if err := sc.Scan(&c.ID, &c.AccountID, &c.UserName, &c.ServiceName, &c.ServiceUserName, &sealed, &status, &created, &expires); err != nil {
		return c, err
	}
	c.Status = store.AccessKeyStatus(status)
	var err error
	if c.CreatedAt, err = decTime(created); err != nil {
		return c, err
	}
	if c.ExpiresAt, err = decTime(expires); err != nil {
		return c, err
	}
	if c.Secret, err = r.sealer.Open(sealed, aadServiceCredential(c.ID)); err != nil {
		return c, fmt.Errorf("secret of service-specific credential %s: %w", c.ID, err)
	}
	return c, nil
}

// ListServiceSpecificCredentials implements store.Reader.
func (r *reader) ListServiceSpecificCredentials(ctx context.Context, accountID, userName string) ([]store.ServiceSpecificCredential, error) {
	return list(ctx, r, scanServiceCred, "service-specific credentials",
		serviceCredRead+` WHERE u.account_id = ? AND u.name_key = ? ORDER BY c.id`,
		accountID, key(userName))
}

// GetServiceSpecificCredential implements store.Reader: another user's
// credential of that id is not found.
func (r *reader) GetServiceSpecificCredential(ctx context.Context, accountID, userName, id string) (store.ServiceSpecificCredential, error) {
	return getOne(ctx, r, scanServiceCred, "service-specific credential "+id,
		serviceCredRead+` WHERE c.id = ? AND u.account_id = ? AND u.name_key = ?`,
		id, accountID, key(userName))
}

// CreateServiceSpecificCredential implements store.Tx. The secret is
// sealed to the credential id; ids are unique across accounts.
func (w *writer) CreateServiceSpecificCredential(ctx context.Context, c store.ServiceSpecificCredential) error {
	ts, err := encTimes(c.CreatedAt, c.ExpiresAt)
	if err != nil {
		return err
	}
	if err := w.requireFree(ctx, "service-specific credential "+c.ID, `SELECT 1 FROM service_specific_credentials WHERE id = ?`, c.ID); err != nil {
		return err
	}
	pk, err := w.pkOf(ctx, "users", "user", c.AccountID, c.UserName)
	if err != nil {
		return err
	}
	sealed := w.sealer.Seal(c.Secret, aadServiceCredential(c.ID))
	_, err = w.exec(ctx, "service-specific credential "+c.ID,
		`INSERT INTO service_specific_credentials (id, user_pk, service_name, service_user_name, secret, status, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, pk, c.ServiceName, c.ServiceUserName, sealed, string(c.Status), ts[0], ts[1])
	return err
}

// UpdateServiceSpecificCredential implements store.Tx: status and secret
// (a reset re-seals the new one); name, service and times never change.
func (w *writer) UpdateServiceSpecificCredential(ctx context.Context, c store.ServiceSpecificCredential) error {
	what := "service-specific credential " + c.ID
	sealed := w.sealer.Seal(c.Secret, aadServiceCredential(c.ID))
	n, err := w.exec(ctx, what, `UPDATE service_specific_credentials SET status = ?, secret = ?
		WHERE id = ? AND user_pk = `+pkSelect("users"),
		string(c.Status), sealed, c.ID, c.AccountID, key(c.UserName))
	return mustAffect(n, err, what)
}

// DeleteServiceSpecificCredential implements store.Tx.
func (w *writer) DeleteServiceSpecificCredential(ctx context.Context, accountID, userName, id string) error {
	what := "service-specific credential " + id
	n, err := w.exec(ctx, what, `DELETE FROM service_specific_credentials WHERE id = ? AND user_pk = `+pkSelect("users"),
		id, accountID, key(userName))
	return mustAffect(n, err, what)
}
