package actions

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// Sources for the expectations below:
//   - perms: "Required permissions for Amazon S3 API operations",
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
//   - sar: "Actions, resources, and condition keys for Amazon S3",
//     https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
//   - sigv4keys: "Amazon S3 Signature Version 4 Authentication Specific Policy Keys",
//     https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html

const sigHeader = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"

func req(method, rawURL string, headers ...string) Request {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	h := http.Header{}
	h.Set("Authorization", sigHeader)
	for i := 0; i+1 < len(headers); i += 2 {
		h.Add(headers[i], headers[i+1])
	}
	return Request{Method: method, EscapedPath: u.EscapedPath(), Query: u.Query(), Header: h}
}

var hdrAuth = []Condition{
	{Key: "s3:authType", Values: []string{"REST-HEADER"}},
	{Key: "s3:signatureversion", Values: []string{"AWS4-HMAC-SHA256"}},
}

func with(extra ...Condition) []Condition {
	return append(append([]Condition(nil), hdrAuth...), extra...)
}

func c(key string, vals ...string) Condition { return Condition{Key: key, Values: vals} }

func q(action, resource string, conds []Condition) Question {
	return Question{Action: action, Resource: resource, Conditions: conds}
}

func TestMap(t *testing.T) {
	const b = "arn:aws:s3:::my-bucket"
	const o = "arn:aws:s3:::my-bucket/dir/a b+c.txt"
	cases := []struct {
		name, doc string
		r         Request
		op        string
		want      []Question
	}{
		{"ListBuckets", "perms: ListBuckets needs s3:ListAllMyBuckets, resource *", req("GET", "/"), "ListBuckets",
			[]Question{q("s3:ListAllMyBuckets", "*", with())}},
		{"CreateBucket", "perms: CreateBucket; sar: s3:x-amz-acl", req("PUT", "/my-bucket", "x-amz-acl", "private"), "CreateBucket",
			[]Question{q("s3:CreateBucket", b, with(c("s3:x-amz-acl", "private")))}},
		{"DeleteBucket", "perms", req("DELETE", "/my-bucket"), "DeleteBucket", []Question{q("s3:DeleteBucket", b, with())}},
		{"HeadBucket", "perms: HeadBucket needs s3:ListBucket", req("HEAD", "/my-bucket/"), "HeadBucket", []Question{q("s3:ListBucket", b, with())}},
		{"ListObjects", "perms: ListObjects needs s3:ListBucket; sar: s3:prefix, s3:delimiter, s3:max-keys",
			req("GET", "/my-bucket?prefix=home%2F&delimiter=%2F&max-keys=10&marker=x"), "ListObjects",
			[]Question{q("s3:ListBucket", b, with(c("s3:prefix", "home/"), c("s3:delimiter", "/"), c("s3:max-keys", "10")))}},
		{"ListObjectsV2", "perms: ListObjectsV2 needs s3:ListBucket", req("GET", "/my-bucket?list-type=2&prefix=&start-after=a"), "ListObjectsV2",
			[]Question{q("s3:ListBucket", b, with(c("s3:prefix", "")))}},
		{"ListObjectVersions", "perms: s3:ListBucketVersions", req("GET", "/my-bucket?versions&prefix=p"), "ListObjectVersions",
			[]Question{q("s3:ListBucketVersions", b, with(c("s3:prefix", "p")))}},
		{"ListMultipartUploads", "perms: s3:ListBucketMultipartUploads", req("GET", "/my-bucket?uploads&max-uploads=5"), "ListMultipartUploads",
			[]Question{q("s3:ListBucketMultipartUploads", b, with())}},
		{"GetBucketLocation", "perms", req("GET", "/my-bucket?location"), "GetBucketLocation", []Question{q("s3:GetBucketLocation", b, with())}},
		{"GetBucketVersioning", "perms", req("GET", "/my-bucket?versioning"), "GetBucketVersioning", []Question{q("s3:GetBucketVersioning", b, with())}},
		{"PutBucketVersioning", "perms", req("PUT", "/my-bucket?versioning"), "PutBucketVersioning", []Question{q("s3:PutBucketVersioning", b, with())}},
		{"GetBucketTagging", "perms", req("GET", "/my-bucket?tagging"), "GetBucketTagging", []Question{q("s3:GetBucketTagging", b, with())}},
		{"PutBucketTagging", "perms", req("PUT", "/my-bucket?tagging"), "PutBucketTagging", []Question{q("s3:PutBucketTagging", b, with())}},
		{"DeleteBucketTagging", "perms: DeleteBucketTagging needs s3:PutBucketTagging", req("DELETE", "/my-bucket?tagging"), "DeleteBucketTagging", []Question{q("s3:PutBucketTagging", b, with())}},
		{"GetBucketPolicy", "perms", req("GET", "/my-bucket?policy"), "GetBucketPolicy", []Question{q("s3:GetBucketPolicy", b, with())}},
		{"PutBucketPolicy", "perms", req("PUT", "/my-bucket?policy"), "PutBucketPolicy", []Question{q("s3:PutBucketPolicy", b, with())}},
		{"DeleteBucketPolicy", "perms", req("DELETE", "/my-bucket?policy"), "DeleteBucketPolicy", []Question{q("s3:DeleteBucketPolicy", b, with())}},
		{"GetBucketPolicyStatus", "perms", req("GET", "/my-bucket?policyStatus"), "GetBucketPolicyStatus", []Question{q("s3:GetBucketPolicyStatus", b, with())}},
		{"GetBucketCors", "perms: s3:GetBucketCORS", req("GET", "/my-bucket?cors"), "GetBucketCors", []Question{q("s3:GetBucketCORS", b, with())}},
		{"PutBucketCors", "perms: s3:PutBucketCORS", req("PUT", "/my-bucket?cors"), "PutBucketCors", []Question{q("s3:PutBucketCORS", b, with())}},
		{"DeleteBucketCors", "perms: DeleteBucketCors needs s3:PutBucketCORS", req("DELETE", "/my-bucket?cors"), "DeleteBucketCors", []Question{q("s3:PutBucketCORS", b, with())}},
		{"GetBucketLifecycle", "perms: s3:GetLifecycleConfiguration", req("GET", "/my-bucket?lifecycle"), "GetBucketLifecycleConfiguration", []Question{q("s3:GetLifecycleConfiguration", b, with())}},
		{"PutBucketLifecycle", "perms: s3:PutLifecycleConfiguration", req("PUT", "/my-bucket?lifecycle"), "PutBucketLifecycleConfiguration", []Question{q("s3:PutLifecycleConfiguration", b, with())}},
		{"DeleteBucketLifecycle", "perms: needs s3:PutLifecycleConfiguration", req("DELETE", "/my-bucket?lifecycle"), "DeleteBucketLifecycle", []Question{q("s3:PutLifecycleConfiguration", b, with())}},
		{"GetBucketAcl", "perms", req("GET", "/my-bucket?acl"), "GetBucketAcl", []Question{q("s3:GetBucketAcl", b, with())}},
		{"PutBucketAcl", "perms; sar: s3:x-amz-acl", req("PUT", "/my-bucket?acl", "x-amz-acl", "private"), "PutBucketAcl",
			[]Question{q("s3:PutBucketAcl", b, with(c("s3:x-amz-acl", "private")))}},

		{"GetObject", "perms: s3:GetObject; key segments percent-decoded, '+' literal", req("GET", "/my-bucket/dir/a%20b+c.txt"), "GetObject",
			[]Question{q("s3:GetObject", o, with())}},
		{"GetObject presigned", "sigv4keys: s3:authType REST-QUERY-STRING",
			Request{Method: "GET", EscapedPath: "/my-bucket/k", Query: url.Values{"X-Amz-Algorithm": {"AWS4-HMAC-SHA256"}, "X-Amz-Signature": {"00"}, "response-content-type": {"text/plain"}}, Header: http.Header{}},
			"GetObject", []Question{q("s3:GetObject", "arn:aws:s3:::my-bucket/k", []Condition{c("s3:authType", "REST-QUERY-STRING"), c("s3:signatureversion", "AWS4-HMAC-SHA256")})}},
		{"GetObject version", "perms: GetObject with versionId needs s3:GetObjectVersion; sar: s3:VersionId", req("GET", "/my-bucket/k?versionId=v1"), "GetObject",
			[]Question{q("s3:GetObjectVersion", "arn:aws:s3:::my-bucket/k", with(c("s3:VersionId", "v1")))}},
		{"HeadObject", "perms: HeadObject needs s3:GetObject", req("HEAD", "/my-bucket/k?partNumber=1"), "HeadObject",
			[]Question{q("s3:GetObject", "arn:aws:s3:::my-bucket/k", with())}},
		{"encoded slash in key", "key may contain '/', encoded or not", req("GET", "/my-bucket/a%2Fb/c"), "GetObject",
			[]Question{q("s3:GetObject", "arn:aws:s3:::my-bucket/a/b/c", with())}},
		{"PutObject", "perms: s3:PutObject; sar: s3:x-amz-server-side-encryption", req("PUT", "/my-bucket/k", "x-amz-server-side-encryption", "AES256"), "PutObject",
			[]Question{q("s3:PutObject", "arn:aws:s3:::my-bucket/k", with(c("s3:x-amz-server-side-encryption", "AES256")))}},
		{"PutObject with ACL and tags", "PutObject API reference: setting ACL/tags also needs s3:PutObjectAcl/s3:PutObjectTagging; sar: s3:RequestObjectTag/<key>, s3:RequestObjectTagKeys",
			req("PUT", "/my-bucket/k", "x-amz-acl", "public-read", "x-amz-tagging", "team=a&env=prod"), "PutObject",
			func() []Question {
				cs := with(c("s3:x-amz-acl", "public-read"), c("s3:RequestObjectTag/env", "prod"), c("s3:RequestObjectTag/team", "a"), c("s3:RequestObjectTagKeys", "env", "team"))
				r := "arn:aws:s3:::my-bucket/k"
				return []Question{q("s3:PutObject", r, cs), q("s3:PutObjectAcl", r, cs), q("s3:PutObjectTagging", r, cs)}
			}()},
		{"CopyObject", "perms: CopyObject needs s3:PutObject on the target and s3:GetObject on the source; sar: s3:x-amz-copy-source",
			req("PUT", "/my-bucket/dst", "x-amz-copy-source", "/src-bucket/a%20b", "x-amz-metadata-directive", "REPLACE"), "CopyObject",
			[]Question{
				q("s3:PutObject", "arn:aws:s3:::my-bucket/dst", with(c("s3:x-amz-copy-source", "src-bucket/a b"), c("s3:x-amz-metadata-directive", "REPLACE"))),
				q("s3:GetObject", "arn:aws:s3:::src-bucket/a b", with()),
			}},
		{"CopyObject source version", "perms: s3:GetObjectVersion for a source version",
			req("PUT", "/my-bucket/dst", "x-amz-copy-source", "src-bucket/k?versionId=v2"), "CopyObject",
			[]Question{
				q("s3:PutObject", "arn:aws:s3:::my-bucket/dst", with(c("s3:x-amz-copy-source", "src-bucket/k"))),
				q("s3:GetObjectVersion", "arn:aws:s3:::src-bucket/k", with(c("s3:VersionId", "v2"))),
			}},
		{"DeleteObject", "perms", req("DELETE", "/my-bucket/k"), "DeleteObject", []Question{q("s3:DeleteObject", "arn:aws:s3:::my-bucket/k", with())}},
		{"DeleteObject version", "perms: s3:DeleteObjectVersion", req("DELETE", "/my-bucket/k?versionId=v"), "DeleteObject",
			[]Question{q("s3:DeleteObjectVersion", "arn:aws:s3:::my-bucket/k", with(c("s3:VersionId", "v")))}},
		{"GetObjectTagging", "perms", req("GET", "/my-bucket/k?tagging"), "GetObjectTagging", []Question{q("s3:GetObjectTagging", "arn:aws:s3:::my-bucket/k", with())}},
		{"GetObjectTagging version", "perms: s3:GetObjectVersionTagging", req("GET", "/my-bucket/k?tagging&versionId=v"), "GetObjectTagging",
			[]Question{q("s3:GetObjectVersionTagging", "arn:aws:s3:::my-bucket/k", with(c("s3:VersionId", "v")))}},
		{"PutObjectTagging", "perms", req("PUT", "/my-bucket/k?tagging"), "PutObjectTagging", []Question{q("s3:PutObjectTagging", "arn:aws:s3:::my-bucket/k", with())}},
		{"DeleteObjectTagging", "perms", req("DELETE", "/my-bucket/k?tagging"), "DeleteObjectTagging", []Question{q("s3:DeleteObjectTagging", "arn:aws:s3:::my-bucket/k", with())}},
		{"GetObjectAcl", "perms", req("GET", "/my-bucket/k?acl"), "GetObjectAcl", []Question{q("s3:GetObjectAcl", "arn:aws:s3:::my-bucket/k", with())}},
		{"GetObjectAcl version", "perms: s3:GetObjectVersionAcl", req("GET", "/my-bucket/k?acl&versionId=v"), "GetObjectAcl",
			[]Question{q("s3:GetObjectVersionAcl", "arn:aws:s3:::my-bucket/k", with(c("s3:VersionId", "v")))}},
		{"PutObjectAcl", "perms", req("PUT", "/my-bucket/k?acl", "x-amz-acl", "private"), "PutObjectAcl",
			[]Question{q("s3:PutObjectAcl", "arn:aws:s3:::my-bucket/k", with(c("s3:x-amz-acl", "private")))}},
		{"CreateMultipartUpload", "perms: s3:PutObject", req("POST", "/my-bucket/k?uploads"), "CreateMultipartUpload",
			[]Question{q("s3:PutObject", "arn:aws:s3:::my-bucket/k", with())}},
		{"UploadPart", "perms: s3:PutObject", req("PUT", "/my-bucket/k?partNumber=1&uploadId=u"), "UploadPart",
			[]Question{q("s3:PutObject", "arn:aws:s3:::my-bucket/k", with())}},
		{"UploadPartCopy", "perms: s3:PutObject and s3:GetObject on the source", req("PUT", "/my-bucket/k?partNumber=1&uploadId=u", "x-amz-copy-source", "src-bucket/s"), "UploadPartCopy",
			[]Question{q("s3:PutObject", "arn:aws:s3:::my-bucket/k", with(c("s3:x-amz-copy-source", "src-bucket/s"))), q("s3:GetObject", "arn:aws:s3:::src-bucket/s", with())}},
		{"CompleteMultipartUpload", "perms: s3:PutObject", req("POST", "/my-bucket/k?uploadId=u"), "CompleteMultipartUpload",
			[]Question{q("s3:PutObject", "arn:aws:s3:::my-bucket/k", with())}},
		{"AbortMultipartUpload", "perms", req("DELETE", "/my-bucket/k?uploadId=u"), "AbortMultipartUpload",
			[]Question{q("s3:AbortMultipartUpload", "arn:aws:s3:::my-bucket/k", with())}},
		{"ListParts", "perms: s3:ListMultipartUploadParts", req("GET", "/my-bucket/k?uploadId=u&max-parts=3"), "ListParts",
			[]Question{q("s3:ListMultipartUploadParts", "arn:aws:s3:::my-bucket/k", with())}},
		{"PutObject grants, storage class, payload hash", "sar: s3:x-amz-grant-read, s3:x-amz-storage-class; sigv4keys: s3:x-amz-content-sha256",
			req("PUT", "/my-bucket/k", "x-amz-grant-read", "id=1", "x-amz-storage-class", "STANDARD_IA", "x-amz-content-sha256", "UNSIGNED-PAYLOAD"), "PutObject",
			func() []Question {
				cs := with(c("s3:x-amz-content-sha256", "UNSIGNED-PAYLOAD"), c("s3:x-amz-grant-read", "id=1"), c("s3:x-amz-storage-class", "STANDARD_IA"))
				r := "arn:aws:s3:::my-bucket/k"
				return []Question{q("s3:PutObject", r, cs), q("s3:PutObjectAcl", r, cs)}
			}()},
		{"GetObject SSE-C", "SSE-C algorithm header is allowed on reads", req("GET", "/my-bucket/k", "x-amz-server-side-encryption-customer-algorithm", "AES256"), "GetObject",
			[]Question{q("s3:GetObject", "arn:aws:s3:::my-bucket/k", with())}},
		{"PutObject if-none-match", "conditional-writes-enforce: s3:if-none-match", req("PUT", "/my-bucket/k", "If-None-Match", "*"), "PutObject",
			[]Question{q("s3:PutObject", "arn:aws:s3:::my-bucket/k", with(c("s3:if-none-match", "*")))}},
		{"CompleteMultipartUpload if-match", "conditional-writes-enforce: s3:if-match", req("POST", "/my-bucket/k?uploadId=u", "If-Match", `"e"`), "CompleteMultipartUpload",
			[]Question{q("s3:PutObject", "arn:aws:s3:::my-bucket/k", with(c("s3:if-match", `"e"`)))}},
		{"anonymous", "no signature: no signature keys", Request{Method: "GET", EscapedPath: "/my-bucket/k", Query: url.Values{}, Header: http.Header{}}, "GetObject",
			[]Question{q("s3:GetObject", "arn:aws:s3:::my-bucket/k", nil)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Map(tc.r)
			if err != nil {
				t.Fatalf("Map: %v (%s)", err, tc.doc)
			}
			if m.Operation != tc.op {
				t.Errorf("operation %q, want %q", m.Operation, tc.op)
			}
			if !equalQuestions(m.Questions, tc.want) {
				t.Errorf("questions (%s)\n got %+v\nwant %+v", tc.doc, m.Questions, tc.want)
			}
		})
	}
}

