package bucketpolicy

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/policy"
)

// stmt builds a one-statement bucket policy around the given statement
// members.
func stmt(members string) string {
	return `{"Version":"2012-10-17","Statement":[{` + members + `}]}`
}

const okPrincipal = `"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"}`

func TestValidateAccepts(t *testing.T) {
	for name, doc := range map[string]string{
		"object wildcard":   stmt(okPrincipal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`),
		"bucket and object": stmt(okPrincipal + `,"Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::b1","arn:aws:s3:::b1/home/*"]`),
		"star action":       stmt(`"Effect":"Deny","Principal":"*","Action":"*","Resource":["arn:aws:s3:::b1","arn:aws:s3:::b1/*"]`),
		"s3 star":           stmt(okPrincipal + `,"Action":"s3:*","Resource":"arn:aws:s3:::b1"`),
		"not action":        stmt(okPrincipal + `,"NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b1"`),
		"not principal":     stmt(`"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`),
		"statement object":  `{"Statement":{` + okPrincipal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"}}`,
		"conditions":        stmt(okPrincipal + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b1","Condition":{"StringLike":{"s3:prefix":"home/*"},"Bool":{"aws:SecureTransport":"true"}}`),
		"policy variable":   stmt(okPrincipal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/${aws:PrincipalTag/team}/*"`),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Validate("b1", doc)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if p.Kind != policy.KindResource || p.Document != doc {
				t.Fatalf("got kind %v document %q", p.Kind, p.Document)
			}
		})
	}
}

func TestValidateRefuses(t *testing.T) {
	cases := []struct {
		name, doc, code, msg string
	}{
		// Messages recorded from real S3 in issue threads:
		//  - first byte: aws/aws-cli#2779, cloud-gov/terraform-provision#574;
		//  - invalid Json for a document that starts with '{':
		//    versity/versitygw#1156 (versitygw reproduces AWS's answers);
		//  - Statement is empty: versity/versitygw#646;
		//  - Missing required field Statement: versity/versitygw#1176;
		//  - Missing required field Principal: hashicorp/terraform#28688;
		//  - Statement is missing required element: ansible/ansible#38741;
		//  - Policy has invalid resource: aws-samples/aws-serverless-appsync-app#4,
		//    versity/versitygw#648, noobaa/noobaa-core#10058 (Resource "*");
		//  - Action does not apply to any resource(s) in statement:
		//    versity/versitygw#645, ministryofjustice/modernisation-platform#10762;
		//  - Invalid principal in policy: cloud-custodian/cloud-custodian#4948,
		//    versity/versitygw#649;
		//  - Policy has invalid action: versity/versitygw#650;
		//  - Invalid effect: hello: versity/versitygw#647;
		//  - Policy has an invalid condition key: versitygw's table of the
		//    messages it reproduces from AWS (auth/bucket_policy.go) and
		//    scality cloudserver's validator ("the seen behaviour on AWS").
		// stsd's own wording, with no recorded S3 answer: "Unknown field X"
		// for an element outside the policy grammar (S3 answers
		// MalformedPolicy; the text is not recorded), and the
		// PolicyTooLarge message, which is MinIO's (minio/minio#8625).
		{"empty", ``, CodeMalformedPolicy, msgFirstByte},
		{"leading space", ` {}`, CodeMalformedPolicy, msgFirstByte},
		{"array", `[]`, CodeMalformedPolicy, msgFirstByte},
		{"bad json", `{"Statement":`, CodeMalformedPolicy, msgInvalidJSON},
		{"trailing data", stmt(okPrincipal+`,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`) + `{}`, CodeMalformedPolicy, msgInvalidJSON},
		{"no statement", `{"Version":"2012-10-17"}`, CodeMalformedPolicy, msgMissingStatement},
		{"empty statement", `{"Version":"2012-10-17","Statement":[]}`, CodeMalformedPolicy, msgEmptyStatement},
		{"unknown top field", `{"Statment":[]}`, CodeMalformedPolicy, "Unknown field Statment"},
		{"unknown statement field", stmt(okPrincipal + `,"Actions":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, "Unknown field Actions"},
		{"no principal", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, msgMissingPrincipal},
		{"no action", stmt(okPrincipal + `,"Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, msgMissingElement},
		{"no resource", stmt(okPrincipal + `,"Action":"s3:GetObject"`), CodeMalformedPolicy, msgMissingElement},
		{"no effect", stmt(`"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, msgMissingElement},
		{"star resource", stmt(okPrincipal + `,"Action":"s3:GetObject","Resource":"*"`), CodeMalformedPolicy, msgInvalidResource},
		{"other bucket", stmt(okPrincipal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b2/*"`), CodeMalformedPolicy, msgInvalidResource},
		{"bucket prefix", stmt(okPrincipal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b1x/*"`), CodeMalformedPolicy, msgInvalidResource},
		{"bucket wildcard", stmt(okPrincipal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b*/*"`), CodeMalformedPolicy, msgInvalidResource},
		{"other service", stmt(okPrincipal + `,"Action":"s3:GetObject","Resource":"arn:aws:sqs:::b1"`), CodeMalformedPolicy, msgInvalidResource},
		{"not resource other bucket", stmt(okPrincipal + `,"Action":"s3:GetObject","NotResource":"arn:aws:s3:::b2/*"`), CodeMalformedPolicy, msgInvalidResource},
		{"resource number", stmt(okPrincipal + `,"Action":"s3:GetObject","Resource":7`), CodeMalformedPolicy, msgInvalidResource},
		{"iam action", stmt(okPrincipal + `,"Action":"iam:GetUser","Resource":"arn:aws:s3:::b1"`), CodeMalformedPolicy, msgInvalidAction},
		{"bare action", stmt(okPrincipal + `,"Action":"GetObject","Resource":"arn:aws:s3:::b1"`), CodeMalformedPolicy, msgInvalidAction},
		{"empty action list", stmt(okPrincipal + `,"Action":[],"Resource":"arn:aws:s3:::b1"`), CodeMalformedPolicy, msgInvalidAction},
		{"object action on bucket", stmt(okPrincipal + `,"Action":"s3:PutObject","Resource":"arn:aws:s3:::b1"`), CodeMalformedPolicy, msgActionNotApply},
		{"bucket action on objects", stmt(okPrincipal + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, msgActionNotApply},
		{"bad principal", stmt(`"Effect":"Allow","Principal":{"AWS":"user"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, msgInvalidPrincipal},
		{"condition key", stmt(okPrincipal + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b1","Condition":{"StringEquals":{"ec2:Region":"x"}}`), CodeMalformedPolicy, msgInvalidCondKey},
		{"bad effect", stmt(`"Effect":"hello","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, "Invalid effect: hello"},
		{"lower-case effect", stmt(`"Effect":"allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, "Invalid effect: allow"},
		// The engine's own refusals keep IAM's message under S3's code
		// (a key with no vendor is refused by the engine's grammar before
		// the S3 namespace check sees it).
		{"condition key no namespace", stmt(okPrincipal + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b1","Condition":{"StringEquals":{"prefix":"x"}}`), CodeMalformedPolicy, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"action and not action", stmt(okPrincipal + `,"Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b1/*"`), CodeMalformedPolicy, "Syntax errors in policy."},
		{"too large", stmt(okPrincipal + `,"Sid":"` + strings.Repeat("a", MaxSize) + `","Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`), CodePolicyTooLarge, msgPolicyTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Validate("b1", c.doc)
			if err == nil {
				t.Fatalf("accepted: %+v", p)
			}
			ae, ok := apierr.As(err)
			if !ok {
				t.Fatalf("not an *apierr.Error: %v", err)
			}
			if ae.Code != c.code || ae.Message != c.msg || ae.HTTPStatus != http.StatusBadRequest {
				t.Fatalf("got %s %q %d, want %s %q 400", ae.Code, ae.Message, ae.HTTPStatus, c.code, c.msg)
			}
		})
	}
}

func TestValidateSizeBoundary(t *testing.T) {
	base := stmt(okPrincipal + `,"Sid":"","Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`)
	pad := MaxSize - len(base)
	doc := strings.Replace(base, `"Sid":""`, `"Sid":"`+strings.Repeat("a", pad)+`"`, 1)
	if len(doc) != MaxSize {
		t.Fatalf("built %d bytes", len(doc))
	}
	if _, err := Validate("b1", doc); err != nil {
		t.Fatalf("document of exactly MaxSize refused: %v", err)
	}
	if _, err := Validate("b1", doc+" "); err == nil {
		t.Fatal("document of MaxSize+1 accepted")
	}
}

func TestNoSuchBucketPolicy(t *testing.T) {
	// "NoSuchBucketPolicy — The specified bucket does not have a bucket
	// policy. 404 Not Found" (Amazon S3 API Reference, ErrorResponses.html);
	// the message is the one S3 sends, as the SDKs report it.
	e := NoSuchBucketPolicy()
	if e.Code != "NoSuchBucketPolicy" || e.HTTPStatus != http.StatusNotFound || e.Message != "The bucket policy does not exist" {
		t.Fatalf("got %+v", e)
	}
	e.Message = "changed"
	if NoSuchBucketPolicy().Message == "changed" {
		t.Fatal("NoSuchBucketPolicy shares its value between callers")
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("b1", stmt(okPrincipal+`,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"`))
	f.Add("b1", stmt(okPrincipal+`,"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b1"],"Condition":{"StringLike":{"s3:prefix":"a*"}}`))
	f.Add("b1", `{"Statement":{}}`)
	f.Add("", `{}`)
	f.Fuzz(func(t *testing.T, bucket, doc string) {
		p, err := Validate(bucket, doc)
		if err != nil {
			if _, ok := apierr.As(err); !ok {
				t.Fatalf("refusal is not an *apierr.Error: %v", err)
			}
			return
		}
		if _, err := policy.Parse(doc, policy.KindResource); err != nil {
			t.Fatalf("accepted a document the engine refuses: %v", err)
		}
		if p.Kind != policy.KindResource {
			t.Fatalf("kind %v", p.Kind)
		}
	})
}
