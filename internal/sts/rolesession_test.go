package sts

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// roleUse is one RoleUsed notification.
type roleUse struct {
	account, name, region string
	at                    time.Time
}

// mintService is a Service that can seal tokens and records the role uses
// it is told of.
func mintService(t *testing.T) (*Service, *[]roleUse) {
	t.Helper()
	ring, err := session.NewRing(session.Key{ID: 1, Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	var uses []roleUse
	s := New(Config{Store: &fakeStore{}, Ring: func() *session.Ring { return ring }, RoleUsed: func(account, name, region string, at time.Time) {
		uses = append(uses, roleUse{account, name, region, at})
	}})
	return s, &uses
}

func mintSpec(notAfter time.Time) roleSessionSpec {
	return roleSessionSpec{
		role:     store.Role{AccountID: "123456789012", Name: "dev", ID: "AROAEXAMPLE000000001", Path: "/"},
		roleARN:  "arn:aws:iam::123456789012:role/dev",
		name:     "s1",
		duration: 3600,
		notAfter: notAfter,
		expired:  samlExpired,
	}
}

// mint truncates the session's start to the second once, caps the
// expiration at notAfter (itself truncated), and records the role's use in
// the call's region, or the global endpoint's for an unsigned call.
func TestMintTimesAndLastUse(t *testing.T) {
	s, uses := mintService(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 600_000_000, time.FixedZone("x", 3600))
	issued := at.UTC().Truncate(time.Second)

	spec := mintSpec(time.Time{})
	m, err := s.mint(&rpc.Call{Time: at, Region: "eu-west-2"}, &spec)
	if err != nil {
		t.Fatal(err)
	}
	if !m.creds.Expiration.Equal(issued.Add(time.Hour)) || m.creds.Expiration.Location() != time.UTC {
		t.Fatalf("expiration %v, want %v", m.creds.Expiration, issued.Add(time.Hour))
	}
	if m.user.Arn != "arn:aws:sts::123456789012:assumed-role/dev/s1" || m.user.AssumedRoleId != "AROAEXAMPLE000000001:s1" || m.packed != nil {
		t.Fatalf("minted %+v %v", m.user, m.packed)
	}

	spec = mintSpec(at.Add(20*time.Minute + 300*time.Millisecond))
	m, err = s.mint(&rpc.Call{Time: at}, &spec)
	if err != nil {
		t.Fatal(err)
	}
	if want := issued.Add(20 * time.Minute); !m.creds.Expiration.Equal(want) {
		t.Fatalf("capped expiration %v, want %v", m.creds.Expiration, want)
	}

	want := []roleUse{{"123456789012", "dev", "eu-west-2", issued}, {"123456789012", "dev", unsignedRegion, issued}}
	if len(*uses) != len(want) {
		t.Fatalf("uses %v, want %v", *uses, want)
	}
	for i, u := range *uses {
		if u.account != want[i].account || u.name != want[i].name || u.region != want[i].region || !u.at.Equal(want[i].at) {
			t.Fatalf("use %d = %+v, want %+v", i, u, want[i])
		}
	}
}

// A notAfter that leaves no whole second after the start is refused with
// the flow's error, and the role is not marked used.
func TestMintExpired(t *testing.T) {
	s, uses := mintService(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 100_000_000, time.UTC)
	for _, notAfter := range []time.Time{at.Add(-time.Minute), at.Add(500 * time.Millisecond)} {
		spec := mintSpec(notAfter)
		_, err := s.mint(&rpc.Call{Time: at}, &spec)
		var ae *apierr.Error
		if !errors.As(err, &ae) || ae.Code != codeExpiredToken || ae.Message != msgSAMLExpired {
			t.Fatalf("notAfter %v: err = %v", notAfter, err)
		}
	}
	if len(*uses) != 0 {
		t.Fatalf("refused sessions recorded uses: %v", *uses)
	}
}
