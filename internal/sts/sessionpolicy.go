package sts

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// maxSessionPolicyARNs is the documented limit on managed session policies.
const maxSessionPolicyARNs = 10

// sessionPolicies validates the session policies passed to AssumeRole or
// GetFederationToken: the inline document against the policy language, and
// each managed policy ARN for existence in the given account ("The policies
// must exist in the same account as the role", STS API reference,
// AssumeRole, PolicyArns). It returns the ARNs to record in the session;
// the token carries the inline document itself.
func (s *Service) sessionPolicies(ctx context.Context, doc string, arns []stsapi.PolicyDescriptorType, account string) ([]string, error) {
	if doc != "" {
		if _, err := s.policies.Parse(doc, policy.KindSession); err != nil {
			return nil, stsPolicyError(err)
		}
	}
	// "You can provide up to 10 managed policy ARNs" (STS API reference,
	// AssumeRole, PolicyArns); the model itself sets no maximum.
	if len(arns) > maxSessionPolicyARNs {
		return nil, apierr.New(apierr.ValidationError, msgTooManyPolicyARNs)
	}
	out := make([]string, 0, len(arns))
	for _, pd := range arns {
		res, err := arn.ParseIAM(pd.Arn)
		if err == nil && res.Type == arn.TypePolicy && res.AccountID == account {
			_, err = s.authz.ManagedDocument(ctx, pd.Arn)
			if err == nil {
				out = append(out, pd.Arn)
				continue
			}
			if !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
		}
		return nil, apierr.New(apierr.InvalidParameterValue, msgPolicyARNNotFound, pd.Arn)
	}
	return out, nil
}

// stsPolicyError words a session policy's refusal as STS does: a document
// that is not JSON gets STS's own text ("The policy is not in the valid JSON
// format.", recorded in the Ansible amazon.aws sts_assume_role integration
// tests), other faults the policy language's MalformedPolicyDocument text.
func stsPolicyError(err error) error {
	if policy.IsInvalidJSON(err) {
		return apierr.New(policy.MalformedPolicyDocument, msgSessionPolicyNotJSON)
	}
	return err
}

// packedSize returns PackedPolicySize for a request that passes session
// policies or tags (nil when it passes neither, as AWS then omits it), or
// PackedPolicyTooLarge past 100 percent, worded for tags when only tags
// were passed (AWS Knowledge Center, "iam-role-aws-sts-error").
func (s *Service) packedSize(doc string, arns []stsapi.PolicyDescriptorType, tags []stsapi.Tag, transitive []string) (*int32, error) {
	if doc == "" && len(arns) == 0 && len(tags) == 0 {
		return nil, nil
	}
	pct := s.packedPercent(doc, arns, tags, transitive)
	if pct > 100 {
		msg := msgPackedPolicyTooLarge
		if doc == "" && len(arns) == 0 {
			msg = msgPackedTagsTooLarge
		}
		return nil, apierr.New(codePackedPolicyTooLarge, msg, pct)
	}
	v := int32(pct)
	return &v, nil
}

// issueSession is issue for sessions whose size depends on the caller's
// policies and tags: a token that would not fit is PackedPolicyTooLarge.
func (s *Service) issueSession(c *session.Claims) (*stsapi.Credentials, error) {
	creds, err := s.issue(c)
	var tl *session.TooLargeError
	if errors.As(err, &tl) {
		return nil, apierr.New(codePackedPolicyTooLarge, msgPackedPolicyTooLarge, (tl.Len*100+tl.Max-1)/tl.Max)
	}
	return creds, err
}
