package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apierr"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	terminator = "aws4_request"
)

// authFields are the signature parameters, from the header or the query.
type authFields struct {
	algorithm, credential, signedHeaders, signature string
	date                                            string
	dateIsHTTP                                      bool // came from the Date header
	expires                                         string
	hasExpires                                      bool
}

// Parse reads the signature of r and checks everything that needs no secret:
// the parameters are complete and well formed, the signing time is within
// the allowed window, the credential scope is valid, and the body matches
// x-amz-content-sha256 when present. body is the already-read request body.
//
// It returns ErrUnsigned for a request with no signature at all, an
// *apierr.Error for any other refusal.
func Parse(r *http.Request, body []byte, now time.Time, opts Options) (*Request, error) {
	payload := payloadHash{n: 64}
	sum := sha256.Sum256(body)
	hex.Encode(payload.b[:], sum[:])
	return parseOrUnsigned(r, payload, now, opts)
}

// payloadHash is the canonical request's last line: the hex SHA-256 of the
// body or UnsignedPayload. It is held by value so that parsing does not
// allocate for it.
type payloadHash struct {
	b [64]byte
	n int
}

// UnsignedPayload is the payload hash of a request whose signer left the
// body out of the signature (x-amz-content-sha256: UNSIGNED-PAYLOAD, as S3
// and API Gateway clients may send).
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// ParseHashed is Parse for a request whose body is not at hand, only the
// value the signer put for it in the canonical request: the hex SHA-256 of
// the body (lower case), or UnsignedPayload. A relying party that forwards
// a request for verification sends the hash instead of the body, and a
// proxy forwards no body at all.
//
// x-amz-content-sha256, when present, must equal hash; an
// UNSIGNED-PAYLOAD header is accepted only when hash is
// UnsignedPayload, so a caller decides whether unsigned bodies are allowed.
// The same holds for the streaming values (StreamingSignedPayload and the
// trailer forms): a caller that decodes aws-chunked bodies passes the
// header's value as hash and then verifies the body with StreamSeed.
func ParseHashed(r *http.Request, hash string, now time.Time, opts Options) (*Request, error) {
	if !literalHash(hash) && !IsPayloadHash(hash) {
		return nil, refuse(CodeInvalidArgument, msgPayloadHashInvalid)
	}
	var p payloadHash
	p.n = copy(p.b[:], hash)
	return parseOrUnsigned(r, p, now, opts)
}

// literalHash reports whether s is one of the non-hash payload values a
// caller may accept through ParseHashed.
func literalHash(s string) bool {
	switch s {
	case UnsignedPayload, StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer:
		return true
	}
	return false
}

func parseOrUnsigned(r *http.Request, payload payloadHash, now time.Time, opts Options) (*Request, error) {
	req, aerr := parse(r, payload, now, opts)
	if aerr != nil {
		if aerr == errUnsignedMarker {
			return nil, ErrUnsigned
		}
		return nil, aerr
	}
	return req, nil
}

// Signed reports whether r carries a signature, in its Authorization
// header or its query string, without checking it: Parse would not return
// ErrUnsigned. A query string Parse refuses counts as unsigned, so that
// Parse reports what is wrong with it. The server uses it to refuse a
// request signed for a host it does not serve before spending a key lookup
// and an HMAC on it.
func Signed(r *http.Request) bool {
	if len(r.Header["Authorization"]) > 0 {
		return true
	}
	if r.URL == nil || r.URL.RawQuery == "" {
		return false
	}
	params, aerr := parseQuery(r.URL.RawQuery)
	if aerr != nil {
		return false
	}
	hasAlg, hasSig := presignParams(params)
	return hasAlg || hasSig
}

// presignParams reports whether the query holds X-Amz-Algorithm and
// X-Amz-Signature.
func presignParams(params []queryParam) (hasAlg, hasSig bool) {
	for i := range params {
		switch params[i].key {
		case "X-Amz-Algorithm":
			hasAlg = true
		case "X-Amz-Signature":
			hasSig = true
		}
	}
	return hasAlg, hasSig
}

