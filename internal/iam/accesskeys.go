package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// accessKeyHandlers lists the operations of this group.
func (s *Service) accessKeyHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateAccessKey"], s.CreateAccessKey),
		rpc.Typed(ops["ListAccessKeys"], s.ListAccessKeys),
		rpc.Typed(ops["UpdateAccessKey"], s.UpdateAccessKey),
		rpc.Typed(ops["DeleteAccessKey"], s.DeleteAccessKey),
		rpc.Typed(ops["GetAccessKeyLastUsed"], s.GetAccessKeyLastUsed),
	}
}

// Access key messages (see internal/app/e2e_iam_users_test.go for where
// each was found).
const (
	msgAccessKeyQuota  = "Cannot exceed quota for AccessKeysPerUser: %d"
	msgNoSuchAccessKey = "The Access Key with id %s cannot be found."
	msgNeverUsed       = "N/A"
	unknownKeyResource = "access key "
)

// keyOwner is whose keys an operation acts on: a user, or the root.
type keyOwner struct {
	root bool
	user store.User // zero for root
	arn  string
}

// owner resolves and authorizes the owner of the keys an access-key
// operation acts on: the named user, or the caller when UserName is
// omitted (the root's own keys for the root). The resource is the user's
// ARN, or the root's for root keys.
func (s *Service) owner(ctx context.Context, call *rpc.Call, action, userName string) (keyOwner, error) {
	acct := call.Principal.AccountID
	if userName == "" {
		self, root, err := callerUser(call)
		if err != nil {
			return keyOwner{}, err
		}
		if root {
			o := keyOwner{root: true, arn: arn.Root(acct)}
			return o, s.authorize(ctx, call, action, o.arn)
		}
		userName = self
	}
	u, err := s.authorizedUser(ctx, call, action, acct, userName)
	if err != nil {
		return keyOwner{}, err
	}
	return keyOwner{user: u, arn: arn.User(acct, u.Path, u.Name)}, nil
}

// CreateAccessKey creates an active access key for a user, or for the
// caller. The secret is returned here and never again.
func (s *Service) CreateAccessKey(ctx context.Context, call *rpc.Call, in *iamapi.CreateAccessKeyRequest) (*iamapi.CreateAccessKeyResponse, error) {
	acct := call.Principal.AccountID
	o, err := s.owner(ctx, call, "iam:CreateAccessKey", in.UserName)
	if err != nil {
		return nil, err
	}
	id, err := ids.NewAccessKeyID(ids.PrefixAccessKey, acct)
	if err != nil {
		return nil, err
	}
	secret, err := ids.NewSecretAccessKey()
	if err != nil {
		return nil, err
	}
	k := store.AccessKey{
		ID:        id,
		Secret:    secret,
		AccountID: acct,
		UserName:  o.user.Name,
		Status:    store.AccessKeyActive,
		CreatedAt: callTime(call),
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		have, err := tx.ListAccessKeys(ctx, acct, k.UserName)
		if err != nil {
			return err
		}
		// The quota counts active and inactive keys alike; the root has
		// the same two.
		if len(have) >= iamlimits.AccessKeysPerUser {
			return limitExceeded(msgAccessKeyQuota, iamlimits.AccessKeysPerUser)
		}
		if !o.root {
			// The user may have been deleted since it was read.
			if _, err := tx.GetUser(ctx, acct, k.UserName); err != nil {
				return err
			}
		}
		return tx.CreateAccessKey(ctx, k)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchUser, k.UserName)
	}
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateAccessKeyResponse{AccessKey: iamapi.AccessKey{
		UserName:        k.UserName,
		AccessKeyId:     k.ID,
		Status:          string(k.Status),
		SecretAccessKey: k.Secret,
		CreateDate:      k.CreatedAt,
	}}, nil
}

