package iam

import (
	"context"
	"sync"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
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
func (s *Service) GenerateCredentialReport(ctx context.Context, call *rpc.Call, _ *struct{}) (*iamapi.GenerateCredentialReportResponse, error) {
	// No resource type in the Service Authorization Reference: "*".
	if err := s.authorize(ctx, call, "iam:GenerateCredentialReport", "*"); err != nil {
		return nil, err
	}
	acct, now := call.Principal.AccountID, callTime(call)
	if r, ok := s.reports.latest(acct); ok && !r.expired(now) {
		return &iamapi.GenerateCredentialReportResponse{State: reportComplete}, nil
	}
	subjects, maxAge, err := s.credentialReportSubjects(ctx, acct)
	if err != nil {
		return nil, err
	}
	s.reports.put(acct, heldReport{content: buildCredentialReport(subjects, maxAge), generated: now})
	return &iamapi.GenerateCredentialReportResponse{State: reportStarted, Description: msgReportStarted}, nil
}

// GetCredentialReport returns the account's latest report: ReportNotPresent
// before any GenerateCredentialReport, ReportExpired once the report is
// older than four hours. The SDKs decode the base64 Content (the model's
// blob) back to the CSV.
func (s *Service) GetCredentialReport(ctx context.Context, call *rpc.Call, _ *struct{}) (*iamapi.GetCredentialReportResponse, error) {
	if err := s.authorize(ctx, call, "iam:GetCredentialReport", "*"); err != nil {
		return nil, err
	}
	r, ok := s.reports.latest(call.Principal.AccountID)
	if !ok {
		return nil, apierr.New(codeReportNotPresent, msgReportRefusal)
	}
	if r.expired(callTime(call)) {
		return nil, apierr.New(codeReportExpired, msgReportRefusal)
	}
	return &iamapi.GetCredentialReportResponse{Content: r.content, ReportFormat: reportFormatCSV, GeneratedTime: r.generated}, nil
}

// maxHeldReports bounds the accounts whose reports are held in memory;
// past it, the oldest report makes room.
const maxHeldReports = 1024

// credentialReports holds each account's latest credential report. It is
// kept in memory, not in the store: a report is a four-hour snapshot that
// IAM would rebuild anyway, so a restart (or, with a shared PostgreSQL
// store, another node) answers ReportNotPresent until the next Generate.
// The zero value is ready to use and safe for concurrent use.
type credentialReports struct {
	mu        sync.Mutex
	byAccount map[string]heldReport
}

// heldReport is an account's latest report. Content is dropped when the
// report expires; its time stays so that Get can answer ReportExpired
// rather than ReportNotPresent.
type heldReport struct {
	content   []byte
	generated time.Time
}

// expired reports whether the report is older than four hours at now.
func (r heldReport) expired(now time.Time) bool {
	return now.Sub(r.generated) > credentialReportLifetime
}

// latest returns the account's latest report, if any.
func (c *credentialReports) latest(acct string) (heldReport, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.byAccount[acct]
	return r, ok
}

// put makes r the account's latest report. It frees the content of
// expired reports (judged at r's time) and, at the bound, forgets the
// oldest report of another account.
func (c *credentialReports) put(acct string, r heldReport) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byAccount == nil {
		c.byAccount = map[string]heldReport{}
	}
	oldest := ""
	for a, h := range c.byAccount {
		if h.content != nil && h.expired(r.generated) {
			h.content = nil
			c.byAccount[a] = h
		}
		if oldest == "" || h.generated.Before(c.byAccount[oldest].generated) {
			oldest = a
		}
	}
	if _, ok := c.byAccount[acct]; !ok && len(c.byAccount) >= maxHeldReports {
		delete(c.byAccount, oldest)
	}
	c.byAccount[acct] = r
}
