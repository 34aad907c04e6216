package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

const userCols = `account_id, name, id, path, permissions_boundary, tags, created_at, password_last_used`

func scanUser(_ *reader, sc scanner) (store.User, error) {
	var u store.User
	var tags, created, pwd string
	if err := sc.Scan(&u.AccountID, &u.Name, &u.ID, &u.Path, &u.PermissionsBoundary, &tags, &created, &pwd); err != nil {
		return u, err
	}
	var err error
	if u.Tags, err = decTags(tags); err != nil {
		return u, err
	}
	if u.CreatedAt, err = decTime(created); err != nil {
		return u, err
	}
	u.PasswordLastUsed, err = decTime(pwd)
	return u, err
}

// GetUser implements store.Reader.
func (r *reader) GetUser(ctx context.Context, accountID, name string) (store.User, error) {
	return getOne(ctx, r, scanUser, "user "+name,
		`SELECT `+userCols+` FROM users WHERE account_id = ? AND name_key = ?`, accountID, key(name))
}

// ListUsers implements store.Reader.
func (r *reader) ListUsers(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.User, error) {
	where, tail, args := listClauses("name_key", pathPrefix, page, []any{accountID})
	return list(ctx, r, scanUser, "users", `SELECT `+userCols+` FROM users WHERE account_id = ?`+where+tail, args...)
}

// CreateUser implements store.Tx. Deletes cascade, so no row of a
// deleted user of the same name can be waiting for the new one.
func (w *writer) CreateUser(ctx context.Context, u store.User) error {
	ts, err := encTimes(u.CreatedAt, u.PasswordLastUsed)
	if err != nil {
		return err
	}
	return w.create(ctx, "user "+u.Name, `SELECT 1 FROM users WHERE account_id = ? AND name_key = ?`, []any{u.AccountID, key(u.Name)}, u.AccountID,
		`INSERT INTO users (`+userCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.AccountID, u.Name, u.ID, u.Path, u.PermissionsBoundary, encTags(u.Tags), ts[0], ts[1], key(u.Name))
}

// UpdateUser implements store.Tx. The user's keys, policies, attachments,
// MFA devices, group memberships and other credentials reference its pk,
// so a rename is this one UPDATE.
func (w *writer) UpdateUser(ctx context.Context, oldName string, u store.User) error {
	what := "user " + oldName
	newKey, oldKey := key(u.Name), key(oldName)
	if _, err := w.pkOf(ctx, "users", "user", u.AccountID, oldName); err != nil {
		return err
	}
	if newKey != oldKey {
		taken, err := w.exists(ctx, `SELECT 1 FROM users WHERE account_id = ? AND name_key = ?`, u.AccountID, newKey)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("user %s: %w", u.Name, store.ErrAlreadyExists)
		}
	}
	ts, err := encTimes(u.CreatedAt, u.PasswordLastUsed)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, what, `UPDATE users SET name_key = ?, name = ?, id = ?, path = ?, permissions_boundary = ?, tags = ?,
		created_at = ?, password_last_used = ? WHERE account_id = ? AND name_key = ?`,
		newKey, u.Name, u.ID, u.Path, u.PermissionsBoundary, encTags(u.Tags), ts[0], ts[1], u.AccountID, oldKey)
	return mustAffect(n, err, what)
}

// DeleteUser implements store.Tx. The user's rows cascade; its MFA
// devices stay, unassigned.
func (w *writer) DeleteUser(ctx context.Context, accountID, name string) error {
	n, err := w.exec(ctx, "user "+name, `DELETE FROM users WHERE account_id = ? AND name_key = ?`, accountID, key(name))
	return mustAffect(n, err, "user "+name)
}
