package memory

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

// GetAccount implements store.Reader.
func (r reader) GetAccount(ctx context.Context, id string) (store.Account, error) {
	return read(ctx, r, func(st *state) (store.Account, error) { return find(&st.accounts, id, "account "+id) })
}

// ListAccounts implements store.Reader, ordered by id.
func (r reader) ListAccounts(ctx context.Context) ([]store.Account, error) {
	return view(ctx, r, func(st *state) []store.Account { return st.accounts.all(func(store.Account) bool { return true }) })
}

// CreateAccount implements store.Tx.
func (w *tx) CreateAccount(ctx context.Context, a store.Account) error {
	return w.write(ctx, func(st *state) error { return add(st, &st.accounts, a, "account "+a.ID) })
}

// UpdateAccount implements store.Tx.
func (w *tx) UpdateAccount(ctx context.Context, a store.Account) error {
	return w.write(ctx, func(st *state) error {
		return modify(st, &st.accounts, a.ID, "account "+a.ID, func(store.Account) store.Account { return a })
	})
}

// GetPasswordPolicy implements store.Reader.
func (r reader) GetPasswordPolicy(ctx context.Context, accountID string) (store.PasswordPolicy, error) {
	return read(ctx, r, func(st *state) (store.PasswordPolicy, error) {
		return find(&st.passwordPolicies, accountID, "password policy of account "+accountID)
	})
}

// PutPasswordPolicy implements store.Tx.
func (w *tx) PutPasswordPolicy(ctx context.Context, p store.PasswordPolicy) error {
	return w.write(ctx, func(st *state) error { return putIn(st, &st.passwordPolicies, p, p.AccountID) })
}

// DeletePasswordPolicy implements store.Tx.
func (w *tx) DeletePasswordPolicy(ctx context.Context, accountID string) error {
	return w.write(ctx, func(st *state) error {
		return remove(st, &st.passwordPolicies, accountID, "password policy of account "+accountID)
	})
}

// GetCredentialReport implements store.Reader.
func (r reader) GetCredentialReport(ctx context.Context, accountID string) (store.CredentialReport, error) {
	return read(ctx, r, func(st *state) (store.CredentialReport, error) {
		return find(&st.credReports, accountID, "credential report of account "+accountID)
	})
}

// PutCredentialReport implements store.Tx: it creates or replaces the
// account's report.
func (w *tx) PutCredentialReport(ctx context.Context, rep store.CredentialReport) error {
	return w.write(ctx, func(st *state) error { return putIn(st, &st.credReports, rep, rep.AccountID) })
}

// GetOIDCProvider implements store.Reader. ARNs match exactly.
func (r reader) GetOIDCProvider(ctx context.Context, arn string) (store.OIDCProvider, error) {
	return read(ctx, r, func(st *state) (store.OIDCProvider, error) { return find(&st.oidc, arn, "OIDC provider "+arn) })
}

// ListOIDCProviders implements store.Reader, ordered by ARN.
func (r reader) ListOIDCProviders(ctx context.Context, accountID string) ([]store.OIDCProvider, error) {
	return view(ctx, r, func(st *state) []store.OIDCProvider {
		return st.oidc.all(func(p store.OIDCProvider) bool { return p.AccountID == accountID })
	})
}

// CreateOIDCProvider implements store.Tx.
func (w *tx) CreateOIDCProvider(ctx context.Context, p store.OIDCProvider) error {
	return w.write(ctx, func(st *state) error { return addIn(st, &st.oidc, p, p.AccountID, "OIDC provider "+p.ARN) })
}

// UpdateOIDCProvider implements store.Tx; the ARN and account never
// change.
func (w *tx) UpdateOIDCProvider(ctx context.Context, p store.OIDCProvider) error {
	return w.write(ctx, func(st *state) error {
		return modify(st, &st.oidc, p.ARN, "OIDC provider "+p.ARN, func(old store.OIDCProvider) store.OIDCProvider {
			p.AccountID = old.AccountID
			return p
		})
	})
}

// DeleteOIDCProvider implements store.Tx.
func (w *tx) DeleteOIDCProvider(ctx context.Context, arn string) error {
	return w.write(ctx, func(st *state) error { return remove(st, &st.oidc, arn, "OIDC provider "+arn) })
}

