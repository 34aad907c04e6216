package memory

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

// GetAccessKey implements store.Reader.
func (r reader) GetAccessKey(ctx context.Context, id string) (store.AccessKey, error) {
	return read(ctx, r, func(st *state) (store.AccessKey, error) { return find(&st.accessKeys, id, "access key "+id) })
}

// ListAccessKeys implements store.Reader.
func (r reader) ListAccessKeys(ctx context.Context, accountID, userName string) ([]store.AccessKey, error) {
	return view(ctx, r, func(st *state) []store.AccessKey { return held(&st.accessKeys, accessKeyUser, nk(accountID, userName)) })
}

// CreateAccessKey implements store.Tx.
func (w *tx) CreateAccessKey(ctx context.Context, k store.AccessKey) error {
	return w.write(ctx, func(st *state) error {
		return addHeld(st, &st.accessKeys, k, k.AccountID, "access key "+k.ID, func() error { return st.requireUser(k.AccountID, k.UserName) })
	})
}

// UpdateAccessKey implements store.Tx: only status and last-used facts.
func (w *tx) UpdateAccessKey(ctx context.Context, k store.AccessKey) error {
	return w.write(ctx, func(st *state) error {
		return modify(st, &st.accessKeys, k.ID, "access key "+k.ID, func(old store.AccessKey) store.AccessKey {
			old.Status, old.LastUsedAt, old.LastService, old.LastRegion = k.Status, k.LastUsedAt, k.LastService, k.LastRegion
			return old
		})
	})
}

// DeleteAccessKey implements store.Tx.
func (w *tx) DeleteAccessKey(ctx context.Context, id string) error {
	return w.write(ctx, func(st *state) error { return remove(st, &st.accessKeys, id, "access key "+id) })
}

// ListSSHPublicKeys implements store.Reader.
func (r reader) ListSSHPublicKeys(ctx context.Context, accountID, userName string) ([]store.SSHPublicKey, error) {
	return view(ctx, r, func(st *state) []store.SSHPublicKey { return held(&st.sshKeys, sshKeyUser, nk(accountID, userName)) })
}

// GetSSHPublicKey implements store.Reader.
func (r reader) GetSSHPublicKey(ctx context.Context, accountID, userName, id string) (store.SSHPublicKey, error) {
	return read(ctx, r, func(st *state) (store.SSHPublicKey, error) {
		return findHeld(&st.sshKeys, sshKeyUser, nk(accountID, userName), id, "SSH public key "+id)
	})
}

// CreateSSHPublicKey implements store.Tx. Ids are unique across accounts.
func (w *tx) CreateSSHPublicKey(ctx context.Context, k store.SSHPublicKey) error {
	return w.write(ctx, func(st *state) error {
		return addHeld(st, &st.sshKeys, k, k.AccountID, "SSH public key "+k.ID, func() error { return st.requireUser(k.AccountID, k.UserName) })
	})
}

// UpdateSSHPublicKey implements store.Tx: only the status changes.
func (w *tx) UpdateSSHPublicKey(ctx context.Context, k store.SSHPublicKey) error {
	return w.write(ctx, func(st *state) error {
		return modifyHeld(st, &st.sshKeys, sshKeyUser, nk(k.AccountID, k.UserName), k.ID, "SSH public key "+k.ID,
			func(old store.SSHPublicKey) store.SSHPublicKey { old.Status = k.Status; return old })
	})
}

// DeleteSSHPublicKey implements store.Tx.
func (w *tx) DeleteSSHPublicKey(ctx context.Context, accountID, userName, id string) error {
	return w.write(ctx, func(st *state) error {
		return removeHeld(st, &st.sshKeys, sshKeyUser, nk(accountID, userName), id, "SSH public key "+id)
	})
}

// ListSigningCertificates implements store.Reader. The account root's
// certificates are those of user "".
func (r reader) ListSigningCertificates(ctx context.Context, accountID, userName string) ([]store.SigningCertificate, error) {
	return view(ctx, r, func(st *state) []store.SigningCertificate { return held(&st.certs, certUser, nk(accountID, userName)) })
}

// CreateSigningCertificate implements store.Tx. Ids are unique across
// accounts.
func (w *tx) CreateSigningCertificate(ctx context.Context, c store.SigningCertificate) error {
	return w.write(ctx, func(st *state) error {
		return addHeld(st, &st.certs, c, c.AccountID, "signing certificate "+c.ID, func() error { return st.requireUser(c.AccountID, c.UserName) })
	})
}

// UpdateSigningCertificate implements store.Tx: only the status changes.
func (w *tx) UpdateSigningCertificate(ctx context.Context, c store.SigningCertificate) error {
	return w.write(ctx, func(st *state) error {
		return modifyHeld(st, &st.certs, certUser, nk(c.AccountID, c.UserName), c.ID, "signing certificate "+c.ID,
			func(old store.SigningCertificate) store.SigningCertificate { old.Status = c.Status; return old })
	})
}

