package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// A reread case checks, for one entity kind, that every write is seen by
// the reads that came before it: each step reads everything the kind's
// writes can change (warming a cache in front of the store), writes, and
// reads again expecting what a transaction reads, which reaches the
// backend even through a cache. For a plain backend this is the contract
// that reads see the latest commit; for a cache it fails when a write
// leaves a stale entry behind, e.g. when the write's invalidation is
// missing.
type rereadCase struct {
	kind string
	seed func(tx store.Tx) error // nil: the accounts alone
	// read renders, one labelled line each, every read a step may change.
	read  func(r store.Reader) []string
	steps []rereadStep
}

type rereadStep struct {
	what  string
	write func(tx store.Tx) error
}

// show renders one read for a reread case.
func show(label string, v any, err error) string { return fmt.Sprintf("%s: %+v %v", label, v, err) }

// rereadTests returns the suite's entries for the reread cases, one per
// kind, so that each gets a fresh store.
func rereadTests() []subtest {
	var out []subtest
	for _, c := range rereadCases() {
		out = append(out, subtest{"Reread/" + c.kind, c.run})
	}
	return out
}

func (c rereadCase) run(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	if c.seed != nil {
		update(t, s, c.seed)
	}
	for _, st := range c.steps {
		before := c.read(s)
		update(t, s, st.write)
		var want []string
		update(t, s, func(tx store.Tx) error { want = c.read(tx); return nil })
		if slices.Equal(want, before) {
			t.Fatalf("%s changed no answer: the step proves nothing", st.what)
		}
		got := c.read(s)
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("after %s the store answers\n %s\nwhere a transaction reads\n %s", st.what, got[i], want[i])
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
}

// lifecycle is the steps of a kind whose rows are written whole: create
// v, replace it with updated, delete it. Kinds written by one Put call pass
// it as both create and update.
func lifecycle[V any](noun string, create, replace func(store.Tx, context.Context, V) error, v, updated V,
	del func(tx store.Tx) error) []rereadStep {
	return []rereadStep{
		{"creating the " + noun, func(tx store.Tx) error { return create(tx, bg, v) }},
		{"updating the " + noun, func(tx store.Tx) error { return replace(tx, bg, updated) }},
		{"deleting the " + noun, del},
	}
}

// edits returns a maker of update steps for *v: each applies its change
// to *v when the case is built, so the changes add up in step order, and
// writes the result with write.
func edits[V any](v *V, write func(store.Tx, context.Context, V) error) func(change func(v *V)) func(tx store.Tx) error {
	return func(change func(v *V)) func(tx store.Tx) error {
		change(v)
		c := *v
		return func(tx store.Tx) error { return write(tx, bg, c) }
	}
}

func rereadCases() []rereadCase {
	return []rereadCase{
		rereadAccounts(), rereadAccessKeys(), rereadUsers(), rereadRoles(), rereadGroups(),
		rereadPolicies(), rereadInlinePolicies(), rereadAttachments(), rereadMFADevices(),
		rereadOIDCProviders(), rereadSAMLProviders(), rereadOutbound(), rereadTokenKeys(),
		rereadInstanceProfiles(), rereadLoginProfiles(), rereadPasswordPolicy(),
		rereadSSHPublicKeys(), rereadSigningCertificates(), rereadServiceSpecificCredentials(),
	}
}

// seedUsers creates the users a case hangs its rows on.
func createUsers(names ...string) func(tx store.Tx) error {
	return func(tx store.Tx) error {
		var errs []error
		for _, n := range names {
			errs = append(errs, tx.CreateUser(bg, user(n)))
		}
		return errors.Join(errs...)
	}
}

func rereadAccounts() rereadCase {
	const id = "777788889999"
	set := func(alias string) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			return tx.UpdateAccount(bg, store.Account{ID: id, Alias: alias, CreatedAt: at(0)})
		}
	}
	return rereadCase{
		kind: "Accounts",
		read: func(r store.Reader) []string {
			a, err := r.GetAccount(bg, id)
			as, lerr := r.ListAccounts(bg)
			return []string{show("GetAccount", a, err), show("ListAccounts", as, lerr)}
		},
		steps: []rereadStep{
			{"CreateAccount", func(tx store.Tx) error {
				return tx.CreateAccount(bg, store.Account{ID: id, Alias: "first", CreatedAt: at(0)})
			}},
			{"UpdateAccount", set("second")},
			{"UpdateAccount dropping the alias", set("")},
		},
	}
}

