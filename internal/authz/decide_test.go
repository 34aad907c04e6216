package authz

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
)

const (
	aliceARN  = "arn:aws:iam::111111111111:user/alice"
	workerARN = "arn:aws:iam::111111111111:role/apps/worker"
	logsARN   = "arn:aws:iam::111111111111:policy/Logs"
	onlyGet   = "arn:aws:iam::111111111111:policy/OnlyGet"
)

func alicePrincipal(t testing.TB, st store.Reader) *auth.Principal {
	t.Helper()
	u, err := st.GetUser(context.Background(), "111111111111", "alice")
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{Type: auth.User, AccountID: "111111111111", ARN: aliceARN, Name: "alice", UserID: u.ID, AccessKeyID: "AKIAALICE"}
}

// workerSession is a session of the worker role narrowed by the managed
// session policy OnlyGet, with a session tag and MFA.
func workerSession(t testing.TB, st store.Reader) *auth.Principal {
	t.Helper()
	r, err := st.GetRole(context.Background(), "111111111111", "worker")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &auth.Principal{Type: auth.AssumedRole, AccountID: "111111111111", ARN: "arn:aws:sts::111111111111:assumed-role/worker/s",
		UserID: r.ID + ":s", Name: "worker", AccessKeyID: "ASIAWORKER",
		Session: &session.Claims{PrincipalType: session.AssumedRole, AccountID: "111111111111", RoleName: "worker", RoleID: r.ID,
			PolicyARNs: []string{onlyGet}, Tags: []session.Tag{{Key: "Team", Value: "green"}},
			IssuedAt: now, MFAAuthenticated: true, MFAAuthTime: now}}
}

// status is the HTTP status the protocol layer answers err with.
func status(e *apierr.Error) int {
	if e.HTTPStatus != 0 {
		return e.HTTPStatus
	}
	s, _, _ := apierr.Common(e.Code)
	return s
}

