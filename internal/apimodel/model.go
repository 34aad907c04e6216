package apimodel

import (
	"sync"
)

// Service is one AWS service model. The values built by the generated code
// (STS, IAM) are shared by every request and must be treated as read-only.
type Service struct {
	// Name is the model's service id, e.g. "STS".
	Name string
	// APIVersion is the Query protocol "Version" the service answers to.
	APIVersion string
	// XMLNamespace is the xmlns of every response and error document.
	XMLNamespace string
	// Operations is keyed by the operation (Query "Action") name.
	Operations map[string]*Operation
	// Errors is keyed by the wire error code (the model's error.code, or the
	// shape name where the model gives none), not by shape name.
	Errors map[string]ErrorShape
	// Shapes is keyed by shape name.
	Shapes map[string]*Shape
}

// Operation is one API action.
type Operation struct {
	// Name is the Action name, e.g. "AssumeRole".
	Name string
	// Input is the request structure, nil for operations without input.
	Input *Shape
	// Output is the response structure, nil for operations without output.
	Output *Shape
	// ResultWrapper is the element that wraps the output members in the
	// response ("AssumeRoleResult"); empty when there is no output.
	ResultWrapper string
	// Errors lists the wire codes of the errors the model declares for the
	// operation, in model order.
	Errors []string
	// Unsigned is true for operations the model marks as taking no
	// signature (AssumeRoleWithSAML, AssumeRoleWithWebIdentity): the token
	// or assertion in the request is the credential.
	Unsigned bool
}

// ErrorShape is what the model says about one error code.
type ErrorShape struct {
	// Code is the wire code sent in <Code>.
	Code string
	// Shape is the name of the model shape that declares the error.
	Shape string
	// HTTPStatus is the status the error is sent with.
	HTTPStatus int
	// SenderFault is true for <Type>Sender</Type>, false for Receiver.
	SenderFault bool
}

// ShapeType is the model type of a shape.
type ShapeType uint8

// The shape types that occur in the STS and IAM models.
const (
	TypeString ShapeType = iota + 1
	TypeInteger
	TypeLong
	TypeBoolean
	TypeDouble
	TypeTimestamp
	TypeBlob
	TypeList
	TypeMap
	TypeStructure
)

var typeNames = [...]string{
	TypeString: "string", TypeInteger: "integer", TypeLong: "long",
	TypeBoolean: "boolean", TypeDouble: "double", TypeTimestamp: "timestamp",
	TypeBlob: "blob", TypeList: "list", TypeMap: "map", TypeStructure: "structure",
}

// String returns the model's spelling of the type.
func (t ShapeType) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "unknown"
}

// Member is one member of a structure shape.
type Member struct {
	// Name is the member name as the model spells it ("RoleArn").
	Name string
	// GoName is the name of the member's field in the generated struct
	// ("RoleArn"; "Message" for a member the model calls "message").
	GoName string
	// PathName is the member as ValidationError messages name it, with a
	// lower-case first letter ("roleArn").
	PathName string
	// LocationName overrides Name on the wire when non-empty.
	LocationName string
	// Shape is the member's shape.
	Shape *Shape
	// Required is true when the model lists the member as required.
	Required bool
}

// WireName is the name of the member in Query parameters and XML.
func (m *Member) WireName() string {
	if m.LocationName != "" {
		return m.LocationName
	}
	return m.Name
}

// Shape is one model shape with its constraints.
type Shape struct {
	Name string
	Type ShapeType
	// Members of a structure, in model order.
	Members []Member
	// Member is the element shape of a list.
	Member *Shape
	// MemberLocationName is the element name of a list ("member" if empty).
	MemberLocationName string
	// Flattened lists and maps have no wrapper element.
	Flattened bool
	// Key and Value are the shapes of a map.
	Key, Value *Shape
	// Min and Max bound a string's or list's length or a number's value;
	// they apply only when HasMin / HasMax is set.
	Min, Max       int64
	HasMin, HasMax bool
	// Pattern is the model's (Java syntax) regular expression, unanchored as
	// written; it must match the whole value.
	Pattern string
	// Enum lists the allowed values of an enum string.
	Enum []string
	// Sensitive marks values that must never be echoed back.
	Sensitive bool

	re func() (*Matcher, error)
}

// ListMemberName is the element name of a list's items.
func (s *Shape) ListMemberName() string {
	if s.MemberLocationName != "" {
		return s.MemberLocationName
	}
	return "member"
}

// PatternMatcher returns the shape's pattern compiled as an anchored Go
// regular expression. It is compiled on first use, once, safely for
// concurrent callers; it returns nil, nil when the shape has no pattern.
func (s *Shape) PatternMatcher() (*Matcher, error) {
	if s.re == nil {
		return nil, nil
	}
	return s.re()
}

// finish prepares lazily compiled patterns; the generated builders call it
// once, before the Service escapes, so the tables stay read-only afterwards.
func finish(svc *Service) *Service {
	for _, s := range svc.Shapes {
		if s.Pattern == "" {
			continue
		}
		p := s.Pattern
		s.re = sync.OnceValues(func() (*Matcher, error) { return CompileJavaPattern(p) })
	}
	return svc
}
