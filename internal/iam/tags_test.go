package iam

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/iamlimits"
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

func TestTagRules(t *testing.T) {
	tag := func(k, v string) iamapi.Tag { return iamapi.Tag{Key: k, Value: v} }
	have := []store.Tag{{Key: "owner", Value: "ops"}, {Key: "Env", Value: "dev"}}
	folded := tagRules{overLimit: "folded over"}
	exact := tagRules{caseSensitive: true, overLimit: "exact over"}
	for _, tc := range []struct {
		name  string
		rules tagRules
		add   []iamapi.Tag
		want  string // tags after merge, or the refusal's code and message
	}{
		{"folded replaces any case", folded, []iamapi.Tag{tag("OWNER", "sre")}, "OWNER=sre,Env=dev"},
		{"exact adds a case variant", exact, []iamapi.Tag{tag("OWNER", "sre")}, "owner=ops,Env=dev,OWNER=sre"},
		{"exact replaces the same key", exact, []iamapi.Tag{tag("owner", "sre")}, "owner=sre,Env=dev"},
		{"folded duplicate", folded, []iamapi.Tag{tag("a", ""), tag("A", "")}, codeInvalidInput + ": " + msgDuplicateTagKeys},
		{"exact duplicate", exact, []iamapi.Tag{tag("a", ""), tag("a", "")}, codeInvalidInput + ": " + msgDuplicateExactTagKeys},
		{"exact case variants", exact, []iamapi.Tag{tag("a", "1"), tag("A", "2")}, "owner=ops,Env=dev,a=1,A=2"},
		{"reserved prefix", exact, []iamapi.Tag{tag("AwS:x", "")}, codeInvalidInput + ": " + msgReservedTagKey},
		{"reserved prefix folded", folded, []iamapi.Tag{tag("aws:", "")}, codeInvalidInput + ": " + msgReservedTagKey},
		{"aws without colon is fine", folded, []iamapi.Tag{tag("awsome", "1")}, "owner=ops,Env=dev,awsome=1"},
		{"over the limit", exact, fiftyTags(49), codeLimitExceeded + ": exact over"},
		{"up to the limit", folded, fiftyTags(48), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.rules.merge(have, tc.add)
			var s string
			if e, ok := apierr.As(err); ok {
				s = e.Code + ": " + e.Message
			} else if err != nil {
				t.Fatal(err)
			} else {
				s = tagString(got)
			}
			if tc.want == "" {
				if err != nil || len(got) != iamlimits.TagsPerEntity {
					t.Fatalf("got %d tags, %v", len(got), err)
				}
				return
			}
			if s != tc.want {
				t.Fatalf("got %q, want %q", s, tc.want)
			}
		})
	}
	if tagString(have) != "owner=ops,Env=dev" {
		t.Fatalf("input changed: %s", tagString(have))
	}
	if _, err := exact.create([]iamapi.Tag{tag("aws:x", "")}); err == nil {
		t.Fatal("create took an aws: key")
	}

	// Removing: case-insensitively or exactly.
	mixed := []store.Tag{{Key: "a"}, {Key: "A"}, {Key: "b"}}
	if got := tagString(folded.remove(mixed, []string{"A"})); got != "b=" {
		t.Fatalf("folded remove = %s", got)
	}
	if got := tagString(exact.remove(mixed, []string{"a", "B"})); got != "A=,b=" {
		t.Fatalf("exact remove = %s", got)
	}

	// Listing: case-sensitive keys in byte order ("A" before "a"), one
	// page at a time with distinct markers.
	var keys []string
	marker := ""
	one := int32(1)
	for i := 0; i < 4; i++ {
		page, truncated, next, err := exact.page(mixed, marker, &one)
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
	if strings.Join(keys, ",") != "A,a,b" {
		t.Fatalf("exact listing = %v", keys)
	}
}

func fiftyTags(n int) []iamapi.Tag {
	out := make([]iamapi.Tag, n)
	for i := range out {
		out[i] = iamapi.Tag{Key: fmt.Sprintf("k%02d", i)}
	}
	return out
}