func mustParse(t testing.TB, doc string, kind policy.Kind) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(doc, kind)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDecide(t *testing.T) {
	a, st := newAuthorizer(t)
	ctx := context.Background()
	alice, err := a.Subject(ctx, alicePrincipal(t, st))
	if err != nil {
		t.Fatal(err)
	}
	worker, err := a.Subject(ctx, workerSession(t, st))
	if err != nil {
		t.Fatal(err)
	}
	facts := Facts{Time: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC), SourceIP: "203.0.113.9", SecureTransport: true}
	trustDoc := `{"Version":"2012-10-17","Statement":[{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}`
	trust := &ResourcePolicy{Policy: mustParse(t, trustDoc, policy.KindTrust), Ref: PolicyRef{Kind: PolicyTrust, Owner: workerARN}, Required: true}
	denyDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*"}]}`
	bucket := &ResourcePolicy{Policy: mustParse(t, denyDoc, policy.KindResource), Ref: PolicyRef{Kind: PolicyResource, Owner: "arn:aws:s3:::b"}, Account: "222222222222"}
	foreign := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:*","Resource":"*"}]}`
	other := &ResourcePolicy{Policy: mustParse(t, foreign, policy.KindResource), Ref: PolicyRef{Kind: PolicyResource, Name: "b"}, Account: "222222222222"}

	cases := []struct {
		name    string
		s       *Subject
		q       Query
		outcome policy.Decision
		reason  policy.Source
		matched []string // PolicyRef.String() of each matched statement, in order
		sids    []string
	}{
		{"inline policy allows", alice, Query{Action: "s3:GetObject", Resource: "*"},
			policy.DecisionAllow, policy.SourceNone, []string{"user/alice inline policy s3"}, []string{""}},
		{"managed policy allows, named by its ARN", alice, Query{Action: "logs:PutLogEvents", Resource: "*"},
			policy.DecisionAllow, policy.SourceNone, []string{logsARN}, []string{""}},
		{"nothing allows", alice, Query{Action: "iam:CreateUser", Resource: "*"},
			policy.DecisionImplicitDeny, policy.SourceIdentity, nil, nil},
		{"role policy narrowed by the session policy", worker, Query{Action: "dynamodb:GetItem", Resource: "*"},
			policy.DecisionAllow, policy.SourceNone, []string{"role/worker inline policy dynamo", "session policy " + onlyGet}, []string{"", ""}},
		{"session policy does not allow", worker, Query{Action: "dynamodb:PutItem", Resource: "*"},
			policy.DecisionImplicitDeny, policy.SourceSession, []string{"role/worker inline policy dynamo"}, []string{""}},
		{"trust policy allows a caller whose tag matches", alice, Query{Action: "sts:AssumeRole", Resource: workerARN, ResourcePolicy: trust},
			policy.DecisionImplicitDeny, policy.SourceIdentity, []string{"trust policy of role " + workerARN}, []string{"Team"}},
		{"trust policy required: identity policy alone is not enough", worker, Query{Action: "sts:AssumeRole", Resource: workerARN,
			ResourcePolicy: &ResourcePolicy{Policy: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}]}`, policy.KindTrust), Required: true}},
			policy.DecisionImplicitDeny, policy.SourceResource, nil, nil},
		{"explicit deny in a cross-account resource policy", alice, Query{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k", ResourcePolicy: bucket},
			policy.DecisionExplicitDeny, policy.SourceResource,
			[]string{"user/alice inline policy s3", "resource policy of arn:aws:s3:::b", "resource policy of arn:aws:s3:::b"}, []string{"", "", "NoDelete"}},
		{"cross account: resource policy must name the caller", alice, Query{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", ResourcePolicy: other},
			policy.DecisionImplicitDeny, policy.SourceResource, []string{"user/alice inline policy s3"}, []string{""}},
		{"condition on a request key", worker, Query{Action: "dynamodb:GetItem", Resource: "*", Keys: []Key{{Name: "aws:SourceIp", Values: []string{"10.0.0.1"}}}},
			policy.DecisionAllow, policy.SourceNone, []string{"role/worker inline policy dynamo", "session policy " + onlyGet}, []string{"", ""}},
	}
	var d Decision // reused across cases, as callers may
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Facts = facts
			Decide(c.s, &q, &d)
			if d.Outcome() != c.outcome || d.Reason() != c.reason {
				t.Fatalf("decision %s (%s), want %s (%s)", d.Outcome(), d.Reason(), c.outcome, c.reason)
			}
			if len(d.Matched) != len(c.matched) {
				t.Fatalf("matched %+v, want %v", d.Matched, c.matched)
			}
			for i, m := range d.Matched {
				if m.Policy.String() != c.matched[i] || m.Sid != c.sids[i] {
					t.Errorf("matched[%d] = %s %q, want %s %q", i, m.Policy, m.Sid, c.matched[i], c.sids[i])
				}
				if m.Source != d.Result.Matched[i].Source || m.Index != d.Result.Matched[i].Statement || m.Effect != d.Result.Matched[i].Effect {
					t.Errorf("matched[%d] = %+v, engine says %+v", i, m, d.Result.Matched[i])
				}
			}
			err := d.Err()
			if c.outcome == policy.DecisionAllow {
				if err != nil {
					t.Fatalf("Err() = %v for an Allow", err)
				}
				return
			}
			var ae *apierr.Error
			if !errors.As(err, &ae) || ae.Code != apierr.AccessDenied || status(ae) != http.StatusForbidden {
				t.Fatalf("Err() = %#v, want AccessDenied 403", err)
			}
			if want := policy.AccessDeniedMessage(c.s.Principal.ARN, q.Action, q.Resource, &d.Result); ae.Message != want || d.AccessDeniedMessage() != want {
				t.Errorf("message %q, want %q", ae.Message, want)
			}
		})
	}
}

// TestDecideContext checks the request context a decision sees: the
// subject's keys, the facts, and caller keys overriding both.
func TestDecideContext(t *testing.T) {
	a, st := newAuthorizer(t)
	worker, err := a.Subject(context.Background(), workerSession(t, st))
	if err != nil {
		t.Fatal(err)
	}
	var d Decision
	q := Query{Action: "dynamodb:GetItem", Resource: "*", Facts: Facts{Time: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC), Region: "eu-west-1"},
		Keys: []Key{{Name: "aws:SecureTransport", Values: []string{"true"}}, {Name: "sts:TransitiveTagKeys", Values: []string{"a", "b"}}}}
	Decide(worker, &q, &d)
	want := map[string][]string{
		"aws:PrincipalArn":           {workerARN},
		"aws:PrincipalTag/team":      {"green"},
		"aws:MultiFactorAuthAge":     {"60"},
		"aws:CurrentTime":            {"2026-01-02T03:05:05Z"},
		"aws:EpochTime":              {"1767323105"},
		"aws:RequestedRegion":        {"eu-west-1"},
		"aws:SecureTransport":        {"true"}, // Facts say false; the key overrides
		"sts:TransitiveTagKeys":      {"a", "b"},
		"aws:TokenIssueTime":         {"2026-01-02T03:04:05Z"},
		"aws:MultiFactorAuthPresent": {"true"},
	}
	for k, v := range want {
		got, ok := d.Context().Get(k)
		if !ok || len(got) != len(v) || got[0] != v[0] || got[len(got)-1] != v[len(v)-1] {
			t.Errorf("%s = %v (%v), want %v", k, got, ok, v)
		}
	}
	if _, ok := d.Context().Get("aws:SourceIp"); ok {
		t.Error("aws:SourceIp present without a source address")
	}
	// A second decision in the next second states the new time, and
	// keys of the first query do not linger.
	q2 := Query{Action: "dynamodb:GetItem", Resource: "*", Facts: Facts{Time: time.Date(2026, 1, 2, 3, 5, 6, 0, time.UTC)}}
	Decide(worker, &q2, &d)
	if v, _ := d.Context().Get("aws:CurrentTime"); len(v) != 1 || v[0] != "2026-01-02T03:05:06Z" {
		t.Errorf("aws:CurrentTime = %v", v)
	}
	if v, _ := d.Context().Get("aws:MultiFactorAuthAge"); len(v) != 1 || v[0] != "61" {
		t.Errorf("aws:MultiFactorAuthAge = %v", v)
	}
	for _, k := range []string{"sts:TransitiveTagKeys", "aws:RequestedRegion"} {
		if _, ok := d.Context().Get(k); ok {
			t.Errorf("%s lingers from the previous decision", k)
		}
	}
}

func TestFederatedAndCustomSubjects(t *testing.T) {
	trust := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/idp"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"idp:aud":"app"}}}]}`, policy.KindTrust)
	rp := &ResourcePolicy{Policy: trust, Ref: PolicyRef{Kind: PolicyTrust, Owner: workerARN}, Account: "111111111111", Required: true}
	fed := FederatedSubject("arn:aws:iam::111111111111:oidc-provider/idp")
	var d Decision
	for _, c := range []struct {
		aud  string
		want policy.Decision
	}{{"app", policy.DecisionAllow}, {"other", policy.DecisionImplicitDeny}} {
		Decide(fed, &Query{Action: "sts:AssumeRoleWithWebIdentity", Resource: workerARN, ResourcePolicy: rp,
			Keys: []Key{{Name: "idp:aud", Values: []string{c.aud}}}}, &d)
		if d.Outcome() != c.want {
			t.Errorf("aud %s: %s, want %s", c.aud, d.Outcome(), c.want)
		}
	}
	if _, ok := d.Context().Get("aws:PrincipalArn"); ok {
		t.Error("a federated caller has aws:PrincipalArn")
	}

	p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"x"}}}]}`, policy.KindInlineUser)
	custom := CustomSubject(policy.Principal{ARN: aliceARN, Account: "111111111111"}, []*policy.Policy{p},
		[]PolicyRef{{Kind: PolicyCustom, Name: "PolicyInputList.1"}}, nil, PolicyRef{})
	var simCtx policy.Context // the simulator's context, used as is
	Decide(custom, &Query{Action: "s3:ListBucket", Resource: "*", Context: &simCtx}, &d)
	if d.Outcome() != policy.DecisionImplicitDeny || len(d.Result.Missing) != 1 || d.Result.Missing[0] != "s3:prefix" {
		t.Errorf("custom subject: %s, missing %v", d.Outcome(), d.Result.Missing)
	}
	if _, ok := d.Context().Get("aws:CurrentTime"); ok {
		t.Error("a whole-context query got global keys")
	}
	simCtx.Set("s3:prefix", "x")
	Decide(custom, &Query{Action: "s3:ListBucket", Resource: "*", Context: &simCtx}, &d)
	if !d.Allowed() || d.Matched[0].Policy.String() != "PolicyInputList.1" || d.Matched[0].Sid != "A" {
		t.Errorf("custom subject: %s, matched %+v", d.Outcome(), d.Matched)
	}
}

func TestSubjectFor(t *testing.T) {
	a, _ := newAuthorizer(t)
	ctx := context.Background()
	var d Decision
	for _, c := range []struct {
		arn          string
		allow, deny  string
		principalARN string
	}{
		{aliceARN, "s3:GetObject", "dynamodb:GetItem", aliceARN},
		{workerARN, "dynamodb:PutItem", "s3:GetObject", workerARN},
		{"arn:aws:iam::111111111111:root", "iam:CreateUser", "", "arn:aws:iam::111111111111:root"},
	} {
		s, err := a.SubjectFor(ctx, c.arn)
		if err != nil {
			t.Fatalf("%s: %v", c.arn, err)
		}
		if s.PrincipalARN() != c.principalARN {
			t.Errorf("%s: PrincipalARN %s", c.arn, s.PrincipalARN())
		}
		Decide(s, &Query{Action: c.allow, Resource: "*"}, &d)
		if _, ok := d.Context().Get("aws:TokenIssueTime"); ok {
			t.Errorf("%s: a what-if subject has a token issue time", c.arn)
		}
		Decide(s, &Query{Action: c.allow, Resource: "*"}, &d)
		if !d.Allowed() {
			t.Errorf("%s: %s %s", c.arn, c.allow, d.Outcome())
		}
		if c.deny != "" {
			if Decide(s, &Query{Action: c.deny, Resource: "*"}, &d); d.Allowed() {
				t.Errorf("%s: %s allowed", c.arn, c.deny)
			}
		}
	}
	for _, bad := range []string{
		"arn:aws:iam::111111111111:user/nobody",
		"arn:aws:iam::111111111111:user/wrongpath/alice",
		"arn:aws:iam::111111111111:role/worker", // the role's path is /apps/
		"arn:aws:iam::999999999999:root",
		"arn:aws:iam::111111111111:policy/Logs",
		"arn:aws:sts::111111111111:assumed-role/worker/s",
		"not an arn",
	} {
		_, err := a.SubjectFor(ctx, bad)
		var u *UnknownPrincipalError
		if !errors.As(err, &u) || u.ARN != bad {
			t.Errorf("%s: %v, want *UnknownPrincipalError", bad, err)
		}
	}
}

// cachedAuthorizer is an Authorizer over the store cache, which keeps
// subjects.
func cachedAuthorizer(tb testing.TB) (*Authorizer, *cache.Cache) {
	_, st := newAuthorizer(tb)
	c := cache.New(st)
	return New(c, policy.NewCache(100)), c
}

// TestSubjectCache checks that over the store cache a caller's subject is
// gathered once, and again after any write.
func TestSubjectCache(t *testing.T) {
	a, c := cachedAuthorizer(t)
	ctx := context.Background()
	p := alicePrincipal(t, c)
	s1, err := a.Subject(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := a.Subject(ctx, p)
	if s1 != s2 {
		t.Fatal("the subject was gathered twice with no write in between")
	}
	// Without an access key there is nothing to key the subject by.
	anon := *p
	anon.AccessKeyID = ""
	if s3, _ := a.Subject(ctx, &anon); s3 == s1 {
		t.Error("a principal without an access key got a kept subject")
	}
	err = c.Update(ctx, func(tx store.Tx) error {
		return tx.PutInlinePolicy(ctx, store.InlinePolicy{AccountID: "111111111111", Kind: store.KindUser, PrincipalName: "alice", Name: "iam",
			Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}`})
	})
	if err != nil {
		t.Fatal(err)
	}
	s4, _ := a.Subject(ctx, p)
	if s4 == s1 {
		t.Fatal("the kept subject survived a write")
	}
	var d Decision
	if Decide(s4, &Query{Action: "iam:CreateUser", Resource: "*"}, &d); !d.Allowed() {
		t.Errorf("new inline policy not seen: %s", d.Outcome())
	}
}

