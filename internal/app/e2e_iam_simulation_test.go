package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// simBootstrap has a user allowed to simulate custom policies only, a user
// with no permissions, and a user whose inline and managed policies
// SimulatePrincipalPolicy reads.
const simBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIASIMROOT000000001, secret: "simRootSecret00000000000000000000000000000"}
    policies:
      - {name: ReadLogs, document: {Version: "2012-10-17", Statement: [{Sid: Logs, Effect: Allow, Action: "logs:Get*", Resource: "*"}]}}
    users:
      - name: sim
        access_keys:
          - {id: AKIASIMUSER000000001, secret: "simUserSecret00000000000000000000000000000"}
        inline_policies:
          simulate: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "iam:SimulateCustomPolicy", Resource: "*"}]}
      - name: nobody
        access_keys:
          - {id: AKIASIMNOBODY0000001, secret: "simNobodySecret000000000000000000000000000"}
      - name: alice
        inline_policies:
          s3-read: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}, {Effect: Deny, Action: "s3:DeleteObject", Resource: "*"}]}
        managed_policies: ["arn:aws:iam::111111111111:policy/ReadLogs"]
`

func simRoot(h *harness) *iam.Client {
	return h.iamClient("AKIASIMROOT000000001", "simRootSecret00000000000000000000000000000", "")
}

// The AWS CLI's documented example (aws-cli awscli/examples/iam/
// simulate-custom-policy.rst): same document, context and answer,
// including the statement positions {1,38}..{1,167}.
func TestIAMSimulationCustomPolicyCLIExample(t *testing.T) {
	h := start(t, nil)
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`
	sim := func(when string) *iam.SimulateCustomPolicyOutput {
		in := &iam.SimulateCustomPolicyInput{PolicyInputList: []string{doc}, ActionNames: []string{"dynamodb:CreateBackup"}}
		if when != "" {
			in.ContextEntries = []iamtypes.ContextEntry{{ContextKeyName: aws.String("aws:CurrentTime"), ContextKeyValues: []string{when}, ContextKeyType: iamtypes.ContextKeyTypeEnumDate}}
		}
		out, err := h.rootIAM().SimulateCustomPolicy(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.EvaluationResults) != 1 {
			t.Fatalf("results = %d", len(out.EvaluationResults))
		}
		return out
	}
	r := sim("2019-04-25T11:00:00Z").EvaluationResults[0]
	if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || aws.ToString(r.EvalResourceName) != "*" || len(r.MatchedStatements) != 1 {
		t.Fatalf("result = %+v", r)
	}
	m := r.MatchedStatements[0]
	if aws.ToString(m.SourcePolicyId) != "PolicyInputList.1" || m.StartPosition.Line != 1 || m.StartPosition.Column != 38 || m.EndPosition.Line != 1 || m.EndPosition.Column != 167 {
		t.Fatalf("matched = %s %d:%d-%d:%d", aws.ToString(m.SourcePolicyId), m.StartPosition.Line, m.StartPosition.Column, m.EndPosition.Line, m.EndPosition.Column)
	}
	r = sim("2014-04-25T11:00:00Z").EvaluationResults[0]
	if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny || len(r.MatchedStatements) != 0 || len(r.MissingContextValues) != 0 {
		t.Fatalf("early result = %+v", r)
	}
	r = sim("").EvaluationResults[0]
	if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny || len(r.MissingContextValues) != 1 || r.MissingContextValues[0] != "aws:CurrentTime" {
		t.Fatalf("no-context result = %+v", r)
	}
}

