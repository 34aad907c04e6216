// Package actions turns a path-style S3 HTTP request into the authorization
// questions AWS asks about it: which S3 policy actions, on which resource
// ARNs, with which S3 condition keys. It is pure logic: it neither verifies
// signatures nor evaluates policies nor forwards anything.
//
// The gateway must refuse (AccessDenied) every request Map cannot answer, so
// Map is strict by design: an unknown method, an unknown or duplicated query
// parameter, a header that needs a permission this package does not model, a
// malformed bucket name or key — all give an *UnmappedError instead of a
// broader or narrower action. A request mapped to the wrong action would be a
// privilege escalation; a refused request is only an inconvenience.
//
// Not modelled, hence refused: S3 Select, restore, object lock and legal
// hold, website, replication, logging, notification, encryption and the
// other bucket configurations not in the table below, SSE-KMS key choice,
// browser POST uploads, and access points. Condition keys that need stored
// state (s3:ExistingObjectTag/<key>) or connection facts (s3:TlsVersion,
// s3:signatureAge, aws:*) are the caller's to add.
//
// The mapping follows AWS's "Required permissions for Amazon S3 API
// operations" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html),
// "Actions, resources, and condition keys for Amazon S3"
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)
// and "Amazon S3 Signature Version 4 Authentication Specific Policy Keys"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html).
package actions

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on input sizes, from S3's own limits: a key is at most 1024 bytes of
// UTF-8 and DeleteObjects takes at most 1000 keys.
const (
	MaxKeyBytes         = 1024
	MaxDeleteObjects    = 1000
	maxPathBytes        = 3 * (MaxKeyBytes + 64) // every byte percent-encoded
	maxConditionValue   = 8192
	maxRequestTagCount  = 10 // S3 allows at most 10 tags per object
	signatureV4         = "AWS4-HMAC-SHA256"
	arnPrefix           = "arn:aws:s3:::"
	authTypeHeader      = "REST-HEADER"
	authTypeQueryString = "REST-QUERY-STRING"
)

// Request is the part of an HTTP request that decides its authorization.
type Request struct {
	// Method is the HTTP method (GET, HEAD, PUT, POST, DELETE).
	Method string
	// EscapedPath is the path as sent on the wire, still percent-encoded
	// (url.URL.EscapedPath), so that an encoded '/' in a key is not confused
	// with a separator by an earlier decoding.
	EscapedPath string
	// Query is the parsed query string.
	Query url.Values
	// Header holds the request headers.
	Header http.Header
}

// Condition is one S3 condition key with its values for a question.
type Condition struct {
	// Key is the condition key, e.g. "s3:prefix".
	Key string
	// Values are the key's values; most keys have exactly one. They may
	// share memory with the Request's Query and Header: read-only.
	Values []string
}

// Question is one authorization check: may the caller perform Action on
// Resource, given Conditions?
type Question struct {
	// Action is the policy action, e.g. "s3:GetObject".
	Action string
	// Resource is the ARN, or "*" for actions without a resource type.
	Resource string
	// Conditions are the S3-specific condition keys the request carries;
	// the aws:* global keys are the caller's to add.
	Conditions []Condition
}

// Mapping is the answer for one request. Every Question must be allowed for
// the request to be allowed.
type Mapping struct {
	// Operation is the S3 API operation name, e.g. "GetObject".
	Operation string
	// Bucket is the decoded bucket name ("" for ListBuckets).
	Bucket string
	// Key is the decoded object key ("" for bucket and service operations).
	Key string
	// Questions are the checks to make. It is empty only when
	// NeedsDeleteKeys is set; such a Mapping must never be allowed as it is.
	Questions []Question
	// NeedsDeleteKeys says the questions depend on the request body
	// (DeleteObjects): the caller parses the key list and calls
	// Mapping.WithDeleteKeys.
	NeedsDeleteKeys bool
}

