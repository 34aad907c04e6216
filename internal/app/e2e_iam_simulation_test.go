package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/testref"
)

// politest scenarios (iam-policy/politest, MIT) hold decisions that
// politest's CI obtained from AWS's own iam:SimulateCustomPolicy. This test
// maps each scenario onto SimulateCustomPolicy as politest does
// (reaandrew/politest main.go prepareSimulation, internal/simulator.go
// buildTestInput and applyTestOverrides, internal/policy.go
// MergeSCPFilesWithSourceMap, internal/scenario.go MergeScenario):
//   - policy_json / policy_template (text/template over vars_file then
//     vars) → PolicyInputList[0], non-IAM fields stripped;
//   - scp_paths (SCPs and RCPs alike): every file's statements merged into
//     one document → PermissionsBoundaryPolicyInputList[0], stripped;
//   - resource_policy_json / _template (scenario or test level) →
//     ResourcePolicy, stripped; caller_arn → CallerArn; resource_owner →
//     ResourceOwner (test level overrides scenario level);
//   - context: scenario entries overridden by test entries of the same name;
//   - extends: the child's non-empty fields override the parent's, vars
//     merge.
//
// politest also rewrites every Sid to a tracking id ("identity#stmt:0",
// "scp:file.json#stmt:0") to map matched statements back to files. That is
// display bookkeeping, not part of the decision, and IAM's Sid grammar
// ([A-Za-z0-9]) rejects such ids, so the original Sids are kept.
//
// List-typed context entries (stringList, …) are passed as lists: AWS's
// simulator never matches a single-valued operator against them
// (11-context-stringlist.yml expects implicitDeny for StringLike "t2.*"
// against stringList ["t2.micro"]), and neither does the engine.
func TestIAMSimulationPolitest(t *testing.T) {
	dir := testref.Dir(t, "iam-policy/politest")
	files, err := filepath.Glob(filepath.Join(dir, "scenarios", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in %s: %v", dir, err)
	}
	h := start(t, nil)
	client := h.rootIAM()
	var scenarios, ran int
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "fail-") {
			continue // deliberately wrong expectations
		}
		scenarios++
		t.Run(strings.TrimSuffix(base, ".yml"), func(t *testing.T) {
			sc := loadScenario(t, f)
			vars := scenarioVars(t, sc)
			scDir := filepath.Dir(f)
			identity := stripNonIAM(t, policyText(t, scDir, sc.PolicyJSON, sc.PolicyTemplate, vars))
			var boundary string
			if len(sc.SCPPaths) > 0 {
				boundary = mergeSCPs(t, scDir, sc.SCPPaths)
			}
			var scResource string
			if sc.ResourcePolicyJSON != "" || sc.ResourcePolicyTemplate != "" {
				scResource = stripNonIAM(t, policyText(t, scDir, sc.ResourcePolicyJSON, sc.ResourcePolicyTemplate, vars))
			}
			for i, tc := range expandActions(sc.Tests) {
				in := &iam.SimulateCustomPolicyInput{
					PolicyInputList: []string{identity},
					ActionNames:     []string{render(t, tc.Action, vars)},
					ContextEntries:  mergeContext(t, sc.Context, tc.Context, vars),
				}
				if tc.Resource != "" {
					in.ResourceArns = []string{render(t, tc.Resource, vars)}
				}
				for _, r := range tc.Resources {
					in.ResourceArns = append(in.ResourceArns, render(t, r, vars))
				}
				if boundary != "" {
					in.PermissionsBoundaryPolicyInputList = []string{boundary}
				}
				resource := scResource
				if tc.ResourcePolicyJSON != "" || tc.ResourcePolicyTemplate != "" {
					resource = stripNonIAM(t, policyText(t, scDir, tc.ResourcePolicyJSON, tc.ResourcePolicyTemplate, vars))
				}
				if resource != "" {
					in.ResourcePolicy = aws.String(resource)
				}
				if c := firstNonEmpty(tc.CallerArn, sc.CallerArn); c != "" {
					in.CallerArn = aws.String(render(t, c, vars))
				}
				if o := firstNonEmpty(tc.ResourceOwner, sc.ResourceOwner); o != "" {
					in.ResourceOwner = aws.String(render(t, o, vars))
				}
				out, err := client.SimulateCustomPolicy(context.Background(), in)
				if err != nil {
					t.Fatalf("test %d (%s): %v", i, tc.Name, err)
				}
				ran++
				if len(out.EvaluationResults) == 0 {
					t.Fatalf("test %d (%s): no evaluation results", i, tc.Name)
				}
				got := string(out.EvaluationResults[0].EvalDecision)
				if !strings.EqualFold(got, tc.Expect) {
					t.Errorf("test %d (%s %s on %v): got %s, want %s", i, tc.Name, in.ActionNames, in.ResourceArns, got, tc.Expect)
				}
			}
		})
	}
	if ran == 0 {
		t.Fatal("no politest test ran")
	}
	t.Logf("politest: %d scenarios, %d tests ran", scenarios, ran)
}

