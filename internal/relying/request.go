package relying

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/sigv4"
)

// CodeInvalidRequest is the code of a call whose JSON is malformed, has an
// unknown field or a value of the wrong type or size.
const CodeInvalidRequest = "InvalidRequest"

// Bounds on what a caller may send, beyond the server's body limit: far
// above what a signed request or a policy question needs, so that a hostile
// call costs bounded work.
const (
	// MaxURLBytes bounds url (path and query; a presigned URL carries the
	// session token).
	MaxURLBytes = 32 << 10
	// MaxHeaders bounds the number of header names, MaxHeaderValues the
	// values of one name, MaxHeaderBytes the total size of names and values.
	MaxHeaders      = 100
	MaxHeaderValues = 20
	MaxHeaderBytes  = 64 << 10
	// MaxMethodBytes bounds method.
	MaxMethodBytes = 20
	// MaxBatch is the largest number of questions in one authorize call.
	MaxBatch = 100
	// MaxContextKeys bounds the condition keys of one question,
	// MaxContextValues the values of one key.
	MaxContextKeys   = 100
	MaxContextValues = 100
	// MaxActionBytes, MaxResourceBytes and MaxPolicyBytes bound action,
	// resource and resource_policy (AWS's largest resource-based policy,
	// an S3 bucket policy, is 20 KB).
	MaxActionBytes   = 256
	MaxResourceBytes = 2048
	MaxPolicyBytes   = 20 << 10
	// MaxKeyBytes and MaxValueBytes bound a condition key and one value.
	MaxKeyBytes   = 256
	MaxValueBytes = 4096
)

// SignedRequest is the request a relying party received and asks about:
// what /v1/verify takes and /v1/authorize verifies first.
type SignedRequest struct {
	// Method is the HTTP method, URL the path and query as received.
	Method string `json:"method"`
	URL    string `json:"url"`
	// Headers maps header names to their values, as received.
	Headers map[string][]string `json:"headers"`
	// Body is the body, base64; BodySHA256 its hex SHA-256 instead. At
	// most one is given; neither means an empty body (or one that
	// x-amz-content-sha256 or a presigned URL already accounts for).
	Body       *string `json:"body"`
	BodySHA256 *string `json:"body_sha256"`
}

// Check is one authorization question of /v1/authorize.
type Check struct {
	Action          string              `json:"action"`
	Resource        string              `json:"resource"`
	Context         map[string][]string `json:"context"`
	ResourcePolicy  string              `json:"resource_policy"`
	ResourceAccount string              `json:"resource_account"`
}

// AuthorizeRequest is the body of /v1/authorize: a signed request or a
// principal ARN, and one question or a batch of them.
type AuthorizeRequest struct {
	SignedRequest
	PrincipalARN string `json:"principal_arn"`
	Check
	Requests []Check `json:"requests"`
}

// invalid is the refusal of a malformed call.
func invalid(format string, args ...any) *apierr.Error {
	return &apierr.Error{Code: CodeInvalidRequest, Message: fmt.Sprintf(format, args...), HTTPStatus: http.StatusBadRequest}
}

// decodeJSON reads one JSON object into v, refusing unknown fields, wrong
// types, trailing data and anything that is not an object, with a message
// naming the field.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if len(bytes.TrimSpace(data)) == 0 || bytes.TrimSpace(data)[0] != '{' {
		return invalid("The request body must be a JSON object.")
	}
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalid("The request body must hold one JSON object and nothing after it.")
	}
	return nil
}

// jsonError words a decoding failure for the caller. encoding/json reports
// an unknown field only as text, `json: unknown field "NAME"`.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return invalid("The request body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return invalid("The request body must be a JSON object.")
		}
		// Fields of the embedded structs come prefixed with their type's
		// name, which is not part of the wire format.
		field := strings.NewReplacer("SignedRequest.", "", "Check.", "").Replace(typ.Field)
		return invalid("Field '%s' must be %s, not a JSON %s.", clip(field), jsonType(typ.Type.String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("The request body is not valid JSON (it ends too early).")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return invalid("Unknown field %s.", clip(name))
	}
	return invalid("The request body is not valid JSON.")
}

