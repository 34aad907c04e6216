package iam

import (
	"context"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// Account alias messages. "The account alias X already exists." is AWS's
// EntityAlreadyExists for an alias another account holds, quoted from
// real CreateAccountAlias answers in awslabs/aws-deployment-framework#465
// and ekristen/aws-nuke#697. The NoSuchEntity text is stsd's, in IAM's
// "cannot be found." form (as floci-io/floci words it); AWS's text for
// DeleteAccountAlias is not recorded anywhere stsd found.
const (
	msgAliasExists   = "The account alias %s already exists."
	msgAliasNotFound = "The account alias %s cannot be found."
)

// CreateAccountAlias gives the caller's account an alias. Aliases are
// unique across all accounts ("unique across all Amazon Web Services
// products", IAM User Guide, "Your AWS account ID and its alias"), here
// across the accounts of this stsd. An account has at most one alias, and
// a new one replaces the old rather than being refused: floci-io/floci#2103
// observed that on a live AWS account. Asking for the alias the account
// already has is EntityAlreadyExists like any taken alias.
//
// The model's pattern and length constraints (accountAliasType) are
// checked by the protocol layer before this runs.
func (s *Service) CreateAccountAlias(ctx context.Context, call *rpc.Call, in *iamapi.CreateAccountAliasRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorize(ctx, call, "iam:CreateAccountAlias", "*"); err != nil {
		return nil, err
	}
	// The check and the write share one transaction, so two accounts
	// racing for the same alias cannot both get it.
	err := s.store.Update(ctx, func(tx store.Tx) error {
		accounts, err := tx.ListAccounts(ctx)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if a.Alias == in.AccountAlias {
				return alreadyExists(msgAliasExists, in.AccountAlias)
			}
		}
		a, err := tx.GetAccount(ctx, acct)
		if err != nil {
			return err
		}
		a.Alias = in.AccountAlias
		return tx.UpdateAccount(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// DeleteAccountAlias removes the account's alias. The caller names the
// alias, and a name that is not the account's current alias is
// NoSuchEntity (floci-io/floci#2103, checked against AWS), so a stale
// name cannot clear an alias set since.
func (s *Service) DeleteAccountAlias(ctx context.Context, call *rpc.Call, in *iamapi.DeleteAccountAliasRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorize(ctx, call, "iam:DeleteAccountAlias", "*"); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		a, err := tx.GetAccount(ctx, acct)
		if err != nil {
			return err
		}
		if a.Alias == "" || a.Alias != in.AccountAlias {
			return noSuchEntity(msgAliasNotFound, in.AccountAlias)
		}
		a.Alias = ""
		return tx.UpdateAccount(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ListAccountAliases lists the account's alias: one, or none (an empty
// list, as AWS answers an account without one). It pages like the other
// listings, which with at most one alias only matters to a client that
// passes MaxItems or a Marker.
func (s *Service) ListAccountAliases(ctx context.Context, call *rpc.Call, in *iamapi.ListAccountAliasesRequest) (*iamapi.ListAccountAliasesResponse, error) {
	if err := s.authorize(ctx, call, "iam:ListAccountAliases", "*"); err != nil {
		return nil, err
	}
	a, err := s.store.GetAccount(ctx, call.Principal.AccountID)
	if err != nil {
		return nil, err
	}
	aliases := []string{}
	if a.Alias != "" {
		aliases = append(aliases, a.Alias)
	}
	items, truncated, marker, err := pageSlice(aliases, in.Marker, in.MaxItems, func(alias string) string { return alias })
	if err != nil {
		return nil, err
	}
	return &iamapi.ListAccountAliasesResponse{AccountAliases: items, IsTruncated: truncated, Marker: marker}, nil
}
