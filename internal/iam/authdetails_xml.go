package iam

import "github.com/stsd/stsd/internal/apimodel/iamapi"

// authorizationDetailsOutput writes GetAccountAuthorizationDetails' answer
// with the lists AWS always sends present even when empty. The generated
// encoder leaves out an empty optional list, and boto3 then has no key for
// it; PMapper (nccgroup/PMapper principalmapper/graphing/gathering.py)
// reads each page's four lists and a detail's GroupList,
// AttachedManagedPolicies, RolePolicyList, InstanceProfileList and
// PolicyVersionList without checking that they are there, while it checks
// for UserPolicyList and GroupPolicyList ("have to key-check these"): AWS
// leaves those two out when empty, as the user without inline policies in
// salesforce/cloudsplaining examples/files/example.json shows, which also
// shows users and roles with "Tags": [].
type authorizationDetailsOutput struct {
	resp *iamapi.GetAccountAuthorizationDetailsResponse
}

// AppendQueryXML writes the response as the generated encoder does, adding
// an empty element for each empty list AWS always sends. XML readers find
// members by name, so the added elements may follow the others.
func (o *authorizationDetailsOutput) AppendQueryXML(b []byte) []byte {
	r := o.resp
	b = appendDetailList(b, "UserDetailList", r.UserDetailList, func(b []byte, d *iamapi.UserDetail) []byte {
		b = d.AppendQueryXML(b)
		b = appendIfEmpty(b, "GroupList", len(d.GroupList))
		b = appendIfEmpty(b, "AttachedManagedPolicies", len(d.AttachedManagedPolicies))
		return appendIfEmpty(b, "Tags", len(d.Tags))
	})
	b = appendDetailList(b, "GroupDetailList", r.GroupDetailList, func(b []byte, d *iamapi.GroupDetail) []byte {
		b = d.AppendQueryXML(b)
		return appendIfEmpty(b, "AttachedManagedPolicies", len(d.AttachedManagedPolicies))
	})
	b = appendDetailList(b, "RoleDetailList", r.RoleDetailList, func(b []byte, d *iamapi.RoleDetail) []byte {
		b = d.AppendQueryXML(b)
		b = appendIfEmpty(b, "InstanceProfileList", len(d.InstanceProfileList))
		b = appendIfEmpty(b, "RolePolicyList", len(d.RolePolicyList))
		b = appendIfEmpty(b, "AttachedManagedPolicies", len(d.AttachedManagedPolicies))
		return appendIfEmpty(b, "Tags", len(d.Tags))
	})
	b = appendDetailList(b, "Policies", r.Policies, func(b []byte, d *iamapi.ManagedPolicyDetail) []byte {
		b = d.AppendQueryXML(b)
		return appendIfEmpty(b, "PolicyVersionList", len(d.PolicyVersionList))
	})
	// The rest (IsTruncated, Marker) as generated.
	tail := iamapi.GetAccountAuthorizationDetailsResponse{IsTruncated: r.IsTruncated, Marker: r.Marker}
	return tail.AppendQueryXML(b)
}

// appendDetailList writes a list element with one member per item, and
// the element alone when there are none.
func appendDetailList[T any](b []byte, name string, items []T, member func([]byte, *T) []byte) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	for i := range items {
		b = append(b, "<member>"...)
		b = member(b, &items[i])
		b = append(b, "</member>"...)
	}
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendIfEmpty writes an empty list element when the list has no items
// (the generated encoder has already written it otherwise).
func appendIfEmpty(b []byte, name string, n int) []byte {
	if n > 0 {
		return b
	}
	return appendDetailList[struct{}](b, name, nil, nil)
}