// errUnsignedMarker lets parse return one error type; Parse maps it back.
var errUnsignedMarker = &apierr.Error{Code: "unsigned"}

// parse reads the signature of r whose body hashes to payload (hex, or
// UnsignedPayload).
func parse(r *http.Request, payload payloadHash, now time.Time, opts Options) (*Request, *apierr.Error) {
	rawQuery := ""
	if r.URL != nil {
		rawQuery = r.URL.RawQuery
	}
	params, aerr := parseQuery(rawQuery)
	if aerr != nil {
		return nil, aerr
	}
	hasAlg, hasSig := presignParams(params)
	authz := r.Header["Authorization"]
	switch {
	case len(authz) == 0 && !hasAlg && !hasSig:
		return nil, errUnsignedMarker
	case len(authz) == 0 && !hasAlg:
		return nil, errMissingToken()
	case len(authz) > 0 && hasAlg:
		return nil, refuse(apierr.SignatureDoesNotMatch, msgFoundBoth)
	case len(authz) > 1:
		return nil, incomplete("Only one Authorization header is allowed.")
	}

	var f authFields
	presigned := len(authz) == 0
	if presigned {
		f, aerr = queryAuth(params)
	} else {
		f, aerr = headerAuth(r.Header, authz[0])
	}
	if aerr != nil {
		return nil, aerr
	}

	t, aerr := signingTime(f)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkTime(t, now, f, presigned, opts); aerr != nil {
		return nil, aerr
	}
	if len(f.signedHeaders) > MaxAuthorizationBytes {
		return nil, incomplete("SignedHeaders exceeds the maximum length.")
	}
	if strings.Count(f.signedHeaders, ";")+1 > MaxSignedHeaders {
		return nil, incomplete("SignedHeaders names more than " + strconv.Itoa(MaxSignedHeaders) + " headers.")
	}
	if !signsHost(f.signedHeaders) {
		return nil, refuse(apierr.SignatureDoesNotMatch, msgHostNotSigned)
	}
	if f.algorithm != algorithm {
		return nil, errUnsupportedAlgorithm(f.algorithm)
	}

	req := &Request{Time: t, Presigned: presigned}
	scope, aerr := parseCredential(req, f, t, opts)
	if aerr != nil {
		return nil, aerr
	}
	if len(f.signature) != 64 || !isLowerHex(f.signature) {
		req.badSignature = true
	} else {
		hex.Decode(req.signature[:], []byte(f.signature))
	}
	req.SessionToken = first(r.Header["X-Amz-Security-Token"])
	tokenInQuery := false
	if req.SessionToken == "" {
		for i := range params {
			if params[i].key == "X-Amz-Security-Token" {
				req.SessionToken = params[i].value
				tokenInQuery = presigned
				break
			}
		}
	}

	if v := r.Header["X-Amz-Content-Sha256"]; len(v) > 0 {
		unsigned := literalHash(v[0]) && string(payload.b[:payload.n]) == v[0]
		if !unsigned && !IsPayloadHash(v[0]) {
			return nil, refuse(CodeInvalidArgument, msgContentSHAInvalid)
		}
		if v[0] != string(payload.b[:payload.n]) {
			return nil, refuse(CodeContentSHA256Mismatch, msgContentSHAMismatch)
		}
	}

	path := requestPath(r)
	if len(path) > MaxPathBytes {
		return nil, refuse(apierr.RequestEntityTooLarge, "The request path exceeds the maximum length.")
	}
	sortParams(params)
	b := builder{r: r, path: path, params: params, presigned: presigned, f: f, t: t, scope: scope, payload: payload, rawQueryLen: len(rawQuery)}
	if req.canonical, req.signing, aerr = b.build(false); aerr != nil {
		return nil, aerr
	}
	if tokenInQuery {
		req.altCanonical, req.altSigning, _ = b.build(true)
	}
	return req, nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// IsPayloadHash reports whether s is a payload hash as SigV4 writes it: the
// SHA-256 of the body in 64 lower-case hex digits.
func IsPayloadHash(s string) bool { return len(s) == 64 && isLowerHex(s) }

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// headerAuth reads "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=..." the way AWS does: components split on commas or spaces,
// each a key=value pair, all missing pieces reported at once.
func headerAuth(h http.Header, authz string) (authFields, *apierr.Error) {
	var f authFields
	if len(authz) > MaxAuthorizationBytes {
		return f, incomplete("Authorization header exceeds the maximum length.")
	}
	trimmed := strings.TrimSpace(authz)
	if !strings.HasPrefix(trimmed, "AWS4-") {
		return f, errMissingToken()
	}
	alg, rest := trimmed, ""
	if i := strings.IndexAny(trimmed, ", "); i >= 0 {
		alg, rest = trimmed[:i], trimmed[i+1:]
	}
	f.algorithm = alg
	for rest != "" {
		var part string
		if i := strings.IndexAny(rest, ", "); i >= 0 {
			part, rest = rest[:i], rest[i+1:]
		} else {
			part, rest = rest, ""
		}
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return f, errMissingEqual(part, authz)
		}
		switch k {
		case "Credential":
			f.credential = v
		case "SignedHeaders":
			f.signedHeaders = v
		case "Signature":
			f.signature = v
		}
	}
	if d := first(h["X-Amz-Date"]); d != "" {
		f.date = d
	} else if d := first(h["Date"]); d != "" {
		f.date, f.dateIsHTTP = d, true
	}
	var msg string
	if f.credential == "" {
		msg += "Authorization header requires 'Credential' parameter. "
	}
	if f.signature == "" {
		msg += "Authorization header requires 'Signature' parameter. "
	}
	if f.signedHeaders == "" {
		msg += "Authorization header requires 'SignedHeaders' parameter. "
	}
	if f.date == "" {
		msg += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
	}
	if msg != "" {
		return f, incomplete(msg + "Authorization=" + authz)
	}
	return f, nil
}

