package awsquery

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
)

const reqID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"

// fakeService answers like a Query-protocol service: it routes by Action,
// decodes the input, and answers with the output or error that handle
// returns.
func fakeService(t *testing.T, svc *apimodel.Service, handle func(op *apimodel.Operation, in any) (any, error), newIn func(string) any) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			WriteError(w, svc, reqID, apierr.New(apierr.MalformedQueryString, "bad form"))
			return
		}
		op, err := Lookup(svc, r.Form.Get("Action"), r.Form.Get("Version"))
		if err != nil {
			WriteError(w, svc, reqID, err)
			return
		}
		in := newIn(op.Name)
		if err := Decode(r.Form, op, in); err != nil {
			WriteError(w, svc, reqID, err)
			return
		}
		out, err := handle(op, in)
		if err != nil {
			WriteError(w, svc, reqID, err)
			return
		}
		if err := WriteResponse(w, svc, op, reqID, out); err != nil {
			t.Errorf("WriteResponse: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func stsClient(url string) *sts.Client {
	return sts.New(sts.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	})
}

func iamClient(url string) *iam.Client {
	return iam.New(iam.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	})
}

func TestSDKReadsSTSResponses(t *testing.T) {
	exp := time.Date(2030, 7, 15, 23, 28, 33, 359e6, time.UTC)
	var got stsapi.AssumeRoleRequest
	srv := fakeService(t, apimodel.STS, func(op *apimodel.Operation, in any) (any, error) {
		switch op.Name {
		case "AssumeRole":
			got = *in.(*stsapi.AssumeRoleRequest)
			return &stsapi.AssumeRoleResponse{
				Credentials:      &stsapi.Credentials{AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "s<&>", SessionToken: "tok", Expiration: exp},
				AssumedRoleUser:  &stsapi.AssumedRoleUser{AssumedRoleId: "AROAEXAMPLE:s1", Arn: "arn:aws:sts::123456789012:assumed-role/demo/s1"},
				PackedPolicySize: aws.Int32(6),
				SourceIdentity:   "alice",
			}, nil
		case "GetCallerIdentity":
			return &stsapi.GetCallerIdentityResponse{UserId: "AIDAEXAMPLE", Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/alice"}, nil
		}
		return nil, errors.New("unexpected")
	}, func(name string) any {
		if name == "AssumeRole" {
			return &stsapi.AssumeRoleRequest{}
		}
		return &stsapi.GetCallerIdentityRequest{}
	})
	c := stsClient(srv.URL)
	ctx := context.Background()
	out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(roleArn), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900),
		Tags:              []ststypes.Tag{{Key: aws.String("Project"), Value: aws.String("Unicorn")}},
		TransitiveTagKeys: []string{"Project"},
		PolicyArns:        []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// What the real SDK sent came through Decode intact.
	if got.RoleArn != roleArn || *got.DurationSeconds != 900 || got.Tags[0].Value != "Unicorn" ||
		got.TransitiveTagKeys[0] != "Project" || got.PolicyArns[0].Arn != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Errorf("server decoded %+v", got)
	}
	if *out.Credentials.AccessKeyId != "ASIAEXAMPLE" || *out.Credentials.SecretAccessKey != "s<&>" ||
		!out.Credentials.Expiration.Equal(exp) || *out.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/demo/s1" ||
		*out.PackedPolicySize != 6 || *out.SourceIdentity != "alice" {
		t.Errorf("SDK saw %+v %+v", out.Credentials, out.AssumedRoleUser)
	}
	if id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); id != reqID {
		t.Errorf("request id = %q", id)
	}
	gci, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *gci.Account != "123456789012" || *gci.Arn != "arn:aws:iam::123456789012:user/alice" || *gci.UserId != "AIDAEXAMPLE" {
		t.Errorf("GetCallerIdentity = %+v", gci)
	}
}

