package iam

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// serviceCredentialHandlers lists the operations of this group.
func (s *Service) serviceCredentialHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateServiceSpecificCredential"], s.CreateServiceSpecificCredential),
		rpc.Typed(ops["ListServiceSpecificCredentials"], s.ListServiceSpecificCredentials),
		rpc.Typed(ops["ResetServiceSpecificCredential"], s.ResetServiceSpecificCredential),
		rpc.Typed(ops["UpdateServiceSpecificCredential"], s.UpdateServiceSpecificCredential),
		rpc.Typed(ops["DeleteServiceSpecificCredential"], s.DeleteServiceSpecificCredential),
	}
}

// Service-specific credential messages. The unsupported service (IAM
// answers NoSuchEntity, not the model's NotSupportedService) and the
// missing credential are recorded from AWS in
// aws-parity-snapshots/localstack/test_iam.snapshot.json. The quota text
// follows IAM's "Cannot exceed quota for NAME: N" form; AWS's quota name
// for this one is not recorded. The last three are stsd's wording: AWS's
// answers are not recorded.
const (
	msgNoSuchCredentialService = "No such service %s is supported for Service Specific Credentials"
	msgNoSuchCredential        = "No such credential %s exists"
	msgCredentialQuota         = "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: %d"
	msgAgeDaysNotAPIKey        = "CredentialAgeDays is only valid for services that support long-term API keys, not %s."
	msgAllUsersWithUserName    = "AllUsers cannot be specified together with UserName."
	msgSetExpired              = "Status Expired cannot be set; a credential expires at its ExpirationDate."
)

// Condition keys of CreateServiceSpecificCredential (IAM User Guide, "IAM
// and AWS STS condition context keys").
const (
	keyCredentialServiceName = "iam:ServiceSpecificCredentialServiceName"
	keyCredentialAgeDays     = "iam:ServiceSpecificCredentialAgeDays"
)

// credentialServiceNamed resolves a ServiceName IAM issues credentials
// for, or refuses it as IAM does.
func credentialServiceNamed(name string) (credentialService, error) {
	svc, ok := lookupCredentialService(name)
	if !ok {
		return credentialService{}, noSuchEntity(msgNoSuchCredentialService, name)
	}
	return svc, nil
}

// CreateServiceSpecificCredential creates an active credential of a user
// for one service. Its secret is returned here and, unless reset, never
// again.
//
// The user is authorized and found before the service is checked: AWS
// answers "The user with name … cannot be found." for a missing user with
// an unsupported service (recorded in test_iam.snapshot.json).
func (s *Service) CreateServiceSpecificCredential(ctx context.Context, call *rpc.Call, in *iamapi.CreateServiceSpecificCredentialRequest) (*iamapi.CreateServiceSpecificCredentialResponse, error) {
	const action = "iam:CreateServiceSpecificCredential"
	acct := call.Principal.AccountID
	extra := []contextKey{withKey(keyCredentialServiceName, in.ServiceName)}
	if in.CredentialAgeDays != nil {
		extra = append(extra, withKey(keyCredentialAgeDays, strconv.Itoa(int(*in.CredentialAgeDays))))
	}
	u, err := s.authorizedUser(ctx, call, action, acct, in.UserName, extra...)
	if err != nil {
		return nil, err
	}
	svc, err := credentialServiceNamed(in.ServiceName)
	if err != nil {
		return nil, err
	}
	if in.CredentialAgeDays != nil && svc.kind != kindAPIKey {
		return nil, invalidInput(msgAgeDaysNotAPIKey, in.ServiceName)
	}
	id, err := ids.NewUniqueID(prefixServiceCredential, acct)
	if err != nil {
		return nil, err
	}
	now := callTime(call)
	c := store.ServiceSpecificCredential{
		AccountID:   acct,
		UserName:    u.Name,
		ID:          id,
		ServiceName: in.ServiceName,
		Status:      store.AccessKeyActive,
		CreatedAt:   now,
	}
	if in.CredentialAgeDays != nil {
		// Whole days from creation: a 30-day Bedrock key created at
		// 02:34:20 expires at 02:34:20 thirty days on.
		c.ExpiresAt = now.Add(time.Duration(*in.CredentialAgeDays) * 24 * time.Hour)
	}
	var secret string
	err = s.store.Update(ctx, func(tx store.Tx) error {
		// The user may have been deleted since it was read.
		if _, err := tx.GetUser(ctx, acct, c.UserName); err != nil {
			return err
		}
		have, err := tx.ListServiceSpecificCredentials(ctx, acct, c.UserName)
		if err != nil {
			return err
		}
		n := 0
		for _, h := range have {
			if h.ServiceName == c.ServiceName {
				n++
			}
		}
		// Expired and inactive credentials count too.
		if n >= iamlimits.ServiceCredentialsPerUserPerService {
			return limitExceeded(msgCredentialQuota, iamlimits.ServiceCredentialsPerUserPerService)
		}
		// The name identifies the credential to its service, so it is
		// unique in the account, not only among the user's own: user
		// "bob+1" and bob's second credential would otherwise share
		// "bob+1-at-ACCOUNT", as would a renamed user's credentials and a
		// new user of the old name.
		taken, err := accountServiceCredentialsTx(ctx, tx, acct)
		if err != nil {
			return err
		}
		c.ServiceUserName = serviceUserName(c.UserName, acct, taken)
		if secret, err = svc.newSecret(c.ServiceUserName); err != nil {
			return err
		}
		c.Secret = []byte(secret)
		return tx.CreateServiceSpecificCredential(ctx, c)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchUser, c.UserName)
	}
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateServiceSpecificCredentialResponse{ServiceSpecificCredential: credentialOut(c, secret, now)}, nil
}

