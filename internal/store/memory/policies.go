package memory

import (
	"cmp"
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

// versionKey finds a policy version; policy is the lower-cased name.
type versionKey struct{ account, policy, id string }

func versionKeyOf(v store.PolicyVersion) versionKey {
	return versionKey{v.AccountID, key(v.PolicyName), v.VersionID}
}

// compare orders versions by number (v2 before v10): by length, then text.
func (k versionKey) compare(o versionKey) int {
	return cmp.Or(cmp.Compare(k.account, o.account), cmp.Compare(k.policy, o.policy),
		cmp.Compare(len(k.id), len(o.id)), cmp.Compare(k.id, o.id))
}

// inlineKey finds an inline policy; principal and name are lower-cased.
type inlineKey struct {
	account   string
	kind      store.PrincipalKind
	principal string
	name      string
}

func inlineKeyOf(p store.InlinePolicy) inlineKey {
	return inlineKey{p.AccountID, p.Kind, key(p.PrincipalName), key(p.Name)}
}

func (k inlineKey) compare(o inlineKey) int {
	return cmp.Or(cmp.Compare(k.account, o.account), cmp.Compare(k.kind, o.kind),
		cmp.Compare(k.principal, o.principal), cmp.Compare(k.name, o.name))
}

// inlineOf owns the inline policies of one kind of principal.
func inlineOf(kind store.PrincipalKind) owner[store.InlinePolicy] {
	return func(p *store.InlinePolicy) (*string, *string) {
		if p.Kind != kind {
			return nil, nil
		}
		return &p.AccountID, &p.PrincipalName
	}
}

// attachment is a managed policy attached to a principal.
type attachment struct {
	account   string
	kind      store.PrincipalKind
	principal string
	arn       string
}

func (a attachment) key() attachment {
	a.principal = key(a.principal)
	return a
}

func (a attachment) compare(o attachment) int {
	return cmp.Or(cmp.Compare(a.account, o.account), cmp.Compare(a.kind, o.kind),
		cmp.Compare(a.principal, o.principal), cmp.Compare(a.arn, o.arn))
}

// attachmentOf owns the attachments of one kind of principal.
func attachmentOf(kind store.PrincipalKind) owner[attachment] {
	return func(a *attachment) (*string, *string) {
		if a.kind != kind {
			return nil, nil
		}
		return &a.account, &a.principal
	}
}

// GetPolicy implements store.Reader.
func (r reader) GetPolicy(ctx context.Context, accountID, name string) (store.ManagedPolicy, error) {
	return read(ctx, r, func(st *state) (store.ManagedPolicy, error) {
		return find(&st.policies, nk(accountID, name), "policy "+name)
	})
}

// ListPolicies implements store.Reader.
func (r reader) ListPolicies(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.ManagedPolicy, error) {
	return view(ctx, r, func(st *state) []store.ManagedPolicy {
		return inAccount(&st.policies, accountID, pathPrefix, page, func(p store.ManagedPolicy) string { return p.Path })
	})
}

// CreatePolicy implements store.Tx.
func (w *tx) CreatePolicy(ctx context.Context, p store.ManagedPolicy) error {
	return w.write(ctx, func(st *state) error { return addIn(st, &st.policies, p, p.AccountID, "policy "+p.Name) })
}

// UpdatePolicy implements store.Tx: it replaces the policy of the same
// name.
func (w *tx) UpdatePolicy(ctx context.Context, p store.ManagedPolicy) error {
	return w.write(ctx, func(st *state) error {
		return modify(st, &st.policies, nk(p.AccountID, p.Name), "policy "+p.Name, func(store.ManagedPolicy) store.ManagedPolicy { return p })
	})
}

// DeletePolicy implements store.Tx, deleting the versions too.
func (w *tx) DeletePolicy(ctx context.Context, accountID, name string) error {
	return w.write(ctx, func(st *state) error {
		if err := remove(st, &st.policies, nk(accountID, name), "policy "+name); err != nil {
			return err
		}
		pk := nk(accountID, name)
		st.versions.deleteWhere(st.gen, func(v store.PolicyVersion) bool { return nk(v.AccountID, v.PolicyName) == pk })
		return nil
	})
}

// GetPolicyVersion implements store.Reader.
func (r reader) GetPolicyVersion(ctx context.Context, accountID, policyName, versionID string) (store.PolicyVersion, error) {
	return read(ctx, r, func(st *state) (store.PolicyVersion, error) {
		return find(&st.versions, versionKey{accountID, key(policyName), versionID},
			fmt.Sprintf("policy %s version %s", policyName, versionID))
	})
}

// ListPolicyVersions implements store.Reader, in version number order.
func (r reader) ListPolicyVersions(ctx context.Context, accountID, policyName string) ([]store.PolicyVersion, error) {
	return view(ctx, r, func(st *state) []store.PolicyVersion {
		return st.versions.list(func(k versionKey, _ store.PolicyVersion) bool {
			return k.account == accountID && k.policy == key(policyName)
		}, 0)
	})
}

// CreatePolicyVersion implements store.Tx. The policy must exist; the
// version carries its stored spelling.
func (w *tx) CreatePolicyVersion(ctx context.Context, v store.PolicyVersion) error {
	return w.write(ctx, func(st *state) error {
		what := fmt.Sprintf("policy %s version %s", v.PolicyName, v.VersionID)
		if st.versions.has(versionKeyOf(v)) {
			return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
		}
		p, err := find(&st.policies, nk(v.AccountID, v.PolicyName), "policy "+v.PolicyName)
		if err != nil {
			return err
		}
		v.PolicyName = p.Name
		return add(st, &st.versions, v, what)
	})
}

// DeletePolicyVersion implements store.Tx.
func (w *tx) DeletePolicyVersion(ctx context.Context, accountID, policyName, versionID string) error {
	return w.write(ctx, func(st *state) error {
		return remove(st, &st.versions, versionKey{accountID, key(policyName), versionID},
			fmt.Sprintf("policy %s version %s", policyName, versionID))
	})
}

// GetInlinePolicy implements store.Reader.
func (r reader) GetInlinePolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, name string) (store.InlinePolicy, error) {
	return read(ctx, r, func(st *state) (store.InlinePolicy, error) {
		return find(&st.inline, inlineKey{accountID, kind, key(principalName), key(name)},
			fmt.Sprintf("inline policy %s of %s %s", name, kind, principalName))
	})
}

