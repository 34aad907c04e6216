package cache

import (
	"context"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/store"
)

// Keys are lower-cased where the store matches names case-insensitively,
// so every spelling of a name shares one entry. \x00 cannot occur in IAM
// names or ARNs, so joined keys are unambiguous.
func nameKey(accountID, name string) string { return accountID + "\x00" + strings.ToLower(name) }

func principalKey(accountID string, kind store.PrincipalKind, name string) string {
	return accountID + "\x00" + string(kind) + "\x00" + strings.ToLower(name)
}

func versionKey(accountID, policyName, versionID string) string {
	return nameKey(accountID, policyName) + "\x00" + versionID
}

func same[V any](v V) V { return v }

func cloneTags(t []store.Tag) []store.Tag { return slices.Clone(t) }

// GetAccount implements store.Reader from the cache.
func (c *Cache) GetAccount(ctx context.Context, id string) (store.Account, error) {
	return lookup(c, c.accounts, id, same,
		func() (store.Account, error) { return c.Store.GetAccount(ctx, id) })
}

// GetAccessKey implements store.Reader from the cache.
func (c *Cache) GetAccessKey(ctx context.Context, id string) (store.AccessKey, error) {
	return lookup(c, c.accessKeys, id, same,
		func() (store.AccessKey, error) { return c.Store.GetAccessKey(ctx, id) })
}

// GetUser implements store.Reader from the cache.
func (c *Cache) GetUser(ctx context.Context, accountID, name string) (store.User, error) {
	return lookup(c, c.users, nameKey(accountID, name),
		func(u store.User) store.User { u.Tags = cloneTags(u.Tags); return u },
		func() (store.User, error) { return c.Store.GetUser(ctx, accountID, name) })
}

// GetRole implements store.Reader from the cache.
func (c *Cache) GetRole(ctx context.Context, accountID, name string) (store.Role, error) {
	return lookup(c, c.roles, nameKey(accountID, name),
		func(r store.Role) store.Role { r.Tags = cloneTags(r.Tags); return r },
		func() (store.Role, error) { return c.Store.GetRole(ctx, accountID, name) })
}

// GetGroup implements store.Reader from the cache.
func (c *Cache) GetGroup(ctx context.Context, accountID, name string) (store.Group, error) {
	return lookup(c, c.groups, nameKey(accountID, name), same,
		func() (store.Group, error) { return c.Store.GetGroup(ctx, accountID, name) })
}

// ListGroupsForUser implements store.Reader from the cache: authorizing an
// IAM user's request reads the policies of every group the user is in.
// ListGroups and ListGroupMembers serve the IAM API only and pass through,
// as do the instance profile reads (no request's authorization reads a
// profile) and the login profile, password policy and user credential
// reads (only their own IAM operations read them), so no write needs to
// invalidate anything for them.
func (c *Cache) ListGroupsForUser(ctx context.Context, accountID, userName string) ([]store.Group, error) {
	return lookup(c, c.userGroups, nameKey(accountID, userName), slices.Clone[[]store.Group],
		func() ([]store.Group, error) { return c.Store.ListGroupsForUser(ctx, accountID, userName) })
}

// GetPolicy implements store.Reader from the cache.
func (c *Cache) GetPolicy(ctx context.Context, accountID, name string) (store.ManagedPolicy, error) {
	return lookup(c, c.policies, nameKey(accountID, name),
		func(p store.ManagedPolicy) store.ManagedPolicy { p.Tags = cloneTags(p.Tags); return p },
		func() (store.ManagedPolicy, error) { return c.Store.GetPolicy(ctx, accountID, name) })
}

// GetPolicyVersion implements store.Reader from the cache.
func (c *Cache) GetPolicyVersion(ctx context.Context, accountID, policyName, versionID string) (store.PolicyVersion, error) {
	return lookup(c, c.versions, versionKey(accountID, policyName, versionID), same,
		func() (store.PolicyVersion, error) {
			return c.Store.GetPolicyVersion(ctx, accountID, policyName, versionID)
		})
}

// ListAttachedPolicies implements store.Reader from the cache.
func (c *Cache) ListAttachedPolicies(ctx context.Context, accountID string, kind store.PrincipalKind, principalName string) ([]string, error) {
	return lookup(c, c.attached, principalKey(accountID, kind, principalName), slices.Clone[[]string],
		func() ([]string, error) { return c.Store.ListAttachedPolicies(ctx, accountID, kind, principalName) })
}

// ListInlinePolicies implements store.Reader from the cache.
func (c *Cache) ListInlinePolicies(ctx context.Context, accountID string, kind store.PrincipalKind, principalName string) ([]store.InlinePolicy, error) {
	return lookup(c, c.inline, principalKey(accountID, kind, principalName),
		slices.Clone[[]store.InlinePolicy],
		func() ([]store.InlinePolicy, error) {
			return c.Store.ListInlinePolicies(ctx, accountID, kind, principalName)
		})
}

// GetOIDCProvider implements store.Reader from the cache.
func (c *Cache) GetOIDCProvider(ctx context.Context, arn string) (store.OIDCProvider, error) {
	return lookup(c, c.oidc, arn,
		func(p store.OIDCProvider) store.OIDCProvider {
			p.ClientIDs, p.Thumbprints, p.Tags = slices.Clone(p.ClientIDs), slices.Clone(p.Thumbprints), cloneTags(p.Tags)
			return p
		},
		func() (store.OIDCProvider, error) { return c.Store.GetOIDCProvider(ctx, arn) })
}

// GetSAMLProvider implements store.Reader from the cache.
func (c *Cache) GetSAMLProvider(ctx context.Context, arn string) (store.SAMLProvider, error) {
	return lookup(c, c.saml, arn,
		func(p store.SAMLProvider) store.SAMLProvider { p.Tags = cloneTags(p.Tags); return p },
		func() (store.SAMLProvider, error) { return c.Store.GetSAMLProvider(ctx, arn) })
}

// ListTokenKeys implements store.Reader from the cache.
func (c *Cache) ListTokenKeys(ctx context.Context) ([]store.TokenKey, error) {
	return lookup(c, c.tokenKeys, "",
		func(ks []store.TokenKey) []store.TokenKey {
			out := slices.Clone(ks)
			for i := range out {
				out[i].Secret = slices.Clone(out[i].Secret)
			}
			return out
		},
		func() ([]store.TokenKey, error) { return c.Store.ListTokenKeys(ctx) })
}

func cloneOutbound(f store.OutboundFederation) store.OutboundFederation {
	f.RSAKey, f.ECKey = slices.Clone(f.RSAKey), slices.Clone(f.ECKey)
	return f
}

// GetOutboundFederation implements store.Reader from the cache:
// GetWebIdentityToken reads it on every call.
func (c *Cache) GetOutboundFederation(ctx context.Context, accountID string) (store.OutboundFederation, error) {
	return lookup(c, c.outbound, accountID, cloneOutbound,
		func() (store.OutboundFederation, error) { return c.Store.GetOutboundFederation(ctx, accountID) })
}

// GetOutboundFederationByIssuer implements store.Reader from the cache:
// the public discovery endpoints read it for every verifier's fetch.
// Misses are cached like any other, within the per-kind bound, so
// requests for made-up issuers cannot grow memory.
func (c *Cache) GetOutboundFederationByIssuer(ctx context.Context, issuerID string) (store.OutboundFederation, error) {
	return lookup(c, c.outboundByIssuer, issuerID, cloneOutbound,
		func() (store.OutboundFederation, error) { return c.Store.GetOutboundFederationByIssuer(ctx, issuerID) })
}
