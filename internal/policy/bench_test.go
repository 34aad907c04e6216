package policy

import (
	"fmt"
	"strings"
	"testing"
)

func BenchmarkTrustPolicy(b *testing.B) {
	p := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::012345678910:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:org/repo:*"}}}]}`, KindTrust)
	set := &PolicySet{Resource: []*Policy{p}, ResourceRequired: true}
	req := &Request{Principal: Principal{Federated: "arn:aws:iam::012345678910:oidc-provider/token.actions.githubusercontent.com"},
		Action: "sts:AssumeRoleWithWebIdentity", Resource: "arn:aws:iam::012345678910:role/Deploy"}
	req.Context.Set("token.actions.githubusercontent.com:aud", "sts.amazonaws.com")
	req.Context.Set("token.actions.githubusercontent.com:sub", "repo:org/repo:ref:refs/heads/main")
	var r Result
	b.ReportAllocs()
	for b.Loop() {
		EvaluateTo(set, req, &r)
	}
	if r.Decision != DecisionAllow {
		b.Fatal(r.Decision)
	}
}

func BenchmarkIdentityPolicy20(b *testing.B) {
	var stmts []string
	for i := 0; i < 19; i++ {
		stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":["svc%d:Get*","svc%d:List*"],"Resource":"arn:aws:svc%d:us-east-1:111111111111:thing/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}`, i, i, i, i))
	}
	stmts = append(stmts, `{"Sid":"Last","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`)
	p := MustParse(`{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`, KindManaged)
	set := &PolicySet{Identity: []*Policy{p}}
	req := &Request{Principal: Principal{ARN: "arn:aws:iam::111111111111:user/alice", Account: "111111111111"},
		Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/home/alice/file"}
	req.Context.Set("aws:username", "alice")
	req.Context.Set("aws:PrincipalTag/team", "blue")
	req.Context.Set("aws:SourceIp", "10.1.2.3")
	var r Result
	b.ReportAllocs()
	for b.Loop() {
		EvaluateTo(set, req, &r)
	}
	if r.Decision != DecisionAllow {
		b.Fatal(r.Decision)
	}
}

func BenchmarkWildcardWorstCase(b *testing.B) {
	p := compilePattern("*a*a*a*a*a*b", compileOptions{wildcards: true})
	s := strings.Repeat("a", 4096)
	b.ReportAllocs()
	for b.Loop() {
		if p.match(s, nil) {
			b.Fatal("matched")
		}
	}
}

func BenchmarkParse(b *testing.B) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"12345"}}}]}`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc, KindTrust); err != nil {
			b.Fatal(err)
		}
	}
}
