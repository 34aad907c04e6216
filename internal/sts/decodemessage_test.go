package sts

import (
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr/apierrtest"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/authmsg"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
)

func TestDecodeAuthorizationMessage(t *testing.T) {
	const acct = "111122223333"
	h := newHarness(t, acct)
	root := h.root(acct)
	for name, doc := range map[string]string{
		"decoder": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:DecodeAuthorizationMessage","Resource":"*"}]}`,
		"nobody":  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}`,
		"denied": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"},
			{"Effect":"Deny","Action":"sts:DecodeAuthorizationMessage","Resource":"*"}]}`,
	} {
		h.ok(h.iam.CreateUser(h.ctx, root, &iamapi.CreateUserRequest{UserName: name}))
		h.ok(h.iam.PutUserPolicy(h.ctx, root, &iamapi.PutUserPolicyRequest{UserName: name, PolicyName: "p", PolicyDocument: doc}))
	}
	codec := authmsg.New(func() *session.Ring { return h.ring }, nil)
	msg := authmsg.Build(authmsg.Decision{
		PrincipalID: "AIDAEXAMPLE", PrincipalARN: "arn:aws:iam::" + acct + ":user/nobody",
		Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Conditions: map[string][]string{"aws:SourceIp": {"192.0.2.1"}},
	})
	encoded, err := codec.Encode(msg, h.now)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"failures":{"items":[]},` +
		`"context":{"principal":{"id":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/nobody"},"action":"s3:GetObject",` +
		`"resource":"arn:aws:s3:::b/k","conditions":{"items":[{"key":"aws:SourceIp","values":{"items":[{"value":"192.0.2.1"}]}}]}}}`
	old, _ := codec.Encode(msg, h.now.Add(-authmsg.Lifetime-time.Second))
	otherRing, _ := session.NewRing(session.Key{ID: 1, Secret: make([]byte, session.KeySize)})
	foreign, _ := authmsg.New(func() *session.Ring { return otherRing }, nil).Encode(msg, h.now)
	tampered := []byte(encoded)
	if mid := len(tampered) / 2; tampered[mid] == 'A' {
		tampered[mid] = 'B'
	} else {
		tampered[mid] = 'A'
	}

	decode := func(call *rpc.Call, s string) (*stsapi.DecodeAuthorizationMessageResponse, error) {
		return h.svc.DecodeAuthorizationMessage(h.ctx, call, &stsapi.DecodeAuthorizationMessageRequest{EncodedMessage: s})
	}
	for _, tt := range []struct {
		name string
		call *rpc.Call
	}{{"root", root}, {"user allowed by its policy", h.user(acct, "decoder")}} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := decode(tt.call, encoded)
			if err != nil {
				t.Fatal(err)
			}
			if out.DecodedMessage != want {
				t.Fatalf("decoded\n got %s\nwant %s", out.DecodedMessage, want)
			}
		})
	}

	// The AWS wording of AccessDenied (IAM User Guide,
	// troubleshoot_access-denied.html): the action has no resource type,
	// so the resource is "*".
	const (
		deniedImplicit = "User: arn:aws:iam::111122223333:user/nobody is not authorized to perform: sts:DecodeAuthorizationMessage on resource: * because no identity-based policy allows the sts:DecodeAuthorizationMessage action"
		deniedExplicit = "User: arn:aws:iam::111122223333:user/denied is not authorized to perform: sts:DecodeAuthorizationMessage on resource: * with an explicit deny in an identity-based policy"
	)
	// InvalidAuthorizationMessageException is 400 in the STS model; its
	// wire text is stsd's (AWS's is recorded nowhere at hand; the model
	// says the error means "the message passed to DecodeAuthorizationMessage
	// was invalid. This can happen if the token contains invalid
	// characters, such as line breaks, or if the message has expired").
	const invalid = "The encoded authorization message is invalid or has expired."
	for _, tt := range []struct {
		name, msg, code, text string
		call                  *rpc.Call
		status                int
	}{
		{"no permission", encoded, "AccessDenied", deniedImplicit, h.user(acct, "nobody"), 403},
		// The permission is checked first: a caller without it learns
		// nothing about the message, not even whether it is valid.
		{"no permission, garbage", "garbage", "AccessDenied", deniedImplicit, h.user(acct, "nobody"), 403},
		{"explicit deny", encoded, "AccessDenied", deniedExplicit, h.user(acct, "denied"), 403},
		{"garbage", "garbage", codeInvalidAuthorizationMessage, invalid, root, 400},
		{"line break", encoded[:20] + "\n" + encoded[20:], codeInvalidAuthorizationMessage, invalid, root, 400},
		{"tampered", string(tampered), codeInvalidAuthorizationMessage, invalid, root, 400},
		{"foreign", foreign, codeInvalidAuthorizationMessage, invalid, root, 400},
		{"expired", old, codeInvalidAuthorizationMessage, invalid, h.user(acct, "decoder"), 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(tt.call, tt.msg)
			apierrtest.Want(t, apimodel.STS, err, tt.code, tt.text, tt.status)
		})
	}
}

// The registered handler keeps the session rules: a GetSessionToken
// session "cannot call any STS API except AssumeRole or
// GetCallerIdentity" (STS API reference, GetSessionToken).
func TestDecodeAuthorizationMessageSessionRules(t *testing.T) {
	h := newHarness(t, "111122223333")
	var handler rpc.Handler
	for _, hd := range h.svc.Handlers() {
		if hd.Op.Name == "DecodeAuthorizationMessage" {
			handler = hd
		}
	}
	if handler.Serve == nil {
		t.Fatal("DecodeAuthorizationMessage is not registered")
	}
	call := h.root("111122223333")
	call.Principal.Session = &session.Claims{PrincipalType: session.RootSession}
	_, err := handler.Serve(h.ctx, call, &stsapi.DecodeAuthorizationMessageRequest{EncodedMessage: "x"})
	apierrtest.Want(t, apimodel.STS, err, "AccessDenied", "User: arn:aws:iam::111122223333:root is not authorized to perform: sts:DecodeAuthorizationMessage", 403)
}
