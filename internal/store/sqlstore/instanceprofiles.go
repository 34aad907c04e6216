package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

const profileCols = `account_id, name, id, path, tags, created_at`

// profileRow is one row of a profile read: a profile with one of its
// roles, or with none (role NULL) when it holds no role.
type profileRow struct {
	p    store.InstanceProfile
	key  string
	role sql.NullString
}

func scanProfileRow(_ *reader, sc scanner) (profileRow, error) {
	var row profileRow
	var tags, created string
	if err := sc.Scan(&row.p.AccountID, &row.p.Name, &row.p.ID, &row.p.Path, &tags, &created, &row.key, &row.role); err != nil {
		return row, err
	}
	var err error
	if row.p.Tags, err = decTags(tags); err != nil {
		return row, err
	}
	row.p.CreatedAt, err = decTime(created)
	return row, err
}

// listProfiles runs inner, a SELECT of profileCols, name_key and pk from
// instance_profiles (filtered, ordered and limited as the caller needs),
// and returns those profiles with their roles filled. One query joins the
// roles, so they are read in the same snapshot as the profiles.
func listProfiles(ctx context.Context, r *reader, what, inner string, args ...any) ([]store.InstanceProfile, error) {
	rows, err := list(ctx, r, scanProfileRow, what, `SELECT p.account_id, p.name, p.id, p.path, p.tags, p.created_at, p.name_key, m.name
		FROM (`+inner+`) p
		LEFT JOIN (SELECT ipr.profile_pk, ro.name_key, ro.name FROM instance_profile_roles ipr
			JOIN roles ro ON ro.pk = ipr.role_pk) m
		ON m.profile_pk = p.pk
		ORDER BY p.name_key, m.name_key`, args...)
	if err != nil {
		return nil, err
	}
	var out []store.InstanceProfile
	for i, row := range rows {
		if i == 0 || rows[i-1].key != row.key {
			out = append(out, row.p)
		}
		if row.role.Valid {
			last := &out[len(out)-1]
			last.Roles = append(last.Roles, row.role.String)
		}
	}
	return out, nil
}

// GetInstanceProfile implements store.Reader.
func (r *reader) GetInstanceProfile(ctx context.Context, accountID, name string) (store.InstanceProfile, error) {
	what := "instance profile " + name
	ps, err := listProfiles(ctx, r, what,
		`SELECT `+profileCols+`, name_key, pk FROM instance_profiles WHERE account_id = ? AND name_key = ?`, accountID, key(name))
	if err != nil {
		return store.InstanceProfile{}, err
	}
	if len(ps) == 0 {
		return store.InstanceProfile{}, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return ps[0], nil
}

// ListInstanceProfiles implements store.Reader, ordered by lower-cased
// name.
func (r *reader) ListInstanceProfiles(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.InstanceProfile, error) {
	where, tail, args := listClauses("name_key", pathPrefix, page, []any{accountID})
	return listProfiles(ctx, r, "instance profiles",
		`SELECT `+profileCols+`, name_key, pk FROM instance_profiles WHERE account_id = ?`+where+tail, args...)
}

// ListInstanceProfilesForRole implements store.Reader, ordered by
// lower-cased name.
func (r *reader) ListInstanceProfilesForRole(ctx context.Context, accountID, roleName string, page store.Page) ([]store.InstanceProfile, error) {
	where, tail, args := listClauses("name_key", "", page, []any{accountID, key(roleName)})
	return listProfiles(ctx, r, "instance profiles for role", `SELECT `+profileCols+`, name_key, pk FROM instance_profiles
		WHERE pk IN (SELECT profile_pk FROM instance_profile_roles WHERE role_pk = `+pkSelect("roles")+`)`+where+tail, args...)
}

// CreateInstanceProfile implements store.Tx. p.Roles is ignored: a new
// profile holds no role.
func (w *writer) CreateInstanceProfile(ctx context.Context, p store.InstanceProfile) error {
	created, err := encTime(p.CreatedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "instance profile "+p.Name, `SELECT 1 FROM instance_profiles WHERE account_id = ? AND name_key = ?`,
		[]any{p.AccountID, key(p.Name)}, p.AccountID,
		`INSERT INTO instance_profiles (`+profileCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.AccountID, p.Name, p.ID, p.Path, encTags(p.Tags), created, key(p.Name))
}

// UpdateInstanceProfile implements store.Tx: only the tags are written.
func (w *writer) UpdateInstanceProfile(ctx context.Context, p store.InstanceProfile) error {
	what := "instance profile " + p.Name
	n, err := w.exec(ctx, what, `UPDATE instance_profiles SET tags = ? WHERE account_id = ? AND name_key = ?`,
		encTags(p.Tags), p.AccountID, key(p.Name))
	return mustAffect(n, err, what)
}

// DeleteInstanceProfile implements store.Tx. Its role rows cascade.
func (w *writer) DeleteInstanceProfile(ctx context.Context, accountID, name string) error {
	what := "instance profile " + name
	n, err := w.exec(ctx, what, `DELETE FROM instance_profiles WHERE account_id = ? AND name_key = ?`, accountID, key(name))
	return mustAffect(n, err, what)
}

// AddInstanceProfileRole implements store.Tx. A missing profile or role
// is ErrNotFound.
func (w *writer) AddInstanceProfileRole(ctx context.Context, accountID, profileName, roleName string) error {
	what := fmt.Sprintf("role %s in instance profile %s", roleName, profileName)
	ppk, err := w.pkOf(ctx, "instance_profiles", "instance profile", accountID, profileName)
	if err != nil {
		return err
	}
	rpk, err := w.pkOf(ctx, "roles", "role", accountID, roleName)
	if err != nil {
		return err
	}
	return w.create(ctx, what,
		`SELECT 1 FROM instance_profile_roles WHERE profile_pk = ? AND role_pk = ?`, []any{ppk, rpk}, "",
		`INSERT INTO instance_profile_roles (profile_pk, role_pk) VALUES (?, ?)`, ppk, rpk)
}

// RemoveInstanceProfileRole implements store.Tx.
func (w *writer) RemoveInstanceProfileRole(ctx context.Context, accountID, profileName, roleName string) error {
	what := fmt.Sprintf("role %s in instance profile %s", roleName, profileName)
	n, err := w.exec(ctx, what, `DELETE FROM instance_profile_roles
		WHERE profile_pk = `+pkSelect("instance_profiles")+` AND role_pk = `+pkSelect("roles"),
		accountID, key(profileName), accountID, key(roleName))
	return mustAffect(n, err, what)
}