func equalQuestions(a, b []Question) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Action != b[i].Action || a[i].Resource != b[i].Resource || len(a[i].Conditions) != len(b[i].Conditions) {
			return false
		}
		for j := range a[i].Conditions {
			if !reflect.DeepEqual(a[i].Conditions[j], b[i].Conditions[j]) {
				return false
			}
		}
	}
	return true
}

// perms: DeleteObjects needs s3:DeleteObject for each key, and
// s3:DeleteObjectVersion for a versioned entry.
func TestDeleteObjects(t *testing.T) {
	r := req("POST", "/my-bucket?delete")
	m, err := Map(r)
	if err != nil {
		t.Fatal(err)
	}
	if m.Operation != "DeleteObjects" || !m.NeedsDeleteKeys || len(m.Questions) != 0 {
		t.Fatalf("got %+v", m)
	}
	full, err := m.WithDeleteKeys([]ObjectID{{Key: "a/b"}, {Key: "c", VersionID: "v"}}, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []Question{
		q("s3:DeleteObject", "arn:aws:s3:::my-bucket/a/b", with()),
		q("s3:DeleteObjectVersion", "arn:aws:s3:::my-bucket/c", with(c("s3:VersionId", "v"))),
	}
	if full.NeedsDeleteKeys || !equalQuestions(full.Questions, want) {
		t.Fatalf("got %+v", full)
	}
	for name, objs := range map[string][]ObjectID{
		"none":     nil,
		"too many": make([]ObjectID, MaxDeleteObjects+1),
		"empty":    {{Key: ""}},
		"long":     {{Key: strings.Repeat("k", MaxKeyBytes+1)}},
		"not utf8": {{Key: "\xff"}},
	} {
		if _, err := m.WithDeleteKeys(objs, r); !isUnmapped(err) {
			t.Errorf("%s: err %v, want unmapped", name, err)
		}
	}
	get, _ := Map(req("GET", "/my-bucket/k"))
	if _, err := get.WithDeleteKeys([]ObjectID{{Key: "k"}}, r); !isUnmapped(err) {
		t.Errorf("WithDeleteKeys on GetObject: %v", err)
	}
}

func isUnmapped(err error) bool {
	var u *UnmappedError
	return errors.As(err, &u)
}

// Every subresource or operation this package does not model must be refused,
// never answered with a neighbouring action.
func TestUnmappedRefused(t *testing.T) {
	subresources := []string{
		"accelerate", "analytics", "attributes", "encryption", "intelligent-tiering",
		"inventory", "legal-hold", "logging", "metadataTable", "metrics", "notification",
		"object-lock", "ownershipControls", "publicAccessBlock", "replication",
		"requestPayment", "restore", "retention", "select", "torrent", "website",
		"renameObject", "session", "abac", "unknown-thing",
	}
	for _, sub := range subresources {
		for _, m := range []string{"GET", "PUT", "POST", "DELETE", "HEAD"} {
			for _, p := range []string{"/my-bucket", "/my-bucket/k"} {
				if _, err := Map(req(m, p+"?"+sub)); !isUnmapped(err) {
					t.Errorf("%s %s?%s: err %v, want unmapped", m, p, sub, err)
				}
			}
		}
	}
	cases := map[string]Request{
		"policyStatus on PUT":            req("PUT", "/my-bucket?policyStatus"),
		"acl on POST":                    req("POST", "/my-bucket?acl"),
		"acl with version bucket":        req("GET", "/my-bucket?acl&versionId=v"),
		"versions on object":             req("GET", "/my-bucket/k?versions"),
		"location on PUT":                req("PUT", "/my-bucket?location"),
		"two subresources":               req("GET", "/my-bucket?acl&policy"),
		"list-type 1":                    req("GET", "/my-bucket?list-type=1"),
		"v1 param on v2":                 req("GET", "/my-bucket?list-type=2&marker=m"),
		"repeated prefix":                req("GET", "/my-bucket?prefix=a&prefix=b"),
		"hoisted x-amz-acl":              req("PUT", "/my-bucket/k?X-Amz-Acl=public-read"),
		"OPTIONS":                        req("OPTIONS", "/my-bucket/k"),
		"PATCH":                          req("PATCH", "/my-bucket/k"),
		"POST object":                    req("POST", "/my-bucket/k"),
		"POST bucket":                    req("POST", "/my-bucket"),
		"PUT service":                    req("PUT", "/"),
		"GET service param":              req("GET", "/?location"),
		"versionId on PutObject":         req("PUT", "/my-bucket/k?versionId=v"),
		"versionId on list":              req("GET", "/my-bucket?versionId=v"),
		"upper-case bucket":              req("GET", "/My-Bucket/k"),
		"short bucket":                   req("GET", "/ab/k"),
		"ip bucket":                      req("GET", "/192.168.1.1/k"),
		"dotdot bucket":                  req("GET", "/a..b/k"),
		"dash start bucket":              req("GET", "/-abc/k"),
		"long bucket":                    req("GET", "/"+strings.Repeat("a", 64)+"/k"),
		"bad escape":                     {Method: "GET", EscapedPath: "/my-bucket/%zz", Query: url.Values{}, Header: http.Header{}},
		"not utf8 key":                   {Method: "GET", EscapedPath: "/my-bucket/%ff", Query: url.Values{}, Header: http.Header{}},
		"long key":                       req("GET", "/my-bucket/"+strings.Repeat("k", MaxKeyBytes+1)),
		"relative path":                  {Method: "GET", EscapedPath: "my-bucket/k", Query: url.Values{}, Header: http.Header{}},
		"copy source on GET":             req("GET", "/my-bucket/k", "x-amz-copy-source", "b-b/k"),
		"copy source access pt":          req("PUT", "/my-bucket/k", "x-amz-copy-source", "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/k"),
		"copy source no key":             req("PUT", "/my-bucket/k", "x-amz-copy-source", "src-bucket"),
		"copy source odd query":          req("PUT", "/my-bucket/k", "x-amz-copy-source", "src-bucket/k?acl"),
		"directive without copy":         req("PUT", "/my-bucket/k", "x-amz-metadata-directive", "REPLACE"),
		"object lock header":             req("PUT", "/my-bucket/k", "x-amz-object-lock-mode", "GOVERNANCE"),
		"bypass governance":              req("DELETE", "/my-bucket/k", "x-amz-bypass-governance-retention", "true"),
		"kms key id":                     req("PUT", "/my-bucket/k", "x-amz-server-side-encryption-aws-kms-key-id", "k"),
		"acl header on GET":              req("GET", "/my-bucket/k", "x-amz-acl", "private"),
		"grant header on delete":         req("DELETE", "/my-bucket/k", "x-amz-grant-read", "id=1"),
		"tagging header on part":         req("PUT", "/my-bucket/k?partNumber=1&uploadId=u", "x-amz-tagging", "a=b"),
		"sse on GET":                     req("GET", "/my-bucket/k", "x-amz-server-side-encryption", "AES256"),
		"CopyObject if-match":            req("PUT", "/my-bucket/k", "x-amz-copy-source", "src-bucket/s", "If-Match", "*"),
		"unknown grant header":           req("PUT", "/my-bucket/k", "x-amz-grant-everything", "id=1"),
		"empty versionId":                req("GET", "/my-bucket/k?versionId="),
		"storage class on GET":           req("GET", "/my-bucket/k", "x-amz-storage-class", "GLACIER"),
		"bad tagging":                    req("PUT", "/my-bucket/k", "x-amz-tagging", "a=%zz"),
		"repeated tag":                   req("PUT", "/my-bucket/k", "x-amz-tagging", "a=1&a=2"),
		"too many tags":                  req("PUT", "/my-bucket/k", "x-amz-tagging", "a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1&j=1&k=1"),
		"bucket-level DeleteObject path": req("DELETE", "/my-bucket?versionId=v"),
	}
	for name, r := range cases {
		if m, err := Map(r); !isUnmapped(err) {
			t.Errorf("%s: got %+v, %v; want unmapped", name, m, err)
		}
	}
}

// Every operation of the table is reachable, and reachable alone: a request
// carrying exactly its subresources maps to it and not to a neighbour.
func TestEverySpecReachable(t *testing.T) {
	for _, sp := range specs {
		path := map[level]string{levelService: "/", levelBucket: "/my-bucket", levelObject: "/my-bucket/k"}[sp.level]
		qv := url.Values{}
		for _, r := range sp.required {
			qv.Set(r, "")
		}
		if sp.op == "ListObjectsV2" {
			qv.Set("list-type", "2")
		}
		r := Request{Method: sp.method, EscapedPath: path, Query: qv, Header: http.Header{}}
		m, err := Map(r)
		if err != nil {
			t.Errorf("%s: %v", sp.op, err)
			continue
		}
		if m.Operation != sp.op {
			t.Errorf("%s: mapped to %s", sp.op, m.Operation)
		}
	}
}

func TestValidBucketName(t *testing.T) {
	for name, want := range map[string]bool{
		"abc": true, "my.bucket-1": true, "1.2.3": true, strings.Repeat("a", 63): true,
		"ab": false, "ABC": false, "a_b": false, "a..b": false, ".abc": false, "abc-": false,
		"10.0.0.1": false, "a b": false, strings.Repeat("a", 64): false,
	} {
		if got := ValidBucketName(name); got != want {
			t.Errorf("ValidBucketName(%q) = %v, want %v", name, got, want)
		}
	}
}

// checkWellFormed says whether every question of m names a known action and
// a well-formed resource.
func checkWellFormed(t *testing.T, m Mapping) {
	t.Helper()
	if len(m.Questions) == 0 && !m.NeedsDeleteKeys {
		t.Fatalf("mapping without questions: %+v", m)
	}
	for _, qu := range m.Questions {
		if !strings.HasPrefix(qu.Action, "s3:") {
			t.Fatalf("bad action %q", qu.Action)
		}
		if qu.Resource == "*" {
			if qu.Action != "s3:ListAllMyBuckets" {
				t.Fatalf("%s on *", qu.Action)
			}
			continue
		}
		rest, ok := strings.CutPrefix(qu.Resource, "arn:aws:s3:::")
		if !ok {
			t.Fatalf("bad ARN %q", qu.Resource)
		}
		bucket, _, _ := strings.Cut(rest, "/")
		if !ValidBucketName(bucket) {
			t.Fatalf("bad bucket in ARN %q", qu.Resource)
		}
	}
}

func FuzzMap(f *testing.F) {
	for _, s := range [][4]string{
		{"GET", "/my-bucket/k", "versionId=v", ""},
		{"PUT", "/my-bucket/k", "partNumber=1&uploadId=u", "src-bucket/k?versionId=1"},
		{"GET", "/my-bucket", "list-type=2&prefix=a", ""},
		{"POST", "/my-bucket", "delete", ""},
		{"GET", "/", "", ""},
		{"PUT", "/a%2Fb/c", "acl", "/x/y"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, method, path, rawQuery, copySource string) {
		qv, err := url.ParseQuery(rawQuery)
		if err != nil {
			return
		}
		h := http.Header{}
		h.Set("Authorization", sigHeader)
		if copySource != "" {
			h.Set("X-Amz-Copy-Source", copySource)
		}
		m, err := Map(Request{Method: method, EscapedPath: path, Query: qv, Header: h})
		if err != nil {
			if !isUnmapped(err) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkWellFormed(t, m)
	})
}

func BenchmarkMapGetObject(b *testing.B) {
	r := req("GET", "/my-bucket/photos/2026/cat.jpg")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Map(r); err != nil {
			b.Fatal(err)
		}
	}
}
