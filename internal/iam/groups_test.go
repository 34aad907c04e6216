package iam

import (
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/store"
)

// Group ARNs must parse back with the arn package, which is how the
// authorizer and the policy engine read them.
func TestGroupARN(t *testing.T) {
	for _, tc := range []struct {
		path, name, want, wantPath string
	}{
		{"", "devs", "arn:aws:iam::111111111111:group/devs", "/"},
		{"/", "devs", "arn:aws:iam::111111111111:group/devs", "/"},
		{"/eng/backend/", "Devs", "arn:aws:iam::111111111111:group/eng/backend/Devs", "/eng/backend/"},
	} {
		got := arn.Group("111111111111", tc.path, tc.name)
		if got != tc.want {
			t.Errorf("arn.Group(%q, %q) = %q, want %q", tc.path, tc.name, got, tc.want)
			continue
		}
		r, err := arn.ParseIAM(got)
		if err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if r.Type != arn.TypeGroup || r.AccountID != "111111111111" || r.Name != tc.name || !samePath(r.Path, tc.wantPath) {
			t.Errorf("%s parses as %+v", got, r)
		}
	}
	// ListGroups names the listed path, as ListUsers does for users.
	if got := arn.Group("111111111111", "/eng/", ""); got != "arn:aws:iam::111111111111:group/eng/" {
		t.Errorf("listing resource = %q", got)
	}
}

// Each holder finds its own kind of ARN, with the entity's stored path
// and name: the shared inline and attachment operations authorize on it.
func TestHolderARN(t *testing.T) {
	h := newHarness(t, "111111111111")
	p := "/p/"
	h.ok(h.svc.CreateUser(h.ctx, h.root(), &iamapi.CreateUserRequest{UserName: "x", Path: p}))
	h.ok(h.svc.CreateRole(h.ctx, h.root(), &iamapi.CreateRoleRequest{RoleName: "x", Path: p, AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}))
	h.ok(h.svc.CreateGroup(h.ctx, h.root(), &iamapi.CreateGroupRequest{GroupName: "x", Path: p}))
	for _, tc := range []struct {
		h    holder
		want string
	}{
		{userHolder, "arn:aws:iam::111111111111:user/p/x"},
		{roleHolder, "arn:aws:iam::111111111111:role/p/x"},
		{groupHolder, "arn:aws:iam::111111111111:group/p/x"},
	} {
		if got, err := tc.h.resource(h.ctx, h.st, "111111111111", "X"); err != nil || got != tc.want {
			t.Errorf("%s: %q, %v, want %q", tc.h.what, got, err, tc.want)
		}
	}
}

func TestGroupOut(t *testing.T) {
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	g := groupOut(store.Group{AccountID: "111111111111", Name: "Ops", ID: "AGPAEXAMPLE", Path: "/t/", CreatedAt: created})
	if g.GroupName != "Ops" || g.GroupId != "AGPAEXAMPLE" || g.Path != "/t/" || g.Arn != "arn:aws:iam::111111111111:group/t/Ops" || !g.CreateDate.Equal(created) {
		t.Fatalf("groupOut = %+v", g)
	}
}
