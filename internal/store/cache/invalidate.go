package cache

import (
	"context"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/store"
)

// recorder wraps a backend transaction and notes which entries each write
// makes stale; Cache.Update applies the notes after the commit. Reads pass
// straight to the transaction (never the cache), so fn sees its own writes.
//
// Only the read side is embedded: every write method of store.Tx is
// written out below, so a write added to the interface fails to compile
// here until someone decides what it makes stale. Writes of kinds the
// cache holds nothing of are listed too, each saying why it notes nothing.
type recorder struct {
	store.Reader // tx itself: reads never make an entry stale
	tx           store.Tx
	inv          []func(c *Cache) // run with c.mu held
}

var _ store.Tx = (*recorder)(nil)

func newRecorder(tx store.Tx) *recorder { return &recorder{Reader: tx, tx: tx} }

func (r *recorder) note(f func(c *Cache)) { r.inv = append(r.inv, f) }

// CreateAccount implements store.Tx.
func (r *recorder) CreateAccount(ctx context.Context, a store.Account) error {
	r.note(func(c *Cache) { c.accounts.remove(a.ID) })
	return r.tx.CreateAccount(ctx, a)
}

// UpdateAccount implements store.Tx.
func (r *recorder) UpdateAccount(ctx context.Context, a store.Account) error {
	r.note(func(c *Cache) { c.accounts.remove(a.ID) })
	return r.tx.UpdateAccount(ctx, a)
}

// CreateAccessKey implements store.Tx.
func (r *recorder) CreateAccessKey(ctx context.Context, k store.AccessKey) error {
	r.note(func(c *Cache) { c.accessKeys.remove(k.ID) })
	return r.tx.CreateAccessKey(ctx, k)
}

// UpdateAccessKey implements store.Tx.
func (r *recorder) UpdateAccessKey(ctx context.Context, k store.AccessKey) error {
	r.note(func(c *Cache) { c.accessKeys.remove(k.ID) })
	return r.tx.UpdateAccessKey(ctx, k)
}

// DeleteAccessKey implements store.Tx.
func (r *recorder) DeleteAccessKey(ctx context.Context, id string) error {
	r.note(func(c *Cache) { c.accessKeys.remove(id) })
	return r.tx.DeleteAccessKey(ctx, id)
}

// CreateUser implements store.Tx. The user's cached group list stays: a
// user that does not exist is in no group, and a new one starts in none
// (a deleted user's memberships went with it).
func (r *recorder) CreateUser(ctx context.Context, u store.User) error {
	r.note(func(c *Cache) { c.users.remove(nameKey(u.AccountID, u.Name)) })
	return r.tx.CreateUser(ctx, u)
}

// UpdateUser implements store.Tx. A rename (even of case only, which the
// caller's oldName may not reveal) rewrites the owner of keys, inline
// policies and attachments, which are keyed elsewhere, so those kinds are
// dropped whole; user updates are rare next to the reads they serve. The
// memberships move from the old name's group list to the new one's.
func (r *recorder) UpdateUser(ctx context.Context, oldName string, u store.User) error {
	r.note(func(c *Cache) {
		for _, k := range []string{nameKey(u.AccountID, oldName), nameKey(u.AccountID, u.Name)} {
			c.users.remove(k)
			c.userGroups.remove(k)
		}
		c.accessKeys.clear()
		c.attached.clear()
		c.inline.clear()
	})
	return r.tx.UpdateUser(ctx, oldName, u)
}

// DeleteUser implements store.Tx. The user's memberships, keys and
// policies go with it in the store, so their entries go here too.
func (r *recorder) DeleteUser(ctx context.Context, accountID, name string) error {
	r.note(func(c *Cache) {
		k := nameKey(accountID, name)
		c.users.remove(k)
		c.userGroups.remove(k)
		// The user's keys, policies and attachments go with it in the
		// store. Keys are cached by id, so that kind is dropped whole;
		// deleting a user is rare next to the key reads it serves.
		pk := principalKey(accountID, store.KindUser, name)
		c.inline.remove(pk)
		c.attached.remove(pk)
		c.accessKeys.clear()
	})
	return r.tx.DeleteUser(ctx, accountID, name)
}

