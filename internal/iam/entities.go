package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// entityKind describes one kind of named IAM entity that lives at a path
// (users, groups, roles, instance profiles) to the steps their operations
// share: finding one and authorizing on its ARN, listing by path prefix,
// creating under the account's quota, renaming and deleting. Each kind
// keeps its own rules (what blocks a delete, what a create validates) in
// its own file; the kind says only how its rows are reached and how IAM
// words its refusals, so those are written once.
//
// The store methods are method expressions (store.Reader.GetUser), so one
// kind serves the cached store and a transaction alike.
type entityKind[E any] struct {
	// arn builds the ARN of an entity of acct at path named name; with an
	// empty name, the ARN of the path itself (what listings authorize on).
	arn func(acct, path, name string) string
	// pathName is the stored path and name of an entity.
	pathName func(E) (path, name string)
	get      func(r store.Reader, ctx context.Context, acct, name string) (E, error)
	list     func(r store.Reader, ctx context.Context, acct, pathPrefix string, p store.Page) ([]E, error)
	remove   func(tx store.Tx, ctx context.Context, acct, name string) error
	// notFound is IAM's NoSuchEntity for a name; exists its
	// EntityAlreadyExists.
	notFound func(name string) error
	exists   func(name string) error

	// insert, quotaName and quota are set for the kinds whose Create
	// counts the account's quota (groups, roles, instance profiles).
	insert    func(tx store.Tx, ctx context.Context, e E) error
	quotaName string
	quota     int

	// id, moved and update are set for the kinds IAM renames (users and
	// groups): moved is the entity at a new path and name.
	id     func(E) string
	moved  func(e E, path, name string) E
	update func(tx store.Tx, ctx context.Context, oldName string, e E) error
}

// key is the key entities of a kind are ordered and paged by: IAM names
// are unique case-insensitively.
func (k entityKind[E]) key(e E) string {
	_, name := k.pathName(e)
	return strings.ToLower(name)
}

// lookupErr maps the store's not-found to the kind's NoSuchEntity for
// name and passes other errors (nil included) through.
func (k entityKind[E]) lookupErr(name string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return k.notFound(name)
	}
	return err
}

// stored is the stored spelling of the named entity's name (the store
// resolves names case-insensitively), or the kind's NoSuchEntity.
func (k entityKind[E]) stored(ctx context.Context, r store.Reader, acct, name string) (string, error) {
	e, err := k.get(r, ctx, acct, name)
	if err != nil {
		return "", k.lookupErr(name, err)
	}
	_, stored := k.pathName(e)
	return stored, nil
}

// resourceOf finds the ARN an operation on a named entity of acct is
// authorized on (entityKind.resource).
type resourceOf func(ctx context.Context, r store.Reader, acct, name string) (string, error)

// authorizeNamed authorizes action on the named entity of the caller's
// account, at the ARN resource finds for it. A missing entity is
// authorized on its default-path ARN, so a caller without permission
// learns nothing of what exists; the operation then answers NoSuchEntity
// itself.
func (s *Service) authorizeNamed(ctx context.Context, call *rpc.Call, action string, resource resourceOf, name string, extra ...contextKey) error {
	arn, err := resource(ctx, s.store, call.Principal.AccountID, name)
	if err != nil {
		return err
	}
	return s.authorize(ctx, call, action, arn, extra...)
}

// resource is the ARN an operation on the named entity is authorized on:
// the entity's, with its stored path and name, so no spelling of the name
// escapes a policy naming it, or, for a missing one, the default path and
// the name as given.
func (k entityKind[E]) resource(ctx context.Context, r store.Reader, acct, name string) (string, error) {
	_, _, arn, err := k.lookup(ctx, r, acct, name)
	return arn, err
}

// lookup finds the named entity of acct and the ARN an operation on it is
// authorized on (see resource); found is false for a missing one, which
// is not an error here.
func (k entityKind[E]) lookup(ctx context.Context, r store.Reader, acct, name string) (e E, found bool, arn string, err error) {
	e, err = k.get(r, ctx, acct, name)
	switch {
	case err == nil:
		path, stored := k.pathName(e)
		return e, true, k.arn(acct, path, stored), nil
	case errors.Is(err, store.ErrNotFound):
		var zero E
		return zero, false, k.arn(acct, defaultPath, name), nil
	default:
		var zero E
		return zero, false, "", err
	}
}

// checkQuota refuses a new entity when the account holds the kind's quota
// already, in IAM's "Cannot exceed quota for NAME: N" wording.
func (k entityKind[E]) checkQuota(ctx context.Context, r store.Reader, acct string) error {
	have, err := k.list(r, ctx, acct, defaultPath, store.Page{Limit: k.quota})
	if err != nil {
		return err
	}
	if len(have) >= k.quota {
		return limitExceeded("Cannot exceed quota for %s: %d", k.quotaName, k.quota)
	}
	return nil
}

