package iam

import (
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// providerHandlers lists the identity-provider operations: OpenID Connect
// providers (providers_oidc.go), SAML providers (providers_saml.go) and
// their tags (providers_tags.go).
func (s *Service) providerHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateOpenIDConnectProvider"], s.CreateOpenIDConnectProvider),
		rpc.Typed(ops["GetOpenIDConnectProvider"], s.GetOpenIDConnectProvider),
		rpc.Typed(ops["ListOpenIDConnectProviders"], s.ListOpenIDConnectProviders),
		rpc.Typed(ops["DeleteOpenIDConnectProvider"], s.DeleteOpenIDConnectProvider),
		rpc.Typed(ops["AddClientIDToOpenIDConnectProvider"], s.AddClientIDToOpenIDConnectProvider),
		rpc.Typed(ops["RemoveClientIDFromOpenIDConnectProvider"], s.RemoveClientIDFromOpenIDConnectProvider),
		rpc.Typed(ops["UpdateOpenIDConnectProviderThumbprint"], s.UpdateOpenIDConnectProviderThumbprint),
		rpc.Typed(ops["TagOpenIDConnectProvider"], s.TagOpenIDConnectProvider),
		rpc.Typed(ops["UntagOpenIDConnectProvider"], s.UntagOpenIDConnectProvider),
		rpc.Typed(ops["ListOpenIDConnectProviderTags"], s.ListOpenIDConnectProviderTags),
		rpc.Typed(ops["CreateSAMLProvider"], s.CreateSAMLProvider),
		rpc.Typed(ops["GetSAMLProvider"], s.GetSAMLProvider),
		rpc.Typed(ops["ListSAMLProviders"], s.ListSAMLProviders),
		rpc.Typed(ops["UpdateSAMLProvider"], s.UpdateSAMLProvider),
		rpc.Typed(ops["DeleteSAMLProvider"], s.DeleteSAMLProvider),
		rpc.Typed(ops["TagSAMLProvider"], s.TagSAMLProvider),
		rpc.Typed(ops["UntagSAMLProvider"], s.UntagSAMLProvider),
		rpc.Typed(ops["ListSAMLProviderTags"], s.ListSAMLProviderTags),
	}
}

// providerTags checks the tags given to a new provider and returns them
// sorted by key, the order IAM answers them in ("The returned list of tags
// is sorted by tag key", IAM API reference, CreateOpenIDConnectProvider and
// CreateSAMLProvider responses). The model bounds the count (50), key and
// value; keys must also be unique case-insensitively.
func providerTags(in []iamapi.Tag) ([]store.Tag, error) {
	out, err := providerTagRules.create(in)
	if err != nil {
		return nil, err
	}
	return sortProviderTags(out), nil
}

// sortProviderTags orders a provider's stored tags by key, so that the Get
// operations answer them in the order the Create responses do, also after
// TagOpenIDConnectProvider or TagSAMLProvider added some.
func sortProviderTags(tags []store.Tag) []store.Tag {
	slices.SortFunc(tags, func(a, b store.Tag) int { return strings.Compare(a.Key, b.Key) })
	return tags
}