// UnmappedError says the request cannot be mapped to S3 authorization
// questions; the gateway refuses such a request with AccessDenied.
type UnmappedError struct {
	// Reason says what could not be mapped, for logs (it holds no secret).
	Reason string
}

// Error implements error.
func (e *UnmappedError) Error() string { return "actions: request not mapped: " + e.Reason }

func unmapped(reason string) error { return &UnmappedError{Reason: reason} }

type level uint8

const (
	levelService level = iota
	levelBucket
	levelObject
)

// Flags saying which condition keys and extra questions apply to an operation.
const (
	condList     = 1 << iota // s3:prefix, s3:delimiter, s3:max-keys
	condWrite                // s3:x-amz-acl, s3:x-amz-server-side-encryption, request tags
	condVersion              // s3:VersionId; versionAction when versionId is set
	condCopy                 // x-amz-copy-source allowed: adds the source's GetObject
	condACLWrite             // x-amz-acl / x-amz-grant-* allowed (CreateBucket, Put*Acl)
	bodyKeys                 // DeleteObjects: questions come from the body
	condIfMatch              // s3:if-match, s3:if-none-match (conditional writes)
)

// spec describes one S3 operation: the method and level it answers, the
// subresource parameters that select it, the ordinary parameters it accepts,
// and the action it needs.
type spec struct {
	op            string
	method        string
	level         level
	required      []string
	allowed       []string
	action        string
	versionAction string // action when versionId is given; "" = versionId not accepted
	flags         int
}

var (
	listObjectsParams  = []string{"delimiter", "encoding-type", "marker", "max-keys", "prefix"}
	listV2Params       = []string{"continuation-token", "delimiter", "encoding-type", "fetch-owner", "max-keys", "prefix", "start-after"}
	listVersionsParams = []string{"delimiter", "encoding-type", "key-marker", "max-keys", "prefix", "version-id-marker"}
	listUploadsParams  = []string{"delimiter", "encoding-type", "key-marker", "max-uploads", "prefix", "upload-id-marker"}
	getObjectParams    = []string{"partNumber", "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language", "response-content-type", "response-expires"}
)

