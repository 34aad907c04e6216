package iam

import (
	"context"
	"errors"
	"unicode"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/store"
)

// parseTrustPolicy validates a trust policy document as IAM does for
// CreateRole and UpdateAssumeRolePolicy: its grammar and elements, then its
// length quota. "IAM doesn't count white space when calculating the size of
// a policy against these quotas" (IAM User Guide, IAM and AWS STS quotas);
// the refusal is "Cannot exceed quota for ACLSizePerRole: 2048", quoted from
// real CreateRole and UpdateAssumeRolePolicy answers in public reports
// (e.g. github.com/cloudposse/terraform-aws-components, aws-teams README).
func (s *Service) parseTrustPolicy(doc string) (*policy.Policy, error) {
	p, err := s.policies.Parse(doc, policy.KindTrust)
	if err != nil {
		return nil, err
	}
	if trustPolicySize(doc) > iamlimits.TrustPolicySize {
		return nil, limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", iamlimits.TrustPolicySize)
	}
	return p, nil
}

// trustPolicySize counts the characters of doc that are not white space.
func trustPolicySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// checkTrustPrincipals refuses a trust policy that names, as an "AWS"
// principal, an IAM user or role of an account stsd holds but that does not
// exist there: IAM resolves such principals to unique ids when the policy
// is saved and answers MalformedPolicyDocument `Invalid principal in
// policy: "AWS":"ARN"` (IAM User Guide, "Policy elements: Principal": "If
// the principal ... does not exist, the policy is rejected"). Principals of
// accounts stsd does not know cannot be checked and are accepted.
func checkTrustPrincipals(ctx context.Context, tx store.Reader, p *policy.Policy) error {
	known := map[string]bool{}
	for _, st := range p.Statements {
		for _, ps := range []*policy.Principals{st.Principal, st.NotPrincipal} {
			if ps == nil {
				continue
			}
			for _, v := range ps.AWS {
				if err := checkAWSPrincipal(ctx, tx, known, v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func checkAWSPrincipal(ctx context.Context, tx store.Reader, known map[string]bool, v string) error {
	res, err := arn.ParseIAM(v)
	if err != nil || res.Service != "iam" || (res.Type != arn.TypeUser && res.Type != arn.TypeRole) {
		return nil
	}
	exists, seen := known[res.AccountID]
	if !seen {
		_, err := tx.GetAccount(ctx, res.AccountID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		exists = err == nil
		known[res.AccountID] = exists
	}
	if !exists {
		return nil
	}
	var path string
	if res.Type == arn.TypeUser {
		u, err := tx.GetUser(ctx, res.AccountID, res.Name)
		if errors.Is(err, store.ErrNotFound) {
			return policy.InvalidPrincipalError("AWS", v)
		} else if err != nil {
			return err
		}
		path = u.Path
	} else {
		r, err := tx.GetRole(ctx, res.AccountID, res.Name)
		if errors.Is(err, store.ErrNotFound) {
			return policy.InvalidPrincipalError("AWS", v)
		} else if err != nil {
			return err
		}
		path = r.Path
	}
	if path == "" {
		path = "/"
	}
	if path != res.Path {
		// The ARN names another entity than the one with that name.
		return policy.InvalidPrincipalError("AWS", v)
	}
	return nil
}

// validateBoundaryARN refuses a permissions boundary that is not a managed policy
// of the caller's account. A value that is not a policy ARN at all is
// answered as IAM answers AttachRolePolicy with one ("Invalid ARN:  Could
// not be parsed!", ValidationError, recorded in test_iam.snapshot.json,
// test_role_attach_policy); a policy that does not exist as "Scope ARN: ARN
// does not exist or is not attachable." (NoSuchEntity, quoted from real
// CreateRole answers in public reports, e.g. github.com/openshift/rosa).
func validateBoundaryARN(ctx context.Context, tx store.Reader, acct, policyARN string) error {
	res, err := arn.ParseIAM(policyARN)
	if err != nil {
		return &apierr.Error{Code: "ValidationError", Message: "Invalid ARN:  Could not be parsed!"}
	}
	notFound := noSuchEntity("Scope ARN: %s does not exist or is not attachable.", policyARN)
	if res.Type != arn.TypePolicy || res.AccountID != acct {
		return notFound
	}
	mp, err := tx.GetPolicy(ctx, acct, res.Name)
	if errors.Is(err, store.ErrNotFound) {
		return notFound
	} else if err != nil {
		return err
	}
	path := mp.Path
	if path == "" {
		path = "/"
	}
	if path != res.Path || mp.Name != res.Name {
		return notFound
	}
	return nil
}