// GetSAMLProvider implements store.Reader. ARNs match exactly.
func (r reader) GetSAMLProvider(ctx context.Context, arn string) (store.SAMLProvider, error) {
	return read(ctx, r, func(st *state) (store.SAMLProvider, error) { return find(&st.saml, arn, "SAML provider "+arn) })
}

// ListSAMLProviders implements store.Reader, ordered by ARN.
func (r reader) ListSAMLProviders(ctx context.Context, accountID string) ([]store.SAMLProvider, error) {
	return view(ctx, r, func(st *state) []store.SAMLProvider {
		return st.saml.all(func(p store.SAMLProvider) bool { return p.AccountID == accountID })
	})
}

// CreateSAMLProvider implements store.Tx.
func (w *tx) CreateSAMLProvider(ctx context.Context, p store.SAMLProvider) error {
	return w.write(ctx, func(st *state) error { return addIn(st, &st.saml, p, p.AccountID, "SAML provider "+p.ARN) })
}

// UpdateSAMLProvider implements store.Tx; the ARN and account never
// change.
func (w *tx) UpdateSAMLProvider(ctx context.Context, p store.SAMLProvider) error {
	return w.write(ctx, func(st *state) error {
		return modify(st, &st.saml, p.ARN, "SAML provider "+p.ARN, func(old store.SAMLProvider) store.SAMLProvider {
			p.AccountID = old.AccountID
			return p
		})
	})
}

// DeleteSAMLProvider implements store.Tx.
func (w *tx) DeleteSAMLProvider(ctx context.Context, arn string) error {
	return w.write(ctx, func(st *state) error { return remove(st, &st.saml, arn, "SAML provider "+arn) })
}

// GetOutboundFederation implements store.Reader.
func (r reader) GetOutboundFederation(ctx context.Context, accountID string) (store.OutboundFederation, error) {
	return read(ctx, r, func(st *state) (store.OutboundFederation, error) {
		return find(&st.outbound, accountID, "outbound federation of account "+accountID)
	})
}

// GetOutboundFederationByIssuer implements store.Reader. The issuer id is
// not named in the error: it keeps the issuer URL unguessable, and errors
// reach logs.
func (r reader) GetOutboundFederationByIssuer(ctx context.Context, issuerID string) (store.OutboundFederation, error) {
	return read(ctx, r, func(st *state) (store.OutboundFederation, error) {
		fs := st.outbound.all(func(f store.OutboundFederation) bool { return f.IssuerID == issuerID })
		if len(fs) == 0 {
			return store.OutboundFederation{}, notFound("outbound federation by issuer")
		}
		return fs[0], nil
	})
}

// PutOutboundFederation implements store.Tx.
func (w *tx) PutOutboundFederation(ctx context.Context, f store.OutboundFederation) error {
	return w.write(ctx, func(st *state) error {
		if len(st.outbound.all(func(o store.OutboundFederation) bool { return o.IssuerID == f.IssuerID && o.AccountID != f.AccountID })) > 0 {
			return fmt.Errorf("outbound federation of account %s: issuer id held by another account: %w", f.AccountID, store.ErrAlreadyExists)
		}
		return putIn(st, &st.outbound, f, f.AccountID)
	})
}

// ListTokenKeys implements store.Reader, ordered by id.
func (r reader) ListTokenKeys(ctx context.Context) ([]store.TokenKey, error) {
	return view(ctx, r, func(st *state) []store.TokenKey { return st.tokenKeys.all(func(store.TokenKey) bool { return true }) })
}

// CreateTokenKey implements store.Tx.
func (w *tx) CreateTokenKey(ctx context.Context, k store.TokenKey) error {
	return w.write(ctx, func(st *state) error { return add(st, &st.tokenKeys, k, fmt.Sprintf("token key %d", k.ID)) })
}

// UpdateTokenKey implements store.Tx: only the retirement time changes.
func (w *tx) UpdateTokenKey(ctx context.Context, k store.TokenKey) error {
	return w.write(ctx, func(st *state) error {
		return modify(st, &st.tokenKeys, k.ID, fmt.Sprintf("token key %d", k.ID), func(old store.TokenKey) store.TokenKey {
			old.RetiredAt = k.RetiredAt
			return old
		})
	})
}