func TestSDKReadsErrors(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		wantCode   string
		wantMsg    string
		wantStatus int
	}{
		{"model error status", &apierr.Error{Code: "RegionDisabledException", Message: "STS is not activated in this region"}, "RegionDisabledException", "STS is not activated in this region", 403},
		{"common error", apierr.New(apierr.AccessDenied, "User: x is not authorized to perform: sts:AssumeRole"), "AccessDenied", "User: x is not authorized to perform: sts:AssumeRole", 403},
		{"explicit status", &apierr.Error{Code: "Custom", Message: "m", HTTPStatus: 409}, "Custom", "m", 409},
		{"unknown code", apierr.New("SomethingElse", "m"), "SomethingElse", "m", 400},
		{"internal never leaks", errors.New("db password is hunter2"), "InternalFailure", internalFailureMessage, 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var status int
			srv := fakeService(t, apimodel.STS, func(*apimodel.Operation, any) (any, error) { return nil, c.err },
				func(string) any { return &stsapi.GetCallerIdentityRequest{} })
			c2 := stsClient(srv.URL)
			_, err := c2.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}, func(o *sts.Options) {
				o.HTTPClient = statusRecorder{&status}
			})
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v", err)
			}
			if ae.ErrorCode() != c.wantCode || ae.ErrorMessage() != c.wantMsg || status != c.wantStatus {
				t.Errorf("SDK saw %s %q (HTTP %d), want %s %q (HTTP %d)", ae.ErrorCode(), ae.ErrorMessage(), status, c.wantCode, c.wantMsg, c.wantStatus)
			}
			var re interface{ ServiceRequestID() string }
			if !errors.As(err, &re) || re.ServiceRequestID() != reqID {
				t.Errorf("request id missing from %v", err)
			}
		})
	}
}

type statusRecorder struct{ status *int }

func (s statusRecorder) Do(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(r)
	if err == nil {
		*s.status = resp.StatusCode
	}
	return resp, err
}

