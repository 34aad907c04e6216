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

// instanceProfileHandlers lists the operations of this group: instance
// profiles, the role each holds, and their tags.
func (s *Service) instanceProfileHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateInstanceProfile"], s.CreateInstanceProfile),
		rpc.Typed(ops["GetInstanceProfile"], s.GetInstanceProfile),
		rpc.Typed(ops["ListInstanceProfiles"], s.ListInstanceProfiles),
		rpc.Typed(ops["DeleteInstanceProfile"], s.DeleteInstanceProfile),
		rpc.Typed(ops["AddRoleToInstanceProfile"], s.AddRoleToInstanceProfile),
		rpc.Typed(ops["RemoveRoleFromInstanceProfile"], s.RemoveRoleFromInstanceProfile),
		rpc.Typed(ops["ListInstanceProfilesForRole"], s.ListInstanceProfilesForRole),
		rpc.Typed(ops["TagInstanceProfile"], s.TagInstanceProfile),
		rpc.Typed(ops["UntagInstanceProfile"], s.UntagInstanceProfile),
		rpc.Typed(ops["ListInstanceProfileTags"], s.ListInstanceProfileTags),
	}
}

// Messages IAM answers for instance profiles, all recorded from AWS in
// localstack/localstack
// tests/aws/services/iam/test_iam_instance_profiles.snapshot.json:
// "Instance Profile X cannot be found." (NoSuchEntity, also for Add/Remove
// and the tag operations), "Instance Profile X already exists."
// (EntityAlreadyExists), "Cannot delete entity, must remove roles from
// instance profile first." (DeleteConflict of DeleteInstanceProfile; the
// same text is DeleteRole's for a role still in a profile, quoted in
// 99designs/iamy#68 and cloud-custodian/cloud-custodian#6340) and "Role X
// in Instance Profile Y cannot be found." (RemoveRoleFromInstanceProfile of
// a role the profile does not hold).
const (
	msgNoSuchInstanceProfile = "Instance Profile %s cannot be found."
	msgInstanceProfileExists = "Instance Profile %s already exists."
	msgRemoveRolesFirst      = "Cannot delete entity, must remove roles from instance profile first."
	msgRoleNotInProfile      = "Role %s in Instance Profile %s cannot be found."
)

// The instance profile quotas' refusals (iamlimits.InstanceProfilesPerAccount,
// RolesPerInstanceProfile) are AWS's texts: "Cannot exceed quota for
// InstanceProfilesPerAccount: 1000" (ansible/workshops#1801) and "Cannot
// exceed quota for InstanceSessionsPerInstanceProfile: 1"
// (test_iam_instance_profiles.snapshot.json, "add-second-role-error";
// getmoto/moto#6404 checked against AWS).

// instanceProfileKind is how instance profiles are found, listed and
// refused.
var instanceProfileKind = entityKind[store.InstanceProfile]{
	arn:      arn.InstanceProfile,
	pathName: func(p store.InstanceProfile) (string, string) { return p.Path, p.Name },
	get:      store.Reader.GetInstanceProfile,
	list:     store.Reader.ListInstanceProfiles,
	remove:   store.Tx.DeleteInstanceProfile,
	notFound: func(name string) error { return noSuchEntity(msgNoSuchInstanceProfile, name) },
	exists:   func(name string) error { return alreadyExists(msgInstanceProfileExists, name) },
	// Its refusal is AWS's text (see above).
	insert:    store.Tx.CreateInstanceProfile,
	quotaName: "InstanceProfilesPerAccount",
	quota:     iamlimits.InstanceProfilesPerAccount,
}

// CreateInstanceProfile creates an instance profile, empty of roles.
func (s *Service) CreateInstanceProfile(ctx context.Context, call *rpc.Call, in *iamapi.CreateInstanceProfileRequest) (*iamapi.CreateInstanceProfileResponse, error) {
	acct := call.Principal.AccountID
	path := in.Path
	if path == "" {
		path = defaultPath
	}
	if err := s.authorize(ctx, call, "iam:CreateInstanceProfile", arn.InstanceProfile(acct, path, in.InstanceProfileName), withRequestTags(in.Tags)...); err != nil {
		return nil, err
	}
	tags, err := newTagList(in.Tags)
	if err != nil {
		return nil, err
	}
	id, err := ids.NewUniqueID(ids.PrefixInstProfile, acct)
	if err != nil {
		return nil, err
	}
	p := store.InstanceProfile{AccountID: acct, Name: in.InstanceProfileName, ID: id, Path: path, Tags: tags, CreatedAt: callTime(call)}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		return instanceProfileKind.create(ctx, tx, acct, &p, nil)
	})
	if err != nil {
		return nil, err
	}
	// A new profile holds no role; its Tags are shown only when given
	// (recorded: "create-instance-profile" and "create-with-tags" in
	// test_iam_instance_profiles.snapshot.json).
	return &iamapi.CreateInstanceProfileResponse{InstanceProfile: instanceProfileOut(p, nil)}, nil
}

// GetInstanceProfile returns a profile with its role and tags.
func (s *Service) GetInstanceProfile(ctx context.Context, call *rpc.Call, in *iamapi.GetInstanceProfileRequest) (*iamapi.GetInstanceProfileResponse, error) {
	p, err := s.authorizedInstanceProfile(ctx, call, "iam:GetInstanceProfile", in.InstanceProfileName)
	if err != nil {
		return nil, err
	}
	roles, err := s.instanceProfileRoles(ctx, p)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetInstanceProfileResponse{InstanceProfile: instanceProfileOut(p, roles)}, nil
}

// ListInstanceProfiles lists the profiles whose path starts with
// PathPrefix, by name, each with its role.
func (s *Service) ListInstanceProfiles(ctx context.Context, call *rpc.Call, in *iamapi.ListInstanceProfilesRequest) (*iamapi.ListInstanceProfilesResponse, error) {
	profiles, truncated, marker, err := listByPath(ctx, s, call, instanceProfileKind, "iam:ListInstanceProfiles", in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out, err := s.instanceProfilesOut(ctx, profiles)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListInstanceProfilesResponse{InstanceProfiles: out, IsTruncated: truncated, Marker: marker}, nil
}

// DeleteInstanceProfile deletes a profile that holds no role: IAM does not
// take the role out itself ("The instance profile must not have an
// associated role", IAM API reference, DeleteInstanceProfile).
func (s *Service) DeleteInstanceProfile(ctx context.Context, call *rpc.Call, in *iamapi.DeleteInstanceProfileRequest) (*struct{}, error) {
	return deleteEntity(ctx, s, call, instanceProfileKind, "iam:DeleteInstanceProfile", in.InstanceProfileName, func(_ store.Tx, p store.InstanceProfile) error {
		if len(p.Roles) > 0 {
			return deleteConflict(msgRemoveRolesFirst)
		}
		return nil
	})
}

// authorizedInstanceProfile is authorizedEntity for an instance profile
// of the caller's account.
func (s *Service) authorizedInstanceProfile(ctx context.Context, call *rpc.Call, action, name string) (store.InstanceProfile, error) {
	return authorizedEntity(ctx, s, call, instanceProfileKind, action, call.Principal.AccountID, name)
}