// queryAuth reads the X-Amz-* presigning parameters.
func queryAuth(params []queryParam) (authFields, *apierr.Error) {
	var f authFields
	seen := 0
	for i := range params {
		p := &params[i]
		var dst *string
		var bit int
		switch p.key {
		case "X-Amz-Algorithm":
			dst, bit = &f.algorithm, 1
		case "X-Amz-Credential":
			dst, bit = &f.credential, 2
		case "X-Amz-Signature":
			dst, bit = &f.signature, 4
		case "X-Amz-SignedHeaders":
			dst, bit = &f.signedHeaders, 8
		case "X-Amz-Date":
			dst, bit = &f.date, 16
		case "X-Amz-Expires":
			dst, bit = &f.expires, 32
			f.hasExpires = true
		default:
			continue
		}
		// The first occurrence wins, as url.Values.Get reads it.
		if seen&bit == 0 {
			*dst = p.value
			seen |= bit
		}
	}
	var msg string
	for _, m := range [...]struct{ v, name string }{
		{f.algorithm, "X-Amz-Algorithm"},
		{f.credential, "X-Amz-Credential"},
		{f.signature, "X-Amz-Signature"},
		{f.signedHeaders, "X-Amz-SignedHeaders"},
		{f.date, "X-Amz-Date"},
	} {
		if m.v == "" {
			msg += "AWS query-string parameters must include '" + m.name + "'. "
		}
	}
	if msg != "" {
		return f, incomplete(msg + msgReexamineQuery)
	}
	if len(f.credential) > MaxAuthorizationBytes || len(f.signature) > MaxAuthorizationBytes {
		return f, incomplete("AWS query-string parameters exceed the maximum length. " + msgReexamineQuery)
	}
	return f, nil
}

