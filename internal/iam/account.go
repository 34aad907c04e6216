package iam

import (
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/rpc"
)

// accountHandlers lists the operations of this group: the account's alias
// and its usage summary. None of them has a resource type in the Service
// Authorization Reference, so each is authorized on "*".
func (s *Service) accountHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateAccountAlias"], s.CreateAccountAlias),
		rpc.Typed(ops["DeleteAccountAlias"], s.DeleteAccountAlias),
		rpc.Typed(ops["ListAccountAliases"], s.ListAccountAliases),
		rpc.Typed(ops["GetAccountSummary"], s.GetAccountSummary),
	}
}