// specs is the operation table. Actions are those of "Required permissions
// for Amazon S3 API operations"; an operation absent here is unmapped.
// Each (method, level, parameter set) selects at most one entry: specs are
// told apart by their required subresource, and a parameter outside
// required ∪ allowed rejects the entry.
var specs = []spec{
	{op: "ListBuckets", method: http.MethodGet, level: levelService, allowed: []string{"bucket-region", "continuation-token", "max-buckets", "prefix"}, action: "s3:ListAllMyBuckets"},

	{op: "CreateBucket", method: http.MethodPut, level: levelBucket, action: "s3:CreateBucket", flags: condACLWrite},
	{op: "DeleteBucket", method: http.MethodDelete, level: levelBucket, action: "s3:DeleteBucket"},
	{op: "HeadBucket", method: http.MethodHead, level: levelBucket, action: "s3:ListBucket"},
	{op: "ListObjects", method: http.MethodGet, level: levelBucket, allowed: listObjectsParams, action: "s3:ListBucket", flags: condList},
	{op: "ListObjectsV2", method: http.MethodGet, level: levelBucket, required: []string{"list-type"}, allowed: listV2Params, action: "s3:ListBucket", flags: condList},
	{op: "ListObjectVersions", method: http.MethodGet, level: levelBucket, required: []string{"versions"}, allowed: listVersionsParams, action: "s3:ListBucketVersions", flags: condList},
	{op: "ListMultipartUploads", method: http.MethodGet, level: levelBucket, required: []string{"uploads"}, allowed: listUploadsParams, action: "s3:ListBucketMultipartUploads"},
	{op: "GetBucketLocation", method: http.MethodGet, level: levelBucket, required: []string{"location"}, action: "s3:GetBucketLocation"},
	{op: "GetBucketVersioning", method: http.MethodGet, level: levelBucket, required: []string{"versioning"}, action: "s3:GetBucketVersioning"},
	{op: "PutBucketVersioning", method: http.MethodPut, level: levelBucket, required: []string{"versioning"}, action: "s3:PutBucketVersioning"},
	{op: "GetBucketTagging", method: http.MethodGet, level: levelBucket, required: []string{"tagging"}, action: "s3:GetBucketTagging"},
	{op: "PutBucketTagging", method: http.MethodPut, level: levelBucket, required: []string{"tagging"}, action: "s3:PutBucketTagging"},
	// DeleteBucketTagging needs s3:PutBucketTagging: there is no delete action.
	{op: "DeleteBucketTagging", method: http.MethodDelete, level: levelBucket, required: []string{"tagging"}, action: "s3:PutBucketTagging"},
	{op: "GetBucketPolicy", method: http.MethodGet, level: levelBucket, required: []string{"policy"}, action: "s3:GetBucketPolicy"},
	{op: "PutBucketPolicy", method: http.MethodPut, level: levelBucket, required: []string{"policy"}, action: "s3:PutBucketPolicy"},
	{op: "DeleteBucketPolicy", method: http.MethodDelete, level: levelBucket, required: []string{"policy"}, action: "s3:DeleteBucketPolicy"},
	{op: "GetBucketPolicyStatus", method: http.MethodGet, level: levelBucket, required: []string{"policyStatus"}, action: "s3:GetBucketPolicyStatus"},
	{op: "GetBucketCors", method: http.MethodGet, level: levelBucket, required: []string{"cors"}, action: "s3:GetBucketCORS"},
	{op: "PutBucketCors", method: http.MethodPut, level: levelBucket, required: []string{"cors"}, action: "s3:PutBucketCORS"},
	// DeleteBucketCors needs s3:PutBucketCORS.
	{op: "DeleteBucketCors", method: http.MethodDelete, level: levelBucket, required: []string{"cors"}, action: "s3:PutBucketCORS"},
	{op: "GetBucketLifecycleConfiguration", method: http.MethodGet, level: levelBucket, required: []string{"lifecycle"}, action: "s3:GetLifecycleConfiguration"},
	{op: "PutBucketLifecycleConfiguration", method: http.MethodPut, level: levelBucket, required: []string{"lifecycle"}, action: "s3:PutLifecycleConfiguration"},
	// DeleteBucketLifecycle needs s3:PutLifecycleConfiguration.
	{op: "DeleteBucketLifecycle", method: http.MethodDelete, level: levelBucket, required: []string{"lifecycle"}, action: "s3:PutLifecycleConfiguration"},
	{op: "GetBucketAcl", method: http.MethodGet, level: levelBucket, required: []string{"acl"}, action: "s3:GetBucketAcl"},
	{op: "PutBucketAcl", method: http.MethodPut, level: levelBucket, required: []string{"acl"}, action: "s3:PutBucketAcl", flags: condACLWrite},
	{op: "DeleteObjects", method: http.MethodPost, level: levelBucket, required: []string{"delete"}, action: "s3:DeleteObject", flags: bodyKeys},

	{op: "GetObject", method: http.MethodGet, level: levelObject, allowed: getObjectParams, action: "s3:GetObject", versionAction: "s3:GetObjectVersion", flags: condVersion},
	{op: "HeadObject", method: http.MethodHead, level: levelObject, allowed: getObjectParams, action: "s3:GetObject", versionAction: "s3:GetObjectVersion", flags: condVersion},
	{op: "PutObject", method: http.MethodPut, level: levelObject, action: "s3:PutObject", flags: condWrite | condCopy | condIfMatch},
	{op: "DeleteObject", method: http.MethodDelete, level: levelObject, action: "s3:DeleteObject", versionAction: "s3:DeleteObjectVersion", flags: condVersion},
	{op: "GetObjectTagging", method: http.MethodGet, level: levelObject, required: []string{"tagging"}, action: "s3:GetObjectTagging", versionAction: "s3:GetObjectVersionTagging", flags: condVersion},
	{op: "PutObjectTagging", method: http.MethodPut, level: levelObject, required: []string{"tagging"}, action: "s3:PutObjectTagging", versionAction: "s3:PutObjectVersionTagging", flags: condVersion},
	{op: "DeleteObjectTagging", method: http.MethodDelete, level: levelObject, required: []string{"tagging"}, action: "s3:DeleteObjectTagging", versionAction: "s3:DeleteObjectVersionTagging", flags: condVersion},
	{op: "GetObjectAcl", method: http.MethodGet, level: levelObject, required: []string{"acl"}, action: "s3:GetObjectAcl", versionAction: "s3:GetObjectVersionAcl", flags: condVersion},
	{op: "PutObjectAcl", method: http.MethodPut, level: levelObject, required: []string{"acl"}, action: "s3:PutObjectAcl", versionAction: "s3:PutObjectVersionAcl", flags: condVersion | condACLWrite},
	{op: "CreateMultipartUpload", method: http.MethodPost, level: levelObject, required: []string{"uploads"}, action: "s3:PutObject", flags: condWrite},
	{op: "UploadPart", method: http.MethodPut, level: levelObject, required: []string{"partNumber", "uploadId"}, action: "s3:PutObject", flags: condCopy},
	{op: "CompleteMultipartUpload", method: http.MethodPost, level: levelObject, required: []string{"uploadId"}, action: "s3:PutObject", flags: condIfMatch},
	{op: "AbortMultipartUpload", method: http.MethodDelete, level: levelObject, required: []string{"uploadId"}, action: "s3:AbortMultipartUpload"},
	{op: "ListParts", method: http.MethodGet, level: levelObject, required: []string{"uploadId"}, allowed: []string{"max-parts", "part-number-marker"}, action: "s3:ListMultipartUploadParts"},
}