func rereadAccessKeys() rereadCase {
	k := accessKey("AKIAREREADEXAMPLE001", "")
	upd := edits(&k, store.Tx.UpdateAccessKey)
	created := k
	return rereadCase{
		kind: "AccessKeys",
		read: func(r store.Reader) []string {
			got, err := r.GetAccessKey(bg, k.ID)
			ks, lerr := r.ListAccessKeys(bg, acct, "")
			return []string{show("GetAccessKey", got, err), show("ListAccessKeys", ks, lerr)}
		},
		steps: []rereadStep{
			{"CreateAccessKey", func(tx store.Tx) error { return tx.CreateAccessKey(bg, created) }},
			{"UpdateAccessKey status", upd(func(k *store.AccessKey) { k.Status = store.AccessKeyInactive })},
			{"UpdateAccessKey last use", upd(func(k *store.AccessKey) {
				k.LastUsedAt, k.LastService, k.LastRegion = at(9), "sts", "us-east-1"
			})},
			{"DeleteAccessKey", func(tx store.Tx) error { return tx.DeleteAccessKey(bg, k.ID) }},
		},
	}
}

// rereadUsers follows a user through a rename, which moves rows the cache
// keys by other things than the user (keys by id, policies by principal).
func rereadUsers() rereadCase {
	const keyID = "AKIAREREADEXAMPLE002"
	arn := "arn:aws:iam::" + acct + ":policy/ReadOnly"
	renamed := func(name string) store.User {
		u := user(name)
		u.Path, u.Tags, u.PermissionsBoundary = "/eng/", nil, arn
		return u
	}
	inline := func(name string) store.InlinePolicy {
		return store.InlinePolicy{AccountID: acct, Kind: store.KindUser, PrincipalName: name, Name: "inl", Document: "{}"}
	}
	return rereadCase{
		kind: "Users",
		seed: func(tx store.Tx) error { return tx.CreateGroup(bg, group("Staff")) },
		read: func(r store.Reader) []string {
			var out []string
			for _, n := range []string{"Ann", "Bob"} {
				u, err := r.GetUser(bg, acct, n)
				gs, gerr := r.ListGroupsForUser(bg, acct, n)
				inl, ierr := r.ListInlinePolicies(bg, acct, store.KindUser, n)
				att, aerr := r.ListAttachedPolicies(bg, acct, store.KindUser, n)
				out = append(out, show("GetUser "+n, u, err), show("ListGroupsForUser "+n, gs, gerr),
					show("ListInlinePolicies "+n, inl, ierr), show("ListAttachedPolicies "+n, att, aerr))
			}
			k, err := r.GetAccessKey(bg, keyID)
			us, lerr := r.ListUsers(bg, acct, "/", store.Page{})
			return append(out, show("GetAccessKey", k, err), show("ListUsers", us, lerr))
		},
		steps: []rereadStep{
			{"CreateUser", func(tx store.Tx) error { return tx.CreateUser(bg, user("Ann")) }},
			{"UpdateUser in place", func(tx store.Tx) error { return tx.UpdateUser(bg, "Ann", renamed("Ann")) }},
			{"giving the user a key, policies and a group", func(tx store.Tx) error {
				return errors.Join(tx.CreateAccessKey(bg, accessKey(keyID, "Ann")), tx.PutInlinePolicy(bg, inline("Ann")),
					tx.AttachPolicy(bg, acct, store.KindUser, "Ann", arn), tx.AddGroupMember(bg, acct, "Staff", "Ann"))
			}},
			{"UpdateUser renaming", func(tx store.Tx) error { return tx.UpdateUser(bg, "ann", renamed("Bob")) }},
			{"UpdateUser changing case", func(tx store.Tx) error { return tx.UpdateUser(bg, "Bob", renamed("BOB")) }},
			// The membership stays behind: the store hides it, and a cached
			// group list must follow.
			{"DeleteUser", func(tx store.Tx) error {
				return errors.Join(tx.DeleteAccessKey(bg, keyID), tx.DeleteInlinePolicy(bg, acct, store.KindUser, "Bob", "inl"),
					tx.DetachPolicy(bg, acct, store.KindUser, "Bob", arn), tx.DeleteUser(bg, acct, "bob"))
			}},
			{"CreateUser again", func(tx store.Tx) error { return tx.CreateUser(bg, user("Bob")) }},
		},
	}
}

