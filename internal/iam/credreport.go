package iam

import (
	"context"
	"errors"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// credentialReportHandlers lists the credential report operations.
func (s *Service) credentialReportHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["GenerateCredentialReport"], s.GenerateCredentialReport),
		rpc.Typed(ops["GetCredentialReport"], s.GetCredentialReport),
	}
}

// Credential report error codes (aws-models/iam.json:
// CredentialReportNotPresentException is "ReportNotPresent", 410;
// CredentialReportExpiredException is "ReportExpired", 410).
const (
	codeReportNotPresent = "ReportNotPresent"
	codeReportExpired    = "ReportExpired"
)

// AWS sends its report refusals without a message: LocalStack's
// AWS-validated snapshot of GetCredentialReport before any Generate
// (tests/aws/services/iam/test_iam_credential_report.snapshot.json)
// records Code ReportNotPresent, Type Sender, HTTP 410 and no Message, and
// the AWS CLI prints "ReportNotPresent … operation: Unknown", its word for
// a missing message (prowler-cloud/prowler#272). ReportExpired is assumed
// to be sent the same way; no capture of it was found.
const msgReportRefusal = ""

// GenerateCredentialReport states (the model's ReportStateType) and the
// description AWS gives a new report: "No report exists. Starting a new
// report generation task" with State STARTED, then State COMPLETE without
// a description once a report is ready (AWS CLI output quoted in
// prowler-cloud/prowler#272; aws/aws-cli
// awscli/examples/iam/generate-credential-report.rst). AWS's description
// when it replaces an expired report is not recorded; stsd gives the same
// text.
const (
	reportStarted    = "STARTED"
	reportComplete   = "COMPLETE"
	msgReportStarted = "No report exists. Starting a new report generation task"
	reportFormatCSV  = "text/csv"
)

// credentialReportLifetime is how long a report is served. "You can
// generate a credential report as often as once every four hours. When
// you request a report, IAM first checks whether a report for the AWS
// account has been generated within the past four hours. If so, the most
// recent report is downloaded." (IAM User Guide, "Getting credential
// reports for your AWS account").
const credentialReportLifetime = 4 * time.Hour

// GenerateCredentialReport makes the account's credential report, unless
// one made within the past four hours exists: then it answers COMPLETE
// and changes nothing, as IAM does. AWS generates in the background, so
// its first answer is STARTED; stsd builds the report before answering,
// and answers STARTED too so that clients that wait for COMPLETE see the
// sequence they expect — and never INPROGRESS, nor ReportInProgress from
// GetCredentialReport.
//
// The report is kept in the store, so every node sharing it, and the next
// start, serve it. Two nodes generating at once may both build one; the
// check is repeated in the write so that only the first is kept.
func (s *Service) GenerateCredentialReport(ctx context.Context, call *rpc.Call, _ *struct{}) (*iamapi.GenerateCredentialReportResponse, error) {
	// No resource type in the Service Authorization Reference: "*".
	if err := s.authorize(ctx, call, "iam:GenerateCredentialReport", "*"); err != nil {
		return nil, err
	}
	acct, now := call.Principal.AccountID, callTime(call)
	complete := &iamapi.GenerateCredentialReportResponse{State: reportComplete}
	if fresh, err := freshReport(ctx, s.store, acct, now); err != nil || fresh {
		return complete, err
	}
	subjects, maxAge, err := s.credentialReportSubjects(ctx, acct)
	if err != nil {
		return nil, err
	}
	report := store.CredentialReport{AccountID: acct, Content: buildCredentialReport(subjects, maxAge), GeneratedAt: now}
	var raced bool
	err = s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if raced, err = freshReport(ctx, tx, acct, now); err != nil || raced {
			return err
		}
		return tx.PutCredentialReport(ctx, report)
	})
	if err != nil {
		return nil, err
	}
	if raced {
		return complete, nil
	}
	return &iamapi.GenerateCredentialReportResponse{State: reportStarted, Description: msgReportStarted}, nil
}

// freshReport reports whether the account has a report that has not
// expired at now.
func freshReport(ctx context.Context, r store.Reader, acct string, now time.Time) (bool, error) {
	rep, err := r.GetCredentialReport(ctx, acct)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !reportExpired(rep, now), nil
}

// GetCredentialReport returns the account's latest report: ReportNotPresent
// before any GenerateCredentialReport, ReportExpired once the report is
// older than four hours. The SDKs decode the base64 Content (the model's
// blob) back to the CSV.
func (s *Service) GetCredentialReport(ctx context.Context, call *rpc.Call, _ *struct{}) (*iamapi.GetCredentialReportResponse, error) {
	if err := s.authorize(ctx, call, "iam:GetCredentialReport", "*"); err != nil {
		return nil, err
	}
	r, err := s.store.GetCredentialReport(ctx, call.Principal.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.New(codeReportNotPresent, msgReportRefusal)
	}
	if err != nil {
		return nil, err
	}
	if reportExpired(r, callTime(call)) {
		return nil, apierr.New(codeReportExpired, msgReportRefusal)
	}
	return &iamapi.GetCredentialReportResponse{Content: r.Content, ReportFormat: reportFormatCSV, GeneratedTime: r.GeneratedAt}, nil
}

// reportExpired reports whether r is older than four hours at now.
func reportExpired(r store.CredentialReport, now time.Time) bool {
	return now.Sub(r.GeneratedAt) > credentialReportLifetime
}
