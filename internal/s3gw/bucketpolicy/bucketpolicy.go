// Package bucketpolicy validates S3 bucket policy documents the way S3's
// PutBucketPolicy does, and names the refusals S3 sends about them.
//
// The document is checked in two layers. S3's own rules come first, because
// S3 words its refusals differently from IAM (MalformedPolicy, not
// MalformedPolicyDocument, and its own messages): the 20 KB size limit, the
// leading '{', the required elements, resources that must be ARNs of the
// bucket the policy is attached to, actions that must be S3 actions, and
// actions that must apply to at least one of the statement's resources. The
// document is then parsed as a resource-based policy by stsd's policy
// engine (policy.KindResource), the same parse that evaluates it later, so
// an accepted document is always one the engine can evaluate. A refusal
// from the engine keeps its message but takes S3's code.
//
// What is not modelled: S3 checks every action and condition key against
// its full list and refuses unknown names; here an action only has to be
// "s3:" followed by a name, and a condition key only has to be in the aws:
// or s3: namespace.
package bucketpolicy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/policy"
)

// Error codes S3 uses for bucket policies (Amazon S3 API Reference, "Error
// responses", List of error codes).
const (
	// CodeMalformedPolicy refuses a document PutBucketPolicy cannot accept.
	CodeMalformedPolicy = "MalformedPolicy"
	// CodeNoSuchBucketPolicy answers Get/DeleteBucketPolicy on a bucket
	// that has no policy.
	CodeNoSuchBucketPolicy = "NoSuchBucketPolicy"
	// CodePolicyTooLarge refuses a document over MaxSize. AWS does not list
	// this code; it is the code MinIO answers with, which says it follows
	// S3, and S3-compatible clients already know it.
	CodePolicyTooLarge = "PolicyTooLarge"
)

// MaxSize is S3's bucket policy size limit: "Bucket policies are limited to
// 20 KB in size" (Amazon S3 User Guide, add-bucket-policy.html). S3 measures
// a normalised form; stsd counts the bytes it was sent, which is stricter
// for documents padded with white space and a firm bound on what is stored.
const MaxSize = 20 * 1024

// The MalformedPolicy messages; the test file records where each one was
// seen from real S3, or says it is stsd's wording.
const (
	msgFirstByte          = "Policies must be valid JSON and the first byte must be '{'"
	msgInvalidJSON        = "This policy contains invalid Json"
	msgMissingStatement   = "Missing required field Statement"
	msgEmptyStatement     = "Could not parse the policy: Statement is empty!"
	msgMissingElement     = "Statement is missing required element"
	msgMissingPrincipal   = "Missing required field Principal"
	msgInvalidPrincipal   = "Invalid principal in policy"
	msgInvalidResource    = "Policy has invalid resource"
	msgInvalidAction      = "Policy has invalid action"
	msgActionNotApply     = "Action does not apply to any resource(s) in statement"
	msgInvalidCondKey     = "Policy has an invalid condition key"
	msgUnknownField       = "Unknown field "
	msgInvalidEffect      = "Invalid effect: "
	msgPolicyTooLarge     = "Policy exceeds the maximum allowed document size."
	msgNoSuchBucketPolicy = "The bucket policy does not exist"
)

// NoSuchBucketPolicy returns the refusal S3 sends when a bucket has no
// policy: 404, "The bucket policy does not exist". A new value each call,
// so that no caller can change what another one sends.
func NoSuchBucketPolicy() *apierr.Error {
	return &apierr.Error{Code: CodeNoSuchBucketPolicy, Message: msgNoSuchBucketPolicy, HTTPStatus: http.StatusNotFound}
}

func malformed(msg string) *apierr.Error {
	return &apierr.Error{Code: CodeMalformedPolicy, Message: msg, HTTPStatus: http.StatusBadRequest}
}

var statementFields = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true,
	"Condition": true,
}

var topFields = map[string]bool{"Version": true, "Id": true, "Statement": true}