// authParams are the query parameters of a presigned URL (checked by the
// signature verifier, not here) and the SDKs' informational "x-id".
var authParams = map[string]bool{
	"X-Amz-Algorithm": true, "X-Amz-Credential": true, "X-Amz-Date": true,
	"X-Amz-Expires": true, "X-Amz-SignedHeaders": true, "X-Amz-Signature": true,
	"X-Amz-Security-Token": true, "x-id": true,
}

// Map answers which authorization questions req raises, or returns an
// *UnmappedError.
func Map(req Request) (Mapping, error) {
	bucket, key, err := splitPath(req.EscapedPath)
	if err != nil {
		return Mapping{}, err
	}
	lvl := levelService
	if bucket != "" {
		lvl = levelBucket
		if key != "" {
			lvl = levelObject
		}
	}
	for name, vals := range req.Query {
		if len(vals) != 1 {
			// Which value S3 would use is not ours to guess.
			return Mapping{}, unmapped("query parameter repeated: " + name)
		}
		if !authParams[name] && len(name) >= 6 && strings.EqualFold(name[:6], "x-amz-") {
			// A presigner hoists x-amz-* headers into the query; reading
			// conditions only from headers would let them slip past.
			return Mapping{}, unmapped("x-amz- parameter in query: " + name)
		}
	}
	if err := checkHeaders(req.Header); err != nil {
		return Mapping{}, err
	}
	sp := match(req.Method, lvl, req.Query)
	if sp == nil {
		return Mapping{}, unmapped("no S3 operation for " + req.Method + " with these parameters")
	}
	if sp.op == "ListObjectsV2" && req.Query.Get("list-type") != "2" {
		return Mapping{}, unmapped("list-type must be 2")
	}
	m := Mapping{Operation: sp.op, Bucket: bucket, Key: key}
	common := authConditions(req)
	if sp.flags&bodyKeys != 0 {
		m.NeedsDeleteKeys = true
		return m, nil
	}
	resource := "*"
	switch lvl {
	case levelBucket:
		resource = arnPrefix + bucket
	case levelObject:
		resource = arnPrefix + bucket + "/" + key
	}
	action := sp.action
	// A fresh slice: the source question of a copy keeps common as it is.
	conds := append(make([]Condition, 0, len(common)+4), common...)
	if sp.flags&condVersion != 0 {
		if v, ok := req.Query["versionId"]; ok {
			if v[0] == "" {
				return Mapping{}, unmapped("empty versionId")
			}
			action = sp.versionAction
			conds = append(conds, Condition{Key: "s3:VersionId", Values: v})
		}
	}
	if sp.flags&condList != 0 {
		for _, p := range [...]string{"prefix", "delimiter", "max-keys"} {
			// A key is set only when the parameter is sent, so that
			// ...IfExists and Null behave as they do on AWS for a request
			// without it.
			if v, ok := req.Query[p]; ok {
				conds = append(conds, Condition{Key: "s3:" + p, Values: v})
			}
		}
	}
	var extra []Question
	copySource := req.Header.Get("X-Amz-Copy-Source")
	if copySource != "" {
		if sp.flags&condCopy == 0 {
			return Mapping{}, unmapped("x-amz-copy-source on " + sp.op)
		}
		srcBucket, srcKey, srcVersion, err := parseCopySource(copySource)
		if err != nil {
			return Mapping{}, err
		}
		m.Operation = map[string]string{"PutObject": "CopyObject", "UploadPart": "UploadPartCopy"}[sp.op]
		// The value is the decoded "bucket/key" without a leading slash or
		// version, the form policies match it against ("Bucket policy
		// examples using condition keys",
		// https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
		conds = append(conds, Condition{Key: "s3:x-amz-copy-source", Values: []string{srcBucket + "/" + srcKey}})
		if d := req.Header.Get("X-Amz-Metadata-Directive"); d != "" && sp.op == "PutObject" {
			conds = append(conds, Condition{Key: "s3:x-amz-metadata-directive", Values: []string{d}})
		}
		src := Question{Action: "s3:GetObject", Resource: arnPrefix + srcBucket + "/" + srcKey, Conditions: common}
		if srcVersion != "" {
			src.Action = "s3:GetObjectVersion"
			src.Conditions = append(append([]Condition(nil), common...), Condition{Key: "s3:VersionId", Values: []string{srcVersion}})
		}
		extra = append(extra, src)
	} else if req.Header.Get("X-Amz-Metadata-Directive") != "" || req.Header.Get("X-Amz-Tagging-Directive") != "" {
		return Mapping{}, unmapped("copy directive without x-amz-copy-source")
	}
	aclConds, err := aclConditions(req.Header)
	if err != nil {
		return Mapping{}, err
	}
	aclSet := len(aclConds) > 0
	if aclSet && sp.flags&(condWrite|condACLWrite) == 0 {
		return Mapping{}, unmapped("ACL headers on " + m.Operation)
	}
	conds = append(conds, aclConds...)
	tagging := req.Header.Get("X-Amz-Tagging")
	if tagging != "" && sp.flags&condWrite == 0 {
		return Mapping{}, unmapped("x-amz-tagging on " + m.Operation)
	}
	if sp.flags&condWrite != 0 {
		for _, h := range writeHeaders {
			if v := req.Header.Values(h.header); len(v) > 0 {
				conds = append(conds, Condition{Key: h.key, Values: v})
			}
		}
		if tagging != "" {
			tc, err := requestTagConditions(tagging)
			if err != nil {
				return Mapping{}, err
			}
			conds = append(conds, tc...)
		}
	} else {
		for _, h := range writeHeaders {
			if len(req.Header.Values(h.header)) > 0 && !h.anyOp {
				return Mapping{}, unmapped(h.header + " on " + m.Operation)
			}
		}
	}
	if sp.flags&condIfMatch != 0 {
		// "Enforce conditional writes on Amazon S3 buckets"
		// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html):
		// PutObject and CompleteMultipartUpload carry s3:if-match and
		// s3:if-none-match; CopyObject does not take the headers (AWS
		// answers 501), so a copy with them is refused here.
		for _, h := range [...]struct{ header, key string }{{"If-Match", "s3:if-match"}, {"If-None-Match", "s3:if-none-match"}} {
			v := req.Header.Values(h.header)
			if len(v) == 0 {
				continue
			}
			if copySource != "" {
				return Mapping{}, unmapped(h.header + " on " + m.Operation)
			}
			conds = append(conds, Condition{Key: h.key, Values: v})
		}
	}
	m.Questions = append(make([]Question, 0, 1+len(extra)+2), Question{Action: action, Resource: resource, Conditions: conds})
	m.Questions = append(m.Questions, extra...)
	// Setting an ACL or tags while writing an object also needs the
	// permission to set them separately (the "Permissions" section of
	// PutObject in the S3 API reference,
	// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html).
	// Asking more than AWS might refuses more; asking less would not.
	if sp.flags&condWrite != 0 {
		if aclSet {
			m.Questions = append(m.Questions, Question{Action: "s3:PutObjectAcl", Resource: resource, Conditions: conds})
		}
		if tagging != "" {
			m.Questions = append(m.Questions, Question{Action: "s3:PutObjectTagging", Resource: resource, Conditions: conds})
		}
	}
	return m, nil
}

