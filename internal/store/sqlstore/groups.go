package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

const groupCols = `account_id, name, id, path, created_at`

func scanGroup(_ *reader, sc scanner) (store.Group, error) {
	var g store.Group
	var created string
	if err := sc.Scan(&g.AccountID, &g.Name, &g.ID, &g.Path, &created); err != nil {
		return g, err
	}
	var err error
	g.CreatedAt, err = decTime(created)
	return g, err
}

// GetGroup implements store.Reader.
func (r *reader) GetGroup(ctx context.Context, accountID, name string) (store.Group, error) {
	return getOne(ctx, r, scanGroup, "group "+name,
		`SELECT `+groupCols+` FROM groups WHERE account_id = ? AND name_key = ?`, accountID, key(name))
}

// ListGroups implements store.Reader, ordered by lower-cased name.
func (r *reader) ListGroups(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.Group, error) {
	where, tail, args := listClauses("name_key", pathPrefix, page, []any{accountID})
	return list(ctx, r, scanGroup, "groups", `SELECT `+groupCols+` FROM groups WHERE account_id = ?`+where+tail, args...)
}

// ListGroupMembers implements store.Reader, ordered by lower-cased user
// name.
func (r *reader) ListGroupMembers(ctx context.Context, accountID, groupName string, page store.Page) ([]store.User, error) {
	where, tail, args := listClauses("name_key", "", page, []any{accountID, key(groupName)})
	return list(ctx, r, scanUser, "group members", `SELECT `+userCols+` FROM users
		WHERE pk IN (SELECT user_pk FROM group_members WHERE group_pk = `+pkSelect("groups")+`)`+where+tail, args...)
}

// ListGroupsForUser implements store.Reader, ordered by lower-cased name.
func (r *reader) ListGroupsForUser(ctx context.Context, accountID, userName string) ([]store.Group, error) {
	return list(ctx, r, scanGroup, "groups for user", `SELECT `+groupCols+` FROM groups
		WHERE pk IN (SELECT group_pk FROM group_members WHERE user_pk = `+pkSelect("users")+`)
		ORDER BY name_key`, accountID, key(userName))
}

// CreateGroup implements store.Tx. Deletes cascade, so no row of a
// deleted group of the same name can be waiting for the new one.
func (w *writer) CreateGroup(ctx context.Context, g store.Group) error {
	created, err := encTime(g.CreatedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "group "+g.Name, `SELECT 1 FROM groups WHERE account_id = ? AND name_key = ?`, []any{g.AccountID, key(g.Name)}, g.AccountID,
		`INSERT INTO groups (`+groupCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?)`,
		g.AccountID, g.Name, g.ID, g.Path, created, key(g.Name))
}

// UpdateGroup implements store.Tx. Members, inline policies and
// attachments reference the group's pk, so a rename is this one UPDATE.
func (w *writer) UpdateGroup(ctx context.Context, oldName string, g store.Group) error {
	what := "group " + oldName
	newKey, oldKey := key(g.Name), key(oldName)
	if _, err := w.pkOf(ctx, "groups", "group", g.AccountID, oldName); err != nil {
		return err
	}
	if newKey != oldKey {
		taken, err := w.exists(ctx, `SELECT 1 FROM groups WHERE account_id = ? AND name_key = ?`, g.AccountID, newKey)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("group %s: %w", g.Name, store.ErrAlreadyExists)
		}
	}
	created, err := encTime(g.CreatedAt)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, what, `UPDATE groups SET name_key = ?, name = ?, id = ?, path = ?, created_at = ?
		WHERE account_id = ? AND name_key = ?`,
		newKey, g.Name, g.ID, g.Path, created, g.AccountID, oldKey)
	return mustAffect(n, err, what)
}

// DeleteGroup implements store.Tx. Memberships, inline policies and
// attachments cascade.
func (w *writer) DeleteGroup(ctx context.Context, accountID, name string) error {
	n, err := w.exec(ctx, "group "+name, `DELETE FROM groups WHERE account_id = ? AND name_key = ?`, accountID, key(name))
	return mustAffect(n, err, "group "+name)
}

// AddGroupMember implements store.Tx; adding a member twice is not an
// error. A missing group or user is ErrNotFound.
func (w *writer) AddGroupMember(ctx context.Context, accountID, groupName, userName string) error {
	gpk, err := w.pkOf(ctx, "groups", "group", accountID, groupName)
	if err != nil {
		return err
	}
	upk, err := w.pkOf(ctx, "users", "user", accountID, userName)
	if err != nil {
		return err
	}
	member, err := w.exists(ctx, `SELECT 1 FROM group_members WHERE group_pk = ? AND user_pk = ?`, gpk, upk)
	if err != nil || member {
		return err
	}
	_, err = w.exec(ctx, "group member", `INSERT INTO group_members (group_pk, user_pk) VALUES (?, ?)`, gpk, upk)
	return err
}

// RemoveGroupMember implements store.Tx.
func (w *writer) RemoveGroupMember(ctx context.Context, accountID, groupName, userName string) error {
	what := fmt.Sprintf("membership of user %s in group %s", userName, groupName)
	n, err := w.exec(ctx, what, `DELETE FROM group_members WHERE group_pk = `+pkSelect("groups")+` AND user_pk = `+pkSelect("users"),
		accountID, key(groupName), accountID, key(userName))
	return mustAffect(n, err, what)
}