func rereadRoles() rereadCase {
	r := role("Deployer")
	put := edits(&r, store.Tx.UpdateRole)
	created := r
	recreated := role("DEPLOYER")
	recreated.ID = "AROAEXAMPLEAGAIN"
	return rereadCase{
		kind: "Roles",
		read: func(rd store.Reader) []string {
			got, err := rd.GetRole(bg, acct, "deployer")
			rs, lerr := rd.ListRoles(bg, acct, "/", store.Page{})
			return []string{show("GetRole", got, err), show("ListRoles", rs, lerr)}
		},
		steps: []rereadStep{
			{"CreateRole", func(tx store.Tx) error { return tx.CreateRole(bg, created) }},
			{"UpdateRole", put(func(r *store.Role) {
				r.Description, r.TrustPolicy, r.MaxSessionDuration = "new", `{"Version":"2012-10-17","Statement":[]}`, 7200
				r.PermissionsBoundary, r.Tags = "arn:aws:iam::"+acct+":policy/B", []store.Tag{{Key: "k", Value: "w"}}
			})},
			{"UpdateRole last use", put(func(r *store.Role) { r.LastUsedAt, r.LastUsedRegion = at(9), "eu-west-1" })},
			{"DeleteRole", func(tx store.Tx) error { return tx.DeleteRole(bg, acct, "Deployer") }},
			{"CreateRole again", func(tx store.Tx) error { return tx.CreateRole(bg, recreated) }},
		},
	}
}

