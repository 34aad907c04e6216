package iam

import (
	"context"
	"crypto/rand"
	"errors"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/federation/outbound"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// Outbound identity federation error codes (aws-models/iam.json:
// FeatureEnabledException is "FeatureEnabled", 409; FeatureDisabledException
// is "FeatureDisabled", 404).
const (
	codeFeatureEnabled  = "FeatureEnabled"
	codeFeatureDisabled = "FeatureDisabled"
)

// The refusals' texts are the descriptions in the IAM API Reference
// (API_EnableOutboundWebIdentityFederation and
// API_DisableOutboundWebIdentityFederation, whose text
// API_GetOutboundWebIdentityFederationInfo reuses, without a final period).
// AWS's wire texts are documented, not recorded: no capture of either
// error was found (LocalStack, moto, issues, blogs).
const (
	msgFeatureEnabled  = "The request failed because outbound identity federation is already enabled for your AWS account. You cannot enable the feature multiple times. To fetch the current configuration (including the unique issuer URL), use the GetOutboundWebIdentityFederationInfo operation."
	msgFeatureDisabled = "The request failed because outbound identity federation is already disabled for your AWS account. You cannot disable the feature multiple times"
)

// outboundHandlers lists the outbound identity federation operations.
func (s *Service) outboundHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["EnableOutboundWebIdentityFederation"], s.EnableOutboundWebIdentityFederation),
		rpc.Typed(ops["DisableOutboundWebIdentityFederation"], s.DisableOutboundWebIdentityFederation),
		rpc.Typed(ops["GetOutboundWebIdentityFederationInfo"], s.GetOutboundWebIdentityFederationInfo),
	}
}

// EnableOutboundWebIdentityFederation lets the account's principals call
// GetWebIdentityToken and returns the account's issuer URL. The first
// Enable makes the issuer: a random issuer id and fresh signing keys. An
// Enable after a Disable brings back the same issuer and keys — stsd's
// choice, as AWS does not document whether the URL changes: external
// services trust the issuer URL, so keeping it spares re-configuring them.
func (s *Service) EnableOutboundWebIdentityFederation(ctx context.Context, call *rpc.Call, _ *struct{}) (*iamapi.EnableOutboundWebIdentityFederationResponse, error) {
	acct := call.Principal.AccountID
	// No resource type in the Service Authorization Reference: "*".
	if err := s.authorize(ctx, call, "iam:EnableOutboundWebIdentityFederation", "*"); err != nil {
		return nil, err
	}
	// Key generation takes a while (RSA-2048), so it happens before the
	// transaction, and only when the account has no issuer yet.
	var fresh *store.OutboundFederation
	if _, err := s.store.GetOutboundFederation(ctx, acct); errors.Is(err, store.ErrNotFound) {
		if fresh, err = newOutboundFederation(acct); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	now := callTime(call)
	var issuerID string
	err := s.store.Update(ctx, func(tx store.Tx) error {
		f, err := tx.GetOutboundFederation(ctx, acct)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if fresh == nil {
				// The row was there before the transaction and is gone now;
				// rows are never deleted, so the store is inconsistent.
				return errors.New("iam: outbound federation row vanished during Enable")
			}
			f = *fresh
			f.CreatedAt = now
		case err != nil:
			return err
		case f.Enabled:
			return apierr.New(codeFeatureEnabled, "%s", msgFeatureEnabled)
		}
		// A concurrent first Enable may have won: its row is used, and the
		// keys generated here are dropped.
		f.Enabled, f.UpdatedAt = true, now
		issuerID = f.IssuerID
		return tx.PutOutboundFederation(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.EnableOutboundWebIdentityFederationResponse{IssuerIdentifier: s.issuerURL(issuerID)}, nil
}

// DisableOutboundWebIdentityFederation stops the account's principals from
// getting tokens. The issuer and its keys are kept, and the discovery
// endpoints keep answering: "This operation does not affect tokens that
// were issued before the feature was disabled" (IAM API Reference), so
// their verifiers still need the keys.
func (s *Service) DisableOutboundWebIdentityFederation(ctx context.Context, call *rpc.Call, _ *struct{}) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorize(ctx, call, "iam:DisableOutboundWebIdentityFederation", "*"); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		f, err := tx.GetOutboundFederation(ctx, acct)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !f.Enabled) {
			return featureDisabled()
		} else if err != nil {
			return err
		}
		f.Enabled, f.UpdatedAt = false, callTime(call)
		return tx.PutOutboundFederation(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// GetOutboundWebIdentityFederationInfo returns the issuer URL of an account
// with the feature enabled. A disabled (or never enabled) account gets
// FeatureDisabled, not JwtVendingEnabled false: the model lists only that
// error, and the Terraform AWS provider's acceptance test, run against AWS,
// expects FeatureDisabled from Get after Disable
// (internal/service/iam/outbound_web_identity_federation_test.go,
// hashicorp/terraform-provider-aws#45217). JwtVendingEnabled is therefore
// always true here.
func (s *Service) GetOutboundWebIdentityFederationInfo(ctx context.Context, call *rpc.Call, _ *struct{}) (*iamapi.GetOutboundWebIdentityFederationInfoResponse, error) {
	if err := s.authorize(ctx, call, "iam:GetOutboundWebIdentityFederationInfo", "*"); err != nil {
		return nil, err
	}
	f, err := s.store.GetOutboundFederation(ctx, call.Principal.AccountID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !f.Enabled) {
		return nil, featureDisabled()
	} else if err != nil {
		return nil, err
	}
	enabled := true
	return &iamapi.GetOutboundWebIdentityFederationInfoResponse{
		IssuerIdentifier:  s.issuerURL(f.IssuerID),
		JwtVendingEnabled: &enabled,
	}, nil
}

// issuerURL is the account's issuer URL under the configured public URL.
// It is built on every answer rather than stored, so a deployment that
// moves to a new public URL reports (and signs with) the new one.
func (s *Service) issuerURL(issuerID string) string {
	return outbound.IssuerURL(s.publicURL, issuerID)
}

// featureDisabled refuses Disable and Get on an account without the
// feature.
func featureDisabled() error {
	return apierr.New(codeFeatureDisabled, "%s", msgFeatureDisabled)
}

// newOutboundFederation makes an account's issuer: a random issuer id and
// fresh RS256 and ES384 signing keys, enabled.
func newOutboundFederation(acct string) (*store.OutboundFederation, error) {
	id, err := outbound.NewIssuerID(rand.Reader)
	if err != nil {
		return nil, err
	}
	rsaKey, ecKey, err := outbound.GenerateKeys(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &store.OutboundFederation{AccountID: acct, IssuerID: id, RSAKey: rsaKey, ECKey: ecKey}, nil
}
