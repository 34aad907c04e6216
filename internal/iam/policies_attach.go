package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// AttachUserPolicy attaches a managed policy to a user.
func (s *Service) AttachUserPolicy(ctx context.Context, call *rpc.Call, in *iamapi.AttachUserPolicyRequest) (*struct{}, error) {
	return s.attach(ctx, call, userHolder, "iam:AttachUserPolicy", in.UserName, in.PolicyArn)
}

// AttachRolePolicy attaches a managed policy to a role.
func (s *Service) AttachRolePolicy(ctx context.Context, call *rpc.Call, in *iamapi.AttachRolePolicyRequest) (*struct{}, error) {
	return s.attach(ctx, call, roleHolder, "iam:AttachRolePolicy", in.RoleName, in.PolicyArn)
}

// AttachGroupPolicy attaches a managed policy to a group.
func (s *Service) AttachGroupPolicy(ctx context.Context, call *rpc.Call, in *iamapi.AttachGroupPolicyRequest) (*struct{}, error) {
	return s.attach(ctx, call, groupHolder, "iam:AttachGroupPolicy", in.GroupName, in.PolicyArn)
}

// DetachUserPolicy detaches a managed policy from a user.
func (s *Service) DetachUserPolicy(ctx context.Context, call *rpc.Call, in *iamapi.DetachUserPolicyRequest) (*struct{}, error) {
	return s.detach(ctx, call, userHolder, "iam:DetachUserPolicy", in.UserName, in.PolicyArn)
}

// DetachRolePolicy detaches a managed policy from a role.
func (s *Service) DetachRolePolicy(ctx context.Context, call *rpc.Call, in *iamapi.DetachRolePolicyRequest) (*struct{}, error) {
	return s.detach(ctx, call, roleHolder, "iam:DetachRolePolicy", in.RoleName, in.PolicyArn)
}

// DetachGroupPolicy detaches a managed policy from a group.
func (s *Service) DetachGroupPolicy(ctx context.Context, call *rpc.Call, in *iamapi.DetachGroupPolicyRequest) (*struct{}, error) {
	return s.detach(ctx, call, groupHolder, "iam:DetachGroupPolicy", in.GroupName, in.PolicyArn)
}

