package iam

import (
	"bytes"
	"encoding/csv"
	"sort"
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/store"
)

// credentialReportColumns is the report's header, in the order of the IAM
// User Guide, "Getting credential reports for your AWS account",
// "Understanding the report format" (awsdocs/iam-user-guide,
// doc_source/id_credentials_getting-report.md).
var credentialReportColumns = []string{
	"user", "arn", "user_creation_time",
	"password_enabled", "password_last_used", "password_last_changed", "password_next_rotation",
	"mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated",
	"cert_2_active", "cert_2_last_rotated",
}

// The report's placeholder values (same User Guide section): "N/A" where a
// credential is absent or unused, "no_information" for a password never
// used to sign in, "not_supported" for the root's password fields, and the
// root's row named "<root_account>". Booleans are lower case, as reports
// from AWS have them (e.g. the report quoted in prowler-cloud/prowler#1929:
// "'access_key_1_active': 'true'").
const (
	reportNA            = "N/A"
	reportNoInformation = "no_information"
	reportNotSupported  = "not_supported"
	reportRootName      = "<root_account>"
)

// reportTimeLayout is ISO 8601 with a numeric UTC offset, as AWS writes
// the report's times ("2015-06-24T12:45:00+00:00" in the report quoted by
// guardian/security-hq, hq/test/aws/iam/CredentialsReportTest.scala),
// unlike the "Z" of the XML responses.
const reportTimeLayout = "2006-01-02T15:04:05+00:00"

// reportSubject is one row of the report: the account root or an IAM user
// with the credentials it holds.
type reportSubject struct {
	root    bool
	name    string
	arn     string
	created time.Time
	// profile is the user's login profile; nil when the user has no
	// password (always nil for the root, whose password IAM does not
	// report).
	profile *store.LoginProfile
	// passwordLastUsed is the last console sign-in; zero when never.
	passwordLastUsed time.Time
	mfa              bool
	keys             []store.AccessKey
	certs            []store.SigningCertificate
}

// buildCredentialReport renders subjects (the root first, then the users)
// as the report's CSV. maxPasswordAge is the account password policy's
// MaxPasswordAge in days, 0 when passwords do not expire.
//
// Records are separated by "\n" and the last one has none, as in the
// reports quoted by auditing tools' tests (guardian/security-hq, above).
// Fields are quoted only when CSV needs it: IAM names may hold a comma.
func buildCredentialReport(subjects []reportSubject, maxPasswordAge int32) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	// Writes to a bytes.Buffer cannot fail.
	_ = w.Write(credentialReportColumns)
	for i := range subjects {
		_ = w.Write(credentialReportRow(&subjects[i], maxPasswordAge))
	}
	w.Flush()
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// credentialReportRow is the report's row of one subject, a value per
// column of credentialReportColumns.
func credentialReportRow(s *reportSubject, maxPasswordAge int32) []string {
	name := s.name
	if s.root {
		name = reportRootName
	}
	row := make([]string, 0, len(credentialReportColumns))
	row = append(row, name, s.arn, reportTime(s.created))
	row = append(row, passwordColumns(s, maxPasswordAge)...)
	row = append(row, reportBool(s.mfa))

	keys := append([]store.AccessKey(nil), s.keys...)
	// Oldest first: AWS does not document which key is "1"; creation order
	// keeps a key in its column until an older one is deleted.
	sort.Slice(keys, func(i, j int) bool {
		if !keys[i].CreatedAt.Equal(keys[j].CreatedAt) {
			return keys[i].CreatedAt.Before(keys[j].CreatedAt)
		}
		return keys[i].ID < keys[j].ID
	})
	for i := 0; i < iamlimits.AccessKeysPerUser; i++ {
		if i >= len(keys) {
			row = append(row, reportBool(false), reportNA, reportNA, reportNA, reportNA)
			continue
		}
		row = append(row, accessKeyColumns(keys[i])...)
	}

	certs := append([]store.SigningCertificate(nil), s.certs...)
	sort.Slice(certs, func(i, j int) bool {
		if !certs[i].UploadedAt.Equal(certs[j].UploadedAt) {
			return certs[i].UploadedAt.Before(certs[j].UploadedAt)
		}
		return certs[i].ID < certs[j].ID
	})
	for i := 0; i < iamlimits.SigningCertificatesPerUser; i++ {
		if i >= len(certs) {
			row = append(row, reportBool(false), reportNA)
			continue
		}
		// An inactive certificate keeps its date, as an inactive key does.
		row = append(row, reportBool(certs[i].Status == store.AccessKeyActive), reportTime(certs[i].UploadedAt))
	}
	return row
}

// passwordColumns are password_enabled, password_last_used,
// password_last_changed and password_next_rotation. The root's are
// "not_supported" but for its last sign-in, which stsd never records
// (no console), so "no_information". A user's password rotates
// maxPasswordAge days after it was last set (IAM User Guide, "Set an
// account password policy for IAM users": "the number of days that an IAM
// user password is valid"); without that setting the column is "N/A", as
// in every captured report without rotation.
func passwordColumns(s *reportSubject, maxPasswordAge int32) []string {
	if s.root {
		return []string{reportNotSupported, lastSignIn(s.passwordLastUsed), reportNotSupported, reportNotSupported}
	}
	p := s.profile
	if p == nil {
		return []string{reportBool(false), reportNA, reportNA, reportNA}
	}
	changed := p.PasswordChangedAt
	if changed.IsZero() {
		changed = p.CreatedAt
	}
	next := reportNA
	if maxPasswordAge > 0 {
		next = reportTime(changed.Add(time.Duration(maxPasswordAge) * 24 * time.Hour))
	}
	return []string{reportBool(true), lastSignIn(s.passwordLastUsed), reportTime(changed), next}
}

// lastSignIn is password_last_used of a subject that has a password.
func lastSignIn(t time.Time) string {
	if t.IsZero() {
		return reportNoInformation
	}
	return reportTime(t)
}

// accessKeyColumns are the five columns of one access key. An inactive key
// keeps its dates: reports show "false" with a last_rotated date for such
// keys (cloud-custodian/cloud-custodian#5551, prowler-cloud/prowler#1929),
// though the User Guide words last_rotated as N/A "if the user does not
// have an active access key". A never-used key, or a use without a
// region, answers "N/A".
func accessKeyColumns(k store.AccessKey) []string {
	used, region, service := reportNA, reportNA, reportNA
	if !k.LastUsedAt.IsZero() {
		used = reportTime(k.LastUsedAt)
		if k.LastRegion != "" {
			region = k.LastRegion
		}
		if k.LastService != "" {
			service = k.LastService
		}
	}
	return []string{reportBool(k.Status == store.AccessKeyActive), reportTime(k.CreatedAt), used, region, service}
}

// reportTime formats a time as the report does, to the second in UTC.
func reportTime(t time.Time) string { return t.UTC().Format(reportTimeLayout) }

// reportBool formats a boolean as the report does.
func reportBool(b bool) string { return strconv.FormatBool(b) }
