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
// providers (providers_oidc.go) and SAML providers (providers_saml.go).
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
		rpc.Typed(ops["CreateSAMLProvider"], s.CreateSAMLProvider),
		rpc.Typed(ops["GetSAMLProvider"], s.GetSAMLProvider),
		rpc.Typed(ops["ListSAMLProviders"], s.ListSAMLProviders),
		rpc.Typed(ops["UpdateSAMLProvider"], s.UpdateSAMLProvider),
		rpc.Typed(ops["DeleteSAMLProvider"], s.DeleteSAMLProvider),
	}
}

// providerTags checks the tags given to a new provider and returns them
// sorted by key, the order IAM answers them in ("The returned list of tags
// is sorted by tag key", IAM API reference, CreateOpenIDConnectProvider and
// CreateSAMLProvider responses). The model bounds the count (50), key and
// value; keys must also be unique case-insensitively.
func providerTags(in []iamapi.Tag) ([]store.Tag, error) {
	out, err := newTagList(in)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b store.Tag) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}
