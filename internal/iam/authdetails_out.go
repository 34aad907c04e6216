package iam

import (
	"context"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/store"
)

// The shapes below follow the model's UserDetail, GroupDetail, RoleDetail
// and ManagedPolicyDetail. Which members AWS fills is taken from
// downloads of real accounts: aws/aws-cli
// awscli/examples/iam/get-account-authorization-details.rst and
// salesforce/cloudsplaining examples/files/example.json (roles carry Tags
// and RoleLastUsed, {} for a role never used; instance profiles list their
// roles without MaxSessionDuration; managed policies carry
// PermissionsBoundaryUsageCount but no Description, as ListPolicies
// leaves it out).

// userDetail is a user with its inline policies, groups and attached
// policies.
func (s *Service) userDetail(ctx context.Context, u store.User) (iamapi.UserDetail, error) {
	inline, err := s.inlineDetails(ctx, u.AccountID, store.KindUser, u.Name)
	if err != nil {
		return iamapi.UserDetail{}, err
	}
	attached, err := s.attachedDetails(ctx, u.AccountID, store.KindUser, u.Name)
	if err != nil {
		return iamapi.UserDetail{}, err
	}
	groups, err := s.store.ListGroupsForUser(ctx, u.AccountID, u.Name)
	if err != nil {
		return iamapi.UserDetail{}, err
	}
	names := make([]string, 0, len(groups))
	for _, g := range groups {
		names = append(names, g.Name)
	}
	v := userOut(u)
	return iamapi.UserDetail{
		Path:                    v.Path,
		UserName:                v.UserName,
		UserId:                  v.UserId,
		Arn:                     v.Arn,
		CreateDate:              v.CreateDate,
		UserPolicyList:          inline,
		GroupList:               names,
		AttachedManagedPolicies: attached,
		PermissionsBoundary:     v.PermissionsBoundary,
		Tags:                    v.Tags,
	}, nil
}

// groupDetail is a group with its inline and attached policies (its
// members are listed with the users, in their GroupList).
func (s *Service) groupDetail(ctx context.Context, g store.Group) (iamapi.GroupDetail, error) {
	inline, err := s.inlineDetails(ctx, g.AccountID, store.KindGroup, g.Name)
	if err != nil {
		return iamapi.GroupDetail{}, err
	}
	attached, err := s.attachedDetails(ctx, g.AccountID, store.KindGroup, g.Name)
	if err != nil {
		return iamapi.GroupDetail{}, err
	}
	v := groupOut(g)
	return iamapi.GroupDetail{
		Path:                    v.Path,
		GroupName:               v.GroupName,
		GroupId:                 v.GroupId,
		Arn:                     v.Arn,
		CreateDate:              v.CreateDate,
		GroupPolicyList:         inline,
		AttachedManagedPolicies: attached,
	}, nil
}

// roleDetail is a role with its instance profiles and inline and attached
// policies.
func (s *Service) roleDetail(ctx context.Context, r store.Role) (iamapi.RoleDetail, error) {
	inline, err := s.inlineDetails(ctx, r.AccountID, store.KindRole, r.Name)
	if err != nil {
		return iamapi.RoleDetail{}, err
	}
	attached, err := s.attachedDetails(ctx, r.AccountID, store.KindRole, r.Name)
	if err != nil {
		return iamapi.RoleDetail{}, err
	}
	held, err := s.store.ListInstanceProfilesForRole(ctx, r.AccountID, r.Name, store.Page{})
	if err != nil {
		return iamapi.RoleDetail{}, err
	}
	// Shaped as ListInstanceProfilesForRole shapes them.
	profiles, err := s.instanceProfilesOut(ctx, held)
	if err != nil {
		return iamapi.RoleDetail{}, err
	}
	v := roleOut(r)
	if v.RoleLastUsed == nil {
		// Present and empty for a role never used, as GetRole answers.
		v.RoleLastUsed = &iamapi.RoleLastUsed{}
	}
	return iamapi.RoleDetail{
		Path:                     v.Path,
		RoleName:                 v.RoleName,
		RoleId:                   v.RoleId,
		Arn:                      v.Arn,
		CreateDate:               v.CreateDate,
		AssumeRolePolicyDocument: v.AssumeRolePolicyDocument,
		InstanceProfileList:      profiles,
		RolePolicyList:           inline,
		AttachedManagedPolicies:  attached,
		PermissionsBoundary:      v.PermissionsBoundary,
		Tags:                     v.Tags,
		RoleLastUsed:             v.RoleLastUsed,
	}, nil
}

// policyDetail is a customer managed policy with every version and its
// document; boundaries counts the users and roles that have it as their
// permissions boundary.
func (s *Service) policyDetail(ctx context.Context, p store.ManagedPolicy, boundaries int) (iamapi.ManagedPolicyDetail, error) {
	attached, err := s.store.CountPolicyAttachments(ctx, canonicalARN(p))
	if err != nil {
		return iamapi.ManagedPolicyDetail{}, err
	}
	versions, err := s.store.ListPolicyVersions(ctx, p.AccountID, p.Name)
	if err != nil {
		return iamapi.ManagedPolicyDetail{}, err
	}
	list := make([]iamapi.PolicyVersion, 0, len(versions))
	for _, pv := range versions {
		v := versionOut(pv, p.DefaultVersionID)
		v.Document = encodeDocument(pv.Document)
		list = append(list, v)
	}
	v := policyOut(p, attached, boundaries, false)
	return iamapi.ManagedPolicyDetail{
		PolicyName:                    v.PolicyName,
		PolicyId:                      v.PolicyId,
		Arn:                           v.Arn,
		Path:                          v.Path,
		DefaultVersionId:              v.DefaultVersionId,
		AttachmentCount:               v.AttachmentCount,
		PermissionsBoundaryUsageCount: v.PermissionsBoundaryUsageCount,
		IsAttachable:                  v.IsAttachable,
		CreateDate:                    v.CreateDate,
		UpdateDate:                    v.UpdateDate,
		PolicyVersionList:             list,
	}, nil
}

// inlineDetails lists a principal's inline policies by name with their
// documents URL-encoded.
func (s *Service) inlineDetails(ctx context.Context, acct string, kind store.PrincipalKind, name string) ([]iamapi.PolicyDetail, error) {
	policies, err := s.store.ListInlinePolicies(ctx, acct, kind, name)
	if err != nil {
		return nil, err
	}
	out := make([]iamapi.PolicyDetail, 0, len(policies))
	for _, ip := range policies {
		out = append(out, iamapi.PolicyDetail{PolicyName: ip.Name, PolicyDocument: encodeDocument(ip.Document)})
	}
	return out, nil
}

// attachedDetails lists the managed policies attached to a principal, by
// ARN, named as ListAttached*Policies names them (from the recorded ARN).
func (s *Service) attachedDetails(ctx context.Context, acct string, kind store.PrincipalKind, name string) ([]iamapi.AttachedPolicy, error) {
	arns, err := s.store.ListAttachedPolicies(ctx, acct, kind, name)
	if err != nil {
		return nil, err
	}
	out := make([]iamapi.AttachedPolicy, 0, len(arns))
	for _, a := range arns {
		r, err := arn.ParseIAM(a)
		if err != nil {
			// Only well-formed ARNs are ever recorded; as listAttached
			// does, skip rather than fail the snapshot over one bad row.
			continue
		}
		out = append(out, iamapi.AttachedPolicy{PolicyName: r.Name, PolicyArn: a})
	}
	return out, nil
}
