package bootstrap

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/stsd/stsd/internal/store"
)

// memStore is a small in-memory store.Store for Apply's tests. Update works
// on a deep copy and swaps it in on success, so a failed Update leaves
// nothing behind, as the interface requires of every backend.
type memStore struct {
	mu  sync.Mutex
	gen uint64
	*memState
}

type memState struct {
	accounts map[string]store.Account
	keys     map[string]store.AccessKey
	users    map[string]store.User
	roles    map[string]store.Role
	groups   map[string]store.Group
	members  map[string]bool // low(account, group, user)
	profiles map[string]store.InstanceProfile
	inProf   map[string]bool // low(account, profile, role)
	policies map[string]store.ManagedPolicy
	versions map[string]store.PolicyVersion
	inline   map[string]store.InlinePolicy
	attached map[string][]string
	mfa      map[string]store.MFADevice
	oidc     map[string]store.OIDCProvider
	saml     map[string]store.SAMLProvider
	tokens   map[uint32]store.TokenKey
	outbound map[string]store.OutboundFederation // by account id
	logins   map[string]store.LoginProfile       // low(account, user)
	pwPolicy map[string]store.PasswordPolicy     // by account id
	sshKeys  map[string]store.SSHPublicKey       // by id
	certs    map[string]store.SigningCertificate // by id
	svcCreds map[string]store.ServiceSpecificCredential
}

func newMemStore() *memStore {
	return &memStore{memState: &memState{
		accounts: map[string]store.Account{}, keys: map[string]store.AccessKey{},
		users: map[string]store.User{}, roles: map[string]store.Role{},
		groups: map[string]store.Group{}, members: map[string]bool{},
		profiles: map[string]store.InstanceProfile{}, inProf: map[string]bool{},
		policies: map[string]store.ManagedPolicy{}, versions: map[string]store.PolicyVersion{},
		inline: map[string]store.InlinePolicy{}, attached: map[string][]string{},
		mfa: map[string]store.MFADevice{}, oidc: map[string]store.OIDCProvider{},
		saml: map[string]store.SAMLProvider{}, tokens: map[uint32]store.TokenKey{},
		outbound: map[string]store.OutboundFederation{},
		logins:   map[string]store.LoginProfile{}, pwPolicy: map[string]store.PasswordPolicy{},
		sshKeys: map[string]store.SSHPublicKey{}, certs: map[string]store.SigningCertificate{},
		svcCreds: map[string]store.ServiceSpecificCredential{},
	}}
}

func (s *memState) clone() *memState {
	c := &memState{
		accounts: maps.Clone(s.accounts), keys: maps.Clone(s.keys),
		users: maps.Clone(s.users), roles: maps.Clone(s.roles),
		groups: maps.Clone(s.groups), members: maps.Clone(s.members),
		profiles: maps.Clone(s.profiles), inProf: maps.Clone(s.inProf),
		policies: maps.Clone(s.policies), versions: maps.Clone(s.versions),
		inline: maps.Clone(s.inline), attached: map[string][]string{},
		mfa: maps.Clone(s.mfa), oidc: maps.Clone(s.oidc),
		saml: maps.Clone(s.saml), tokens: maps.Clone(s.tokens),
		outbound: maps.Clone(s.outbound),
		logins:   maps.Clone(s.logins), pwPolicy: maps.Clone(s.pwPolicy),
		sshKeys: maps.Clone(s.sshKeys), certs: maps.Clone(s.certs),
		svcCreds: maps.Clone(s.svcCreds), // secrets are cloned on write, never changed in place
	}
	for k, v := range s.attached {
		c.attached[k] = slices.Clone(v)
	}
	return c
}

func (m *memStore) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	work := m.memState.clone()
	if err := fn(work); err != nil {
		return err
	}
	m.memState = work
	m.gen++
	return nil
}

func (m *memStore) Generation(context.Context) (uint64, error) { return m.gen, nil }
func (m *memStore) Close() error                               { return nil }

func low(parts ...string) string { return strings.ToLower(strings.Join(parts, "\x00")) }

func get[V any](mp map[string]V, key string) (V, error) {
	v, ok := mp[key]
	if !ok {
		return v, store.ErrNotFound
	}
	return v, nil
}

