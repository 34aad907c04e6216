package bootstrap

import (
	"errors"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/store"
)

// group creates the group or moves it to the file's path, then adds the
// members it lacks, its inline policies and attachments. Members the file
// does not list stay members: the file adds, it never removes.
func (a *applier) group(account string, g *Group) error {
	cur, err := a.tx.GetGroup(a.ctx, account, g.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		id, err := ids.NewUniqueID(ids.PrefixGroup, account)
		if err != nil {
			return a.storeErr(g.Pos, err)
		}
		cur = store.Group{AccountID: account, Name: g.Name, ID: id, Path: normPath(g.Path), CreatedAt: a.now}
		if err := a.tx.CreateGroup(a.ctx, cur); err != nil {
			return a.storeErr(g.Pos, err)
		}
		a.created("group %s/%s", account, g.Name)
	case err != nil:
		return a.storeErr(g.Pos, err)
	case g.Path != "" && g.Path != cur.Path:
		want := cur
		want.Path = g.Path
		// The stored spelling of the name is kept, so this is never a rename.
		if err := a.tx.UpdateGroup(a.ctx, cur.Name, want); err != nil {
			return a.storeErr(g.Pos, err)
		}
		cur = want
		a.updated("group %s/%s", account, cur.Name)
	}
	for i := range g.Members {
		if err := a.member(account, cur.Name, &g.Members[i]); err != nil {
			return err
		}
	}
	if err := a.inlineQuota(account, store.KindGroup, policy.KindInlineGroup, cur.Name, g.InlinePolicies); err != nil {
		return err
	}
	if err := a.inline(account, store.KindGroup, cur.Name, g.InlinePolicies); err != nil {
		return err
	}
	return a.attach(account, store.KindGroup, cur.Name, g.ManagedPolicies, iamlimits.AttachedPoliciesPerGroup)
}

// member adds a user to a group unless it is a member already. The user
// must exist by then (created earlier in this Apply or already stored), and
// joining must not put the user in more groups than IAM allows.
func (a *applier) member(account, group string, m *Member) error {
	u, err := a.tx.GetUser(a.ctx, account, m.Name)
	if errors.Is(err, store.ErrNotFound) {
		return a.fail(m.Pos, "user %s does not exist in account %s (not in this file nor in the store)", m.Name, account)
	}
	if err != nil {
		return a.storeErr(m.Pos, err)
	}
	in, err := a.tx.ListGroupsForUser(a.ctx, account, u.Name)
	if err != nil {
		return a.storeErr(m.Pos, err)
	}
	if slices.ContainsFunc(in, func(x store.Group) bool { return strings.EqualFold(x.Name, group) }) {
		return nil
	}
	if len(in) >= iamlimits.GroupsPerUser {
		return a.fail(m.Pos, "user %s is already a member of %d groups (IAM quota)", u.Name, iamlimits.GroupsPerUser)
	}
	if err := a.tx.AddGroupMember(a.ctx, account, group, u.Name); err != nil {
		return a.storeErr(m.Pos, err)
	}
	a.created("membership of user %s in group %s/%s", u.Name, account, group)
	return nil
}

// inlineQuota checks the aggregate size of a principal's inline policies as
// they will be after this Apply (the stored ones the file does not replace,
// plus the file's), as IAM's PutXPolicy does.
func (a *applier) inlineQuota(account string, kind store.PrincipalKind, pkind policy.Kind, principal string, ps []InlinePolicy) error {
	if len(ps) == 0 {
		return nil
	}
	stored, err := a.tx.ListInlinePolicies(a.ctx, account, kind, principal)
	if err != nil {
		return a.storeErr(ps[0].Pos, err)
	}
	total := 0
	for _, ip := range ps {
		total += policy.Size(ip.Document)
	}
	for _, sp := range stored {
		if !slices.ContainsFunc(ps, func(ip InlinePolicy) bool { return strings.EqualFold(ip.Name, sp.Name) }) {
			total += policy.Size(sp.Document)
		}
	}
	if e := policy.InlineQuotaError(pkind, principal, total); e != nil {
		return a.fail(ps[0].Pos, "%s: %s", e.Code, e.Message)
	}
	return nil
}

// profile creates the instance profile or brings its tags to the file's,
// then puts the role in it when it holds none.
//
// Two differences are refused rather than resolved: IAM has no way to
// change an instance profile's path (only delete and recreate, which would
// be a deletion), and a profile holds one role, so giving it the file's role
// would mean removing the one it has, silently changing what running
// instances are allowed to do.
func (a *applier) profile(account string, p *InstanceProfile) error {
	cur, err := a.tx.GetInstanceProfile(a.ctx, account, p.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		id, err := ids.NewUniqueID(ids.PrefixInstProfile, account)
		if err != nil {
			return a.storeErr(p.Pos, err)
		}
		cur = store.InstanceProfile{AccountID: account, Name: p.Name, ID: id, Path: normPath(p.Path), Tags: p.Tags, CreatedAt: a.now}
		if err := a.tx.CreateInstanceProfile(a.ctx, cur); err != nil {
			return a.storeErr(p.Pos, err)
		}
		a.created("instance profile %s/%s", account, p.Name)
	case err != nil:
		return a.storeErr(p.Pos, err)
	default:
		if p.Path != "" && p.Path != cur.Path {
			return a.fail(p.Pos, "instance profile %s already exists with path %s; IAM cannot change an instance profile's path", cur.Name, cur.Path)
		}
		if p.Tags != nil && !slices.Equal(p.Tags, cur.Tags) {
			want := cur
			want.Tags = p.Tags
			if err := a.tx.UpdateInstanceProfile(a.ctx, want); err != nil {
				return a.storeErr(p.Pos, err)
			}
			a.updated("instance profile %s/%s", account, cur.Name)
		}
	}
	if p.Role == "" {
		return nil
	}
	r, err := a.tx.GetRole(a.ctx, account, p.Role)
	if errors.Is(err, store.ErrNotFound) {
		return a.fail(p.RolePos, "role %s does not exist in account %s (not in this file nor in the store)", p.Role, account)
	}
	if err != nil {
		return a.storeErr(p.RolePos, err)
	}
	switch {
	case containsFold(cur.Roles, r.Name):
		return nil
	case len(cur.Roles) >= iamlimits.RolesPerInstanceProfile:
		return a.fail(p.RolePos, "instance profile %s already holds role %s; an instance profile holds one role and bootstrap does not swap it (RemoveRoleFromInstanceProfile first)", cur.Name, cur.Roles[0])
	}
	if err := a.tx.AddInstanceProfileRole(a.ctx, account, cur.Name, r.Name); err != nil {
		return a.storeErr(p.RolePos, err)
	}
	a.created("role %s in instance profile %s/%s", r.Name, account, cur.Name)
	return nil
}
