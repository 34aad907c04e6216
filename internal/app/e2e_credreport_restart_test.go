package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestCredentialReportSurvivesRestart: the report is kept in the store, so
// a restarted stsd (or another node on the same database) serves the same
// report, answers COMPLETE to Generate within four hours, and ReportExpired
// after them.
func TestCredentialReportSurvivesRestart(t *testing.T) {
	h := start(t, withBootstrap(t, crBootstrap))
	ctx := context.Background()
	gen, err := h.crClient("root").GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	if err != nil || gen.State != iamtypes.ReportStateTypeStarted {
		t.Fatalf("GenerateCredentialReport = %+v, %v", gen, err)
	}
	header, order, _, before := crReport(t, h.crClient("root"))

	h.restart()
	root := h.crClient("root") // the restarted server listens elsewhere
	gotHeader, gotOrder, _, after := crReport(t, root)
	if string(after.Content) != string(before.Content) || !after.GeneratedTime.Equal(*before.GeneratedTime) ||
		gotHeader != header || len(gotOrder) != len(order) {
		t.Fatalf("report after restart generated %v:\n%s\nwant generated %v:\n%s", after.GeneratedTime, after.Content,
			before.GeneratedTime, before.Content)
	}
	gen, err = root.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	if err != nil || gen.State != iamtypes.ReportStateTypeComplete {
		t.Fatalf("GenerateCredentialReport after restart = %+v, %v", gen, err)
	}

	h.clock.Add(4*time.Hour + time.Minute)
	h.restart()
	_, err = h.crClient("root").GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	crRefusal(t, err, "ReportExpired", 410)
}
