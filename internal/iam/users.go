package iam

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// userHandlers lists the operations of this group.
func (s *Service) userHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateUser"], s.CreateUser),
		rpc.Typed(ops["GetUser"], s.GetUser),
		rpc.Typed(ops["ListUsers"], s.ListUsers),
		rpc.Typed(ops["UpdateUser"], s.UpdateUser),
		rpc.Typed(ops["DeleteUser"], s.DeleteUser),
		rpc.Typed(ops["TagUser"], s.TagUser),
		rpc.Typed(ops["UntagUser"], s.UntagUser),
		rpc.Typed(ops["ListUserTags"], s.ListUserTags),
		rpc.Typed(ops["PutUserPermissionsBoundary"], s.PutUserPermissionsBoundary),
		rpc.Typed(ops["DeleteUserPermissionsBoundary"], s.DeleteUserPermissionsBoundary),
	}
}

// Messages IAM answers for users (see internal/app/e2e_iam_users_test.go
// and e2e_loginprofiles_test.go for where each was found). SSH public
// keys and service-specific credentials share AWS's vaguest DeleteConflict
// text (rebuy-de/aws-nuke#470 and #522 for SSH keys, #308 for
// service-specific credentials).
const (
	msgNoSuchUser              = "The user with name %s cannot be found."
	msgUserExists              = "User with name %s already exists."
	msgDeleteLoginProfileFirst = "Cannot delete entity, must delete login profile first."
	msgDeleteKeysFirst         = "Cannot delete entity, must delete access keys first."
	msgDeleteCertificatesFirst = "Cannot delete entity, must delete certificates first."
	msgRemoveReferencedFirst   = "Cannot delete entity, must remove referenced objects first."
	msgDeleteMFAFirst          = "Cannot delete entity, must delete MFA device first."
	msgDeleteInlineFirst       = "Cannot delete entity, must delete policies first."
	msgDetachFirst             = "Cannot delete entity, must detach all policies first."
)

// defaultPath is the IAM path of an entity created without one.
const defaultPath = "/"

// userKind is how users are found, listed and refused.
var userKind = entityKind[store.User]{
	arn:      arn.User,
	pathName: func(u store.User) (string, string) { return u.Path, u.Name },
	get:      store.Reader.GetUser,
	list:     store.Reader.ListUsers,
	remove:   store.Tx.DeleteUser,
	notFound: func(name string) error { return noSuchEntity(msgNoSuchUser, name) },
	exists:   func(name string) error { return alreadyExists(msgUserExists, name) },
	id:       func(u store.User) string { return u.ID },
	moved: func(u store.User, path, name string) store.User {
		u.Path, u.Name = path, name
		return u
	},
	update: store.Tx.UpdateUser,
}

// CreateUser creates an IAM user, optionally with a permissions boundary
// and tags.
func (s *Service) CreateUser(ctx context.Context, call *rpc.Call, in *iamapi.CreateUserRequest) (*iamapi.CreateUserResponse, error) {
	acct := call.Principal.AccountID
	path := in.Path
	if path == "" {
		path = defaultPath
	}
	extra := withRequestTags(in.Tags)
	boundary := in.PermissionsBoundary
	if boundary != "" {
		var err error
		if boundary, err = s.boundaryARN(ctx, acct, boundary); err != nil {
			return nil, err
		}
		extra = append(extra, withKey("iam:PermissionsBoundary", boundary))
	}
	if err := s.authorize(ctx, call, "iam:CreateUser", arn.User(acct, path, in.UserName), extra...); err != nil {
		return nil, err
	}
	tags, err := newTagList(in.Tags)
	if err != nil {
		return nil, err
	}
	id, err := ids.NewUniqueID(ids.PrefixUser, acct)
	if err != nil {
		return nil, err
	}
	u := store.User{
		AccountID:           acct,
		Name:                in.UserName,
		ID:                  id,
		Path:                path,
		PermissionsBoundary: boundary,
		Tags:                tags,
		CreatedAt:           callTime(call),
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if u.PermissionsBoundary != "" {
			if err := boundaryExists(ctx, tx, acct, u.PermissionsBoundary); err != nil {
				return err
			}
		}
		return tx.CreateUser(ctx, u)
	})
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, alreadyExists(msgUserExists, in.UserName)
	}
	if err != nil {
		return nil, err
	}
	out := userOut(u)
	return &iamapi.CreateUserResponse{User: &out}, nil
}

