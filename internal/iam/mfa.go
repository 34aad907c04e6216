package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/mfa"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// Messages of the MFA operations. Where a text is not recorded from real
// AWS, the test that checks it says so (internal/app/e2e_iam_mfa_test.go).
const (
	msgMFAExists      = "MFADevice entity at the same path and name already exists."
	msgMFAInUse       = "MFA Device is already in use."
	msgMFAInvalidCode = "Authentication code for device is not valid."
	msgMFAInUseDelete = "MFA VirtualDevice in use. Must deactivate first"
	msgMFANotFound    = "VirtualMFADevice with serial number %s doesn't exist."
	msgMFAQuota       = "Cannot exceed quota for MFADevicesPerUser: %d."
	msgMFANoUser      = "The user with name %s cannot be found."
	msgMFANonUser     = "Must specify userName when calling with non-User credentials"
	// msgMFATagNoDevice refuses the tag operations for a missing device:
	// AWS's wording for a serial number that names nothing, recorded for
	// DeleteVirtualMFADevice and DeactivateMFADevice in LocalStack's
	// tests/aws/services/iam/test_iam_mfa.snapshot.json
	// ("delete-nonexistent-error", 2026-02).
	msgMFATagNoDevice = "MFA Device with serial number %s does not exist."
)

// The AssignmentStatus values of ListVirtualMFADevices.
const (
	mfaAssigned   = "Assigned"
	mfaUnassigned = "Unassigned"
)

// mfaHandlers lists the operations of this group.
func (s *Service) mfaHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateVirtualMFADevice"], s.CreateVirtualMFADevice),
		rpc.Typed(ops["EnableMFADevice"], s.EnableMFADevice),
		rpc.Typed(ops["ResyncMFADevice"], s.ResyncMFADevice),
		rpc.Typed(ops["DeactivateMFADevice"], s.DeactivateMFADevice),
		rpc.Typed(ops["DeleteVirtualMFADevice"], s.DeleteVirtualMFADevice),
		rpc.Typed(ops["ListMFADevices"], s.ListMFADevices),
		rpc.Typed(ops["ListVirtualMFADevices"], s.ListVirtualMFADevices),
		rpc.Typed(ops["TagMFADevice"], s.TagMFADevice),
		rpc.Typed(ops["UntagMFADevice"], s.UntagMFADevice),
		rpc.Typed(ops["ListMFADeviceTags"], s.ListMFADeviceTags),
	}
}

