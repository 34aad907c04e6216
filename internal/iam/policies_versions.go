package iam

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// versionNotFound answers a version id the policy does not have. No
// recording of real IAM holds this refusal; the wording is moto's
// (moto/iam/models.py, set_default_policy_version), which follows IAM's
// "does not exist or is not attachable" phrasing for policies.
func versionNotFound(policyARN, versionID string) error {
	return noSuchEntity("Policy %s version %s does not exist or is not attachable.", policyARN, versionID)
}

// CreatePolicyVersion adds a version to a managed policy, optionally as
// the new default. A policy keeps at most five versions.
func (s *Service) CreatePolicyVersion(ctx context.Context, call *rpc.Call, in *iamapi.CreatePolicyVersionRequest) (*iamapi.CreatePolicyVersionResponse, error) {
	acct := call.Principal.AccountID
	if err := s.authorizePolicyARN(ctx, call, "iam:CreatePolicyVersion", in.PolicyArn); err != nil {
		return nil, err
	}
	if _, err := s.policies.Parse(in.PolicyDocument, policy.KindManaged); err != nil {
		return nil, err
	}
	now := callTime(call)
	setDefault := in.SetAsDefault != nil && *in.SetAsDefault
	var v store.PolicyVersion
	err := s.store.Update(ctx, func(tx store.Tx) error {
		p, err := lookupPolicy(ctx, tx, acct, in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		versions, err := tx.ListPolicyVersions(ctx, acct, p.Name)
		if err != nil {
			return err
		}
		if len(versions) >= iamlimits.VersionsPerPolicy {
			// IAM's wording, quoted in 99designs/iamy#21.
			return limitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", iamlimits.VersionsPerPolicy)
		}
		// Version ids count up from the highest one the policy holds.
		next := 1
		for _, old := range versions {
			if n, ok := versionNumber(old.VersionID); ok && n >= next {
				next = n + 1
			}
		}
		v = store.PolicyVersion{AccountID: acct, PolicyName: p.Name, VersionID: "v" + strconv.Itoa(next), Document: in.PolicyDocument, CreatedAt: now}
		if err := tx.CreatePolicyVersion(ctx, v); err != nil {
			return err
		}
		// UpdateDate is "the date and time when the most recent policy
		// version was created" (IAM API reference, Policy).
		p.UpdatedAt = now
		if setDefault {
			p.DefaultVersionID = v.VersionID
		}
		return tx.UpdatePolicy(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreatePolicyVersionResponse{PolicyVersion: &iamapi.PolicyVersion{
		VersionId: v.VersionID, IsDefaultVersion: &setDefault, CreateDate: v.CreatedAt,
	}}, nil
}

// GetPolicyVersion returns one version with its document, URL-encoded as
// IAM returns documents.
func (s *Service) GetPolicyVersion(ctx context.Context, call *rpc.Call, in *iamapi.GetPolicyVersionRequest) (*iamapi.GetPolicyVersionResponse, error) {
	acct := call.Principal.AccountID
	if err := s.authorizePolicyARN(ctx, call, "iam:GetPolicyVersion", in.PolicyArn); err != nil {
		return nil, err
	}
	p, err := lookupPolicy(ctx, s.store, acct, in.PolicyArn, policyNotFound)
	if err != nil {
		return nil, err
	}
	v, err := s.store.GetPolicyVersion(ctx, acct, p.Name, in.VersionId)
	if errors.Is(err, store.ErrNotFound) {
		return nil, versionNotFound(in.PolicyArn, in.VersionId)
	}
	if err != nil {
		return nil, err
	}
	out := versionOut(v, p.DefaultVersionID)
	out.Document = encodeDocument(v.Document)
	return &iamapi.GetPolicyVersionResponse{PolicyVersion: &out}, nil
}

// ListPolicyVersions lists a policy's versions, oldest first, without
// their documents.
func (s *Service) ListPolicyVersions(ctx context.Context, call *rpc.Call, in *iamapi.ListPolicyVersionsRequest) (*iamapi.ListPolicyVersionsResponse, error) {
	acct := call.Principal.AccountID
	if err := s.authorizePolicyARN(ctx, call, "iam:ListPolicyVersions", in.PolicyArn); err != nil {
		return nil, err
	}
	p, err := lookupPolicy(ctx, s.store, acct, in.PolicyArn, policyNotFound)
	if err != nil {
		return nil, err
	}
	versions, err := s.store.ListPolicyVersions(ctx, acct, p.Name)
	if err != nil {
		return nil, err
	}
	items, truncated, marker, err := pageSlice(versions, in.Marker, in.MaxItems, func(v store.PolicyVersion) string { return versionKey(v.VersionID) })
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListPolicyVersionsResponse{Versions: make([]iamapi.PolicyVersion, 0, len(items)), IsTruncated: truncated, Marker: marker}
	for _, v := range items {
		out.Versions = append(out.Versions, versionOut(v, p.DefaultVersionID))
	}
	return out, nil
}

// SetDefaultPolicyVersion makes an existing version the one in force; the
// change reaches every user and role the policy is attached to at once.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, call *rpc.Call, in *iamapi.SetDefaultPolicyVersionRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorizePolicyARN(ctx, call, "iam:SetDefaultPolicyVersion", in.PolicyArn); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		p, err := lookupPolicy(ctx, tx, acct, in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		v, err := tx.GetPolicyVersion(ctx, acct, p.Name, in.VersionId)
		if errors.Is(err, store.ErrNotFound) {
			return versionNotFound(in.PolicyArn, in.VersionId)
		}
		if err != nil {
			return err
		}
		if p.DefaultVersionID == v.VersionID {
			return nil
		}
		p.DefaultVersionID = v.VersionID
		return tx.UpdatePolicy(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// DeletePolicyVersion deletes a version other than the default.
func (s *Service) DeletePolicyVersion(ctx context.Context, call *rpc.Call, in *iamapi.DeletePolicyVersionRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorizePolicyARN(ctx, call, "iam:DeletePolicyVersion", in.PolicyArn); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		p, err := lookupPolicy(ctx, tx, acct, in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		if strings.EqualFold(p.DefaultVersionID, in.VersionId) {
			// IAM's wording, quoted in redradrat/aws-iam-operator#13.
			return deleteConflict("Cannot delete the default version of a policy.")
		}
		err = tx.DeletePolicyVersion(ctx, acct, p.Name, in.VersionId)
		if errors.Is(err, store.ErrNotFound) {
			return versionNotFound(in.PolicyArn, in.VersionId)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// versionOut shapes a stored version, without its document.
func versionOut(v store.PolicyVersion, defaultID string) iamapi.PolicyVersion {
	isDefault := v.VersionID == defaultID
	return iamapi.PolicyVersion{VersionId: v.VersionID, IsDefaultVersion: &isDefault, CreateDate: v.CreatedAt}
}