func create[V any](mp map[string]V, key string, v V) error {
	if _, ok := mp[key]; ok {
		return store.ErrAlreadyExists
	}
	mp[key] = v
	return nil
}

func update[V any](mp map[string]V, key string, v V) error {
	if _, ok := mp[key]; !ok {
		return store.ErrNotFound
	}
	mp[key] = v
	return nil
}

func del[V any](mp map[string]V, key string) error {
	if _, ok := mp[key]; !ok {
		return store.ErrNotFound
	}
	delete(mp, key)
	return nil
}

func sorted[V any](mp map[string]V, keep func(k string, v V) bool) []V {
	keys := slices.Sorted(maps.Keys(mp))
	var out []V
	for _, k := range keys {
		if keep(k, mp[k]) {
			out = append(out, mp[k])
		}
	}
	return out
}

func (s *memState) GetAccount(_ context.Context, id string) (store.Account, error) {
	return get(s.accounts, id)
}
func (s *memState) ListAccounts(context.Context) ([]store.Account, error) {
	return sorted(s.accounts, func(string, store.Account) bool { return true }), nil
}
func (s *memState) GetAccessKey(_ context.Context, id string) (store.AccessKey, error) {
	return get(s.keys, id)
}
func (s *memState) ListAccessKeys(_ context.Context, acc, user string) ([]store.AccessKey, error) {
	return sorted(s.keys, func(_ string, k store.AccessKey) bool {
		return k.AccountID == acc && strings.EqualFold(k.UserName, user)
	}), nil
}
func (s *memState) GetUser(_ context.Context, acc, name string) (store.User, error) {
	return get(s.users, low(acc, name))
}
func (s *memState) ListUsers(_ context.Context, acc, prefix string, _ store.Page) ([]store.User, error) {
	return sorted(s.users, func(_ string, u store.User) bool { return u.AccountID == acc && strings.HasPrefix(u.Path, prefix) }), nil
}
func (s *memState) GetRole(_ context.Context, acc, name string) (store.Role, error) {
	return get(s.roles, low(acc, name))
}
func (s *memState) ListRoles(_ context.Context, acc, prefix string, _ store.Page) ([]store.Role, error) {
	return sorted(s.roles, func(_ string, r store.Role) bool { return r.AccountID == acc && strings.HasPrefix(r.Path, prefix) }), nil
}

// Groups: Apply never renames one (it keeps the stored spelling), so, as
// for users, a rename here does not carry dependants along.
func (s *memState) GetGroup(_ context.Context, acc, name string) (store.Group, error) {
	return get(s.groups, low(acc, name))
}
func (s *memState) ListGroups(_ context.Context, acc, prefix string, _ store.Page) ([]store.Group, error) {
	return sorted(s.groups, func(_ string, g store.Group) bool { return g.AccountID == acc && strings.HasPrefix(g.Path, prefix) }), nil
}
func (s *memState) ListGroupMembers(_ context.Context, acc, group string, _ store.Page) ([]store.User, error) {
	return sorted(s.users, func(_ string, u store.User) bool { return s.members[low(acc, group, u.Name)] && u.AccountID == acc }), nil
}
func (s *memState) ListGroupsForUser(_ context.Context, acc, user string) ([]store.Group, error) {
	return sorted(s.groups, func(_ string, g store.Group) bool { return s.members[low(acc, g.Name, user)] && g.AccountID == acc }), nil
}

