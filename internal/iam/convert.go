package iam

import (
	"strings"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/store"
)

// userOut shapes a stored user as the IAM model's User.
func userOut(u store.User) iamapi.User {
	out := iamapi.User{
		Path:             u.Path,
		UserName:         u.Name,
		UserId:           u.ID,
		Arn:              arn.User(u.AccountID, u.Path, u.Name),
		CreateDate:       u.CreatedAt,
		PasswordLastUsed: u.PasswordLastUsed,
		Tags:             tagsOut(u.Tags),
	}
	if u.PermissionsBoundary != "" {
		out.PermissionsBoundary = boundaryOut(u.PermissionsBoundary)
	}
	return out
}

// usersListed shapes users as IAM's listings of users answer them (ListUsers
// and GetGroup's members), empty rather than nil: without tags or
// permissions boundaries ("this operation does not return tags, even
// though they are an attribute of the returned object", IAM API reference,
// ListUsers).
func usersListed(users []store.User) []iamapi.User {
	out := make([]iamapi.User, 0, len(users))
	for _, u := range users {
		v := userOut(u)
		v.Tags, v.PermissionsBoundary = nil, nil
		out = append(out, v)
	}
	return out
}

// roleOut shapes a stored role as the IAM model's Role; the trust policy is
// URL-encoded as IAM returns policy documents.
func roleOut(r store.Role) iamapi.Role {
	max := r.MaxSessionDuration
	out := iamapi.Role{
		Path:                     r.Path,
		RoleName:                 r.Name,
		RoleId:                   r.ID,
		Arn:                      arn.Role(r.AccountID, r.Path, r.Name),
		CreateDate:               r.CreatedAt,
		AssumeRolePolicyDocument: encodeDocument(r.TrustPolicy),
		Description:              r.Description,
		MaxSessionDuration:       &max,
		Tags:                     tagsOut(r.Tags),
	}
	if r.PermissionsBoundary != "" {
		out.PermissionsBoundary = boundaryOut(r.PermissionsBoundary)
	}
	if !r.LastUsedAt.IsZero() {
		out.RoleLastUsed = &iamapi.RoleLastUsed{LastUsedDate: r.LastUsedAt, Region: r.LastUsedRegion}
	}
	return out
}

func boundaryOut(policyARN string) *iamapi.AttachedPermissionsBoundary {
	return &iamapi.AttachedPermissionsBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: policyARN}
}

// tagsOut shapes stored tags; nil stays nil so empty lists are omitted.
func tagsOut(tags []store.Tag) []iamapi.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]iamapi.Tag, len(tags))
	for i, t := range tags {
		out[i] = iamapi.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// encodeDocument URL-encodes a policy document as IAM returns documents
// ("The policy document returned in this structure is URL-encoded
// compliant with RFC 3986", IAM API reference, e.g. GetRolePolicy):
// everything but the unreserved characters is percent-encoded, so both
// url.PathUnescape and url.QueryUnescape give the document back.
func encodeDocument(doc string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(doc) * 2)
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
