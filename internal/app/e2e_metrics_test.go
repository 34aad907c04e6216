package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// GET /metrics counts what real SDK calls did, by service, operation and
// outcome, in the Prometheus text format.
func TestMetricsEndpoint(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	for range 2 {
		if _, err := h.stsClient(rootKeyID, rootSecret, "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := h.stsClient(rootKeyID, "wrong-secret-wrong-secret-wrong-secret00", "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "SignatureDoesNotMatch", "The request signature we calculated does not match", 403)
	_, err = h.rootIAM().GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	apiError(t, err, "NoSuchEntity", "The user with name nobody cannot be found.", 404)

	resp, err := http.Get(h.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`stsd_requests_total{action="GetCallerIdentity",code="OK",service="sts"} 2`,
		// The signature is checked before the service is known.
		`stsd_requests_total{action="GetCallerIdentity",code="SignatureDoesNotMatch",service="unknown"} 1`,
		`stsd_requests_total{action="GetUser",code="NoSuchEntity",service="iam"} 1`,
		`stsd_request_duration_seconds_count{action="GetCallerIdentity",service="sts"} 2`,
	} {
		if !strings.Contains(string(body), "\n"+want+"\n") {
			t.Errorf("metrics lack the line %q", want)
		}
	}
}
