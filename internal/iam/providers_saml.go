package iam

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// defaultSAMLValidity is how long a provider whose metadata has no
// validUntil stays valid: AWS answers a ValidUntil 100 years after the
// CreateDate (AWS CLI examples, get-saml-provider: CreateDate
// 2017-03-06T22:29:46, ValidUntil 2117-03-06T22:29:46.433).
const defaultSAMLValidity = 100

// assertionEncryptionAllowed is the one AssertionEncryptionMode stsd
// serves: assertions may be encrypted or not. AWS reports "Allowed" for a
// provider created without the parameter (recorded in LocalStack's
// tests/aws/services/iam/test_iam_saml_providers.snapshot.json).
const assertionEncryptionAllowed = "Allowed"

// CreateSAMLProvider registers a SAML 2.0 identity provider from its
// metadata, which is parsed and checked on upload (see parseSAMLMetadata).
func (s *Service) CreateSAMLProvider(ctx context.Context, call *rpc.Call, in *iamapi.CreateSAMLProviderRequest) (*iamapi.CreateSAMLProviderResponse, error) {
	acct := call.Principal.AccountID
	providerARN := arn.SAMLProvider(acct, in.Name)
	if err := s.authorize(ctx, call, "iam:CreateSAMLProvider", providerARN, withRequestTags(in.Tags)...); err != nil {
		return nil, err
	}
	if err := checkSAMLEncryption(in.AssertionEncryptionMode, in.AddPrivateKey, ""); err != nil {
		return nil, err
	}
	md, err := metadataIn(in.SAMLMetadataDocument)
	if err != nil {
		return nil, err
	}
	tags, err := providerTags(in.Tags)
	if err != nil {
		return nil, err
	}
	now := callTime(call)
	p := store.SAMLProvider{
		AccountID:  acct,
		ARN:        providerARN,
		Name:       in.Name,
		Metadata:   in.SAMLMetadataDocument,
		ValidUntil: validUntil(md, now),
		Tags:       tags,
		CreatedAt:  now,
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		existing, err := tx.ListSAMLProviders(ctx, acct)
		if err != nil {
			return err
		}
		if len(existing) >= iamlimits.SAMLProvidersPerAccount {
			// The quota's name follows OpenIdConnectProvidersPerAccount;
			// AWS's exact wording for SAML is not recorded.
			return limitExceeded("Cannot exceed quota for SAMLProvidersPerAccount: %d", iamlimits.SAMLProvidersPerAccount)
		}
		return tx.CreateSAMLProvider(ctx, p)
	})
	if errors.Is(err, store.ErrAlreadyExists) {
		// AWS's wording, as quoted from a CreateSAMLProvider refusal in
		// org-formation/aws-resource-providers issue 59.
		return nil, alreadyExists("Provider with name %s already exists.", in.Name)
	}
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateSAMLProviderResponse{SAMLProviderArn: providerARN, Tags: tagsOut(tags)}, nil
}

// GetSAMLProvider returns the provider's metadata document and dates.
func (s *Service) GetSAMLProvider(ctx context.Context, call *rpc.Call, in *iamapi.GetSAMLProviderRequest) (*iamapi.GetSAMLProviderResponse, error) {
	if err := s.authorize(ctx, call, "iam:GetSAMLProvider", in.SAMLProviderArn); err != nil {
		return nil, err
	}
	p, err := samlProvider(ctx, s.store, call.Principal.AccountID, in.SAMLProviderArn)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetSAMLProviderResponse{
		SAMLProviderUUID:        samlProviderUUID(p),
		SAMLMetadataDocument:    p.Metadata,
		CreateDate:              p.CreatedAt,
		ValidUntil:              validUntilOut(p),
		Tags:                    tagsOut(p.Tags),
		AssertionEncryptionMode: assertionEncryptionAllowed,
	}, nil
}

// ListSAMLProviders lists the account's providers with their dates. The
// operation does not page. It is authorized on
// arn:aws:iam::ACCOUNT:saml-provider/*, by analogy with
// ListOpenIDConnectProviders (AWS's resource here is not recorded).
func (s *Service) ListSAMLProviders(ctx context.Context, call *rpc.Call, _ *iamapi.ListSAMLProvidersRequest) (*iamapi.ListSAMLProvidersResponse, error) {
	if err := s.authorize(ctx, call, "iam:ListSAMLProviders", arn.SAMLProvider(call.Principal.AccountID, "*")); err != nil {
		return nil, err
	}
	ps, err := s.store.ListSAMLProviders(ctx, call.Principal.AccountID)
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListSAMLProvidersResponse{SAMLProviderList: make([]iamapi.SAMLProviderListEntry, len(ps))}
	for i, p := range ps {
		out.SAMLProviderList[i] = iamapi.SAMLProviderListEntry{Arn: p.ARN, ValidUntil: validUntilOut(p), CreateDate: p.CreatedAt}
	}
	return out, nil
}