// GetUser returns a user, or the caller when no name is given: an IAM user
// gets its own record and the root gets the account's root "user" (UserId
// the account id, Arn arn:aws:iam::ACCOUNT:root, as AWS answers it); other
// callers must name the user.
func (s *Service) GetUser(ctx context.Context, call *rpc.Call, in *iamapi.GetUserRequest) (*iamapi.GetUserResponse, error) {
	acct := call.Principal.AccountID
	name := in.UserName
	if name == "" {
		self, root, err := callerUser(call)
		if err != nil {
			return nil, err
		}
		if root {
			return s.getRootUser(ctx, call)
		}
		name = self
	}
	u, err := s.authorizedUser(ctx, call, "iam:GetUser", acct, name)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetUserResponse{User: userOut(u)}, nil
}

// getRootUser answers GetUser for the root: the root is not stored as a
// user, so its record is made from the account.
func (s *Service) getRootUser(ctx context.Context, call *rpc.Call) (*iamapi.GetUserResponse, error) {
	acct := call.Principal.AccountID
	if err := s.authorize(ctx, call, "iam:GetUser", arn.Root(acct)); err != nil {
		return nil, err
	}
	a, err := s.store.GetAccount(ctx, acct)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetUserResponse{User: iamapi.User{
		UserId:     acct,
		Arn:        arn.Root(acct),
		CreateDate: a.CreatedAt,
	}}, nil
}

