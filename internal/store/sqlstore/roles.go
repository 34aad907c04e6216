package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

const roleCols = `account_id, name, id, path, description, trust_policy, max_session_duration, permissions_boundary, tags,
	created_at, last_used_at, last_used_region`

func scanRole(_ *reader, sc scanner) (store.Role, error) {
	var r store.Role
	var maxDur int64
	var tags, created, used string
	if err := sc.Scan(&r.AccountID, &r.Name, &r.ID, &r.Path, &r.Description, &r.TrustPolicy, &maxDur, &r.PermissionsBoundary,
		&tags, &created, &used, &r.LastUsedRegion); err != nil {
		return r, err
	}
	r.MaxSessionDuration = int32(maxDur)
	var err error
	if r.Tags, err = decTags(tags); err != nil {
		return r, err
	}
	if r.CreatedAt, err = decTime(created); err != nil {
		return r, err
	}
	r.LastUsedAt, err = decTime(used)
	return r, err
}

// GetRole implements store.Reader.
func (r *reader) GetRole(ctx context.Context, accountID, name string) (store.Role, error) {
	return getOne(ctx, r, scanRole, "role "+name,
		`SELECT `+roleCols+` FROM roles WHERE account_id = ? AND name_key = ?`, accountID, key(name))
}

// ListRoles implements store.Reader, ordered by lower-cased name.
func (r *reader) ListRoles(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.Role, error) {
	where, tail, args := listClauses("name_key", pathPrefix, page, []any{accountID})
	return list(ctx, r, scanRole, "roles", `SELECT `+roleCols+` FROM roles WHERE account_id = ?`+where+tail, args...)
}

// CreateRole implements store.Tx.
func (w *writer) CreateRole(ctx context.Context, r store.Role) error {
	ts, err := encTimes(r.CreatedAt, r.LastUsedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "role "+r.Name, `SELECT 1 FROM roles WHERE account_id = ? AND name_key = ?`, []any{r.AccountID, key(r.Name)}, r.AccountID,
		`INSERT INTO roles (`+roleCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.AccountID, r.Name, r.ID, r.Path, r.Description, r.TrustPolicy, int64(r.MaxSessionDuration), r.PermissionsBoundary,
		encTags(r.Tags), ts[0], ts[1], r.LastUsedRegion, key(r.Name))
}

// UpdateRole implements store.Tx: it replaces the role of the same name.
func (w *writer) UpdateRole(ctx context.Context, r store.Role) error {
	ts, err := encTimes(r.CreatedAt, r.LastUsedAt)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, "role "+r.Name, `UPDATE roles SET name = ?, id = ?, path = ?, description = ?, trust_policy = ?,
		max_session_duration = ?, permissions_boundary = ?, tags = ?, created_at = ?, last_used_at = ?, last_used_region = ?
		WHERE account_id = ? AND name_key = ?`,
		r.Name, r.ID, r.Path, r.Description, r.TrustPolicy, int64(r.MaxSessionDuration), r.PermissionsBoundary,
		encTags(r.Tags), ts[0], ts[1], r.LastUsedRegion, r.AccountID, key(r.Name))
	return mustAffect(n, err, "role "+r.Name)
}

// DeleteRole implements store.Tx. The role's policies, attachments and
// places in instance profiles cascade.
func (w *writer) DeleteRole(ctx context.Context, accountID, name string) error {
	n, err := w.exec(ctx, "role "+name, `DELETE FROM roles WHERE account_id = ? AND name_key = ?`, accountID, key(name))
	return mustAffect(n, err, "role "+name)
}
