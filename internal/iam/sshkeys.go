package iam

import (
	"context"
	"crypto/rsa"
	"errors"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// sshKeyHandlers lists the operations of this group: the SSH public keys
// IAM users authenticate to CodeCommit with.
func (s *Service) sshKeyHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["UploadSSHPublicKey"], s.UploadSSHPublicKey),
		rpc.Typed(ops["GetSSHPublicKey"], s.GetSSHPublicKey),
		rpc.Typed(ops["ListSSHPublicKeys"], s.ListSSHPublicKeys),
		rpc.Typed(ops["UpdateSSHPublicKey"], s.UpdateSSHPublicKey),
		rpc.Typed(ops["DeleteSSHPublicKey"], s.DeleteSSHPublicKey),
	}
}

// prefixSSHPublicKey starts SSH public key ids ("APKA: Public key", IAM
// User Guide, "Unique identifiers"). AWS's are 20 characters of the
// access key id alphabet (e.g. "APKAIJFT7TINGJTDLAZQ", quoted in the e2e
// test), so stsd makes them as it makes access key ids.
const prefixSSHPublicKey = "APKA"

// codeDuplicateSSHPublicKey refuses a key the user already has (HTTP 400,
// from the model).
const codeDuplicateSSHPublicKey = "DuplicateSSHPublicKey"

// SSH public key messages. "The Public Key with id X cannot be found." is
// AWS's, recorded in LocalStack's AWS-validated snapshot
// tests/aws/services/iam/test_iam_ssh_public_keys.snapshot.json. The quota
// and duplicate texts are stsd's: AWS's are not recorded anywhere we could
// find (the quota one follows AWS's "Cannot exceed quota for
// AccessKeysPerUser: 2" pattern; the duplicate one is the model's
// description of the error).
const (
	msgNoSuchSSHKey    = "The Public Key with id %s cannot be found."
	msgSSHKeyQuota     = "Cannot exceed quota for PublicKeysPerUser: %d"
	msgDuplicateSSHKey = "The SSH public key is already associated with the specified IAM user."
)

// UploadSSHPublicKey adds an active SSH public key, in ssh-rsa or PEM
// form, to a user. The body is kept as uploaded.
func (s *Service) UploadSSHPublicKey(ctx context.Context, call *rpc.Call, in *iamapi.UploadSSHPublicKeyRequest) (*iamapi.UploadSSHPublicKeyResponse, error) {
	acct := call.Principal.AccountID
	o, err := s.owner(ctx, call, "iam:UploadSSHPublicKey", in.UserName)
	if err != nil {
		return nil, err
	}
	pub, _, err := parseSSHPublicKey(in.SSHPublicKeyBody)
	if err != nil {
		return nil, err
	}
	id, err := ids.NewAccessKeyID(prefixSSHPublicKey, acct)
	if err != nil {
		return nil, err
	}
	k := store.SSHPublicKey{
		AccountID:   acct,
		UserName:    o.user.Name,
		ID:          id,
		Body:        in.SSHPublicKeyBody,
		Fingerprint: sshFingerprint(pub),
		Status:      store.AccessKeyActive,
		UploadedAt:  callTime(call),
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		// The user may have been deleted since it was read.
		if _, err := tx.GetUser(ctx, acct, k.UserName); err != nil {
			return err
		}
		have, err := tx.ListSSHPublicKeys(ctx, acct, k.UserName)
		if err != nil {
			return err
		}
		for _, h := range have {
			if sameSSHKey(h, k.Fingerprint, pub) {
				return apierr.New(codeDuplicateSSHPublicKey, msgDuplicateSSHKey)
			}
		}
		// Active and inactive keys count alike.
		if len(have) >= iamlimits.SSHPublicKeysPerUser {
			return limitExceeded(msgSSHKeyQuota, iamlimits.SSHPublicKeysPerUser)
		}
		return tx.CreateSSHPublicKey(ctx, k)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchUser, k.UserName)
	}
	if err != nil {
		return nil, err
	}
	return &iamapi.UploadSSHPublicKeyResponse{SSHPublicKey: sshKeyOut(k, k.Body)}, nil
}

// sameSSHKey reports whether a stored key is pub: same fingerprint and,
// so that an MD5 collision cannot pass for a duplicate, the same key.
func sameSSHKey(stored store.SSHPublicKey, fingerprint string, pub *rsa.PublicKey) bool {
	if stored.Fingerprint != fingerprint {
		return false
	}
	have, _, err := parseSSHPublicKey(stored.Body)
	return err == nil && have.Equal(pub)
}

