package mfa

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// Skew is how many steps either side of the current one Verify accepts, so
// a phone clock up to about 30 seconds off still works (RFC 6238 section 6
// recommends at most one step of network delay).
const Skew = 1

// maxSerialLen is the longest serial number AWS accepts (serialNumberType,
// 9..256 characters); anything longer is refused before the store is asked.
const maxSerialLen = 256

// Verifier checks MFA codes against the devices in a store, accepting each
// code at most once. It is safe for concurrent use.
type Verifier struct {
	st  store.Store
	now func() time.Time
}

// NewVerifier returns a Verifier over st. now is the clock; nil means
// time.Now. Tests inject a fixed clock.
func NewVerifier(st store.Store, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{st: st, now: now}
}

// owner is whom a device must be enabled for.
type owner struct {
	accountID string
	userName  string
	root      bool
}

// Verify checks that code is valid now for the MFA device serialNumber,
// enabled for IAM user userName of account accountID, and records its step
// so the code (and any earlier one) is never accepted again. userName ""
// is refused: the root's devices are checked with VerifyRoot, so a caller
// that is neither a user nor the root (a role session) can never match a
// root device by passing an empty name.
//
// Refusals are *apierr.Error AccessDenied with AWS's messages; other errors
// are store failures.
func (v *Verifier) Verify(ctx context.Context, accountID, userName, serialNumber, code string) error {
	if userName == "" {
		return errUnknownDevice()
	}
	return v.verify(ctx, owner{accountID: accountID, userName: userName}, serialNumber, code)
}

// VerifyRoot is Verify for the account root: the device must be enabled
// with no user name (see the package comment).
func (v *Verifier) VerifyRoot(ctx context.Context, accountID, serialNumber, code string) error {
	return v.verify(ctx, owner{accountID: accountID, root: true}, serialNumber, code)
}

func (v *Verifier) verify(ctx context.Context, o owner, serial, code string) error {
	if len(serial) > maxSerialLen || serial == "" || o.accountID == "" {
		return errUnknownDevice()
	}
	// The format is checked before the transaction so garbage never takes
	// the store's write lock.
	if !wellFormed(code) {
		return errInvalidCode()
	}
	// Load, check and advance LastUsedStep in one transaction: two requests
	// racing with the same code serialize here and the second sees the step
	// the first recorded.
	return v.st.Update(ctx, func(tx store.Tx) error {
		d, err := tx.GetMFADevice(ctx, serial)
		if errors.Is(err, store.ErrNotFound) {
			return errUnknownDevice()
		}
		if err != nil {
			return fmt.Errorf("mfa: loading device: %w", err)
		}
		if !enabledFor(d, o) {
			return errUnknownDevice()
		}
		step, ok := matchStep(d.Seed, code, StepOf(v.now()), d.LastUsedStep)
		if !ok {
			return errInvalidCode()
		}
		d.LastUsedStep = step
		if err := tx.UpdateMFADevice(ctx, d); err != nil {
			return fmt.Errorf("mfa: recording used step: %w", err)
		}
		return nil
	})
}

// enabledFor applies the package's ownership convention. IAM user names
// compare case-insensitively, as IAM treats them.
func enabledFor(d store.MFADevice, o owner) bool {
	if d.AccountID != o.accountID || d.EnabledAt.IsZero() || len(d.Seed) == 0 {
		return false
	}
	if o.root {
		return d.UserName == ""
	}
	return d.UserName != "" && strings.EqualFold(d.UserName, o.userName)
}

// matchStep finds the earliest step within Skew of cur whose code is code
// and which is later than last. Every candidate is computed and compared,
// so the time taken does not tell which step (if any) matched. Taking the
// earliest acceptable step keeps LastUsedStep as low as correctness allows.
func matchStep(seed []byte, code string, cur, last int64) (int64, bool) {
	found, ok := int64(0), false
	for s := cur + Skew; s >= cur-Skew; s-- {
		if codeMatches(seed, s, code) && s > last {
			found, ok = s, true
		}
	}
	return found, ok
}
