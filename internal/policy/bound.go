package policy

// PatternCounts weighs the patterns of a policy by the request value they
// are compared with. A pattern of m characters weighs 1 + m/64: comparing
// it with a value of n characters takes at most m + n·(1 + m/64) steps of
// the automaton (literals between stars of up to 64 bytes are found with
// strings.Index, which is faster per character still).
type PatternCounts struct {
	// Action weighs the Action and NotAction patterns, compared with the
	// action name.
	Action int
	// Resource weighs the Resource and NotResource patterns and the
	// principal values, compared with the resource and caller ARNs.
	Resource int
	// Condition weighs the condition values, compared with context values.
	Condition int
	// Chars is the length of all the patterns: the m part of the cost,
	// paid once per evaluation.
	Chars int
}

// Patterns weighs the patterns of p. Evaluating one request against p
// compares each at most once with each value of the request it applies to.
func (p *Policy) Patterns() PatternCounts {
	var c PatternCounts
	add := func(w *int, vals []string) {
		for _, v := range vals {
			*w += 1 + len(v)/64
			c.Chars += len(v)
		}
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		add(&c.Action, st.Action)
		add(&c.Action, st.NotAction)
		add(&c.Resource, st.Resource)
		add(&c.Resource, st.NotResource)
		for _, pr := range []*Principals{st.Principal, st.NotPrincipal} {
			if pr != nil {
				add(&c.Resource, pr.AWS)
				add(&c.Resource, pr.Federated)
				add(&c.Resource, pr.Service)
				add(&c.Resource, pr.CanonicalUser)
			}
		}
		for j := range st.Conditions {
			add(&c.Condition, st.Conditions[j].Values)
		}
	}
	return c
}
