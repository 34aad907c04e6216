package iam

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// PutUserPolicy creates or replaces an inline policy of a user.
func (s *Service) PutUserPolicy(ctx context.Context, call *rpc.Call, in *iamapi.PutUserPolicyRequest) (*struct{}, error) {
	return s.putInline(ctx, call, userHolder, "iam:PutUserPolicy", in.UserName, in.PolicyName, in.PolicyDocument)
}

// PutRolePolicy creates or replaces an inline policy of a role.
func (s *Service) PutRolePolicy(ctx context.Context, call *rpc.Call, in *iamapi.PutRolePolicyRequest) (*struct{}, error) {
	return s.putInline(ctx, call, roleHolder, "iam:PutRolePolicy", in.RoleName, in.PolicyName, in.PolicyDocument)
}

// PutGroupPolicy creates or replaces an inline policy of a group.
func (s *Service) PutGroupPolicy(ctx context.Context, call *rpc.Call, in *iamapi.PutGroupPolicyRequest) (*struct{}, error) {
	return s.putInline(ctx, call, groupHolder, "iam:PutGroupPolicy", in.GroupName, in.PolicyName, in.PolicyDocument)
}

// GetUserPolicy returns a user's inline policy, its document URL-encoded.
func (s *Service) GetUserPolicy(ctx context.Context, call *rpc.Call, in *iamapi.GetUserPolicyRequest) (*iamapi.GetUserPolicyResponse, error) {
	ip, err := s.getInline(ctx, call, userHolder, "iam:GetUserPolicy", in.UserName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetUserPolicyResponse{UserName: ip.PrincipalName, PolicyName: ip.Name, PolicyDocument: encodeDocument(ip.Document)}, nil
}

// GetRolePolicy returns a role's inline policy, its document URL-encoded.
func (s *Service) GetRolePolicy(ctx context.Context, call *rpc.Call, in *iamapi.GetRolePolicyRequest) (*iamapi.GetRolePolicyResponse, error) {
	ip, err := s.getInline(ctx, call, roleHolder, "iam:GetRolePolicy", in.RoleName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetRolePolicyResponse{RoleName: ip.PrincipalName, PolicyName: ip.Name, PolicyDocument: encodeDocument(ip.Document)}, nil
}

// GetGroupPolicy returns a group's inline policy, its document URL-encoded.
func (s *Service) GetGroupPolicy(ctx context.Context, call *rpc.Call, in *iamapi.GetGroupPolicyRequest) (*iamapi.GetGroupPolicyResponse, error) {
	ip, err := s.getInline(ctx, call, groupHolder, "iam:GetGroupPolicy", in.GroupName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetGroupPolicyResponse{GroupName: ip.PrincipalName, PolicyName: ip.Name, PolicyDocument: encodeDocument(ip.Document)}, nil
}

// DeleteUserPolicy deletes an inline policy of a user.
func (s *Service) DeleteUserPolicy(ctx context.Context, call *rpc.Call, in *iamapi.DeleteUserPolicyRequest) (*struct{}, error) {
	return s.deleteInline(ctx, call, userHolder, "iam:DeleteUserPolicy", in.UserName, in.PolicyName)
}

// DeleteRolePolicy deletes an inline policy of a role.
func (s *Service) DeleteRolePolicy(ctx context.Context, call *rpc.Call, in *iamapi.DeleteRolePolicyRequest) (*struct{}, error) {
	return s.deleteInline(ctx, call, roleHolder, "iam:DeleteRolePolicy", in.RoleName, in.PolicyName)
}

// DeleteGroupPolicy deletes an inline policy of a group.
func (s *Service) DeleteGroupPolicy(ctx context.Context, call *rpc.Call, in *iamapi.DeleteGroupPolicyRequest) (*struct{}, error) {
	return s.deleteInline(ctx, call, groupHolder, "iam:DeleteGroupPolicy", in.GroupName, in.PolicyName)
}

// ListUserPolicies lists the names of a user's inline policies.
func (s *Service) ListUserPolicies(ctx context.Context, call *rpc.Call, in *iamapi.ListUserPoliciesRequest) (*iamapi.ListUserPoliciesResponse, error) {
	names, truncated, marker, err := s.listInline(ctx, call, userHolder, "iam:ListUserPolicies", in.UserName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListUserPoliciesResponse{PolicyNames: names, IsTruncated: truncated, Marker: marker}, nil
}

// ListRolePolicies lists the names of a role's inline policies.
func (s *Service) ListRolePolicies(ctx context.Context, call *rpc.Call, in *iamapi.ListRolePoliciesRequest) (*iamapi.ListRolePoliciesResponse, error) {
	names, truncated, marker, err := s.listInline(ctx, call, roleHolder, "iam:ListRolePolicies", in.RoleName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListRolePoliciesResponse{PolicyNames: names, IsTruncated: truncated, Marker: marker}, nil
}

// ListGroupPolicies lists the names of a group's inline policies.
func (s *Service) ListGroupPolicies(ctx context.Context, call *rpc.Call, in *iamapi.ListGroupPoliciesRequest) (*iamapi.ListGroupPoliciesResponse, error) {
	names, truncated, marker, err := s.listInline(ctx, call, groupHolder, "iam:ListGroupPolicies", in.GroupName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListGroupPoliciesResponse{PolicyNames: names, IsTruncated: truncated, Marker: marker}, nil
}

// inlineNotFound is IAM's NoSuchEntity for a missing inline policy: "The
// role policy with name X cannot be found." (quoted in aws/aws-cli#6139);
// "The user policy with name X cannot be found." for users; "The group
// policy with name X cannot be found." is recorded from AWS in localstack's
// test_iam_groups.snapshot.json ("get-nonexistent-policy").
func inlineNotFound(h holder, name string) error {
	return noSuchEntity("The %s policy with name %s cannot be found.", h.what, name)
}

// putInline validates the document as an inline policy of the entity's
// kind and checks the aggregate size of the entity's inline policies
// (the replaced policy's old document no longer counts) against its quota.
func (s *Service) putInline(ctx context.Context, call *rpc.Call, h holder, action, entity, name, doc string) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorizeNamed(ctx, call, action, h.resource, entity); err != nil {
		return nil, err
	}
	if _, err := s.policies.Parse(doc, h.inline); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		// The stored spelling of the entity's name is recorded, so that
		// Get*Policy echoes it as IAM does whatever spelling was sent.
		stored, err := h.stored(ctx, tx, acct, entity)
		if err != nil {
			return err
		}
		existing, err := tx.ListInlinePolicies(ctx, acct, h.kind, stored)
		if err != nil {
			return err
		}
		total := policy.Size(doc)
		for _, ip := range existing {
			if !strings.EqualFold(ip.Name, name) {
				total += policy.Size(ip.Document)
			}
		}
		if qe := policy.InlineQuotaError(h.inline, stored, total); qe != nil {
			return qe
		}
		return tx.PutInlinePolicy(ctx, store.InlinePolicy{AccountID: acct, Kind: h.kind, PrincipalName: stored, Name: name, Document: doc})
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (s *Service) getInline(ctx context.Context, call *rpc.Call, h holder, action, entity, name string) (store.InlinePolicy, error) {
	acct := call.Principal.AccountID
	if err := s.authorizeNamed(ctx, call, action, h.resource, entity); err != nil {
		return store.InlinePolicy{}, err
	}
	if _, err := h.stored(ctx, s.store, acct, entity); err != nil {
		return store.InlinePolicy{}, err
	}
	ip, err := s.store.GetInlinePolicy(ctx, acct, h.kind, entity, name)
	if errors.Is(err, store.ErrNotFound) {
		return store.InlinePolicy{}, inlineNotFound(h, name)
	}
	return ip, err
}

func (s *Service) deleteInline(ctx context.Context, call *rpc.Call, h holder, action, entity, name string) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorizeNamed(ctx, call, action, h.resource, entity); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		if _, err := h.stored(ctx, tx, acct, entity); err != nil {
			return err
		}
		err := tx.DeleteInlinePolicy(ctx, acct, h.kind, entity, name)
		if errors.Is(err, store.ErrNotFound) {
			return inlineNotFound(h, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (s *Service) listInline(ctx context.Context, call *rpc.Call, h holder, action, entity, marker string, maxItems *int32) ([]string, *bool, string, error) {
	acct := call.Principal.AccountID
	if err := s.authorizeNamed(ctx, call, action, h.resource, entity); err != nil {
		return nil, nil, "", err
	}
	if _, err := h.stored(ctx, s.store, acct, entity); err != nil {
		return nil, nil, "", err
	}
	policies, err := s.store.ListInlinePolicies(ctx, acct, h.kind, entity)
	if err != nil {
		return nil, nil, "", err
	}
	names := make([]string, len(policies))
	for i, ip := range policies {
		names[i] = ip.Name
	}
	// Page by lower-cased name, whatever order the backend keeps.
	key := strings.ToLower
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(key(a), key(b)) })
	items, truncated, next, err := pageSlice(names, marker, maxItems, key)
	if err != nil {
		return nil, nil, "", err
	}
	if items == nil {
		items = []string{}
	}
	return items, truncated, next, nil
}
