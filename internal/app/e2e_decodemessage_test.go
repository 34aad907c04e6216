package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/authmsg"
)

// decodeBootstrap: decoder may decode messages, nobody may not; the role
// debug may, and decoder may assume it.
const decodeBootstrap = `
accounts:
  - id: "111111111111"
    users:
      - name: decoder
        access_keys: [{id: AKIADECODER000000001, secret: "decoderSecret000000000000000000000000000"}]
        inline_policies:
          decode:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "sts:DecodeAuthorizationMessage", Resource: "*"}
              - {Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/debug"}
      - name: nobody
        access_keys: [{id: AKIANOBODY0000000001, secret: "nobodySecret0000000000000000000000000000"}]
        inline_policies:
          other:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "sts:GetCallerIdentity", Resource: "*"}
    roles:
      - name: debug
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:user/decoder"}, Action: "sts:AssumeRole"}
        inline_policies:
          decode:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "sts:DecodeAuthorizationMessage", Resource: "*"}
`

// deniedGetObject is the message of a denied s3:GetObject by nobody.
func deniedGetObject() *authmsg.Message {
	return authmsg.Build(authmsg.Decision{
		ExplicitDeny: true,
		Statements: []authmsg.MatchedStatement{{SourcePolicy: "other", Index: 1, Sid: "NoProd", Effect: "Deny",
			Actions: []string{"s3:*"}, Resources: []string{"arn:aws:s3:::prod/*"}}},
		PrincipalID: "AIDAEXAMPLE", PrincipalARN: "arn:aws:iam::111111111111:user/nobody",
		Action: "s3:GetObject", Resource: "arn:aws:s3:::prod/report.csv",
		Conditions: map[string][]string{"aws:SecureTransport": {"false"}, "aws:username": {"nobody"}},
	})
}

func TestDecodeAuthorizationMessage(t *testing.T) {
	h := start(t, withBootstrap(t, decodeBootstrap))
	ctx := context.Background()
	msg := deniedGetObject()
	encoded, err := h.app.EncodeAuthorizationMessage(msg, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(msg)
	decoder := h.stsClient("AKIADECODER000000001", "decoderSecret000000000000000000000000000", "")
	nobody := h.stsClient("AKIANOBODY0000000001", "nobodySecret0000000000000000000000000000", "")
	role, err := assume(decoder, "arn:aws:iam::111111111111:role/debug", "dbg")
	if err != nil {
		t.Fatal(err)
	}
	// A session policy that does not allow the action narrows it away.
	narrowed, err := assume(decoder, "arn:aws:iam::111111111111:role/debug", "narrow", func(in *sts.AssumeRoleInput) {
		in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	})
	if err != nil {
		t.Fatal(err)
	}
	decode := func(c *sts.Client, s string) (*sts.DecodeAuthorizationMessageOutput, error) {
		return c.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(s)})
	}

	for _, tt := range []struct {
		name   string
		client *sts.Client
	}{
		{"root", h.stsClient(rootKeyID, rootSecret, "")},
		{"user allowed", decoder},
		{"role session allowed", h.withCreds(role.Credentials)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := decode(tt.client, encoded)
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(out.DecodedMessage); got != string(want) {
				t.Fatalf("DecodedMessage\n got %s\nwant %s", got, want)
			}
		})
	}

	// Another stsd, with its own data directory and so its own key ring.
	other := start(t, nil)
	foreign, err := other.app.EncodeAuthorizationMessage(msg, other.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(encoded)
	if mid := len(tampered) / 2; tampered[mid] == 'A' {
		tampered[mid] = 'B'
	} else {
		tampered[mid] = 'A'
	}
	// AccessDenied as AWS words it (IAM User Guide,
	// troubleshoot_access-denied.html). InvalidAuthorizationMessageException
	// is 400 in the STS model, which describes it as "the message passed to
	// DecodeAuthorizationMessage was invalid ... if the token contains
	// invalid characters, such as line breaks, or if the message has
	// expired"; AWS's wire text is recorded nowhere at hand, so the text is
	// stsd's (internal/sts/decodemessage.go).
	const invalid = "The encoded authorization message is invalid or has expired."
	tooLong := strings.Repeat("A", 10241)
	for _, tt := range []struct {
		name, msg, code, text string
		client                *sts.Client
		status                int
	}{
		{"user without the permission", encoded, "AccessDenied",
			"User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: sts:DecodeAuthorizationMessage on resource: * because no identity-based policy allows the sts:DecodeAuthorizationMessage action",
			nobody, 403},
		{"session policy without it", encoded, "AccessDenied",
			"User: arn:aws:sts::111111111111:assumed-role/debug/narrow is not authorized to perform: sts:DecodeAuthorizationMessage on resource: * because no session policy allows the sts:DecodeAuthorizationMessage action",
			h.withCreds(narrowed.Credentials), 403},
		{"tampered", string(tampered), "InvalidAuthorizationMessageException", invalid, decoder, 400},
		{"garbage", "not-a-message", "InvalidAuthorizationMessageException", invalid, decoder, 400},
		{"foreign", foreign, "InvalidAuthorizationMessageException", invalid, decoder, 400},
		// The model's bounds on EncodedMessage (encodedMessageType: 1 to
		// 10240 characters), checked before the handler runs.
		{"too long", tooLong, "ValidationError", "1 validation error detected: Value '" + tooLong + "' at 'encodedMessage' failed to satisfy constraint: Member must have length less than or equal to 10240", decoder, 400},
		{"empty", "", "ValidationError", "1 validation error detected: Value '' at 'encodedMessage' failed to satisfy constraint: Member must have length greater than or equal to 1", decoder, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(tt.client, tt.msg)
			apiError(t, err, tt.code, tt.text, tt.status)
		})
	}

	// Messages expire: one issued more than authmsg.Lifetime ago is
	// refused. (The server's clock stays put: the SDK signs with the real
	// time.)
	old, err := h.app.EncodeAuthorizationMessage(msg, h.clock.Now().Add(-authmsg.Lifetime-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	_, err = decode(decoder, old)
	apiError(t, err, "InvalidAuthorizationMessageException", invalid, 400)
}