// ListAccessKeys lists the keys of a user, or of the caller, without their
// secrets, a page at a time.
func (s *Service) ListAccessKeys(ctx context.Context, call *rpc.Call, in *iamapi.ListAccessKeysRequest) (*iamapi.ListAccessKeysResponse, error) {
	page, truncated, marker, err := listCredentials(ctx, s, call, "iam:ListAccessKeys", in.UserName, s.store.ListAccessKeys,
		func(k store.AccessKey) string { return k.ID }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListAccessKeysResponse{AccessKeyMetadata: make([]iamapi.AccessKeyMetadata, len(page)), IsTruncated: truncated, Marker: marker}
	for i, k := range page {
		out.AccessKeyMetadata[i] = iamapi.AccessKeyMetadata{UserName: k.UserName, AccessKeyId: k.ID, Status: string(k.Status), CreateDate: k.CreatedAt}
	}
	return out, nil
}

// UpdateAccessKey makes a key Active or Inactive. The write goes through
// the cached store, so an inactive key stops authenticating with the next
// request.
func (s *Service) UpdateAccessKey(ctx context.Context, call *rpc.Call, in *iamapi.UpdateAccessKeyRequest) (*struct{}, error) {
	return s.changeKey(ctx, call, "iam:UpdateAccessKey", in.UserName, in.AccessKeyId, func(tx store.Tx, k store.AccessKey) error {
		k.Status = store.AccessKeyStatus(in.Status)
		return tx.UpdateAccessKey(ctx, k)
	})
}

// DeleteAccessKey deletes a key of a user, or of the caller.
func (s *Service) DeleteAccessKey(ctx context.Context, call *rpc.Call, in *iamapi.DeleteAccessKeyRequest) (*struct{}, error) {
	return s.changeKey(ctx, call, "iam:DeleteAccessKey", in.UserName, in.AccessKeyId, func(tx store.Tx, k store.AccessKey) error {
		return tx.DeleteAccessKey(ctx, k.ID)
	})
}

// changeKey is changeCredential for an access key. A key that does not
// belong to the owner is answered as one that does not exist.
func (s *Service) changeKey(ctx context.Context, call *rpc.Call, action, userName, keyID string, change func(store.Tx, store.AccessKey) error) (*struct{}, error) {
	acct := call.Principal.AccountID
	err := changeCredential(ctx, s, call, action, userName, func(tx store.Tx, o keyOwner) (store.AccessKey, error) {
		k, err := tx.GetAccessKey(ctx, keyID)
		if err == nil && (k.AccountID != acct || !sameName(k.UserName, o.user.Name)) {
			err = store.ErrNotFound
		}
		return k, err
	}, change, func() error { return noSuchEntity(msgNoSuchAccessKey, keyID) })
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// GetAccessKeyLastUsed reports when, where and with which service a key was
// last used, and whose it is. A key never used answers "N/A" for service
// and region and no date ("The value of this field is \"N/A\" in the
// following situations: … An access key exists but has not been used", IAM
// API reference, AccessKeyLastUsed).
//
// The model declares no error for this operation: a key that does not
// exist in the caller's account is refused as AccessDenied on resource
// "access key ID", since there is no owner to authorize against. (That
// wording is not confirmed by a recording of AWS.)
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, call *rpc.Call, in *iamapi.GetAccessKeyLastUsedRequest) (*iamapi.GetAccessKeyLastUsedResponse, error) {
	const action = "iam:GetAccessKeyLastUsed"
	p := call.Principal
	k, err := s.store.GetAccessKey(ctx, in.AccessKeyId)
	if errors.Is(err, store.ErrNotFound) || err == nil && k.AccountID != p.AccountID {
		resource := unknownKeyResource + in.AccessKeyId
		return nil, apierr.New(apierr.AccessDenied, "%s", policy.AccessDeniedMessage(p.ARN, action, resource, &policy.Result{}))
	}
	if err != nil {
		return nil, err
	}
	resource := arn.Root(k.AccountID)
	if k.UserName != "" {
		// The owner's stored ARN, whatever spelling the key recorded.
		u, err := s.store.GetUser(ctx, k.AccountID, k.UserName)
		switch {
		case err == nil:
			resource = arn.User(k.AccountID, u.Path, u.Name)
		case errors.Is(err, store.ErrNotFound):
			resource = arn.User(k.AccountID, defaultPath, k.UserName)
		default:
			return nil, err
		}
	}
	if err := s.authorize(ctx, call, action, resource); err != nil {
		return nil, err
	}
	used := &iamapi.AccessKeyLastUsed{ServiceName: msgNeverUsed, Region: msgNeverUsed}
	if !k.LastUsedAt.IsZero() {
		used = &iamapi.AccessKeyLastUsed{LastUsedDate: k.LastUsedAt, ServiceName: k.LastService, Region: k.LastRegion}
	}
	return &iamapi.GetAccessKeyLastUsedResponse{UserName: k.UserName, AccessKeyLastUsed: used}, nil
}

// sameName compares IAM names as IAM does, case-insensitively.
func sameName(a, b string) bool { return strings.EqualFold(a, b) }