func TestIAMSimulationCustomPolicyDetails(t *testing.T) {
	h := start(t, withBootstrap(t, simBootstrap))
	ctx := context.Background()
	identity := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Deny\", \"Action\": \"s3:DeleteObject\", \"Resource\": \"arn:aws:s3:::b/locked/*\"}\n  ]\n}"
	boundary := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:Delete*"],"Resource":"*"}]}`
	out, err := simRoot(h).SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList:                    []string{identity},
		PermissionsBoundaryPolicyInputList: []string{boundary},
		ActionNames:                        []string{"s3:GetObject", "s3:DeleteObject", "s3:PutObject"},
		ResourceArns:                       []string{"arn:aws:s3:::b/open/x", "arn:aws:s3:::b/locked/x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{ // action → top decision, per-resource decisions
		"s3:GetObject":    {"allowed", "allowed,allowed"},
		"s3:DeleteObject": {"explicitDeny", "allowed,explicitDeny"},
		"s3:PutObject":    {"implicitDeny", "implicitDeny,implicitDeny"},
	}
	for _, r := range out.EvaluationResults {
		var per []string
		for _, rs := range r.ResourceSpecificResults {
			per = append(per, string(rs.EvalResourceDecision))
		}
		w := want[aws.ToString(r.EvalActionName)]
		if string(r.EvalDecision) != w[0] || strings.Join(per, ",") != w[1] {
			t.Errorf("%s: %s [%s], want %s [%s]", aws.ToString(r.EvalActionName), r.EvalDecision, strings.Join(per, ","), w[0], w[1])
		}
		if r.PermissionsBoundaryDecisionDetail == nil {
			t.Errorf("%s: no boundary detail", aws.ToString(r.EvalActionName))
		} else if got := r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary; got != (w[0] != "implicitDeny") {
			t.Errorf("%s: AllowedByPermissionsBoundary = %v", aws.ToString(r.EvalActionName), got)
		}
	}
	// The explicit deny reports only the Deny statement: line 5, columns
	// one past its braces.
	del := out.EvaluationResults[1]
	if len(del.MatchedStatements) != 1 || del.MatchedStatements[0].StartPosition.Line != 5 || del.MatchedStatements[0].StartPosition.Column != 6 {
		t.Fatalf("delete matched = %+v", del.MatchedStatements)
	}

	// Pagination over the actions.
	var seen []string
	var marker *string
	for page := 0; ; page++ {
		p, err := simRoot(h).SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
			PolicyInputList: []string{identity}, ActionNames: []string{"s3:GetObject", "s3:DeleteObject", "s3:PutObject"},
			MaxItems: aws.Int32(2), Marker: marker,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.EvaluationResults {
			seen = append(seen, aws.ToString(r.EvalActionName))
		}
		if !p.IsTruncated {
			break
		}
		if page > 2 || p.Marker == nil {
			t.Fatal("pagination does not end")
		}
		marker = p.Marker
	}
	if strings.Join(seen, ",") != "s3:GetObject,s3:DeleteObject,s3:PutObject" {
		t.Fatalf("paged actions = %v", seen)
	}

	// A user allowed iam:SimulateCustomPolicy may simulate; one without
	// any permission is refused with IAM's AccessDenied wording.
	if _, err := h.iamClient("AKIASIMUSER000000001", "simUserSecret00000000000000000000000000000", "").SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{identity}, ActionNames: []string{"s3:GetObject"}}); err != nil {
		t.Fatal(err)
	}
	_, err = h.iamClient("AKIASIMNOBODY0000001", "simNobodySecret000000000000000000000000000", "").SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{identity}, ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: iam:SimulateCustomPolicy on resource: *", 403)
}

func TestIAMSimulationRefusals(t *testing.T) {
	h := start(t, withBootstrap(t, simBootstrap))
	ctx := context.Background()
	ok := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	res := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}}`
	c := simRoot(h)
	// Documents are validated by the enforcing engine with IAM's messages
	// (internal/policy; "This policy contains invalid Json" and "Syntax
	// errors in policy." are IAM's texts for CreatePolicy).
	_, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{"{"}, ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "MalformedPolicyDocument", "This policy contains invalid Json", 400)
	_, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}`}, ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "MalformedPolicyDocument", "", 400)
	// No AWS message is recorded for the following InvalidInput refusals;
	// only their code is asserted.
	_, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"s3:GetObject"}, ResourcePolicy: aws.String(res)})
	apiError(t, err, "InvalidInput", "", 400)
	_, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"s3:GetObject"}, PermissionsBoundaryPolicyInputList: []string{ok, ok}})
	apiError(t, err, "InvalidInput", "", 400)
	_, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"s3:GetObject"}, CallerArn: aws.String("arn:aws:sts::111111111111:assumed-role/r/s")})
	apiError(t, err, "InvalidInput", "", 400)
	_, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{ok}, ActionNames: []string{"s3:GetObject"}, ResourceOwner: aws.String("arn:aws:iam::111111111111:user/x")})
	apiError(t, err, "InvalidInput", "", 400)
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::111111111111:user/ghost"), ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "NoSuchEntity", "The user with name ghost cannot be found.", 404)
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::111111111111:role/ghost"), ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "NoSuchEntity", "The role with name ghost cannot be found.", 404)
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::222222222222:user/alice"), ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "NoSuchEntity", "The user with name alice cannot be found.", 404)
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::111111111111:policy/ReadLogs"), ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "InvalidInput", "", 400)
	_, err = h.iamClient("AKIASIMUSER000000001", "simUserSecret00000000000000000000000000000", "").SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::111111111111:user/alice"), ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/sim is not authorized to perform: iam:SimulatePrincipalPolicy on resource: arn:aws:iam::111111111111:user/alice", 403)
}