// Instance profiles: reads fill Roles from the live roles, as the real
// stores do.
func (s *memState) withRoles(p store.InstanceProfile) store.InstanceProfile {
	p.Tags, p.Roles = slices.Clone(p.Tags), nil
	for _, r := range sorted(s.roles, func(_ string, r store.Role) bool {
		return r.AccountID == p.AccountID && s.inProf[low(p.AccountID, p.Name, r.Name)]
	}) {
		p.Roles = append(p.Roles, r.Name)
	}
	return p
}
func (s *memState) profilesWhere(keep func(store.InstanceProfile) bool) []store.InstanceProfile {
	var out []store.InstanceProfile
	for _, p := range sorted(s.profiles, func(_ string, p store.InstanceProfile) bool { return keep(p) }) {
		out = append(out, s.withRoles(p))
	}
	return out
}
func (s *memState) GetInstanceProfile(_ context.Context, acc, name string) (store.InstanceProfile, error) {
	p, err := get(s.profiles, low(acc, name))
	if err != nil {
		return p, err
	}
	return s.withRoles(p), nil
}
func (s *memState) ListInstanceProfiles(_ context.Context, acc, prefix string, _ store.Page) ([]store.InstanceProfile, error) {
	return s.profilesWhere(func(p store.InstanceProfile) bool { return p.AccountID == acc && strings.HasPrefix(p.Path, prefix) }), nil
}
func (s *memState) ListInstanceProfilesForRole(_ context.Context, acc, role string, _ store.Page) ([]store.InstanceProfile, error) {
	if _, ok := s.roles[low(acc, role)]; !ok {
		return nil, nil
	}
	return s.profilesWhere(func(p store.InstanceProfile) bool { return p.AccountID == acc && s.inProf[low(acc, p.Name, role)] }), nil
}
func (s *memState) GetPolicy(_ context.Context, acc, name string) (store.ManagedPolicy, error) {
	return get(s.policies, low(acc, name))
}
func (s *memState) ListPolicies(_ context.Context, acc, prefix string, _ store.Page) ([]store.ManagedPolicy, error) {
	return sorted(s.policies, func(_ string, p store.ManagedPolicy) bool {
		return p.AccountID == acc && strings.HasPrefix(p.Path, prefix)
	}), nil
}
func (s *memState) GetPolicyVersion(_ context.Context, acc, pol, vid string) (store.PolicyVersion, error) {
	return get(s.versions, low(acc, pol, vid))
}
func (s *memState) ListPolicyVersions(_ context.Context, acc, pol string) ([]store.PolicyVersion, error) {
	return sorted(s.versions, func(k string, _ store.PolicyVersion) bool { return strings.HasPrefix(k, low(acc, pol)+"\x00") }), nil
}
func (s *memState) GetInlinePolicy(_ context.Context, acc string, kind store.PrincipalKind, principal, name string) (store.InlinePolicy, error) {
	return get(s.inline, low(acc, string(kind), principal, name))
}
func (s *memState) ListInlinePolicies(_ context.Context, acc string, kind store.PrincipalKind, principal string) ([]store.InlinePolicy, error) {
	return sorted(s.inline, func(k string, _ store.InlinePolicy) bool {
		return strings.HasPrefix(k, low(acc, string(kind), principal)+"\x00")
	}), nil
}
func (s *memState) ListAttachedPolicies(_ context.Context, acc string, kind store.PrincipalKind, principal string) ([]string, error) {
	out := slices.Clone(s.attached[low(acc, string(kind), principal)])
	sort.Strings(out)
	return out, nil
}
func (s *memState) CountPolicyAttachments(_ context.Context, arn string) (int, error) {
	n := 0
	for _, l := range s.attached {
		if slices.Contains(l, arn) {
			n++
		}
	}
	return n, nil
}
func (s *memState) GetMFADevice(_ context.Context, serial string) (store.MFADevice, error) {
	return get(s.mfa, serial)
}
func (s *memState) ListMFADevices(_ context.Context, acc, user string) ([]store.MFADevice, error) {
	return sorted(s.mfa, func(_ string, d store.MFADevice) bool {
		return d.AccountID == acc && (user == "" || strings.EqualFold(d.UserName, user))
	}), nil
}
func (s *memState) GetOIDCProvider(_ context.Context, arn string) (store.OIDCProvider, error) {
	return get(s.oidc, arn)
}
func (s *memState) ListOIDCProviders(_ context.Context, acc string) ([]store.OIDCProvider, error) {
	return sorted(s.oidc, func(_ string, p store.OIDCProvider) bool { return p.AccountID == acc }), nil
}
func (s *memState) GetSAMLProvider(_ context.Context, arn string) (store.SAMLProvider, error) {
	return get(s.saml, arn)
}
func (s *memState) ListSAMLProviders(_ context.Context, acc string) ([]store.SAMLProvider, error) {
	return sorted(s.saml, func(_ string, p store.SAMLProvider) bool { return p.AccountID == acc }), nil
}

