package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// CreatePolicy creates a customer managed policy with its first version,
// v1, as the default.
func (s *Service) CreatePolicy(ctx context.Context, call *rpc.Call, in *iamapi.CreatePolicyRequest) (*iamapi.CreatePolicyResponse, error) {
	acct := call.Principal.AccountID
	path := in.Path
	if path == "" {
		path = "/"
	}
	if err := s.authorize(ctx, call, "iam:CreatePolicy", arn.Policy(acct, path, in.PolicyName), withRequestTags(in.Tags)...); err != nil {
		return nil, err
	}
	if _, err := s.policies.Parse(in.PolicyDocument, policy.KindManaged); err != nil {
		return nil, err
	}
	tags, err := policyTagRules.create(in.Tags)
	if err != nil {
		return nil, err
	}
	id, err := ids.NewUniqueID(ids.PrefixManagedPolicy, acct)
	if err != nil {
		return nil, err
	}
	now := callTime(call)
	p := store.ManagedPolicy{AccountID: acct, Name: in.PolicyName, ID: id, Path: path, Description: in.Description,
		DefaultVersionID: "v1", Tags: tags, CreatedAt: now, UpdatedAt: now}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreatePolicy(ctx, p); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				// IAM's wording, quoted in Aabyss-Team/awsKeyTools#13 and
				// konstructio/kubefirst#855 (HTTP 409).
				return alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
			}
			return err
		}
		return tx.CreatePolicyVersion(ctx, store.PolicyVersion{AccountID: acct, PolicyName: p.Name, VersionID: "v1", Document: in.PolicyDocument, CreatedAt: now})
	})
	if err != nil {
		return nil, err
	}
	out := policyOut(p, 0, 0, true)
	return &iamapi.CreatePolicyResponse{Policy: &out}, nil
}

// GetPolicy returns a managed policy (without its document: that is
// GetPolicyVersion's).
func (s *Service) GetPolicy(ctx context.Context, call *rpc.Call, in *iamapi.GetPolicyRequest) (*iamapi.GetPolicyResponse, error) {
	acct := call.Principal.AccountID
	if err := s.authorizePolicyARN(ctx, call, "iam:GetPolicy", in.PolicyArn); err != nil {
		return nil, err
	}
	p, err := lookupPolicy(ctx, s.store, acct, in.PolicyArn, policyNotFound)
	if err != nil {
		return nil, err
	}
	attached, err := s.store.CountPolicyAttachments(ctx, canonicalARN(p))
	if err != nil {
		return nil, err
	}
	boundaries, err := boundaryUsage(ctx, s.store, acct)
	if err != nil {
		return nil, err
	}
	out := policyOut(p, attached, boundaries[strings.ToLower(canonicalARN(p))], true)
	return &iamapi.GetPolicyResponse{Policy: &out}, nil
}