// signingTime parses X-Amz-Date (ISO 8601 basic) or the Date header.
func signingTime(f authFields) (time.Time, *apierr.Error) {
	if f.dateIsHTTP {
		t, err := http.ParseTime(f.date)
		if err != nil {
			return time.Time{}, errBadDate(truncate(f.date))
		}
		return t.UTC(), nil
	}
	if len(f.date) != len(amzDateLayout) {
		return time.Time{}, errBadDate(truncate(f.date))
	}
	t, err := time.Parse(amzDateLayout, f.date)
	if err != nil {
		return time.Time{}, errBadDate(f.date)
	}
	return t, nil
}

// truncate keeps an echoed value short so an error cannot be made huge.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64]
	}
	return s
}

// checkTime applies the clock-skew window and, for presigned requests, the
// X-Amz-Expires lifetime.
func checkTime(t, now time.Time, f authFields, presigned bool, opts Options) *apierr.Error {
	skew := opts.skew()
	if t.After(now.Add(skew)) {
		return errNotYetCurrent(t, now, skew)
	}
	if presigned && f.hasExpires {
		secs, err := strconv.ParseInt(f.expires, 10, 64)
		switch {
		case err != nil:
			return incomplete("X-Amz-Expires should be a number")
		case secs < 0:
			return incomplete("X-Amz-Expires must be non-negative")
		case secs > int64(opts.maxExpiry()/time.Second):
			max := strconv.FormatInt(int64(opts.maxExpiry()/time.Second), 10)
			return incomplete("X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than " + max + " seconds")
		}
		if !opts.IgnorePresignExpires {
			if now.After(t.Add(time.Duration(secs) * time.Second)) {
				return refuse(apierr.AccessDenied, MsgRequestHasExpired)
			}
			return nil
		}
	}
	if t.Before(now.Add(-skew)) {
		return errExpired(t, now, skew)
	}
	return nil
}

// signsHost reports whether "host" is among the signed headers (AWS
// compares without regard to case).
func signsHost(list string) bool {
	for rest := list; ; {
		name, tail, more := strings.Cut(rest, ";")
		if strings.EqualFold(name, "host") {
			return true
		}
		if !more {
			return false
		}
		rest = tail
	}
}

// parseCredential splits keyid/date/region/service/aws4_request into req and
// checks the scope; every scope fault is reported in one message, as AWS
// does. It returns the scope string (without the key id).
func parseCredential(req *Request, f authFields, t time.Time, opts Options) (string, *apierr.Error) {
	cred := strings.TrimRight(f.credential, "/")
	var parts [5]string
	n := 0
	for rest := cred; ; {
		p, tail, more := strings.Cut(rest, "/")
		if n == len(parts) {
			return "", errCredentialParts(truncate(cred))
		}
		parts[n] = p
		n++
		if !more {
			break
		}
		rest = tail
	}
	if n != 5 {
		return "", errCredentialParts(truncate(cred))
	}
	req.AccessKeyID, req.scopeDate, req.Region, req.Service = parts[0], parts[1], parts[2], parts[3]
	var msg string
	if !validRegion(parts[2]) || len(opts.Regions) > 0 && !slices.Contains(opts.Regions, parts[2]) {
		msg += "Credential should be scoped to a valid region. "
	}
	if len(opts.Services) > 0 && !slices.Contains(opts.Services, parts[3]) {
		msg += "Credential should be scoped to correct service: '" + opts.Services[0] + "'. "
	}
	if parts[4] != terminator {
		msg += "Credential should be scoped with a valid terminator: '" + terminator + "', not '" + truncate(parts[4]) + "'. "
	}
	var day [8]byte
	t.AppendFormat(day[:0], "20060102")
	if parts[1] != string(day[:]) {
		msg += "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
			truncate(parts[1]) + "' != '" + string(day[:]) + "', from '" + t.Format(amzDateLayout) + "'."
	}
	if msg != "" {
		return "", refuse(apierr.SignatureDoesNotMatch, msg)
	}
	return cred[len(parts[0])+1:], nil
}

// validRegion accepts AWS-shaped region names ("us-east-1", "local").
func validRegion(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
