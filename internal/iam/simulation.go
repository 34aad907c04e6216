package iam

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// simulationHandlers lists the operations of this group.
func (s *Service) simulationHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["SimulateCustomPolicy"], s.SimulateCustomPolicy),
		rpc.Typed(ops["SimulatePrincipalPolicy"], s.SimulatePrincipalPolicy),
	}
}

// Source policy types in MatchedStatements. AWS answers "IAM Policy" for an
// identity policy, whether the simulated entity is a user, a group or a role
// (recorded: aws-parity-snapshots/localstack/test_iam.snapshot.json,
// test_simulate_principle_policy[user|group|role]), a value outside the
// model's PolicySourceType enum (user | group | role | aws-managed |
// user-managed | resource | none), so "group" is never answered; for the
// resource policy nothing is recorded, so the enum value "resource" is used.
const (
	sourceTypeIAM      = "IAM Policy"
	sourceTypeResource = "resource"
)

// simPolicy is one input policy with what MatchedStatements reports of it.
type simPolicy struct {
	id, typ string
	p       *policy.Policy
	spans   []span
}

// simInput is a simulation, whichever operation asked for it.
type simInput struct {
	identity  []simPolicy
	boundary  *simPolicy
	resource  *simPolicy
	principal policy.Principal
	owner     string // account owning the resources
	actions   []string
	resources []string // nil: "*"
	context   policy.Context
	// keyChars is the most characters one context key's values hold,
	// for the work estimate of condition values.
	keyChars int
}

// SimulateCustomPolicy evaluates the given policies against each action and
// resource with the enforcing engine.
func (s *Service) SimulateCustomPolicy(ctx context.Context, call *rpc.Call, in *iamapi.SimulateCustomPolicyRequest) (*iamapi.SimulatePolicyResponse, error) {
	// "Resource types: none" for iam:SimulateCustomPolicy in the Service
	// Authorization Reference, so the resource is "*".
	if err := s.authorize(ctx, call, "iam:SimulateCustomPolicy", "*"); err != nil {
		return nil, err
	}
	sim := &simInput{actions: in.ActionNames}
	var err error
	if sim.identity, err = parseInputs(in.PolicyInputList, "PolicyInputList", policy.KindInlineUser); err != nil {
		return nil, err
	}
	if err := sim.setBoundary(in.PermissionsBoundaryPolicyInputList); err != nil {
		return nil, err
	}
	if err := sim.setCommon(call.Principal.AccountID, in.CallerArn, in.ResourcePolicy, in.ResourceOwner, in.ResourceArns, in.ContextEntries); err != nil {
		return nil, err
	}
	return sim.run(ctx, in.Marker, in.MaxItems)
}