// match returns the one spec that fits, or nil.
func match(method string, lvl level, q url.Values) *spec {
	var found *spec
	for i := range specs {
		sp := &specs[i]
		if sp.method != method || sp.level != lvl || !fits(sp, q) {
			continue
		}
		if found != nil {
			return nil // ambiguous: never guess
		}
		found = sp
	}
	return found
}

func fits(sp *spec, q url.Values) bool {
	for _, r := range sp.required {
		if _, ok := q[r]; !ok {
			return false
		}
	}
	for name := range q {
		if authParams[name] || slices.Contains(sp.required, name) || slices.Contains(sp.allowed, name) {
			continue
		}
		if name == "versionId" && sp.versionAction != "" {
			continue
		}
		return false
	}
	return true
}

// refusedHeaders need permissions (object lock, governance bypass, requester
// pays on behalf of others, SSE-KMS key choice) this package does not model.
var refusedHeaders = []string{
	"X-Amz-Object-Lock-Mode", "X-Amz-Object-Lock-Retain-Until-Date",
	"X-Amz-Object-Lock-Legal-Hold", "X-Amz-Bypass-Governance-Retention",
	"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "X-Amz-Server-Side-Encryption-Context",
	"X-Amz-Bucket-Object-Lock-Enabled", "X-Amz-Object-Ownership",
	"X-Amz-Write-Offset-Bytes",
}