// Validate checks doc as the policy of bucket and returns it parsed as a
// resource-based policy. Every refusal is an *apierr.Error with S3's code,
// message and status.
func Validate(bucket, doc string) (*policy.Policy, error) {
	if len(doc) > MaxSize {
		return nil, &apierr.Error{Code: CodePolicyTooLarge, Message: msgPolicyTooLarge, HTTPStatus: http.StatusBadRequest}
	}
	if doc == "" || doc[0] != '{' {
		return nil, malformed(msgFirstByte)
	}
	var top map[string]json.RawMessage
	if !decodeObject(doc, &top) {
		return nil, malformed(msgInvalidJSON)
	}
	for k := range top {
		if !topFields[k] {
			return nil, malformed(msgUnknownField + k)
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, malformed(msgMissingStatement)
	}
	stmts, e := statements(raw)
	if e != nil {
		return nil, e
	}
	for _, st := range stmts {
		if e := checkStatement(bucket, st); e != nil {
			return nil, e
		}
	}
	p, err := policy.Parse(doc, policy.KindResource)
	if err != nil {
		ae, ok := apierr.As(err)
		if !ok {
			return nil, malformed(msgInvalidJSON)
		}
		if strings.HasPrefix(ae.Message, msgInvalidPrincipal) {
			return nil, malformed(msgInvalidPrincipal)
		}
		return nil, malformed(ae.Message)
	}
	for i := range p.Statements {
		for _, c := range p.Statements[i].Conditions {
			if !validConditionKey(c.Key) {
				return nil, malformed(msgInvalidCondKey)
			}
		}
	}
	return p, nil
}

// decodeObject decodes a JSON object into out, refusing trailing data.
func decodeObject(s string, out *map[string]json.RawMessage) bool {
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(out); err != nil || *out == nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

// statements splits a Statement element (one object or an array of them).
func statements(raw json.RawMessage) ([]map[string]json.RawMessage, *apierr.Error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var one map[string]json.RawMessage
		if json.Unmarshal(raw, &one) != nil {
			return nil, malformed(msgInvalidJSON)
		}
		return []map[string]json.RawMessage{one}, nil
	}
	var list []map[string]json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil, malformed(msgInvalidJSON)
	}
	if len(list) == 0 {
		return nil, malformed(msgEmptyStatement)
	}
	return list, nil
}

// checkStatement applies S3's per-statement rules, in the order of the
// messages S3 is seen to give for documents with one problem each.
func checkStatement(bucket string, st map[string]json.RawMessage) *apierr.Error {
	if st == nil {
		return malformed(msgInvalidJSON)
	}
	for k := range st {
		if !statementFields[k] {
			return malformed(msgUnknownField + k)
		}
	}
	_, hasP := st["Principal"]
	_, hasNP := st["NotPrincipal"]
	if !hasP && !hasNP {
		return malformed(msgMissingPrincipal)
	}
	_, hasEffect := st["Effect"]
	actions, hasA := strings1(st, "Action", "NotAction")
	resources, hasR := strings1(st, "Resource", "NotResource")
	if !hasEffect || !hasA || !hasR {
		return malformed(msgMissingElement)
	}
	var effect string
	if json.Unmarshal(st["Effect"], &effect) != nil || (effect != "Allow" && effect != "Deny") {
		return malformed(msgInvalidEffect + strings.Trim(string(st["Effect"]), `"`))
	}
	if resources == nil {
		return malformed(msgInvalidResource)
	}
	var bucketRes, objectRes bool
	for _, r := range resources {
		isBucket, isObject, ok := resourceOf(bucket, r)
		if !ok {
			return malformed(msgInvalidResource)
		}
		bucketRes = bucketRes || isBucket
		objectRes = objectRes || isObject
	}
	if actions == nil {
		return malformed(msgInvalidAction)
	}
	for _, a := range actions {
		if !validAction(a) {
			return malformed(msgInvalidAction)
		}
	}
	if _, not := st["NotAction"]; not {
		return nil
	}
	if _, not := st["NotResource"]; not {
		return nil
	}
	for _, a := range actions {
		switch levelOf(a) {
		case levelObject:
			if !objectRes {
				return malformed(msgActionNotApply)
			}
		case levelBucket:
			if !bucketRes {
				return malformed(msgActionNotApply)
			}
		}
	}
	return nil
}

