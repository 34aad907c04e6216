package iam

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/store"
)

// Profile ARNs must parse back with the arn package, which is how the
// authorizer and the policy engine read them.
func TestInstanceProfileARN(t *testing.T) {
	for _, tc := range []struct {
		path, name, want, wantPath string
	}{
		{"", "web", "arn:aws:iam::111111111111:instance-profile/web", "/"},
		{"/", "web", "arn:aws:iam::111111111111:instance-profile/web", "/"},
		{"/ec2/app/", "Web", "arn:aws:iam::111111111111:instance-profile/ec2/app/Web", "/ec2/app/"},
	} {
		got := arn.InstanceProfile("111111111111", tc.path, tc.name)
		if got != tc.want {
			t.Errorf("arn.InstanceProfile(%q, %q) = %q, want %q", tc.path, tc.name, got, tc.want)
			continue
		}
		r, err := arn.ParseIAM(got)
		if err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if r.Type != arn.TypeInstanceProfile || r.AccountID != "111111111111" || r.Name != tc.name || !samePath(r.Path, tc.wantPath) {
			t.Errorf("%s parses as %+v", got, r)
		}
	}
	// ListInstanceProfiles names the listed path.
	if got := arn.InstanceProfile("111111111111", "/ec2/", ""); got != "arn:aws:iam::111111111111:instance-profile/ec2/" {
		t.Errorf("listing resource = %q", got)
	}
}

// A profile lists its roles with the members AWS sends there and no
// others, and an empty profile still carries an (empty) Roles list.
func TestInstanceProfileOut(t *testing.T) {
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	p := store.InstanceProfile{AccountID: "111111111111", Name: "web", ID: "AIPAEXAMPLE", Path: "/ec2/", CreatedAt: created,
		Tags: []store.Tag{{Key: "team", Value: "blue"}}, Roles: []string{"app"}}
	empty := instanceProfileOut(p, nil)
	if empty.Roles == nil || len(empty.Roles) != 0 || empty.Arn != "arn:aws:iam::111111111111:instance-profile/ec2/web" ||
		empty.InstanceProfileId != "AIPAEXAMPLE" || !empty.CreateDate.Equal(created) || len(empty.Tags) != 1 {
		t.Fatalf("instanceProfileOut = %+v", empty)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	r := store.Role{AccountID: "111111111111", Name: "app", ID: "AROAEXAMPLE", Path: "/svc/", Description: "d", TrustPolicy: trust,
		MaxSessionDuration: 7200, PermissionsBoundary: "arn:aws:iam::111111111111:policy/b", Tags: []store.Tag{{Key: "k", Value: "v"}},
		CreatedAt: created, LastUsedAt: created, LastUsedRegion: "us-east-1"}
	got := instanceProfileOut(p, []store.Role{r}).Roles
	if len(got) != 1 {
		t.Fatalf("roles = %+v", got)
	}
	doc, err := url.QueryUnescape(got[0].AssumeRolePolicyDocument)
	if err != nil || doc != trust {
		t.Fatalf("trust policy = %q (%v)", got[0].AssumeRolePolicyDocument, err)
	}
	got[0].AssumeRolePolicyDocument = ""
	want := iamapi.Role{Path: "/svc/", RoleName: "app", RoleId: "AROAEXAMPLE", Arn: "arn:aws:iam::111111111111:role/svc/app", CreateDate: created}
	if fmt.Sprintf("%+v", got[0]) != fmt.Sprintf("%+v", want) {
		t.Fatalf("role in profile = %+v\nwant %+v", got[0], want)
	}
}

// Concurrent adds of different roles to one profile: the one-role quota
// holds, exactly one add wins and the others are LimitExceeded.
func TestAddRoleToInstanceProfileConcurrent(t *testing.T) {
	ctx := context.Background()
	st := outboundStore(t)
	s := New(Config{Store: st})
	const acct = "111111111111"
	call := rootCall(acct)
	const n = 8
	err := st.Update(ctx, func(tx store.Tx) error {
		for i := range n {
			r := store.Role{AccountID: acct, Name: fmt.Sprintf("r%d", i), ID: fmt.Sprintf("AROATEST%013d", i), Path: "/",
				TrustPolicy: `{"Version":"2012-10-17","Statement":[]}`, MaxSessionDuration: 3600, CreatedAt: call.Time}
			if err := tx.CreateRole(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInstanceProfile(ctx, call, &iamapi.CreateInstanceProfileRequest{InstanceProfileName: "web"}); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.AddRoleToInstanceProfile(ctx, call, &iamapi.AddRoleToInstanceProfileRequest{InstanceProfileName: "web", RoleName: fmt.Sprintf("r%d", i)})
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		if err == nil {
			won++
			continue
		}
		wantRefusal(t, fmt.Sprintf("add r%d", i), err, codeLimitExceeded, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
	}
	p, err := st.GetInstanceProfile(ctx, acct, "web")
	if err != nil {
		t.Fatal(err)
	}
	if won != 1 || len(p.Roles) != 1 {
		t.Fatalf("%d adds won, profile holds %v", won, p.Roles)
	}
}
