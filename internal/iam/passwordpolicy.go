package iam

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// passwordPolicyHandlers lists the account password policy operations.
func (s *Service) passwordPolicyHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["GetAccountPasswordPolicy"], s.GetAccountPasswordPolicy),
		rpc.Typed(ops["UpdateAccountPasswordPolicy"], s.UpdateAccountPasswordPolicy),
		rpc.Typed(ops["DeleteAccountPasswordPolicy"], s.DeleteAccountPasswordPolicy),
	}
}

// The NoSuchEntity texts for an account without a custom policy, recorded
// from AWS in localstack/localstack tests/aws/services/iam/
// test_iam_account_password_policy.snapshot.json (2026-02): Get names the
// account id, Delete a fixed policy name.
const (
	msgNoPasswordPolicy       = "The Password Policy with domain name %s cannot be found."
	msgNoPasswordPolicyDelete = "The account policy with name PasswordPolicy cannot be found."
)

// minimumPasswordLengthDefault is what UpdateAccountPasswordPolicy sets
// when MinimumPasswordLength is omitted ("the operation uses the default
// value of 6", IAM API Reference); every other omitted setting is false
// or 0. The operation replaces the whole policy: "This operation does not
// support partial updates".
const minimumPasswordLengthDefault = 6

// GetAccountPasswordPolicy returns the account's custom password policy.
// When the policy lets users change their own passwords, every IAM user
// of the account may read it too ("gives IAM users permissions to
// iam:ChangePassword for only their user and to the
// iam:GetAccountPasswordPolicy action", IAM API Reference,
// UpdateAccountPasswordPolicy).
func (s *Service) GetAccountPasswordPolicy(ctx context.Context, call *rpc.Call, _ *struct{}) (*iamapi.GetAccountPasswordPolicyResponse, error) {
	acct := call.Principal.AccountID
	p, err := s.store.GetPasswordPolicy(ctx, acct)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// The action has no resource type (Service Authorization Reference).
	const action, resource = "iam:GetAccountPasswordPolicy", "*"
	r, err := s.evaluate(ctx, call, action, resource)
	if err != nil {
		return nil, err
	}
	if !r.Allowed() && !(found && accountGrantsSelfService(call, &p, &r)) {
		return nil, accessDenied(call, action, resource, &r)
	}
	if !found {
		return nil, noSuchEntity(msgNoPasswordPolicy, acct)
	}
	return &iamapi.GetAccountPasswordPolicyResponse{PasswordPolicy: passwordPolicyOut(p)}, nil
}

// accountGrantsSelfService reports whether the account-level grant of
// AllowUsersToChangePassword lets the caller through a refusal r: it
// applies to IAM users (with their keys or a session of their own) and
// does not override an explicit deny.
func accountGrantsSelfService(call *rpc.Call, p *store.PasswordPolicy, r *policy.Result) bool {
	return p.AllowUsersToChangePassword && call.Principal.Type == auth.User && r.Decision != policy.DecisionExplicitDeny
}

// passwordPolicyOut shapes a stored policy as GetAccountPasswordPolicy
// answers it. AWS leaves MaxPasswordAge, PasswordReusePrevention and
// HardExpiry out of a policy that does not set them (the "defaults"
// snapshot recorded from AWS, test_iam_account_password_policy.snapshot.json)
// and derives ExpirePasswords from MaxPasswordAge (IAM API Reference,
// PasswordPolicy).
func passwordPolicyOut(p store.PasswordPolicy) iamapi.PasswordPolicy {
	out := iamapi.PasswordPolicy{
		MinimumPasswordLength:      valuePtr(p.MinimumPasswordLength),
		RequireSymbols:             valuePtr(p.RequireSymbols),
		RequireNumbers:             valuePtr(p.RequireNumbers),
		RequireUppercaseCharacters: valuePtr(p.RequireUppercaseCharacters),
		RequireLowercaseCharacters: valuePtr(p.RequireLowercaseCharacters),
		AllowUsersToChangePassword: valuePtr(p.AllowUsersToChangePassword),
		ExpirePasswords:            valuePtr(p.MaxPasswordAge > 0),
	}
	if p.MaxPasswordAge > 0 {
		out.MaxPasswordAge = valuePtr(p.MaxPasswordAge)
	}
	if p.PasswordReusePrevention > 0 {
		out.PasswordReusePrevention = valuePtr(p.PasswordReusePrevention)
	}
	if p.HardExpiry {
		out.HardExpiry = valuePtr(true)
	}
	return out
}

// valuePtr returns a pointer to a copy of v.
func valuePtr[T any](v T) *T { return &v }

// UpdateAccountPasswordPolicy sets the account's custom password policy,
// replacing any previous one whole: omitted settings take their defaults.
// The model's constraints (length 6–128, age 1–1095 days, reuse 1–24)
// are checked before the handler runs.
func (s *Service) UpdateAccountPasswordPolicy(ctx context.Context, call *rpc.Call, in *iamapi.UpdateAccountPasswordPolicyRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorize(ctx, call, "iam:UpdateAccountPasswordPolicy", "*"); err != nil {
		return nil, err
	}
	p := store.PasswordPolicy{
		AccountID:                  acct,
		MinimumPasswordLength:      settingOr(in.MinimumPasswordLength, minimumPasswordLengthDefault),
		RequireSymbols:             settingOr(in.RequireSymbols, false),
		RequireNumbers:             settingOr(in.RequireNumbers, false),
		RequireUppercaseCharacters: settingOr(in.RequireUppercaseCharacters, false),
		RequireLowercaseCharacters: settingOr(in.RequireLowercaseCharacters, false),
		AllowUsersToChangePassword: settingOr(in.AllowUsersToChangePassword, false),
		MaxPasswordAge:             settingOr(in.MaxPasswordAge, 0),
		PasswordReusePrevention:    settingOr(in.PasswordReusePrevention, 0),
		HardExpiry:                 settingOr(in.HardExpiry, false),
	}
	if err := s.store.Update(ctx, func(tx store.Tx) error { return tx.PutPasswordPolicy(ctx, p) }); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// settingOr is *v, or def when the parameter was omitted.
func settingOr[T any](v *T, def T) T {
	if v == nil {
		return def
	}
	return *v
}

// DeleteAccountPasswordPolicy removes the account's custom password
// policy; the AWS default policy applies again.
func (s *Service) DeleteAccountPasswordPolicy(ctx context.Context, call *rpc.Call, _ *struct{}) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorize(ctx, call, "iam:DeleteAccountPasswordPolicy", "*"); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error { return tx.DeletePasswordPolicy(ctx, acct) })
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoPasswordPolicyDelete)
	}
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// checkNewPassword refuses a password the account's policy forbids: its
// custom policy, or AWS's default one while it has none. It returns the
// custom policy (nil for none) for the caller's further rules.
func (s *Service) checkNewPassword(ctx context.Context, acct, password string) (*store.PasswordPolicy, error) {
	var custom *store.PasswordPolicy
	p, err := s.store.GetPasswordPolicy(ctx, acct)
	switch {
	case err == nil:
		custom = &p
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	var name string
	if custom == nil {
		a, err := s.store.GetAccount(ctx, acct)
		if err != nil {
			return nil, err
		}
		name = a.Alias
	}
	if brokenPasswordRule(custom, name, password) != ruleNone {
		return nil, passwordViolation()
	}
	return custom, nil
}
