package iam

import (
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/store"
)

// maxEntityTags is IAM's quota of tags per user, role, policy, MFA device
// and provider ("Tags per IAM user: 50", IAM User Guide, "IAM and AWS STS
// quotas"). These helpers are shared by every tagged entity.
const maxEntityTags = 50

// msgDuplicateTagKeys is IAM's answer to a request naming one tag key
// twice, keys compared case-insensitively (recorded from AWS in
// aws-parity-snapshots/localstack/test_sts.snapshot.json; IAM sends it
// with code InvalidInput).
const msgDuplicateTagKeys = "Duplicate tag keys found. Please note that Tag keys are case insensitive."

// newTagList converts the tags of a create request, refusing a key given
// twice. The model already bounds the list to 50 and each key and value.
func newTagList(in []iamapi.Tag) ([]store.Tag, error) {
	if len(in) == 0 {
		return nil, nil
	}
	if err := distinctTagKeys(in); err != nil {
		return nil, err
	}
	out := make([]store.Tag, len(in))
	for i, t := range in {
		out[i] = store.Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}

func distinctTagKeys(in []iamapi.Tag) error {
	seen := make(map[string]struct{}, len(in))
	for _, t := range in {
		k := strings.ToLower(t.Key)
		if _, dup := seen[k]; dup {
			return invalidInput(msgDuplicateTagKeys)
		}
		seen[k] = struct{}{}
	}
	return nil
}

// mergeTagList adds tags to an entity's tags: a key the entity already has
// (compared case-insensitively) takes the new key and value in place, new
// keys are appended. More than maxEntityTags in the end is LimitExceeded
// "Cannot exceed quota for <quota>: 50".
func mergeTagList(have []store.Tag, add []iamapi.Tag, quota string) ([]store.Tag, error) {
	if err := distinctTagKeys(add); err != nil {
		return nil, err
	}
	out := append([]store.Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = store.Tag{Key: t.Key, Value: t.Value}
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, store.Tag{Key: t.Key, Value: t.Value})
		}
	}
	if len(out) > maxEntityTags {
		return nil, limitExceeded("Cannot exceed quota for %s: %d", quota, maxEntityTags)
	}
	return out, nil
}

// removeTagKeys drops the tags whose keys match keys case-insensitively.
func removeTagKeys(have []store.Tag, keys []string) []store.Tag {
	var out []store.Tag
	for _, t := range have {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

// pageTagList returns one page of tags for the List*Tags operations,
// ordered by key ("The returned list of tags is sorted by tag key", IAM API
// reference, e.g. ListRoleTags), which also keeps pages stable while tags
// are added.
func pageTagList(tags []store.Tag, marker string, maxItems *int32) ([]iamapi.Tag, *bool, string, error) {
	sorted := append([]store.Tag(nil), tags...)
	slices.SortStableFunc(sorted, func(a, b store.Tag) int { return strings.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key)) })
	got, truncated, next, err := pageSlice(sorted, marker, maxItems, func(t store.Tag) string { return strings.ToLower(t.Key) })
	if err != nil {
		return nil, nil, "", err
	}
	out := tagsOut(got)
	if out == nil {
		out = []iamapi.Tag{}
	}
	return out, truncated, next, nil
}
