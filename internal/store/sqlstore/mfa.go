package sqlstore

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/store"
)

// mfaRead selects a device with its user's name ("" when unassigned).
const mfaRead = `SELECT d.serial_number, d.account_id, d.path, d.seed, COALESCE(u.name, ''), d.enabled_at, d.last_used_step,
	d.tags, d.created_at FROM mfa_devices d LEFT JOIN users u ON u.pk = d.user_pk`

func scanMFA(r *reader, sc scanner) (store.MFADevice, error) {
	var d store.MFADevice
	var sealed []byte
	var enabled, tags, created string
	if err := sc.Scan(&d.SerialNumber, &d.AccountID, &d.Path, &sealed, &d.UserName, &enabled, &d.LastUsedStep, &tags, &created); err != nil {
		return d, err
	}
	var err error
	if d.EnabledAt, err = decTime(enabled); err != nil {
		return d, err
	}
	if d.Tags, err = decTags(tags); err != nil {
		return d, err
	}
	if d.CreatedAt, err = decTime(created); err != nil {
		return d, err
	}
	if d.Seed, err = r.sealer.Open(sealed, aadMFA(d.SerialNumber)); err != nil {
		return d, fmt.Errorf("seed of MFA device %s: %w", d.SerialNumber, err)
	}
	return d, nil
}

// GetMFADevice implements store.Reader. Serial numbers (ARNs) match exactly.
func (r *reader) GetMFADevice(ctx context.Context, serialNumber string) (store.MFADevice, error) {
	return getOne(ctx, r, scanMFA, "MFA device "+serialNumber,
		mfaRead+` WHERE d.serial_number = ?`, serialNumber)
}

// ListMFADevices implements store.Reader.
func (r *reader) ListMFADevices(ctx context.Context, accountID, userName string) ([]store.MFADevice, error) {
	if userName == "" {
		return list(ctx, r, scanMFA, "MFA devices",
			mfaRead+` WHERE d.account_id = ? ORDER BY d.serial_number`, accountID)
	}
	return list(ctx, r, scanMFA, "MFA devices",
		mfaRead+` WHERE d.user_pk = `+pkSelect("users")+` ORDER BY d.serial_number`, accountID, key(userName))
}

// CreateMFADevice implements store.Tx. The seed is sealed to the serial.
// A device for a missing user is ErrNotFound.
func (w *writer) CreateMFADevice(ctx context.Context, d store.MFADevice) error {
	ts, err := encTimes(d.EnabledAt, d.CreatedAt)
	if err != nil {
		return err
	}
	if err := w.requireFree(ctx, "MFA device "+d.SerialNumber, `SELECT 1 FROM mfa_devices WHERE serial_number = ?`, d.SerialNumber); err != nil {
		return err
	}
	owner, err := w.ownerPK(ctx, d.AccountID, d.UserName)
	if err != nil {
		return err
	}
	sealed := w.sealer.Seal(d.Seed, aadMFA(d.SerialNumber))
	_, err = w.exec(ctx, "MFA device "+d.SerialNumber,
		`INSERT INTO mfa_devices (serial_number, account_id, path, seed, user_pk, enabled_at, last_used_step, tags, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.SerialNumber, d.AccountID, d.Path, sealed, owner, ts[0], d.LastUsedStep, encTags(d.Tags), ts[1])
	return err
}

// UpdateMFADevice implements store.Tx: it rewrites the owner, enable time,
// last used step, path and tags. The seed never changes after creation,
// so it is not re-sealed on every code check.
func (w *writer) UpdateMFADevice(ctx context.Context, d store.MFADevice) error {
	ts, err := encTimes(d.EnabledAt, d.CreatedAt)
	if err != nil {
		return err
	}
	var owner any
	if d.UserName != "" {
		if owner, err = w.pkOf(ctx, "users", "user", d.AccountID, d.UserName); err != nil {
			return err
		}
	}
	n, err := w.exec(ctx, "MFA device "+d.SerialNumber, `UPDATE mfa_devices SET path = ?, user_pk = ?, enabled_at = ?,
		last_used_step = ?, tags = ?, created_at = ? WHERE serial_number = ?`,
		d.Path, owner, ts[0], d.LastUsedStep, encTags(d.Tags), ts[1], d.SerialNumber)
	return mustAffect(n, err, "MFA device "+d.SerialNumber)
}

// DeleteMFADevice implements store.Tx.
func (w *writer) DeleteMFADevice(ctx context.Context, serialNumber string) error {
	n, err := w.exec(ctx, "MFA device "+serialNumber, `DELETE FROM mfa_devices WHERE serial_number = ?`, serialNumber)
	return mustAffect(n, err, "MFA device "+serialNumber)
}
