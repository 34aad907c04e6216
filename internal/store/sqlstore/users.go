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

// CreateUser implements store.Tx.
func (w *writer) CreateUser(ctx context.Context, u store.User) error {
	ts, err := encTimes(u.CreatedAt, u.PasswordLastUsed)
	if err != nil {
		return err
	}
	if err := w.create(ctx, "user "+u.Name, `SELECT 1 FROM users WHERE account_id = ? AND name_key = ?`, []any{u.AccountID, key(u.Name)}, u.AccountID,
		`INSERT INTO users (`+userCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.AccountID, u.Name, u.ID, u.Path, u.PermissionsBoundary, encTags(u.Tags), ts[0], ts[1], key(u.Name)); err != nil {
		return err
	}
	return w.clearUserLeftovers(ctx, u.AccountID, key(u.Name))
}

// userLeftovers are the user-owned rows cleared under a name no user
// holds. Deletes do not cascade, so such rows can outlive their user; a
// user created or renamed to that name must not join those groups or
// inherit that password and those credentials.
var userLeftovers = []struct{ what, table string }{
	{"group memberships", "group_members"},
	{"login profile", "login_profiles"},
	{"SSH public keys", "ssh_public_keys"},
	{"signing certificates", "signing_certificates"},
	{"service-specific credentials", "service_specific_credentials"},
}

// clearUserLeftovers deletes the userLeftovers keyed by userKey.
func (w *writer) clearUserLeftovers(ctx context.Context, accountID, userKey string) error {
	for _, l := range userLeftovers {
		if _, err := w.exec(ctx, l.what, `DELETE FROM `+l.table+` WHERE account_id = ? AND user_key = ?`, accountID, userKey); err != nil {
			return err
		}
	}
	return nil
}

// UpdateUser implements store.Tx. A rename moves the user's access keys,
// inline policies, attachments, MFA devices, group memberships, login
// profile, SSH keys, signing certificates and service-specific credentials
// to the new name in the same transaction.
func (w *writer) UpdateUser(ctx context.Context, oldName string, u store.User) error {
	what := "user " + oldName
	old, err := w.GetUser(ctx, u.AccountID, oldName)
	if err != nil {
		return err
	}
	newKey, oldKey := key(u.Name), key(oldName)
	if newKey != oldKey {
		taken, err := w.exists(ctx, `SELECT 1 FROM users WHERE account_id = ? AND name_key = ?`, u.AccountID, newKey)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("user %s: %w", u.Name, store.ErrAlreadyExists)
		}
		if err := w.clearUserLeftovers(ctx, u.AccountID, newKey); err != nil {
			return err
		}
	}
	ts, err := encTimes(u.CreatedAt, u.PasswordLastUsed)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, what, `UPDATE users SET name_key = ?, name = ?, id = ?, path = ?, permissions_boundary = ?, tags = ?,
		created_at = ?, password_last_used = ? WHERE account_id = ? AND name_key = ?`,
		newKey, u.Name, u.ID, u.Path, u.PermissionsBoundary, encTags(u.Tags), ts[0], ts[1], u.AccountID, oldKey)
	if err := mustAffect(n, err, what); err != nil {
		return err
	}
	if old.Name == u.Name {
		return nil
	}
	moves := []struct{ what, query string }{
		{"access keys", `UPDATE access_keys SET user_key = ?, user_name = ? WHERE account_id = ? AND user_key = ?`},
		{"mfa devices", `UPDATE mfa_devices SET user_key = ?, user_name = ? WHERE account_id = ? AND user_key = ?`},
		{"inline policies", `UPDATE inline_policies SET principal_key = ?, principal_name = ? WHERE account_id = ? AND principal_key = ? AND kind = 'user'`},
		{"login profile", `UPDATE login_profiles SET user_key = ?, user_name = ? WHERE account_id = ? AND user_key = ?`},
		{"SSH public keys", `UPDATE ssh_public_keys SET user_key = ?, user_name = ? WHERE account_id = ? AND user_key = ?`},
		{"signing certificates", `UPDATE signing_certificates SET user_key = ?, user_name = ? WHERE account_id = ? AND user_key = ?`},
		{"service-specific credentials", `UPDATE service_specific_credentials SET user_key = ?, user_name = ? WHERE account_id = ? AND user_key = ?`},
	}
	for _, m := range moves {
		if _, err := w.exec(ctx, m.what, m.query, newKey, u.Name, u.AccountID, oldKey); err != nil {
			return err
		}
	}
	if _, err := w.exec(ctx, "attachments", `UPDATE attachments SET principal_key = ? WHERE account_id = ? AND principal_key = ? AND kind = 'user'`,
		newKey, u.AccountID, oldKey); err != nil {
		return err
	}
	_, err = w.exec(ctx, "group memberships", `UPDATE group_members SET user_key = ? WHERE account_id = ? AND user_key = ?`,
		newKey, u.AccountID, oldKey)
	return err
}

// DeleteUser implements store.Tx. Dependants are not deleted.
func (w *writer) DeleteUser(ctx context.Context, accountID, name string) error {
	n, err := w.exec(ctx, "user "+name, `DELETE FROM users WHERE account_id = ? AND name_key = ?`, accountID, key(name))
	return mustAffect(n, err, "user "+name)
}