// forgetGroupPolicies drops a group's cached inline policies and
// attachments. Callers hold c.mu.
func (c *Cache) forgetGroupPolicies(accountID, name string) {
	k := principalKey(accountID, store.KindGroup, name)
	c.inline.remove(k)
	c.attached.remove(k)
}

// CreateGroup implements store.Tx. A new group has no members and no
// policies (a deleted one's went with it), so only the group entry can be
// stale: a cached miss.
func (r *recorder) CreateGroup(ctx context.Context, g store.Group) error {
	r.note(func(c *Cache) { c.groups.remove(nameKey(g.AccountID, g.Name)) })
	return r.tx.CreateGroup(ctx, g)
}

// UpdateGroup implements store.Tx. The group's value sits in the cached
// group list of each member, whom only the backend knows, so those lists
// are dropped whole; group updates are rare next to the reads they serve.
// A rename moves the group's policies from the old name to the new.
func (r *recorder) UpdateGroup(ctx context.Context, oldName string, g store.Group) error {
	r.note(func(c *Cache) {
		for _, name := range []string{oldName, g.Name} {
			c.groups.remove(nameKey(g.AccountID, name))
			c.forgetGroupPolicies(g.AccountID, name)
		}
		c.userGroups.clear()
	})
	return r.tx.UpdateGroup(ctx, oldName, g)
}

// DeleteGroup implements store.Tx. Its memberships go with it, and it
// sits in the cached group list of each former member, whom only the
// backend knew, so those lists are dropped whole.
func (r *recorder) DeleteGroup(ctx context.Context, accountID, name string) error {
	r.note(func(c *Cache) {
		c.groups.remove(nameKey(accountID, name))
		c.userGroups.clear()
		c.forgetGroupPolicies(accountID, name)
	})
	return r.tx.DeleteGroup(ctx, accountID, name)
}

// AddGroupMember implements store.Tx.
func (r *recorder) AddGroupMember(ctx context.Context, accountID, groupName, userName string) error {
	r.note(func(c *Cache) { c.userGroups.remove(nameKey(accountID, userName)) })
	return r.tx.AddGroupMember(ctx, accountID, groupName, userName)
}

// RemoveGroupMember implements store.Tx.
func (r *recorder) RemoveGroupMember(ctx context.Context, accountID, groupName, userName string) error {
	r.note(func(c *Cache) { c.userGroups.remove(nameKey(accountID, userName)) })
	return r.tx.RemoveGroupMember(ctx, accountID, groupName, userName)
}

// CreateRole implements store.Tx.
func (r *recorder) CreateRole(ctx context.Context, ro store.Role) error {
	r.note(func(c *Cache) { c.roles.remove(nameKey(ro.AccountID, ro.Name)) })
	return r.tx.CreateRole(ctx, ro)
}

// UpdateRole implements store.Tx.
func (r *recorder) UpdateRole(ctx context.Context, ro store.Role) error {
	r.note(func(c *Cache) { c.roles.remove(nameKey(ro.AccountID, ro.Name)) })
	return r.tx.UpdateRole(ctx, ro)
}

// DeleteRole implements store.Tx.
func (r *recorder) DeleteRole(ctx context.Context, accountID, name string) error {
	r.note(func(c *Cache) {
		c.roles.remove(nameKey(accountID, name))
		// The role's policies and attachments go with it in the store.
		pk := principalKey(accountID, store.KindRole, name)
		c.inline.remove(pk)
		c.attached.remove(pk)
	})
	return r.tx.DeleteRole(ctx, accountID, name)
}

// CreatePolicy implements store.Tx.
func (r *recorder) CreatePolicy(ctx context.Context, p store.ManagedPolicy) error {
	r.note(func(c *Cache) { c.policies.remove(nameKey(p.AccountID, p.Name)) })
	return r.tx.CreatePolicy(ctx, p)
}

