package bootstrap

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// Summary counts what an Apply changed, for a log line.
type Summary struct {
	Created int
	Updated int
	// Changes names each change ("created user 111111111111/alice"), in
	// the order made.
	Changes []string
}

// String gives the one-line form used in the start-up log.
func (s Summary) String() string {
	return fmt.Sprintf("bootstrap: %d created, %d updated", s.Created, s.Updated)
}

// errNoChange rolls back an Apply that found nothing to do, so that an
// unchanged file does not bump the store generation and every node's caches.
var errNoChange = errors.New("bootstrap: nothing to change")

// Apply writes f into the store in one transaction: either the whole file
// is applied or nothing is. It creates what is missing and updates what
// differs, and never deletes (a group member the file does not list stays a
// member). Conflicts it must not resolve silently (an access key or MFA
// device that exists with another secret or owner, a reference to a managed
// policy, user or role that does not exist, an instance profile that holds
// another role or has another path, an IAM quota passed) fail the whole
// Apply with an error naming the file position.
func Apply(ctx context.Context, s store.Store, f *File, now time.Time) (Summary, error) {
	if f == nil {
		return Summary{}, errors.New("bootstrap: no file to apply")
	}
	var sum Summary
	err := s.Update(ctx, func(tx store.Tx) error {
		a := &applier{ctx: ctx, tx: tx, now: now.UTC(), file: f.Name}
		for i := range f.Accounts {
			if err := a.account(&f.Accounts[i]); err != nil {
				return err
			}
		}
		sum = a.sum
		if sum.Created == 0 && sum.Updated == 0 {
			return errNoChange
		}
		return nil
	})
	if errors.Is(err, errNoChange) {
		return Summary{}, nil
	}
	if err != nil {
		return Summary{}, err
	}
	return sum, nil
}

type applier struct {
	ctx  context.Context
	tx   store.Tx
	now  time.Time
	file string
	sum  Summary
}

func (a *applier) created(format string, args ...any) {
	a.sum.Created++
	a.sum.Changes = append(a.sum.Changes, "created "+fmt.Sprintf(format, args...))
}

func (a *applier) updated(format string, args ...any) {
	a.sum.Updated++
	a.sum.Changes = append(a.sum.Changes, "updated "+fmt.Sprintf(format, args...))
}

// fail makes an error located in the file.
func (a *applier) fail(pos Position, format string, args ...any) error {
	return &Problem{File: a.file, Position: pos, Msg: fmt.Sprintf(format, args...)}
}

// storeErr wraps an unexpected store failure with where it happened.
func (a *applier) storeErr(pos Position, err error) error {
	return fmt.Errorf("%s: %w", (&Problem{File: a.file, Position: pos, Msg: "store"}).Error(), err)
}