// Outbound federations hand out clones of their keys, both ways, so no
// caller shares bytes with the state a later Update copies.
func cloneOutbound(f store.OutboundFederation) store.OutboundFederation {
	f.RSAKey, f.ECKey = bytes.Clone(f.RSAKey), bytes.Clone(f.ECKey)
	return f
}
func (s *memState) GetOutboundFederation(_ context.Context, acc string) (store.OutboundFederation, error) {
	f, err := get(s.outbound, acc)
	return cloneOutbound(f), err
}
func (s *memState) GetOutboundFederationByIssuer(_ context.Context, issuer string) (store.OutboundFederation, error) {
	for _, f := range s.outbound {
		if f.IssuerID == issuer {
			return cloneOutbound(f), nil
		}
	}
	return store.OutboundFederation{}, store.ErrNotFound
}
func (s *memState) ListTokenKeys(context.Context) ([]store.TokenKey, error) {
	var out []store.TokenKey
	for _, k := range s.tokens {
		out = append(out, k)
	}
	return out, nil
}

func (s *memState) CreateAccount(_ context.Context, a store.Account) error {
	return create(s.accounts, a.ID, a)
}
func (s *memState) UpdateAccount(_ context.Context, a store.Account) error {
	return update(s.accounts, a.ID, a)
}
func (s *memState) CreateAccessKey(_ context.Context, k store.AccessKey) error {
	return create(s.keys, k.ID, k)
}
func (s *memState) UpdateAccessKey(_ context.Context, k store.AccessKey) error {
	return update(s.keys, k.ID, k)
}
func (s *memState) DeleteAccessKey(_ context.Context, id string) error { return del(s.keys, id) }
func (s *memState) CreateUser(_ context.Context, u store.User) error {
	u.Tags = slices.Clone(u.Tags)
	if err := create(s.users, low(u.AccountID, u.Name), u); err != nil {
		return err
	}
	s.moveUserCredentials(u.AccountID, u.Name, "")
	return nil
}
func (s *memState) UpdateUser(_ context.Context, old string, u store.User) error {
	if err := del(s.users, low(u.AccountID, old)); err != nil {
		return err
	}
	u.Tags = slices.Clone(u.Tags)
	if err := create(s.users, low(u.AccountID, u.Name), u); err != nil {
		return err
	}
	if !strings.EqualFold(old, u.Name) {
		s.moveUserCredentials(u.AccountID, u.Name, "")
	}
	s.moveUserCredentials(u.AccountID, old, u.Name)
	return nil
}
func (s *memState) DeleteUser(_ context.Context, acc, name string) error {
	return del(s.users, low(acc, name))
}
func (s *memState) CreateRole(_ context.Context, r store.Role) error {
	r.Tags = slices.Clone(r.Tags)
	if err := create(s.roles, low(r.AccountID, r.Name), r); err != nil {
		return err
	}
	// A deleted role of the same name may have left memberships behind.
	for k := range s.inProf {
		if strings.HasPrefix(k, low(r.AccountID)+"\x00") && strings.HasSuffix(k, "\x00"+low(r.Name)) {
			delete(s.inProf, k)
		}
	}
	return nil
}
func (s *memState) UpdateRole(_ context.Context, r store.Role) error {
	r.Tags = slices.Clone(r.Tags)
	return update(s.roles, low(r.AccountID, r.Name), r)
}
func (s *memState) DeleteRole(_ context.Context, acc, name string) error {
	return del(s.roles, low(acc, name))
}
func (s *memState) CreateGroup(_ context.Context, g store.Group) error {
	return create(s.groups, low(g.AccountID, g.Name), g)
}
func (s *memState) UpdateGroup(_ context.Context, old string, g store.Group) error {
	if err := del(s.groups, low(g.AccountID, old)); err != nil {
		return err
	}
	return create(s.groups, low(g.AccountID, g.Name), g)
}
func (s *memState) DeleteGroup(_ context.Context, acc, name string) error {
	return del(s.groups, low(acc, name))
}
func (s *memState) AddGroupMember(_ context.Context, acc, group, user string) error {
	s.members[low(acc, group, user)] = true
	return nil
}
func (s *memState) RemoveGroupMember(_ context.Context, acc, group, user string) error {
	return del(s.members, low(acc, group, user))
}
func (s *memState) CreateInstanceProfile(_ context.Context, p store.InstanceProfile) error {
	p.Tags, p.Roles = slices.Clone(p.Tags), nil
	if err := create(s.profiles, low(p.AccountID, p.Name), p); err != nil {
		return err
	}
	// A deleted profile of the same name may have left roles behind.
	for k := range s.inProf {
		if strings.HasPrefix(k, low(p.AccountID, p.Name)+"\x00") {
			delete(s.inProf, k)
		}
	}
	return nil
}
func (s *memState) UpdateInstanceProfile(_ context.Context, p store.InstanceProfile) error {
	old, err := get(s.profiles, low(p.AccountID, p.Name))
	if err != nil {
		return err
	}
	old.Tags = slices.Clone(p.Tags)
	s.profiles[low(p.AccountID, p.Name)] = old
	return nil
}
func (s *memState) DeleteInstanceProfile(_ context.Context, acc, name string) error {
	return del(s.profiles, low(acc, name))
}
func (s *memState) AddInstanceProfileRole(_ context.Context, acc, profile, role string) error {
	return create(s.inProf, low(acc, profile, role), true)
}
func (s *memState) RemoveInstanceProfileRole(_ context.Context, acc, profile, role string) error {
	return del(s.inProf, low(acc, profile, role))
}
func (s *memState) CreatePolicy(_ context.Context, p store.ManagedPolicy) error {
	return create(s.policies, low(p.AccountID, p.Name), p)
}
func (s *memState) UpdatePolicy(_ context.Context, p store.ManagedPolicy) error {
	return update(s.policies, low(p.AccountID, p.Name), p)
}
func (s *memState) DeletePolicy(_ context.Context, acc, name string) error {
	return del(s.policies, low(acc, name))
}
func (s *memState) CreatePolicyVersion(_ context.Context, v store.PolicyVersion) error {
	return create(s.versions, low(v.AccountID, v.PolicyName, v.VersionID), v)
}
func (s *memState) DeletePolicyVersion(_ context.Context, acc, pol, vid string) error {
	return del(s.versions, low(acc, pol, vid))
}
func (s *memState) PutInlinePolicy(_ context.Context, p store.InlinePolicy) error {
	s.inline[low(p.AccountID, string(p.Kind), p.PrincipalName, p.Name)] = p
	return nil
}
func (s *memState) DeleteInlinePolicy(_ context.Context, acc string, kind store.PrincipalKind, principal, name string) error {
	return del(s.inline, low(acc, string(kind), principal, name))
}
func (s *memState) AttachPolicy(_ context.Context, acc string, kind store.PrincipalKind, principal, arn string) error {
	k := low(acc, string(kind), principal)
	if !slices.Contains(s.attached[k], arn) {
		s.attached[k] = append(slices.Clone(s.attached[k]), arn)
	}
	return nil
}
func (s *memState) DetachPolicy(_ context.Context, acc string, kind store.PrincipalKind, principal, arn string) error {
	k := low(acc, string(kind), principal)
	i := slices.Index(s.attached[k], arn)
	if i < 0 {
		return store.ErrNotFound
	}
	s.attached[k] = slices.Delete(slices.Clone(s.attached[k]), i, i+1)
	return nil
}
func (s *memState) CreateMFADevice(_ context.Context, d store.MFADevice) error {
	d.Seed = bytes.Clone(d.Seed)
	return create(s.mfa, d.SerialNumber, d)
}
func (s *memState) UpdateMFADevice(_ context.Context, d store.MFADevice) error {
	d.Seed = bytes.Clone(d.Seed)
	return update(s.mfa, d.SerialNumber, d)
}
func (s *memState) DeleteMFADevice(_ context.Context, serial string) error {
	return del(s.mfa, serial)
}
func (s *memState) CreateOIDCProvider(_ context.Context, p store.OIDCProvider) error {
	p.ClientIDs = slices.Clone(p.ClientIDs)
	return create(s.oidc, p.ARN, p)
}
func (s *memState) UpdateOIDCProvider(_ context.Context, p store.OIDCProvider) error {
	p.ClientIDs = slices.Clone(p.ClientIDs)
	return update(s.oidc, p.ARN, p)
}
func (s *memState) DeleteOIDCProvider(_ context.Context, arn string) error { return del(s.oidc, arn) }
func (s *memState) CreateSAMLProvider(_ context.Context, p store.SAMLProvider) error {
	return create(s.saml, p.ARN, p)
}
func (s *memState) UpdateSAMLProvider(_ context.Context, p store.SAMLProvider) error {
	return update(s.saml, p.ARN, p)
}
func (s *memState) DeleteSAMLProvider(_ context.Context, arn string) error { return del(s.saml, arn) }
func (s *memState) PutOutboundFederation(_ context.Context, f store.OutboundFederation) error {
	if _, ok := s.accounts[f.AccountID]; !ok {
		return store.ErrNotFound
	}
	for acc, other := range s.outbound {
		if acc != f.AccountID && other.IssuerID == f.IssuerID {
			return store.ErrAlreadyExists
		}
	}
	s.outbound[f.AccountID] = cloneOutbound(f)
	return nil
}
func (s *memState) CreateTokenKey(_ context.Context, k store.TokenKey) error {
	if _, ok := s.tokens[k.ID]; ok {
		return store.ErrAlreadyExists
	}
	s.tokens[k.ID] = k
	return nil
}
func (s *memState) UpdateTokenKey(_ context.Context, k store.TokenKey) error {
	if _, ok := s.tokens[k.ID]; !ok {
		return store.ErrNotFound
	}
	s.tokens[k.ID] = k
	return nil
}