// GetSSHPublicKey returns one of a user's keys with its body in the
// encoding asked for.
func (s *Service) GetSSHPublicKey(ctx context.Context, call *rpc.Call, in *iamapi.GetSSHPublicKeyRequest) (*iamapi.GetSSHPublicKeyResponse, error) {
	acct := call.Principal.AccountID
	o, err := s.owner(ctx, call, "iam:GetSSHPublicKey", in.UserName)
	if err != nil {
		return nil, err
	}
	k, err := s.store.GetSSHPublicKey(ctx, acct, o.user.Name, in.SSHPublicKeyId)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(msgNoSuchSSHKey, in.SSHPublicKeyId)
	}
	if err != nil {
		return nil, err
	}
	body, err := sshKeyBody(k.Body, in.Encoding)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetSSHPublicKeyResponse{SSHPublicKey: sshKeyOut(k, body)}, nil
}

// sshKeyOut is the wire form of a key with the given body.
func sshKeyOut(k store.SSHPublicKey, body string) *iamapi.SSHPublicKey {
	return &iamapi.SSHPublicKey{
		UserName:         k.UserName,
		SSHPublicKeyId:   k.ID,
		Fingerprint:      k.Fingerprint,
		SSHPublicKeyBody: body,
		Status:           string(k.Status),
		UploadDate:       k.UploadedAt,
	}
}

// ListSSHPublicKeys lists the keys of a user, or of the calling user, in
// key id order, a page at a time. The root has none: keys are uploaded
// only for a named user.
func (s *Service) ListSSHPublicKeys(ctx context.Context, call *rpc.Call, in *iamapi.ListSSHPublicKeysRequest) (*iamapi.ListSSHPublicKeysResponse, error) {
	page, truncated, marker, err := listCredentials(ctx, s, call, "iam:ListSSHPublicKeys", in.UserName, s.store.ListSSHPublicKeys,
		func(k store.SSHPublicKey) string { return k.ID }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListSSHPublicKeysResponse{SSHPublicKeys: make([]iamapi.SSHPublicKeyMetadata, len(page)), IsTruncated: truncated, Marker: marker}
	for i, k := range page {
		out.SSHPublicKeys[i] = iamapi.SSHPublicKeyMetadata{UserName: k.UserName, SSHPublicKeyId: k.ID, Status: string(k.Status), UploadDate: k.UploadedAt}
	}
	return out, nil
}

// UpdateSSHPublicKey makes a key Active or Inactive.
func (s *Service) UpdateSSHPublicKey(ctx context.Context, call *rpc.Call, in *iamapi.UpdateSSHPublicKeyRequest) (*struct{}, error) {
	status, err := switchableStatus(in.Status)
	if err != nil {
		return nil, err
	}
	return s.changeSSHKey(ctx, call, "iam:UpdateSSHPublicKey", in.UserName, in.SSHPublicKeyId, func(tx store.Tx, k store.SSHPublicKey) error {
		k.Status = status
		return tx.UpdateSSHPublicKey(ctx, k)
	})
}

// DeleteSSHPublicKey deletes one of a user's keys.
func (s *Service) DeleteSSHPublicKey(ctx context.Context, call *rpc.Call, in *iamapi.DeleteSSHPublicKeyRequest) (*struct{}, error) {
	return s.changeSSHKey(ctx, call, "iam:DeleteSSHPublicKey", in.UserName, in.SSHPublicKeyId, func(tx store.Tx, k store.SSHPublicKey) error {
		return tx.DeleteSSHPublicKey(ctx, k.AccountID, k.UserName, k.ID)
	})
}

// changeSSHKey is changeCredential for an SSH public key. Another user's
// key is answered as one that does not exist.
func (s *Service) changeSSHKey(ctx context.Context, call *rpc.Call, action, userName, keyID string, change func(store.Tx, store.SSHPublicKey) error) (*struct{}, error) {
	acct := call.Principal.AccountID
	err := changeCredential(ctx, s, call, action, userName, func(tx store.Tx, o keyOwner) (store.SSHPublicKey, error) {
		return tx.GetSSHPublicKey(ctx, acct, o.user.Name, keyID)
	}, change, func() error { return noSuchEntity(msgNoSuchSSHKey, keyID) })
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// msgBadCredentialStatus refuses the model's third status value, Expired,
// for a credential a caller can only switch on and off ("Sets the status
// of an IAM user's SSH public key to active or inactive", IAM API
// reference, UpdateSSHPublicKey; likewise UpdateSigningCertificate). Both
// operations declare InvalidInput; the text is stsd's, AWS's is not
// recorded.
const msgBadCredentialStatus = "Invalid status %s: the status can be Active or Inactive."

// switchableStatus is the store status of a Status parameter.
func switchableStatus(status string) (store.AccessKeyStatus, error) {
	switch s := store.AccessKeyStatus(status); s {
	case store.AccessKeyActive, store.AccessKeyInactive:
		return s, nil
	}
	return "", invalidInput(msgBadCredentialStatus, status)
}
