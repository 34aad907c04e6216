package sts

import (
	"time"

	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/session"
)

// issue completes c with a fresh temporary key pair, seals it into a session
// token and returns the credentials as the STS model shapes them. The key id
// is an ASIA… id that encodes the session's account, as AWS's do.
func (s *Service) issue(c *session.Claims) (*stsapi.Credentials, error) {
	keyID, err := ids.NewAccessKeyID(ids.PrefixTempAccessKey, c.AccountID)
	if err != nil {
		return nil, err
	}
	secret, err := ids.NewSecretAccessKey()
	if err != nil {
		return nil, err
	}
	c.AccessKeyID = keyID
	c.SecretAccessKey = session.Secret(secret)
	token, err := s.ring().Seal(c)
	if err != nil {
		return nil, err
	}
	return &stsapi.Credentials{
		AccessKeyId:     keyID,
		SecretAccessKey: secret,
		SessionToken:    token,
		Expiration:      c.Expiration,
	}, nil
}

// seconds turns a duration in seconds into a time.Duration.
func seconds(n int32) time.Duration { return time.Duration(n) * time.Second }