var _ store.Store = (*memStore)(nil)

// User credentials and the password policy complete the interface; Apply
// never touches them. As in the real stores, a user rename carries the
// user's credentials and a new user never inherits a deleted one's.

// moveUserCredentials gives the credentials of user from to user to, or
// drops them when to is "".
func (s *memState) moveUserCredentials(acc, from, to string) {
	if p, ok := s.logins[low(acc, from)]; ok {
		delete(s.logins, low(acc, from))
		if to != "" {
			p.UserName = to
			s.logins[low(acc, to)] = p
		}
	}
	moveOwned(s.sshKeys, acc, from, to, sshOwner, func(k *store.SSHPublicKey) { k.UserName = to })
	moveOwned(s.certs, acc, from, to, certOwner, func(c *store.SigningCertificate) { c.UserName = to })
	moveOwned(s.svcCreds, acc, from, to, svcOwner, func(c *store.ServiceSpecificCredential) { c.UserName = to })
}

func moveOwned[V any](mp map[string]V, acc, from, to string, owner func(V) (string, string), rename func(*V)) {
	for id, v := range mp {
		if a, u := owner(v); a != acc || !strings.EqualFold(u, from) {
			continue
		}
		if to == "" {
			delete(mp, id)
			continue
		}
		rename(&v)
		mp[id] = v
	}
}

