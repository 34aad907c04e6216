package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/session"
)

// mint seals role-session claims with the running server's key ring, as the
// credential-issuing operations will.
func (h *harness) mint(expires time.Duration) (keyID, secret, token string) {
	h.t.Helper()
	keyID, err := ids.NewAccessKeyID(ids.PrefixTempAccessKey, "000000000000")
	if err != nil {
		h.t.Fatal(err)
	}
	secret, err = ids.NewSecretAccessKey()
	if err != nil {
		h.t.Fatal(err)
	}
	now := h.clock.Now()
	token, err = h.app.SessionRing().Seal(&session.Claims{
		AccountID:       "000000000000",
		AccessKeyID:     keyID,
		SecretAccessKey: session.Secret(secret),
		PrincipalType:   session.AssumedRole,
		PrincipalARN:    "arn:aws:sts::000000000000:assumed-role/demo/alice-session",
		PrincipalID:     "AROAEXAMPLEROLEID0001:alice-session",
		SourceARN:       "arn:aws:iam::000000000000:role/demo",
		RoleName:        "demo",
		RoleID:          "AROAEXAMPLEROLEID0001",
		SessionName:     "alice-session",
		IssuedAt:        now,
		Expiration:      now.Add(expires),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return keyID, secret, token
}

func TestTemporaryCredentials(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	keyID, secret, token := h.mint(time.Hour)

	out, err := h.stsClient(keyID, secret, token).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Arn) != "arn:aws:sts::000000000000:assumed-role/demo/alice-session" || aws.ToString(out.UserId) != "AROAEXAMPLEROLEID0001:alice-session" {
		t.Fatalf("identity = %s %s", aws.ToString(out.Arn), aws.ToString(out.UserId))
	}

	// Survives a restart: the key ring is in the store.
	h.restart()
	if _, err := h.stsClient(keyID, secret, token).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("session lost across restart: %v", err)
	}

	// The token is bound to its key id and its secret.
	otherKey, _, _ := h.mint(time.Hour)
	_, err = h.stsClient(otherKey, secret, token).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
	_, err = h.stsClient(keyID, "wrong"+secret[5:], token).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "SignatureDoesNotMatch", "The request signature we calculated does not match", 403)
	// A temporary key id without its token is unknown.
	_, err = h.stsClient(keyID, secret, "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid.", 403)

	// Past its expiration: ExpiredToken, 403, AWS's wording. The server's
	// clock moves; the SDK signs with the current time, so the request is
	// within the skew window only while the jump stays under 15 minutes —
	// mint a short session instead of moving far.
	shortKey, shortSecret, shortToken := h.mint(10 * time.Minute)
	h.clock.Add(11 * time.Minute)
	_, err = h.stsClient(shortKey, shortSecret, shortToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "ExpiredToken", "The security token included in the request is expired", 403)
}