// UpdatePolicy implements store.Tx.
func (r *recorder) UpdatePolicy(ctx context.Context, p store.ManagedPolicy) error {
	r.note(func(c *Cache) { c.policies.remove(nameKey(p.AccountID, p.Name)) })
	return r.tx.UpdatePolicy(ctx, p)
}

// DeletePolicy implements store.Tx; the policy's versions go too.
func (r *recorder) DeletePolicy(ctx context.Context, accountID, name string) error {
	r.note(func(c *Cache) {
		k := nameKey(accountID, name)
		c.policies.remove(k)
		for _, vk := range c.versions.keys() {
			if strings.HasPrefix(vk, k+"\x00") {
				c.versions.remove(vk)
			}
		}
	})
	return r.tx.DeletePolicy(ctx, accountID, name)
}

// CreatePolicyVersion implements store.Tx.
func (r *recorder) CreatePolicyVersion(ctx context.Context, v store.PolicyVersion) error {
	r.note(func(c *Cache) { c.versions.remove(versionKey(v.AccountID, v.PolicyName, v.VersionID)) })
	return r.tx.CreatePolicyVersion(ctx, v)
}

// DeletePolicyVersion implements store.Tx.
func (r *recorder) DeletePolicyVersion(ctx context.Context, accountID, policyName, versionID string) error {
	r.note(func(c *Cache) { c.versions.remove(versionKey(accountID, policyName, versionID)) })
	return r.tx.DeletePolicyVersion(ctx, accountID, policyName, versionID)
}

// PutInlinePolicy implements store.Tx.
func (r *recorder) PutInlinePolicy(ctx context.Context, p store.InlinePolicy) error {
	r.note(func(c *Cache) { c.inline.remove(principalKey(p.AccountID, p.Kind, p.PrincipalName)) })
	return r.tx.PutInlinePolicy(ctx, p)
}

// DeleteInlinePolicy implements store.Tx.
func (r *recorder) DeleteInlinePolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, name string) error {
	r.note(func(c *Cache) { c.inline.remove(principalKey(accountID, kind, principalName)) })
	return r.tx.DeleteInlinePolicy(ctx, accountID, kind, principalName, name)
}

// AttachPolicy implements store.Tx.
func (r *recorder) AttachPolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, policyARN string) error {
	r.note(func(c *Cache) { c.attached.remove(principalKey(accountID, kind, principalName)) })
	return r.tx.AttachPolicy(ctx, accountID, kind, principalName, policyARN)
}

// DetachPolicy implements store.Tx.
func (r *recorder) DetachPolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, policyARN string) error {
	r.note(func(c *Cache) { c.attached.remove(principalKey(accountID, kind, principalName)) })
	return r.tx.DetachPolicy(ctx, accountID, kind, principalName, policyARN)
}

// CreateOIDCProvider implements store.Tx.
func (r *recorder) CreateOIDCProvider(ctx context.Context, p store.OIDCProvider) error {
	r.note(func(c *Cache) { c.oidc.remove(p.ARN) })
	return r.tx.CreateOIDCProvider(ctx, p)
}

// UpdateOIDCProvider implements store.Tx.
func (r *recorder) UpdateOIDCProvider(ctx context.Context, p store.OIDCProvider) error {
	r.note(func(c *Cache) { c.oidc.remove(p.ARN) })
	return r.tx.UpdateOIDCProvider(ctx, p)
}

// DeleteOIDCProvider implements store.Tx.
func (r *recorder) DeleteOIDCProvider(ctx context.Context, arn string) error {
	r.note(func(c *Cache) { c.oidc.remove(arn) })
	return r.tx.DeleteOIDCProvider(ctx, arn)
}

// CreateSAMLProvider implements store.Tx.
func (r *recorder) CreateSAMLProvider(ctx context.Context, p store.SAMLProvider) error {
	r.note(func(c *Cache) { c.saml.remove(p.ARN) })
	return r.tx.CreateSAMLProvider(ctx, p)
}

// UpdateSAMLProvider implements store.Tx.
func (r *recorder) UpdateSAMLProvider(ctx context.Context, p store.SAMLProvider) error {
	r.note(func(c *Cache) { c.saml.remove(p.ARN) })
	return r.tx.UpdateSAMLProvider(ctx, p)
}