// SimulatePrincipalPolicy evaluates the policies of a user, group or role
// of the caller's account (its inline and attached policies, a user's
// groups' policies, and its permissions boundary), plus any given policies,
// against each action and resource.
func (s *Service) SimulatePrincipalPolicy(ctx context.Context, call *rpc.Call, in *iamapi.SimulatePrincipalPolicyRequest) (*iamapi.SimulatePolicyResponse, error) {
	acct := call.Principal.AccountID
	src, err := arn.ParseIAM(in.PolicySourceArn)
	isSource := err == nil && (src.Type == arn.TypeUser || src.Type == arn.TypeGroup || src.Type == arn.TypeRole)
	// The action is authorized on the source's stored ARN, so a policy
	// naming it holds whatever spelling of the name the request uses; a
	// source that is not found (or not a source at all) is authorized on
	// the ARN as given and only then refused, so a caller without
	// permission learns nothing of what exists.
	var source simSource
	found := false
	if isSource {
		if source, found, err = s.resolveSource(ctx, acct, src); err != nil {
			return nil, err
		}
	}
	sourceARN := in.PolicySourceArn
	if found {
		sourceARN = source.arn
	}
	if err := s.authorize(ctx, call, "iam:SimulatePrincipalPolicy", sourceARN); err != nil {
		return nil, err
	}
	if !isSource {
		// "The Amazon Resource Name (ARN) of a user, group, or role whose
		// policies you want to include" (IAM API reference); any other ARN
		// names no entity with policies. No AWS message is recorded for
		// this case.
		return nil, invalidInput("Invalid ARN: %s is not the ARN of a user, group or role.", in.PolicySourceArn)
	}
	if !found {
		// IAM's wording for each kind: "The user with name X cannot be
		// found." and the group's and role's alike (userKind, groupKind and roleKind).
		return nil, noSuchEntity("The %s with name %s cannot be found.", src.Type, src.Name)
	}
	sim := &simInput{actions: in.ActionNames}
	if err := s.loadSource(ctx, sim, acct, source); err != nil {
		return nil, err
	}
	extra, err := parseInputs(in.PolicyInputList, "PolicyInputList", policy.KindInlineUser)
	if err != nil {
		return nil, err
	}
	sim.identity = append(sim.identity, extra...)
	// "if a permissions boundary is attached to an entity and you pass in
	// a different permissions boundary policy using this parameter, then
	// the new permissions boundary policy is used" (IAM API reference).
	if err := sim.setBoundary(in.PermissionsBoundaryPolicyInputList); err != nil {
		return nil, err
	}
	caller := in.CallerArn
	if in.ResourcePolicy != "" {
		// "You can also optionally include one resource-based policy to be
		// evaluated with each of the resources included in the simulation
		// for IAM users only" (IAM API reference, SimulatePrincipalPolicy).
		// stsd wording; AWS's text is not recorded.
		if src.Type != arn.TypeUser {
			return nil, invalidInput("Simulation of resource-based policies isn't supported for IAM %ss.", src.Type)
		}
		if caller == "" {
			caller = sourceARN
		}
	}
	if err := sim.setCommon(acct, caller, in.ResourcePolicy, in.ResourceOwner, in.ResourceArns, in.ContextEntries); err != nil {
		return nil, err
	}
	if in.CallerArn == "" && in.ResourcePolicy == "" {
		sim.principal = policy.Principal{ARN: sourceARN, Account: acct}
	}
	return sim.run(ctx, in.Marker, in.MaxItems)
}

// simSource is the user, group or role a PolicySourceArn names, as
// stored.
type simSource struct {
	// arn is the stored ARN: the entity's path and spelling of its name.
	arn  string
	kind store.PrincipalKind
	name string
	// boundary is a user's or role's permissions boundary ARN, if any.
	boundary string
}

// resolveSource finds the user, group or role src names in the caller's
// account. IAM names an entity by its full ARN: the name matches in any
// letter case, as every IAM name does, but a path other than the stored
// one names nothing. Another account's entity is as unknown here as a
// missing one.
func (s *Service) resolveSource(ctx context.Context, acct string, src arn.IAMResource) (simSource, bool, error) {
	if src.ARN.AccountID != acct {
		return simSource{}, false, nil
	}
	var out simSource
	var path string
	var err error
	switch src.Type {
	case arn.TypeUser:
		var u store.User
		u, err = s.store.GetUser(ctx, acct, src.Name)
		out = simSource{arn: arn.User(acct, u.Path, u.Name), kind: store.KindUser, name: u.Name, boundary: u.PermissionsBoundary}
		path = u.Path
	case arn.TypeGroup:
		var g store.Group
		g, err = s.store.GetGroup(ctx, acct, src.Name)
		out = simSource{arn: arn.Group(acct, g.Path, g.Name), kind: store.KindGroup, name: g.Name}
		path = g.Path
	default:
		var r store.Role
		r, err = s.store.GetRole(ctx, acct, src.Name)
		out = simSource{arn: arn.Role(acct, r.Path, r.Name), kind: store.KindRole, name: r.Name, boundary: r.PermissionsBoundary}
		path = r.Path
	}
	if errors.Is(err, store.ErrNotFound) {
		return simSource{}, false, nil
	}
	if err != nil {
		return simSource{}, false, err
	}
	if !samePath(path, src.Path) {
		return simSource{}, false, nil
	}
	return out, true, nil
}

