package iam

import (
	"context"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// policyTagRules: a managed policy's tag keys are case sensitive (see
// tagRules.caseSensitive). AWS's text for a 51st tag on a policy is not
// recorded; stsd answers the one recorded for OIDC providers.
var policyTagRules = tagRules{caseSensitive: true, overLimit: msgTagLimit}

// TagPolicy adds tags to a customer managed policy, replacing the value of
// a key it already has.
func (s *Service) TagPolicy(ctx context.Context, call *rpc.Call, in *iamapi.TagPolicyRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	resource, err := s.policyResource(ctx, acct, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	return s.tagEntity(ctx, call, "iam:TagPolicy", resource, policyTags(acct, in.PolicyArn), in.Tags)
}

// UntagPolicy removes tags from a customer managed policy by key.
func (s *Service) UntagPolicy(ctx context.Context, call *rpc.Call, in *iamapi.UntagPolicyRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	resource, err := s.policyResource(ctx, acct, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	return s.untagEntity(ctx, call, "iam:UntagPolicy", resource, policyTags(acct, in.PolicyArn), in.TagKeys)
}

// ListPolicyTags lists a customer managed policy's tags by key, a page at
// a time.
func (s *Service) ListPolicyTags(ctx context.Context, call *rpc.Call, in *iamapi.ListPolicyTagsRequest) (*iamapi.ListPolicyTagsResponse, error) {
	acct := call.Principal.AccountID
	resource, err := s.policyResource(ctx, acct, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	tags, truncated, marker, err := s.listEntityTags(ctx, call, "iam:ListPolicyTags", resource, policyTags(acct, in.PolicyArn), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListPolicyTagsResponse{Tags: tags, IsTruncated: truncated, Marker: marker}, nil
}

// policyTags is the policy a PolicyArn names, as a tag target. A missing
// policy is "Policy ARN was not found.", as GetPolicy answers and as AWS
// answers TagPolicy and UntagPolicy (recorded in LocalStack's
// test_iam_policies.snapshot.json, "err-tag-nonexistent-policy",
// "err-untag-nonexistent-policy"); a malformed ARN is refused before
// authorization (policyResource), as for every PolicyArn parameter.
func policyTags(acct, policyARN string) tagTarget {
	find := func(ctx context.Context, r store.Reader) (store.ManagedPolicy, error) {
		return lookupPolicy(ctx, r, acct, policyARN, policyNotFound)
	}
	return rowTags(policyTagRules, find, func(p *store.ManagedPolicy) *[]store.Tag { return &p.Tags },
		func(ctx context.Context, tx store.Tx, p store.ManagedPolicy) error { return tx.UpdatePolicy(ctx, p) })
}