// DeleteSAMLProvider implements store.Tx.
func (r *recorder) DeleteSAMLProvider(ctx context.Context, arn string) error {
	r.note(func(c *Cache) { c.saml.remove(arn) })
	return r.tx.DeleteSAMLProvider(ctx, arn)
}

// PutOutboundFederation implements store.Tx. A replace may move the
// account to another issuer id, and the entry under the old one may be
// cached even when the account's is not, so the transaction is asked which
// issuer the account had. Should that read fail, every issuer entry goes.
func (r *recorder) PutOutboundFederation(ctx context.Context, f store.OutboundFederation) error {
	old, err := r.tx.GetOutboundFederation(ctx, f.AccountID)
	hadOld, oldKnown := err == nil, err == nil || errors.Is(err, store.ErrNotFound)
	r.note(func(c *Cache) {
		c.outbound.remove(f.AccountID)
		c.outboundByIssuer.remove(f.IssuerID)
		switch {
		case !oldKnown:
			c.outboundByIssuer.clear()
		case hadOld:
			c.outboundByIssuer.remove(old.IssuerID)
		}
	})
	return r.tx.PutOutboundFederation(ctx, f)
}

// CreateTokenKey implements store.Tx.
func (r *recorder) CreateTokenKey(ctx context.Context, k store.TokenKey) error {
	r.note(func(c *Cache) { c.tokenKeys.remove("") })
	return r.tx.CreateTokenKey(ctx, k)
}

// UpdateTokenKey implements store.Tx.
func (r *recorder) UpdateTokenKey(ctx context.Context, k store.TokenKey) error {
	r.note(func(c *Cache) { c.tokenKeys.remove("") })
	return r.tx.UpdateTokenKey(ctx, k)
}

// The writes below note nothing: the cache holds none of what they change.
// Login profiles, the password policy and the user credentials (SSH keys,
// signing certificates, service-specific credentials) are read only by
// their own IAM operations; instance profiles by no request's
// authorization; MFA devices by the MFA check, inside the transaction that
// records the code's time step, where reads never reach the cache. Their
// reads all pass through (see ListGroupsForUser in reads.go), so there is
// nothing to drop.
// Should one of those reads be cached one day, its writes here are where
// the invalidation goes.

// PutLoginProfile implements store.Tx; login profiles are not cached.
func (r *recorder) PutLoginProfile(ctx context.Context, p store.LoginProfile) error {
	return r.tx.PutLoginProfile(ctx, p)
}

// DeleteLoginProfile implements store.Tx; login profiles are not cached.
func (r *recorder) DeleteLoginProfile(ctx context.Context, accountID, userName string) error {
	return r.tx.DeleteLoginProfile(ctx, accountID, userName)
}

// PutPasswordPolicy implements store.Tx; password policies are not cached.
func (r *recorder) PutPasswordPolicy(ctx context.Context, p store.PasswordPolicy) error {
	return r.tx.PutPasswordPolicy(ctx, p)
}

// DeletePasswordPolicy implements store.Tx; password policies are not
// cached.
func (r *recorder) DeletePasswordPolicy(ctx context.Context, accountID string) error {
	return r.tx.DeletePasswordPolicy(ctx, accountID)
}

// CreateSSHPublicKey implements store.Tx; SSH keys are not cached.
func (r *recorder) CreateSSHPublicKey(ctx context.Context, k store.SSHPublicKey) error {
	return r.tx.CreateSSHPublicKey(ctx, k)
}

// UpdateSSHPublicKey implements store.Tx; SSH keys are not cached.
func (r *recorder) UpdateSSHPublicKey(ctx context.Context, k store.SSHPublicKey) error {
	return r.tx.UpdateSSHPublicKey(ctx, k)
}

// DeleteSSHPublicKey implements store.Tx; SSH keys are not cached.
func (r *recorder) DeleteSSHPublicKey(ctx context.Context, accountID, userName, id string) error {
	return r.tx.DeleteSSHPublicKey(ctx, accountID, userName, id)
}