// politestScenario is politest's scenario file.
type politestScenario struct {
	Extends                string            `yaml:"extends"`
	VarsFile               string            `yaml:"vars_file"`
	Vars                   map[string]any    `yaml:"vars"`
	PolicyJSON             string            `yaml:"policy_json"`
	PolicyTemplate         string            `yaml:"policy_template"`
	ResourcePolicyJSON     string            `yaml:"resource_policy_json"`
	ResourcePolicyTemplate string            `yaml:"resource_policy_template"`
	CallerArn              string            `yaml:"caller_arn"`
	ResourceOwner          string            `yaml:"resource_owner"`
	SCPPaths               []string          `yaml:"scp_paths"`
	Context                []politestContext `yaml:"context"`
	Tests                  []politestTest    `yaml:"tests"`
}

type politestTest struct {
	Name                   string            `yaml:"name"`
	Action                 string            `yaml:"action"`
	Actions                []string          `yaml:"actions"`
	Resource               string            `yaml:"resource"`
	Resources              []string          `yaml:"resources"`
	Context                []politestContext `yaml:"context"`
	Expect                 string            `yaml:"expect"`
	CallerArn              string            `yaml:"caller_arn"`
	ResourceOwner          string            `yaml:"resource_owner"`
	ResourcePolicyJSON     string            `yaml:"resource_policy_json"`
	ResourcePolicyTemplate string            `yaml:"resource_policy_template"`
}

type politestContext struct {
	Name   string   `yaml:"ContextKeyName"`
	Type   string   `yaml:"ContextKeyType"`
	Values []string `yaml:"ContextKeyValues"`
}

