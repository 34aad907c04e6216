package iam

import (
	"context"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// instanceProfileTagRules: profiles' tag keys compare case-insensitively,
// as users' and roles' do. The refusal past 50 tags follows TagsPerUser
// and TagsPerRole (stsd wording; AWS's text for profiles is not recorded).
var instanceProfileTagRules = quotaTagRules("TagsPerInstanceProfile")

// TagInstanceProfile adds tags to a profile, overwriting the values of keys
// it has.
func (s *Service) TagInstanceProfile(ctx context.Context, call *rpc.Call, in *iamapi.TagInstanceProfileRequest) (*struct{}, error) {
	resource, err := instanceProfileKind.resource(ctx, s.store, call.Principal.AccountID, in.InstanceProfileName)
	if err != nil {
		return nil, err
	}
	return s.tagEntity(ctx, call, "iam:TagInstanceProfile", resource, instanceProfileTags(call.Principal.AccountID, in.InstanceProfileName), in.Tags)
}

// UntagInstanceProfile removes tags from a profile by key; absent keys are
// ignored.
func (s *Service) UntagInstanceProfile(ctx context.Context, call *rpc.Call, in *iamapi.UntagInstanceProfileRequest) (*struct{}, error) {
	resource, err := instanceProfileKind.resource(ctx, s.store, call.Principal.AccountID, in.InstanceProfileName)
	if err != nil {
		return nil, err
	}
	return s.untagEntity(ctx, call, "iam:UntagInstanceProfile", resource, instanceProfileTags(call.Principal.AccountID, in.InstanceProfileName), in.TagKeys)
}

// ListInstanceProfileTags lists a profile's tags by key, a page at a time.
func (s *Service) ListInstanceProfileTags(ctx context.Context, call *rpc.Call, in *iamapi.ListInstanceProfileTagsRequest) (*iamapi.ListInstanceProfileTagsResponse, error) {
	resource, err := instanceProfileKind.resource(ctx, s.store, call.Principal.AccountID, in.InstanceProfileName)
	if err != nil {
		return nil, err
	}
	tags, truncated, marker, err := s.listEntityTags(ctx, call, "iam:ListInstanceProfileTags", resource, instanceProfileTags(call.Principal.AccountID, in.InstanceProfileName), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListInstanceProfileTagsResponse{Tags: tags, IsTruncated: truncated, Marker: marker}, nil
}

// instanceProfileTags is the named profile as a tag target; a missing one
// is "Instance Profile X cannot be found." (recorded for the three tag
// operations: test_iam_instance_profiles.snapshot.json,
// "tag-nonexistent-error", "untag-nonexistent-error",
// "list-tags-nonexistent-error").
func instanceProfileTags(acct, name string) tagTarget {
	find := func(ctx context.Context, r store.Reader) (store.InstanceProfile, error) {
		p, err := r.GetInstanceProfile(ctx, acct, name)
		return p, instanceProfileKind.lookupErr(name, err)
	}
	return rowTags(instanceProfileTagRules, find, func(p *store.InstanceProfile) *[]store.Tag { return &p.Tags },
		func(ctx context.Context, tx store.Tx, p store.InstanceProfile) error {
			return instanceProfileKind.lookupErr(name, tx.UpdateInstanceProfile(ctx, p))
		})
}
