package bootstrap

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/store"
)

func policyARN(p store.ManagedPolicy) string { return arn.Policy(p.AccountID, p.Path, p.Name) }

// policy creates a managed policy with version v1, or, when the file's
// document differs from the default version, adds a version and makes it
// the default, first deleting the oldest non-default version when IAM's
// limit of five versions is reached (as IAM requires callers to do).
func (a *applier) policy(account string, p *Policy) error {
	cur, err := a.tx.GetPolicy(a.ctx, account, p.Name)
	if errors.Is(err, store.ErrNotFound) {
		id, err := ids.NewUniqueID(ids.PrefixManagedPolicy, account)
		if err != nil {
			return a.storeErr(p.Pos, err)
		}
		mp := store.ManagedPolicy{AccountID: account, Name: p.Name, ID: id, Path: "/", DefaultVersionID: "v1", CreatedAt: a.now, UpdatedAt: a.now}
		if err := a.tx.CreatePolicy(a.ctx, mp); err != nil {
			return a.storeErr(p.Pos, err)
		}
		v := store.PolicyVersion{AccountID: account, PolicyName: p.Name, VersionID: "v1", Document: p.Document, CreatedAt: a.now}
		if err := a.tx.CreatePolicyVersion(a.ctx, v); err != nil {
			return a.storeErr(p.Pos, err)
		}
		a.created("managed policy %s", policyARN(mp))
		return nil
	}
	if err != nil {
		return a.storeErr(p.Pos, err)
	}
	def, err := a.tx.GetPolicyVersion(a.ctx, account, cur.Name, cur.DefaultVersionID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return a.storeErr(p.Pos, err)
	}
	if err == nil && sameDoc(def.Document, p.Document) {
		return nil
	}
	versions, err := a.tx.ListPolicyVersions(a.ctx, account, cur.Name)
	if err != nil {
		return a.storeErr(p.Pos, err)
	}
	sort.Slice(versions, func(i, j int) bool { return versionNum(versions[i].VersionID) < versionNum(versions[j].VersionID) })
	next := 1
	if len(versions) > 0 {
		next = versionNum(versions[len(versions)-1].VersionID) + 1
	}
	for len(versions) >= iamlimits.VersionsPerPolicy {
		i := slices.IndexFunc(versions, func(v store.PolicyVersion) bool { return v.VersionID != cur.DefaultVersionID })
		if i < 0 {
			break
		}
		if err := a.tx.DeletePolicyVersion(a.ctx, account, cur.Name, versions[i].VersionID); err != nil {
			return a.storeErr(p.Pos, err)
		}
		versions = slices.Delete(versions, i, i+1)
	}
	v := store.PolicyVersion{AccountID: account, PolicyName: cur.Name, VersionID: "v" + strconv.Itoa(next), Document: p.Document, CreatedAt: a.now}
	if err := a.tx.CreatePolicyVersion(a.ctx, v); err != nil {
		return a.storeErr(p.Pos, err)
	}
	cur.DefaultVersionID, cur.UpdatedAt = v.VersionID, a.now
	if err := a.tx.UpdatePolicy(a.ctx, cur); err != nil {
		return a.storeErr(p.Pos, err)
	}
	a.updated("managed policy %s (default version %s)", policyARN(cur), v.VersionID)
	return nil
}

// versionNum reads "v12" as 12; anything else sorts first.
func versionNum(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil || !strings.HasPrefix(id, "v") {
		return 0
	}
	return n
}

func (a *applier) user(account string, u *User) error {
	cur, err := a.tx.GetUser(a.ctx, account, u.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		id, err := ids.NewUniqueID(ids.PrefixUser, account)
		if err != nil {
			return a.storeErr(u.Pos, err)
		}
		cur = store.User{AccountID: account, Name: u.Name, ID: id, Path: normPath(u.Path), Tags: u.Tags, CreatedAt: a.now}
		if err := a.tx.CreateUser(a.ctx, cur); err != nil {
			return a.storeErr(u.Pos, err)
		}
		a.created("user %s/%s", account, u.Name)
	case err != nil:
		return a.storeErr(u.Pos, err)
	default:
		want := cur
		if u.Path != "" {
			want.Path = u.Path
		}
		if u.Tags != nil {
			want.Tags = u.Tags
		}
		if want.Path != cur.Path || !slices.Equal(want.Tags, cur.Tags) {
			if err := a.tx.UpdateUser(a.ctx, cur.Name, want); err != nil {
				return a.storeErr(u.Pos, err)
			}
			a.updated("user %s/%s", account, cur.Name)
		}
	}
	for i := range u.AccessKeys {
		if err := a.accessKey(account, cur.Name, &u.AccessKeys[i]); err != nil {
			return err
		}
	}
	if err := a.inline(account, store.KindUser, cur.Name, u.InlinePolicies); err != nil {
		return err
	}
	if err := a.attach(account, store.KindUser, cur.Name, u.ManagedPolicies, iamlimits.AttachedPoliciesPerUser); err != nil {
		return err
	}
	for i := range u.MFADevices {
		if err := a.mfa(account, cur.Name, &u.MFADevices[i]); err != nil {
			return err
		}
	}
	return nil
}

