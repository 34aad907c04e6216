package policy

import (
	"fmt"
	"strings"
	"testing"
)

// principalHeavySet is a resource policy naming many users and roles, none
// of them the caller, so every value is compared against the caller, then
// one that names the caller's role.
func principalHeavySet(tb testing.TB) (*PolicySet, []*Request) {
	tb.Helper()
	var aws []string
	for i := range 20 {
		aws = append(aws, fmt.Sprintf(`"arn:aws:iam::123456789012:user/team/u%d"`, i), fmt.Sprintf(`"arn:aws:iam::123456789012:role/path/r%d"`, i))
	}
	allow := `{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(aws, ",") + `,"arn:aws:iam::123456789012:role/path/app"]},"Action":"sts:AssumeRole"}`
	deny := `{"Effect":"Deny","NotPrincipal":{"AWS":[` + strings.Join(aws, ",") + `,"123456789012"]},"Action":"sts:TagSession"}`
	p := MustParse(`{"Version":"2012-10-17","Statement":[`+allow+`,`+deny+`]}`, KindResource)
	set := &PolicySet{Resource: []*Policy{p}, ResourceRequired: true}
	reqs := []*Request{
		{Principal: Principal{ARN: "arn:aws:sts::123456789012:assumed-role/app/s1", Account: "123456789012"},
			Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/target"},
		{Principal: Principal{ARN: "arn:aws:iam::123456789012:user/team/alice", Account: "123456789012"},
			Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/target"},
	}
	return set, reqs
}

// TestPrincipalMatchAllocates nothing: the caller's ARN is taken apart once
// per evaluation, not once per Principal value, and taking an ARN apart
// does not allocate.
func TestPrincipalMatchAllocatesNothing(t *testing.T) {
	set, reqs := principalHeavySet(t)
	want := []Decision{DecisionAllow, DecisionImplicitDeny}
	for i, req := range reqs {
		var r Result
		EvaluateTo(set, req, &r)
		if r.Decision != want[i] {
			t.Fatalf("%s: decision %v, want %v", req.Principal.ARN, r.Decision, want[i])
		}
		if n := testing.AllocsPerRun(20, func() { EvaluateTo(set, req, &r) }); n != 0 {
			t.Errorf("%s: %v allocations per evaluation, want 0", req.Principal.ARN, n)
		}
	}
}

func BenchmarkPrincipalMatch(b *testing.B) {
	set, reqs := principalHeavySet(b)
	var r Result
	b.ReportAllocs()
	for b.Loop() {
		for _, req := range reqs {
			EvaluateTo(set, req, &r)
		}
	}
}