func TestSDKReadsValidationAndIAM(t *testing.T) {
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := fakeService(t, apimodel.IAM, func(op *apimodel.Operation, in any) (any, error) {
		switch op.Name {
		case "CreateRole":
			r := in.(*iamapi.CreateRoleRequest)
			return &iamapi.CreateRoleResponse{Role: iamapi.Role{
				Path: "/", RoleName: r.RoleName, RoleId: "AROAEXAMPLE", Arn: "arn:aws:iam::123456789012:role/" + r.RoleName,
				CreateDate: created, AssumeRolePolicyDocument: r.AssumeRolePolicyDocument, Tags: []iamapi.Tag{{Key: "k", Value: "v"}},
			}}, nil
		case "ListUsers":
			return &iamapi.ListUsersResponse{Users: []iamapi.User{}, IsTruncated: aws.Bool(false)}, nil
		case "DeleteRole":
			return nil, apierr.New("NoSuchEntity", "The role with name %s cannot be found.", in.(*iamapi.DeleteRoleRequest).RoleName)
		}
		return nil, errors.New("unexpected")
	}, func(name string) any {
		switch name {
		case "CreateRole":
			return &iamapi.CreateRoleRequest{}
		case "ListUsers":
			return &iamapi.ListUsersRequest{}
		}
		return &iamapi.DeleteRoleRequest{}
	})
	c := iamClient(srv.URL)
	ctx := context.Background()
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("demo"), AssumeRolePolicyDocument: aws.String(`{"a":"<b>"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if *out.Role.RoleName != "demo" || !out.Role.CreateDate.Equal(created) || *out.Role.AssumeRolePolicyDocument != `{"a":"<b>"}` || *out.Role.Tags[0].Key != "k" {
		t.Errorf("CreateRole = %+v", out.Role)
	}
	lu, err := c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(10)})
	if err != nil || len(lu.Users) != 0 || lu.IsTruncated {
		t.Errorf("ListUsers = %+v, %v", lu, err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("gone")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) || nse.ErrorMessage() != "The role with name gone cannot be found." {
		t.Errorf("DeleteRole err = %v", err)
	}
	// The recorded IAM wording (test_iam.snapshot.json) reaches the SDK.
	_, err = c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1001)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" ||
		ae.ErrorMessage() != "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000" {
		t.Errorf("ListUsers(1001) err = %v", err)
	}
}

func TestWriteResponseShape(t *testing.T) {
	rec := httptest.NewRecorder()
	op := apimodel.STS.Operations["GetCallerIdentity"]
	if err := WriteResponse(rec, apimodel.STS, op, reqID, &stsapi.GetCallerIdentityResponse{UserId: "U", Account: "123456789012", Arn: "arn"}); err != nil {
		t.Fatal(err)
	}
	want := `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>U</UserId><Account>123456789012</Account><Arn>arn</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>` + reqID + `</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
	if rec.Body.String() != want {
		t.Errorf("body\n%s\nwant\n%s", rec.Body, want)
	}
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/xml" || rec.Header().Get("X-Amzn-Requestid") != reqID {
		t.Errorf("status %d headers %v", rec.Code, rec.Header())
	}

	// Operations without output carry no Result element.
	rec = httptest.NewRecorder()
	if err := WriteResponse(rec, apimodel.IAM, apimodel.IAM.Operations["DeleteRole"], reqID, nil); err != nil {
		t.Fatal(err)
	}
	if want := `<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>` + reqID + `</RequestId></ResponseMetadata></DeleteRoleResponse>`; rec.Body.String() != want {
		t.Errorf("body %s", rec.Body)
	}

	// A value without AppendQueryXML is encoded through its xml tags and
	// gives the same bytes.
	type plain struct {
		UserId  string `xml:"UserId"`
		Account string `xml:"Account"`
		Arn     string `xml:"Arn"`
	}
	rec2 := httptest.NewRecorder()
	if err := WriteResponse(rec2, apimodel.STS, op, reqID, plain{"U", "123456789012", "arn"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec2.Body.String(), "<GetCallerIdentityResult><UserId>U</UserId><Account>123456789012</Account><Arn>arn</Arn></GetCallerIdentityResult>") {
		t.Errorf("fallback body %s", rec2.Body)
	}
	if err := WriteResponse(httptest.NewRecorder(), apimodel.STS, op, reqID, make(chan int)); err == nil {
		t.Error("unencodable output accepted")
	}
}

// The generated xml tags must agree with AppendQueryXML, so encoding/xml
// users see the same document.
func TestXMLTagsMatchAppender(t *testing.T) {
	v := &iamapi.Role{Path: "/", RoleName: "r", RoleId: "AROA", Arn: "arn", CreateDate: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Tags: []iamapi.Tag{{Key: "k", Value: "v"}}, MaxSessionDuration: aws.Int32(3600)}
	got := "<x>" + string(v.AppendQueryXML(nil)) + "</x>"
	std, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"x"`
		*iamapi.Role
	}{Role: v})
	if err != nil {
		t.Fatal(err)
	}
	var a, b iamapi.Role
	if err := xml.Unmarshal([]byte(got), &a); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(std, &b); err != nil {
		t.Fatal(err)
	}
	if a.RoleName != b.RoleName || !a.CreateDate.Equal(b.CreateDate) || len(a.Tags) != 1 || b.Tags[0] != a.Tags[0] || *a.MaxSessionDuration != *b.MaxSessionDuration {
		t.Errorf("appender %s\nencoding/xml %s", got, std)
	}
}

func TestWriteErrorShape(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, nil, reqID, InvalidAction("Nope", ""))
	want := `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation Nope for version NO_VERSION_SPECIFIED</Message></Error><RequestId>` + reqID + `</RequestId></ErrorResponse>`
	if rec.Body.String() != want || rec.Code != 400 {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	WriteError(rec, apimodel.IAM, reqID, apierr.New("ServiceFailure", "boom"))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "<Type>Receiver</Type>") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	var nilErr *apierr.Error
	WriteError(rec, apimodel.IAM, reqID, nilErr)
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "InternalFailure") {
		t.Errorf("typed nil: %d %s", rec.Code, rec.Body)
	}
}

func TestLookup(t *testing.T) {
	cases := []struct {
		action, version, code, msg string
	}{
		{"", "2011-06-15", apierr.MissingAction, "Missing Action"},
		{"AssumeRole", "2010-05-08", apierr.InvalidAction, "Could not find operation AssumeRole for version 2010-05-08"},
		{"AssumeRole", "", apierr.InvalidAction, "Could not find operation AssumeRole for version NO_VERSION_SPECIFIED"},
		{"CreateRole", "2011-06-15", apierr.InvalidAction, "Could not find operation CreateRole for version 2011-06-15"},
	}
	for _, c := range cases {
		_, err := Lookup(apimodel.STS, c.action, c.version)
		e, ok := apierr.As(err)
		if !ok || e.Code != c.code || e.Message != c.msg {
			t.Errorf("Lookup(%q, %q) = %v", c.action, c.version, err)
		}
	}
	op, err := Lookup(apimodel.STS, "AssumeRole", "2011-06-15")
	if err != nil || op.Name != "AssumeRole" {
		t.Errorf("Lookup = %v, %v", op, err)
	}
}

func BenchmarkWriteResponseGetCallerIdentity(b *testing.B) {
	op := apimodel.STS.Operations["GetCallerIdentity"]
	out := &stsapi.GetCallerIdentityResponse{UserId: "AIDAEXAMPLE", Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/alice"}
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteResponse(w, apimodel.STS, op, reqID, out); err != nil {
			b.Fatal(err)
		}
	}
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
