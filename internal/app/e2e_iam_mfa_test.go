package app_test

// End-to-end tests of IAM's virtual MFA device operations through the real
// SDK IAM client.
//
// Messages and their sources:
//   - "MFADevice entity at the same path and name already exists." (409):
//     real AWS, quoted in a CloudTrail errorMessage and in the console's
//     "Entity Already exists" dialog (public write-ups found with the
//     search tool); moto uses the same text.
//   - "Authentication code for device is not valid." (InvalidAuthenticationCode,
//     403): real AWS, quoted by users who hit it while enabling MFA.
//   - "MFA VirtualDevice in use. Must deactivate first" (DeleteConflict):
//     real AWS, quoted in hashicorp/terraform-provider-aws#32462.
//   - "The user with name X cannot be found.": recorded in
//     aws-parity-snapshots/localstack/test_iam.snapshot.json.
//   - Not recorded from real AWS anywhere we could find, so taken from
//     other emulators: "VirtualMFADevice with serial number X doesn't
//     exist." (moto), "MFA Device is already in use." (ctyun OOS IAM) and
//     "Cannot exceed quota for MFADevicesPerUser: 8." (the quota is AWS's:
//     eight devices per user, IAM User Guide).

import (
	"bytes"
	"context"
	"encoding/base32"
	"fmt"
	"image"
	"image/png"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/boombuler/barcode/qr"

	"github.com/stsd/stsd/internal/mfa"
)

