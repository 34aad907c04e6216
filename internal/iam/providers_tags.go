package iam

import (
	"context"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// providerTagRules: providers' tag keys compare case-insensitively, as
// their Create operations already treat them (AWS's behaviour here is not
// recorded). The LimitExceeded text is recorded for OIDC providers
// (msgTagLimit); SAML providers answer the same, theirs not being recorded.
var providerTagRules = tagRules{overLimit: msgTagLimit}

// TagOpenIDConnectProvider adds tags to an OIDC provider, replacing the
// value of a key it already has.
func (s *Service) TagOpenIDConnectProvider(ctx context.Context, call *rpc.Call, in *iamapi.TagOpenIDConnectProviderRequest) (*struct{}, error) {
	return s.tagEntity(ctx, call, "iam:TagOpenIDConnectProvider", in.OpenIDConnectProviderArn, s.oidcTags(call.Principal.AccountID, in.OpenIDConnectProviderArn), in.Tags)
}

// UntagOpenIDConnectProvider removes tags from an OIDC provider by key.
func (s *Service) UntagOpenIDConnectProvider(ctx context.Context, call *rpc.Call, in *iamapi.UntagOpenIDConnectProviderRequest) (*struct{}, error) {
	return s.untagEntity(ctx, call, "iam:UntagOpenIDConnectProvider", in.OpenIDConnectProviderArn, s.oidcTags(call.Principal.AccountID, in.OpenIDConnectProviderArn), in.TagKeys)
}

// ListOpenIDConnectProviderTags lists an OIDC provider's tags by key, a
// page at a time.
func (s *Service) ListOpenIDConnectProviderTags(ctx context.Context, call *rpc.Call, in *iamapi.ListOpenIDConnectProviderTagsRequest) (*iamapi.ListOpenIDConnectProviderTagsResponse, error) {
	tags, truncated, marker, err := s.listEntityTags(ctx, call, "iam:ListOpenIDConnectProviderTags", in.OpenIDConnectProviderArn, s.oidcTags(call.Principal.AccountID, in.OpenIDConnectProviderArn), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListOpenIDConnectProviderTagsResponse{Tags: tags, IsTruncated: truncated, Marker: marker}, nil
}

// TagSAMLProvider adds tags to a SAML provider, replacing the value of a
// key it already has.
func (s *Service) TagSAMLProvider(ctx context.Context, call *rpc.Call, in *iamapi.TagSAMLProviderRequest) (*struct{}, error) {
	return s.tagEntity(ctx, call, "iam:TagSAMLProvider", in.SAMLProviderArn, samlTags(call.Principal.AccountID, in.SAMLProviderArn), in.Tags)
}

// UntagSAMLProvider removes tags from a SAML provider by key.
func (s *Service) UntagSAMLProvider(ctx context.Context, call *rpc.Call, in *iamapi.UntagSAMLProviderRequest) (*struct{}, error) {
	return s.untagEntity(ctx, call, "iam:UntagSAMLProvider", in.SAMLProviderArn, samlTags(call.Principal.AccountID, in.SAMLProviderArn), in.TagKeys)
}

// ListSAMLProviderTags lists a SAML provider's tags by key, a page at a
// time.
func (s *Service) ListSAMLProviderTags(ctx context.Context, call *rpc.Call, in *iamapi.ListSAMLProviderTagsRequest) (*iamapi.ListSAMLProviderTagsResponse, error) {
	tags, truncated, marker, err := s.listEntityTags(ctx, call, "iam:ListSAMLProviderTags", in.SAMLProviderArn, samlTags(call.Principal.AccountID, in.SAMLProviderArn), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListSAMLProviderTagsResponse{Tags: tags, IsTruncated: truncated, Marker: marker}, nil
}

// oidcTags is the OIDC provider an ARN names, as a tag target; a missing
// one is refused as GetOpenIDConnectProvider refuses it (oidcNotFound).
func (s *Service) oidcTags(acct, providerARN string) tagTarget {
	find := func(ctx context.Context, r store.Reader) (store.OIDCProvider, error) {
		return s.oidcProvider(ctx, r, acct, providerARN, oidcNotFound)
	}
	return rowTags(providerTagRules, find, func(p *store.OIDCProvider) *[]store.Tag { return &p.Tags },
		func(ctx context.Context, tx store.Tx, p store.OIDCProvider) error {
			p.Tags = sortProviderTags(p.Tags)
			return tx.UpdateOIDCProvider(ctx, p)
		})
}

// samlTags is the SAML provider an ARN names, as a tag target; a missing
// one is refused as GetSAMLProvider refuses it ("Manifest not found for
// arn ARN", samlProvider).
func samlTags(acct, providerARN string) tagTarget {
	find := func(ctx context.Context, r store.Reader) (store.SAMLProvider, error) {
		return samlProvider(ctx, r, acct, providerARN)
	}
	return rowTags(providerTagRules, find, func(p *store.SAMLProvider) *[]store.Tag { return &p.Tags },
		func(ctx context.Context, tx store.Tx, p store.SAMLProvider) error {
			p.Tags = sortProviderTags(p.Tags)
			return tx.UpdateSAMLProvider(ctx, p)
		})
}