// rereadGroups covers groups, their memberships and the policies a group
// name carries through renames, deletes and re-creates.
func rereadGroups() rereadCase {
	arn := "arn:aws:iam::aws:policy/Team"
	inline := func(name string) store.InlinePolicy {
		return store.InlinePolicy{AccountID: acct, Kind: store.KindGroup, PrincipalName: name, Name: "inl", Document: "{}"}
	}
	give := func(name string) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			return errors.Join(tx.PutInlinePolicy(bg, inline(name)), tx.AttachPolicy(bg, acct, store.KindGroup, name, arn))
		}
	}
	moved := func(name string) store.Group {
		g := group(name)
		g.Path = "/eng/"
		return g
	}
	return rereadCase{
		kind: "Groups",
		seed: createUsers("Ann", "Bob"),
		read: func(r store.Reader) []string {
			var out []string
			for _, n := range []string{"Dev", "Ops", "Tmp"} {
				g, err := r.GetGroup(bg, acct, n)
				us, merr := r.ListGroupMembers(bg, acct, n, store.Page{})
				inl, ierr := r.ListInlinePolicies(bg, acct, store.KindGroup, n)
				att, aerr := r.ListAttachedPolicies(bg, acct, store.KindGroup, n)
				out = append(out, show("GetGroup "+n, g, err), show("ListGroupMembers "+n, us, merr),
					show("ListInlinePolicies "+n, inl, ierr), show("ListAttachedPolicies "+n, att, aerr))
			}
			for _, n := range []string{"Ann", "Bob"} {
				gs, err := r.ListGroupsForUser(bg, acct, n)
				out = append(out, show("ListGroupsForUser "+n, gs, err))
			}
			gs, err := r.ListGroups(bg, acct, "/", store.Page{})
			return append(out, show("ListGroups", gs, err))
		},
		steps: []rereadStep{
			{"CreateGroup", func(tx store.Tx) error { return tx.CreateGroup(bg, group("Dev")) }},
			{"AddGroupMember", func(tx store.Tx) error { return tx.AddGroupMember(bg, acct, "Dev", "Ann") }},
			{"AddGroupMember of another user", func(tx store.Tx) error { return tx.AddGroupMember(bg, acct, "dev", "bob") }},
			{"RemoveGroupMember", func(tx store.Tx) error { return tx.RemoveGroupMember(bg, acct, "Dev", "Bob") }},
			{"UpdateGroup in place", func(tx store.Tx) error { return tx.UpdateGroup(bg, "Dev", moved("Dev")) }},
			{"giving the group policies", give("Dev")},
			{"UpdateGroup renaming", func(tx store.Tx) error { return tx.UpdateGroup(bg, "dev", moved("Ops")) }},
			// Members and policies stay behind; the store hides the
			// members, and a re-created group starts without either.
			{"DeleteGroup", func(tx store.Tx) error { return tx.DeleteGroup(bg, acct, "Ops") }},
			{"CreateGroup over leftovers", func(tx store.Tx) error { return tx.CreateGroup(bg, group("Ops")) }},
			{"leaving policies behind again", func(tx store.Tx) error {
				return errors.Join(give("Ops")(tx), tx.DeleteGroup(bg, acct, "Ops"))
			}},
			{"CreateGroup of another name", func(tx store.Tx) error { return tx.CreateGroup(bg, group("Tmp")) }},
			{"UpdateGroup renaming onto leftovers", func(tx store.Tx) error { return tx.UpdateGroup(bg, "Tmp", group("Ops")) }},
		},
	}
}

func rereadPolicies() rereadCase {
	version := func(id, doc string) store.PolicyVersion {
		return store.PolicyVersion{AccountID: acct, PolicyName: "Shared", VersionID: id, Document: doc, CreatedAt: at(7)}
	}
	p := policy("Shared")
	updated := p
	updated.DefaultVersionID, updated.Description, updated.UpdatedAt = "v2", "second", at(8)
	updated.Tags = []store.Tag{{Key: "k", Value: "v"}}
	return rereadCase{
		kind: "Policies",
		read: func(r store.Reader) []string {
			got, err := r.GetPolicy(bg, acct, "shared")
			out := []string{show("GetPolicy", got, err)}
			for _, v := range []string{"v1", "v2"} {
				pv, err := r.GetPolicyVersion(bg, acct, "Shared", v)
				out = append(out, show("GetPolicyVersion "+v, pv, err))
			}
			vs, verr := r.ListPolicyVersions(bg, acct, "Shared")
			ps, lerr := r.ListPolicies(bg, acct, "/", store.Page{})
			return append(out, show("ListPolicyVersions", vs, verr), show("ListPolicies", ps, lerr))
		},
		steps: []rereadStep{
			{"CreatePolicy", func(tx store.Tx) error {
				return errors.Join(tx.CreatePolicy(bg, p), tx.CreatePolicyVersion(bg, version("v1", `{"v":1}`)))
			}},
			{"CreatePolicyVersion", func(tx store.Tx) error { return tx.CreatePolicyVersion(bg, version("v2", `{"v":2}`)) }},
			{"UpdatePolicy", func(tx store.Tx) error { return tx.UpdatePolicy(bg, updated) }},
			{"DeletePolicyVersion", func(tx store.Tx) error { return tx.DeletePolicyVersion(bg, acct, "Shared", "v1") }},
			{"DeletePolicy", func(tx store.Tx) error { return tx.DeletePolicy(bg, acct, "Shared") }},
		},
	}
}

// principalKinds are the kinds that carry policies, each case giving all
// three the same name so that a write to one must leave the others be.
var principalKinds = []store.PrincipalKind{store.KindUser, store.KindRole, store.KindGroup}