// loadSource reads the policies of the simulated user, group or role. "If
// you specify a user, the simulation also includes all policies that are
// attached to any groups the user belongs to" (IAM API reference,
// SimulatePrincipalPolicy, PolicySourceArn).
func (s *Service) loadSource(ctx context.Context, sim *simInput, acct string, src simSource) error {
	switch src.kind {
	case store.KindUser:
		if err := s.loadPolicies(ctx, sim, acct, store.KindUser, src.name, policy.KindInlineUser); err != nil {
			return err
		}
		groups, err := s.store.ListGroupsForUser(ctx, acct, src.name)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if err := s.loadPolicies(ctx, sim, acct, store.KindGroup, g.Name, policy.KindInlineGroup); err != nil {
				return err
			}
		}
		return s.loadBoundary(ctx, sim, src.boundary)
	case store.KindGroup:
		// A group has no permissions boundary: only its own policies.
		return s.loadPolicies(ctx, sim, acct, store.KindGroup, src.name, policy.KindInlineGroup)
	default:
		if err := s.loadPolicies(ctx, sim, acct, store.KindRole, src.name, policy.KindInlineRole); err != nil {
			return err
		}
		return s.loadBoundary(ctx, sim, src.boundary)
	}
}

// loadPolicies adds the inline and attached policies of one user, group or
// role to the simulation's identity policies.
func (s *Service) loadPolicies(ctx context.Context, sim *simInput, acct string, kind store.PrincipalKind, name string, inlineKind policy.Kind) error {
	inline, err := s.store.ListInlinePolicies(ctx, acct, kind, name)
	if err != nil {
		return err
	}
	for _, ip := range inline {
		p, err := s.policies.Parse(ip.Document, inlineKind)
		if err != nil {
			return fmt.Errorf("stored inline policy %s of %s %s: %w", ip.Name, kind, name, err)
		}
		sim.identity = append(sim.identity, simPolicy{id: inlineSourceID(kind, name, ip.Name), typ: sourceTypeIAM, p: p, spans: statementSpans(ip.Document)})
	}
	attached, err := s.store.ListAttachedPolicies(ctx, acct, kind, name)
	if err != nil {
		return err
	}
	for _, pa := range attached {
		sp, err := s.managedSim(ctx, pa)
		if err != nil {
			return err
		}
		if sp != nil {
			sim.identity = append(sim.identity, *sp)
		}
	}
	return nil
}

// inlineSourceID is the SourcePolicyId of an inline policy:
// "<kind>_<principal>_<policy>". AWS names a user's inline policy
// "user_<user>_<policy>" (hashicorp/terraform-provider-aws,
// internal/service/iam/principal_policy_simulation_data_source_test.go, an
// acceptance test run against AWS); roles' and groups' follow the same
// pattern, which is not recorded for them. The prefix also keeps a group's
// policy apart from the user's own policy of the same name when both are
// simulated together.
func inlineSourceID(kind store.PrincipalKind, principal, name string) string {
	return string(kind) + "_" + principal + "_" + name
}