// loadScenario reads a scenario and merges the scenarios it extends.
func loadScenario(t *testing.T, path string) politestScenario {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sc politestScenario
	if err := yaml.Unmarshal(b, &sc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if sc.Extends == "" {
		return sc
	}
	out := loadScenario(t, filepath.Join(filepath.Dir(path), sc.Extends))
	if sc.VarsFile != "" {
		out.VarsFile = sc.VarsFile
	}
	if sc.PolicyTemplate != "" {
		out.PolicyTemplate, out.PolicyJSON = sc.PolicyTemplate, ""
	}
	if sc.PolicyJSON != "" {
		out.PolicyJSON, out.PolicyTemplate = sc.PolicyJSON, ""
	}
	if len(sc.SCPPaths) > 0 {
		out.SCPPaths = sc.SCPPaths
	}
	if len(sc.Context) > 0 {
		out.Context = sc.Context
	}
	if len(sc.Tests) > 0 {
		out.Tests = sc.Tests
	}
	if out.Vars == nil {
		out.Vars = map[string]any{}
	}
	for k, v := range sc.Vars {
		out.Vars[k] = v
	}
	if sc.ResourcePolicyTemplate != "" {
		out.ResourcePolicyTemplate, out.ResourcePolicyJSON = sc.ResourcePolicyTemplate, ""
	}
	if sc.ResourcePolicyJSON != "" {
		out.ResourcePolicyJSON, out.ResourcePolicyTemplate = sc.ResourcePolicyJSON, ""
	}
	if sc.CallerArn != "" {
		out.CallerArn = sc.CallerArn
	}
	if sc.ResourceOwner != "" {
		out.ResourceOwner = sc.ResourceOwner
	}
	return out
}

// scenarioVars is vars_file overridden by inline vars. Paths in a merged
// scenario are relative to the scenario file, as in politest (all the
// scenarios live in one directory).
func scenarioVars(t *testing.T, sc politestScenario) map[string]any {
	t.Helper()
	vars := map[string]any{}
	if sc.VarsFile != "" {
		b, err := os.ReadFile(filepath.Join(testref.Dir(t, "iam-policy/politest/scenarios"), sc.VarsFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, &vars); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range sc.Vars {
		vars[k] = v
	}
	return vars
}

func render(t *testing.T, text string, vars map[string]any) string {
	t.Helper()
	tpl, err := template.New("x").Parse(text)
	if err != nil {
		t.Fatalf("template %q: %v", text, err)
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, vars); err != nil {
		t.Fatalf("template %q: %v", text, err)
	}
	return b.String()
}

// policyText reads a policy file or renders a template file.
func policyText(t *testing.T, dir, jsonPath, tplPath string, vars map[string]any) string {
	t.Helper()
	p := jsonPath
	if p == "" {
		p = tplPath
	}
	b, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		t.Fatal(err)
	}
	if tplPath != "" {
		return render(t, string(b), vars)
	}
	return string(b)
}

var (
	iamTopFields       = map[string]bool{"Version": true, "Id": true, "Statement": true}
	iamStatementFields = map[string]bool{"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
		"Action": true, "NotAction": true, "Resource": true, "NotResource": true, "Condition": true}
)

// stripNonIAM removes the fields outside the IAM grammar and pretty-prints
// the document with two-space indentation, as politest's StripNonIAMFields.
func stripNonIAM(t *testing.T, doc string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("policy: %v", err)
	}
	return stripDoc(t, m)
}

func stripDoc(t *testing.T, m map[string]any) string {
	t.Helper()
	for k := range m {
		if !iamTopFields[k] {
			delete(m, k)
		}
	}
	stmts, ok := m["Statement"].([]any)
	if !ok {
		stmts = []any{m["Statement"]}
	}
	for _, s := range stmts {
		if sm, ok := s.(map[string]any); ok {
			for k := range sm {
				if !iamStatementFields[k] {
					delete(sm, k)
				}
			}
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mergeSCPs concatenates the statements of every SCP/RCP file into one
// document, as politest's MergeSCPFilesWithSourceMap.
func mergeSCPs(t *testing.T, dir string, paths []string) string {
	t.Helper()
	var stmts []any
	for _, p := range paths {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		switch st := doc["Statement"].(type) {
		case []any:
			stmts = append(stmts, st...)
		case nil:
			stmts = append(stmts, doc)
		default:
			stmts = append(stmts, st)
		}
	}
	return stripDoc(t, map[string]any{"Version": "2012-10-17", "Statement": stmts})
}

func expandActions(tests []politestTest) []politestTest {
	var out []politestTest
	for _, tc := range tests {
		if len(tc.Actions) == 0 {
			out = append(out, tc)
			continue
		}
		for _, a := range tc.Actions {
			c := tc
			c.Action, c.Actions = a, nil
			out = append(out, c)
		}
	}
	return out
}

// mergeContext is the scenario's entries, each replaced by a test entry of
// the same name, then the test's entries (politest mergeContextEntries).
func mergeContext(t *testing.T, scen, test []politestContext, vars map[string]any) []iamtypes.ContextEntry {
	t.Helper()
	override := map[string]bool{}
	for _, c := range test {
		override[c.Name] = true
	}
	var out []iamtypes.ContextEntry
	add := func(c politestContext) {
		e := iamtypes.ContextEntry{ContextKeyName: aws.String(c.Name), ContextKeyType: iamtypes.ContextKeyTypeEnum(c.Type)}
		for _, v := range c.Values {
			e.ContextKeyValues = append(e.ContextKeyValues, render(t, v, vars))
		}
		out = append(out, e)
	}
	for _, c := range scen {
		if !override[c.Name] {
			add(c)
		}
	}
	for _, c := range test {
		add(c)
	}
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

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