func checkHeaders(h http.Header) error {
	for _, name := range refusedHeaders {
		if len(h.Values(name)) > 0 {
			return unmapped("header not modelled: " + name)
		}
	}
	return nil
}

// aclHeaders are the headers that set an ACL, with their condition keys
// (sar: s3:x-amz-acl, s3:x-amz-grant-*).
var aclHeaders = []struct{ header, key string }{
	{"X-Amz-Acl", "s3:x-amz-acl"},
	{"X-Amz-Grant-Read", "s3:x-amz-grant-read"},
	{"X-Amz-Grant-Write", "s3:x-amz-grant-write"},
	{"X-Amz-Grant-Read-Acp", "s3:x-amz-grant-read-acp"},
	{"X-Amz-Grant-Write-Acp", "s3:x-amz-grant-write-acp"},
	{"X-Amz-Grant-Full-Control", "s3:x-amz-grant-full-control"},
}

// aclConditions returns the ACL condition keys the headers set. An unknown
// x-amz-grant-* header is refused: it would set an ACL no key describes.
func aclConditions(h http.Header) ([]Condition, error) {
	var out []Condition
	for _, a := range aclHeaders {
		if v := h.Values(a.header); len(v) > 0 {
			out = append(out, Condition{Key: a.key, Values: v})
		}
	}
	known := len(out)
	if h.Values("X-Amz-Acl") != nil {
		known--
	}
	grants := 0
	for name := range h {
		if len(name) > 12 && strings.EqualFold(name[:12], "x-amz-grant-") {
			grants++
		}
	}
	if grants != known {
		return nil, unmapped("unknown x-amz-grant- header")
	}
	return out, nil
}

