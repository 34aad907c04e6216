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
// name. Only live users of a live group are listed, so a membership row
// left behind by a delete never shows.
func (r *reader) ListGroupMembers(ctx context.Context, accountID, groupName string, page store.Page) ([]store.User, error) {
	gk := key(groupName)
	where, tail, args := listClauses("name_key", "", page, []any{accountID, accountID, gk, accountID, gk})
	return list(ctx, r, scanUser, "group members", `SELECT `+userCols+` FROM users WHERE account_id = ?
		AND name_key IN (SELECT user_key FROM group_members WHERE account_id = ? AND group_key = ?)
		AND EXISTS (SELECT 1 FROM groups WHERE account_id = ? AND name_key = ?)`+where+tail, args...)
}

// ListGroupsForUser implements store.Reader, ordered by lower-cased name.
// Like ListGroupMembers it sees only live groups of a live user.
func (r *reader) ListGroupsForUser(ctx context.Context, accountID, userName string) ([]store.Group, error) {
	uk := key(userName)
	return list(ctx, r, scanGroup, "groups for user", `SELECT `+groupCols+` FROM groups WHERE account_id = ?
		AND name_key IN (SELECT group_key FROM group_members WHERE account_id = ? AND user_key = ?)
		AND EXISTS (SELECT 1 FROM users WHERE account_id = ? AND name_key = ?)
		ORDER BY name_key`, accountID, accountID, uk, accountID, uk)
}

// CreateGroup implements store.Tx. Rows a deleted group of the same name
// left behind are cleared first, so the new group starts with no members
// and no policies.
func (w *writer) CreateGroup(ctx context.Context, g store.Group) error {
	created, err := encTime(g.CreatedAt)
	if err != nil {
		return err
	}
	if err := w.create(ctx, "group "+g.Name, `SELECT 1 FROM groups WHERE account_id = ? AND name_key = ?`, []any{g.AccountID, key(g.Name)}, g.AccountID,
		`INSERT INTO groups (`+groupCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?)`,
		g.AccountID, g.Name, g.ID, g.Path, created, key(g.Name)); err != nil {
		return err
	}
	return w.clearGroupLeftovers(ctx, g.AccountID, key(g.Name))
}

// clearGroupLeftovers deletes the memberships, inline policies and
// attachments keyed by a group name no group holds. Deletes do not
// cascade, so such rows can outlive their group; a group created or
// renamed to that name must not inherit them.
func (w *writer) clearGroupLeftovers(ctx context.Context, accountID, groupKey string) error {
	for _, c := range []struct{ what, query string }{
		{"group members", `DELETE FROM group_members WHERE account_id = ? AND group_key = ?`},
		{"inline policies", `DELETE FROM inline_policies WHERE account_id = ? AND principal_key = ? AND kind = 'group'`},
		{"attachments", `DELETE FROM attachments WHERE account_id = ? AND principal_key = ? AND kind = 'group'`},
	} {
		if _, err := w.exec(ctx, c.what, c.query, accountID, groupKey); err != nil {
			return err
		}
	}
	return nil
}

// UpdateGroup implements store.Tx. A rename moves the group's members,
// inline policies and attachments to the new name in the same transaction.
func (w *writer) UpdateGroup(ctx context.Context, oldName string, g store.Group) error {
	what := "group " + oldName
	old, err := w.GetGroup(ctx, g.AccountID, oldName)
	if err != nil {
		return err
	}
	newKey, oldKey := key(g.Name), key(oldName)
	if newKey != oldKey {
		taken, err := w.exists(ctx, `SELECT 1 FROM groups WHERE account_id = ? AND name_key = ?`, g.AccountID, newKey)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("group %s: %w", g.Name, store.ErrAlreadyExists)
		}
		if err := w.clearGroupLeftovers(ctx, g.AccountID, newKey); err != nil {
			return err
		}
	}
	created, err := encTime(g.CreatedAt)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, what, `UPDATE groups SET name_key = ?, name = ?, id = ?, path = ?, created_at = ?
		WHERE account_id = ? AND name_key = ?`,
		newKey, g.Name, g.ID, g.Path, created, g.AccountID, oldKey)
	if err := mustAffect(n, err, what); err != nil {
		return err
	}
	if old.Name == g.Name {
		return nil
	}
	moves := []struct {
		what, query string
		args        []any
	}{
		{"group members", `UPDATE group_members SET group_key = ? WHERE account_id = ? AND group_key = ?`,
			[]any{newKey, g.AccountID, oldKey}},
		{"inline policies", `UPDATE inline_policies SET principal_key = ?, principal_name = ? WHERE account_id = ? AND principal_key = ? AND kind = 'group'`,
			[]any{newKey, g.Name, g.AccountID, oldKey}},
		{"attachments", `UPDATE attachments SET principal_key = ? WHERE account_id = ? AND principal_key = ? AND kind = 'group'`,
			[]any{newKey, g.AccountID, oldKey}},
	}
	for _, m := range moves {
		if _, err := w.exec(ctx, m.what, m.query, m.args...); err != nil {
			return err
		}
	}
	return nil
}

// DeleteGroup implements store.Tx. Dependants are not deleted; reads never
// show them and CreateGroup clears them.
func (w *writer) DeleteGroup(ctx context.Context, accountID, name string) error {
	n, err := w.exec(ctx, "group "+name, `DELETE FROM groups WHERE account_id = ? AND name_key = ?`, accountID, key(name))
	return mustAffect(n, err, "group "+name)
}

// AddGroupMember implements store.Tx; adding a member twice is not an
// error.
func (w *writer) AddGroupMember(ctx context.Context, accountID, groupName, userName string) error {
	args := []any{accountID, key(groupName), key(userName)}
	member, err := w.exists(ctx, `SELECT 1 FROM group_members WHERE account_id = ? AND group_key = ? AND user_key = ?`, args...)
	if err != nil || member {
		return err
	}
	if err := w.requireAccount(ctx, accountID); err != nil {
		return err
	}
	_, err = w.exec(ctx, "group member", `INSERT INTO group_members (account_id, group_key, user_key) VALUES (?, ?, ?)`, args...)
	return err
}

// RemoveGroupMember implements store.Tx.
func (w *writer) RemoveGroupMember(ctx context.Context, accountID, groupName, userName string) error {
	what := fmt.Sprintf("membership of user %s in group %s", userName, groupName)
	n, err := w.exec(ctx, what, `DELETE FROM group_members WHERE account_id = ? AND group_key = ? AND user_key = ?`,
		accountID, key(groupName), key(userName))
	return mustAffect(n, err, what)
}
