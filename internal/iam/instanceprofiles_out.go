package iam

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/store"
)

// instanceProfileOut shapes a stored profile and its roles as the IAM
// model's InstanceProfile. Roles is never nil: AWS always sends the list,
// empty for a profile without a role (test_iam_instance_profiles.snapshot.json,
// "create-instance-profile").
func instanceProfileOut(p store.InstanceProfile, roles []store.Role) iamapi.InstanceProfile {
	out := iamapi.InstanceProfile{
		Path:                p.Path,
		InstanceProfileName: p.Name,
		InstanceProfileId:   p.ID,
		Arn:                 arn.InstanceProfile(p.AccountID, p.Path, p.Name),
		CreateDate:          p.CreatedAt,
		Roles:               make([]iamapi.Role, 0, len(roles)),
		Tags:                tagsOut(p.Tags),
	}
	for _, r := range roles {
		out.Roles = append(out.Roles, instanceProfileRoleOut(r))
	}
	return out
}

// instanceProfileRoleOut shapes a role as a profile lists it: Path,
// RoleName, RoleId, Arn, CreateDate and the URL-encoded trust policy, the
// members AWS sends there (recorded: "get-with-role" and
// "list-instance-profiles" in test_iam_instance_profiles.snapshot.json,
// where MaxSessionDuration, which GetRole always carries, is absent).
// Description, tags, boundary and last use are left out likewise; no
// recording shows a described role in a profile.
func instanceProfileRoleOut(r store.Role) iamapi.Role {
	out := roleOut(r)
	out.Description, out.MaxSessionDuration, out.Tags, out.PermissionsBoundary, out.RoleLastUsed = "", nil, nil, nil, nil
	return out
}

// instanceProfileRoles reads the roles a profile holds. A role deleted
// since the profile was read is left out (DeleteRole refuses a role in a
// profile, so that is a race, not a state).
func (s *Service) instanceProfileRoles(ctx context.Context, p store.InstanceProfile) ([]store.Role, error) {
	roles := make([]store.Role, 0, len(p.Roles))
	for _, name := range p.Roles {
		r, err := s.store.GetRole(ctx, p.AccountID, name)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		roles = append(roles, r)
	}
	return roles, nil
}

// instanceProfilesOut shapes a page of profiles for the list operations,
// empty rather than nil, each with its roles and without tags ("this
// operation does not return tags, even though they are an attribute of the
// returned object", IAM API reference, ListInstanceProfiles; stsd lists
// ListInstanceProfilesForRole's the same way).
func (s *Service) instanceProfilesOut(ctx context.Context, profiles []store.InstanceProfile) ([]iamapi.InstanceProfile, error) {
	out := make([]iamapi.InstanceProfile, 0, len(profiles))
	for _, p := range profiles {
		roles, err := s.instanceProfileRoles(ctx, p)
		if err != nil {
			return nil, err
		}
		v := instanceProfileOut(p, roles)
		v.Tags = nil
		out = append(out, v)
	}
	return out, nil
}
