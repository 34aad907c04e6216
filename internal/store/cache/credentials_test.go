package cache_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
)

// credentialReads renders every login profile, password policy and user
// credential read of user Ann, so two stores' answers compare as strings.
func credentialReads(s store.Reader) map[string]string {
	out := map[string]string{}
	p, err := s.GetLoginProfile(bg, acct, "Ann")
	out["login profile"] = fmt.Sprintf("%+v %v", p, err)
	pp, err := s.GetPasswordPolicy(bg, acct)
	out["password policy"] = fmt.Sprintf("%+v %v", pp, err)
	ks, err := s.ListSSHPublicKeys(bg, acct, "Ann")
	out["ssh keys"] = fmt.Sprintf("%+v %v", ks, err)
	k, err := s.GetSSHPublicKey(bg, acct, "Ann", "APKAANN")
	out["ssh key"] = fmt.Sprintf("%+v %v", k, err)
	cs, err := s.ListSigningCertificates(bg, acct, "Ann")
	out["certificates"] = fmt.Sprintf("%+v %v", cs, err)
	rc, err := s.ListSigningCertificates(bg, acct, "")
	out["root certificates"] = fmt.Sprintf("%+v %v", rc, err)
	scs, err := s.ListServiceSpecificCredentials(bg, acct, "Ann")
	out["service credentials"] = fmt.Sprintf("%+v %v", scs, err)
	sc, err := s.GetServiceSpecificCredential(bg, acct, "Ann", "ACCAANN")
	out["service credential"] = fmt.Sprintf("%+v %v", sc, err)
	return out
}

// TestCredentialReadsPassThrough warms every credential read through the
// cache, then writes each kind straight to the backend, as another node
// sharing the database would, and checks the cache answers as the backend
// does at once, with no refresh: it holds none of these reads, which is
// why no write invalidates them.
func TestCredentialReadsPassThrough(t *testing.T) {
	back := openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))
	c := cache.New(back)
	defer c.Close()
	seedGroups(t, c)
	cases := []struct {
		name  string
		write func(tx store.Tx) error
	}{
		{"put login profile", func(tx store.Tx) error {
			return tx.PutLoginProfile(bg, store.LoginProfile{AccountID: acct, UserName: "Ann", PasswordHash: "h1"})
		}},
		{"replace login profile", func(tx store.Tx) error {
			return tx.PutLoginProfile(bg, store.LoginProfile{AccountID: acct, UserName: "Ann", PasswordHash: "h2", PasswordResetRequired: true})
		}},
		{"put password policy", func(tx store.Tx) error {
			return tx.PutPasswordPolicy(bg, store.PasswordPolicy{AccountID: acct, MinimumPasswordLength: 10})
		}},
		{"upload SSH key", func(tx store.Tx) error {
			return tx.CreateSSHPublicKey(bg, store.SSHPublicKey{AccountID: acct, UserName: "Ann", ID: "APKAANN", Body: "ssh-rsa A", Status: store.AccessKeyActive})
		}},
		{"deactivate SSH key", func(tx store.Tx) error {
			return tx.UpdateSSHPublicKey(bg, store.SSHPublicKey{AccountID: acct, UserName: "Ann", ID: "APKAANN", Status: store.AccessKeyInactive})
		}},
		{"upload root certificate", func(tx store.Tx) error {
			return tx.CreateSigningCertificate(bg, store.SigningCertificate{AccountID: acct, ID: "CERTROOT", Status: store.AccessKeyActive})
		}},
		{"upload user certificate", func(tx store.Tx) error {
			return tx.CreateSigningCertificate(bg, store.SigningCertificate{AccountID: acct, UserName: "Ann", ID: "CERTANN", Status: store.AccessKeyActive})
		}},
		{"create service credential", func(tx store.Tx) error {
			return tx.CreateServiceSpecificCredential(bg, store.ServiceSpecificCredential{AccountID: acct, UserName: "Ann", ID: "ACCAANN",
				Secret: []byte("s1"), Status: store.AccessKeyActive})
		}},
		{"reset service credential", func(tx store.Tx) error {
			return tx.UpdateServiceSpecificCredential(bg, store.ServiceSpecificCredential{AccountID: acct, UserName: "Ann", ID: "ACCAANN",
				Secret: []byte("s2"), Status: store.AccessKeyActive})
		}},
		{"delete the lot", func(tx store.Tx) error {
			return errors.Join(tx.DeleteLoginProfile(bg, acct, "Ann"), tx.DeletePasswordPolicy(bg, acct),
				tx.DeleteSSHPublicKey(bg, acct, "Ann", "APKAANN"), tx.DeleteSigningCertificate(bg, acct, "", "CERTROOT"),
				tx.DeleteSigningCertificate(bg, acct, "Ann", "CERTANN"), tx.DeleteServiceSpecificCredential(bg, acct, "Ann", "ACCAANN"))
		}},
	}
	for _, tc := range cases {
		before := credentialReads(c)
		if err := back.Update(bg, tc.write); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, got := credentialReads(back), credentialReads(c)
		if fmt.Sprint(want) == fmt.Sprint(before) {
			t.Fatalf("%s changed no answer: the case proves nothing", tc.name)
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: cache answers %s = %s, backend %s", tc.name, k, got[k], w)
			}
		}
	}
}
