// Package authmsg seals and opens encoded authorization messages: the
// opaque string a denied request carries, which STS DecodeAuthorizationMessage
// turns back into the JSON document AWS documents for it (whether the
// request was allowed, whether an explicit deny decided, the statements that
// matched, and the request's principal, action, resource and condition
// keys).
//
// A message is sealed with AES-256-GCM under a key derived from the
// session-token key ring (session.Ring.PurposeKey with this package's own
// label), so messages rotate with the token keys, and neither a session
// token nor any other value sealed under the ring can pass for a message.
package authmsg

import (
	"encoding/json"
	"sort"
	"strings"
)

// Message is the decoded form of an encoded authorization message, with
// AWS's JSON field names (STS API reference, DecodeAuthorizationMessage; the
// sample output in the AWS CLI's decode-authorization-message examples:
// {"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[…]},
// "failures":{"items":[]},"context":{"principal":{"id":…,"arn":…},
// "action":…,"resource":…,"conditions":{"items":[…]}}}).
type Message struct {
	Allowed           bool            `json:"allowed"`
	ExplicitDeny      bool            `json:"explicitDeny"`
	MatchedStatements List[Statement] `json:"matchedStatements"`
	// Failures lists what kept the evaluation from completing. AWS
	// documents no item shape (every recorded message has none); stsd's
	// items are values.
	Failures List[Value] `json:"failures"`
	Context  Context     `json:"context"`
}

// List is AWS's wrapper around every array in the message: {"items": […]}.
// A nil list is written as {"items":[]}, as AWS writes an empty one.
type List[T any] struct {
	Items []T `json:"items"`
}

// MarshalJSON writes nil Items as an empty array.
func (l List[T]) MarshalJSON() ([]byte, error) {
	if len(l.Items) == 0 {
		return []byte(`{"items":[]}`), nil
	}
	return json.Marshal(struct {
		Items []T `json:"items"`
	}{l.Items})
}

// Value is one string of a list: {"value": "…"}.
type Value struct {
	Value string `json:"value"`
}

// Statement is a policy statement that matched the request. The fields
// through Conditions are AWS's; SourcePolicy and StatementIndex are stsd's
// own, naming where the statement comes from.
type Statement struct {
	StatementID string `json:"statementId"`
	// Effect is "ALLOW" or "DENY", upper case as AWS writes it.
	Effect          string          `json:"effect"`
	Principals      List[Value]     `json:"principals"`
	PrincipalGroups List[Value]     `json:"principalGroups"`
	Actions         List[Value]     `json:"actions"`
	Resources       List[Value]     `json:"resources"`
	Conditions      List[Condition] `json:"conditions"`
	SourcePolicy    string          `json:"sourcePolicy"`
	StatementIndex  int             `json:"statementIndex"`
}

// Condition is a condition key and its values.
type Condition struct {
	Key    string      `json:"key"`
	Values List[Value] `json:"values"`
}

// Context describes the request that was decided.
type Context struct {
	Principal  Principal       `json:"principal"`
	Action     string          `json:"action"`
	Resource   string          `json:"resource"`
	Conditions List[Condition] `json:"conditions"`
}

// Principal names who made the request: the unique id (for a role session
// "AROA…:session-name") and the ARN.
type Principal struct {
	ID  string `json:"id"`
	ARN string `json:"arn"`
}

// Decision is a decision in plain fields, what Build turns into a Message.
type Decision struct {
	// Allowed and ExplicitDeny are the outcome: an implicit deny has both
	// false.
	Allowed, ExplicitDeny bool
	// Statements are the statements that decided.
	Statements []MatchedStatement
	// PrincipalID and PrincipalARN name the caller.
	PrincipalID, PrincipalARN string
	// Action and Resource are what was requested.
	Action, Resource string
	// Conditions are the request's condition keys and their values.
	Conditions map[string][]string
}

// MatchedStatement is one statement of a Decision.
type MatchedStatement struct {
	// SourcePolicy names the policy holding the statement (its name or ARN).
	SourcePolicy string
	// Index is the statement's position in the policy's Statement array,
	// from 0.
	Index int
	// Sid is the statement's Sid, "" when it has none.
	Sid string
	// Effect is "Allow" or "Deny" in any case.
	Effect string
	// Principals are the principals the statement names (resource-based
	// policies), or the unique id of the identity it is attached to.
	Principals []string
	// Actions and Resources are the statement's Action and Resource
	// entries.
	Actions, Resources []string
}

// Build returns the message describing d. Condition keys are listed in
// sorted order, so equal decisions give equal messages.
func Build(d Decision) *Message {
	m := &Message{
		Allowed:      d.Allowed,
		ExplicitDeny: d.ExplicitDeny,
		Context: Context{
			Principal:  Principal{ID: d.PrincipalID, ARN: d.PrincipalARN},
			Action:     d.Action,
			Resource:   d.Resource,
			Conditions: conditions(d.Conditions),
		},
	}
	if len(d.Statements) > 0 {
		m.MatchedStatements.Items = make([]Statement, len(d.Statements))
	}
	for i, s := range d.Statements {
		m.MatchedStatements.Items[i] = Statement{
			StatementID:    s.Sid,
			Effect:         strings.ToUpper(s.Effect),
			Principals:     values(s.Principals),
			Actions:        values(s.Actions),
			Resources:      values(s.Resources),
			SourcePolicy:   s.SourcePolicy,
			StatementIndex: s.Index,
		}
	}
	return m
}

// values wraps strings as a list of values.
func values(ss []string) List[Value] {
	var l List[Value]
	if len(ss) > 0 {
		l.Items = make([]Value, len(ss))
		for i, s := range ss {
			l.Items[i] = Value{s}
		}
	}
	return l
}

// conditions lists keys in sorted order with their values.
func conditions(keys map[string][]string) List[Condition] {
	var l List[Condition]
	if len(keys) == 0 {
		return l
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	l.Items = make([]Condition, len(names))
	for i, k := range names {
		l.Items[i] = Condition{Key: k, Values: values(keys[k])}
	}
	return l
}