// ListServiceSpecificCredentials lists, without secrets, the credentials
// of a user, of the caller, or with AllUsers of every user in the
// account, optionally of one service only, a page at a time ordered by
// user and id.
//
// AllUsers is authorized on arn:aws:iam::ACCOUNT:user/*, every user of the
// account; which resource AWS names for it is not recorded.
func (s *Service) ListServiceSpecificCredentials(ctx context.Context, call *rpc.Call, in *iamapi.ListServiceSpecificCredentialsRequest) (*iamapi.ListServiceSpecificCredentialsResponse, error) {
	const action = "iam:ListServiceSpecificCredentials"
	acct := call.Principal.AccountID
	allUsers := in.AllUsers != nil && *in.AllUsers
	if allUsers && in.UserName != "" {
		return nil, invalidInput(msgAllUsersWithUserName)
	}
	var o keyOwner
	var err error
	if allUsers {
		err = s.authorize(ctx, call, action, arn.User(acct, defaultPath, "*"))
	} else {
		o, err = s.owner(ctx, call, action, in.UserName)
	}
	if err != nil {
		return nil, err
	}
	if in.ServiceName != "" {
		if _, err := credentialServiceNamed(in.ServiceName); err != nil {
			return nil, err
		}
	}
	var creds []store.ServiceSpecificCredential
	switch {
	case allUsers:
		creds, err = s.accountServiceCredentials(ctx, call, action, acct)
	case !o.root:
		// The root has no service-specific credentials: they belong to
		// IAM users.
		creds, err = s.store.ListServiceSpecificCredentials(ctx, acct, o.user.Name)
	}
	if err != nil {
		return nil, err
	}
	if in.ServiceName != "" {
		creds = slices.DeleteFunc(creds, func(c store.ServiceSpecificCredential) bool { return c.ServiceName != in.ServiceName })
	}
	slices.SortFunc(creds, func(a, b store.ServiceSpecificCredential) int {
		return strings.Compare(credentialPageKey(a), credentialPageKey(b))
	})
	page, truncated, marker, err := pageSlice(creds, in.Marker, in.MaxItems, credentialPageKey)
	if err != nil {
		return nil, err
	}
	now := callTime(call)
	out := &iamapi.ListServiceSpecificCredentialsResponse{
		ServiceSpecificCredentials: make([]iamapi.ServiceSpecificCredentialMetadata, len(page)),
		IsTruncated:                truncated,
		Marker:                     marker,
	}
	for i, c := range page {
		out.ServiceSpecificCredentials[i] = credentialMetadata(c, now)
	}
	return out, nil
}

// credentialPageKey orders credentials by lower-cased user name, then id;
// the NUL sorts below every character of a user name.
func credentialPageKey(c store.ServiceSpecificCredential) string {
	return strings.ToLower(c.UserName) + "\x00" + c.ID
}