// CreateVirtualMFADevice creates an unassigned virtual MFA device with a
// fresh seed and returns the seed, Base32-encoded, and a QR code of its
// otpauth:// URI. The seed is never returned again.
func (s *Service) CreateVirtualMFADevice(ctx context.Context, call *rpc.Call, in *iamapi.CreateVirtualMFADeviceRequest) (*iamapi.CreateVirtualMFADeviceResponse, error) {
	acct := call.Principal.AccountID
	path := in.Path
	if path == "" {
		path = "/"
	}
	serial := arn.MFA(acct, path, in.VirtualMFADeviceName)
	if err := s.authorize(ctx, call, "iam:CreateVirtualMFADevice", serial, withRequestTags(in.Tags)...); err != nil {
		return nil, err
	}
	tags, err := mfaTagRules.create(in.Tags)
	if err != nil {
		return nil, err
	}
	seed, err := mfa.NewSeed()
	if err != nil {
		return nil, err
	}
	// The device has no user yet, so the URI's account name is the account
	// id (IAM API Reference, VirtualMFADevice.QRCodePNG: "AccountName is
	// the user name if set (otherwise, the account ID)").
	qrPNG, err := mfaQRPNG(mfa.OTPAuthURI(in.VirtualMFADeviceName, acct, seed))
	if err != nil {
		return nil, err
	}
	d := store.MFADevice{AccountID: acct, SerialNumber: serial, Path: path, Seed: seed, Tags: tags, CreatedAt: callTime(call)}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		// Serial numbers match exactly in the store, but IAM names are
		// unique regardless of case, so look for a case variant first.
		all, err := tx.ListMFADevices(ctx, acct, "")
		if err != nil {
			return err
		}
		for _, o := range all {
			if strings.EqualFold(o.SerialNumber, serial) {
				return alreadyExists(msgMFAExists)
			}
		}
		if err := tx.CreateMFADevice(ctx, d); errors.Is(err, store.ErrAlreadyExists) {
			return alreadyExists(msgMFAExists)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateVirtualMFADeviceResponse{VirtualMFADevice: iamapi.VirtualMFADevice{
		SerialNumber:     serial,
		Base32StringSeed: []byte(mfa.Base32(seed)),
		QRCodePNG:        qrPNG,
		Tags:             tagsOut(tags),
	}}, nil
}

// EnableMFADevice assigns an unassigned device to a user once two
// consecutive codes prove the user holds the seed. The second code's step
// becomes the device's last used step, so neither code opens a session.
func (s *Service) EnableMFADevice(ctx context.Context, call *rpc.Call, in *iamapi.EnableMFADeviceRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	owner, err := s.mfaNamedOwner(ctx, acct, in.UserName)
	if err != nil {
		return nil, err
	}
	if err := s.mfaAuthorizeOwner(ctx, call, "iam:EnableMFADevice", owner); err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		u, err := tx.GetUser(ctx, acct, in.UserName)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchEntity(msgMFANoUser, in.UserName)
		} else if err != nil {
			return err
		}
		d, err := mfaDeviceOf(ctx, tx, acct, in.SerialNumber)
		if err != nil {
			return err
		}
		if !d.EnabledAt.IsZero() {
			return alreadyExists(msgMFAInUse)
		}
		mine, err := tx.ListMFADevices(ctx, acct, u.Name)
		if err != nil {
			return err
		}
		if mfaEnabledCount(mine) >= iamlimits.MFADevicesPerUser {
			return limitExceeded(msgMFAQuota, iamlimits.MFADevicesPerUser)
		}
		step, ok := mfa.ConsecutiveStep(d.Seed, in.AuthenticationCode1, in.AuthenticationCode2, call.Time)
		if !ok {
			return apierr.New(codeInvalidAuthentication, msgMFAInvalidCode)
		}
		d.UserName, d.EnabledAt, d.LastUsedStep = u.Name, callTime(call), step
		return tx.UpdateMFADevice(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ResyncMFADevice re-anchors an enabled device on two new consecutive
// codes. The codes must be later than any code already accepted, so a
// resync can never replay them.
func (s *Service) ResyncMFADevice(ctx context.Context, call *rpc.Call, in *iamapi.ResyncMFADeviceRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	owner, err := s.mfaNamedOwner(ctx, acct, in.UserName)
	if err != nil {
		return nil, err
	}
	return s.updateOwnedDevice(ctx, call, "iam:ResyncMFADevice", owner, in.SerialNumber, func(d *store.MFADevice) error {
		step, ok := mfa.ConsecutiveStep(d.Seed, in.AuthenticationCode1, in.AuthenticationCode2, call.Time)
		if !ok || step <= d.LastUsedStep {
			return apierr.New(codeInvalidAuthentication, msgMFAInvalidCode)
		}
		d.LastUsedStep = step
		return nil
	})
}

// DeactivateMFADevice unassigns a device from its user (or from the root
// when the root calls without UserName). The device remains and can be
// enabled again or deleted.
func (s *Service) DeactivateMFADevice(ctx context.Context, call *rpc.Call, in *iamapi.DeactivateMFADeviceRequest) (*struct{}, error) {
	owner, err := s.mfaCallerOwner(ctx, call, in.UserName)
	if err != nil {
		return nil, err
	}
	return s.updateOwnedDevice(ctx, call, "iam:DeactivateMFADevice", owner, in.SerialNumber, func(d *store.MFADevice) error {
		// LastUsedStep stays: a code accepted before must not become
		// valid again if the device is re-enabled within the window.
		d.UserName, d.EnabledAt = "", time.Time{}
		return nil
	})
}

// updateOwnedDevice authorizes action for the device owner, then changes
// (fn) and writes the device in one transaction; a device that is not the
// owner's is not found.
func (s *Service) updateOwnedDevice(ctx context.Context, call *rpc.Call, action string, owner mfaOwner, serial string, fn func(*store.MFADevice) error) (*struct{}, error) {
	if err := s.mfaAuthorizeOwner(ctx, call, action, owner); err != nil {
		return nil, err
	}
	acct := call.Principal.AccountID
	err := s.store.Update(ctx, func(tx store.Tx) error {
		d, err := mfaDeviceOf(ctx, tx, acct, serial)
		if err != nil {
			return err
		}
		if !owner.owns(d) {
			return noSuchEntity(msgMFANotFound, serial)
		}
		if err := fn(&d); err != nil {
			return err
		}
		return tx.UpdateMFADevice(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// DeleteVirtualMFADevice deletes an unassigned device.
func (s *Service) DeleteVirtualMFADevice(ctx context.Context, call *rpc.Call, in *iamapi.DeleteVirtualMFADeviceRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	if err := s.authorize(ctx, call, "iam:DeleteVirtualMFADevice", in.SerialNumber); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		d, err := mfaDeviceOf(ctx, tx, acct, in.SerialNumber)
		if err != nil {
			return err
		}
		if !d.EnabledAt.IsZero() {
			return deleteConflict(msgMFAInUseDelete)
		}
		if err := tx.DeleteMFADevice(ctx, d.SerialNumber); errors.Is(err, store.ErrNotFound) {
			return noSuchEntity(msgMFANotFound, in.SerialNumber)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ListMFADevices lists the devices assigned to a user, or to the caller
// when UserName is absent, ordered by serial number.
func (s *Service) ListMFADevices(ctx context.Context, call *rpc.Call, in *iamapi.ListMFADevicesRequest) (*iamapi.ListMFADevicesResponse, error) {
	acct := call.Principal.AccountID
	owner, err := s.mfaCallerOwner(ctx, call, in.UserName)
	if err != nil {
		return nil, err
	}
	if err := s.mfaAuthorizeOwner(ctx, call, "iam:ListMFADevices", owner); err != nil {
		return nil, err
	}
	devs, err := s.store.ListMFADevices(ctx, acct, owner.userName)
	if err != nil {
		return nil, err
	}
	var out []iamapi.MFADevice
	for _, d := range devs {
		if owner.owns(d) {
			// The root's devices carry no user name (the model has no
			// other field for it).
			out = append(out, iamapi.MFADevice{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: d.EnabledAt})
		}
	}
	items, truncated, marker, err := pageSlice(out, in.Marker, in.MaxItems, func(d iamapi.MFADevice) string { return d.SerialNumber })
	if err != nil {
		return nil, err
	}
	return &iamapi.ListMFADevicesResponse{MFADevices: items, IsTruncated: truncated, Marker: marker}, nil
}

// ListVirtualMFADevices lists the account's virtual devices by assignment
// status (default Any, IAM API Reference), with the user of each assigned
// one. Seeds and QR codes are never listed.
func (s *Service) ListVirtualMFADevices(ctx context.Context, call *rpc.Call, in *iamapi.ListVirtualMFADevicesRequest) (*iamapi.ListVirtualMFADevicesResponse, error) {
	acct := call.Principal.AccountID
	// The action has no resource type (Service Authorization Reference).
	if err := s.authorize(ctx, call, "iam:ListVirtualMFADevices", "*"); err != nil {
		return nil, err
	}
	devs, err := s.store.ListMFADevices(ctx, acct, "")
	if err != nil {
		return nil, err
	}
	var kept []store.MFADevice
	for _, d := range devs {
		assigned := !d.EnabledAt.IsZero()
		if (in.AssignmentStatus == mfaAssigned && !assigned) || (in.AssignmentStatus == mfaUnassigned && assigned) {
			continue
		}
		kept = append(kept, d)
	}
	page, truncated, marker, err := pageSlice(kept, in.Marker, in.MaxItems, func(d store.MFADevice) string { return d.SerialNumber })
	if err != nil {
		return nil, err
	}
	out := make([]iamapi.VirtualMFADevice, 0, len(page))
	for _, d := range page {
		v := iamapi.VirtualMFADevice{SerialNumber: d.SerialNumber, Tags: tagsOut(d.Tags)}
		if !d.EnabledAt.IsZero() {
			v.EnableDate = d.EnabledAt
			if v.User, err = s.mfaDeviceUser(ctx, acct, d.UserName); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return &iamapi.ListVirtualMFADevicesResponse{VirtualMFADevices: out, IsTruncated: truncated, Marker: marker}, nil
}

// mfaDeviceUser is the User element of an assigned device: the IAM user,
// or the root as AWS shows it (its ARN and the account id as user id).
func (s *Service) mfaDeviceUser(ctx context.Context, acct, userName string) (*iamapi.User, error) {
	if userName == "" {
		u := &iamapi.User{Arn: arn.Root(acct), UserId: acct, Path: "/"}
		a, err := s.store.GetAccount(ctx, acct)
		if err != nil {
			return nil, err
		}
		u.CreateDate = a.CreatedAt
		return u, nil
	}
	su, err := s.store.GetUser(ctx, acct, userName)
	if errors.Is(err, store.ErrNotFound) {
		// DeleteUser refuses while devices are assigned, so this is only a
		// race with a rename; show what the device records.
		return &iamapi.User{UserName: userName, Path: "/", Arn: arn.User(acct, "/", userName)}, nil
	} else if err != nil {
		return nil, err
	}
	u := userOut(su)
	// Listings show users without their tags, as ListUsers does.
	u.Tags = nil
	return &u, nil
}

// mfaOwner is whose devices an operation acts on: an IAM user, or the
// account root.
type mfaOwner struct {
	root     bool
	userName string // the stored spelling when the user exists
	exists   bool
	resource string // the ARN the action is authorized on
}

// owns reports whether d is enabled for this owner (mfa package
// convention: enabled with a user name for a user, without for the root).
func (o mfaOwner) owns(d store.MFADevice) bool {
	if d.EnabledAt.IsZero() {
		return false
	}
	if o.root {
		return d.UserName == ""
	}
	return d.UserName != "" && strings.EqualFold(d.UserName, o.userName)
}

// mfaNamedOwner resolves a named user. A missing user is authorized on
// its path-less ARN first, so a caller without permission cannot probe
// which users exist.
func (s *Service) mfaNamedOwner(ctx context.Context, acct, name string) (mfaOwner, error) {
	u, err := s.store.GetUser(ctx, acct, name)
	if errors.Is(err, store.ErrNotFound) {
		return mfaOwner{userName: name, resource: arn.User(acct, "/", name)}, nil
	} else if err != nil {
		return mfaOwner{}, err
	}
	return mfaOwner{userName: u.Name, exists: true, resource: arn.User(acct, u.Path, u.Name)}, nil
}

// mfaCallerOwner resolves an optional UserName: absent, it is the calling
// user, or the root for the root. Other callers must name a user, with
// the ValidationError IAM gives them for GetUser and similar calls.
func (s *Service) mfaCallerOwner(ctx context.Context, call *rpc.Call, name string) (mfaOwner, error) {
	p := call.Principal
	if name != "" {
		return s.mfaNamedOwner(ctx, p.AccountID, name)
	}
	switch p.Type {
	case auth.User:
		return s.mfaNamedOwner(ctx, p.AccountID, p.Name)
	case auth.Root:
		return mfaOwner{root: true, exists: true, resource: arn.Root(p.AccountID)}, nil
	}
	return mfaOwner{}, apierr.New(apierr.ValidationError, msgMFANonUser)
}

// mfaAuthorizeOwner authorizes action on the owner and then refuses a
// user that does not exist.
func (s *Service) mfaAuthorizeOwner(ctx context.Context, call *rpc.Call, action string, o mfaOwner) error {
	if err := s.authorize(ctx, call, action, o.resource); err != nil {
		return err
	}
	if !o.exists {
		return noSuchEntity(msgMFANoUser, o.userName)
	}
	return nil
}

// mfaDeviceOf loads a device of the account; a device of another account
// is as absent as a missing one.
func mfaDeviceOf(ctx context.Context, r store.Reader, acct, serial string) (store.MFADevice, error) {
	return findMFADevice(ctx, r, acct, serial, msgMFANotFound)
}

// findMFADevice loads a device of the account, answering NoSuchEntity with
// missing (a format taking the serial number) for a device that is absent
// or another account's.
func findMFADevice(ctx context.Context, r store.Reader, acct, serial, missing string) (store.MFADevice, error) {
	d, err := r.GetMFADevice(ctx, serial)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.AccountID != acct) {
		return store.MFADevice{}, noSuchEntity(missing, serial)
	}
	return d, err
}

// mfaTagRules: MFA devices' tag keys compare case-insensitively, as
// CreateVirtualMFADevice already treats them (AWS's behaviour here is not
// recorded); the LimitExceeded text is the one recorded for OIDC
// providers, AWS's for MFA devices not being recorded.
var mfaTagRules = tagRules{overLimit: msgTagLimit}

// TagMFADevice adds tags to a virtual MFA device, assigned or not,
// replacing the value of a key it already has.
func (s *Service) TagMFADevice(ctx context.Context, call *rpc.Call, in *iamapi.TagMFADeviceRequest) (*struct{}, error) {
	return s.tagEntity(ctx, call, "iam:TagMFADevice", in.SerialNumber, mfaTags(call.Principal.AccountID, in.SerialNumber), in.Tags)
}

// UntagMFADevice removes tags from a virtual MFA device by key.
func (s *Service) UntagMFADevice(ctx context.Context, call *rpc.Call, in *iamapi.UntagMFADeviceRequest) (*struct{}, error) {
	return s.untagEntity(ctx, call, "iam:UntagMFADevice", in.SerialNumber, mfaTags(call.Principal.AccountID, in.SerialNumber), in.TagKeys)
}

// ListMFADeviceTags lists a virtual MFA device's tags by key, a page at a
// time. A virtual device's serial number is its ARN, the resource the
// action is authorized on.
func (s *Service) ListMFADeviceTags(ctx context.Context, call *rpc.Call, in *iamapi.ListMFADeviceTagsRequest) (*iamapi.ListMFADeviceTagsResponse, error) {
	tags, truncated, marker, err := s.listEntityTags(ctx, call, "iam:ListMFADeviceTags", in.SerialNumber, mfaTags(call.Principal.AccountID, in.SerialNumber), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListMFADeviceTagsResponse{Tags: tags, IsTruncated: truncated, Marker: marker}, nil
}

// mfaTags is the device a serial number names, as a tag target.
func mfaTags(acct, serial string) tagTarget {
	find := func(ctx context.Context, r store.Reader) (store.MFADevice, error) {
		return findMFADevice(ctx, r, acct, serial, msgMFATagNoDevice)
	}
	return rowTags(mfaTagRules, find, func(d *store.MFADevice) *[]store.Tag { return &d.Tags },
		func(ctx context.Context, tx store.Tx, d store.MFADevice) error { return tx.UpdateMFADevice(ctx, d) })
}

// mfaEnabledCount counts the enabled devices among devs.
func mfaEnabledCount(devs []store.MFADevice) int {
	n := 0
	for _, d := range devs {
		if !d.EnabledAt.IsZero() {
			n++
		}
	}
	return n
}