// loadBoundary installs the simulated principal's permissions boundary.
func (s *Service) loadBoundary(ctx context.Context, sim *simInput, boundary string) error {
	if boundary == "" {
		return nil
	}
	sp, err := s.managedSim(ctx, boundary)
	if err != nil {
		return err
	}
	if sp == nil {
		// A boundary that cannot be read allows nothing, as in
		// enforcement (authz.loadPrincipalPolicies).
		none := policy.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}`, policy.KindManaged)
		sp = &simPolicy{id: boundary, typ: sourceTypeIAM, p: none}
	}
	sim.boundary = sp
	return nil
}

// managedSim loads the default version of a managed policy, nil when it no
// longer exists. Its SourcePolicyId is its name, as AWS names the source
// policies of a principal (aws-cli examples, simulate-principal-policy.rst).
func (s *Service) managedSim(ctx context.Context, policyARN string) (*simPolicy, error) {
	doc, err := s.authz.ManagedDocument(ctx, policyARN)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := s.policies.Parse(doc, policy.KindManaged)
	if err != nil {
		return nil, fmt.Errorf("stored policy %s: %w", policyARN, err)
	}
	name := policyARN
	if res, err := arn.ParseIAM(policyARN); err == nil {
		name = res.Name
	}
	return &simPolicy{id: name, typ: sourceTypeIAM, p: p, spans: statementSpans(doc)}, nil
}

// parseInputs validates the documents of a policy list parameter; their
// SourcePolicyIds are "<param>.<1-based index>", as AWS names them
// ("PolicyInputList.1", aws-cli examples, simulate-custom-policy.rst).
func parseInputs(docs []string, param string, kind policy.Kind) ([]simPolicy, error) {
	out := make([]simPolicy, 0, len(docs))
	for i, doc := range docs {
		p, err := policy.Parse(doc, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, simPolicy{id: fmt.Sprintf("%s.%d", param, i+1), typ: sourceTypeIAM, p: p, spans: statementSpans(doc)})
	}
	return out, nil
}

// setBoundary installs the permissions boundary parameter, if given.
func (sim *simInput) setBoundary(docs []string) error {
	if len(docs) == 0 {
		return nil
	}
	// "You can input only one permissions boundary when you pass a policy
	// to this operation" (IAM API reference). No message is recorded.
	if len(docs) > 1 {
		return invalidInput("You can input only one permissions boundary policy.")
	}
	b, err := parseInputs(docs, "PermissionsBoundaryPolicyInputList", policy.KindInlineUser)
	if err != nil {
		return err
	}
	sim.boundary = &b[0]
	return nil
}

// setCommon applies the parameters both operations share.
func (sim *simInput) setCommon(acct, callerARN, resourcePolicy, resourceOwner string, resources []string, entries []iamapi.ContextEntry) error {
	sim.principal = policy.Principal{Account: acct}
	if callerARN != "" {
		// "You cannot specify the ARN of an assumed role, federated user,
		// or a service principal" (IAM API reference, CallerArn).
		c, err := arn.ParseIAM(callerARN)
		if err != nil || (c.Type != arn.TypeUser && c.Type != arn.TypeRole && c.Type != arn.TypeGroup && c.Type != arn.TypeRoot) {
			return invalidInput("Invalid CallerArn: %s", callerARN)
		}
		sim.principal = policy.Principal{ARN: callerARN, Account: c.ARN.AccountID}
	}
	if resourcePolicy != "" {
		// "CallerArn is required if you include a ResourcePolicy so that
		// the policy's Principal element has a value to use in evaluating
		// the policy" (IAM API reference, CallerArn).
		if callerARN == "" {
			return invalidInput("CallerArn is required when a ResourcePolicy is given.")
		}
		p, err := policy.Parse(resourcePolicy, policy.KindResource)
		if err != nil {
			return err
		}
		sim.resource = &simPolicy{id: "ResourcePolicy", typ: sourceTypeResource, p: p, spans: statementSpans(resourcePolicy)}
	}
	// "If the ResourceOwner parameter is not specified, then the owner of
	// the resources and the resource policy defaults to the account of the
	// identity provided in CallerArn" (IAM API reference, ResourceOwner).
	sim.owner = sim.principal.Account
	if resourceOwner != "" {
		o, err := arn.ParseIAM(resourceOwner)
		if err != nil || o.Type != arn.TypeRoot {
			return invalidInput("Invalid ResourceOwner: %s", resourceOwner)
		}
		sim.owner = o.ARN.AccountID
	}
	sim.resources = resources
	for _, e := range entries {
		n := 0
		for _, v := range e.ContextKeyValues {
			n += len(v) + 1
		}
		sim.keyChars = max(sim.keyChars, n)
		if strings.HasSuffix(e.ContextKeyType, "List") {
			sim.context.SetList(e.ContextKeyName, e.ContextKeyValues...)
		} else {
			sim.context.Set(e.ContextKeyName, e.ContextKeyValues...)
		}
	}
	return nil
}

// The simulator's decisions (PolicyEvaluationDecisionType).
const (
	evalAllowed      = "allowed"
	evalExplicitDeny = "explicitDeny"
	evalImplicitDeny = "implicitDeny"
)

func decisionName(d policy.Decision) string {
	switch d {
	case policy.DecisionAllow:
		return evalAllowed
	case policy.DecisionExplicitDeny:
		return evalExplicitDeny
	}
	return evalImplicitDeny
}

// Simulation bounds (issue 10): a simulation evaluates caller-supplied
// policies for every action and resource, so without a bound one request
// could keep a core busy for minutes, and on after its client went away.
// AWS documents no limit; the IAM model lists InvalidInput (400) and
// PolicyEvaluation (500) as the simulation errors, and a 5xx invites the
// SDKs to retry the same work, so an oversized simulation is InvalidInput.
const (
	// maxSimulationWork caps simulationWork for one page of results: a
	// few seconds of matching at worst, far less in practice.
	maxSimulationWork = 1_000_000_000
	// simulationTimeLimit stops a simulation that outlives its estimate.
	simulationTimeLimit = 10 * time.Second
)

// simulationWork estimates, in matcher steps, the most work evaluating
// actions against the simulation's resources can take (see the bound in
// package policy): each pattern compared with each value it applies to,
// weighted by its length, plus the patterns' own length per evaluation.
func (sim *simInput) simulationWork(actions []string) float64 {
	var c policy.PatternCounts
	add := func(p *policy.Policy) {
		pc := p.Patterns()
		c.Action += pc.Action
		c.Resource += pc.Resource
		c.Condition += pc.Condition
		c.Chars += pc.Chars
	}
	for i := range sim.identity {
		add(sim.identity[i].p)
	}
	if sim.boundary != nil {
		add(sim.boundary.p)
	}
	if sim.resource != nil {
		add(sim.resource.p)
	}
	resources := sim.resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	actionChars, resourceChars := 0.0, 0.0
	for _, a := range actions {
		actionChars += float64(len(a) + 1)
	}
	for _, r := range resources {
		resourceChars += float64(len(r) + 1 + len(sim.principal.ARN))
	}
	na, nr := float64(len(actions)), float64(len(resources))
	return nr*float64(c.Action)*actionChars +
		na*float64(c.Resource)*resourceChars +
		na*nr*(float64(c.Condition)*float64(sim.keyChars+1)+float64(c.Chars))
}

// run evaluates every action against every resource and pages the results,
// one EvaluationResult per action. It refuses a page whose work estimate
// passes maxSimulationWork before doing any, and stops when ctx ends (the
// client went away) or simulationTimeLimit passes.
func (sim *simInput) run(ctx context.Context, marker string, maxItems *int32) (*iamapi.SimulatePolicyResponse, error) {
	idx := make([]int, len(sim.actions))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) string { return fmt.Sprintf("%08d", i) }
	pageIdx, truncated, next, err := pageSlice(idx, marker, maxItems, key)
	if err != nil {
		return nil, err
	}
	page := make([]string, len(pageIdx))
	for j, i := range pageIdx {
		page[j] = sim.actions[i]
	}
	if w := sim.simulationWork(page); w > maxSimulationWork {
		return nil, invalidInput("Simulation is too large: evaluating %d actions against %d resources would take about %.0f matching steps, more than the limit of %d. Simulate fewer actions at a time with MaxItems, or fewer resources or policies.",
			len(page), max(1, len(sim.resources)), w, maxSimulationWork)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, simulationTimeLimit, errSimulationTime)
	defer cancel()
	out := &iamapi.SimulatePolicyResponse{IsTruncated: truncated, Marker: next}
	for _, a := range page {
		r, err := sim.evaluateAction(ctx, a)
		if err != nil {
			return nil, err
		}
		out.EvaluationResults = append(out.EvaluationResults, r)
	}
	return out, nil
}

// errSimulationTime is the cause of a simulation's context when
// simulationTimeLimit passes.
var errSimulationTime = errors.New("iam: simulation time limit")

// simulationStopped returns why ctx ended: InvalidInput when the
// simulation ran out of time, else the context's error (the client went
// away, and nobody reads the answer).
func simulationStopped(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), errSimulationTime) {
		return invalidInput("Simulation exceeded its time limit of %d seconds. Simulate fewer actions at a time with MaxItems, or fewer resources or policies.", int(simulationTimeLimit/time.Second))
	}
	return ctx.Err()
}

// evaluateAction evaluates one action against each resource. The top-level
// decision is the most restrictive of the per-resource decisions, and its
// matched statements and missing keys are their union (IAM API reference,
// EvaluationResult).
func (sim *simInput) evaluateAction(ctx context.Context, action string) (iamapi.EvaluationResult, error) {
	resources := sim.resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	subject, rp := sim.subject()
	res := iamapi.EvaluationResult{EvalActionName: action, EvalResourceName: "*"}
	if len(resources) == 1 {
		res.EvalResourceName = resources[0]
	}
	worst := policy.DecisionAllow
	boundaryAllows := true
	type perResource struct {
		decision policy.Decision
		matched  []iamapi.Statement
	}
	per := make([]perResource, 0, len(resources))
	for _, resource := range resources {
		if ctx.Err() != nil {
			return iamapi.EvaluationResult{}, simulationStopped(ctx)
		}
		var d authz.Decision
		authz.Decide(subject, &authz.Query{Action: action, Resource: resource, ResourceAccount: sim.owner, ResourcePolicy: rp, Context: &sim.context}, &d)
		r := &d.Result
		matched := sim.matched(r)
		if rank(r.Decision) > rank(worst) {
			worst = r.Decision
		}
		per = append(per, perResource{r.Decision, matched})
		res.MissingContextValues = unionStrings(res.MissingContextValues, r.Missing)
		var bd *iamapi.PermissionsBoundaryDecisionDetail
		if sim.boundary != nil {
			allowed := boundaryAllowed(r)
			boundaryAllows = boundaryAllows && allowed
			bd = &iamapi.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: &allowed}
		}
		if len(sim.resources) > 0 {
			res.ResourceSpecificResults = append(res.ResourceSpecificResults, iamapi.ResourceSpecificResult{
				EvalResourceName:                  resource,
				EvalResourceDecision:              decisionName(r.Decision),
				MatchedStatements:                 matched,
				MissingContextValues:              append([]string(nil), r.Missing...),
				PermissionsBoundaryDecisionDetail: bd,
			})
		}
	}
	res.EvalDecision = decisionName(worst)
	// Only statements that contributed to the reported decision: those of
	// the resources whose decision it is.
	for _, p := range per {
		if p.decision == worst {
			res.MatchedStatements = unionStatements(res.MatchedStatements, p.matched)
		}
	}
	if sim.boundary != nil {
		res.PermissionsBoundaryDecisionDetail = &iamapi.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: &boundaryAllows}
	}
	return res, nil
}

// subject is the simulated caller holding the input policies, and the
// resource policy simulated, nil if none. The simulation's context is the
// whole request context: the simulator adds no global keys of its own.
func (sim *simInput) subject() (*authz.Subject, *authz.ResourcePolicy) {
	identity := make([]*policy.Policy, len(sim.identity))
	refs := make([]authz.PolicyRef, len(sim.identity))
	for i := range sim.identity {
		identity[i] = sim.identity[i].p
		refs[i] = authz.PolicyRef{Kind: authz.PolicyCustom, Name: sim.identity[i].id}
	}
	var boundary *policy.Policy
	var boundaryRef authz.PolicyRef
	if sim.boundary != nil {
		boundary, boundaryRef = sim.boundary.p, authz.PolicyRef{Kind: authz.PolicyCustom, Name: sim.boundary.id}
	}
	var rp *authz.ResourcePolicy
	if sim.resource != nil {
		rp = &authz.ResourcePolicy{Policy: sim.resource.p, Ref: authz.PolicyRef{Kind: authz.PolicyResource, Name: sim.resource.id}}
	}
	return authz.CustomSubject(sim.principal, identity, refs, boundary, boundaryRef), rp
}

// rank orders decisions from least to most restrictive.
func rank(d policy.Decision) int {
	switch d {
	case policy.DecisionAllow:
		return 0
	case policy.DecisionImplicitDeny:
		return 1
	}
	return 2
}

// boundaryAllowed reports whether the boundary has an applicable Allow and
// no applicable Deny (IAM API reference, AllowedByPermissionsBoundary).
func boundaryAllowed(r *policy.Result) bool {
	allow := false
	for _, m := range r.Matched {
		if m.Source != policy.SourceBoundary {
			continue
		}
		if m.Effect == policy.EffectDeny {
			return false
		}
		allow = true
	}
	return allow
}

// matched lists the statements that determined the decision: for an
// explicit deny only the Deny statements ("the deny statement is the only
// entry included in the result"), for an allow the Allow statements, for an
// implicit deny none ("Only statements that contributed to the reported
// decision are included", IAM API reference, EvaluationResult).
func (sim *simInput) matched(r *policy.Result) []iamapi.Statement {
	var want policy.Effect
	switch r.Decision {
	case policy.DecisionAllow:
		want = policy.EffectAllow
	case policy.DecisionExplicitDeny:
		want = policy.EffectDeny
	default:
		return nil
	}
	var out []iamapi.Statement
	for _, m := range r.Matched {
		if m.Effect != want {
			continue
		}
		var sp *simPolicy
		switch m.Source {
		case policy.SourceIdentity:
			sp = &sim.identity[m.Policy]
		case policy.SourceBoundary:
			sp = sim.boundary
		case policy.SourceResource:
			sp = sim.resource
		}
		if sp == nil {
			continue
		}
		st := iamapi.Statement{SourcePolicyId: sp.id, SourcePolicyType: sp.typ}
		if m.Statement < len(sp.spans) {
			pos := sp.spans[m.Statement]
			st.StartPosition = positionOut(pos.start)
			st.EndPosition = positionOut(pos.end)
		}
		out = append(out, st)
	}
	return out
}

func positionOut(p position) *iamapi.Position {
	line, col := p.line, p.column
	return &iamapi.Position{Line: &line, Column: &col}
}

// unionStatements appends the statements of add not already in base.
func unionStatements(base, add []iamapi.Statement) []iamapi.Statement {
	for _, a := range add {
		dup := false
		for _, b := range base {
			if sameStatement(a, b) {
				dup = true
				break
			}
		}
		if !dup {
			base = append(base, a)
		}
	}
	return base
}

// unionStrings appends the strings of add not already in base.
func unionStrings(base, add []string) []string {
	for _, a := range add {
		dup := false
		for _, b := range base {
			if a == b {
				dup = true
				break
			}
		}
		if !dup {
			base = append(base, a)
		}
	}
	return base
}

// sameStatement reports whether two matched statements name the same
// statement of the same policy.
func sameStatement(a, b iamapi.Statement) bool {
	if a.SourcePolicyId != b.SourcePolicyId {
		return false
	}
	if a.StartPosition == nil || b.StartPosition == nil {
		return a.StartPosition == b.StartPosition
	}
	return *a.StartPosition.Line == *b.StartPosition.Line && *a.StartPosition.Column == *b.StartPosition.Column
}