// accountServiceCredentials gathers the credentials of every user of the
// account whose own ARN the caller may list them for: AllUsers is no way
// around a policy that refuses the action on one user (a Deny on
// user/admin keeps admin's credentials out of the listing).
func (s *Service) accountServiceCredentials(ctx context.Context, call *rpc.Call, action, acct string) ([]store.ServiceSpecificCredential, error) {
	users, err := s.store.ListUsers(ctx, acct, defaultPath, store.Page{})
	if err != nil {
		return nil, err
	}
	var all []store.ServiceSpecificCredential
	for _, u := range users {
		creds, err := s.store.ListServiceSpecificCredentials(ctx, acct, u.Name)
		if err != nil {
			return nil, err
		}
		if len(creds) == 0 {
			continue
		}
		r, err := s.evaluate(ctx, call, action, arn.User(acct, u.Path, u.Name))
		if err != nil {
			return nil, err
		}
		if r.Allowed() {
			all = append(all, creds...)
		}
	}
	return all, nil
}

// accountServiceCredentialsTx lists every credential of the account
// inside tx.
func accountServiceCredentialsTx(ctx context.Context, tx store.Tx, acct string) ([]store.ServiceSpecificCredential, error) {
	users, err := tx.ListUsers(ctx, acct, defaultPath, store.Page{})
	if err != nil {
		return nil, err
	}
	var all []store.ServiceSpecificCredential
	for _, u := range users {
		creds, err := tx.ListServiceSpecificCredentials(ctx, acct, u.Name)
		if err != nil {
			return nil, err
		}
		all = append(all, creds...)
	}
	return all, nil
}

// ResetServiceSpecificCredential replaces a credential's secret with a
// fresh one and returns it; the old secret stops working. Status, name and
// dates stay (the recorded reset of an Inactive credential answers it
// Inactive, test_iam.snapshot.json).
func (s *Service) ResetServiceSpecificCredential(ctx context.Context, call *rpc.Call, in *iamapi.ResetServiceSpecificCredentialRequest) (*iamapi.ResetServiceSpecificCredentialResponse, error) {
	var out *iamapi.ServiceSpecificCredential
	err := s.changeServiceCredential(ctx, call, "iam:ResetServiceSpecificCredential", in.UserName, in.ServiceSpecificCredentialId, func(tx store.Tx, c store.ServiceSpecificCredential) error {
		svc, err := credentialServiceNamed(c.ServiceName)
		if err != nil {
			return err
		}
		secret, err := svc.newSecret(c.ServiceUserName)
		if err != nil {
			return err
		}
		c.Secret = []byte(secret)
		if err := tx.UpdateServiceSpecificCredential(ctx, c); err != nil {
			return err
		}
		out = credentialOut(c, secret, callTime(call))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.ResetServiceSpecificCredentialResponse{ServiceSpecificCredential: out}, nil
}

// UpdateServiceSpecificCredential makes a credential Active or Inactive.
// Expired is a status IAM reports, not one a caller sets.
func (s *Service) UpdateServiceSpecificCredential(ctx context.Context, call *rpc.Call, in *iamapi.UpdateServiceSpecificCredentialRequest) (*struct{}, error) {
	err := s.changeServiceCredential(ctx, call, "iam:UpdateServiceSpecificCredential", in.UserName, in.ServiceSpecificCredentialId, func(tx store.Tx, c store.ServiceSpecificCredential) error {
		if in.Status == statusExpired {
			return invalidInput(msgSetExpired)
		}
		c.Status = store.AccessKeyStatus(in.Status)
		return tx.UpdateServiceSpecificCredential(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// DeleteServiceSpecificCredential deletes a credential of a user, or of
// the caller.
func (s *Service) DeleteServiceSpecificCredential(ctx context.Context, call *rpc.Call, in *iamapi.DeleteServiceSpecificCredentialRequest) (*struct{}, error) {
	err := s.changeServiceCredential(ctx, call, "iam:DeleteServiceSpecificCredential", in.UserName, in.ServiceSpecificCredentialId, func(tx store.Tx, c store.ServiceSpecificCredential) error {
		return tx.DeleteServiceSpecificCredential(ctx, c.AccountID, c.UserName, c.ID)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// changeServiceCredential is changeCredential for a service-specific
// credential. A credential of another user is answered as one that does
// not exist, as is any credential asked of the root, which has none.
func (s *Service) changeServiceCredential(ctx context.Context, call *rpc.Call, action, userName, id string, change func(store.Tx, store.ServiceSpecificCredential) error) error {
	acct := call.Principal.AccountID
	return changeCredential(ctx, s, call, action, userName, func(tx store.Tx, o keyOwner) (store.ServiceSpecificCredential, error) {
		if o.root {
			return store.ServiceSpecificCredential{}, store.ErrNotFound
		}
		return tx.GetServiceSpecificCredential(ctx, acct, o.user.Name, id)
	}, change, func() error { return noSuchEntity(msgNoSuchCredential, id) })
}
