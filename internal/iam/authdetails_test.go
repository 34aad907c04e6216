package iam

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/store"
)

func TestParseDetailsMarker(t *testing.T) {
	for _, tc := range []struct {
		in     string
		id     byte
		key    string
		reject bool
	}{
		{in: "", id: 0},
		{in: "1/alice", id: '1', key: "alice"},
		{in: "4/a/b", id: '4', key: "a/b"},
		{in: "0/alice", reject: true},
		{in: "5/alice", reject: true},
		{in: "1/", reject: true},
		{in: "12/alice", reject: true},
		{in: "alice", reject: true},
	} {
		id, key, err := parseDetailsMarker(tc.in)
		if tc.reject {
			wantRefusal(t, tc.in, err, codeInvalidInput, "Invalid Marker.")
			continue
		}
		if err != nil || id != tc.id || key != tc.key {
			t.Errorf("parseDetailsMarker(%q) = %q, %q, %v", tc.in, id, key, err)
		}
	}
}

// detailsStore holds, in account 111111111111, users, groups, roles and
// managed policies whose names sort differently from their creation order.
func detailsStore(t *testing.T) store.Store {
	t.Helper()
	ctx := context.Background()
	st := outboundStore(t)
	const acct = "111111111111"
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	err := st.Update(ctx, func(tx store.Tx) error {
		for i, n := range []string{"carol", "Alice", "bob"} {
			if err := tx.CreateUser(ctx, store.User{AccountID: acct, Name: n, ID: fmt.Sprintf("AIDA%016d", i), Path: "/", CreatedAt: now}); err != nil {
				return err
			}
		}
		for i, n := range []string{"ops", "Dev"} {
			if err := tx.CreateGroup(ctx, store.Group{AccountID: acct, Name: n, ID: fmt.Sprintf("AGPA%016d", i), Path: "/", CreatedAt: now}); err != nil {
				return err
			}
		}
		for i, n := range []string{"web", "Batch"} {
			r := store.Role{AccountID: acct, Name: n, ID: fmt.Sprintf("AROA%016d", i), Path: "/", TrustPolicy: trust, MaxSessionDuration: 3600, CreatedAt: now}
			if err := tx.CreateRole(ctx, r); err != nil {
				return err
			}
		}
		for i, n := range []string{"read", "Admin"} {
			p := store.ManagedPolicy{AccountID: acct, Name: n, ID: fmt.Sprintf("ANPA%016d", i), Path: "/", DefaultVersionID: "v1", CreatedAt: now, UpdatedAt: now}
			if err := tx.CreatePolicy(ctx, p); err != nil {
				return err
			}
			if err := tx.CreatePolicyVersion(ctx, store.PolicyVersion{AccountID: acct, PolicyName: n, VersionID: "v1", Document: doc, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// isTrue reads an optional flag of a response.
func isTrue(b *bool) bool { return b != nil && *b }

// detailNames names a response's entities in response order, each with
// its list's initial: "u:Alice", "g:Dev", "r:Batch", "p:Admin".
func detailNames(out *iamapi.GetAccountAuthorizationDetailsResponse) []string {
	var names []string
	for _, u := range out.UserDetailList {
		names = append(names, "u:"+u.UserName)
	}
	for _, g := range out.GroupDetailList {
		names = append(names, "g:"+g.GroupName)
	}
	for _, r := range out.RoleDetailList {
		names = append(names, "r:"+r.RoleName)
	}
	for _, p := range out.Policies {
		names = append(names, "p:"+p.PolicyName)
	}
	return names
}

// The four lists page as one sequence: for every filter and every page
// size, the pages together hold exactly the unpaged answer in the same
// order, every page but the last is full, and the last says it is the
// last (no empty page follows a full one). The boundaries between lists (a page ending with the last user,
// the next starting with the first group) are crossed for every size.
func TestAuthorizationDetailsPaging(t *testing.T) {
	ctx := context.Background()
	s := New(Config{Store: detailsStore(t)})
	call := rootCall("111111111111")
	for _, tc := range []struct {
		filter []string
		want   string
	}{
		{nil, "u:Alice u:bob u:carol g:Dev g:ops r:Batch r:web p:Admin p:read"},
		{[]string{"User"}, "u:Alice u:bob u:carol"},
		{[]string{"LocalManagedPolicy", "Group"}, "g:Dev g:ops p:Admin p:read"},
		{[]string{"Role", "User"}, "u:Alice u:bob u:carol r:Batch r:web"},
		{[]string{"AWSManagedPolicy"}, ""},
		{[]string{"AWSManagedPolicy", "Role"}, "r:Batch r:web"},
	} {
		all, err := s.GetAccountAuthorizationDetails(ctx, call, &iamapi.GetAccountAuthorizationDetailsRequest{Filter: tc.filter})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(detailNames(all), " "); got != tc.want || isTrue(all.IsTruncated) || all.Marker != "" {
			t.Fatalf("filter %v: %q truncated=%v marker=%q, want %q", tc.filter, got, isTrue(all.IsTruncated), all.Marker, tc.want)
		}
		n := len(detailNames(all))
		for size := int32(1); size <= int32(n)+1; size++ {
			var got []string
			marker := ""
			for pages := 1; ; pages++ {
				out, err := s.GetAccountAuthorizationDetails(ctx, call, &iamapi.GetAccountAuthorizationDetailsRequest{Filter: tc.filter, MaxItems: &size, Marker: marker})
				if err != nil {
					t.Fatalf("filter %v size %d page %d: %v", tc.filter, size, pages, err)
				}
				page := detailNames(out)
				got = append(got, page...)
				if !isTrue(out.IsTruncated) {
					if out.Marker != "" || len(page) > int(size) {
						t.Fatalf("filter %v size %d: last page %v marker %q", tc.filter, size, page, out.Marker)
					}
					// No empty page after a full one: a page says it is
					// truncated only when more entities follow.
					if want := max(1, (n+int(size)-1)/int(size)); pages != want {
						t.Fatalf("filter %v size %d: %d pages, want %d", tc.filter, size, pages, want)
					}
					break
				}
				if len(page) != int(size) || out.Marker == "" {
					t.Fatalf("filter %v size %d: truncated page %v marker %q", tc.filter, size, page, out.Marker)
				}
				if pages > n+1 {
					t.Fatalf("filter %v size %d: paging does not end", tc.filter, size)
				}
				marker = out.Marker
			}
			if !slices.Equal(got, detailNames(all)) {
				t.Fatalf("filter %v size %d: pages hold %v, want %v", tc.filter, size, got, detailNames(all))
			}
		}
	}
}

// A marker that stsd did not issue is refused as the list operations
// refuse one.
func TestAuthorizationDetailsBadMarker(t *testing.T) {
	ctx := context.Background()
	s := New(Config{Store: detailsStore(t)})
	for _, m := range []string{"!!!", base64.RawURLEncoding.EncodeToString([]byte("9/alice")), base64.RawURLEncoding.EncodeToString([]byte("alice"))} {
		_, err := s.GetAccountAuthorizationDetails(ctx, rootCall("111111111111"), &iamapi.GetAccountAuthorizationDetailsRequest{Marker: m})
		wantRefusal(t, m, err, codeInvalidInput, "Invalid Marker.")
	}
}

// The answer keeps the lists AWS always sends when they are empty, leaves
// out the inline policy lists AWS leaves out, and otherwise reads back as
// the generated encoder writes it.
func TestAuthorizationDetailsXML(t *testing.T) {
	created := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	f := false
	resp := &iamapi.GetAccountAuthorizationDetailsResponse{
		UserDetailList: []iamapi.UserDetail{
			{Path: "/", UserName: "alice", UserId: "AIDAALICE", Arn: "arn:aws:iam::111111111111:user/alice", CreateDate: created},
			{Path: "/", UserName: "bob", UserId: "AIDABOB", Arn: "arn:aws:iam::111111111111:user/bob", CreateDate: created,
				UserPolicyList: []iamapi.PolicyDetail{{PolicyName: "p", PolicyDocument: "%7B%7D"}}, GroupList: []string{"dev"},
				AttachedManagedPolicies: []iamapi.AttachedPolicy{{PolicyName: "Shared", PolicyArn: "arn:aws:iam::111111111111:policy/Shared"}},
				Tags:                    []iamapi.Tag{{Key: "team", Value: "blue"}}},
		},
		RoleDetailList: []iamapi.RoleDetail{{Path: "/", RoleName: "app", RoleId: "AROAAPP", Arn: "arn:aws:iam::111111111111:role/app",
			CreateDate: created, AssumeRolePolicyDocument: "%7B%7D", RoleLastUsed: &iamapi.RoleLastUsed{}}},
		IsTruncated: &f,
	}
	b := (&authorizationDetailsOutput{resp: resp}).AppendQueryXML(nil)
	doc := string(b)
	for elem, want := range map[string]int{
		"<UserDetailList>": 1, "<GroupDetailList></GroupDetailList>": 1, "<RoleDetailList>": 1, "<Policies></Policies>": 1,
		// alice's three empty lists; bob's as generated.
		"<GroupList></GroupList>": 1, "<GroupList>": 2, "<AttachedManagedPolicies></AttachedManagedPolicies>": 2,
		"<AttachedManagedPolicies>": 3, "<Tags></Tags>": 2, "<Tags>": 3,
		// Only bob has an inline policy list.
		"<UserPolicyList>": 1,
		"<InstanceProfileList></InstanceProfileList>": 1, "<RolePolicyList></RolePolicyList>": 1, "<RoleLastUsed></RoleLastUsed>": 1,
		"<IsTruncated>false</IsTruncated>": 1, "<Marker>": 0,
	} {
		if got := strings.Count(doc, elem); got != want {
			t.Errorf("%s appears %d times, want %d, in %s", elem, got, want, doc)
		}
	}
	var back iamapi.GetAccountAuthorizationDetailsResponse
	if err := xml.Unmarshal([]byte("<x>"+doc+"</x>"), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, resp) {
		t.Fatalf("reads back as %+v\nwant %+v", back, *resp)
	}
}