// ListInlinePolicies implements store.Reader, ordered by lower-cased name.
func (r reader) ListInlinePolicies(ctx context.Context, accountID string, kind store.PrincipalKind, principalName string) ([]store.InlinePolicy, error) {
	return view(ctx, r, func(st *state) []store.InlinePolicy {
		return held(&st.inline, inlineOf(kind), nk(accountID, principalName))
	})
}

// PutInlinePolicy implements store.Tx: it creates or replaces, keeping the
// latest spelling of the names.
func (w *tx) PutInlinePolicy(ctx context.Context, p store.InlinePolicy) error {
	return w.write(ctx, func(st *state) error {
		if err := st.requireHolder(p.Kind, p.AccountID, p.PrincipalName); err != nil {
			return err
		}
		return putIn(st, &st.inline, p, p.AccountID)
	})
}

// DeleteInlinePolicy implements store.Tx.
func (w *tx) DeleteInlinePolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, name string) error {
	return w.write(ctx, func(st *state) error {
		return remove(st, &st.inline, inlineKey{accountID, kind, key(principalName), key(name)},
			fmt.Sprintf("inline policy %s of %s %s", name, kind, principalName))
	})
}

// ListAttachedPolicies implements store.Reader, ordered by ARN.
func (r reader) ListAttachedPolicies(ctx context.Context, accountID string, kind store.PrincipalKind, principalName string) ([]string, error) {
	return view(ctx, r, func(st *state) []string {
		var arns []string
		for _, a := range held(&st.attachments, attachmentOf(kind), nk(accountID, principalName)) {
			arns = append(arns, a.arn)
		}
		return arns
	})
}

// CountPolicyAttachments implements store.Reader.
func (r reader) CountPolicyAttachments(ctx context.Context, policyARN string) (int, error) {
	return view(ctx, r, func(st *state) int {
		return len(st.attachments.all(func(a attachment) bool { return a.arn == policyARN }))
	})
}

// AttachPolicy implements store.Tx; attaching twice is not an error.
func (w *tx) AttachPolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, policyARN string) error {
	return w.write(ctx, func(st *state) error {
		if err := st.requireHolder(kind, accountID, principalName); err != nil {
			return err
		}
		a := attachment{accountID, kind, principalName, policyARN}
		if st.attachments.has(a.key()) {
			return nil
		}
		return putIn(st, &st.attachments, a, accountID)
	})
}

// DetachPolicy implements store.Tx.
func (w *tx) DetachPolicy(ctx context.Context, accountID string, kind store.PrincipalKind, principalName, policyARN string) error {
	return w.write(ctx, func(st *state) error {
		return remove(st, &st.attachments, attachment{accountID, kind, principalName, policyARN}.key(),
			fmt.Sprintf("attachment of %s to %s %s", policyARN, kind, principalName))
	})
}
