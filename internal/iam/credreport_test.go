package iam

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// crT0 is the fixed clock of these tests.
var crT0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// Expected values follow the IAM User Guide, "Getting credential reports
// for your AWS account" (column meanings, N/A, no_information,
// not_supported) and the reports from AWS quoted in the sources cited in
// credreport_csv.go (lower-case booleans, "+00:00" times, dates of
// inactive keys).
func TestCredentialReportRow(t *testing.T) {
	const acct = "111111111111"
	key := func(id string, created time.Duration, status store.AccessKeyStatus) store.AccessKey {
		return store.AccessKey{ID: id, AccountID: acct, Status: status, CreatedAt: crT0.Add(created)}
	}
	used := func(k store.AccessKey, at time.Duration, service, region string) store.AccessKey {
		k.LastUsedAt, k.LastService, k.LastRegion = crT0.Add(at), service, region
		return k
	}
	cert := func(id string, uploaded time.Duration, status store.AccessKeyStatus) store.SigningCertificate {
		return store.SigningCertificate{ID: id, AccountID: acct, Status: status, UploadedAt: crT0.Add(uploaded)}
	}
	profile := &store.LoginProfile{AccountID: acct, UserName: "alice", CreatedAt: crT0.Add(-72 * time.Hour), PasswordChangedAt: crT0.Add(-48 * time.Hour)}
	const (
		created  = "2026-04-01T12:00:00+00:00" // crT0 - 30 days
		noKeys   = "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A"
		noCerts  = "false,N/A,false,N/A"
		aliceARN = "arn:aws:iam::111111111111:user/alice"
	)
	base := reportSubject{name: "alice", arn: aliceARN, created: crT0.Add(-30 * 24 * time.Hour)}
	with := func(f func(*reportSubject)) reportSubject {
		s := base
		f(&s)
		return s
	}
	for _, tc := range []struct {
		name   string
		sub    reportSubject
		maxAge int32
		want   string
	}{
		{
			name: "bare user",
			sub:  base,
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,false," + noKeys + "," + noCerts,
		},
		{
			name: "root without credentials",
			sub:  reportSubject{root: true, arn: "arn:aws:iam::111111111111:root", created: crT0.Add(-30 * 24 * time.Hour)},
			want: "<root_account>,arn:aws:iam::111111111111:root," + created + ",not_supported,no_information,not_supported,not_supported,false," + noKeys + "," + noCerts,
		},
		{
			name:   "root ignores the password policy",
			sub:    reportSubject{root: true, arn: "arn:aws:iam::111111111111:root", created: crT0, mfa: true},
			maxAge: 90,
			want:   "<root_account>,arn:aws:iam::111111111111:root,2026-05-01T12:00:00+00:00,not_supported,no_information,not_supported,not_supported,true," + noKeys + "," + noCerts,
		},
		{
			name: "password never used, no rotation",
			sub:  with(func(s *reportSubject) { s.profile = profile }),
			want: "alice," + aliceARN + "," + created + ",true,no_information,2026-04-29T12:00:00+00:00,N/A,false," + noKeys + "," + noCerts,
		},
		{
			name: "password used, rotation after 90 days",
			sub: with(func(s *reportSubject) {
				s.profile, s.passwordLastUsed = profile, crT0.Add(-time.Hour)
			}),
			maxAge: 90,
			want:   "alice," + aliceARN + "," + created + ",true,2026-05-01T11:00:00+00:00,2026-04-29T12:00:00+00:00,2026-07-28T12:00:00+00:00,false," + noKeys + "," + noCerts,
		},
		{
			name: "login profile without a change time falls back to its creation",
			sub: with(func(s *reportSubject) {
				s.profile = &store.LoginProfile{AccountID: acct, UserName: "alice", CreatedAt: crT0}
			}),
			want: "alice," + aliceARN + "," + created + ",true,no_information,2026-05-01T12:00:00+00:00,N/A,false," + noKeys + "," + noCerts,
		},
		{
			name: "sign-in recorded after the password was removed",
			sub:  with(func(s *reportSubject) { s.passwordLastUsed = crT0 }),
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,false," + noKeys + "," + noCerts,
		},
		{
			name: "mfa",
			sub:  with(func(s *reportSubject) { s.mfa = true }),
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,true," + noKeys + "," + noCerts,
		},
		{
			name: "one unused active key",
			sub: with(func(s *reportSubject) {
				s.keys = []store.AccessKey{key("AKIAB", -time.Hour, store.AccessKeyActive)}
			}),
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,false,true,2026-05-01T11:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A," + noCerts,
		},
		{
			name: "two keys in creation order, inactive one keeps its dates",
			sub: with(func(s *reportSubject) {
				s.keys = []store.AccessKey{
					used(key("AKIAA", -time.Hour, store.AccessKeyActive), -time.Minute, "sts", "eu-west-1"),
					used(key("AKIAZ", -2*time.Hour, store.AccessKeyInactive), -90*time.Minute, "iam", "us-east-1"),
				}
			}),
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,false," +
				"false,2026-05-01T10:00:00+00:00,2026-05-01T10:30:00+00:00,us-east-1,iam," +
				"true,2026-05-01T11:00:00+00:00,2026-05-01T11:59:00+00:00,eu-west-1,sts," + noCerts,
		},
		{
			name: "keys created in the same second order by id",
			sub: with(func(s *reportSubject) {
				s.keys = []store.AccessKey{key("AKIAZ", 0, store.AccessKeyInactive), key("AKIAA", 0, store.AccessKeyActive)}
			}),
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,false," +
				"true,2026-05-01T12:00:00+00:00,N/A,N/A,N/A,false,2026-05-01T12:00:00+00:00,N/A,N/A,N/A," + noCerts,
		},
		{
			name: "use without region or service",
			sub: with(func(s *reportSubject) {
				s.keys = []store.AccessKey{used(key("AKIAA", 0, store.AccessKeyActive), time.Second, "", "")}
			}),
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,false," +
				"true,2026-05-01T12:00:00+00:00,2026-05-01T12:00:01+00:00,N/A,N/A,false,N/A,N/A,N/A,N/A," + noCerts,
		},
		{
			name: "certificates in upload order",
			sub: with(func(s *reportSubject) {
				s.certs = []store.SigningCertificate{cert("C2", time.Hour, store.AccessKeyActive), cert("C1", 0, store.AccessKeyInactive)}
			}),
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,false," + noKeys +
				",false,2026-05-01T12:00:00+00:00,true,2026-05-01T13:00:00+00:00",
		},
		{
			name: "times in other zones are written in UTC",
			sub: with(func(s *reportSubject) {
				s.certs = []store.SigningCertificate{cert("C1", 0, store.AccessKeyActive)}
				s.certs[0].UploadedAt = s.certs[0].UploadedAt.In(time.FixedZone("X", 5*3600))
			}),
			want: "alice," + aliceARN + "," + created + ",false,N/A,N/A,N/A,false," + noKeys + ",true,2026-05-01T12:00:00+00:00,false,N/A",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			row := credentialReportRow(&tc.sub, tc.maxAge)
			if len(row) != len(credentialReportColumns) {
				t.Fatalf("%d values for %d columns", len(row), len(credentialReportColumns))
			}
			if got := strings.Join(row, ","); got != tc.want {
				t.Errorf("row\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestBuildCredentialReport(t *testing.T) {
	const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
		"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
		"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
	empty := ",N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
	got := string(buildCredentialReport([]reportSubject{
		{root: true, arn: "arn:aws:iam::111111111111:root", created: crT0},
		{name: "a,b", arn: "arn:aws:iam::111111111111:user/a,b", created: crT0},
	}, 0))
	want := header + "\n" +
		"<root_account>,arn:aws:iam::111111111111:root,2026-05-01T12:00:00+00:00,not_supported,no_information,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		`"a,b","arn:aws:iam::111111111111:user/a,b",2026-05-01T12:00:00+00:00,false` + empty
	if got != want {
		t.Fatalf("report\n got %q\nwant %q", got, want)
	}
	// A CSV reader takes it back, names with commas intact.
	recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil || len(recs) != 3 || recs[2][0] != "a,b" {
		t.Fatalf("read back: %q, %v", recs, err)
	}
}

// TestCredentialReportLifecycle walks one account through the states IAM
// documents: no report, STARTED, COMPLETE within four hours (the report
// unchanged), ReportExpired after, STARTED again with a new report.
func TestCredentialReportLifecycle(t *testing.T) {
	ctx := context.Background()
	st := outboundStore(t)
	s := New(Config{Store: st})
	call := rootCall("111111111111")
	at := func(d time.Duration) { call.Time = crT0.Add(d) }
	at(0)

	_, err := s.GetCredentialReport(ctx, call, &struct{}{})
	wantRefusal(t, "get before generate", err, codeReportNotPresent, "")

	gen, err := s.GenerateCredentialReport(ctx, call, &struct{}{})
	if err != nil || gen.State != reportStarted || gen.Description != msgReportStarted {
		t.Fatalf("first generate = %+v, %v", gen, err)
	}
	first, err := s.GetCredentialReport(ctx, call, &struct{}{})
	if err != nil || first.ReportFormat != "text/csv" || !first.GeneratedTime.Equal(crT0) {
		t.Fatalf("get = %+v, %v", first, err)
	}
	lines := strings.Split(string(first.Content), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "<root_account>,arn:aws:iam::111111111111:root,") {
		t.Fatalf("report of an account without users:\n%s", first.Content)
	}

	// A user created after the report is not in it until the report is
	// four hours old.
	err = st.Update(ctx, func(tx store.Tx) error {
		return tx.CreateUser(ctx, store.User{AccountID: "111111111111", Name: "bob", ID: "AIDABOB", Path: "/", CreatedAt: crT0})
	})
	if err != nil {
		t.Fatal(err)
	}
	at(4 * time.Hour)
	gen, err = s.GenerateCredentialReport(ctx, call, &struct{}{})
	if err != nil || gen.State != reportComplete || gen.Description != "" {
		t.Fatalf("generate within four hours = %+v, %v", gen, err)
	}
	same, err := s.GetCredentialReport(ctx, call, &struct{}{})
	if err != nil || string(same.Content) != string(first.Content) || !same.GeneratedTime.Equal(crT0) {
		t.Fatalf("get within four hours = %+v, %v", same, err)
	}

	at(4*time.Hour + time.Second)
	_, err = s.GetCredentialReport(ctx, call, &struct{}{})
	wantRefusal(t, "get after four hours", err, codeReportExpired, "")

	gen, err = s.GenerateCredentialReport(ctx, call, &struct{}{})
	if err != nil || gen.State != reportStarted {
		t.Fatalf("generate after expiry = %+v, %v", gen, err)
	}
	fresh, err := s.GetCredentialReport(ctx, call, &struct{}{})
	if err != nil || !fresh.GeneratedTime.Equal(call.Time) || !strings.Contains(string(fresh.Content), "\nbob,arn:aws:iam::111111111111:user/bob,") {
		t.Fatalf("new report = %+v, %v", fresh, err)
	}

	// Accounts have reports of their own.
	_, err = s.GetCredentialReport(ctx, rootCall("222222222222"), &struct{}{})
	wantRefusal(t, "other account", err, codeReportNotPresent, "")

	// The report lives in the store: another service on it (another node,
	// or this one restarted) serves the same one and does not replace it.
	other := New(Config{Store: st})
	shared, err := other.GetCredentialReport(ctx, call, &struct{}{})
	if err != nil || string(shared.Content) != string(fresh.Content) || !shared.GeneratedTime.Equal(fresh.GeneratedTime) {
		t.Fatalf("report through another service = %+v, %v", shared, err)
	}
	gen, err = other.GenerateCredentialReport(ctx, call, &struct{}{})
	if err != nil || gen.State != reportComplete {
		t.Fatalf("generate through another service = %+v, %v", gen, err)
	}
}
