package bootstrap

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/policy"
)

// groups reads an account's groups. Memberships are counted across all of
// them, so that a user the file puts in more groups than IAM allows is
// refused here, with a position, rather than half-way through Apply.
func (p *parser) groups(n *yaml.Node, path, account string) []Group {
	items := p.quotaList(n, path, iamlimits.GroupsPerAccount, "groups are allowed in an account")
	seen := names{}
	memberships := map[string]int{} // lower-cased user name -> groups so far
	var out []Group
	for i, gn := range items {
		out = append(out, p.group(gn, indexPath(path, i), account, seen, memberships))
	}
	return out
}

func (p *parser) group(n *yaml.Node, path, account string, seen names, memberships map[string]int) Group {
	g := Group{Pos: at(n, path)}
	m := p.fields(n, path, "name", "path", "members", "inline_policies", "managed_policies")
	if m == nil {
		return g
	}
	g.Name, _ = p.uniqueName(m, n, path, iamlimits.GroupName.Check, seen, "group")
	g.Path = p.path(m, n, path)
	if v, ok := m["members"]; ok {
		g.Members = p.members(v, fieldPath(path, "members"), memberships)
	}
	g.InlinePolicies = p.inlinePolicies(m, path, policy.KindInlineGroup)
	p.inlineQuota(m, path, policy.KindInlineGroup, g.Name, g.InlinePolicies)
	g.ManagedPolicies = p.managedPolicies(m, path, account, iamlimits.AttachedPoliciesPerGroup)
	return g
}

// members reads a group's user names. Whether each user exists is known
// only at Apply, against the file and the store.
func (p *parser) members(n *yaml.Node, path string, memberships map[string]int) []Member {
	var out []Member
	seen := map[string]int{}
	for i, mn := range p.list(n, path) {
		mp := indexPath(path, i)
		s, ok := p.str(mn, mp)
		if !ok {
			continue
		}
		if msg := iamlimits.ExistingUserName.Check(s); msg != "" {
			p.add(mn, mp, "%s", msg)
			continue
		}
		k := strings.ToLower(s)
		if line, dup := seen[k]; dup {
			p.add(mn, mp, "duplicate member %q (names are case-insensitive; first at line %d)", s, line)
			continue
		}
		seen[k] = mn.Line
		memberships[k]++
		if memberships[k] == iamlimits.GroupsPerUser+1 {
			p.add(mn, mp, "user %q would be a member of more than %d groups (IAM quota)", s, iamlimits.GroupsPerUser)
		}
		out = append(out, Member{Pos: at(mn, mp), Name: s})
	}
	return out
}

// inlineQuota refuses inline policies whose aggregate size passes IAM's
// quota for one entity of the kind, in the words IAM's PutXPolicy uses.
// Apply checks again with the policies the store already holds.
func (p *parser) inlineQuota(m map[string]*yaml.Node, path string, kind policy.Kind, entity string, ps []InlinePolicy) {
	total := 0
	for _, ip := range ps {
		total += policy.Size(ip.Document)
	}
	if e := policy.InlineQuotaError(kind, entity, total); e != nil {
		p.add(m["inline_policies"], fieldPath(path, "inline_policies"), "%s: %s", e.Code, e.Message)
	}
}

func (p *parser) profiles(n *yaml.Node, path string) []InstanceProfile {
	items := p.quotaList(n, path, iamlimits.InstanceProfilesPerAccount, "instance profiles are allowed in an account")
	seen := names{}
	var out []InstanceProfile
	for i, pn := range items {
		out = append(out, p.profile(pn, indexPath(path, i), seen))
	}
	return out
}

func (p *parser) profile(n *yaml.Node, path string, seen names) InstanceProfile {
	ip := InstanceProfile{Pos: at(n, path)}
	m := p.fields(n, path, "name", "path", "role", "tags")
	if m == nil {
		return ip
	}
	ip.Name, _ = p.uniqueName(m, n, path, iamlimits.InstanceProfileName.Check, seen, "instance profile")
	ip.Path = p.path(m, n, path)
	if rn, ok := m["role"]; ok {
		rp := fieldPath(path, "role")
		// A list is the likely way to ask for several roles; say why
		// that cannot be rather than only that a string was expected.
		if deref(rn).Kind == yaml.SequenceNode {
			p.add(rn, rp, "must be one role name, not a list: an instance profile holds at most %d role (IAM quota)", iamlimits.RolesPerInstanceProfile)
		} else if s, _, ok := p.checked(m, n, path, "role", false, iamlimits.RoleName.Check); ok {
			ip.Role, ip.RolePos = s, at(rn, rp)
		}
	}
	ip.Tags = p.tags(m, path)
	return ip
}
