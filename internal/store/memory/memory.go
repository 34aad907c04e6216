// Package memory is a store.Store kept in memory, for tests and for trying
// stsd. Nothing persists: the state is gone when the process exits.
//
// The committed state is an immutable snapshot. Update runs fn against a
// copy of it, in which each table is copied the first time fn writes to
// it, and publishes the copy only when fn succeeds: a failed Update leaves
// nothing, and readers see committed states only. Rows are copied on the
// way in and on the way out, so no caller can change what is stored.
// Secrets are held as given: with nothing on disk there is nothing to seal
// them against.
package memory

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"sync/atomic"

	"github.com/stsd/stsd/internal/store"
)

// Store is an in-memory store.Store. The zero value is not usable; call New.
type Store struct {
	reader
	current atomic.Pointer[state]
	closed  atomic.Bool
	// writing holds a token while an Update runs, so Updates run one at a
	// time and a waiting one still honours its context.
	writing chan struct{}
}

var (
	_ store.Store = (*Store)(nil)
	_ store.Tx    = (*tx)(nil)
)

// ErrClosed is returned by every call on a Store after Close.
var ErrClosed = errors.New("memory store: closed")

// errTxDone is returned by a transaction used after its Update returned.
var errTxDone = errors.New("memory store: transaction used after its Update returned")

// New returns an empty Store.
func New() *Store {
	s := &Store{writing: make(chan struct{}, 1)}
	s.current.Store(newState())
	s.reader = reader{load: s.committed}
	return s
}

func (s *Store) committed(ctx context.Context) (*state, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.closed.Load() {
		return nil, ErrClosed
	}
	return s.current.Load(), nil
}

// Update runs fn against a private copy of the latest state and makes the
// copy the latest state when fn returns nil and ctx is still live. Any
// error, or a panic, leaves the store as it was.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	select {
	case s.writing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.writing }()
	cur, err := s.committed(ctx)
	if err != nil {
		return err
	}
	next := *cur
	next.gen++
	if err := run(ctx, &next, fn); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.current.Store(&next)
	return nil
}

// run runs fn in a transaction on st and ends the transaction, so a Tx
// that fn kept cannot write to st once it is published.
func run(ctx context.Context, st *state, fn func(tx store.Tx) error) error {
	w := &tx{st: st}
	w.reader = reader{load: w.working}
	defer w.done.Store(true)
	return fn(w)
}

// Generation returns the number of committed Updates.
func (s *Store) Generation(ctx context.Context) (uint64, error) {
	st, err := s.committed(ctx)
	if err != nil {
		return 0, err
	}
	return st.gen, nil
}

// Close makes every later call fail with ErrClosed.
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}

// reader implements store.Reader over the state load returns: the latest
// committed one for a Store, the working one for a transaction.
type reader struct {
	load func(ctx context.Context) (*state, error)
}

// read runs a read that may fail on r's state.
func read[T any](ctx context.Context, r reader, f func(st *state) (T, error)) (T, error) {
	st, err := r.load(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return f(st)
}

// view runs a read that cannot fail on r's state.
func view[T any](ctx context.Context, r reader, f func(st *state) T) (T, error) {
	return read(ctx, r, func(st *state) (T, error) { return f(st), nil })
}

// tx implements store.Tx on the working state of one Update.
type tx struct {
	reader
	st   *state
	done atomic.Bool
}

func (w *tx) working(ctx context.Context) (*state, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if w.done.Load() {
		return nil, errTxDone
	}
	return w.st, nil
}

// write runs f on the working state.
func (w *tx) write(ctx context.Context, f func(st *state) error) error {
	st, err := w.working(ctx)
	if err != nil {
		return err
	}
	return f(st)
}

// state is everything the store holds. gen is the generation it has, or
// will have once committed.
type state struct {
	gen uint64

	accounts         table[string, store.Account]
	accessKeys       table[string, store.AccessKey]
	tokenKeys        table[uint32, store.TokenKey]
	outbound         table[string, store.OutboundFederation]
	passwordPolicies table[string, store.PasswordPolicy]
	credReports      table[string, store.CredentialReport]

	users        table[nameKey, store.User]
	logins       table[nameKey, store.LoginProfile]
	sshKeys      table[string, store.SSHPublicKey]
	certs        table[string, store.SigningCertificate]
	serviceCreds table[string, store.ServiceSpecificCredential]
	mfa          table[string, store.MFADevice]

	roles        table[nameKey, store.Role]
	groups       table[nameKey, store.Group]
	members      table[link, link] // group (from) to user (to)
	profiles     table[nameKey, store.InstanceProfile]
	profileRoles table[link, link] // instance profile (from) to role (to)

	policies    table[nameKey, store.ManagedPolicy]
	versions    table[versionKey, store.PolicyVersion]
	inline      table[inlineKey, store.InlinePolicy]
	attachments table[attachment, attachment]
	oidc        table[string, store.OIDCProvider]
	saml        table[string, store.SAMLProvider]
}

func newState() *state {
	return &state{
		accounts:         newTable(func(a store.Account) string { return a.ID }, strings.Compare),
		accessKeys:       newTable(func(k store.AccessKey) string { return k.ID }, strings.Compare),
		tokenKeys:        newTable(func(k store.TokenKey) uint32 { return k.ID }, cmp.Compare[uint32]),
		outbound:         newTable(func(f store.OutboundFederation) string { return f.AccountID }, strings.Compare),
		passwordPolicies: newTable(func(p store.PasswordPolicy) string { return p.AccountID }, strings.Compare),
		credReports:      newTable(func(r store.CredentialReport) string { return r.AccountID }, strings.Compare),

		users:        newTable(func(u store.User) nameKey { return nk(u.AccountID, u.Name) }, byName),
		logins:       newTable(func(p store.LoginProfile) nameKey { return nk(p.AccountID, p.UserName) }, byName),
		sshKeys:      newTable(func(k store.SSHPublicKey) string { return k.ID }, strings.Compare),
		certs:        newTable(func(c store.SigningCertificate) string { return c.ID }, strings.Compare),
		serviceCreds: newTable(func(c store.ServiceSpecificCredential) string { return c.ID }, strings.Compare),
		mfa:          newTable(func(d store.MFADevice) string { return d.SerialNumber }, strings.Compare),

		roles:        newTable(func(r store.Role) nameKey { return nk(r.AccountID, r.Name) }, byName),
		groups:       newTable(func(g store.Group) nameKey { return nk(g.AccountID, g.Name) }, byName),
		members:      newTable(link.key, link.compare),
		profiles:     newTable(func(p store.InstanceProfile) nameKey { return nk(p.AccountID, p.Name) }, byName),
		profileRoles: newTable(link.key, link.compare),

		policies:    newTable(func(p store.ManagedPolicy) nameKey { return nk(p.AccountID, p.Name) }, byName),
		versions:    newTable(versionKeyOf, versionKey.compare),
		inline:      newTable(inlineKeyOf, inlineKey.compare),
		attachments: newTable(attachment.key, attachment.compare),
		oidc:        newTable(func(p store.OIDCProvider) string { return p.ARN }, strings.Compare),
		saml:        newTable(func(p store.SAMLProvider) string { return p.ARN }, strings.Compare),
	}
}

func (st *state) requireAccount(id string) error {
	if !st.accounts.has(id) {
		return notFound("account " + id)
	}
	return nil
}
