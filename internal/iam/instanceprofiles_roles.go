package iam

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// AddRoleToInstanceProfile puts a role in a profile. A profile holds one
// role at most, so adding a second one, or the same one again, is
// LimitExceeded: AWS answers the quota text for the same role too, not
// EntityAlreadyExists (coreos/mantle#1058: "in testing this is actually not
// returning an EntityAlreadyExists but rather a LimitExceeded";
// aws/karpenter treats the quota text as "already contains role").
//
// The action is authorized on the profile, and "The caller of this
// operation must be granted the PassRole permission on the IAM role" (IAM
// API reference, AddRoleToInstanceProfile), which is checked second. With
// a missing profile AWS names the profile, with a missing role the role
// (test_iam_instance_profiles.snapshot.json,
// "add-role-nonexistent-profile-error", "add-nonexistent-role-error");
// the profile is checked first when neither exists, as moto does.
func (s *Service) AddRoleToInstanceProfile(ctx context.Context, call *rpc.Call, in *iamapi.AddRoleToInstanceProfileRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	err := s.changeInstanceProfileRole(ctx, call, "iam:AddRoleToInstanceProfile", in.InstanceProfileName, in.RoleName, true, func(tx store.Tx, p store.InstanceProfile, r store.Role) error {
		if len(p.Roles) >= iamlimits.RolesPerInstanceProfile {
			return limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", iamlimits.RolesPerInstanceProfile)
		}
		err := tx.AddInstanceProfileRole(ctx, acct, p.Name, r.Name)
		if errors.Is(err, store.ErrAlreadyExists) {
			return limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", iamlimits.RolesPerInstanceProfile)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// RemoveRoleFromInstanceProfile takes a role out of a profile. A role the
// profile does not hold is NoSuchEntity "Role X in Instance Profile Y
// cannot be found." (recorded: test_iam_instance_profiles.snapshot.json,
// "remove-unattached-role-error"; the names are given as the request
// spells them).
func (s *Service) RemoveRoleFromInstanceProfile(ctx context.Context, call *rpc.Call, in *iamapi.RemoveRoleFromInstanceProfileRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	err := s.changeInstanceProfileRole(ctx, call, "iam:RemoveRoleFromInstanceProfile", in.InstanceProfileName, in.RoleName, false, func(tx store.Tx, p store.InstanceProfile, r store.Role) error {
		err := tx.RemoveInstanceProfileRole(ctx, acct, p.Name, r.Name)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchEntity(msgRoleNotInProfile, in.RoleName, in.InstanceProfileName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// changeInstanceProfileRole is what adding and removing a role share: the
// caller is authorized on the profile (and, with passRole, to pass the
// role), then, in one transaction, the profile and the role must exist
// before change runs. Missing entities are authorized on their
// default-path ARNs, so a refusal tells nothing about what exists.
func (s *Service) changeInstanceProfileRole(ctx context.Context, call *rpc.Call, action, profileName, roleName string, passRole bool, change func(tx store.Tx, p store.InstanceProfile, r store.Role) error) error {
	acct := call.Principal.AccountID
	if err := s.authorizeNamed(ctx, call, action, instanceProfileKind.resource, profileName); err != nil {
		return err
	}
	if passRole {
		if err := s.authorizeNamed(ctx, call, "iam:PassRole", roleKind.resource, roleName); err != nil {
			return err
		}
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		p, err := tx.GetInstanceProfile(ctx, acct, profileName)
		if err != nil {
			return instanceProfileKind.lookupErr(profileName, err)
		}
		r, err := tx.GetRole(ctx, acct, roleName)
		if err != nil {
			return roleKind.lookupErr(roleName, err)
		}
		return change(tx, p, r)
	})
}

// ListInstanceProfilesForRole lists the profiles that hold a role, by
// name. It is authorized on the role, its resource type in the Service
// Authorization Reference; a missing role is "The role with name X cannot
// be found." (NoSuchEntity), as for every role lookup.
func (s *Service) ListInstanceProfilesForRole(ctx context.Context, call *rpc.Call, in *iamapi.ListInstanceProfilesForRoleRequest) (*iamapi.ListInstanceProfilesForRoleResponse, error) {
	r, err := s.authorizedRole(ctx, call, "iam:ListInstanceProfilesForRole", in.RoleName)
	if err != nil {
		return nil, err
	}
	profiles, truncated, marker, err := storePage(in.Marker, in.MaxItems, instanceProfileKind.key, func(p store.Page) ([]store.InstanceProfile, error) {
		return s.store.ListInstanceProfilesForRole(ctx, r.AccountID, r.Name, p)
	})
	if err != nil {
		return nil, err
	}
	out, err := s.instanceProfilesOut(ctx, profiles)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListInstanceProfilesForRoleResponse{InstanceProfiles: out, IsTruncated: truncated, Marker: marker}, nil
}
