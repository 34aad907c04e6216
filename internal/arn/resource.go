package arn

import (
	"errors"
	"strings"
)

// Errors returned by ParseIAM beyond those of Parse.
var (
	ErrNotIAM         = errors.New("arn: not an IAM or STS ARN")
	ErrRegionNotEmpty = errors.New("arn: IAM and STS ARNs have no region")
	ErrUnknownType    = errors.New("arn: unknown IAM or STS resource type")
	ErrBadPath        = errors.New("arn: invalid path")
	ErrBadName        = errors.New("arn: empty or invalid name")
	ErrBadSessionName = errors.New("arn: empty or invalid session name")
	ErrWrongService   = errors.New("arn: resource type does not belong to this service")
)

// IAMResource is an IAM or STS ARN taken apart.
type IAMResource struct {
	ARN
	// Type is one of the Type* constants.
	Type string
	// Path is the IAM path, starting and ending with "/", for the types that
	// have one (user, role, policy, group, instance-profile, mfa); "" for the
	// others.
	Path string
	// Name is the entity's name: the user, role, policy, group, instance
	// profile or MFA device name; the role name of an assumed-role ARN; the
	// federated user's name; the SAML provider's name; HOST/PATH of an OIDC
	// provider. "" for root.
	Name string
	// Session is the role session name of an assumed-role ARN, "" otherwise.
	Session string
}

// ParseIAM parses s and takes apart its resource section according to the
// IAM and STS resource types, so that
// arn:aws:iam::123456789012:role/some/path/Name gives Type "role", Path
// "/some/path/" and Name "Name". The account must be 12 digits, except for
// policies, which may also be AWS managed ("aws").
func ParseIAM(s string) (IAMResource, error) {
	a, err := Parse(s)
	if err != nil {
		return IAMResource{}, err
	}
	if a.Service != "iam" && a.Service != "sts" {
		return IAMResource{}, ErrNotIAM
	}
	if a.Region != "" {
		return IAMResource{}, ErrRegionNotEmpty
	}
	r := IAMResource{ARN: a}
	if a.Resource == TypeRoot {
		r.Type = TypeRoot
	} else {
		typ, _, found := strings.Cut(a.Resource, "/")
		if !found {
			return IAMResource{}, ErrUnknownType
		}
		r.Type = typ
		if err := r.split(a.Resource[len(typ):]); err != nil {
			return IAMResource{}, err
		}
	}
	wantService := "iam"
	if r.Type == TypeAssumedRole || r.Type == TypeFederatedUser {
		wantService = "sts"
	}
	if a.Service != wantService {
		return IAMResource{}, ErrWrongService
	}
	if !IsAccountID(a.AccountID) && (r.Type != TypePolicy || a.AccountID != AWSAccount) {
		return IAMResource{}, ErrBadAccount
	}
	return r, nil
}

// split fills Path, Name and Session from the resource text after "TYPE"
// (slash is "/" followed by the rest). The path is a slice of it, slash
// included, so that taking an ARN apart allocates nothing: policy
// evaluation does it for principals on every request.
func (r *IAMResource) split(slash string) error {
	rest := slash[1:]
	switch r.Type {
	case TypeUser, TypeRole, TypePolicy, TypeGroup, TypeInstanceProfile, TypeMFA:
		i := strings.LastIndexByte(slash, '/')
		r.Path, r.Name = slash[:i+1], slash[i+1:]
		if !isPath(r.Path) {
			return ErrBadPath
		}
		if !isName(r.Name) {
			return ErrBadName
		}
	case TypeAssumedRole:
		role, session, found := strings.Cut(rest, "/")
		if !found || !isName(role) {
			return ErrBadName
		}
		if !isName(session) {
			return ErrBadSessionName
		}
		r.Name, r.Session = role, session
	case TypeFederatedUser:
		if !isName(rest) {
			return ErrBadName
		}
		r.Name = rest
	case TypeSAMLProvider:
		// IAM's SAMLProviderNameType pattern is [\w._-]+.
		if rest == "" || !allIn(rest, func(c byte) bool { return isWord(c) || c == '.' || c == '-' }) {
			return ErrBadName
		}
		r.Name = rest
	case TypeOIDCProvider:
		// HOST/PATH of an https URL: printable ASCII, no empty host.
		if rest == "" || rest[0] == '/' || !allIn(rest, isPathByte) {
			return ErrBadName
		}
		r.Name = rest
	default:
		return ErrUnknownType
	}
	return nil
}

// isPath matches IAM's pathType: (\u002F)|(\u002F[\u0021-\u007E]+\u002F),
// at most 512 characters.
func isPath(p string) bool {
	if len(p) > 512 || p == "" || p[0] != '/' || p[len(p)-1] != '/' {
		return false
	}
	return allIn(p, isPathByte)
}

func isPathByte(c byte) bool { return c >= 0x21 && c <= 0x7e }

// isName matches the [\w+=,.@-]+ pattern IAM and STS use for user, role and
// policy names, role session names and federated user names.
func isName(s string) bool {
	return s != "" && allIn(s, func(c byte) bool {
		return isWord(c) || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-'
	})
}

func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
