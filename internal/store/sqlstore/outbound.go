package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

const outboundCols = `account_id, issuer_id, enabled, rsa_key, ec_key, created_at, updated_at`

func scanOutbound(r *reader, sc scanner) (store.OutboundFederation, error) {
	var f store.OutboundFederation
	var enabled int64
	var sealedRSA, sealedEC []byte
	var created, updated string
	if err := sc.Scan(&f.AccountID, &f.IssuerID, &enabled, &sealedRSA, &sealedEC, &created, &updated); err != nil {
		return f, err
	}
	f.Enabled = enabled != 0
	var err error
	if f.CreatedAt, err = decTime(created); err != nil {
		return f, err
	}
	if f.UpdatedAt, err = decTime(updated); err != nil {
		return f, err
	}
	if f.RSAKey, err = r.sealer.Open(sealedRSA, aadOutboundKey(f.AccountID, "rsa")); err != nil {
		return f, fmt.Errorf("RSA key of account %s's outbound federation: %w", f.AccountID, err)
	}
	if f.ECKey, err = r.sealer.Open(sealedEC, aadOutboundKey(f.AccountID, "ec")); err != nil {
		return f, fmt.Errorf("EC key of account %s's outbound federation: %w", f.AccountID, err)
	}
	return f, nil
}

// GetOutboundFederation implements store.Reader.
func (r *reader) GetOutboundFederation(ctx context.Context, accountID string) (store.OutboundFederation, error) {
	return getOne(ctx, r, scanOutbound, "outbound federation of account "+accountID,
		`SELECT `+outboundCols+` FROM outbound_federations WHERE account_id = ?`, accountID)
}

// GetOutboundFederationByIssuer implements store.Reader. The issuer id is
// not named in the error: it is what makes the account's issuer URL
// unguessable, and errors end up in logs.
func (r *reader) GetOutboundFederationByIssuer(ctx context.Context, issuerID string) (store.OutboundFederation, error) {
	return getOne(ctx, r, scanOutbound, "outbound federation by issuer",
		`SELECT `+outboundCols+` FROM outbound_federations WHERE issuer_id = ?`, issuerID)
}

// PutOutboundFederation implements store.Tx. It writes the whole row,
// re-sealing both keys. The issuer is checked before any write so a
// conflict does not fail a statement, which would abort a PostgreSQL
// transaction.
func (w *writer) PutOutboundFederation(ctx context.Context, f store.OutboundFederation) error {
	what := "outbound federation of account " + f.AccountID
	ts, err := encTimes(f.CreatedAt, f.UpdatedAt)
	if err != nil {
		return err
	}
	taken, err := w.exists(ctx, `SELECT 1 FROM outbound_federations WHERE issuer_id = ? AND account_id <> ?`, f.IssuerID, f.AccountID)
	if err != nil {
		return err
	}
	if taken {
		return fmt.Errorf("%s: issuer id held by another account: %w", what, store.ErrAlreadyExists)
	}
	enabled := int64(0)
	if f.Enabled {
		enabled = 1
	}
	rsa := w.sealer.Seal(f.RSAKey, aadOutboundKey(f.AccountID, "rsa"))
	ec := w.sealer.Seal(f.ECKey, aadOutboundKey(f.AccountID, "ec"))
	n, err := w.exec(ctx, what, `UPDATE outbound_federations SET issuer_id = ?, enabled = ?, rsa_key = ?, ec_key = ?,
		created_at = ?, updated_at = ? WHERE account_id = ?`,
		f.IssuerID, enabled, rsa, ec, ts[0], ts[1], f.AccountID)
	if err != nil || n > 0 {
		return err
	}
	if err := w.requireAccount(ctx, f.AccountID); err != nil {
		return err
	}
	_, err = w.exec(ctx, what, `INSERT INTO outbound_federations (`+outboundCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		f.AccountID, f.IssuerID, enabled, rsa, ec, ts[0], ts[1])
	return err
}
