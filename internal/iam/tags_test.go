package iam

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/store"
)

func tagString(tags []store.Tag) string {
	var b []string
	for _, t := range tags {
		b = append(b, t.Key+"="+t.Value)
	}
	return strings.Join(b, ",")
}

func TestMergeTagList(t *testing.T) {
	have := []store.Tag{{Key: "Team", Value: "blue"}, {Key: "env", Value: "dev"}}
	fifty := make([]iamapi.Tag, 48)
	for i := range fifty {
		fifty[i] = iamapi.Tag{Key: fmt.Sprintf("k%d", i)}
	}
	for _, tc := range []struct {
		name string
		add  []iamapi.Tag
		want string
		code string
	}{
		{"replace any case, append new", []iamapi.Tag{{Key: "TEAM", Value: "red"}, {Key: "o", Value: "1"}}, "TEAM=red,env=dev,o=1", ""},
		{"nothing", nil, "Team=blue,env=dev", ""},
		{"duplicate in request", []iamapi.Tag{{Key: "a"}, {Key: "A"}}, "", codeInvalidInput},
		{"exactly fifty", fifty, "", ""},
		{"fifty-one", append(fifty, iamapi.Tag{Key: "x"}), "", codeLimitExceeded},
	} {
		got, err := mergeTagList(have, tc.add, "TagsPerUser")
		if tc.code != "" {
			if e, ok := apierr.As(err); !ok || e.Code != tc.code {
				t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if tc.want != "" && tagString(got) != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, tagString(got), tc.want)
		}
	}
	if tagString(have) != "Team=blue,env=dev" {
		t.Fatalf("input changed: %s", tagString(have))
	}
}

func TestRemoveTagKeys(t *testing.T) {
	have := []store.Tag{{Key: "Team"}, {Key: "env"}, {Key: "x"}}
	if got := tagString(removeTagKeys(have, []string{"team", "absent", "X"})); got != "env=" {
		t.Fatalf("got %s", got)
	}
}

func TestPageTagList(t *testing.T) {
	tags := []store.Tag{{Key: "z"}, {Key: "a"}, {Key: "m"}}
	var keys []string
	marker := ""
	two := int32(2)
	for i := 0; i < 3; i++ {
		page, truncated, next, err := pageTagList(tags, marker, &two)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range page {
			keys = append(keys, tg.Key)
		}
		if !*truncated {
			break
		}
		marker = next
	}
	// Key order, as IAM sorts listed tags.
	if strings.Join(keys, "") != "amz" {
		t.Fatalf("keys = %v", keys)
	}
	if _, _, _, err := pageTagList(tags, "%%%", &two); err == nil {
		t.Fatal("bad marker accepted")
	}
}

func TestNewTagList(t *testing.T) {
	tag := func(k, v string) iamapi.Tag { return iamapi.Tag{Key: k, Value: v} }
	for _, tc := range []struct {
		name string
		in   []iamapi.Tag
		n    int
		ok   bool
	}{
		{"none", nil, 0, true},
		{"distinct", []iamapi.Tag{tag("a", "1"), tag("b", "")}, 2, true},
		{"same key", []iamapi.Tag{tag("a", "1"), tag("a", "2")}, 0, false},
		{"keys differ only in case", []iamapi.Tag{tag("Team", "1"), tag("team", "2")}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := newTagList(tc.in)
			if (err == nil) != tc.ok || len(out) != tc.n {
				t.Fatalf("newTagList = %v, %v", out, err)
			}
			for i := range out {
				if out[i].Key != tc.in[i].Key || out[i].Value != tc.in[i].Value {
					t.Fatalf("tag %d = %+v", i, out[i])
				}
			}
		})
	}
}
