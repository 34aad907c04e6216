package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/testref"
)

// corpusFile is the format of iam-policy/evaluation-cases.json (see the
// README beside it) and of testdata/corpus/*.json.
type corpusFile struct {
	Cases []corpusCase `json:"cases"`
}

type corpusCase struct {
	ID          string                     `json:"id"`
	Description string                     `json:"description"`
	Policies    map[string]json.RawMessage `json:"policies"`
	Request     map[string]json.RawMessage `json:"request"`
	Expected    string                     `json:"expected"`
	DocURLs     []string                   `json:"doc_urls"`
}

// runCorpusFile runs every case of one corpus file as a subtest.
func runCorpusFile(t *testing.T, name, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f corpusFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(f.Cases) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	t.Run(name, func(t *testing.T) {
		for _, c := range f.Cases {
			t.Run(c.ID, func(t *testing.T) {
				t.Parallel()
				got, detail := runCase(t, &c)
				if got != c.Expected {
					t.Errorf("%s\nexpected %s, got %s (%s)\ndocs: %v", c.Description, c.Expected, got, detail, c.DocURLs)
				}
			})
		}
	})
}

// TestCorpus runs the shared reference cases and every file in
// testdata/corpus.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.json"))
	if len(files) == 0 {
		t.Fatal("no corpus files in testdata/corpus")
	}
	sort.Strings(files)
	for _, f := range files {
		runCorpusFile(t, strings.TrimSuffix(filepath.Base(f), ".json"), f)
	}
}

// TestReferenceEvaluationCases runs iam-policy/evaluation-cases.json.
func TestReferenceEvaluationCases(t *testing.T) {
	path := testref.Dir(t, "iam-policy/evaluation-cases.json")
	runCorpusFile(t, "evaluation-cases", path)
}

// policyKinds maps the corpus "policies" fields to the kind each is
// validated as. Identity policies are validated as inline policies, which
// (unlike managed ones) may be 2008-10-17 documents.
var policyKinds = map[string]Kind{
	"trust": KindTrust, "identity": KindInlineRole, "session": KindSession,
	"boundary": KindManaged, "resource": KindResource,
}

// parseCorpusPolicies turns one "policies" field (an object, an array of
// objects, a JSON string, or null) into compiled policies.
func parseCorpusPolicies(raw json.RawMessage, kind Kind) ([]*Policy, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return nil, nil
	}
	var docs []string
	switch s[0] {
	case '[':
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil {
			return nil, err
		}
		for _, a := range arr {
			docs = append(docs, docText(a))
		}
	default:
		docs = append(docs, docText(raw))
	}
	var out []*Policy
	for _, d := range docs {
		p, err := Parse(d, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// docText returns the document: a JSON string's content, or the raw JSON.
func docText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// runCase evaluates one case and returns the decision in corpus words.
func runCase(t *testing.T, c *corpusCase) (string, string) {
	t.Helper()
	var set PolicySet
	for field, raw := range c.Policies {
		kind, ok := policyKinds[field]
		if !ok {
			t.Fatalf("unknown policies field %q", field)
		}
		ps, err := parseCorpusPolicies(raw, kind)
		if err != nil {
			return "malformed", err.Error()
		}
		switch field {
		case "trust":
			set.Resource = append(set.Resource, ps...)
			set.ResourceRequired = true
		case "resource":
			set.Resource = append(set.Resource, ps...)
		case "identity":
			set.Identity = append(set.Identity, ps...)
		case "session":
			set.Session = append(set.Session, ps...)
		case "boundary":
			if len(ps) > 1 {
				t.Fatalf("several boundaries")
			}
			if len(ps) == 1 {
				set.Boundary = ps[0]
			}
		}
	}
	req, actions := corpusRequest(t, c.Request)
	worst := DecisionAllow
	var detail []string
	for _, a := range actions {
		req.Action = a
		r := Evaluate(&set, &req)
		detail = append(detail, a+"="+r.Decision.String()+"/"+r.Reason.String())
		switch {
		case r.Decision == DecisionExplicitDeny:
			worst = DecisionExplicitDeny
		case r.Decision == DecisionImplicitDeny && worst == DecisionAllow:
			worst = DecisionImplicitDeny
		}
	}
	return map[Decision]string{DecisionAllow: "allow", DecisionImplicitDeny: "implicit_deny",
		DecisionExplicitDeny: "explicit_deny"}[worst], strings.Join(detail, ", ")
}

// corpusRequest builds the Request and the list of actions to authorize.
func corpusRequest(t *testing.T, m map[string]json.RawMessage) (Request, []string) {
	t.Helper()
	var req Request
	var actions []string
	str := func(k string) string {
		var s string
		if raw, ok := m[k]; ok {
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatalf("request.%s: %v", k, err)
			}
		}
		return s
	}
	for k, raw := range m {
		switch k {
		case "principal":
			req.Principal.ARN = str(k)
		case "principal_account":
			req.Principal.Account = str(k)
		case "principal_role_arn", "role_arn":
			req.Principal.RoleARN = str(k)
		case "principal_federated", "federated":
			req.Principal.Federated = str(k)
		case "principal_service", "service":
			req.Principal.Service = str(k)
		case "principal_canonical_user", "canonical_user":
			req.Principal.CanonicalUser = str(k)
		case "principal_type", "note", "description":
			// Informational: the kind of caller is implied by the ARN.
		case "action":
			actions = append(actions, str(k))
		case "actions_evaluated":
			actions = nil
			if err := json.Unmarshal(raw, &actions); err != nil {
				t.Fatalf("request.actions_evaluated: %v", err)
			}
		case "resource":
			req.Resource = str(k)
		case "resource_account":
			req.ResourceAccount = str(k)
		case "context":
			var ctx map[string]json.RawMessage
			if err := json.Unmarshal(raw, &ctx); err != nil {
				t.Fatalf("request.context: %v", err)
			}
			for key, v := range ctx {
				var one string
				if json.Unmarshal(v, &one) == nil {
					req.Context.Set(key, one)
					continue
				}
				var many []string
				if err := json.Unmarshal(v, &many); err != nil {
					t.Fatalf("request.context[%s]: %v", key, err)
				}
				req.Context.Set(key, many...)
			}
		default:
			t.Fatalf("unknown request field %q", k)
		}
	}
	if _, ok := m["actions_evaluated"]; ok {
		if a := str("action"); a != "" && !contains(actions, a) {
			actions = append(actions, a)
		}
	}
	if req.Principal.Account == "" && req.Principal.ARN != "" {
		if a, err := arn.Split(req.Principal.ARN); err == nil {
			req.Principal.Account = a.AccountID
		}
	}
	return req, actions
}
