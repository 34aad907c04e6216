package policy

// compile builds the matchers of every statement. Action names are matched
// case-insensitively ("action names are not case-sensitive",
// reference_policies_elements_action.html); resources case-sensitively.
// Policy variables are recognised in Resource and in condition values only
// under Version 2012-10-17 (reference_policies_variables.html: with
// 2008-10-17 "${aws:username}" is literal text).
func compile(p *Policy) {
	vars := p.Version == Version2012
	for i := range p.Statements {
		st := &p.Statements[i]
		acts := st.Action
		if acts == nil {
			acts = st.NotAction
		}
		st.actions = make([]pattern, len(acts))
		for j, a := range acts {
			st.actions[j] = compilePattern(a, compileOptions{wildcards: true, fold: true})
		}
		res := st.Resource
		if res == nil {
			res = st.NotResource
		}
		st.resources = make([]pattern, len(res))
		for j, r := range res {
			st.resources[j] = compilePattern(r, compileOptions{wildcards: true, variables: vars})
		}
		for j := range st.Conditions {
			compileCondition(&st.Conditions[j], p.Version)
		}
	}
}
