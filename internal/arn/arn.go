// Package arn parses and formats Amazon Resource Names, and builds and takes
// apart the IAM and STS principal ARNs stsd deals in (root, users, roles,
// policies, assumed-role sessions, federated users, MFA devices, OIDC and
// SAML providers).
//
// Refusals are plain errors: the callers know which AWS error code and
// message a bad ARN deserves in their operation, this package does not.
package arn

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// MaxLen is the longest ARN accepted, the max of the STS and IAM models'
// arnType shape.
const MaxLen = 2048

// Partitions stsd accepts when parsing. stsd itself always formats PartitionAWS.
const (
	PartitionAWS      = "aws"
	PartitionAWSCN    = "aws-cn"
	PartitionAWSUSGov = "aws-us-gov"
)

// Errors returned by Parse. They say what is wrong; callers choose the AWS
// message.
var (
	ErrTooLong          = errors.New("arn: longer than 2048 characters")
	ErrNoPrefix         = errors.New("arn: does not start with \"arn:\"")
	ErrTooFewSections   = errors.New("arn: fewer than six colon-separated sections")
	ErrBadPartition     = errors.New("arn: unknown partition")
	ErrBadService       = errors.New("arn: empty or invalid service")
	ErrBadRegion        = errors.New("arn: invalid region")
	ErrBadAccount       = errors.New("arn: invalid account id")
	ErrBadResource      = errors.New("arn: empty resource")
	ErrInvalidCharacter = errors.New("arn: invalid character")
)

// ARN is an Amazon Resource Name split into its sections:
// arn:Partition:Service:Region:AccountID:Resource. Resource keeps any colons
// and slashes it contains.
type ARN struct {
	Partition string
	Service   string
	Region    string
	AccountID string
	Resource  string
}

// String formats the ARN. It does not validate: formatting an ARN built by
// hand gives back exactly its sections.
func (a ARN) String() string {
	var b strings.Builder
	b.Grow(8 + len(a.Partition) + len(a.Service) + len(a.Region) + len(a.AccountID) + len(a.Resource))
	b.WriteString("arn:")
	b.WriteString(a.Partition)
	b.WriteByte(':')
	b.WriteString(a.Service)
	b.WriteByte(':')
	b.WriteString(a.Region)
	b.WriteByte(':')
	b.WriteString(a.AccountID)
	b.WriteByte(':')
	b.WriteString(a.Resource)
	return b.String()
}

// Parse splits s into an ARN. It checks the structure every ARN shares (six
// sections, a known partition, a lowercase service, a plausible region and
// account) and the character set of the models' arnType, not the rules of any
// one service's resources; ParseIAM adds those for IAM and STS.
func Parse(s string) (ARN, error) {
	if len(s) > MaxLen {
		return ARN{}, ErrTooLong
	}
	a, err := Split(s)
	if err != nil {
		return ARN{}, err
	}
	switch a.Partition {
	case PartitionAWS, PartitionAWSCN, PartitionAWSUSGov:
	default:
		return ARN{}, ErrBadPartition
	}
	if a.Service == "" || !allIn(a.Service, isServiceByte) {
		return ARN{}, ErrBadService
	}
	if !allIn(a.Region, isServiceByte) {
		return ARN{}, ErrBadRegion
	}
	// Accounts are 12 digits, "aws" for AWS-owned resources, or empty for
	// global services such as S3; letters and dashes cover the rest.
	if !allIn(a.AccountID, isAccountByte) {
		return ARN{}, ErrBadAccount
	}
	if a.Resource == "" {
		return ARN{}, ErrBadResource
	}
	if !validChars(a.Resource) {
		return ARN{}, ErrInvalidCharacter
	}
	return a, nil
}

// Split cuts s into its sections and checks nothing else: not the
// partition, service, region, account or characters. It is for callers whose
// grammar differs from Parse's, such as IAM's policy validation, which
// recognises partitions stsd does not serve. Everyone else wants Parse.
func Split(s string) (ARN, error) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, ErrNoPrefix
	}
	var sec [4]string
	for i := range sec {
		var found bool
		sec[i], rest, found = strings.Cut(rest, ":")
		if !found {
			return ARN{}, ErrTooFewSections
		}
	}
	return ARN{Partition: sec[0], Service: sec[1], Region: sec[2], AccountID: sec[3], Resource: rest}, nil
}

func allIn(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isServiceByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

func isAccountByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

// validChars reports whether s matches the models' arnType pattern
// [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+
// and is valid UTF-8.
func validChars(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c <= 0x7e {
				i++
				continue
			}
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return false
		case r == 0x85, r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000:
		default:
			return false
		}
		i += size
	}
	return true
}

// IsAccountID reports whether s is a 12-digit AWS account id.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