// ListAttachedUserPolicies lists the managed policies attached to a user.
func (s *Service) ListAttachedUserPolicies(ctx context.Context, call *rpc.Call, in *iamapi.ListAttachedUserPoliciesRequest) (*iamapi.ListAttachedUserPoliciesResponse, error) {
	items, truncated, marker, err := s.listAttached(ctx, call, userHolder, "iam:ListAttachedUserPolicies", in.UserName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAttachedUserPoliciesResponse{AttachedPolicies: items, IsTruncated: truncated, Marker: marker}, nil
}

// ListAttachedRolePolicies lists the managed policies attached to a role.
func (s *Service) ListAttachedRolePolicies(ctx context.Context, call *rpc.Call, in *iamapi.ListAttachedRolePoliciesRequest) (*iamapi.ListAttachedRolePoliciesResponse, error) {
	items, truncated, marker, err := s.listAttached(ctx, call, roleHolder, "iam:ListAttachedRolePolicies", in.RoleName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAttachedRolePoliciesResponse{AttachedPolicies: items, IsTruncated: truncated, Marker: marker}, nil
}

// ListAttachedGroupPolicies lists the managed policies attached to a group.
func (s *Service) ListAttachedGroupPolicies(ctx context.Context, call *rpc.Call, in *iamapi.ListAttachedGroupPoliciesRequest) (*iamapi.ListAttachedGroupPoliciesResponse, error) {
	items, truncated, marker, err := s.listAttached(ctx, call, groupHolder, "iam:ListAttachedGroupPolicies", in.GroupName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAttachedGroupPoliciesResponse{AttachedPolicies: items, IsTruncated: truncated, Marker: marker}, nil
}

// attach records the attachment under the policy's canonical ARN, the key
// the authorizer loads attached policies by, so the entity's permissions
// change with the commit. Attaching twice is not an error.
func (s *Service) attach(ctx context.Context, call *rpc.Call, h holder, action, name, policyARN string) (*struct{}, error) {
	acct := call.Principal.AccountID
	return s.changeAttachment(ctx, call, h, action, name, policyARN, notAttachable, func(tx store.Tx, canonical string) error {
		have, err := tx.ListAttachedPolicies(ctx, acct, h.kind, name)
		if err != nil {
			return err
		}
		for _, a := range have {
			if strings.EqualFold(a, canonical) {
				return nil
			}
		}
		if len(have) >= h.maxAttached {
			// IAM's wording, quoted in aws/eks-hybrid#741 and
			// LBHackney-IT/Data-Platform#1882 (HTTP 409).
			return limitExceeded("Cannot exceed quota for %s: %d", h.quotaName, h.maxAttached)
		}
		return tx.AttachPolicy(ctx, acct, h.kind, name, canonical)
	})
}

// detach removes an attachment. A policy that exists but is not attached
// is answered like one that does not exist, "Policy ARN was not found.",
// as AWS answers DetachGroupPolicy (recorded in localstack's
// test_iam_groups.snapshot.json, "detach-unattached-error"); moto answers
// the user and role operations so too.
func (s *Service) detach(ctx context.Context, call *rpc.Call, h holder, action, name, policyARN string) (*struct{}, error) {
	acct := call.Principal.AccountID
	return s.changeAttachment(ctx, call, h, action, name, policyARN, policyNotFound, func(tx store.Tx, canonical string) error {
		err := tx.DetachPolicy(ctx, acct, h.kind, name, canonical)
		if errors.Is(err, store.ErrNotFound) {
			return policyNotFound(policyARN)
		}
		return err
	})
}

// changeAttachment is what attaching and detaching share: the policy ARN
// must parse, the caller is authorized on the user, role or group (with
// iam:PolicyARN naming the policy by its canonical ARN, policyResource),
// and then, in one transaction, the
// entity must exist and the policy be found (missing words the refusal
// when it is not) before change runs with the policy's canonical ARN.
func (s *Service) changeAttachment(ctx context.Context, call *rpc.Call, h holder, action, name, policyARN string, missing func(string) error, change func(tx store.Tx, canonical string) error) (*struct{}, error) {
	acct := call.Principal.AccountID
	policyKey, err := s.policyResource(ctx, acct, policyARN)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeNamed(ctx, call, action, h.resource, name, withKey("iam:PolicyARN", policyKey)); err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if _, err := h.stored(ctx, tx, acct, name); err != nil {
			return err
		}
		p, err := lookupPolicy(ctx, tx, acct, policyARN, missing)
		if err != nil {
			return err
		}
		return change(tx, canonicalARN(p))
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// listAttached pages the policies attached to a user, role or group, keeping
// those whose path starts with pathPrefix.
func (s *Service) listAttached(ctx context.Context, call *rpc.Call, h holder, action, name, pathPrefix, marker string, maxItems *int32) ([]iamapi.AttachedPolicy, *bool, string, error) {
	acct := call.Principal.AccountID
	if err := s.authorizeNamed(ctx, call, action, h.resource, name); err != nil {
		return nil, nil, "", err
	}
	if _, err := h.stored(ctx, s.store, acct, name); err != nil {
		return nil, nil, "", err
	}
	arns, err := s.store.ListAttachedPolicies(ctx, acct, h.kind, name)
	if err != nil {
		return nil, nil, "", err
	}
	all := make([]iamapi.AttachedPolicy, 0, len(arns))
	for _, a := range arns {
		r, err := arn.ParseIAM(a)
		if err != nil {
			// Only well-formed ARNs are ever recorded; skip rather than fail
			// a listing over one bad row.
			continue
		}
		path := r.Path
		if path == "" {
			path = "/"
		}
		if pathPrefix != "" && !strings.HasPrefix(path, pathPrefix) {
			continue
		}
		all = append(all, iamapi.AttachedPolicy{PolicyName: r.Name, PolicyArn: a})
	}
	items, truncated, next, err := pageSlice(all, marker, maxItems, func(p iamapi.AttachedPolicy) string { return p.PolicyArn })
	if err != nil {
		return nil, nil, "", err
	}
	if items == nil {
		items = []iamapi.AttachedPolicy{}
	}
	return items, truncated, next, nil
}

// ListEntitiesForPolicy lists the groups, users and roles a managed policy
// is attached to (PolicyUsageFilter PermissionsPolicy), set as permissions
// boundary for (PermissionsBoundary; users and roles only, groups have no
// boundary), or either when no filter is given. A policy is never attached
// to a policy, so EntityFilter LocalManagedPolicy and AWSManagedPolicy list
// nothing.
func (s *Service) ListEntitiesForPolicy(ctx context.Context, call *rpc.Call, in *iamapi.ListEntitiesForPolicyRequest) (*iamapi.ListEntitiesForPolicyResponse, error) {
	acct := call.Principal.AccountID
	if err := s.authorizePolicyARN(ctx, call, "iam:ListEntitiesForPolicy", in.PolicyArn); err != nil {
		return nil, err
	}
	p, err := lookupPolicy(ctx, s.store, acct, in.PolicyArn, policyNotFound)
	if err != nil {
		return nil, err
	}
	canonical := canonicalARN(p)
	prefix := in.PathPrefix
	if prefix == "" {
		prefix = "/"
	}
	// uses reports whether an entity uses the policy in the requested way.
	uses := func(h holder, name, boundary string) (bool, error) {
		if in.PolicyUsageFilter != "PermissionsPolicy" && strings.EqualFold(boundary, canonical) {
			return true, nil
		}
		if in.PolicyUsageFilter == "PermissionsBoundary" {
			return false, nil
		}
		attached, err := s.store.ListAttachedPolicies(ctx, acct, h.kind, name)
		if err != nil {
			return false, err
		}
		for _, a := range attached {
			if strings.EqualFold(a, canonical) {
				return true, nil
			}
		}
		return false, nil
	}
	// One list, groups, then roles, then users, each in name order, keyed
	// so that the keys ascend: "g/name" < "r/name" < "u/name".
	type entity struct {
		key   string
		group *iamapi.PolicyGroup
		role  *iamapi.PolicyRole
		user  *iamapi.PolicyUser
	}
	var all []entity
	if in.EntityFilter == "" || in.EntityFilter == "Group" {
		groups, err := s.store.ListGroups(ctx, acct, prefix, store.Page{})
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			ok, err := uses(groupHolder, g.Name, "")
			if err != nil {
				return nil, err
			}
			if ok {
				all = append(all, entity{key: "g/" + strings.ToLower(g.Name), group: &iamapi.PolicyGroup{GroupName: g.Name, GroupId: g.ID}})
			}
		}
	}
	if in.EntityFilter == "" || in.EntityFilter == "Role" {
		roles, err := s.store.ListRoles(ctx, acct, prefix, store.Page{})
		if err != nil {
			return nil, err
		}
		for _, r := range roles {
			ok, err := uses(roleHolder, r.Name, r.PermissionsBoundary)
			if err != nil {
				return nil, err
			}
			if ok {
				all = append(all, entity{key: "r/" + strings.ToLower(r.Name), role: &iamapi.PolicyRole{RoleName: r.Name, RoleId: r.ID}})
			}
		}
	}
	if in.EntityFilter == "" || in.EntityFilter == "User" {
		users, err := s.store.ListUsers(ctx, acct, prefix, store.Page{})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			ok, err := uses(userHolder, u.Name, u.PermissionsBoundary)
			if err != nil {
				return nil, err
			}
			if ok {
				all = append(all, entity{key: "u/" + strings.ToLower(u.Name), user: &iamapi.PolicyUser{UserName: u.Name, UserId: u.ID}})
			}
		}
	}
	items, truncated, marker, err := pageSlice(all, in.Marker, in.MaxItems, func(e entity) string { return e.key })
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListEntitiesForPolicyResponse{IsTruncated: truncated, Marker: marker}
	for _, e := range items {
		switch {
		case e.group != nil:
			out.PolicyGroups = append(out.PolicyGroups, *e.group)
		case e.role != nil:
			out.PolicyRoles = append(out.PolicyRoles, *e.role)
		default:
			out.PolicyUsers = append(out.PolicyUsers, *e.user)
		}
	}
	return out, nil
}
