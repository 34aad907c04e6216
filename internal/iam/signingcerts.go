package iam

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// signingCertificateHandlers lists the operations of this group: the X.509
// signing certificates of IAM users and of the account root.
func (s *Service) signingCertificateHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["UploadSigningCertificate"], s.UploadSigningCertificate),
		rpc.Typed(ops["ListSigningCertificates"], s.ListSigningCertificates),
		rpc.Typed(ops["UpdateSigningCertificate"], s.UpdateSigningCertificate),
		rpc.Typed(ops["DeleteSigningCertificate"], s.DeleteSigningCertificate),
	}
}

// Signing certificate messages. The quota and not-found texts are AWS's,
// recorded in LocalStack's AWS-validated snapshot
// tests/aws/services/iam/test_iam_signing_certificates.snapshot.json. The
// duplicate text is stsd's (the model's description of the error); AWS's
// is not recorded.
const (
	msgCertificateQuota  = "Cannot exceed quota for CertificatesPerUser: %d"
	msgNoSuchCertificate = "The Certificate with id %s cannot be found."
	msgDuplicateCert     = "The same certificate is already associated with an IAM user in the account."
)

// UploadSigningCertificate adds an active signing certificate to a user,
// or to the caller (the root's own when the root calls without UserName).
// A certificate may be held once in an account.
func (s *Service) UploadSigningCertificate(ctx context.Context, call *rpc.Call, in *iamapi.UploadSigningCertificateRequest) (*iamapi.UploadSigningCertificateResponse, error) {
	acct := call.Principal.AccountID
	o, err := s.owner(ctx, call, "iam:UploadSigningCertificate", in.UserName)
	if err != nil {
		return nil, err
	}
	cert, err := parseSigningCertificate(in.CertificateBody, call.Time)
	if err != nil {
		return nil, err
	}
	c := store.SigningCertificate{
		AccountID:  acct,
		UserName:   o.user.Name,
		ID:         signingCertificateID(acct, cert.Raw),
		Body:       in.CertificateBody,
		Status:     store.AccessKeyActive,
		UploadedAt: callTime(call),
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if !o.root {
			// The user may have been deleted since it was read.
			if _, err := tx.GetUser(ctx, acct, c.UserName); err != nil {
				return err
			}
		}
		have, err := tx.ListSigningCertificates(ctx, acct, c.UserName)
		if err != nil {
			return err
		}
		for _, h := range have {
			if h.ID == c.ID {
				return store.ErrAlreadyExists
			}
		}
		// Active and inactive certificates count alike; the root has the
		// same quota.
		if len(have) >= iamlimits.SigningCertificatesPerUser {
			return limitExceeded(msgCertificateQuota, iamlimits.SigningCertificatesPerUser)
		}
		// The id is unique: another holder in the account makes this fail.
		return tx.CreateSigningCertificate(ctx, c)
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, noSuchEntity(msgNoSuchUser, c.UserName)
	case errors.Is(err, store.ErrAlreadyExists):
		return nil, apierr.New(codeDuplicateCertificate, msgDuplicateCert)
	case err != nil:
		return nil, err
	}
	return &iamapi.UploadSigningCertificateResponse{Certificate: signingCertOut(c)}, nil
}

// signingCertOut is the wire form of a certificate.
func signingCertOut(c store.SigningCertificate) iamapi.SigningCertificate {
	return iamapi.SigningCertificate{
		UserName:        c.UserName,
		CertificateId:   c.ID,
		CertificateBody: c.Body,
		Status:          string(c.Status),
		UploadDate:      c.UploadedAt,
	}
}

// ListSigningCertificates lists the certificates of a user, or of the
// caller, bodies included, in id order, a page at a time.
func (s *Service) ListSigningCertificates(ctx context.Context, call *rpc.Call, in *iamapi.ListSigningCertificatesRequest) (*iamapi.ListSigningCertificatesResponse, error) {
	page, truncated, marker, err := listCredentials(ctx, s, call, "iam:ListSigningCertificates", in.UserName, s.store.ListSigningCertificates,
		func(c store.SigningCertificate) string { return c.ID }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListSigningCertificatesResponse{Certificates: make([]iamapi.SigningCertificate, len(page)), IsTruncated: truncated, Marker: marker}
	for i, c := range page {
		out.Certificates[i] = signingCertOut(c)
	}
	return out, nil
}

// UpdateSigningCertificate makes a certificate Active or Inactive.
func (s *Service) UpdateSigningCertificate(ctx context.Context, call *rpc.Call, in *iamapi.UpdateSigningCertificateRequest) (*struct{}, error) {
	status, err := switchableStatus(in.Status)
	if err != nil {
		return nil, err
	}
	return s.changeSigningCert(ctx, call, "iam:UpdateSigningCertificate", in.UserName, in.CertificateId, func(tx store.Tx, c store.SigningCertificate) error {
		c.Status = status
		return tx.UpdateSigningCertificate(ctx, c)
	})
}

// DeleteSigningCertificate deletes a certificate of a user, or of the
// caller.
func (s *Service) DeleteSigningCertificate(ctx context.Context, call *rpc.Call, in *iamapi.DeleteSigningCertificateRequest) (*struct{}, error) {
	return s.changeSigningCert(ctx, call, "iam:DeleteSigningCertificate", in.UserName, in.CertificateId, func(tx store.Tx, c store.SigningCertificate) error {
		return tx.DeleteSigningCertificate(ctx, c.AccountID, c.UserName, c.ID)
	})
}

// changeSigningCert is changeCredential for a signing certificate.
// Another owner's certificate is answered as one that does not exist.
func (s *Service) changeSigningCert(ctx context.Context, call *rpc.Call, action, userName, certID string, change func(store.Tx, store.SigningCertificate) error) (*struct{}, error) {
	acct := call.Principal.AccountID
	err := changeCredential(ctx, s, call, action, userName, func(tx store.Tx, o keyOwner) (store.SigningCertificate, error) {
		certs, err := tx.ListSigningCertificates(ctx, acct, o.user.Name)
		if err != nil {
			return store.SigningCertificate{}, err
		}
		for _, c := range certs {
			if c.ID == certID {
				return c, nil
			}
		}
		return store.SigningCertificate{}, store.ErrNotFound
	}, change, func() error { return noSuchEntity(msgNoSuchCertificate, certID) })
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
