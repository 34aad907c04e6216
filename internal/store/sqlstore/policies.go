package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

const policyCols = `account_id, name, id, path, description, default_version_id, tags, created_at, updated_at`

func scanPolicy(_ *reader, sc scanner) (store.ManagedPolicy, error) {
	var p store.ManagedPolicy
	var tags, created, updated string
	if err := sc.Scan(&p.AccountID, &p.Name, &p.ID, &p.Path, &p.Description, &p.DefaultVersionID, &tags, &created, &updated); err != nil {
		return p, err
	}
	var err error
	if p.Tags, err = decTags(tags); err != nil {
		return p, err
	}
	if p.CreatedAt, err = decTime(created); err != nil {
		return p, err
	}
	p.UpdatedAt, err = decTime(updated)
	return p, err
}

// GetPolicy implements store.Reader.
func (r *reader) GetPolicy(ctx context.Context, accountID, name string) (store.ManagedPolicy, error) {
	return getOne(ctx, r, scanPolicy, "policy "+name,
		`SELECT `+policyCols+` FROM policies WHERE account_id = ? AND name_key = ?`, accountID, key(name))
}

// ListPolicies implements store.Reader, ordered by lower-cased name.
func (r *reader) ListPolicies(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.ManagedPolicy, error) {
	where, tail, args := listClauses("name_key", pathPrefix, page, []any{accountID})
	return list(ctx, r, scanPolicy, "policies", `SELECT `+policyCols+` FROM policies WHERE account_id = ?`+where+tail, args...)
}

// CreatePolicy implements store.Tx.
func (w *writer) CreatePolicy(ctx context.Context, p store.ManagedPolicy) error {
	ts, err := encTimes(p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "policy "+p.Name, `SELECT 1 FROM policies WHERE account_id = ? AND name_key = ?`, []any{p.AccountID, key(p.Name)}, p.AccountID,
		`INSERT INTO policies (`+policyCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.AccountID, p.Name, p.ID, p.Path, p.Description, p.DefaultVersionID, encTags(p.Tags), ts[0], ts[1], key(p.Name))
}

// UpdatePolicy implements store.Tx: it replaces the policy of the same name.
func (w *writer) UpdatePolicy(ctx context.Context, p store.ManagedPolicy) error {
	ts, err := encTimes(p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, "policy "+p.Name, `UPDATE policies SET name = ?, id = ?, path = ?, description = ?, default_version_id = ?,
		tags = ?, created_at = ?, updated_at = ? WHERE account_id = ? AND name_key = ?`,
		p.Name, p.ID, p.Path, p.Description, p.DefaultVersionID, encTags(p.Tags), ts[0], ts[1], p.AccountID, key(p.Name))
	return mustAffect(n, err, "policy "+p.Name)
}

// DeletePolicy implements store.Tx, deleting the versions too.
func (w *writer) DeletePolicy(ctx context.Context, accountID, name string) error {
	if _, err := w.exec(ctx, "policy versions", `DELETE FROM policy_versions WHERE account_id = ? AND policy_key = ?`, accountID, key(name)); err != nil {
		return err
	}
	n, err := w.exec(ctx, "policy "+name, `DELETE FROM policies WHERE account_id = ? AND name_key = ?`, accountID, key(name))
	return mustAffect(n, err, "policy "+name)
}

const versionCols = `account_id, policy_name, version_id, document, created_at`

func scanVersion(_ *reader, sc scanner) (store.PolicyVersion, error) {
	var v store.PolicyVersion
	var created string
	if err := sc.Scan(&v.AccountID, &v.PolicyName, &v.VersionID, &v.Document, &created); err != nil {
		return v, err
	}
	var err error
	v.CreatedAt, err = decTime(created)
	return v, err
}

// GetPolicyVersion implements store.Reader.
func (r *reader) GetPolicyVersion(ctx context.Context, accountID, policyName, versionID string) (store.PolicyVersion, error) {
	return getOne(ctx, r, scanVersion, fmt.Sprintf("policy %s version %s", policyName, versionID),
		`SELECT `+versionCols+` FROM policy_versions WHERE account_id = ? AND policy_key = ? AND version_id = ?`,
		accountID, key(policyName), versionID)
}

// ListPolicyVersions implements store.Reader. Versions are ordered by
// number (v2 before v10): by length, then text.
func (r *reader) ListPolicyVersions(ctx context.Context, accountID, policyName string) ([]store.PolicyVersion, error) {
	return list(ctx, r, scanVersion, "policy versions",
		`SELECT `+versionCols+` FROM policy_versions WHERE account_id = ? AND policy_key = ? ORDER BY length(version_id), version_id`,
		accountID, key(policyName))
}

// CreatePolicyVersion implements store.Tx. The policy must exist.
func (w *writer) CreatePolicyVersion(ctx context.Context, v store.PolicyVersion) error {
	what := fmt.Sprintf("policy %s version %s", v.PolicyName, v.VersionID)
	created, err := encTime(v.CreatedAt)
	if err != nil {
		return err
	}
	taken, err := w.exists(ctx, `SELECT 1 FROM policy_versions WHERE account_id = ? AND policy_key = ? AND version_id = ?`,
		v.AccountID, key(v.PolicyName), v.VersionID)
	if err != nil {
		return err
	}
	if taken {
		return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
	}
	p, err := w.GetPolicy(ctx, v.AccountID, v.PolicyName)
	if err != nil {
		return err
	}
	_, err = w.exec(ctx, what, `INSERT INTO policy_versions (`+versionCols+`, policy_key) VALUES (?, ?, ?, ?, ?, ?)`,
		v.AccountID, p.Name, v.VersionID, v.Document, created, key(v.PolicyName))
	return err
}

// DeletePolicyVersion implements store.Tx.
func (w *writer) DeletePolicyVersion(ctx context.Context, accountID, policyName, versionID string) error {
	what := fmt.Sprintf("policy %s version %s", policyName, versionID)
	n, err := w.exec(ctx, what, `DELETE FROM policy_versions WHERE account_id = ? AND policy_key = ? AND version_id = ?`,
		accountID, key(policyName), versionID)
	return mustAffect(n, err, what)
}
