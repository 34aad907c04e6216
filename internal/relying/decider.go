package relying

import (
	"context"
	"time"

	"github.com/stsd/stsd/internal/auth"
)

// The decisions a Decider answers, as the API writes them.
const (
	Allow        = "Allow"
	ExplicitDeny = "ExplicitDeny"
	ImplicitDeny = "ImplicitDeny"
)

// Decider answers "may this principal do this action on this resource?".
// It is the one place stsd combines policies; the API only asks.
type Decider interface {
	Decide(ctx context.Context, q *Question) (*Answer, error)
}

// Question is one authorization question with the facts of the request it
// is about.
type Question struct {
	// Principal is the verified caller; when nil, PrincipalARN names a
	// user, role or account root to ask about (an administrator's what-if
	// question, no signed request).
	Principal    *auth.Principal
	PrincipalARN string
	// Action is "service:Name", Resource the resource ARN ("*" when none).
	Action, Resource string
	// Context holds condition keys given by the asker; they are set after
	// (and so override) the global keys the Decider derives itself.
	Context map[string][]string
	// ResourcePolicy, when not empty, is the resource's resource-based
	// policy (JSON), owned by ResourceAccount.
	ResourcePolicy  string
	ResourceAccount string
	// Facts of the request: aws:SourceIp, aws:SecureTransport,
	// aws:UserAgent, aws:RequestedRegion, aws:CurrentTime.
	SourceIP        string
	SecureTransport bool
	UserAgent       string
	Region          string
	Time            time.Time
	// NoEncodedMessage asks for no encoded authorization message on a
	// deny: the relying party's own permission checks throw it away.
	NoEncodedMessage bool
}

// Answer is a Decider's decision.
type Answer struct {
	// Decision is Allow, ExplicitDeny or ImplicitDeny.
	Decision string
	// Message is, for a deny, AWS's AccessDenied message: "User: ARN is
	// not authorized to perform: ACTION on resource: RESOURCE because no
	// identity-based policy allows the ACTION action", and so on.
	Message string
	// Matched lists the statements that applied, in evaluation order.
	Matched []MatchedStatement
	// EncodedMessage, on a deny, is an encoded authorization message that
	// sts:DecodeAuthorizationMessage decodes; empty when none is made
	// (Question.NoEncodedMessage).
	EncodedMessage string
	// Principal is, for a PrincipalARN question, the principal it named
	// (a role ARN stands for a session of the role).
	Principal *auth.Principal
}

// MatchedStatement is one statement that applied to a decision.
type MatchedStatement struct {
	// Source is identity, resource, boundary or session.
	Source string `json:"source"`
	// Policy names the policy the statement is in.
	Policy         string `json:"policy"`
	StatementIndex int    `json:"statement_index"`
	Sid            string `json:"sid,omitempty"`
	// Effect is Allow or Deny.
	Effect string `json:"effect"`
}