// forEachKind returns one step per principal kind, each writing with
// write(kind).
func forEachKind(what string, write func(kind store.PrincipalKind) func(tx store.Tx) error) []rereadStep {
	var out []rereadStep
	for _, k := range principalKinds {
		out = append(out, rereadStep{what + " of a " + string(k), write(k)})
	}
	return out
}

func seedPrincipals(name string) func(tx store.Tx) error {
	return func(tx store.Tx) error {
		return errors.Join(tx.CreateUser(bg, user(name)), tx.CreateRole(bg, role(name)), tx.CreateGroup(bg, group(name)))
	}
}

func rereadInlinePolicies() rereadCase {
	put := func(doc string) func(kind store.PrincipalKind) func(tx store.Tx) error {
		return func(kind store.PrincipalKind) func(tx store.Tx) error {
			return func(tx store.Tx) error {
				return tx.PutInlinePolicy(bg, store.InlinePolicy{AccountID: acct, Kind: kind, PrincipalName: "Pat", Name: "inl", Document: doc})
			}
		}
	}
	del := func(kind store.PrincipalKind) func(tx store.Tx) error {
		return func(tx store.Tx) error { return tx.DeleteInlinePolicy(bg, acct, kind, "PAT", "inl") }
	}
	return rereadCase{
		kind: "InlinePolicies",
		seed: seedPrincipals("Pat"),
		read: func(r store.Reader) []string {
			var out []string
			for _, k := range principalKinds {
				ps, err := r.ListInlinePolicies(bg, acct, k, "pat")
				p, gerr := r.GetInlinePolicy(bg, acct, k, "Pat", "inl")
				out = append(out, show("ListInlinePolicies "+string(k), ps, err), show("GetInlinePolicy "+string(k), p, gerr))
			}
			return out
		},
		steps: slices.Concat(forEachKind("PutInlinePolicy", put(`{"v":1}`)),
			[]rereadStep{{"PutInlinePolicy replacing", put(`{"v":2}`)(store.KindUser)}},
			forEachKind("DeleteInlinePolicy", del)),
	}
}

func rereadAttachments() rereadCase {
	arnA, arnB := "arn:aws:iam::aws:policy/A", "arn:aws:iam::"+acct+":policy/B"
	attach := func(arn string) func(kind store.PrincipalKind) func(tx store.Tx) error {
		return func(kind store.PrincipalKind) func(tx store.Tx) error {
			return func(tx store.Tx) error { return tx.AttachPolicy(bg, acct, kind, "Pat", arn) }
		}
	}
	detach := func(kind store.PrincipalKind) func(tx store.Tx) error {
		return func(tx store.Tx) error { return tx.DetachPolicy(bg, acct, kind, "pat", arnA) }
	}
	return rereadCase{
		kind: "Attachments",
		seed: seedPrincipals("Pat"),
		read: func(r store.Reader) []string {
			var out []string
			for _, k := range principalKinds {
				arns, err := r.ListAttachedPolicies(bg, acct, k, "PAT")
				out = append(out, show("ListAttachedPolicies "+string(k), arns, err))
			}
			n, err := r.CountPolicyAttachments(bg, arnA)
			return append(out, show("CountPolicyAttachments", n, err))
		},
		steps: slices.Concat(forEachKind("AttachPolicy", attach(arnA)),
			[]rereadStep{{"AttachPolicy of a second policy", attach(arnB)(store.KindUser)}},
			forEachKind("DetachPolicy", detach)),
	}
}

func rereadMFADevices() rereadCase {
	d := mfa("reread", "")
	upd := edits(&d, store.Tx.UpdateMFADevice)
	created := d
	return rereadCase{
		kind: "MFADevices",
		seed: createUsers("Ann"),
		read: func(r store.Reader) []string {
			got, err := r.GetMFADevice(bg, d.SerialNumber)
			mine, merr := r.ListMFADevices(bg, acct, "Ann")
			all, aerr := r.ListMFADevices(bg, acct, "")
			return []string{show("GetMFADevice", got, err), show("ListMFADevices Ann", mine, merr), show("ListMFADevices", all, aerr)}
		},
		steps: []rereadStep{
			{"CreateMFADevice", func(tx store.Tx) error { return tx.CreateMFADevice(bg, created) }},
			{"UpdateMFADevice enabling", upd(func(d *store.MFADevice) { d.UserName, d.EnabledAt = "Ann", at(8) })},
			{"UpdateMFADevice time step", upd(func(d *store.MFADevice) { d.LastUsedStep = 57000001 })},
			{"DeleteMFADevice", func(tx store.Tx) error { return tx.DeleteMFADevice(bg, d.SerialNumber) }},
		},
	}
}