// ownedGet finds a credential by id within the user's (the root's when
// user is ""), as the real stores' Get calls do.
func ownedGet[V any](mp map[string]V, acc, user, id string, owner func(V) (string, string)) (V, error) {
	v, ok := mp[id]
	if a, u := owner(v); !ok || a != acc || !strings.EqualFold(u, user) {
		var zero V
		return zero, store.ErrNotFound
	}
	return v, nil
}

func ownedList[V any](mp map[string]V, acc, user string, owner func(V) (string, string)) []V {
	return sorted(mp, func(_ string, v V) bool { a, u := owner(v); return a == acc && strings.EqualFold(u, user) })
}

func sshOwner(k store.SSHPublicKey) (string, string)              { return k.AccountID, k.UserName }
func certOwner(c store.SigningCertificate) (string, string)       { return c.AccountID, c.UserName }
func svcOwner(c store.ServiceSpecificCredential) (string, string) { return c.AccountID, c.UserName }
func cloneSvc(c store.ServiceSpecificCredential) store.ServiceSpecificCredential {
	c.Secret = bytes.Clone(c.Secret)
	return c
}

func (s *memState) GetLoginProfile(_ context.Context, acc, user string) (store.LoginProfile, error) {
	return get(s.logins, low(acc, user))
}
func (s *memState) GetPasswordPolicy(_ context.Context, acc string) (store.PasswordPolicy, error) {
	return get(s.pwPolicy, acc)
}
func (s *memState) ListSSHPublicKeys(_ context.Context, acc, user string) ([]store.SSHPublicKey, error) {
	return ownedList(s.sshKeys, acc, user, sshOwner), nil
}
func (s *memState) GetSSHPublicKey(_ context.Context, acc, user, id string) (store.SSHPublicKey, error) {
	return ownedGet(s.sshKeys, acc, user, id, sshOwner)
}
func (s *memState) ListSigningCertificates(_ context.Context, acc, user string) ([]store.SigningCertificate, error) {
	return ownedList(s.certs, acc, user, certOwner), nil
}
func (s *memState) ListServiceSpecificCredentials(_ context.Context, acc, user string) ([]store.ServiceSpecificCredential, error) {
	var out []store.ServiceSpecificCredential
	for _, c := range ownedList(s.svcCreds, acc, user, svcOwner) {
		out = append(out, cloneSvc(c))
	}
	return out, nil
}
func (s *memState) GetServiceSpecificCredential(_ context.Context, acc, user, id string) (store.ServiceSpecificCredential, error) {
	c, err := ownedGet(s.svcCreds, acc, user, id, svcOwner)
	return cloneSvc(c), err
}