// writeHeaders are headers of object writes that policies test with
// condition keys (sar). anyOp marks those that may appear on other
// operations too without carrying a key there (SSE-C on reads).
var writeHeaders = []struct {
	header, key string
	anyOp       bool
}{
	{"X-Amz-Server-Side-Encryption", "s3:x-amz-server-side-encryption", false},
	{"X-Amz-Storage-Class", "s3:x-amz-storage-class", false},
	{"X-Amz-Server-Side-Encryption-Customer-Algorithm", "s3:x-amz-server-side-encryption-customer-algorithm", true},
}

// authConditions are the S3 signature keys every question carries.
func authConditions(req Request) []Condition {
	if alg, ok := req.Query["X-Amz-Algorithm"]; ok {
		out := make([]Condition, 0, 6)
		out = append(out, Condition{Key: "s3:authType", Values: []string{authTypeQueryString}})
		if alg[0] == signatureV4 {
			out = append(out, Condition{Key: "s3:signatureversion", Values: []string{signatureV4}})
		}
		return out
	}
	if strings.HasPrefix(req.Header.Get("Authorization"), signatureV4+" ") {
		out := make([]Condition, 0, 6)
		out = append(out,
			Condition{Key: "s3:authType", Values: []string{authTypeHeader}},
			Condition{Key: "s3:signatureversion", Values: []string{signatureV4}})
		// sigv4keys: s3:x-amz-content-sha256 comes from the header only,
		// never from a query parameter.
		if v := req.Header.Values("X-Amz-Content-Sha256"); len(v) > 0 {
			out = append(out, Condition{Key: "s3:x-amz-content-sha256", Values: v})
		}
		return out
	}
	return nil
}

// splitPath decodes "/bucket/key…". Each part is percent-decoded once, after
// the split, so "%2F" inside a key stays part of the key, as in S3.
func splitPath(p string) (bucket, key string, err error) {
	if len(p) > maxPathBytes {
		return "", "", unmapped("path too long")
	}
	if p == "" || p[0] != '/' {
		return "", "", unmapped("path must start with /")
	}
	p = p[1:]
	if p == "" {
		return "", "", nil
	}
	rawBucket, rawKey, _ := strings.Cut(p, "/")
	if bucket, err = url.PathUnescape(rawBucket); err != nil {
		return "", "", unmapped("bad percent-encoding in bucket")
	}
	if !ValidBucketName(bucket) {
		return "", "", unmapped("invalid bucket name")
	}
	if key, err = url.PathUnescape(rawKey); err != nil {
		return "", "", unmapped("bad percent-encoding in key")
	}
	if err := checkKey(key); err != nil {
		return "", "", err
	}
	return bucket, key, nil
}

func checkKey(key string) error {
	if len(key) > MaxKeyBytes {
		return unmapped("key longer than 1024 bytes")
	}
	if !utf8.ValidString(key) {
		return unmapped("key is not UTF-8")
	}
	return nil
}