// jsonType names a Go type as JSON calls it.
func jsonType(goType string) string {
	switch {
	case goType == "string" || goType == "*string":
		return "a string"
	case strings.HasPrefix(goType, "map["):
		return "an object"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "relying."):
		return "an object"
	}
	return "a " + goType
}

// clip keeps an echoed name short.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// given reports whether any field of the signed request was sent.
func (s *SignedRequest) given() bool {
	return s.Method != "" || s.URL != "" || s.Headers != nil || s.Body != nil || s.BodySHA256 != nil
}

// payload is what validate found of the body: the bytes, or the hash.
type payload struct {
	body []byte
	hash string // lower-case hex, when body_sha256 was given
}

// validate checks the signed request's fields and returns the body.
func (s *SignedRequest) validate() (payload, error) {
	var p payload
	switch {
	case s.Method == "":
		return p, invalid("Field 'method' is required.")
	case len(s.Method) > MaxMethodBytes || !isToken(s.Method):
		return p, invalid("Field 'method' must be an HTTP method.")
	case s.URL == "":
		return p, invalid("Field 'url' is required.")
	case len(s.URL) > MaxURLBytes:
		return p, invalid("Field 'url' must be no longer than %d bytes.", MaxURLBytes)
	case s.URL[0] != '/' || strings.ContainsAny(s.URL, " \t\r\n\x00#"):
		return p, invalid("Field 'url' must be a path and query, starting with '/'.")
	case len(s.Headers) == 0:
		return p, invalid("Field 'headers' is required.")
	case len(s.Headers) > MaxHeaders:
		return p, invalid("Field 'headers' must name no more than %d headers.", MaxHeaders)
	case s.Body != nil && s.BodySHA256 != nil:
		return p, invalid("Fields 'body' and 'body_sha256' exclude each other: give one.")
	}
	if _, err := url.ParseRequestURI(s.URL); err != nil {
		return p, invalid("Field 'url' must be a path and query, starting with '/'.")
	}
	total := 0
	for name, values := range s.Headers {
		if name == "" || !isToken(name) {
			return p, invalid("Field 'headers' has an invalid header name %q.", clip(name))
		}
		if len(values) > MaxHeaderValues {
			return p, invalid("Field 'headers.%s' must hold no more than %d values.", clip(name), MaxHeaderValues)
		}
		total += len(name)
		for _, v := range values {
			total += len(v)
			if strings.ContainsAny(v, "\r\n\x00") {
				return p, invalid("Field 'headers.%s' has a value with a line break or NUL.", clip(name))
			}
		}
		if total > MaxHeaderBytes {
			return p, invalid("Field 'headers' must be no larger than %d bytes in all.", MaxHeaderBytes)
		}
	}
	switch {
	case s.Body != nil:
		b, err := base64.StdEncoding.DecodeString(*s.Body)
		if err != nil {
			return p, invalid("Field 'body' must be base64 (standard encoding, padded).")
		}
		p.body = b
	case s.BodySHA256 != nil:
		h := strings.ToLower(*s.BodySHA256)
		if !sigv4.IsPayloadHash(h) {
			return p, invalid("Field 'body_sha256' must be the hex SHA-256 of the body (64 hex digits).")
		}
		p.hash = h
	default:
		// Neither given: a signer that sent x-amz-content-sha256 signed
		// that hash, not the body, so it is the payload hash of the
		// canonical request. The body is then the relying party's to check
		// against it (as pkg/stsdauth does), as it would be for a request
		// sent with UNSIGNED-PAYLOAD.
		if h := s.header("X-Amz-Content-Sha256"); h == sigv4.UnsignedPayload || sigv4.IsPayloadHash(h) {
			p.hash = h
		}
	}
	return p, nil
}