// strings1 reads whichever of the two (mutually exclusive) elements is
// present as a list of strings. present says whether either is; the list is
// nil when the value is not a string or a non-empty array of strings (the
// engine refuses the exclusive-pair violation afterwards).
func strings1(st map[string]json.RawMessage, a, b string) (list []string, present bool) {
	raw, ok := st[a]
	if !ok {
		if raw, ok = st[b]; !ok {
			return nil, false
		}
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil || len(many) == 0 {
		return nil, true
	}
	return many, true
}

// resourceOf reports whether r is an S3 ARN of bucket, and whether it names
// the bucket itself or objects in it. Wildcards are allowed in the key
// part only: a bucket policy may not reach into another bucket, which S3
// refuses with "Policy has invalid resource". A key part made of wildcards
// alone ("bucket/*") names objects only; "bucket*" is refused.
func resourceOf(bucket, r string) (isBucket, isObject, ok bool) {
	const prefix = "arn:aws:s3:::"
	if !strings.HasPrefix(r, prefix) || bucket == "" {
		return false, false, false
	}
	rest := r[len(prefix):]
	if rest == bucket {
		return true, false, true
	}
	if strings.HasPrefix(rest, bucket+"/") {
		return false, true, true
	}
	return false, false, false
}

// validAction accepts "*" and "s3:" followed by a name of letters and
// wildcards; S3's full action list is not modelled.
func validAction(a string) bool {
	if a == "*" {
		return true
	}
	if len(a) < 4 || !strings.EqualFold(a[:3], "s3:") {
		return false
	}
	for _, c := range a[3:] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '*' || c == '?') {
			return false
		}
	}
	return true
}

type level uint8

const (
	levelUnknown level = iota // wildcard, or an action not in the tables
	levelBucket
	levelObject
)

// objectActions and bucketActions are the S3 actions whose resource type
// is fixed ("Actions, resources, and condition keys for Amazon S3", Service
// Authorization Reference), lower-cased. Actions absent from both tables,
// and wildcards, are not checked for applicability.
var objectActions = map[string]bool{
	"abortmultipartupload": true, "deleteobject": true, "deleteobjecttagging": true,
	"deleteobjectversion": true, "deleteobjectversiontagging": true, "getobject": true,
	"getobjectacl": true, "getobjectattributes": true, "getobjectlegalhold": true,
	"getobjectretention": true, "getobjecttagging": true, "getobjecttorrent": true,
	"getobjectversion": true, "getobjectversionacl": true, "getobjectversionattributes": true,
	"getobjectversiontagging": true, "listmultipartuploadparts": true, "putobject": true,
	"putobjectacl": true, "putobjectlegalhold": true, "putobjectretention": true,
	"putobjecttagging": true, "putobjectversionacl": true, "putobjectversiontagging": true,
	"restoreobject": true,
}

var bucketActions = map[string]bool{
	"createbucket": true, "deletebucket": true, "deletebucketpolicy": true,
	"getbucketacl": true, "getbucketcors": true, "getbucketlocation": true,
	"getbucketpolicy": true, "getbucketpolicystatus": true, "getbuckettagging": true,
	"getbucketversioning": true, "getlifecycleconfiguration": true, "listbucket": true,
	"listbucketmultipartuploads": true, "listbucketversions": true, "putbucketacl": true,
	"putbucketcors": true, "putbucketpolicy": true, "putbuckettagging": true,
	"putbucketversioning": true, "putlifecycleconfiguration": true,
}

func levelOf(action string) level {
	if len(action) < 3 {
		return levelUnknown
	}
	name := strings.ToLower(action[3:])
	switch {
	case objectActions[name]:
		return levelObject
	case bucketActions[name]:
		return levelBucket
	}
	return levelUnknown
}

// validConditionKey accepts the global aws: keys and S3's s3: keys; S3
// refuses keys of other services with "Policy has an invalid condition
// key". The individual s3: key names are not checked.
func validConditionKey(k string) bool {
	i := strings.IndexByte(k, ':')
	if i < 0 || i == len(k)-1 {
		return false
	}
	ns := strings.ToLower(k[:i])
	return ns == "aws" || ns == "s3"
}
