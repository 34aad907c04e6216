package iam

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// changeCredential is what changing or deleting one of a user's
// credentials (access key, signing certificate, SSH public key,
// service-specific credential) shares: action is authorized on the owner
// (the named user, or the caller), then, in one transaction, find picks
// the credential out of the owner's, answering store.ErrNotFound for one
// the owner does not have, and change applies to it. A missing
// credential, another user's included, is answered with notFound.
func changeCredential[C any](ctx context.Context, s *Service, call *rpc.Call, action, userName string, find func(tx store.Tx, o keyOwner) (C, error), change func(store.Tx, C) error, notFound func() error) error {
	o, err := s.owner(ctx, call, action, userName)
	if err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		c, err := find(tx, o)
		if err != nil {
			return err
		}
		return change(tx, c)
	})
	if errors.Is(err, store.ErrNotFound) {
		return notFound()
	}
	return err
}

// listCredentials is what listing a user's credentials of one sort
// shares: action is authorized on the owner (the named user, or the
// caller), whose credentials list returns; they are paged in id order.
func listCredentials[C any](ctx context.Context, s *Service, call *rpc.Call, action, userName string, list func(ctx context.Context, acct, userName string) ([]C, error), id func(C) string, marker string, maxItems *int32) ([]C, *bool, string, error) {
	o, err := s.owner(ctx, call, action, userName)
	if err != nil {
		return nil, nil, "", err
	}
	items, err := list(ctx, call.Principal.AccountID, o.user.Name)
	if err != nil {
		return nil, nil, "", err
	}
	return pageSlice(items, marker, maxItems, id)
}
