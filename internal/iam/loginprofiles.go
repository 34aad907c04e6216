package iam

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// loginProfileHandlers lists the console password operations: an
// administrator's Create/Get/Update/DeleteLoginProfile and a user's own
// ChangePassword.
func (s *Service) loginProfileHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateLoginProfile"], s.CreateLoginProfile),
		rpc.Typed(ops["GetLoginProfile"], s.GetLoginProfile),
		rpc.Typed(ops["UpdateLoginProfile"], s.UpdateLoginProfile),
		rpc.Typed(ops["DeleteLoginProfile"], s.DeleteLoginProfile),
		rpc.Typed(ops["ChangePassword"], s.ChangePassword),
	}
}

// Messages of the login profile operations, recorded from AWS in
// localstack/localstack tests/aws/services/iam/test_iam_users.snapshot.json
// (TestUserLoginProfile, 2026-02). Note the case of "user" and "User".
const (
	msgLoginProfileExists  = "Login Profile for user %s already exists."
	msgNoSuchLoginProfile  = "Login Profile for User %s cannot be found."
	msgLoginPasswordAbsent = "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"
)

// loginProfileOut shapes a stored profile as the model's LoginProfile;
// AWS always includes PasswordResetRequired (the snapshot above).
func loginProfileOut(p store.LoginProfile) iamapi.LoginProfile {
	return iamapi.LoginProfile{UserName: p.UserName, CreateDate: p.CreatedAt, PasswordResetRequired: valuePtr(p.PasswordResetRequired)}
}

// loginProfileUser resolves the user a login profile operation acts on:
// the named one, or the calling IAM user when UserName is omitted ("it
// defaults to the principal making the request", IAM API Reference). The
// root may omit it only in an AssumeRoot session, which stsd does not
// issue, so it must name the user like any other non-user caller.
func loginProfileUser(call *rpc.Call, name string) (string, error) {
	if name != "" {
		return name, nil
	}
	self, root, err := callerUser(call)
	if err != nil {
		return "", err
	}
	if root {
		return "", apierr.New(apierr.ValidationError, msgNonUserCaller)
	}
	return self, nil
}

// CreateLoginProfile gives a user a console password, which must satisfy
// the account's password policy. Only a salted hash is kept.
func (s *Service) CreateLoginProfile(ctx context.Context, call *rpc.Call, in *iamapi.CreateLoginProfileRequest) (*iamapi.CreateLoginProfileResponse, error) {
	acct := call.Principal.AccountID
	name, err := loginProfileUser(call, in.UserName)
	if err != nil {
		return nil, err
	}
	u, err := s.authorizedUser(ctx, call, "iam:CreateLoginProfile", acct, name)
	if err != nil {
		return nil, err
	}
	// The model makes Password optional only for AssumeRoot sessions
	// ("It is required in all other cases"); the refusal is worded as the
	// decoder words a missing required member (AWS's text not recorded).
	if in.Password == "" {
		return nil, apierr.New(apierr.ValidationError, msgLoginPasswordAbsent)
	}
	// A taken profile is answered before the password is judged; the
	// transaction checks again.
	if _, err := s.store.GetLoginProfile(ctx, acct, u.Name); err == nil {
		return nil, alreadyExists(msgLoginProfileExists, name)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if _, err := s.checkNewPassword(ctx, acct, in.Password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	now := callTime(call)
	p := store.LoginProfile{
		AccountID:             acct,
		UserName:              u.Name,
		PasswordHash:          hash,
		PasswordResetRequired: settingOr(in.PasswordResetRequired, false),
		CreatedAt:             now,
		PasswordChangedAt:     now,
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.GetUser(ctx, acct, u.Name)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchEntity(msgNoSuchUser, name)
		} else if err != nil {
			return err
		}
		p.UserName = cur.Name
		if _, err := tx.GetLoginProfile(ctx, acct, cur.Name); err == nil {
			return alreadyExists(msgLoginProfileExists, name)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return tx.PutLoginProfile(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateLoginProfileResponse{LoginProfile: loginProfileOut(p)}, nil
}

// GetLoginProfile returns a user's login profile: its creation date and
// whether a new password is due at the next sign-in. The password is
// never returned.
func (s *Service) GetLoginProfile(ctx context.Context, call *rpc.Call, in *iamapi.GetLoginProfileRequest) (*iamapi.GetLoginProfileResponse, error) {
	acct := call.Principal.AccountID
	name, err := loginProfileUser(call, in.UserName)
	if err != nil {
		return nil, err
	}
	u, err := s.authorizedUser(ctx, call, "iam:GetLoginProfile", acct, name)
	if err != nil {
		return nil, err
	}
	p, err := s.store.GetLoginProfile(ctx, acct, u.Name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchLoginProfile, name)
	}
	if err != nil {
		return nil, err
	}
	return &iamapi.GetLoginProfileResponse{LoginProfile: loginProfileOut(p)}, nil
}

// UpdateLoginProfile sets a user's password (checked against the
// account's password policy) and/or whether it must be changed at the
// next sign-in; an omitted parameter leaves that setting as it is. The
// profile must exist: this operation does not create one.
func (s *Service) UpdateLoginProfile(ctx context.Context, call *rpc.Call, in *iamapi.UpdateLoginProfileRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	u, err := s.authorizedUser(ctx, call, "iam:UpdateLoginProfile", acct, in.UserName)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.GetLoginProfile(ctx, acct, u.Name); errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchLoginProfile, in.UserName)
	} else if err != nil {
		return nil, err
	}
	var hash string
	if in.Password != "" {
		if _, err := s.checkNewPassword(ctx, acct, in.Password); err != nil {
			return nil, err
		}
		if hash, err = hashPassword(in.Password); err != nil {
			return nil, err
		}
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		p, err := tx.GetLoginProfile(ctx, acct, u.Name)
		if err != nil {
			return err
		}
		if hash != "" {
			p.PasswordHash, p.PasswordChangedAt = hash, callTime(call)
		}
		if in.PasswordResetRequired != nil {
			p.PasswordResetRequired = *in.PasswordResetRequired
		}
		return tx.PutLoginProfile(ctx, p)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchLoginProfile, in.UserName)
	}
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// DeleteLoginProfile removes a user's console password. The user's
// access keys are untouched: it can still call the API.
func (s *Service) DeleteLoginProfile(ctx context.Context, call *rpc.Call, in *iamapi.DeleteLoginProfileRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	name, err := loginProfileUser(call, in.UserName)
	if err != nil {
		return nil, err
	}
	u, err := s.authorizedUser(ctx, call, "iam:DeleteLoginProfile", acct, name)
	if err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error { return tx.DeleteLoginProfile(ctx, acct, u.Name) })
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchLoginProfile, name)
	}
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