func (s *memState) PutLoginProfile(_ context.Context, p store.LoginProfile) error {
	if _, ok := s.accounts[p.AccountID]; !ok {
		return store.ErrNotFound
	}
	s.logins[low(p.AccountID, p.UserName)] = p
	return nil
}
func (s *memState) DeleteLoginProfile(_ context.Context, acc, user string) error {
	return del(s.logins, low(acc, user))
}
func (s *memState) PutPasswordPolicy(_ context.Context, p store.PasswordPolicy) error {
	if _, ok := s.accounts[p.AccountID]; !ok {
		return store.ErrNotFound
	}
	s.pwPolicy[p.AccountID] = p
	return nil
}
func (s *memState) DeletePasswordPolicy(_ context.Context, acc string) error {
	return del(s.pwPolicy, acc)
}

// ownedUpdate rewrites the credential id of the user's with change.
func ownedUpdate[V any](mp map[string]V, acc, user, id string, owner func(V) (string, string), change func(*V)) error {
	v, err := ownedGet(mp, acc, user, id, owner)
	if err != nil {
		return err
	}
	change(&v)
	mp[id] = v
	return nil
}
func ownedDelete[V any](mp map[string]V, acc, user, id string, owner func(V) (string, string)) error {
	if _, err := ownedGet(mp, acc, user, id, owner); err != nil {
		return err
	}
	delete(mp, id)
	return nil
}

func (s *memState) CreateSSHPublicKey(_ context.Context, k store.SSHPublicKey) error {
	return create(s.sshKeys, k.ID, k)
}
func (s *memState) UpdateSSHPublicKey(_ context.Context, k store.SSHPublicKey) error {
	return ownedUpdate(s.sshKeys, k.AccountID, k.UserName, k.ID, sshOwner, func(old *store.SSHPublicKey) { old.Status = k.Status })
}
func (s *memState) DeleteSSHPublicKey(_ context.Context, acc, user, id string) error {
	return ownedDelete(s.sshKeys, acc, user, id, sshOwner)
}
func (s *memState) CreateSigningCertificate(_ context.Context, c store.SigningCertificate) error {
	return create(s.certs, c.ID, c)
}
func (s *memState) UpdateSigningCertificate(_ context.Context, c store.SigningCertificate) error {
	return ownedUpdate(s.certs, c.AccountID, c.UserName, c.ID, certOwner, func(old *store.SigningCertificate) { old.Status = c.Status })
}
func (s *memState) DeleteSigningCertificate(_ context.Context, acc, user, id string) error {
	return ownedDelete(s.certs, acc, user, id, certOwner)
}
func (s *memState) CreateServiceSpecificCredential(_ context.Context, c store.ServiceSpecificCredential) error {
	return create(s.svcCreds, c.ID, cloneSvc(c))
}
func (s *memState) UpdateServiceSpecificCredential(_ context.Context, c store.ServiceSpecificCredential) error {
	return ownedUpdate(s.svcCreds, c.AccountID, c.UserName, c.ID, svcOwner, func(old *store.ServiceSpecificCredential) {
		old.Status, old.Secret = c.Status, bytes.Clone(c.Secret)
	})
}
func (s *memState) DeleteServiceSpecificCredential(_ context.Context, acc, user, id string) error {
	return ownedDelete(s.svcCreds, acc, user, id, svcOwner)
}