// ListUsers lists the users whose path starts with PathPrefix, a page at a
// time. Like IAM's other listings it leaves out tags and permissions
// boundaries ("this operation does not return tags, even though they are an
// attribute of the returned object", IAM API reference, ListUsers).
func (s *Service) ListUsers(ctx context.Context, call *rpc.Call, in *iamapi.ListUsersRequest) (*iamapi.ListUsersResponse, error) {
	users, truncated, marker, err := listByPath(ctx, s, call, userKind, "iam:ListUsers", in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListUsersResponse{Users: usersListed(users), IsTruncated: truncated, Marker: marker}, nil
}

// UpdateUser changes a user's path and/or name. IAM requires permission on
// both the user as it is and the user as it will be ("the requester must
// have appropriate permissions on both the source object and the target
// object", IAM API reference, UpdateUser). A rename carries the user's
// keys, policies, attachments, MFA devices and group memberships along (the
// store does it in the same transaction).
func (s *Service) UpdateUser(ctx context.Context, call *rpc.Call, in *iamapi.UpdateUserRequest) (*struct{}, error) {
	// renameEntity writes the user's tags and boundary as they stand
	// inside its transaction, so a concurrent TagUser or
	// PutUserPermissionsBoundary is never undone.
	return renameEntity(ctx, s, call, userKind, "iam:UpdateUser", in.UserName, in.NewPath, in.NewUserName)
}

// DeleteUser deletes a user that has nothing left attached: IAM does not
// cascade, and answers DeleteConflict naming what remains.
func (s *Service) DeleteUser(ctx context.Context, call *rpc.Call, in *iamapi.DeleteUserRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	return deleteEntity(ctx, s, call, userKind, "iam:DeleteUser", in.UserName, func(tx store.Tx, u store.User) error {
		return userDependants(ctx, tx, acct, u.Name)
	})
}

// userDependants refuses with DeleteConflict while the user still has a
// console password, access keys, signing certificates, SSH public keys,
// service-specific credentials, MFA devices, inline policies or attached
// managed policies, or belongs to a group (AWS's text for that,
// msgRemoveMembersFirst, is the one DeleteGroup answers for a group with
// members). Which conflict AWS reports first when several apply is not
// recorded; the checks follow the order in which the IAM API Reference
// (DeleteUser) lists what to remove.
func userDependants(ctx context.Context, r store.Reader, acct, name string) error {
	loginProfile := func() (int, error) {
		_, err := r.GetLoginProfile(ctx, acct, name)
		if errors.Is(err, store.ErrNotFound) {
			return 0, nil
		}
		return 1, err
	}
	return noneLeft(
		leftOver{msgDeleteLoginProfileFirst, loginProfile},
		leftOver{msgDeleteKeysFirst, func() (int, error) { return counted(r.ListAccessKeys(ctx, acct, name)) }},
		leftOver{msgDeleteCertificatesFirst, func() (int, error) { return counted(r.ListSigningCertificates(ctx, acct, name)) }},
		leftOver{msgRemoveReferencedFirst, func() (int, error) { return counted(r.ListSSHPublicKeys(ctx, acct, name)) }},
		leftOver{msgRemoveReferencedFirst, func() (int, error) { return counted(r.ListServiceSpecificCredentials(ctx, acct, name)) }},
		leftOver{msgDeleteMFAFirst, func() (int, error) { return counted(r.ListMFADevices(ctx, acct, name)) }},
		// Inline before attached: the API Reference's order for users,
		// the reverse of policiesLeft's for roles and groups.
		leftOver{msgDeleteInlineFirst, func() (int, error) { return counted(r.ListInlinePolicies(ctx, acct, store.KindUser, name)) }},
		leftOver{msgDetachFirst, func() (int, error) { return counted(r.ListAttachedPolicies(ctx, acct, store.KindUser, name)) }},
		leftOver{msgRemoveMembersFirst, func() (int, error) { return counted(r.ListGroupsForUser(ctx, acct, name)) }},
	)
}

// TagUser adds tags to a user, replacing the value of a key it already has.
func (s *Service) TagUser(ctx context.Context, call *rpc.Call, in *iamapi.TagUserRequest) (*struct{}, error) {
	return s.modifyUser(ctx, call, "iam:TagUser", in.UserName, func(u *store.User) error {
		tags, err := mergeTagList(u.Tags, in.Tags, "TagsPerUser")
		if err != nil {
			return err
		}
		u.Tags = tags
		return nil
	}, withRequestTags(in.Tags)...)
}

// UntagUser removes tags from a user by key; keys it does not have are
// ignored, as IAM ignores them.
func (s *Service) UntagUser(ctx context.Context, call *rpc.Call, in *iamapi.UntagUserRequest) (*struct{}, error) {
	return s.modifyUser(ctx, call, "iam:UntagUser", in.UserName, func(u *store.User) error {
		u.Tags = removeTagKeys(u.Tags, in.TagKeys)
		return nil
	})
}

// ListUserTags lists a user's tags by key, a page at a time.
func (s *Service) ListUserTags(ctx context.Context, call *rpc.Call, in *iamapi.ListUserTagsRequest) (*iamapi.ListUserTagsResponse, error) {
	u, err := s.authorizedUser(ctx, call, "iam:ListUserTags", call.Principal.AccountID, in.UserName)
	if err != nil {
		return nil, err
	}
	tags, truncated, marker, err := pageTagList(u.Tags, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListUserTagsResponse{Tags: tags, IsTruncated: truncated, Marker: marker}, nil
}

// PutUserPermissionsBoundary sets or replaces a user's permissions
// boundary; the policy must exist in the caller's account.
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, call *rpc.Call, in *iamapi.PutUserPermissionsBoundaryRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	boundary, err := s.boundaryARN(ctx, acct, in.PermissionsBoundary)
	if err != nil {
		return nil, err
	}
	return s.modifyUserTx(ctx, call, "iam:PutUserPermissionsBoundary", in.UserName, func(tx store.Tx, u *store.User) error {
		if err := boundaryExists(ctx, tx, acct, boundary); err != nil {
			return err
		}
		u.PermissionsBoundary = boundary
		return nil
	}, withKey("iam:PermissionsBoundary", boundary))
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary; a
// user without one is left as it is.
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, call *rpc.Call, in *iamapi.DeleteUserPermissionsBoundaryRequest) (*struct{}, error) {
	return s.modifyUser(ctx, call, "iam:DeleteUserPermissionsBoundary", in.UserName, func(u *store.User) error {
		u.PermissionsBoundary = ""
		return nil
	})
}

// modifyUser authorizes action on the named user and rewrites the user
// with change in one transaction.
func (s *Service) modifyUser(ctx context.Context, call *rpc.Call, action, name string, change func(*store.User) error, extra ...contextKey) (*struct{}, error) {
	return s.modifyUserTx(ctx, call, action, name, func(_ store.Tx, u *store.User) error { return change(u) }, extra...)
}

func (s *Service) modifyUserTx(ctx context.Context, call *rpc.Call, action, name string, change func(store.Tx, *store.User) error, extra ...contextKey) (*struct{}, error) {
	acct := call.Principal.AccountID
	if _, err := s.authorizedUser(ctx, call, action, acct, name, extra...); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		// Read again inside the transaction so concurrent changes to
		// other attributes are not lost.
		u, err := tx.GetUser(ctx, acct, name)
		if err != nil {
			return err
		}
		if err := change(tx, &u); err != nil {
			return err
		}
		return tx.UpdateUser(ctx, u.Name, u)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchUser, name)
	}
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// authorizedUser is authorizedEntity for a user of acct.
func (s *Service) authorizedUser(ctx context.Context, call *rpc.Call, action, acct, name string, extra ...contextKey) (store.User, error) {
	return authorizedEntity(ctx, s, call, userKind, action, acct, name, extra...)
}