// DeleteSigningCertificate implements store.Tx.
func (w *tx) DeleteSigningCertificate(ctx context.Context, accountID, userName, id string) error {
	return w.write(ctx, func(st *state) error {
		return removeHeld(st, &st.certs, certUser, nk(accountID, userName), id, "signing certificate "+id)
	})
}

// ListServiceSpecificCredentials implements store.Reader.
func (r reader) ListServiceSpecificCredentials(ctx context.Context, accountID, userName string) ([]store.ServiceSpecificCredential, error) {
	return view(ctx, r, func(st *state) []store.ServiceSpecificCredential {
		return held(&st.serviceCreds, serviceCredUser, nk(accountID, userName))
	})
}

// GetServiceSpecificCredential implements store.Reader.
func (r reader) GetServiceSpecificCredential(ctx context.Context, accountID, userName, id string) (store.ServiceSpecificCredential, error) {
	return read(ctx, r, func(st *state) (store.ServiceSpecificCredential, error) {
		return findHeld(&st.serviceCreds, serviceCredUser, nk(accountID, userName), id, "service-specific credential "+id)
	})
}

// CreateServiceSpecificCredential implements store.Tx. Ids are unique
// across accounts.
func (w *tx) CreateServiceSpecificCredential(ctx context.Context, c store.ServiceSpecificCredential) error {
	return w.write(ctx, func(st *state) error {
		return addHeld(st, &st.serviceCreds, c, c.AccountID, "service-specific credential "+c.ID, func() error { return st.requireHolder(store.KindUser, c.AccountID, c.UserName) })
	})
}

// UpdateServiceSpecificCredential implements store.Tx: status and secret;
// names, service and times never change.
func (w *tx) UpdateServiceSpecificCredential(ctx context.Context, c store.ServiceSpecificCredential) error {
	return w.write(ctx, func(st *state) error {
		return modifyHeld(st, &st.serviceCreds, serviceCredUser, nk(c.AccountID, c.UserName), c.ID, "service-specific credential "+c.ID,
			func(old store.ServiceSpecificCredential) store.ServiceSpecificCredential {
				old.Status, old.Secret = c.Status, c.Secret
				return old
			})
	})
}

// DeleteServiceSpecificCredential implements store.Tx.
func (w *tx) DeleteServiceSpecificCredential(ctx context.Context, accountID, userName, id string) error {
	return w.write(ctx, func(st *state) error {
		return removeHeld(st, &st.serviceCreds, serviceCredUser, nk(accountID, userName), id, "service-specific credential "+id)
	})
}

// GetMFADevice implements store.Reader. Serial numbers (ARNs) match
// exactly.
func (r reader) GetMFADevice(ctx context.Context, serialNumber string) (store.MFADevice, error) {
	return read(ctx, r, func(st *state) (store.MFADevice, error) {
		return find(&st.mfa, serialNumber, "MFA device "+serialNumber)
	})
}

// ListMFADevices implements store.Reader.
func (r reader) ListMFADevices(ctx context.Context, accountID, userName string) ([]store.MFADevice, error) {
	return view(ctx, r, func(st *state) []store.MFADevice {
		if userName == "" {
			return st.mfa.all(func(d store.MFADevice) bool { return d.AccountID == accountID })
		}
		return held(&st.mfa, mfaUser, nk(accountID, userName))
	})
}

// CreateMFADevice implements store.Tx.
func (w *tx) CreateMFADevice(ctx context.Context, d store.MFADevice) error {
	return w.write(ctx, func(st *state) error {
		return addHeld(st, &st.mfa, d, d.AccountID, "MFA device "+d.SerialNumber, func() error { return st.requireUser(d.AccountID, d.UserName) })
	})
}

// UpdateMFADevice implements store.Tx: everything but the account and the
// seed, which never change.
func (w *tx) UpdateMFADevice(ctx context.Context, d store.MFADevice) error {
	return w.write(ctx, func(st *state) error {
		if err := st.requireUser(d.AccountID, d.UserName); err != nil {
			return err
		}
		return modify(st, &st.mfa, d.SerialNumber, "MFA device "+d.SerialNumber, func(old store.MFADevice) store.MFADevice {
			d.AccountID, d.Seed = old.AccountID, old.Seed
			return d
		})
	})
}

// DeleteMFADevice implements store.Tx.
func (w *tx) DeleteMFADevice(ctx context.Context, serialNumber string) error {
	return w.write(ctx, func(st *state) error { return remove(st, &st.mfa, serialNumber, "MFA device "+serialNumber) })
}