// mfa creates the device enabled for its user, or enables an existing
// device that is not assigned yet. Like access keys, a device that exists
// with another seed or user is a conflict, not something to overwrite.
func (a *applier) mfa(account, user string, d *MFADevice) error {
	cur, err := a.tx.GetMFADevice(a.ctx, d.Serial)
	switch {
	case errors.Is(err, store.ErrNotFound):
		nd := store.MFADevice{AccountID: account, SerialNumber: d.Serial, Path: d.Path, Seed: bytes.Clone(d.Seed), UserName: user, EnabledAt: a.now, CreatedAt: a.now}
		if err := a.tx.CreateMFADevice(a.ctx, nd); err != nil {
			return a.storeErr(d.Pos, err)
		}
		a.created("MFA device %s", d.Serial)
		return nil
	case err != nil:
		return a.storeErr(d.Pos, err)
	}
	if subtle.ConstantTimeCompare(cur.Seed, d.Seed) != 1 {
		return a.fail(d.Pos, "MFA device %s already exists with a different seed", d.Serial)
	}
	if cur.UserName != "" && !strings.EqualFold(cur.UserName, user) {
		return a.fail(d.Pos, "MFA device %s is already enabled for user %s", d.Serial, cur.UserName)
	}
	if cur.UserName == "" {
		cur.UserName, cur.EnabledAt = user, a.now
		if err := a.tx.UpdateMFADevice(a.ctx, cur); err != nil {
			return a.storeErr(d.Pos, err)
		}
		a.updated("MFA device %s (enabled for %s)", d.Serial, user)
	}
	return nil
}

func (a *applier) role(account string, r *Role) error {
	cur, err := a.tx.GetRole(a.ctx, account, r.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		id, err := ids.NewUniqueID(ids.PrefixRole, account)
		if err != nil {
			return a.storeErr(r.Pos, err)
		}
		msd := r.MaxSessionDuration
		if msd == 0 {
			// IAM's default for CreateRole, one hour, is the shortest allowed.
			msd = int32(iamlimits.RoleMaxSessionDuration.Min())
		}
		cur = store.Role{AccountID: account, Name: r.Name, ID: id, Path: normPath(r.Path), TrustPolicy: r.TrustPolicy, MaxSessionDuration: msd, Tags: r.Tags, CreatedAt: a.now}
		if err := a.tx.CreateRole(a.ctx, cur); err != nil {
			return a.storeErr(r.Pos, err)
		}
		a.created("role %s/%s", account, r.Name)
	case err != nil:
		return a.storeErr(r.Pos, err)
	default:
		want := cur
		if r.Path != "" {
			want.Path = r.Path
		}
		if r.Tags != nil {
			want.Tags = r.Tags
		}
		if r.MaxSessionDuration != 0 {
			want.MaxSessionDuration = r.MaxSessionDuration
		}
		if !sameDoc(cur.TrustPolicy, r.TrustPolicy) {
			want.TrustPolicy = r.TrustPolicy
		}
		if want.Path != cur.Path || !slices.Equal(want.Tags, cur.Tags) || want.MaxSessionDuration != cur.MaxSessionDuration || want.TrustPolicy != cur.TrustPolicy {
			if err := a.tx.UpdateRole(a.ctx, want); err != nil {
				return a.storeErr(r.Pos, err)
			}
			a.updated("role %s/%s", account, cur.Name)
		}
	}
	if err := a.inline(account, store.KindRole, cur.Name, r.InlinePolicies); err != nil {
		return err
	}
	return a.attach(account, store.KindRole, cur.Name, r.ManagedPolicies, iamlimits.AttachedPoliciesPerRole)
}

// oidc creates the provider or brings its client ids and inline key set to
// what the file says; an absent jwks leaves the stored one alone.
func (a *applier) oidc(account string, o *OIDCProvider) error {
	cur, err := a.tx.GetOIDCProvider(a.ctx, o.ARN)
	if errors.Is(err, store.ErrNotFound) {
		np := store.OIDCProvider{AccountID: account, ARN: o.ARN, URL: o.URL, ClientIDs: o.ClientIDs, JWKS: o.JWKS, CreatedAt: a.now}
		if np.ClientIDs == nil {
			np.ClientIDs = []string{}
		}
		if err := a.tx.CreateOIDCProvider(a.ctx, np); err != nil {
			return a.storeErr(o.Pos, err)
		}
		a.created("OIDC provider %s", o.ARN)
		return nil
	}
	if err != nil {
		return a.storeErr(o.Pos, err)
	}
	want := cur
	want.URL = o.URL
	if o.ClientIDs != nil {
		want.ClientIDs = o.ClientIDs
	}
	if o.JWKS != "" {
		want.JWKS = o.JWKS
	}
	if want.URL != cur.URL || !slices.Equal(want.ClientIDs, cur.ClientIDs) || want.JWKS != cur.JWKS {
		if err := a.tx.UpdateOIDCProvider(a.ctx, want); err != nil {
			return a.storeErr(o.Pos, err)
		}
		a.updated("OIDC provider %s", o.ARN)
	}
	return nil
}

func (a *applier) saml(account string, s *SAMLProvider) error {
	if s.Metadata == "" {
		return a.fail(s.Pos, "SAML provider %s: metadata_file %q was not read (use Load, not Parse)", s.Name, s.MetadataFile)
	}
	cur, err := a.tx.GetSAMLProvider(a.ctx, s.ARN)
	if errors.Is(err, store.ErrNotFound) {
		np := store.SAMLProvider{AccountID: account, ARN: s.ARN, Name: s.Name, Metadata: s.Metadata, CreatedAt: a.now}
		if err := a.tx.CreateSAMLProvider(a.ctx, np); err != nil {
			return a.storeErr(s.Pos, err)
		}
		a.created("SAML provider %s", s.ARN)
		return nil
	}
	if err != nil {
		return a.storeErr(s.Pos, err)
	}
	if cur.Metadata != s.Metadata {
		cur.Metadata = s.Metadata
		if err := a.tx.UpdateSAMLProvider(a.ctx, cur); err != nil {
			return a.storeErr(s.Pos, err)
		}
		a.updated("SAML provider %s", s.ARN)
	}
	return nil
}
