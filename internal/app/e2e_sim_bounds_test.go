package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// simProbe builds issue 10's probe: an identity policy of 125 resource
// patterns, each a star, 1,024 '?' and a '#', and a 2,048-character
// resource ARN ending in last.
func simProbe(last string) (doc, resource string) {
	pat := `"arn:aws:s3:::*` + strings.Repeat("?", 1024) + `#"`
	pats := make([]string, 125)
	for i := range pats {
		pats[i] = pat
	}
	doc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":[` + strings.Join(pats, ",") + `]}}`
	const prefix = "arn:aws:s3:::bucket/"
	resource = prefix + strings.Repeat("k", 2048-len(prefix)-len(last)) + last
	return doc, resource
}

func simActions(n int) []string {
	verbs := []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}
	out := make([]string, n)
	for i := range out {
		out[i] = verbs[i%len(verbs)]
	}
	return out
}

// TestSimulationProbeIsServed sends the probe of issue 10 (40 actions) for
// four resource ARNs, two of which the patterns match. With the
// backtracking matcher each resource cost about 14 s of CPU here (35 s in
// the measurement); the deadline is a guard that turns that into
// a failure, not a measurement: the request now takes well under a second
// of matching.
func TestSimulationProbeIsServed(t *testing.T) {
	h := start(t, nil)
	client := h.rootIAM()
	want := map[string]iamtypes.PolicyEvaluationDecisionType{}
	var resources []string
	var doc string
	for _, c := range []struct {
		last string
		want iamtypes.PolicyEvaluationDecisionType
	}{
		{"k", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{"#", iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{"##", iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{"#k", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
	} {
		var r string
		doc, r = simProbe(c.last)
		resources = append(resources, r)
		want[r] = c.want
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := client.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{doc},
		ActionNames:     simActions(40),
		ResourceArns:    resources,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.EvaluationResults) != 40 {
		t.Fatalf("%d results, want 40", len(out.EvaluationResults))
	}
	for _, r := range out.EvaluationResults {
		// The most restrictive decision of the four resources.
		if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny {
			t.Errorf("%s: %s, want implicitDeny", aws.ToString(r.EvalActionName), r.EvalDecision)
		}
		if len(r.ResourceSpecificResults) != len(resources) {
			t.Fatalf("%s: %d resource results", aws.ToString(r.EvalActionName), len(r.ResourceSpecificResults))
		}
		for _, rr := range r.ResourceSpecificResults {
			name := aws.ToString(rr.EvalResourceName)
			if rr.EvalResourceDecision != want[name] {
				t.Errorf("%s on …%s: %s, want %s", aws.ToString(r.EvalActionName), name[len(name)-3:], rr.EvalResourceDecision, want[name])
			}
		}
	}
}

// TestSimulationOverBudget asks for a page of 500 actions of the probe (the
// most ActionNames may hold): about 2·10⁹ matching steps by the up-front
// estimate, which is refused before any evaluation. AWS documents no such
// limit; the IAM model lists InvalidInputException (400) and
// PolicyEvaluationException (500) for SimulateCustomPolicy, and a 500 would
// make SDKs retry the same work, so stsd answers InvalidInput. A page of
// 40 of the same actions is served. The deadline only guards against a
// server that does the work instead.
func TestSimulationOverBudget(t *testing.T) {
	h := start(t, nil)
	client := h.rootIAM()
	doc, resource := simProbe("k")
	in := &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{doc},
		ActionNames:     simActions(500),
		ResourceArns:    []string{resource},
		MaxItems:        aws.Int32(500),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := client.SimulateCustomPolicy(ctx, in)
	apiError(t, err, "InvalidInput", "Simulation is too large", http.StatusBadRequest)

	in.MaxItems = aws.Int32(40)
	out, err := client.SimulateCustomPolicy(context.Background(), in)
	if err != nil {
		t.Fatalf("page of 40: %v", err)
	}
	if len(out.EvaluationResults) != 40 || !out.IsTruncated {
		t.Fatalf("page of 40: %d results, truncated %v", len(out.EvaluationResults), out.IsTruncated)
	}
}