// rereadProvider is the case of an identity provider kind, OIDC or SAML:
// both are found by ARN and listed by account.
func rereadProvider[P any](noun string, p, updated P, arn string,
	get func(store.Reader, context.Context, string) (P, error), list func(store.Reader, context.Context, string) ([]P, error),
	create, replace func(store.Tx, context.Context, P) error, del func(store.Tx, context.Context, string) error) rereadCase {
	return rereadCase{
		kind: noun + "s",
		read: func(r store.Reader) []string {
			got, err := get(r, bg, arn)
			ps, lerr := list(r, bg, acct)
			return []string{show("Get"+noun, got, err), show("List"+noun+"s", ps, lerr)}
		},
		steps: lifecycle(noun, create, replace, p, updated, func(tx store.Tx) error { return del(tx, bg, arn) }),
	}
}

func rereadOIDCProviders() rereadCase {
	p := store.OIDCProvider{
		AccountID: acct, ARN: "arn:aws:iam::" + acct + ":oidc-provider/reread.example.com", URL: "https://reread.example.com",
		ClientIDs: []string{"sts.amazonaws.com"}, Thumbprints: []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}, CreatedAt: at(1),
	}
	updated := p
	updated.ClientIDs, updated.Thumbprints, updated.JWKS = []string{"a", "b"}, nil, `{"keys":[]}`
	updated.Tags = []store.Tag{{Key: "k", Value: "v"}}
	return rereadProvider("OIDCProvider", p, updated, p.ARN, store.Reader.GetOIDCProvider, store.Reader.ListOIDCProviders,
		store.Tx.CreateOIDCProvider, store.Tx.UpdateOIDCProvider, store.Tx.DeleteOIDCProvider)
}

func rereadSAMLProviders() rereadCase {
	p := store.SAMLProvider{
		AccountID: acct, ARN: "arn:aws:iam::" + acct + ":saml-provider/Reread", Name: "Reread",
		Metadata: "<EntityDescriptor/>", ValidUntil: at(100), CreatedAt: at(1),
	}
	updated := p
	updated.Metadata, updated.ValidUntil, updated.Tags = "<EntityDescriptor new=''/>", at(200), []store.Tag{{Key: "k", Value: "v"}}
	return rereadProvider("SAMLProvider", p, updated, p.ARN, store.Reader.GetSAMLProvider, store.Reader.ListSAMLProviders,
		store.Tx.CreateSAMLProvider, store.Tx.UpdateSAMLProvider, store.Tx.DeleteSAMLProvider)
}

// rereadOutbound moves an account to another issuer id: the federation is
// read by account and by issuer, and the old issuer must stop answering.
func rereadOutbound() rereadCase {
	const issuer1, issuer2 = "6f4b0f3e-reread-issuer-one", "a1c2e3f4-reread-issuer-two"
	disabled := outbound(acct, issuer1)
	disabled.Enabled, disabled.UpdatedAt = false, at(2)
	moved := outbound(acct, issuer2)
	moved.UpdatedAt = at(3)
	return rereadCase{
		kind: "OutboundFederation",
		read: func(r store.Reader) []string {
			var out []string
			for _, a := range []string{acct, acct2} {
				f, err := r.GetOutboundFederation(bg, a)
				out = append(out, show("GetOutboundFederation "+a, f, err))
			}
			for _, i := range []string{issuer1, issuer2} {
				f, err := r.GetOutboundFederationByIssuer(bg, i)
				out = append(out, show("GetOutboundFederationByIssuer "+i, f, err))
			}
			return out
		},
		steps: []rereadStep{
			{"PutOutboundFederation creating", putOutbound(outbound(acct, issuer1))},
			{"PutOutboundFederation disabling", putOutbound(disabled)},
			{"PutOutboundFederation moving the issuer", putOutbound(moved)},
			{"PutOutboundFederation taking the freed issuer", putOutbound(outbound(acct2, issuer1))},
		},
	}
}

