package iam

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
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
func TestSimulationPolitest(t *testing.T) {
	dir := testref.Dir(t, "iam-policy/politest")
	files, err := filepath.Glob(filepath.Join(dir, "scenarios", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in %s: %v", dir, err)
	}
	h := newHarness(t, "000000000000")
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
				in := &iamapi.SimulateCustomPolicyRequest{
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
					in.ResourcePolicy = resource
				}
				if c := firstNonEmpty(tc.CallerArn, sc.CallerArn); c != "" {
					in.CallerArn = render(t, c, vars)
				}
				if o := firstNonEmpty(tc.ResourceOwner, sc.ResourceOwner); o != "" {
					in.ResourceOwner = render(t, o, vars)
				}
				out, err := h.svc.SimulateCustomPolicy(h.ctx, h.root(), in)
				if err != nil {
					t.Fatalf("test %d (%s): %v", i, tc.Name, err)
				}
				ran++
				if len(out.EvaluationResults) == 0 {
					t.Fatalf("test %d (%s): no evaluation results", i, tc.Name)
				}
				got := out.EvaluationResults[0].EvalDecision
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
func mergeContext(t *testing.T, scen, test []politestContext, vars map[string]any) []iamapi.ContextEntry {
	t.Helper()
	override := map[string]bool{}
	for _, c := range test {
		override[c.Name] = true
	}
	var out []iamapi.ContextEntry
	add := func(c politestContext) {
		e := iamapi.ContextEntry{ContextKeyName: c.Name, ContextKeyType: c.Type}
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
