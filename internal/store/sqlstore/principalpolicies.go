package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

const inlineCols = `account_id, kind, principal_name, name, document`

func scanInline(_ *reader, sc scanner) (store.InlinePolicy, error) {
	var p store.InlinePolicy
	var kind string
	err := sc.Scan(&p.AccountID, &kind, &p.PrincipalName, &p.Name, &p.Document)
	p.Kind = store.PrincipalKind(kind)
	return p, err
}

// GetInlinePolicy implements store.Reader.
func (r *reader) GetInlinePolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, name string) (store.InlinePolicy, error) {
	return getOne(ctx, r, scanInline, fmt.Sprintf("inline policy %s of %s %s", name, kind, principalName),
		`SELECT `+inlineCols+` FROM inline_policies WHERE account_id = ? AND kind = ? AND principal_key = ? AND name_key = ?`,
		accountID, string(kind), key(principalName), key(name))
}

// ListInlinePolicies implements store.Reader, ordered by lower-cased name.
func (r *reader) ListInlinePolicies(ctx context.Context, accountID string, kind store.PrincipalKind, principalName string) ([]store.InlinePolicy, error) {
	return list(ctx, r, scanInline, "inline policies",
		`SELECT `+inlineCols+` FROM inline_policies WHERE account_id = ? AND kind = ? AND principal_key = ? ORDER BY name_key`,
		accountID, string(kind), key(principalName))
}

// PutInlinePolicy implements store.Tx: it creates or replaces, keeping the
// latest spelling of the name.
func (w *writer) PutInlinePolicy(ctx context.Context, p store.InlinePolicy) error {
	what := fmt.Sprintf("inline policy %s of %s %s", p.Name, p.Kind, p.PrincipalName)
	n, err := w.exec(ctx, what, `UPDATE inline_policies SET name = ?, document = ?, principal_name = ?
		WHERE account_id = ? AND kind = ? AND principal_key = ? AND name_key = ?`,
		p.Name, p.Document, p.PrincipalName, p.AccountID, string(p.Kind), key(p.PrincipalName), key(p.Name))
	if err != nil || n > 0 {
		return err
	}
	if err := w.requireAccount(ctx, p.AccountID); err != nil {
		return err
	}
	_, err = w.exec(ctx, what, `INSERT INTO inline_policies (`+inlineCols+`, principal_key, name_key) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.AccountID, string(p.Kind), p.PrincipalName, p.Name, p.Document, key(p.PrincipalName), key(p.Name))
	return err
}

// DeleteInlinePolicy implements store.Tx.
func (w *writer) DeleteInlinePolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, name string) error {
	what := fmt.Sprintf("inline policy %s of %s %s", name, kind, principalName)
	n, err := w.exec(ctx, what, `DELETE FROM inline_policies WHERE account_id = ? AND kind = ? AND principal_key = ? AND name_key = ?`,
		accountID, string(kind), key(principalName), key(name))
	return mustAffect(n, err, what)
}

func scanString(_ *reader, sc scanner) (string, error) {
	var s string
	err := sc.Scan(&s)
	return s, err
}

// ListAttachedPolicies implements store.Reader, ordered by ARN.
func (r *reader) ListAttachedPolicies(ctx context.Context, accountID string, kind store.PrincipalKind, principalName string) ([]string, error) {
	return list(ctx, r, scanString, "attached policies",
		`SELECT policy_arn FROM attachments WHERE account_id = ? AND kind = ? AND principal_key = ? ORDER BY policy_arn`,
		accountID, string(kind), key(principalName))
}

// CountPolicyAttachments implements store.Reader.
func (r *reader) CountPolicyAttachments(ctx context.Context, policyARN string) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, r.d.rebind(`SELECT COUNT(*) FROM attachments WHERE policy_arn = ?`), policyARN).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s store: counting attachments: %w", r.d.Name, err)
	}
	return n, nil
}

// AttachPolicy implements store.Tx; attaching twice is not an error.
func (w *writer) AttachPolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, policyARN string) error {
	args := []any{accountID, string(kind), key(principalName), policyARN}
	attached, err := w.exists(ctx, `SELECT 1 FROM attachments WHERE account_id = ? AND kind = ? AND principal_key = ? AND policy_arn = ?`, args...)
	if err != nil || attached {
		return err
	}
	if err := w.requireAccount(ctx, accountID); err != nil {
		return err
	}
	_, err = w.exec(ctx, "attachment", `INSERT INTO attachments (account_id, kind, principal_key, policy_arn) VALUES (?, ?, ?, ?)`, args...)
	return err
}

// DetachPolicy implements store.Tx.
func (w *writer) DetachPolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, policyARN string) error {
	what := fmt.Sprintf("attachment of %s to %s %s", policyARN, kind, principalName)
	n, err := w.exec(ctx, what, `DELETE FROM attachments WHERE account_id = ? AND kind = ? AND principal_key = ? AND policy_arn = ?`,
		accountID, string(kind), key(principalName), policyARN)
	return mustAffect(n, err, what)
}
