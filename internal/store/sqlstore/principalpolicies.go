package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

// parentOf returns the table of the principals of kind and the column of
// inline_policies and attachments that references them.
func parentOf(kind store.PrincipalKind) (table, col string, err error) {
	switch kind {
	case store.KindUser:
		return "users", "user_pk", nil
	case store.KindRole:
		return "roles", "role_pk", nil
	case store.KindGroup:
		return "groups", "group_pk", nil
	}
	return "", "", fmt.Errorf("principal kind %q: %w", kind, store.ErrNotFound)
}

// inlineQuery selects the inline policies of one principal, given the
// account id and lower-cased principal name as arguments, followed by
// cond.
func inlineQuery(kind store.PrincipalKind, cond string) (string, error) {
	table, col, err := parentOf(kind)
	if err != nil {
		return "", err
	}
	return `SELECT o.account_id, o.name, i.name, i.document FROM inline_policies i JOIN ` + table + ` o ON o.pk = i.` + col + `
		WHERE o.account_id = ? AND o.name_key = ?` + cond, nil
}

func scanInline(kind store.PrincipalKind) func(*reader, scanner) (store.InlinePolicy, error) {
	return func(_ *reader, sc scanner) (store.InlinePolicy, error) {
		p := store.InlinePolicy{Kind: kind}
		err := sc.Scan(&p.AccountID, &p.PrincipalName, &p.Name, &p.Document)
		return p, err
	}
}

// GetInlinePolicy implements store.Reader.
func (r *reader) GetInlinePolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, name string) (store.InlinePolicy, error) {
	q, err := inlineQuery(kind, ` AND i.name_key = ?`)
	if err != nil {
		return store.InlinePolicy{}, err
	}
	return getOne(ctx, r, scanInline(kind), fmt.Sprintf("inline policy %s of %s %s", name, kind, principalName),
		q, accountID, key(principalName), key(name))
}

// ListInlinePolicies implements store.Reader, ordered by lower-cased name.
func (r *reader) ListInlinePolicies(ctx context.Context, accountID string, kind store.PrincipalKind, principalName string) ([]store.InlinePolicy, error) {
	q, err := inlineQuery(kind, ` ORDER BY i.name_key`)
	if err != nil {
		return nil, err
	}
	return list(ctx, r, scanInline(kind), "inline policies", q, accountID, key(principalName))
}

// PutInlinePolicy implements store.Tx: it creates or replaces, keeping the
// latest spelling of the name. A missing principal is ErrNotFound. The
// principal's pk is looked up inside the statements rather than first:
// each statement is a round trip, and serialized writers all wait on it.
func (w *writer) PutInlinePolicy(ctx context.Context, p store.InlinePolicy) error {
	what := fmt.Sprintf("inline policy %s of %s %s", p.Name, p.Kind, p.PrincipalName)
	table, col, err := parentOf(p.Kind)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, what, `UPDATE inline_policies SET name = ?, document = ? WHERE `+col+` = `+pkSelect(table)+` AND name_key = ?`,
		p.Name, p.Document, p.AccountID, key(p.PrincipalName), key(p.Name))
	if err != nil || n > 0 {
		return err
	}
	n, err = w.exec(ctx, what, `INSERT INTO inline_policies (`+col+`, name_key, name, document)
		SELECT pk, ?, ?, ? FROM `+table+` WHERE account_id = ? AND name_key = ?`,
		key(p.Name), p.Name, p.Document, p.AccountID, key(p.PrincipalName))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s %s: %w", p.Kind, p.PrincipalName, store.ErrNotFound)
	}
	return nil
}

// DeleteInlinePolicy implements store.Tx.
func (w *writer) DeleteInlinePolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, name string) error {
	what := fmt.Sprintf("inline policy %s of %s %s", name, kind, principalName)
	table, col, err := parentOf(kind)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, what, `DELETE FROM inline_policies WHERE `+col+` = `+pkSelect(table)+` AND name_key = ?`,
		accountID, key(principalName), key(name))
	return mustAffect(n, err, what)
}

func scanString(_ *reader, sc scanner) (string, error) {
	var s string
	err := sc.Scan(&s)
	return s, err
}

// ListAttachedPolicies implements store.Reader, ordered by ARN.
func (r *reader) ListAttachedPolicies(ctx context.Context, accountID string, kind store.PrincipalKind, principalName string) ([]string, error) {
	table, col, err := parentOf(kind)
	if err != nil {
		return nil, err
	}
	return list(ctx, r, scanString, "attached policies",
		`SELECT policy_arn FROM attachments WHERE `+col+` = `+pkSelect(table)+` ORDER BY policy_arn`,
		accountID, key(principalName))
}

// CountPolicyAttachments implements store.Reader.
func (r *reader) CountPolicyAttachments(ctx context.Context, policyARN string) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, r.d.rebind(`SELECT COUNT(*) FROM attachments WHERE policy_arn = ?`), policyARN).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s store: counting attachments: %w", r.d.Name, err)
	}
	return n, nil
}

// AttachPolicy implements store.Tx; attaching twice is not an error. A
// missing principal is ErrNotFound.
func (w *writer) AttachPolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, policyARN string) error {
	table, col, err := parentOf(kind)
	if err != nil {
		return err
	}
	pk, err := w.pkOf(ctx, table, string(kind), accountID, principalName)
	if err != nil {
		return err
	}
	attached, err := w.exists(ctx, `SELECT 1 FROM attachments WHERE `+col+` = ? AND policy_arn = ?`, pk, policyARN)
	if err != nil || attached {
		return err
	}
	_, err = w.exec(ctx, "attachment", `INSERT INTO attachments (`+col+`, policy_arn) VALUES (?, ?)`, pk, policyARN)
	return err
}

// DetachPolicy implements store.Tx.
func (w *writer) DetachPolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, policyARN string) error {
	what := fmt.Sprintf("attachment of %s to %s %s", policyARN, kind, principalName)
	table, col, err := parentOf(kind)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, what, `DELETE FROM attachments WHERE `+col+` = `+pkSelect(table)+` AND policy_arn = ?`,
		accountID, key(principalName), policyARN)
	return mustAffect(n, err, what)
}
