package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/store"
)

// credentialReportSubjects reads what the report shows of an account: the
// root first, then every user in the order ListUsers gives them (by name,
// case-insensitively). AWS orders users by name too: a report quoted in
// the tests of the "oil" auditing tool (IAMBarrelTestCase) lists
// example.user, fakeuser, final.user, though final.user is the oldest.
// It also returns the account password policy's MaxPasswordAge (0 when
// the account has no policy or passwords do not expire).
func (s *Service) credentialReportSubjects(ctx context.Context, acct string) ([]reportSubject, int32, error) {
	account, err := s.store.GetAccount(ctx, acct)
	if err != nil {
		return nil, 0, err
	}
	var maxAge int32
	switch pp, err := s.store.GetPasswordPolicy(ctx, acct); {
	case err == nil:
		maxAge = pp.MaxPasswordAge
	case !errors.Is(err, store.ErrNotFound):
		return nil, 0, err
	}
	// One listing of the account's devices serves every row: a device
	// counts when enabled, for the root when it has no user name.
	devices, err := s.store.ListMFADevices(ctx, acct, "")
	if err != nil {
		return nil, 0, err
	}
	mfa := map[string]bool{}
	for _, d := range devices {
		if !d.EnabledAt.IsZero() {
			mfa[strings.ToLower(d.UserName)] = true
		}
	}

	root := reportSubject{root: true, arn: arn.Root(acct), created: account.CreatedAt, mfa: mfa[""]}
	if err := s.reportCredentials(ctx, acct, "", &root); err != nil {
		return nil, 0, err
	}
	users, err := s.store.ListUsers(ctx, acct, defaultPath, store.Page{})
	if err != nil {
		return nil, 0, err
	}
	out := make([]reportSubject, 0, len(users)+1)
	out = append(out, root)
	for _, u := range users {
		sub := reportSubject{
			name:             u.Name,
			arn:              arn.User(acct, u.Path, u.Name),
			created:          u.CreatedAt,
			passwordLastUsed: u.PasswordLastUsed,
			mfa:              mfa[strings.ToLower(u.Name)],
		}
		switch p, err := s.store.GetLoginProfile(ctx, acct, u.Name); {
		case err == nil:
			sub.profile = &p
		case !errors.Is(err, store.ErrNotFound):
			return nil, 0, err
		}
		if err := s.reportCredentials(ctx, acct, u.Name, &sub); err != nil {
			return nil, 0, err
		}
		out = append(out, sub)
	}
	return out, maxAge, nil
}

// reportCredentials fills in the access keys and signing certificates of
// a user, or of the root when userName is "".
func (s *Service) reportCredentials(ctx context.Context, acct, userName string, sub *reportSubject) error {
	keys, err := s.store.ListAccessKeys(ctx, acct, userName)
	if err != nil {
		return err
	}
	certs, err := s.store.ListSigningCertificates(ctx, acct, userName)
	if err != nil {
		return err
	}
	sub.keys, sub.certs = keys, certs
	return nil
}