// iamMFABootstrap: alice and bob have keys and no IAM permissions; carol
// may manage MFA for herself only, with the self-management policy of the
// IAM User Guide (reference_policies_examples_iam_mfa-selfmanage.html);
// alice may assume the role "auditor".
const iamMFABootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIAMAINROOT00000001, secret: "mainRootSecret0000000000000000000000000000"}
    users:
      - name: alice
        path: /eng/
        access_keys: [{id: AKIAALICE00000000001, secret: "aliceSecret00000000000000000000000000000"}]
        inline_policies:
          assume:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/auditor"}
      - name: bob
        access_keys: [{id: AKIABOB0000000000001, secret: "bobSecret0000000000000000000000000000000"}]
      - name: carol
        access_keys: [{id: AKIACAROL00000000001, secret: "carolSecret00000000000000000000000000000"}]
        inline_policies:
          self-mfa:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"], Resource: "arn:aws:iam::*:mfa/${aws:username}*"}
              - {Effect: Allow, Action: ["iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice", "iam:DeactivateMFADevice"], Resource: "arn:aws:iam::*:user/${aws:username}"}
              - {Effect: Allow, Action: "iam:ListVirtualMFADevices", Resource: "*"}
    roles:
      - name: auditor
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:user/eng/alice"}, Action: "sts:AssumeRole"}
`

const iamMFAAccount = "111111111111"

// mfaEnv is a running stsd with iamMFABootstrap and its clients.
type mfaEnv struct {
	h                  *harness
	root, alice, bob   *iam.Client
	carol              *iam.Client
	aliceSTS, carolSTS *sts.Client
}

func startMFA(t *testing.T) *mfaEnv {
	h := start(t, withBootstrap(t, iamMFABootstrap))
	return &mfaEnv{
		h:        h,
		root:     h.iamClient("AKIAMAINROOT00000001", "mainRootSecret0000000000000000000000000000", ""),
		alice:    h.iamClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", ""),
		bob:      h.iamClient("AKIABOB0000000000001", "bobSecret0000000000000000000000000000000", ""),
		carol:    h.iamClient("AKIACAROL00000000001", "carolSecret00000000000000000000000000000", ""),
		aliceSTS: h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", ""),
		carolSTS: h.stsClient("AKIACAROL00000000001", "carolSecret00000000000000000000000000000", ""),
	}
}

// device is a created virtual MFA device as the client sees it.
type device struct {
	serial string
	seed   []byte
}

// create makes a device as c and returns it with its decoded seed.
func (e *mfaEnv) create(t *testing.T, c *iam.Client, name string) device {
	t.Helper()
	out, err := c.CreateVirtualMFADevice(context.Background(), &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateVirtualMFADevice %s: %v", name, err)
	}
	v := out.VirtualMFADevice
	seed, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(string(v.Base32StringSeed))
	if err != nil {
		t.Fatalf("Base32StringSeed %q: %v", v.Base32StringSeed, err)
	}
	return device{serial: aws.ToString(v.SerialNumber), seed: seed}
}

// codes returns the device's codes for the steps at offsets a and b from
// the harness clock's current step.
func (e *mfaEnv) codes(d device, a, b int64) (*string, *string) {
	cur := mfa.StepOf(e.h.clock.Now())
	return aws.String(mfa.CodeAt(d.seed, cur+a)), aws.String(mfa.CodeAt(d.seed, cur+b))
}

// enable assigns d to user as c with the codes of the previous and the
// current step, so the current step is spent.
func (e *mfaEnv) enable(t *testing.T, c *iam.Client, user string, d device) {
	t.Helper()
	c1, c2 := e.codes(d, -1, 0)
	_, err := c.EnableMFADevice(context.Background(), &iam.EnableMFADeviceInput{
		UserName: aws.String(user), SerialNumber: aws.String(d.serial), AuthenticationCode1: c1, AuthenticationCode2: c2,
	})
	if err != nil {
		t.Fatalf("EnableMFADevice %s for %s: %v", d.serial, user, err)
	}
}

// wrongCode returns a six-digit code that is not the device's code for
// any step near now, so its refusal is certain, not likely.
func (e *mfaEnv) wrongCode(d device) *string {
	cur := mfa.StepOf(e.h.clock.Now())
	for n := 0; ; n++ {
		c := fmt.Sprintf("%06d", (n*7919+123456)%1000000)
		used := false
		for s := cur - 2*mfa.ConsecutiveWindow; s <= cur+2*mfa.ConsecutiveWindow; s++ {
			used = used || mfa.CodeAt(d.seed, s) == c
		}
		if !used {
			return aws.String(c)
		}
	}
}

func serialOf(name string) string { return "arn:aws:iam::" + iamMFAAccount + ":mfa/" + name }

// accessDenied is the AccessDenied message prefix of IAM for a user
// without permission (IAM User Guide, "Troubleshoot access denied error
// messages").
func accessDenied(user, action, resource string) string {
	return "User: arn:aws:iam::" + iamMFAAccount + ":user/" + user + " is not authorized to perform: " + action + " on resource: " + resource
}

// TestIAMMFAFlow is the flow of issue 5: create a device, enable it with
// two consecutive codes computed from the returned seed, then get a
// session with MFA through STS.
func TestIAMMFAFlow(t *testing.T) {
	e := startMFA(t)
	ctx := context.Background()

	out, err := e.root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice-phone")})
	if err != nil {
		t.Fatal(err)
	}
	v := out.VirtualMFADevice
	serial := aws.ToString(v.SerialNumber)
	if serial != serialOf("alice-phone") {
		t.Fatalf("SerialNumber = %s", serial)
	}
	// AWS's Base32StringSeed is 64 Base32 characters (40 bytes).
	b32 := string(v.Base32StringSeed)
	seed, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(b32)
	if err != nil || len(b32) != 64 {
		t.Fatalf("Base32StringSeed %q (%d chars): %v", b32, len(b32), err)
	}
	// QRCodePNG is a PNG of otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String
	// (IAM API Reference, VirtualMFADevice); the device has no user yet,
	// so AccountName is the account id.
	checkQR(t, v.QRCodePNG, "otpauth://totp/alice-phone@"+iamMFAAccount+"?secret="+b32)
	d := device{serial: serial, seed: seed}

	// Codes that are not two consecutive ones are refused.
	cur := mfa.StepOf(e.h.clock.Now())
	for _, pair := range [][2]*string{
		{aws.String(mfa.CodeAt(seed, cur-1)), e.wrongCode(d)},
		{e.wrongCode(d), aws.String(mfa.CodeAt(seed, cur))},
	} {
		_, err = e.root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
			UserName: aws.String("alice"), SerialNumber: aws.String(serial), AuthenticationCode1: pair[0], AuthenticationCode2: pair[1],
		})
		apiError(t, err, "InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)
	}
	// The model's constraint: six digits. IAM leaves the value out of
	// validation messages (recorded in test_iam.snapshot.json).
	_, err = e.root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName: aws.String("alice"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String("12345"), AuthenticationCode2: aws.String("123456"),
	})
	apiError(t, err, "ValidationError", "1 validation error detected: Value at 'authenticationCode1' failed to satisfy constraint: Member must have length greater than or equal to 6", 400)

	e.enable(t, e.root, "alice", d)
	listed, err := e.root.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed.MFADevices) != 1 || aws.ToString(listed.MFADevices[0].SerialNumber) != serial ||
		aws.ToString(listed.MFADevices[0].UserName) != "alice" || !aws.ToTime(listed.MFADevices[0].EnableDate).Equal(e.h.clock.Now().Truncate(time.Second)) {
		t.Fatalf("ListMFADevices = %+v", listed.MFADevices)
	}

	// Enabling consumed the current step: its code does not open a session.
	_, err = e.aliceSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(mfa.CodeAt(seed, cur))})
	apiError(t, err, "AccessDenied", mfa.MsgInvalidCode, 403)

	// The next step's code does.
	e.h.clock.Add(mfa.StepSeconds * time.Second)
	tok, err := e.aliceSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(mfa.CodeAt(seed, cur+1))})
	if err != nil {
		t.Fatalf("GetSessionToken with MFA: %v", err)
	}
	claims, err := e.h.app.SessionRing().Open(aws.ToString(tok.Credentials.SessionToken))
	if err != nil {
		t.Fatal(err)
	}
	if !claims.MFAAuthenticated {
		t.Fatal("session does not record MFA")
	}
	_, err = e.aliceSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: e.wrongCode(d)})
	apiError(t, err, "AccessDenied", mfa.MsgInvalidCode, 403)

	// Bob cannot use alice's device.
	bobSTS := e.h.stsClient("AKIABOB0000000000001", "bobSecret0000000000000000000000000000000", "")
	e.h.clock.Add(mfa.StepSeconds * time.Second)
	_, err = bobSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(mfa.CodeAt(seed, cur+2))})
	apiError(t, err, "AccessDenied", mfa.MsgUnknownDevice, 403)

	// The device survives a restart, still enabled.
	e.h.restart()
	root := e.h.iamClient("AKIAMAINROOT00000001", "mainRootSecret0000000000000000000000000000", "")
	listed, err = root.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	if err != nil || len(listed.MFADevices) != 1 {
		t.Fatalf("after restart: %+v, %v", listed, err)
	}
}

// checkQR decodes a QR code PNG and checks that its modules are exactly
// those of a QR code of want, at whichever error-correction level.
func checkQR(t *testing.T, b []byte, want string) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("QRCodePNG is not a PNG: %v", err)
	}
	got := qrModules(t, img)
	for _, level := range []qr.ErrorCorrectionLevel{qr.L, qr.M, qr.Q, qr.H} {
		code, err := qr.Encode(want, level, qr.Auto)
		if err != nil {
			t.Fatal(err)
		}
		n := code.Bounds().Dx()
		if n != len(got) {
			continue
		}
		same := true
		for y := 0; y < n && same; y++ {
			for x := 0; x < n && same; x++ {
				same = dark(code.At(x, y)) == got[y][x]
			}
		}
		if same {
			return
		}
	}
	t.Fatalf("QRCodePNG (%d modules) does not encode %q", len(got), want)
}

// qrModules reads the module grid of a rendered QR code: the top-left
// finder pattern starts the symbol and is seven modules wide.
func qrModules(t *testing.T, img image.Image) [][]bool {
	t.Helper()
	bounds := img.Bounds()
	x0, y0 := -1, -1
	for y := bounds.Min.Y; y < bounds.Max.Y && x0 < 0; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			if dark(img.At(x, y)) {
				x0, y0 = x, y
				break
			}
		}
	}
	if x0 < 0 || x0 != y0 {
		t.Fatalf("no QR symbol in the PNG (first dark pixel at %d,%d)", x0, y0)
	}
	run := 0
	for x := x0; x < bounds.Max.X && dark(img.At(x, y0)); x++ {
		run++
	}
	if run%7 != 0 {
		t.Fatalf("finder pattern is %d pixels wide", run)
	}
	s := run / 7
	n := (bounds.Dx() - 2*(x0-bounds.Min.X)) / s
	if n < 21 || (n-21)%4 != 0 {
		t.Fatalf("%d modules is not a QR version", n)
	}
	grid := make([][]bool, n)
	for y := range grid {
		grid[y] = make([]bool, n)
		for x := range grid[y] {
			grid[y][x] = dark(img.At(x0+x*s+s/2, y0+y*s+s/2))
		}
	}
	return grid
}

func dark(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}

func TestIAMMFACreate(t *testing.T) {
	e := startMFA(t)
	ctx := context.Background()

	// Path and tags.
	out, err := e.root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: aws.String("dev"), Path: aws.String("/team/"),
		Tags: []iamtypes.Tag{{Key: aws.String("owner"), Value: aws.String("ops")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.VirtualMFADevice.SerialNumber); got != "arn:aws:iam::111111111111:mfa/team/dev" {
		t.Fatalf("SerialNumber = %s", got)
	}
	if tags := out.VirtualMFADevice.Tags; len(tags) != 1 || aws.ToString(tags[0].Key) != "owner" || aws.ToString(tags[0].Value) != "ops" {
		t.Fatalf("Tags = %+v", tags)
	}
	// The same name at another path is another device.
	e.create(t, e.root, "dev")

	for _, tc := range []struct{ name, path string }{{"dev", "/team/"}, {"DEV", "/team/"}, {"dev", "/"}} {
		_, err = e.root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(tc.name), Path: aws.String(tc.path)})
		apiError(t, err, "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.", 409)
	}
	_, err = e.root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: aws.String("tagged"),
		Tags:                 []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("K"), Value: aws.String("2")}},
	})
	apiError(t, err, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)
	_, err = e.root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bad name")})
	apiError(t, err, "ValidationError", "1 validation error detected: Value at 'virtualMFADeviceName' failed to satisfy constraint: Member must satisfy regular expression pattern", 400)

	// Carol may create devices named after herself, and nothing else.
	e.create(t, e.carol, "carol-phone")
	_, err = e.carol.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bob-phone")})
	apiError(t, err, "AccessDenied", accessDenied("carol", "iam:CreateVirtualMFADevice", serialOf("bob-phone")), 403)
	_, err = e.bob.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bob-phone")})
	apiError(t, err, "AccessDenied", accessDenied("bob", "iam:CreateVirtualMFADevice", serialOf("bob-phone")), 403)
}

func TestIAMMFAEnableRefusals(t *testing.T) {
	e := startMFA(t)
	ctx := context.Background()
	d := e.create(t, e.root, "shared")
	enable := func(c *iam.Client, user, serial string) error {
		c1, c2 := e.codes(d, -1, 0)
		_, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial), AuthenticationCode1: c1, AuthenticationCode2: c2})
		return err
	}

	apiError(t, enable(e.root, "nobody", d.serial), "NoSuchEntity", "The user with name nobody cannot be found.", 404)
	apiError(t, enable(e.root, "alice", serialOf("missing")), "NoSuchEntity", "VirtualMFADevice with serial number "+serialOf("missing")+" doesn't exist.", 404)
	// Another account's serial is as unknown as a missing one.
	other := "arn:aws:iam::000000000000:mfa/shared"
	apiError(t, enable(e.root, "alice", other), "NoSuchEntity", "VirtualMFADevice with serial number "+other+" doesn't exist.", 404)
	// The resource is the user, with its path.
	apiError(t, enable(e.bob, "alice", d.serial), "AccessDenied", accessDenied("bob", "iam:EnableMFADevice", "arn:aws:iam::111111111111:user/eng/alice"), 403)
	apiError(t, enable(e.carol, "alice", d.serial), "AccessDenied", accessDenied("carol", "iam:EnableMFADevice", "arn:aws:iam::111111111111:user/eng/alice"), 403)
	// A missing user is authorized before it is looked up.
	apiError(t, enable(e.bob, "nobody", d.serial), "AccessDenied", accessDenied("bob", "iam:EnableMFADevice", "arn:aws:iam::111111111111:user/nobody"), 403)

	// Carol enables the root-created device for herself; then it is taken.
	if err := enable(e.carol, "carol", d.serial); err != nil {
		t.Fatal(err)
	}
	e.h.clock.Add(2 * mfa.StepSeconds * time.Second)
	apiError(t, enable(e.root, "alice", d.serial), "EntityAlreadyExists", "MFA Device is already in use.", 409)
	apiError(t, enable(e.root, "carol", d.serial), "EntityAlreadyExists", "MFA Device is already in use.", 409)

	// Eight devices per user, then LimitExceeded.
	for i := 1; i < 8; i++ {
		e.enable(t, e.root, "carol", e.create(t, e.root, fmt.Sprintf("carol-%d", i)))
	}
	ninth := e.create(t, e.root, "carol-9")
	c1, c2 := e.codes(ninth, -1, 0)
	_, err := e.root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("carol"), SerialNumber: aws.String(ninth.serial), AuthenticationCode1: c1, AuthenticationCode2: c2})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: 8.", 409)
	// Another user may still take it.
	e.enable(t, e.root, "alice", ninth)
}

func TestIAMMFAListMFADevices(t *testing.T) {
	e := startMFA(t)
	ctx := context.Background()
	var want []string
	for i := range 7 {
		d := e.create(t, e.root, fmt.Sprintf("carol-%d", i))
		e.enable(t, e.root, "carol", d)
		want = append(want, d.serial)
	}
	e.create(t, e.root, "unassigned")
	e.enable(t, e.root, "alice", e.create(t, e.root, "alice-1"))

	// Carol lists her own devices, by name or as the caller, across pages.
	for _, name := range []*string{aws.String("carol"), aws.String("CAROL"), nil} {
		var got []string
		var marker *string
		pages := 0
		for {
			out, err := e.carol.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: name, MaxItems: aws.Int32(3), Marker: marker})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, d := range out.MFADevices {
				if aws.ToString(d.UserName) != "carol" || d.EnableDate == nil {
					t.Fatalf("device %+v", d)
				}
				got = append(got, aws.ToString(d.SerialNumber))
			}
			if !out.IsTruncated {
				if out.Marker != nil {
					t.Fatalf("last page has Marker %q", aws.ToString(out.Marker))
				}
				break
			}
			marker = out.Marker
		}
		if pages != 3 || !slices.Equal(got, want) {
			t.Fatalf("UserName %v: %d pages, %v; want 3 pages, %v", aws.ToString(name), pages, got, want)
		}
	}

	// The root has no device of its own; naming a user lists theirs.
	out, err := e.root.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	if err != nil || len(out.MFADevices) != 0 || out.IsTruncated {
		t.Fatalf("root: %+v, %v", out, err)
	}
	out, err = e.root.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	if err != nil || len(out.MFADevices) != 1 || aws.ToString(out.MFADevices[0].SerialNumber) != serialOf("alice-1") {
		t.Fatalf("alice: %+v, %v", out, err)
	}
	_, err = e.root.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("nobody")})
	apiError(t, err, "NoSuchEntity", "The user with name nobody cannot be found.", 404)
	_, err = e.root.ListMFADevices(ctx, &iam.ListMFADevicesInput{Marker: aws.String("!!")})
	apiError(t, err, "InvalidInput", "Invalid Marker.", 400)
	_, err = e.carol.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	apiError(t, err, "AccessDenied", accessDenied("carol", "iam:ListMFADevices", "arn:aws:iam::111111111111:user/eng/alice"), 403)
	_, err = e.bob.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	apiError(t, err, "AccessDenied", accessDenied("bob", "iam:ListMFADevices", "arn:aws:iam::111111111111:user/bob"), 403)

	// A role session must name the user (IAM's answer to non-user callers
	// of the "caller by default" operations, e.g. GetUser).
	role, err := e.aliceSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/auditor"), RoleSessionName: aws.String("audit")})
	if err != nil {
		t.Fatal(err)
	}
	rc := role.Credentials
	_, err = e.h.iamClient(aws.ToString(rc.AccessKeyId), aws.ToString(rc.SecretAccessKey), aws.ToString(rc.SessionToken)).ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	apiError(t, err, "ValidationError", "Must specify userName when calling with non-User credentials", 400)
}

func TestIAMMFAListVirtualMFADevices(t *testing.T) {
	e := startMFA(t)
	ctx := context.Background()
	assigned := e.create(t, e.root, "a-assigned")
	e.enable(t, e.root, "alice", assigned)
	var unassigned []string
	for i := range 4 {
		unassigned = append(unassigned, e.create(t, e.root, fmt.Sprintf("u-%d", i)).serial)
	}

	list := func(c *iam.Client, status iamtypes.AssignmentStatusType) []iamtypes.VirtualMFADevice {
		t.Helper()
		var all []iamtypes.VirtualMFADevice
		var marker *string
		for {
			out, err := c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: status, MaxItems: aws.Int32(2), Marker: marker})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.VirtualMFADevices) > 2 {
				t.Fatalf("page of %d", len(out.VirtualMFADevices))
			}
			all = append(all, out.VirtualMFADevices...)
			if !out.IsTruncated {
				return all
			}
			marker = out.Marker
		}
	}
	serials := func(ds []iamtypes.VirtualMFADevice) []string {
		var s []string
		for _, d := range ds {
			if len(d.Base32StringSeed) != 0 || len(d.QRCodePNG) != 0 {
				t.Fatalf("listing shows the seed of %s", aws.ToString(d.SerialNumber))
			}
			s = append(s, aws.ToString(d.SerialNumber))
		}
		return s
	}

	// Default is Any (IAM API Reference, ListVirtualMFADevices).
	all := list(e.root, "")
	if got, want := serials(all), append([]string{assigned.serial}, unassigned...); !slices.Equal(got, want) {
		t.Fatalf("Any = %v, want %v", got, want)
	}
	if got := serials(list(e.carol, iamtypes.AssignmentStatusTypeAny)); len(got) != 5 {
		t.Fatalf("carol Any = %v", got)
	}
	if got := serials(list(e.root, iamtypes.AssignmentStatusTypeUnassigned)); !slices.Equal(got, unassigned) {
		t.Fatalf("Unassigned = %v", got)
	}
	as := list(e.root, iamtypes.AssignmentStatusTypeAssigned)
	if len(as) != 1 || aws.ToString(as[0].SerialNumber) != assigned.serial || as[0].EnableDate == nil || as[0].User == nil {
		t.Fatalf("Assigned = %+v", as)
	}
	if u := as[0].User; aws.ToString(u.UserName) != "alice" || aws.ToString(u.Arn) != "arn:aws:iam::111111111111:user/eng/alice" || aws.ToString(u.Path) != "/eng/" {
		t.Fatalf("User = %+v", u)
	}
	if all[1].User != nil || all[1].EnableDate != nil {
		t.Fatalf("unassigned device shows %+v", all[1])
	}

	_, err := e.bob.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{})
	apiError(t, err, "AccessDenied", accessDenied("bob", "iam:ListVirtualMFADevices", "*"), 403)
	_, err = e.root.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: "Maybe"})
	apiError(t, err, "ValidationError", "1 validation error detected: Value at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set", 400)
}

func TestIAMMFADeactivateAndDelete(t *testing.T) {
	e := startMFA(t)
	ctx := context.Background()
	d := e.create(t, e.carol, "carol-phone")
	e.enable(t, e.carol, "carol", d)
	deactivate := func(c *iam.Client, user *string, serial string) error {
		_, err := c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: user, SerialNumber: aws.String(serial)})
		return err
	}
	del := func(c *iam.Client, serial string) error {
		_, err := c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
		return err
	}

	apiError(t, del(e.root, d.serial), "DeleteConflict", "MFA VirtualDevice in use. Must deactivate first", 409)
	apiError(t, deactivate(e.root, aws.String("alice"), d.serial), "NoSuchEntity", "VirtualMFADevice with serial number "+d.serial+" doesn't exist.", 404)
	apiError(t, deactivate(e.root, aws.String("nobody"), d.serial), "NoSuchEntity", "The user with name nobody cannot be found.", 404)
	apiError(t, deactivate(e.root, aws.String("carol"), serialOf("missing")), "NoSuchEntity", "VirtualMFADevice with serial number "+serialOf("missing")+" doesn't exist.", 404)
	apiError(t, deactivate(e.bob, aws.String("carol"), d.serial), "AccessDenied", accessDenied("bob", "iam:DeactivateMFADevice", "arn:aws:iam::111111111111:user/carol"), 403)
	apiError(t, del(e.bob, d.serial), "AccessDenied", accessDenied("bob", "iam:DeleteVirtualMFADevice", d.serial), 403)

	// The device works until carol, as the caller, deactivates it.
	e.h.clock.Add(mfa.StepSeconds * time.Second)
	if _, err := e.carolSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(d.serial), TokenCode: aws.String(mfa.Code(d.seed, e.h.clock.Now()))}); err != nil {
		t.Fatal(err)
	}
	if err := deactivate(e.carol, nil, d.serial); err != nil {
		t.Fatal(err)
	}
	e.h.clock.Add(mfa.StepSeconds * time.Second)
	_, err := e.carolSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(d.serial), TokenCode: aws.String(mfa.Code(d.seed, e.h.clock.Now()))})
	apiError(t, err, "AccessDenied", mfa.MsgUnknownDevice, 403)
	out, err := e.carol.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	if err != nil || len(out.MFADevices) != 0 {
		t.Fatalf("after deactivation: %+v, %v", out, err)
	}
	apiError(t, deactivate(e.carol, nil, d.serial), "NoSuchEntity", "VirtualMFADevice with serial number "+d.serial+" doesn't exist.", 404)

	// Unassigned, it can be deleted, once.
	if err := del(e.carol, d.serial); err != nil {
		t.Fatal(err)
	}
	apiError(t, del(e.carol, d.serial), "NoSuchEntity", "VirtualMFADevice with serial number "+d.serial+" doesn't exist.", 404)
	if got, err := e.root.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{}); err != nil || len(got.VirtualMFADevices) != 0 {
		t.Fatalf("after delete: %+v, %v", got, err)
	}
	// The name is free again.
	e.create(t, e.carol, "carol-phone")
}

func TestIAMMFAResync(t *testing.T) {
	e := startMFA(t)
	ctx := context.Background()
	d := e.create(t, e.carol, "carol-phone")
	e.enable(t, e.carol, "carol", d)
	resync := func(c *iam.Client, user, serial string, c1, c2 *string) error {
		_, err := c.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial), AuthenticationCode1: c1, AuthenticationCode2: c2})
		return err
	}

	// Codes already accepted (the enabling ones) cannot resync.
	c1, c2 := e.codes(d, -1, 0)
	apiError(t, resync(e.carol, "carol", d.serial, c1, c2), "InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)
	c1, _ = e.codes(d, 1, 2)
	apiError(t, resync(e.carol, "carol", d.serial, c1, e.wrongCode(d)), "InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)

	// A device running three steps ahead resyncs on its next two codes…
	c1, c2 = e.codes(d, 3, 4)
	if err := resync(e.carol, "carol", d.serial, c1, c2); err != nil {
		t.Fatal(err)
	}
	// …which are then spent, as is everything before them.
	apiError(t, resync(e.carol, "carol", d.serial, c1, c2), "InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)
	e.h.clock.Add(4 * mfa.StepSeconds * time.Second)
	_, err := e.carolSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(d.serial), TokenCode: c2})
	apiError(t, err, "AccessDenied", mfa.MsgInvalidCode, 403)
	e.h.clock.Add(mfa.StepSeconds * time.Second)
	if _, err := e.carolSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(d.serial), TokenCode: aws.String(mfa.Code(d.seed, e.h.clock.Now()))}); err != nil {
		t.Fatalf("after resync: %v", err)
	}

	c1, c2 = e.codes(d, 1, 2)
	apiError(t, resync(e.root, "alice", d.serial, c1, c2), "NoSuchEntity", "VirtualMFADevice with serial number "+d.serial+" doesn't exist.", 404)
	apiError(t, resync(e.root, "nobody", d.serial, c1, c2), "NoSuchEntity", "The user with name nobody cannot be found.", 404)
	apiError(t, resync(e.bob, "carol", d.serial, c1, c2), "AccessDenied", accessDenied("bob", "iam:ResyncMFADevice", "arn:aws:iam::111111111111:user/carol"), 403)
	unassigned := e.create(t, e.root, "spare")
	apiError(t, resync(e.root, "carol", unassigned.serial, c1, c2), "NoSuchEntity", "VirtualMFADevice with serial number "+unassigned.serial+" doesn't exist.", 404)
}