// CreateSigningCertificate implements store.Tx; signing certificates are
// not cached.
func (r *recorder) CreateSigningCertificate(ctx context.Context, sc store.SigningCertificate) error {
	return r.tx.CreateSigningCertificate(ctx, sc)
}

// UpdateSigningCertificate implements store.Tx; signing certificates are
// not cached.
func (r *recorder) UpdateSigningCertificate(ctx context.Context, sc store.SigningCertificate) error {
	return r.tx.UpdateSigningCertificate(ctx, sc)
}

// DeleteSigningCertificate implements store.Tx; signing certificates are
// not cached.
func (r *recorder) DeleteSigningCertificate(ctx context.Context, accountID, userName, id string) error {
	return r.tx.DeleteSigningCertificate(ctx, accountID, userName, id)
}

// CreateServiceSpecificCredential implements store.Tx; service-specific
// credentials are not cached.
func (r *recorder) CreateServiceSpecificCredential(ctx context.Context, sc store.ServiceSpecificCredential) error {
	return r.tx.CreateServiceSpecificCredential(ctx, sc)
}

// UpdateServiceSpecificCredential implements store.Tx; service-specific
// credentials are not cached.
func (r *recorder) UpdateServiceSpecificCredential(ctx context.Context, sc store.ServiceSpecificCredential) error {
	return r.tx.UpdateServiceSpecificCredential(ctx, sc)
}

// DeleteServiceSpecificCredential implements store.Tx; service-specific
// credentials are not cached.
func (r *recorder) DeleteServiceSpecificCredential(ctx context.Context, accountID, userName, id string) error {
	return r.tx.DeleteServiceSpecificCredential(ctx, accountID, userName, id)
}

// CreateInstanceProfile implements store.Tx; instance profiles are not
// cached.
func (r *recorder) CreateInstanceProfile(ctx context.Context, p store.InstanceProfile) error {
	return r.tx.CreateInstanceProfile(ctx, p)
}

// UpdateInstanceProfile implements store.Tx; instance profiles are not
// cached.
func (r *recorder) UpdateInstanceProfile(ctx context.Context, p store.InstanceProfile) error {
	return r.tx.UpdateInstanceProfile(ctx, p)
}

// DeleteInstanceProfile implements store.Tx; instance profiles are not
// cached.
func (r *recorder) DeleteInstanceProfile(ctx context.Context, accountID, name string) error {
	return r.tx.DeleteInstanceProfile(ctx, accountID, name)
}

// AddInstanceProfileRole implements store.Tx; instance profiles are not
// cached, and the role's own entry does not list its profiles.
func (r *recorder) AddInstanceProfileRole(ctx context.Context, accountID, profileName, roleName string) error {
	return r.tx.AddInstanceProfileRole(ctx, accountID, profileName, roleName)
}

// RemoveInstanceProfileRole implements store.Tx; as AddInstanceProfileRole.
func (r *recorder) RemoveInstanceProfileRole(ctx context.Context, accountID, profileName, roleName string) error {
	return r.tx.RemoveInstanceProfileRole(ctx, accountID, profileName, roleName)
}

// CreateMFADevice implements store.Tx; MFA devices are not cached.
func (r *recorder) CreateMFADevice(ctx context.Context, d store.MFADevice) error {
	return r.tx.CreateMFADevice(ctx, d)
}

// UpdateMFADevice implements store.Tx; MFA devices are not cached.
func (r *recorder) UpdateMFADevice(ctx context.Context, d store.MFADevice) error {
	return r.tx.UpdateMFADevice(ctx, d)
}

// DeleteMFADevice implements store.Tx; MFA devices are not cached.
func (r *recorder) DeleteMFADevice(ctx context.Context, serialNumber string) error {
	return r.tx.DeleteMFADevice(ctx, serialNumber)
}

// PutCredentialReport implements store.Tx. Reports are not cached: they
// are read once per GetCredentialReport call.
func (r *recorder) PutCredentialReport(ctx context.Context, rep store.CredentialReport) error {
	return r.tx.PutCredentialReport(ctx, rep)
}