// UpdateSAMLProvider replaces the metadata document; its validity is taken
// from the new document. The model makes the document optional (the other
// parameters manage encryption keys, which stsd does not hold), so an
// update without one changes nothing.
func (s *Service) UpdateSAMLProvider(ctx context.Context, call *rpc.Call, in *iamapi.UpdateSAMLProviderRequest) (*iamapi.UpdateSAMLProviderResponse, error) {
	if err := s.authorize(ctx, call, "iam:UpdateSAMLProvider", in.SAMLProviderArn); err != nil {
		return nil, err
	}
	if err := checkSAMLEncryption(in.AssertionEncryptionMode, in.AddPrivateKey, in.RemovePrivateKey); err != nil {
		return nil, err
	}
	var md *samlMetadata
	if in.SAMLMetadataDocument != "" {
		var err error
		if md, err = metadataIn(in.SAMLMetadataDocument); err != nil {
			return nil, err
		}
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		p, err := samlProvider(ctx, tx, call.Principal.AccountID, in.SAMLProviderArn)
		if err != nil || md == nil {
			return err
		}
		p.Metadata = in.SAMLMetadataDocument
		p.ValidUntil = validUntil(md, callTime(call))
		return tx.UpdateSAMLProvider(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.UpdateSAMLProviderResponse{SAMLProviderArn: in.SAMLProviderArn}, nil
}

// DeleteSAMLProvider deletes a provider; roles trusting it are left alone,
// as in AWS.
func (s *Service) DeleteSAMLProvider(ctx context.Context, call *rpc.Call, in *iamapi.DeleteSAMLProviderRequest) (*struct{}, error) {
	if err := s.authorize(ctx, call, "iam:DeleteSAMLProvider", in.SAMLProviderArn); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		p, err := samlProvider(ctx, tx, call.Principal.AccountID, in.SAMLProviderArn)
		if err != nil {
			return err
		}
		return tx.DeleteSAMLProvider(ctx, p.ARN)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// samlProvider finds a provider of the caller's account. AWS's refusal of a
// missing one, for GetSAMLProvider and DeleteSAMLProvider alike, is
// "Manifest not found for arn ARN" (recorded in
// test_iam_saml_providers.snapshot.json); UpdateSAMLProvider's is not
// recorded and uses the same.
func samlProvider(ctx context.Context, r store.Reader, acct, providerARN string) (store.SAMLProvider, error) {
	p, err := r.GetSAMLProvider(ctx, providerARN)
	if errors.Is(err, store.ErrNotFound) || err == nil && p.AccountID != acct {
		return store.SAMLProvider{}, noSuchEntity("Manifest not found for arn %s", providerARN)
	}
	return p, err
}

// metadataIn parses an uploaded metadata document. IAM refuses any bad
// document with one message (IAM User Guide, troubleshoot_saml: "Error:
// Could not parse metadata.").
func metadataIn(doc string) (*samlMetadata, error) {
	md, err := parseSAMLMetadata(doc)
	if err != nil {
		return nil, invalidInput("Could not parse metadata.")
	}
	return md, nil
}

// validUntil is the provider's expiry: the metadata's validUntil, or 100
// years from now as AWS sets it for metadata without one.
func validUntil(md *samlMetadata, now time.Time) time.Time {
	if !md.ValidUntil.IsZero() {
		return md.ValidUntil.UTC()
	}
	return now.AddDate(defaultSAMLValidity, 0, 0)
}

// validUntilOut is the provider's stored expiry; providers written by the
// bootstrap file carry none and get AWS's default of 100 years from their
// creation.
func validUntilOut(p store.SAMLProvider) time.Time {
	if p.ValidUntil.IsZero() {
		return p.CreatedAt.AddDate(defaultSAMLValidity, 0, 0)
	}
	return p.ValidUntil
}

// checkSAMLEncryption refuses the encrypted-assertion settings stsd cannot
// honour: it keeps no SAML decryption keys, so it can neither require
// encryption nor take private keys. "Allowed", the mode AWS reports by
// default, is accepted. AWS itself has no such refusal; the message is
// stsd's.
func checkSAMLEncryption(mode, addKey, removeKey string) error {
	if mode != "" && mode != assertionEncryptionAllowed || addKey != "" || removeKey != "" {
		return invalidInput("stsd does not support SAML assertion encryption keys: AssertionEncryptionMode may only be Allowed, and AddPrivateKey and RemovePrivateKey are not accepted.")
	}
	return nil
}

// samlUUID encodes SAMLProviderUUID: upper-case letters and digits, as
// privateKeyIdType requires ([A-Z0-9]+, 22 to 64 characters).
var samlUUID = base32.StdEncoding.WithPadding(base32.NoPadding)

// samlProviderUUID derives the provider's unique identifier from its ARN
// and creation time, which the store keeps, so it is stable for the
// provider's life and differs for a provider re-created under the same name.
func samlProviderUUID(p store.SAMLProvider) string {
	sum := sha256.Sum256([]byte(p.ARN + "\x00" + strconv.FormatInt(p.CreatedAt.Unix(), 10)))
	return samlUUID.EncodeToString(sum[:16])
}