func rereadTokenKeys() rereadCase {
	k1 := store.TokenKey{ID: 1, Secret: []byte("fedcba9876543210fedcba9876543210"), CreatedAt: at(1)}
	k2 := store.TokenKey{ID: 2, Secret: []byte("0123456789abcdef0123456789abcdef"), CreatedAt: at(2)}
	retired := k1
	retired.RetiredAt = at(3)
	return rereadCase{
		kind: "TokenKeys",
		read: func(r store.Reader) []string {
			ks, err := r.ListTokenKeys(bg)
			return []string{show("ListTokenKeys", ks, err)}
		},
		steps: []rereadStep{
			{"CreateTokenKey", func(tx store.Tx) error { return tx.CreateTokenKey(bg, k1) }},
			{"CreateTokenKey of a second key", func(tx store.Tx) error { return tx.CreateTokenKey(bg, k2) }},
			{"UpdateTokenKey retiring", func(tx store.Tx) error { return tx.UpdateTokenKey(bg, retired) }},
		},
	}
}

func rereadInstanceProfiles() rereadCase {
	tagged := profile("Web")
	tagged.Tags = []store.Tag{{Key: "k", Value: "v"}}
	return rereadCase{
		kind: "InstanceProfiles",
		seed: func(tx store.Tx) error { return tx.CreateRole(bg, role("App")) },
		read: func(r store.Reader) []string {
			p, err := r.GetInstanceProfile(bg, acct, "web")
			ps, lerr := r.ListInstanceProfiles(bg, acct, "/", store.Page{})
			forRole, rerr := r.ListInstanceProfilesForRole(bg, acct, "App", store.Page{})
			return []string{show("GetInstanceProfile", p, err), show("ListInstanceProfiles", ps, lerr),
				show("ListInstanceProfilesForRole", forRole, rerr)}
		},
		steps: []rereadStep{
			{"CreateInstanceProfile", func(tx store.Tx) error { return tx.CreateInstanceProfile(bg, profile("Web")) }},
			{"AddInstanceProfileRole", func(tx store.Tx) error { return tx.AddInstanceProfileRole(bg, acct, "Web", "App") }},
			{"UpdateInstanceProfile", func(tx store.Tx) error { return tx.UpdateInstanceProfile(bg, tagged) }},
			{"RemoveInstanceProfileRole", func(tx store.Tx) error { return tx.RemoveInstanceProfileRole(bg, acct, "Web", "App") }},
			{"DeleteInstanceProfile", func(tx store.Tx) error { return tx.DeleteInstanceProfile(bg, acct, "Web") }},
		},
	}
}

func rereadLoginProfiles() rereadCase {
	replaced := loginProfile("Ann")
	replaced.PasswordHash, replaced.PasswordResetRequired, replaced.PasswordChangedAt = hashTwo, false, at(21)
	return rereadCase{
		kind: "LoginProfiles",
		seed: createUsers("Ann"),
		read: func(r store.Reader) []string {
			p, err := r.GetLoginProfile(bg, acct, "ann")
			return []string{show("GetLoginProfile", p, err)}
		},
		steps: lifecycle("login profile", store.Tx.PutLoginProfile, store.Tx.PutLoginProfile, loginProfile("Ann"), replaced,
			func(tx store.Tx) error { return tx.DeleteLoginProfile(bg, acct, "Ann") }),
	}
}

