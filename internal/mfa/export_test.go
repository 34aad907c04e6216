package mfa

import "github.com/stsd/stsd/internal/arn"

// RootDeviceName is the name AWS gives the account root's virtual MFA
// device; only the tests need it.
const RootDeviceName = "root-account-mfa-device"

// RootSerial returns the serial number of the account root's virtual MFA
// device, arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device.
func RootSerial(accountID string) string { return arn.MFA(accountID, "/", RootDeviceName) }