// httpRequest rebuilds the request the signer sent, as net/http's server
// would have handed it over: Host apart from the other headers, the
// request target as received.
func (s *SignedRequest) httpRequest(p payload) *http.Request {
	u, _ := url.ParseRequestURI(s.URL) // validate checked it
	r := &http.Request{Method: s.Method, URL: u, RequestURI: s.URL, Header: make(http.Header, len(s.Headers)), ContentLength: int64(len(p.body))}
	for name, values := range s.Headers {
		canon := http.CanonicalHeaderKey(name)
		if canon == "Host" {
			if len(values) > 0 {
				r.Host = values[0]
			}
			continue
		}
		r.Header[canon] = append(r.Header[canon], values...)
	}
	if p.hash != "" {
		r.ContentLength = -1
	}
	return r
}

// header returns the first value of the named header, matched without
// regard to case as HTTP names are.
func (s *SignedRequest) header(name string) string {
	for k, v := range s.Headers {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// isToken reports whether s is an HTTP token (RFC 9110 tchar), as header
// names and methods are.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// validate checks one question; where names the field in messages
// ("" at the top level, "requests[3]." in a batch).
func (c *Check) validate(where string) error {
	switch {
	case c.Action == "":
		return invalid("Field '%saction' is required.", where)
	case len(c.Action) > MaxActionBytes || !strings.Contains(c.Action, ":"):
		return invalid("Field '%saction' must be service:Action, no longer than %d bytes.", where, MaxActionBytes)
	case c.Resource == "":
		return invalid("Field '%sresource' is required (\"*\" for an action without a resource).", where)
	case len(c.Resource) > MaxResourceBytes:
		return invalid("Field '%sresource' must be no longer than %d bytes.", where, MaxResourceBytes)
	case len(c.ResourcePolicy) > MaxPolicyBytes:
		return invalid("Field '%sresource_policy' must be no longer than %d bytes.", where, MaxPolicyBytes)
	case c.ResourceAccount != "" && !isAccount(c.ResourceAccount):
		return invalid("Field '%sresource_account' must be a 12-digit account id.", where)
	case len(c.Context) > MaxContextKeys:
		return invalid("Field '%scontext' must hold no more than %d keys.", where, MaxContextKeys)
	}
	for k, vs := range c.Context {
		if k == "" || len(k) > MaxKeyBytes {
			return invalid("Field '%scontext' has a key that is empty or longer than %d bytes.", where, MaxKeyBytes)
		}
		if len(vs) > MaxContextValues {
			return invalid("Field '%scontext.%s' must hold no more than %d values.", where, clip(k), MaxContextValues)
		}
		for _, v := range vs {
			if len(v) > MaxValueBytes {
				return invalid("Field '%scontext.%s' has a value longer than %d bytes.", where, clip(k), MaxValueBytes)
			}
		}
	}
	return nil
}

func (c *Check) given() bool {
	return c.Action != "" || c.Resource != "" || c.Context != nil || c.ResourcePolicy != "" || c.ResourceAccount != ""
}

func isAccount(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// checks validates an authorize call's questions and returns them.
func (a *AuthorizeRequest) checks() ([]Check, bool, error) {
	if a.Requests == nil {
		if err := a.Check.validate(""); err != nil {
			return nil, false, err
		}
		return []Check{a.Check}, false, nil
	}
	switch {
	case a.Check.given():
		return nil, false, invalid("Fields 'requests' and 'action', 'resource', 'context', 'resource_policy', 'resource_account' exclude each other: give the batch or one question.")
	case len(a.Requests) == 0:
		return nil, false, invalid("Field 'requests' must hold at least one question.")
	case len(a.Requests) > MaxBatch:
		return nil, false, invalid("Field 'requests' must hold no more than %d questions.", MaxBatch)
	}
	for i := range a.Requests {
		if err := a.Requests[i].validate(fmt.Sprintf("requests[%d].", i)); err != nil {
			return nil, false, err
		}
	}
	return a.Requests, true, nil
}