func (a *applier) account(acc *Account) error {
	if err := a.ctx.Err(); err != nil {
		return err
	}
	cur, err := a.tx.GetAccount(a.ctx, acc.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := a.checkAliasFree(acc); err != nil {
			return err
		}
		if err := a.tx.CreateAccount(a.ctx, store.Account{ID: acc.ID, Alias: acc.Alias, CreatedAt: a.now}); err != nil {
			return a.storeErr(acc.Pos, err)
		}
		a.created("account %s", acc.ID)
	case err != nil:
		return a.storeErr(acc.Pos, err)
	case acc.Alias != "" && cur.Alias != acc.Alias:
		if err := a.checkAliasFree(acc); err != nil {
			return err
		}
		cur.Alias = acc.Alias
		if err := a.tx.UpdateAccount(a.ctx, cur); err != nil {
			return a.storeErr(acc.Pos, err)
		}
		a.updated("alias of account %s", acc.ID)
	}
	for i := range acc.RootAccessKeys {
		if err := a.accessKey(acc.ID, "", &acc.RootAccessKeys[i]); err != nil {
			return err
		}
	}
	for i := range acc.Policies {
		if err := a.policy(acc.ID, &acc.Policies[i]); err != nil {
			return err
		}
	}
	for i := range acc.Users {
		if err := a.user(acc.ID, &acc.Users[i]); err != nil {
			return err
		}
	}
	for i := range acc.Roles {
		if err := a.role(acc.ID, &acc.Roles[i]); err != nil {
			return err
		}
	}
	for i := range acc.Groups {
		if err := a.group(acc.ID, &acc.Groups[i]); err != nil {
			return err
		}
	}
	for i := range acc.Profiles {
		if err := a.profile(acc.ID, &acc.Profiles[i]); err != nil {
			return err
		}
	}
	for i := range acc.OIDCProviders {
		if err := a.oidc(acc.ID, &acc.OIDCProviders[i]); err != nil {
			return err
		}
	}
	for i := range acc.SAMLProviders {
		if err := a.saml(acc.ID, &acc.SAMLProviders[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkAliasFree refuses an alias another account holds: IAM account
// aliases are unique across all accounts.
func (a *applier) checkAliasFree(acc *Account) error {
	if acc.Alias == "" {
		return nil
	}
	all, err := a.tx.ListAccounts(a.ctx)
	if err != nil {
		return a.storeErr(acc.Pos, err)
	}
	for _, o := range all {
		if o.ID != acc.ID && o.Alias == acc.Alias {
			return a.fail(acc.Pos, "alias %q already belongs to account %s", acc.Alias, o.ID)
		}
	}
	return nil
}

// accessKey creates a missing key. An existing key must already be exactly
// this one: changing its secret or owner would silently lock someone out
// or hand them another identity.
func (a *applier) accessKey(account, user string, k *AccessKey) error {
	cur, err := a.tx.GetAccessKey(a.ctx, k.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		nk := store.AccessKey{ID: k.ID, Secret: k.Secret, AccountID: account, UserName: user, Status: store.AccessKeyActive, CreatedAt: a.now}
		if err := a.tx.CreateAccessKey(a.ctx, nk); err != nil {
			return a.storeErr(k.Pos, err)
		}
		a.created("access key %s", k.ID)
		return nil
	case err != nil:
		return a.storeErr(k.Pos, err)
	}
	if cur.AccountID != account || !strings.EqualFold(cur.UserName, user) {
		return a.fail(k.Pos, "access key %s already exists for %s", k.ID, owner(cur.AccountID, cur.UserName))
	}
	if subtle.ConstantTimeCompare([]byte(cur.Secret), []byte(k.Secret)) != 1 {
		return a.fail(k.Pos, "access key %s already exists with a different secret", k.ID)
	}
	return nil
}

func owner(account, user string) string {
	if user == "" {
		return "the root of account " + account
	}
	return "user " + user + " of account " + account
}

// sameDoc compares policy documents as compact JSON, so that a document
// stored with other whitespace (by the IAM API) does not count as changed.
func sameDoc(stored, want string) bool {
	if stored == want {
		return true
	}
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(stored)) != nil {
		return false
	}
	return buf.String() == want
}

func (a *applier) inline(account string, kind store.PrincipalKind, principal string, ps []InlinePolicy) error {
	for i := range ps {
		ip := &ps[i]
		cur, err := a.tx.GetInlinePolicy(a.ctx, account, kind, principal, ip.Name)
		name, exists := ip.Name, err == nil
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return a.storeErr(ip.Pos, err)
		case sameDoc(cur.Document, ip.Document):
			continue
		default:
			name = cur.Name // keep the stored spelling: names match case-insensitively
		}
		p := store.InlinePolicy{AccountID: account, Kind: kind, PrincipalName: principal, Name: name, Document: ip.Document}
		if err := a.tx.PutInlinePolicy(a.ctx, p); err != nil {
			return a.storeErr(ip.Pos, err)
		}
		if exists {
			a.updated("inline policy %s of %s %s/%s", name, kind, account, principal)
		} else {
			a.created("inline policy %s of %s %s/%s", name, kind, account, principal)
		}
	}
	return nil
}

// attach attaches the referenced managed policies, each of which must exist
// by then: created earlier in this Apply or already in the store. quota is
// IAM's limit of policies attached to one entity of the kind, counted with
// the attachments the store already holds.
func (a *applier) attach(account string, kind store.PrincipalKind, principal string, refs []PolicyRef, quota int) error {
	if len(refs) == 0 {
		return nil
	}
	have, err := a.tx.ListAttachedPolicies(a.ctx, account, kind, principal)
	if err != nil {
		return a.storeErr(refs[0].Pos, err)
	}
	for i := range refs {
		ref := &refs[i]
		pol, err := a.tx.GetPolicy(a.ctx, account, ref.Name)
		if errors.Is(err, store.ErrNotFound) || err == nil && normPath(pol.Path) != ref.Path {
			return a.fail(ref.Pos, "managed policy %s does not exist (not in this file nor in the store)", ref.ARN)
		}
		if err != nil {
			return a.storeErr(ref.Pos, err)
		}
		canonical := policyARN(pol)
		if containsFold(have, canonical) {
			continue
		}
		if len(have) >= quota {
			return a.fail(ref.Pos, "%s %s/%s already has %d managed policies attached (IAM quota)", kind, account, principal, quota)
		}
		if err := a.tx.AttachPolicy(a.ctx, account, kind, principal, canonical); err != nil {
			return a.storeErr(ref.Pos, err)
		}
		have = append(have, canonical)
		a.created("attachment of %s to %s %s/%s", canonical, kind, account, principal)
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func normPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
