package memory

import (
	"cmp"
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

// link ties two of an account's named entities: a group (from) to a
// member (to), or an instance profile (from) to a role (to). Both ends
// must exist when it is made, and deleting either end deletes it.
type link struct{ account, from, to string }

func (l link) key() link { return link{l.account, key(l.from), key(l.to)} }

func (l link) compare(o link) int {
	return cmp.Or(cmp.Compare(l.account, o.account), cmp.Compare(l.from, o.from), cmp.Compare(l.to, o.to))
}

func linkFrom(l *link) (*string, *string) { return &l.account, &l.from }
func linkTo(l *link) (*string, *string)   { return &l.account, &l.to }

// targets returns the lower-cased names the links from the entity from
// lead to.
func targets(t *table[link, link], from nameKey) map[string]bool {
	out := map[string]bool{}
	for k := range t.rows {
		if k.account == from.account && k.from == from.name {
			out[k.to] = true
		}
	}
	return out
}

// sources returns the lower-cased names the links to the entity to come
// from.
func sources(t *table[link, link], to nameKey) map[string]bool {
	out := map[string]bool{}
	for k := range t.rows {
		if k.account == to.account && k.to == to.name {
			out[k.from] = true
		}
	}
	return out
}

// among lists a page of an account's rows of t whose keys are in names,
// ordered by lower-cased name.
func among[V any](t *table[nameKey, V], account string, names map[string]bool, page store.Page) []V {
	return t.list(func(k nameKey, _ V) bool { return k.account == account && names[k.name] && k.name > page.After }, page.Limit)
}

// GetRole implements store.Reader.
func (r reader) GetRole(ctx context.Context, accountID, name string) (store.Role, error) {
	return read(ctx, r, func(st *state) (store.Role, error) { return find(&st.roles, nk(accountID, name), "role "+name) })
}

// ListRoles implements store.Reader.
func (r reader) ListRoles(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.Role, error) {
	return view(ctx, r, func(st *state) []store.Role {
		return inAccount(&st.roles, accountID, pathPrefix, page, func(r store.Role) string { return r.Path })
	})
}

// CreateRole implements store.Tx.
func (w *tx) CreateRole(ctx context.Context, r store.Role) error {
	return w.write(ctx, func(st *state) error { return addIn(st, &st.roles, r, r.AccountID, "role "+r.Name) })
}

// UpdateRole implements store.Tx: it replaces the role of the same name.
func (w *tx) UpdateRole(ctx context.Context, r store.Role) error {
	return w.write(ctx, func(st *state) error {
		return modify(st, &st.roles, nk(r.AccountID, r.Name), "role "+r.Name, func(store.Role) store.Role { return r })
	})
}

// DeleteRole implements store.Tx. Its policies and its places in
// instance profiles go with it.
func (w *tx) DeleteRole(ctx context.Context, accountID, name string) error {
	return w.write(ctx, func(st *state) error {
		who := nk(accountID, name)
		if err := remove(st, &st.roles, who, "role "+name); err != nil {
			return err
		}
		drop(st.gen, &st.inline, inlineOf(store.KindRole), who)
		drop(st.gen, &st.attachments, attachmentOf(store.KindRole), who)
		drop(st.gen, &st.profileRoles, linkTo, who)
		return nil
	})
}

// GetGroup implements store.Reader.
func (r reader) GetGroup(ctx context.Context, accountID, name string) (store.Group, error) {
	return read(ctx, r, func(st *state) (store.Group, error) { return find(&st.groups, nk(accountID, name), "group "+name) })
}

// ListGroups implements store.Reader.
func (r reader) ListGroups(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.Group, error) {
	return view(ctx, r, func(st *state) []store.Group {
		return inAccount(&st.groups, accountID, pathPrefix, page, func(g store.Group) string { return g.Path })
	})
}

// ListGroupMembers implements store.Reader: the live users of a live
// group.
func (r reader) ListGroupMembers(ctx context.Context, accountID, groupName string, page store.Page) ([]store.User, error) {
	return view(ctx, r, func(st *state) []store.User {
		g := nk(accountID, groupName)
		if !st.groups.has(g) {
			return nil
		}
		return among(&st.users, accountID, targets(&st.members, g), page)
	})
}

// ListGroupsForUser implements store.Reader: the live groups of a live
// user.
func (r reader) ListGroupsForUser(ctx context.Context, accountID, userName string) ([]store.Group, error) {
	return view(ctx, r, func(st *state) []store.Group {
		u := nk(accountID, userName)
		if !st.users.has(u) {
			return nil
		}
		return among(&st.groups, accountID, sources(&st.members, u), store.Page{})
	})
}

// CreateGroup implements store.Tx.
func (w *tx) CreateGroup(ctx context.Context, g store.Group) error {
	return w.write(ctx, func(st *state) error { return st.groupRows().create(st, g) })
}

// UpdateGroup implements store.Tx. A rename, even of case alone, hands
// the members and policies to the new spelling.
func (w *tx) UpdateGroup(ctx context.Context, oldName string, g store.Group) error {
	return w.write(ctx, func(st *state) error { return st.groupRows().rename(st, oldName, g) })
}

func (st *state) groupRows() principal[store.Group] {
	return principal[store.Group]{"group", &st.groups, func(g store.Group) string { return g.Name }, st.dropGroup, st.moveGroup}
}

// moveGroup hands the members and policies of the group from to the
// group spelled name.
func (st *state) moveGroup(from nameKey, name string) {
	move(st.gen, &st.members, linkFrom, from, name)
	move(st.gen, &st.inline, inlineOf(store.KindGroup), from, name)
	move(st.gen, &st.attachments, attachmentOf(store.KindGroup), from, name)
}

// dropGroup deletes the memberships and policies of the deleted group who.
func (st *state) dropGroup(who nameKey) {
	drop(st.gen, &st.members, linkFrom, who)
	drop(st.gen, &st.inline, inlineOf(store.KindGroup), who)
	drop(st.gen, &st.attachments, attachmentOf(store.KindGroup), who)
}

// DeleteGroup implements store.Tx. Its memberships and policies go with
// it.
func (w *tx) DeleteGroup(ctx context.Context, accountID, name string) error {
	return w.write(ctx, func(st *state) error { return st.groupRows().remove(st, accountID, name) })
}

// AddGroupMember implements store.Tx; adding a member twice is not an
// error.
func (w *tx) AddGroupMember(ctx context.Context, accountID, groupName, userName string) error {
	return w.write(ctx, func(st *state) error {
		if err := st.requireHolder(store.KindGroup, accountID, groupName); err != nil {
			return err
		}
		if err := st.requireHolder(store.KindUser, accountID, userName); err != nil {
			return err
		}
		l := link{accountID, groupName, userName}
		if st.members.has(l.key()) {
			return nil
		}
		return putIn(st, &st.members, l, accountID)
	})
}

// RemoveGroupMember implements store.Tx.
func (w *tx) RemoveGroupMember(ctx context.Context, accountID, groupName, userName string) error {
	return w.write(ctx, func(st *state) error {
		return remove(st, &st.members, link{accountID, groupName, userName}.key(),
			fmt.Sprintf("membership of user %s in group %s", userName, groupName))
	})
}

// withRoles fills in the live roles of each profile, in their stored
// spelling, ordered by lower-cased name.
func (st *state) withRoles(ps []store.InstanceProfile) []store.InstanceProfile {
	for i, p := range ps {
		for _, r := range among(&st.roles, p.AccountID, targets(&st.profileRoles, nk(p.AccountID, p.Name)), store.Page{}) {
			ps[i].Roles = append(ps[i].Roles, r.Name)
		}
	}
	return ps
}

// GetInstanceProfile implements store.Reader.
func (r reader) GetInstanceProfile(ctx context.Context, accountID, name string) (store.InstanceProfile, error) {
	return read(ctx, r, func(st *state) (store.InstanceProfile, error) {
		p, err := find(&st.profiles, nk(accountID, name), "instance profile "+name)
		if err != nil {
			return p, err
		}
		return st.withRoles([]store.InstanceProfile{p})[0], nil
	})
}

// ListInstanceProfiles implements store.Reader.
func (r reader) ListInstanceProfiles(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.InstanceProfile, error) {
	return view(ctx, r, func(st *state) []store.InstanceProfile {
		return st.withRoles(inAccount(&st.profiles, accountID, pathPrefix, page, func(p store.InstanceProfile) string { return p.Path }))
	})
}

// ListInstanceProfilesForRole implements store.Reader: the live profiles
// of a live role.
func (r reader) ListInstanceProfilesForRole(ctx context.Context, accountID, roleName string, page store.Page) ([]store.InstanceProfile, error) {
	return view(ctx, r, func(st *state) []store.InstanceProfile {
		role := nk(accountID, roleName)
		if !st.roles.has(role) {
			return nil
		}
		return st.withRoles(among(&st.profiles, accountID, sources(&st.profileRoles, role), page))
	})
}

// CreateInstanceProfile implements store.Tx. p.Roles is ignored.
func (w *tx) CreateInstanceProfile(ctx context.Context, p store.InstanceProfile) error {
	return w.write(ctx, func(st *state) error {
		p.Roles = nil
		return addIn(st, &st.profiles, p, p.AccountID, "instance profile "+p.Name)
	})
}

// UpdateInstanceProfile implements store.Tx: only the tags are written.
func (w *tx) UpdateInstanceProfile(ctx context.Context, p store.InstanceProfile) error {
	return w.write(ctx, func(st *state) error {
		return modify(st, &st.profiles, nk(p.AccountID, p.Name), "instance profile "+p.Name,
			func(old store.InstanceProfile) store.InstanceProfile { old.Tags = p.Tags; return old })
	})
}

// DeleteInstanceProfile implements store.Tx. Its places for roles go
// with it.
func (w *tx) DeleteInstanceProfile(ctx context.Context, accountID, name string) error {
	return w.write(ctx, func(st *state) error {
		who := nk(accountID, name)
		if err := remove(st, &st.profiles, who, "instance profile "+name); err != nil {
			return err
		}
		drop(st.gen, &st.profileRoles, linkFrom, who)
		return nil
	})
}

// AddInstanceProfileRole implements store.Tx.
func (w *tx) AddInstanceProfileRole(ctx context.Context, accountID, profileName, roleName string) error {
	return w.write(ctx, func(st *state) error {
		if !st.profiles.has(nk(accountID, profileName)) {
			return notFound("instance profile " + profileName)
		}
		if err := st.requireHolder(store.KindRole, accountID, roleName); err != nil {
			return err
		}
		return addIn(st, &st.profileRoles, link{accountID, profileName, roleName}, accountID,
			fmt.Sprintf("role %s in instance profile %s", roleName, profileName))
	})
}

// RemoveInstanceProfileRole implements store.Tx.
func (w *tx) RemoveInstanceProfileRole(ctx context.Context, accountID, profileName, roleName string) error {
	return w.write(ctx, func(st *state) error {
		return remove(st, &st.profileRoles, link{accountID, profileName, roleName}.key(),
			fmt.Sprintf("role %s in instance profile %s", roleName, profileName))
	})
}
