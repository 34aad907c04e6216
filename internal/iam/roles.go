package iam

import (
	"context"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// roleHandlers lists the operations of this group.
func (s *Service) roleHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateRole"], s.CreateRole),
		rpc.Typed(ops["GetRole"], s.GetRole),
		rpc.Typed(ops["ListRoles"], s.ListRoles),
		rpc.Typed(ops["UpdateRole"], s.UpdateRole),
		rpc.Typed(ops["UpdateRoleDescription"], s.UpdateRoleDescription),
		rpc.Typed(ops["UpdateAssumeRolePolicy"], s.UpdateAssumeRolePolicy),
		rpc.Typed(ops["DeleteRole"], s.DeleteRole),
		rpc.Typed(ops["TagRole"], s.TagRole),
		rpc.Typed(ops["UntagRole"], s.UntagRole),
		rpc.Typed(ops["ListRoleTags"], s.ListRoleTags),
		rpc.Typed(ops["PutRolePermissionsBoundary"], s.PutRolePermissionsBoundary),
		rpc.Typed(ops["DeleteRolePermissionsBoundary"], s.DeleteRolePermissionsBoundary),
	}
}

// defaultMaxSessionDuration is CreateRole's default MaxSessionDuration
// ("If you do not specify a value for this setting, the default value of
// one hour is applied", IAM API reference, CreateRole).
const defaultMaxSessionDuration = 3600

// roleKind is how roles are found, listed and refused.
var roleKind = entityKind[store.Role]{
	arn:      arn.Role,
	pathName: func(r store.Role) (string, string) { return r.Path, r.Name },
	get:      store.Reader.GetRole,
	list:     store.Reader.ListRoles,
	remove:   store.Tx.DeleteRole,
	notFound: roleNotFound,
	exists:   roleExists,
	// The RolesPerAccount text follows IAM's quota refusals ("Cannot
	// exceed quota for PoliciesPerRole: 10", "... ACLSizePerRole: 2048",
	// quoted from real AWS answers in public reports); the text itself is
	// not recorded in the reference data.
	insert:    store.Tx.CreateRole,
	quotaName: "RolesPerAccount",
	quota:     iamlimits.RolesPerAccount,
}

// CreateRole creates a role with its trust policy, and optionally a
// description, maximum session duration, permissions boundary and tags.
func (s *Service) CreateRole(ctx context.Context, call *rpc.Call, in *iamapi.CreateRoleRequest) (*iamapi.CreateRoleResponse, error) {
	acct := call.Principal.AccountID
	path := in.Path
	if path == "" {
		path = "/"
	}
	extra := withRequestTags(in.Tags)
	if in.PermissionsBoundary != "" {
		extra = append(extra, withKey("iam:PermissionsBoundary", in.PermissionsBoundary))
	}
	if err := s.authorize(ctx, call, "iam:CreateRole", arn.Role(acct, path, in.RoleName), extra...); err != nil {
		return nil, err
	}
	trust, err := s.parseTrustPolicy(in.AssumeRolePolicyDocument)
	if err != nil {
		return nil, err
	}
	tags, err := newTagList(in.Tags)
	if err != nil {
		return nil, err
	}
	id, err := ids.NewUniqueID(ids.PrefixRole, acct)
	if err != nil {
		return nil, err
	}
	r := store.Role{
		AccountID:          acct,
		Name:               in.RoleName,
		ID:                 id,
		Path:               path,
		Description:        in.Description,
		TrustPolicy:        in.AssumeRolePolicyDocument,
		MaxSessionDuration: defaultMaxSessionDuration,
		Tags:               tags,
		CreatedAt:          callTime(call),
	}
	if in.MaxSessionDuration != nil {
		r.MaxSessionDuration = *in.MaxSessionDuration
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		return roleKind.create(ctx, tx, acct, &r, func() error {
			if in.PermissionsBoundary != "" {
				if err := validateBoundaryARN(ctx, tx, acct, in.PermissionsBoundary); err != nil {
					return err
				}
				r.PermissionsBoundary = in.PermissionsBoundary
			}
			return checkTrustPrincipals(ctx, tx, trust)
		})
	})
	if err != nil {
		return nil, err
	}
	out := roleOut(r)
	// CreateRole answers without MaxSessionDuration when the request did not
	// set it (recorded from AWS: aws-parity-snapshots test_iam.snapshot.json,
	// test_create_describe_role "create_role_result"; GetRole carries it).
	if in.MaxSessionDuration == nil {
		out.MaxSessionDuration = nil
	}
	return &iamapi.CreateRoleResponse{Role: out}, nil
}

