package s3xml

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/apierr"
)

// codes are the S3 errors issue 12 names, with the status S3's list of
// error codes gives each (Amazon S3 API Reference, "Error responses",
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
// ExpiredToken's 400 is also seen from real S3 in HADOOP-18353 ("S3
// returns ExpiredToken in the body, with statusCode 400").
var codes = []struct {
	code   string
	status int
}{
	{AccessDenied, 403},
	{SignatureDoesNotMatch, 403},
	{InvalidAccessKeyID, 403},
	{ExpiredToken, 400},
	{RequestTimeTooSkewed, 403},
	{XAmzContentSHA256Mismatch, 400},
	{BadDigest, 400},
	{InvalidDigest, 400},
	{NoSuchBucketPolicy, 404},
	{MalformedPolicy, 400},
	{MissingContentLength, 411},
	{InternalError, 500},
	{ServiceUnavailable, 503},
	{"SomethingElse", 400},
}

func TestStatus(t *testing.T) {
	for _, c := range codes {
		if got := Status(c.code); got != c.status {
			t.Errorf("Status(%s) = %d, want %d", c.code, got, c.status)
		}
	}
}

func TestWriteErrorBytes(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/b1/a<b>&.txt", nil)
	WriteError(rec, req, &apierr.Error{Code: AccessDenied, Message: "Access Denied"}, "/b1/a<b>&.txt", "REQ1")
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>AccessDenied</Code><Message>Access Denied</Message>` +
		`<Resource>/b1/a&lt;b&gt;&amp;.txt</Resource><RequestId>REQ1</RequestId></Error>`
	if rec.Code != 403 || rec.Body.String() != want {
		t.Fatalf("got %d %q\nwant 403 %q", rec.Code, rec.Body.String(), want)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/xml" {
		t.Fatalf("Content-Type %q", ct)
	}
	if id := rec.Header().Get("x-amz-request-id"); id != "REQ1" {
		t.Fatalf("x-amz-request-id %q", id)
	}
}

func TestWriteErrorNoResource(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest(http.MethodGet, "/", nil), &apierr.Error{Code: ExpiredToken, Message: "The provided token has expired."}, "", "R")
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message><RequestId>R</RequestId></Error>`
	if rec.Code != 400 || rec.Body.String() != want {
		t.Fatalf("got %d %q", rec.Code, rec.Body.String())
	}
}

func TestWriteErrorStatusOverride(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest(http.MethodGet, "/", nil), &apierr.Error{Code: AccessDenied, Message: "m", HTTPStatus: 409}, "", "R")
	if rec.Code != 409 {
		t.Fatalf("status %d, want the error's own 409", rec.Code)
	}
}

func TestWriteErrorHead(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest(http.MethodHead, "/b1/k", nil), &apierr.Error{Code: AccessDenied, Message: "Access Denied"}, "/b1/k", "R2")
	if rec.Code != 403 || rec.Body.Len() != 0 || rec.Header().Get("x-amz-request-id") != "R2" {
		t.Fatalf("HEAD got %d body %q id %q", rec.Code, rec.Body.String(), rec.Header().Get("x-amz-request-id"))
	}
}

// TestSDKReadsErrors serves each error to aws-sdk-go-v2's S3 client and
// checks that its error deserializer reports S3's code, message, status
// and request id, as it would from S3.
func TestSDKReadsErrors(t *testing.T) {
	var current *apierr.Error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, current, r.URL.Path, "REQ-"+current.Code)
	}))
	defer srv.Close()
	client := s3.New(s3.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		UsePathStyle:     true,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 1,
	})
	for _, c := range codes {
		t.Run(c.code, func(t *testing.T) {
			current = &apierr.Error{Code: c.code, Message: "message for " + c.code}
			_, err := client.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String("b1")})
			var api smithy.APIError
			if !errors.As(err, &api) {
				t.Fatalf("not an API error: %v", err)
			}
			if api.ErrorCode() != c.code || api.ErrorMessage() != "message for "+c.code {
				t.Fatalf("SDK read %q %q", api.ErrorCode(), api.ErrorMessage())
			}
			var re *awshttp.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("no response error: %v", err)
			}
			if re.HTTPStatusCode() != c.status || re.ServiceRequestID() != "REQ-"+c.code {
				t.Fatalf("SDK read status %d request id %q", re.HTTPStatusCode(), re.ServiceRequestID())
			}
		})
	}
	t.Run("HEAD", func(t *testing.T) {
		current = &apierr.Error{Code: AccessDenied, Message: "Access Denied"}
		_, err := client.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("b1")})
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != 403 || re.ServiceRequestID() != "REQ-AccessDenied" {
			t.Fatalf("HeadBucket: %v", err)
		}
	})
}
