package sts

import (
	"context"
	"errors"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

type fakeStore struct {
	store.Reader
	keys map[string]store.AccessKey
	fail error
}

func (f *fakeStore) GetAccessKey(_ context.Context, id string) (store.AccessKey, error) {
	if f.fail != nil {
		return store.AccessKey{}, f.fail
	}
	if k, ok := f.keys[id]; ok {
		return k, nil
	}
	return store.AccessKey{}, store.ErrNotFound
}

func TestGetCallerIdentity(t *testing.T) {
	s := New(Config{Store: &fakeStore{}})
	call := &rpc.Call{Principal: &auth.Principal{Type: auth.User, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/alice", UserID: "AIDAEXAMPLE0000000001"}}
	out, err := s.GetCallerIdentity(context.Background(), call, &stsapi.GetCallerIdentityRequest{})
	if err != nil || out.Account != "123456789012" || out.Arn != "arn:aws:iam::123456789012:user/alice" || out.UserId != "AIDAEXAMPLE0000000001" {
		t.Fatalf("%+v %v", out, err)
	}
}

func TestGetAccessKeyInfo(t *testing.T) {
	fs := &fakeStore{keys: map[string]store.AccessKey{
		// An operator-supplied key that does not encode its account.
		"AKIAIOSFODNN7EXAMPLE": {ID: "AKIAIOSFODNN7EXAMPLE", AccountID: "111122223333"},
	}}
	s := New(Config{Store: fs})
	cases := []struct {
		key, account, code string
	}{
		{"AKIAIOSFODNN7EXAMPLE", "111122223333", ""},
		{"ASIAY34FZKBOKMUTVV7A", "609629065308", ""},
		{"AKIAQYLPMN5HHHFPZAM2", "052310077262", ""},
		// Not a 20-character key id: nothing to decode.
		{"AKIAABCDEFGHIJKLMNOPQRSTU", "", apierr.InvalidClientTokenID},
		{"AKIA0000000000000001", "", apierr.InvalidClientTokenID}, // '0','1' are not base32
	}
	for _, c := range cases {
		out, err := s.GetAccessKeyInfo(context.Background(), &rpc.Call{}, &stsapi.GetAccessKeyInfoRequest{AccessKeyId: c.key})
		if c.code != "" {
			if e, ok := apierr.As(err); !ok || e.Code != c.code {
				t.Errorf("%s: err %v, want %s", c.key, err, c.code)
			}
			continue
		}
		if err != nil || out.Account != c.account {
			t.Errorf("%s: %+v %v, want %s", c.key, out, err, c.account)
		}
	}
	fs.fail = errors.New("store down")
	if _, err := s.GetAccessKeyInfo(context.Background(), &rpc.Call{}, &stsapi.GetAccessKeyInfoRequest{AccessKeyId: "AKIAIOSFODNN7EXAMPLE"}); err == nil {
		t.Fatal("store failure hidden")
	} else if _, ok := apierr.As(err); ok {
		t.Fatalf("store failure reported as a refusal: %v", err)
	}
}