// GetRole returns a role with its URL-encoded trust policy.
func (s *Service) GetRole(ctx context.Context, call *rpc.Call, in *iamapi.GetRoleRequest) (*iamapi.GetRoleResponse, error) {
	r, err := s.authorizedRole(ctx, call, "iam:GetRole", in.RoleName)
	if err != nil {
		return nil, err
	}
	out := roleOut(r)
	// GetRole always carries RoleLastUsed, empty for a role never used
	// (recorded from AWS: test_iam.snapshot.json, "get-role-response").
	if out.RoleLastUsed == nil {
		out.RoleLastUsed = &iamapi.RoleLastUsed{}
	}
	return &iamapi.GetRoleResponse{Role: out}, nil
}

// ListRoles lists the roles whose path starts with PathPrefix, by name.
func (s *Service) ListRoles(ctx context.Context, call *rpc.Call, in *iamapi.ListRolesRequest) (*iamapi.ListRolesResponse, error) {
	roles, truncated, marker, err := listByPath(ctx, s, call, roleKind, "iam:ListRoles", in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListRolesResponse{Roles: make([]iamapi.Role, 0, len(roles)), IsTruncated: truncated, Marker: marker}
	for _, r := range roles {
		ro := roleOut(r)
		// "This operation does not return the following attributes, even
		// though they are an attribute of the returned object:
		// PermissionsBoundary, RoleLastUsed, Tags" (IAM API reference,
		// ListRoles).
		ro.PermissionsBoundary, ro.RoleLastUsed, ro.Tags = nil, nil, nil
		out.Roles = append(out.Roles, ro)
	}
	return out, nil
}

// UpdateRole changes a role's description and maximum session duration;
// a parameter left out keeps its value.
func (s *Service) UpdateRole(ctx context.Context, call *rpc.Call, in *iamapi.UpdateRoleRequest) (*iamapi.UpdateRoleResponse, error) {
	_, err := s.updateRole(ctx, call, "iam:UpdateRole", in.RoleName, func(_ store.Tx, r *store.Role) error {
		if in.Description != "" {
			r.Description = in.Description
		}
		if in.MaxSessionDuration != nil {
			r.MaxSessionDuration = *in.MaxSessionDuration
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.UpdateRoleResponse{}, nil
}

// UpdateRoleDescription replaces a role's description and returns the role.
func (s *Service) UpdateRoleDescription(ctx context.Context, call *rpc.Call, in *iamapi.UpdateRoleDescriptionRequest) (*iamapi.UpdateRoleDescriptionResponse, error) {
	r, err := s.updateRole(ctx, call, "iam:UpdateRoleDescription", in.RoleName, func(_ store.Tx, r *store.Role) error {
		r.Description = in.Description
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := roleOut(r)
	return &iamapi.UpdateRoleDescriptionResponse{Role: &out}, nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy, validated as
// CreateRole validates it.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, call *rpc.Call, in *iamapi.UpdateAssumeRolePolicyRequest) (*struct{}, error) {
	_, err := s.updateRole(ctx, call, "iam:UpdateAssumeRolePolicy", in.RoleName, func(tx store.Tx, r *store.Role) error {
		trust, err := s.parseTrustPolicy(in.PolicyDocument)
		if err != nil {
			return err
		}
		if err := checkTrustPrincipals(ctx, tx, trust); err != nil {
			return err
		}
		r.TrustPolicy = in.PolicyDocument
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// DeleteRole deletes a role that is in no instance profile and has no
// inline or attached policies left.
func (s *Service) DeleteRole(ctx context.Context, call *rpc.Call, in *iamapi.DeleteRoleRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	// The DeleteConflict texts IAM sends, in the order moto (built against
	// IAM) checks them: instance profiles, attached managed policies,
	// inline policies. All are quoted from real AWS answers in public
	// reports: "must remove roles from instance profile first"
	// (99designs/iamy#68, cloud-custodian/cloud-custodian#6340), "must
	// detach all policies first" (github.com/hashicorp/boundary/pull/5646)
	// and "must delete policies first"
	// (github.com/ekristen/aws-nuke/issues/203).
	return deleteEntity(ctx, s, call, roleKind, "iam:DeleteRole", in.RoleName, func(tx store.Tx, r store.Role) error {
		profiles := leftOver{msgRemoveRolesFirst, func() (int, error) {
			return counted(tx.ListInstanceProfilesForRole(ctx, acct, r.Name, store.Page{Limit: 1}))
		}}
		return noneLeft(append([]leftOver{profiles}, policiesLeft(ctx, tx, acct, store.KindRole, r.Name)...)...)
	})
}

// TagRole adds tags to a role, overwriting the values of keys it has.
func (s *Service) TagRole(ctx context.Context, call *rpc.Call, in *iamapi.TagRoleRequest) (*struct{}, error) {
	_, err := s.updateRole(ctx, call, "iam:TagRole", in.RoleName, func(_ store.Tx, r *store.Role) error {
		tags, err := mergeTagList(r.Tags, in.Tags, "TagsPerRole")
		if err != nil {
			return err
		}
		r.Tags = tags
		return nil
	}, withRequestTags(in.Tags)...)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// UntagRole removes tags from a role by key; absent keys are ignored.
func (s *Service) UntagRole(ctx context.Context, call *rpc.Call, in *iamapi.UntagRoleRequest) (*struct{}, error) {
	_, err := s.updateRole(ctx, call, "iam:UntagRole", in.RoleName, func(_ store.Tx, r *store.Role) error {
		r.Tags = removeTagKeys(r.Tags, in.TagKeys)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ListRoleTags lists a role's tags. "The returned list of tags is sorted by
// tag key" (IAM API reference, ListRoleTags), which also keeps pages stable
// while tags are added.
func (s *Service) ListRoleTags(ctx context.Context, call *rpc.Call, in *iamapi.ListRoleTagsRequest) (*iamapi.ListRoleTagsResponse, error) {
	r, err := s.authorizedRole(ctx, call, "iam:ListRoleTags", in.RoleName)
	if err != nil {
		return nil, err
	}
	tags, truncated, marker, err := pageTagList(r.Tags, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListRoleTagsResponse{Tags: tags, IsTruncated: truncated, Marker: marker}, nil
}

// PutRolePermissionsBoundary sets or replaces a role's permissions boundary.
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, call *rpc.Call, in *iamapi.PutRolePermissionsBoundaryRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	_, err := s.updateRole(ctx, call, "iam:PutRolePermissionsBoundary", in.RoleName, func(tx store.Tx, r *store.Role) error {
		if err := validateBoundaryARN(ctx, tx, acct, in.PermissionsBoundary); err != nil {
			return err
		}
		r.PermissionsBoundary = in.PermissionsBoundary
		return nil
	}, withKey("iam:PermissionsBoundary", in.PermissionsBoundary))
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary; a
// role without one is left as it is.
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, call *rpc.Call, in *iamapi.DeleteRolePermissionsBoundaryRequest) (*struct{}, error) {
	_, err := s.updateRole(ctx, call, "iam:DeleteRolePermissionsBoundary", in.RoleName, func(_ store.Tx, r *store.Role) error {
		r.PermissionsBoundary = ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// authorizedRole authorizes action on the named role and returns it. The
// caller is authorized before the role's existence is revealed; the
// resource is the role's ARN with its path, or with "/" when it does not
// exist.
func (s *Service) authorizedRole(ctx context.Context, call *rpc.Call, action, name string, extra ...contextKey) (store.Role, error) {
	return authorizedEntity(ctx, s, call, roleKind, action, call.Principal.AccountID, name, extra...)
}

// updateRole authorizes action on the named role, then reads, changes (fn)
// and writes it in one transaction, and returns the written role.
func (s *Service) updateRole(ctx context.Context, call *rpc.Call, action, name string, fn func(tx store.Tx, r *store.Role) error, extra ...contextKey) (store.Role, error) {
	acct := call.Principal.AccountID
	if _, err := s.authorizedRole(ctx, call, action, name, extra...); err != nil {
		return store.Role{}, err
	}
	var out store.Role
	err := s.store.Update(ctx, func(tx store.Tx) error {
		r, err := tx.GetRole(ctx, acct, name)
		if err != nil {
			return roleKind.lookupErr(name, err)
		}
		if err := fn(tx, &r); err != nil {
			return err
		}
		if err := tx.UpdateRole(ctx, r); err != nil {
			return roleKind.lookupErr(name, err)
		}
		out = r
		return nil
	})
	return out, err
}

// roleNotFound is IAM's NoSuchEntity for a role, e.g. "The role with name
// Tabular_Redshift cannot be found." (quoted from a real GetRole answer in
// github.com/aws/amazon-sagemaker-examples/issues/2300, and in aws-cli
// issue #6139 and prowler-cloud/prowler#2872; the same wording as the
// user's, recorded in test_iam.snapshot.json).
func roleNotFound(name string) error {
	return noSuchEntity("The role with name %s cannot be found.", name)
}

// roleExists is IAM's EntityAlreadyExists for a role name, worded as for
// users ("User with name X already exists.", IAM API reference examples and
// moto's IAM backend); no AWS recording for roles is in the reference data.
func roleExists(name string) error {
	return alreadyExists("Role with name %s already exists.", name)
}