// ValidBucketName reports whether name follows S3's general purpose bucket
// naming rules: 3–63 characters of lowercase letters, digits, '.' and '-',
// beginning and ending with a letter or digit, no "..", and not shaped like
// an IPv4 address
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
func ValidBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	allDigitsOrDots := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '-':
			allDigitsOrDots = false
		case c >= '0' && c <= '9', c == '.':
		default:
			return false
		}
	}
	if !alnum(name[0]) || !alnum(name[len(name)-1]) || strings.Contains(name, "..") {
		return false
	}
	if allDigitsOrDots && strings.Count(name, ".") == 3 {
		return false // formatted as an IP address
	}
	return true
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// parseCopySource reads x-amz-copy-source: "[/]bucket/key[?versionId=id]",
// URL-encoded. Access point ARNs are not supported (their bucket part fails
// validation).
func parseCopySource(v string) (bucket, key, version string, err error) {
	if len(v) > maxPathBytes {
		return "", "", "", unmapped("x-amz-copy-source too long")
	}
	path, rawQuery, hasQuery := strings.Cut(strings.TrimPrefix(v, "/"), "?")
	if hasQuery {
		q, perr := url.ParseQuery(rawQuery)
		if perr != nil || len(q) != 1 || len(q["versionId"]) != 1 || q["versionId"][0] == "" {
			return "", "", "", unmapped("x-amz-copy-source: only ?versionId= is understood")
		}
		version = q["versionId"][0]
	}
	bucket, key, err = splitPath("/" + path)
	if err != nil {
		return "", "", "", err
	}
	if bucket == "" || key == "" {
		return "", "", "", unmapped("x-amz-copy-source must name bucket/key")
	}
	return bucket, key, version, nil
}

// requestTagConditions turns x-amz-tagging (URL query encoded "k=v&k2=v2")
// into s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys.
func requestTagConditions(v string) ([]Condition, error) {
	if len(v) > maxConditionValue {
		return nil, unmapped("x-amz-tagging too long")
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, unmapped("x-amz-tagging is not URL-encoded")
	}
	if len(q) > maxRequestTagCount {
		return nil, unmapped("more than 10 tags in x-amz-tagging")
	}
	keys := make([]string, 0, len(q))
	for k, vals := range q {
		if k == "" || len(vals) != 1 {
			return nil, unmapped("x-amz-tagging: empty or repeated tag key")
		}
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic order for tests and logs
	out := make([]Condition, 0, len(keys)+1)
	for _, k := range keys {
		out = append(out, Condition{Key: "s3:RequestObjectTag/" + k, Values: q[k]})
	}
	return append(out, Condition{Key: "s3:RequestObjectTagKeys", Values: keys}), nil
}

// ObjectID names one object of a DeleteObjects body.
type ObjectID struct {
	// Key is the object key as given in the XML body (already decoded).
	Key string
	// VersionID is the version to delete, "" for the current one.
	VersionID string
}

// WithDeleteKeys completes a DeleteObjects mapping from the keys in its body:
// one s3:DeleteObject question per key (s3:DeleteObjectVersion with
// s3:VersionId for a versioned entry), carrying the request's other
// conditions. S3 asks per key: each denied key is reported in the response
// while the others are deleted, so the caller may answer per key.
func (m Mapping) WithDeleteKeys(objects []ObjectID, req Request) (Mapping, error) {
	if !m.NeedsDeleteKeys {
		return Mapping{}, unmapped("WithDeleteKeys on " + m.Operation)
	}
	if len(objects) == 0 || len(objects) > MaxDeleteObjects {
		return Mapping{}, unmapped("DeleteObjects needs 1 to 1000 keys")
	}
	common := authConditions(req)
	out := m
	out.NeedsDeleteKeys = false
	out.Questions = make([]Question, 0, len(objects))
	for _, o := range objects {
		if o.Key == "" {
			return Mapping{}, unmapped("DeleteObjects: empty key")
		}
		if err := checkKey(o.Key); err != nil {
			return Mapping{}, err
		}
		q := Question{Action: "s3:DeleteObject", Resource: arnPrefix + m.Bucket + "/" + o.Key, Conditions: common}
		if o.VersionID != "" {
			q.Action = "s3:DeleteObjectVersion"
			q.Conditions = append(append(make([]Condition, 0, len(common)+1), common...), Condition{Key: "s3:VersionId", Values: []string{o.VersionID}})
		}
		out.Questions = append(out.Questions, q)
	}
	return out, nil
}