// ListPolicies lists the account's customer managed policies. stsd holds
// no AWS managed policies, so Scope=AWS lists nothing and Local is the same
// as All. OnlyAttached keeps policies in use; with it, PolicyUsageFilter
// says which use counts (PermissionsPolicy: attached to a user, role or
// group; PermissionsBoundary: set as a permissions boundary). Without
// OnlyAttached the filter narrows nothing, as every customer managed
// policy may serve either way.
func (s *Service) ListPolicies(ctx context.Context, call *rpc.Call, in *iamapi.ListPoliciesRequest) (*iamapi.ListPoliciesResponse, error) {
	acct := call.Principal.AccountID
	// ListPolicies has no resource type in the Service Authorization
	// Reference: it is authorized on "*".
	if err := s.authorize(ctx, call, "iam:ListPolicies", "*"); err != nil {
		return nil, err
	}
	pg, limit, err := page(in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	if in.Scope == "AWS" {
		f := false
		return &iamapi.ListPoliciesResponse{Policies: []iamapi.Policy{}, IsTruncated: &f}, nil
	}
	onlyAttached := in.OnlyAttached != nil && *in.OnlyAttached
	var items []store.ManagedPolicy
	if !onlyAttached {
		items, err = s.store.ListPolicies(ctx, acct, in.PathPrefix, pg)
	} else {
		items, err = s.store.ListPolicies(ctx, acct, in.PathPrefix, store.Page{})
	}
	if err != nil {
		return nil, err
	}
	boundaries, err := boundaryUsage(ctx, s.store, acct)
	if err != nil {
		return nil, err
	}
	type counted struct {
		p                  store.ManagedPolicy
		attached, boundary int
	}
	all := make([]counted, 0, len(items))
	for _, p := range items {
		n, err := s.store.CountPolicyAttachments(ctx, canonicalARN(p))
		if err != nil {
			return nil, err
		}
		c := counted{p: p, attached: n, boundary: boundaries[strings.ToLower(canonicalARN(p))]}
		if onlyAttached {
			inUse := c.attached > 0
			if in.PolicyUsageFilter == "PermissionsBoundary" {
				inUse = c.boundary > 0
			}
			if !inUse {
				continue
			}
		}
		all = append(all, c)
	}
	key := func(c counted) string { return strings.ToLower(c.p.Name) }
	var page []counted
	var truncated *bool
	var marker string
	if onlyAttached {
		page, truncated, marker, err = pageSlice(all, in.Marker, in.MaxItems, key)
		if err != nil {
			return nil, err
		}
	} else {
		page, truncated, marker = truncate(all, limit, key)
	}
	out := &iamapi.ListPoliciesResponse{Policies: make([]iamapi.Policy, 0, len(page)), IsTruncated: truncated, Marker: marker}
	for _, c := range page {
		out.Policies = append(out.Policies, policyOut(c.p, c.attached, c.boundary, false))
	}
	return out, nil
}

// DeletePolicy deletes a managed policy that is neither attached (to a
// user, role or group: CountPolicyAttachments counts all three) nor in use
// as a permissions boundary and has no version besides the default.
func (s *Service) DeletePolicy(ctx context.Context, call *rpc.Call, in *iamapi.DeletePolicyRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorizePolicyARN(ctx, call, "iam:DeletePolicy", in.PolicyArn); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		p, err := lookupPolicy(ctx, tx, acct, in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		attached, err := tx.CountPolicyAttachments(ctx, canonicalARN(p))
		if err != nil {
			return err
		}
		boundaries, err := boundaryUsage(ctx, tx, acct)
		if err != nil {
			return err
		}
		if attached > 0 || boundaries[strings.ToLower(canonicalARN(p))] > 0 {
			// IAM's wording, quoted in serverless/components#312 and
			// hashicorp/terraform-provider-aws#32906 (HTTP 409).
			return deleteConflict("Cannot delete a policy attached to entities.")
		}
		versions, err := tx.ListPolicyVersions(ctx, acct, p.Name)
		if err != nil {
			return err
		}
		if len(versions) > 1 {
			// IAM's wording, quoted in redradrat/aws-iam-operator#13.
			return deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		return tx.DeletePolicy(ctx, acct, p.Name)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// policyOut shapes a stored managed policy as the model's Policy. full adds
// what GetPolicy and CreatePolicy return but ListPolicies does not
// (description and tags: "IAM resource-listing operations return a subset
// of the available attributes", IAM API reference, ListPolicies).
func policyOut(p store.ManagedPolicy, attached, boundary int, full bool) iamapi.Policy {
	a, b, attachable := int32(attached), int32(boundary), true
	out := iamapi.Policy{
		PolicyName:                    p.Name,
		PolicyId:                      p.ID,
		Arn:                           canonicalARN(p),
		Path:                          policyPath(p),
		DefaultVersionId:              p.DefaultVersionID,
		AttachmentCount:               &a,
		PermissionsBoundaryUsageCount: &b,
		IsAttachable:                  &attachable,
		CreateDate:                    p.CreatedAt,
		UpdateDate:                    p.UpdatedAt,
	}
	if full {
		out.Description = p.Description
		out.Tags = tagsOut(p.Tags)
	}
	return out
}

// boundaryUsage counts, per lower-cased policy ARN, the users and roles of
// acct that have the policy as their permissions boundary.
func boundaryUsage(ctx context.Context, r store.Reader, acct string) (map[string]int, error) {
	users, err := r.ListUsers(ctx, acct, "/", store.Page{})
	if err != nil {
		return nil, err
	}
	roles, err := r.ListRoles(ctx, acct, "/", store.Page{})
	if err != nil {
		return nil, err
	}
	n := make(map[string]int)
	for _, u := range users {
		if u.PermissionsBoundary != "" {
			n[strings.ToLower(u.PermissionsBoundary)]++
		}
	}
	for _, ro := range roles {
		if ro.PermissionsBoundary != "" {
			n[strings.ToLower(ro.PermissionsBoundary)]++
		}
	}
	return n, nil
}