func rereadPasswordPolicy() rereadCase {
	p := store.PasswordPolicy{AccountID: acct, MinimumPasswordLength: 12, RequireSymbols: true}
	replaced := store.PasswordPolicy{AccountID: acct, MinimumPasswordLength: 20, MaxPasswordAge: 90, HardExpiry: true}
	return rereadCase{
		kind: "PasswordPolicy",
		read: func(r store.Reader) []string {
			got, err := r.GetPasswordPolicy(bg, acct)
			return []string{show("GetPasswordPolicy", got, err)}
		},
		steps: lifecycle("password policy", store.Tx.PutPasswordPolicy, store.Tx.PutPasswordPolicy, p, replaced,
			func(tx store.Tx) error { return tx.DeletePasswordPolicy(bg, acct) }),
	}
}

func rereadSigningCertificates() rereadCase {
	mine, root := signingCert("CERTREREADANN", "Ann"), signingCert("CERTREREADROOT", "")
	inactive := mine
	inactive.Status = store.AccessKeyInactive
	return rereadCase{
		kind: "SigningCertificates",
		seed: createUsers("Ann"),
		read: func(r store.Reader) []string {
			cs, err := r.ListSigningCertificates(bg, acct, "Ann")
			rs, rerr := r.ListSigningCertificates(bg, acct, "")
			return []string{show("ListSigningCertificates Ann", cs, err), show("ListSigningCertificates root", rs, rerr)}
		},
		steps: []rereadStep{
			{"CreateSigningCertificate", func(tx store.Tx) error { return tx.CreateSigningCertificate(bg, mine) }},
			{"CreateSigningCertificate of the root", func(tx store.Tx) error { return tx.CreateSigningCertificate(bg, root) }},
			{"UpdateSigningCertificate", func(tx store.Tx) error { return tx.UpdateSigningCertificate(bg, inactive) }},
			{"DeleteSigningCertificate", func(tx store.Tx) error {
				return errors.Join(tx.DeleteSigningCertificate(bg, acct, "Ann", mine.ID), tx.DeleteSigningCertificate(bg, acct, "", root.ID))
			}},
		},
	}
}

// rereadUserCredential is the case of a credential kind Ann's rows of
// which are listed and found by id: SSH keys, service-specific credentials.
func rereadUserCredential[C any](noun string, c, updated C, id string,
	list func(store.Reader, context.Context, string, string) ([]C, error),
	get func(store.Reader, context.Context, string, string, string) (C, error),
	create, replace func(store.Tx, context.Context, C) error, del func(store.Tx, context.Context, string, string, string) error) rereadCase {
	return rereadCase{
		kind: noun + "s",
		seed: createUsers("Ann"),
		read: func(r store.Reader) []string {
			cs, err := list(r, bg, acct, "Ann")
			got, gerr := get(r, bg, acct, "Ann", id)
			return []string{show("List"+noun+"s", cs, err), show("Get"+noun, got, gerr)}
		},
		steps: lifecycle(noun, create, replace, c, updated, func(tx store.Tx) error { return del(tx, bg, acct, "Ann", id) }),
	}
}

func rereadSSHPublicKeys() rereadCase {
	k := sshKey("APKAREREAD0001", "Ann")
	inactive := k
	inactive.Status = store.AccessKeyInactive
	return rereadUserCredential("SSHPublicKey", k, inactive, k.ID, store.Reader.ListSSHPublicKeys, store.Reader.GetSSHPublicKey,
		store.Tx.CreateSSHPublicKey, store.Tx.UpdateSSHPublicKey, store.Tx.DeleteSSHPublicKey)
}

func rereadServiceSpecificCredentials() rereadCase {
	c := serviceCred("ACCAREREAD0001", "Ann")
	reset := c
	reset.Secret, reset.Status = []byte("new\x00secret"), store.AccessKeyInactive
	return rereadUserCredential("ServiceSpecificCredential", c, reset, c.ID,
		store.Reader.ListServiceSpecificCredentials, store.Reader.GetServiceSpecificCredential,
		store.Tx.CreateServiceSpecificCredential, store.Tx.UpdateServiceSpecificCredential, store.Tx.DeleteServiceSpecificCredential)
}
