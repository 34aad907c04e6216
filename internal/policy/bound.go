package policy

// PatternCounts says how many patterns of a policy a request's values can
// be compared with, by the value they are compared with.
type PatternCounts struct {
	// Action counts Action and NotAction patterns (compared with the
	// action name).
	Action int
	// Resource counts Resource and NotResource patterns and principal
	// values (compared with the resource and caller ARNs).
	Resource int
	// Condition counts condition values (compared with context values).
	Condition int
}

// Patterns counts the patterns of p. Evaluating one request against p
// compares each at most once with each value of the request it applies to.
func (p *Policy) Patterns() PatternCounts {
	var c PatternCounts
	for i := range p.Statements {
		st := &p.Statements[i]
		c.Action += len(st.Action) + len(st.NotAction)
		c.Resource += len(st.Resource) + len(st.NotResource)
		for _, pr := range []*Principals{st.Principal, st.NotPrincipal} {
			if pr != nil {
				c.Resource += len(pr.AWS) + len(pr.Federated) + len(pr.Service) + len(pr.CanonicalUser)
			}
		}
		for j := range st.Conditions {
			c.Condition += len(st.Conditions[j].Values)
		}
	}
	return c
}