// TestDecideAllocatesNothing holds the hot path to its promise: a decision
// for a gathered subject, and over the store cache a repeated caller's
// subject and decision together, allocate nothing.
func TestDecideAllocatesNothing(t *testing.T) {
	a, c := cachedAuthorizer(t)
	ctx := context.Background()
	p := workerSession(t, c)
	s, err := a.Subject(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	q := Query{Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:eu-west-1:111111111111:table/t",
		Facts: Facts{Time: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC), SourceIP: "203.0.113.9", UserAgent: "aws-sdk-go-v2", Region: "eu-west-1"}}
	var d Decision
	Decide(s, &q, &d)
	if !d.Allowed() {
		t.Fatalf("setup: %s", d.Outcome())
	}
	if n := testing.AllocsPerRun(100, func() { Decide(s, &q, &d) }); n != 0 {
		t.Errorf("Decide allocates %v times per run", n)
	}
	n := testing.AllocsPerRun(100, func() {
		s, err := a.Subject(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		Decide(s, &q, &d)
	})
	if n != 0 {
		t.Errorf("Subject and Decide allocate %v times per run", n)
	}
}

// BenchmarkDecide is one decision for a gathered role session (role
// policy, managed session policy, session tag, MFA).
func BenchmarkDecide(b *testing.B) {
	a, st := newAuthorizer(b)
	s, err := a.Subject(context.Background(), workerSession(b, st))
	if err != nil {
		b.Fatal(err)
	}
	q := Query{Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:eu-west-1:111111111111:table/t",
		Facts: Facts{Time: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC), SourceIP: "203.0.113.9", Region: "eu-west-1"}}
	var d Decision
	b.ReportAllocs()
	for b.Loop() {
		Decide(s, &q, &d)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkSubjectAndDecide is a repeated caller end to end: its subject
// fetched (kept over the store cache) and the decision made.
func BenchmarkSubjectAndDecide(b *testing.B) {
	for _, kept := range []bool{true, false} {
		name := "kept"
		if !kept {
			name = "gathered"
		}
		b.Run(name, func(b *testing.B) {
			_, st := newAuthorizer(b)
			var r store.Reader = st
			if kept {
				r = cache.New(st)
			}
			a := New(r, policy.NewCache(100))
			ctx := context.Background()
			p := workerSession(b, st)
			q := Query{Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:eu-west-1:111111111111:table/t",
				Facts: Facts{Time: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC), SourceIP: "203.0.113.9", Region: "eu-west-1"}}
			var d Decision
			b.ReportAllocs()
			for b.Loop() {
				s, err := a.Subject(ctx, p)
				if err != nil {
					b.Fatal(err)
				}
				Decide(s, &q, &d)
			}
		})
	}
}

// TestKeptSubjectsShared decides for one kept subject from several
// goroutines while the store changes: a subject is shared read-only and
// each goroutine has its own Decision (run with -race to see it hold).
func TestKeptSubjectsShared(t *testing.T) {
	a, c := cachedAuthorizer(t)
	ctx := context.Background()
	p := workerSession(t, c)
	q := Query{Action: "dynamodb:GetItem", Resource: "*", Facts: Facts{Time: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC)}}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			var d Decision
			for range 200 {
				s, err := a.Subject(ctx, p)
				if err != nil {
					errs <- err
					return
				}
				if Decide(s, &q, &d); !d.Allowed() {
					errs <- fmt.Errorf("denied: %s", d.Reason())
					return
				}
			}
		})
	}
	for i := range 20 {
		err := c.Update(ctx, func(tx store.Tx) error {
			return tx.PutInlinePolicy(ctx, store.InlinePolicy{AccountID: "111111111111", Kind: store.KindRole, PrincipalName: "worker",
				Name: "extra", Document: fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`, i)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
