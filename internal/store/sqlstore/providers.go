package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

const oidcCols = `arn, account_id, url, client_ids, thumbprints, jwks, tags, created_at`

func scanOIDC(_ *reader, sc scanner) (store.OIDCProvider, error) {
	var p store.OIDCProvider
	var ids, thumbs, tags, created string
	if err := sc.Scan(&p.ARN, &p.AccountID, &p.URL, &ids, &thumbs, &p.JWKS, &tags, &created); err != nil {
		return p, err
	}
	var err error
	if p.ClientIDs, err = decStrings(ids); err != nil {
		return p, err
	}
	if p.Thumbprints, err = decStrings(thumbs); err != nil {
		return p, err
	}
	if p.Tags, err = decTags(tags); err != nil {
		return p, err
	}
	p.CreatedAt, err = decTime(created)
	return p, err
}

// GetOIDCProvider implements store.Reader. ARNs match exactly.
func (r *reader) GetOIDCProvider(ctx context.Context, arn string) (store.OIDCProvider, error) {
	return getOne(ctx, r, scanOIDC, "OIDC provider "+arn, `SELECT `+oidcCols+` FROM oidc_providers WHERE arn = ?`, arn)
}

// ListOIDCProviders implements store.Reader, ordered by ARN.
func (r *reader) ListOIDCProviders(ctx context.Context, accountID string) ([]store.OIDCProvider, error) {
	return list(ctx, r, scanOIDC, "OIDC providers",
		`SELECT `+oidcCols+` FROM oidc_providers WHERE account_id = ? ORDER BY arn`, accountID)
}

// CreateOIDCProvider implements store.Tx.
func (w *writer) CreateOIDCProvider(ctx context.Context, p store.OIDCProvider) error {
	created, err := encTime(p.CreatedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "OIDC provider "+p.ARN, `SELECT 1 FROM oidc_providers WHERE arn = ?`, []any{p.ARN}, p.AccountID,
		`INSERT INTO oidc_providers (`+oidcCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ARN, p.AccountID, p.URL, encStrings(p.ClientIDs), encStrings(p.Thumbprints), p.JWKS, encTags(p.Tags), created)
}

// UpdateOIDCProvider implements store.Tx; the ARN and account never change.
func (w *writer) UpdateOIDCProvider(ctx context.Context, p store.OIDCProvider) error {
	created, err := encTime(p.CreatedAt)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, "OIDC provider "+p.ARN, `UPDATE oidc_providers SET url = ?, client_ids = ?, thumbprints = ?, jwks = ?,
		tags = ?, created_at = ? WHERE arn = ?`,
		p.URL, encStrings(p.ClientIDs), encStrings(p.Thumbprints), p.JWKS, encTags(p.Tags), created, p.ARN)
	return mustAffect(n, err, "OIDC provider "+p.ARN)
}

// DeleteOIDCProvider implements store.Tx.
func (w *writer) DeleteOIDCProvider(ctx context.Context, arn string) error {
	n, err := w.exec(ctx, "OIDC provider "+arn, `DELETE FROM oidc_providers WHERE arn = ?`, arn)
	return mustAffect(n, err, "OIDC provider "+arn)
}

const samlCols = `arn, account_id, name, metadata, valid_until, tags, created_at`

func scanSAML(_ *reader, sc scanner) (store.SAMLProvider, error) {
	var p store.SAMLProvider
	var valid, tags, created string
	if err := sc.Scan(&p.ARN, &p.AccountID, &p.Name, &p.Metadata, &valid, &tags, &created); err != nil {
		return p, err
	}
	var err error
	if p.ValidUntil, err = decTime(valid); err != nil {
		return p, err
	}
	if p.Tags, err = decTags(tags); err != nil {
		return p, err
	}
	p.CreatedAt, err = decTime(created)
	return p, err
}

// GetSAMLProvider implements store.Reader. ARNs match exactly.
func (r *reader) GetSAMLProvider(ctx context.Context, arn string) (store.SAMLProvider, error) {
	return getOne(ctx, r, scanSAML, "SAML provider "+arn, `SELECT `+samlCols+` FROM saml_providers WHERE arn = ?`, arn)
}

// ListSAMLProviders implements store.Reader, ordered by ARN.
func (r *reader) ListSAMLProviders(ctx context.Context, accountID string) ([]store.SAMLProvider, error) {
	return list(ctx, r, scanSAML, "SAML providers",
		`SELECT `+samlCols+` FROM saml_providers WHERE account_id = ? ORDER BY arn`, accountID)
}

// CreateSAMLProvider implements store.Tx.
func (w *writer) CreateSAMLProvider(ctx context.Context, p store.SAMLProvider) error {
	ts, err := encTimes(p.ValidUntil, p.CreatedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "SAML provider "+p.ARN, `SELECT 1 FROM saml_providers WHERE arn = ?`, []any{p.ARN}, p.AccountID,
		`INSERT INTO saml_providers (`+samlCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ARN, p.AccountID, p.Name, p.Metadata, ts[0], encTags(p.Tags), ts[1])
}

// UpdateSAMLProvider implements store.Tx; the ARN and account never change.
func (w *writer) UpdateSAMLProvider(ctx context.Context, p store.SAMLProvider) error {
	ts, err := encTimes(p.ValidUntil, p.CreatedAt)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, "SAML provider "+p.ARN, `UPDATE saml_providers SET name = ?, metadata = ?, valid_until = ?, tags = ?,
		created_at = ? WHERE arn = ?`, p.Name, p.Metadata, ts[0], encTags(p.Tags), ts[1], p.ARN)
	return mustAffect(n, err, "SAML provider "+p.ARN)
}

// DeleteSAMLProvider implements store.Tx.
func (w *writer) DeleteSAMLProvider(ctx context.Context, arn string) error {
	n, err := w.exec(ctx, "SAML provider "+arn, `DELETE FROM saml_providers WHERE arn = ?`, arn)
	return mustAffect(n, err, "SAML provider "+arn)
}