// create adds *e to acct in tx. A taken name is answered before the
// quota, as IAM does for roles; check, when given, runs last, before the
// insert, and may complete *e with what it validated.
func (k entityKind[E]) create(ctx context.Context, tx store.Tx, acct string, e *E, check func() error) error {
	_, name := k.pathName(*e)
	if _, err := k.get(tx, ctx, acct, name); err == nil {
		return k.exists(name)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := k.checkQuota(ctx, tx, acct); err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	if err := k.insert(tx, ctx, *e); errors.Is(err, store.ErrAlreadyExists) {
		return k.exists(name)
	} else if err != nil {
		return err
	}
	return nil
}

// authorizedEntity looks up the named entity of acct, authorizes action
// on its ARN (built from its stored path and name, so no spelling of the
// name escapes a policy naming it), and only then reports a missing one,
// so that a caller without permission learns nothing about what exists: a
// missing entity is authorized on its ARN with the default path and the
// name as given.
func authorizedEntity[E any](ctx context.Context, s *Service, call *rpc.Call, k entityKind[E], action, acct, name string, extra ...contextKey) (E, error) {
	var zero E
	e, found, resource, err := k.lookup(ctx, s.store, acct, name)
	if err != nil {
		return zero, err
	}
	if err := s.authorize(ctx, call, action, resource, extra...); err != nil {
		return zero, err
	}
	if !found {
		return zero, k.notFound(name)
	}
	return e, nil
}

// listByPath is the List operation of a kind: the entities of the
// caller's account whose path starts with pathPrefix ("/" when empty), by
// name, a page at a time. The listed path is the resource, as IAM names it
// in its AccessDenied (e.g. "on resource: arn:aws:iam::123456789012:role/"
// for ListRoles).
func listByPath[E any](ctx context.Context, s *Service, call *rpc.Call, k entityKind[E], action, pathPrefix, marker string, maxItems *int32) ([]E, *bool, string, error) {
	acct := call.Principal.AccountID
	if pathPrefix == "" {
		pathPrefix = defaultPath
	}
	if err := s.authorize(ctx, call, action, k.arn(acct, pathPrefix, "")); err != nil {
		return nil, nil, "", err
	}
	return storePage(marker, maxItems, k.key, func(p store.Page) ([]E, error) {
		return k.list(s.store, ctx, acct, pathPrefix, p)
	})
}

// renameEntity is UpdateUser and UpdateGroup: a change of path and/or
// name (empty keeps the current one), tried again (retryStale) while the
// entity changes under it.
func renameEntity[E any](ctx context.Context, s *Service, call *rpc.Call, k entityKind[E], action, name, newPath, newName string) (*struct{}, error) {
	return retryStale(func() (*struct{}, error) {
		if err := renameOnce(ctx, s, call, k, action, name, newPath, newName); err != nil {
			return nil, err
		}
		return &struct{}{}, nil
	})
}

// renameOnce is one attempt of renameEntity. IAM requires permission on
// the entity as it is and as it will be ("the requester must have
// appropriate permissions on both the source object and the target
// object", IAM API reference, UpdateUser and UpdateGroup). Only the path
// and name are written: the rest of the row is taken as it stands inside
// the transaction, so a concurrent change to it is never undone; an entity
// whose id, path or name changed since it was authorized is errStale.
func renameOnce[E any](ctx context.Context, s *Service, call *rpc.Call, k entityKind[E], action, name, newPath, newName string) error {
	acct := call.Principal.AccountID
	e, err := authorizedEntity(ctx, s, call, k, action, acct, name)
	if err != nil {
		return err
	}
	path, stored := k.pathName(e)
	nextPath, nextName := path, stored
	if newPath != "" {
		nextPath = newPath
	}
	if newName != "" {
		nextName = newName
	}
	if nextPath != path || nextName != stored {
		if err := s.authorize(ctx, call, action, k.arn(acct, nextPath, nextName)); err != nil {
			return err
		}
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := k.get(tx, ctx, acct, stored)
		if err != nil {
			return err
		}
		curPath, curName := k.pathName(cur)
		if k.id(cur) != k.id(e) || curPath != path || curName != stored {
			return errStale
		}
		return k.update(tx, ctx, stored, k.moved(cur, nextPath, nextName))
	})
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return k.exists(nextName)
	case errors.Is(err, store.ErrNotFound):
		return k.notFound(name)
	}
	return err
}

// deleteEntity is the Delete operation of a kind: the caller is
// authorized on the entity, then, in one transaction, it must still exist
// and dependants (the kind's DeleteConflict checks, in IAM's order) must
// find nothing left on it: IAM does not cascade.
func deleteEntity[E any](ctx context.Context, s *Service, call *rpc.Call, k entityKind[E], action, name string, dependants func(tx store.Tx, e E) error) (*struct{}, error) {
	acct := call.Principal.AccountID
	if _, err := authorizedEntity(ctx, s, call, k, action, acct, name); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		e, err := k.get(tx, ctx, acct, name)
		if err != nil {
			return k.lookupErr(name, err)
		}
		if err := dependants(tx, e); err != nil {
			return err
		}
		_, stored := k.pathName(e)
		return k.lookupErr(name, k.remove(tx, ctx, acct, stored))
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// leftOver is one DeleteConflict check of a Delete operation: how many
// dependants of one sort are left, and IAM's refusal while any are.
type leftOver struct {
	msg   string
	count func() (int, error)
}

// counted is the count of a store listing, for leftOver.
func counted[T any](items []T, err error) (int, error) { return len(items), err }

// noneLeft runs checks in order and refuses with the first one that finds
// a dependant left: IAM does not cascade deletes.
func noneLeft(checks ...leftOver) error {
	for _, c := range checks {
		n, err := c.count()
		if err != nil {
			return err
		}
		if n > 0 {
			return deleteConflict("%s", c.msg)
		}
	}
	return nil
}

// policiesLeft are the checks that a role or group has no attached
// managed policies and then no inline policies left (DeleteRole's order,
// as moto, built against IAM, checks them).
func policiesLeft(ctx context.Context, r store.Reader, acct string, kind store.PrincipalKind, name string) []leftOver {
	return []leftOver{
		{msgDetachFirst, func() (int, error) { return counted(r.ListAttachedPolicies(ctx, acct, kind, name)) }},
		{msgDeleteInlineFirst, func() (int, error) { return counted(r.ListInlinePolicies(ctx, acct, kind, name)) }},
	}
}
