// Package mfa implements AWS-style virtual MFA devices: RFC 6238 TOTP codes
// (HMAC-SHA1, six digits, 30-second steps from the Unix epoch, what AWS
// virtual MFA and every authenticator app use), single-use verification
// against the store for STS, the two-consecutive-codes check of IAM's
// EnableMFADevice and ResyncMFADevice, and seed provisioning.
//
// Ownership convention (shared with the IAM handlers that enable and
// deactivate devices): a store.MFADevice is enabled when EnabledAt is
// non-zero. An enabled device with a UserName belongs to that IAM user; an
// enabled device with UserName "" belongs to the account root (AWS names the
// root's virtual device arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device).
// A device with EnabledAt zero is created but unassigned
// and verifies for nobody.
package mfa
