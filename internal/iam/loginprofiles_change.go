package iam

import (
	"context"
	"crypto/subtle"
	"errors"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// codeInvalidUserType is the model's InvalidUserType (HTTP 400).
const codeInvalidUserType = "InvalidUserType"

// Refusals of ChangePassword. A caller that is not an IAM user gets
// InvalidUserType ("If this command is called using account (root)
// credentials, the command returns an InvalidUserType error", aws/aws-cli
// awscli/examples/iam/change-password.rst); its text is the model's
// description of the error, as no recording of AWS's wording was found.
// AWS's answer to a wrong OldPassword is not recorded either, nor is it
// among the operation's modelled errors: stsd refuses it as AccessDenied,
// the caller having failed to prove it holds the password, in words of
// its own.
const (
	msgInvalidUserType   = "The request was rejected because the type of user for the transaction was incorrect."
	msgWrongOldPassword  = "The old password is incorrect."
	actionChangePassword = "iam:ChangePassword"
)

// ChangePassword lets an IAM user, signing with its own access key or a
// session of its own, replace its console password. The user needs
// iam:ChangePassword on itself, or an account password policy with
// AllowUsersToChangePassword, which grants exactly that unless a policy
// explicitly denies it (IAM User Guide, "Permitting IAM users to change
// their own passwords"). OldPassword must match; NewPassword must satisfy
// the account's password policy and, when the policy prevents reuse,
// differ from the current password (stsd keeps no older ones). A
// successful change clears PasswordResetRequired.
func (s *Service) ChangePassword(ctx context.Context, call *rpc.Call, in *iamapi.ChangePasswordRequest) (*struct{}, error) {
	p := call.Principal
	if p.Type != auth.User {
		return nil, apierr.New(codeInvalidUserType, msgInvalidUserType)
	}
	acct := p.AccountID
	u, err := s.store.GetUser(ctx, acct, p.Name)
	if errors.Is(err, store.ErrNotFound) {
		// The signing user was deleted after its credentials were checked.
		return nil, noSuchEntity(msgNoSuchUser, p.Name)
	} else if err != nil {
		return nil, err
	}
	if err := s.authorizeChangePassword(ctx, call, arn.User(acct, u.Path, u.Name)); err != nil {
		return nil, err
	}
	profile, err := s.store.GetLoginProfile(ctx, acct, u.Name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchLoginProfile, u.Name)
	} else if err != nil {
		return nil, err
	}
	if err := checkOldPassword(profile.PasswordHash, in.OldPassword); err != nil {
		return nil, err
	}
	custom, err := s.checkNewPassword(ctx, acct, in.NewPassword)
	if err != nil {
		return nil, err
	}
	if custom != nil && custom.PasswordReusePrevention > 0 &&
		subtle.ConstantTimeCompare([]byte(in.NewPassword), []byte(in.OldPassword)) == 1 {
		return nil, passwordViolation()
	}
	hash, err := hashPassword(in.NewPassword)
	if err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.GetLoginProfile(ctx, acct, u.Name)
		if err != nil {
			return err
		}
		// An administrator may have set another password meanwhile; the
		// old one must match what is stored now.
		if cur.PasswordHash != profile.PasswordHash {
			if err := checkOldPassword(cur.PasswordHash, in.OldPassword); err != nil {
				return err
			}
		}
		cur.PasswordHash, cur.PasswordChangedAt, cur.PasswordResetRequired = hash, callTime(call), false
		return tx.PutLoginProfile(ctx, cur)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchLoginProfile, u.Name)
	}
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// authorizeChangePassword lets the caller change its own password when its
// policies allow iam:ChangePassword on userARN or the account's password
// policy grants it.
func (s *Service) authorizeChangePassword(ctx context.Context, call *rpc.Call, userARN string) error {
	r, err := s.evaluate(ctx, call, actionChangePassword, userARN)
	if err != nil || r.Allowed() {
		return err
	}
	pp, err := s.store.GetPasswordPolicy(ctx, call.Principal.AccountID)
	switch {
	case err == nil:
		if accountGrantsSelfService(call, &pp, &r) {
			return nil
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return accessDenied(call, actionChangePassword, userARN, &r)
}

// checkOldPassword refuses a password that does not match the stored
// hash.
func checkOldPassword(hash, password string) error {
	ok, err := verifyPassword(hash, password)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.New(apierr.AccessDenied, msgWrongOldPassword)
	}
	return nil
}
