package iam

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// Refusals of tag lists.
const (
	// msgDuplicateTagKeys is IAM's answer to a request naming one tag key
	// twice where keys compare case-insensitively (recorded from AWS in
	// aws-parity-snapshots/localstack/test_sts.snapshot.json; IAM sends it
	// with code InvalidInput).
	msgDuplicateTagKeys = "Duplicate tag keys found. Please note that Tag keys are case insensitive."
	// msgDuplicateExactTagKeys is the same refusal where keys are case
	// sensitive: recorded for CreatePolicy and TagPolicy in LocalStack's
	// tests/aws/services/iam/test_iam_policies.snapshot.json
	// ("err-duplicate-keys", "err-tag-duplicate-keys", InvalidInput, 400).
	msgDuplicateExactTagKeys = "Duplicate tag keys found."
	// msgTagLimit is AWS's LimitExceeded (409) for a TagOpenIDConnectProvider
	// that would leave a provider with more than 50 tags (recorded in
	// LocalStack's tests/aws/services/iam/test_iam_oidc.snapshot.json,
	// "tags-limit-error").
	msgTagLimit = "The number of tags has reached the maximum limit."
	// msgReservedTagKey refuses a key in the reserved aws: namespace (any
	// case: "Don't use aws:, AWS:, or any upper or lowercase combination of
	// such as a prefix", AWS tagging guides). stsd wording, the same as its
	// STS refusal; IAM's text is not recorded anywhere we could find.
	msgReservedTagKey = "Tag keys cannot start with aws:"
)

// tagRules is how one kind of IAM entity treats its tags.
type tagRules struct {
	// caseSensitive makes keys that differ only in case different tags.
	// AWS treats customer managed policies' keys so: CreatePolicy takes
	// "a" and "A" side by side and UntagPolicy of "a" keeps "A" (recorded
	// in test_iam_policies.snapshot.json, "create-with-case-sensitive-tags",
	// "list-after-untag-lowercase"). Users' and roles' keys match
	// case-insensitively, keeping the spelling last given.
	caseSensitive bool
	// overLimit is the LimitExceeded message for a tag request that would
	// leave the entity with more than iamlimits.TagsPerEntity tags.
	overLimit string
}

// quotaTagRules are the case-insensitive rules of users and roles, whose
// tag quota is refused as "Cannot exceed quota for QUOTA: 50" (stsd's
// reading; see internal/app/e2e_iam_users_test.go).
func quotaTagRules(quota string) tagRules {
	return tagRules{overLimit: fmt.Sprintf("Cannot exceed quota for %s: %d", quota, iamlimits.TagsPerEntity)}
}

// sameKey reports whether two tag keys name the same tag.
func (r tagRules) sameKey(a, b string) bool {
	if r.caseSensitive {
		return a == b
	}
	return strings.EqualFold(a, b)
}

// orderKey is a tag's place in listings and in List*Tags markers; keys
// that are the same tag have the same order key, distinct tags distinct
// ones.
func (r tagRules) orderKey(key string) string {
	if r.caseSensitive {
		return key
	}
	return strings.ToLower(key)
}

// check refuses a request's tag list that uses the reserved aws: prefix or
// names one key twice.
func (r tagRules) check(in []iamapi.Tag) error {
	seen := make(map[string]struct{}, len(in))
	for _, t := range in {
		if len(t.Key) >= 4 && strings.EqualFold(t.Key[:4], "aws:") {
			return invalidInput(msgReservedTagKey)
		}
		k := r.orderKey(t.Key)
		if _, dup := seen[k]; dup {
			if r.caseSensitive {
				return invalidInput(msgDuplicateExactTagKeys)
			}
			return invalidInput(msgDuplicateTagKeys)
		}
		seen[k] = struct{}{}
	}
	return nil
}

// create converts the tags of a create request, in the order given. The
// model already bounds the list to 50 and each key and value.
func (r tagRules) create(in []iamapi.Tag) ([]store.Tag, error) {
	if len(in) == 0 {
		return nil, nil
	}
	if err := r.check(in); err != nil {
		return nil, err
	}
	out := make([]store.Tag, len(in))
	for i, t := range in {
		out[i] = store.Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}

// merge adds tags to an entity's tags: a key the entity already has takes
// the new key and value in place, new keys are appended. More than
// iamlimits.TagsPerEntity in the end is refused with r.overLimit; have is not
// changed.
func (r tagRules) merge(have []store.Tag, add []iamapi.Tag) ([]store.Tag, error) {
	if err := r.check(add); err != nil {
		return nil, err
	}
	out := slices.Clone(have)
	for _, t := range add {
		i := slices.IndexFunc(out, func(o store.Tag) bool { return r.sameKey(o.Key, t.Key) })
		if i >= 0 {
			out[i] = store.Tag{Key: t.Key, Value: t.Value}
		} else {
			out = append(out, store.Tag{Key: t.Key, Value: t.Value})
		}
	}
	if len(out) > iamlimits.TagsPerEntity {
		return nil, limitExceeded("%s", r.overLimit)
	}
	return out, nil
}

// remove drops the tags named by keys; keys the entity does not have are
// ignored, as IAM ignores them.
func (r tagRules) remove(have []store.Tag, keys []string) []store.Tag {
	var out []store.Tag
	for _, t := range have {
		if !slices.ContainsFunc(keys, func(k string) bool { return r.sameKey(t.Key, k) }) {
			out = append(out, t)
		}
	}
	return out
}

// sorted returns tags ordered by key ("The returned list of tags is sorted
// by tag key", IAM API reference, e.g. ListRoleTags). Case-sensitive keys
// sort by their bytes, as AWS lists a policy's "A" before its "a"
// (test_iam_policies.snapshot.json, "list-case-sensitive-tags").
func (r tagRules) sorted(tags []store.Tag) []store.Tag {
	out := slices.Clone(tags)
	slices.SortStableFunc(out, func(a, b store.Tag) int { return strings.Compare(r.orderKey(a.Key), r.orderKey(b.Key)) })
	return out
}

// page returns one page of tags for the List*Tags operations, in key
// order, which also keeps pages stable while tags are added.
func (r tagRules) page(tags []store.Tag, marker string, maxItems *int32) ([]iamapi.Tag, *bool, string, error) {
	got, truncated, next, err := pageSlice(r.sorted(tags), marker, maxItems, func(t store.Tag) string { return r.orderKey(t.Key) })
	if err != nil {
		return nil, nil, "", err
	}
	out := tagsOut(got)
	if out == nil {
		out = []iamapi.Tag{}
	}
	return out, truncated, next, nil
}

// newTagList converts the tags of a create request for an entity whose
// keys compare case-insensitively, refusing a key given twice.
func newTagList(in []iamapi.Tag) ([]store.Tag, error) { return tagRules{}.create(in) }

// mergeTagList merges tags into a user's or role's tags (tagRules.merge);
// more than iamlimits.TagsPerEntity is LimitExceeded "Cannot exceed quota for
// <quota>: 50".
func mergeTagList(have []store.Tag, add []iamapi.Tag, quota string) ([]store.Tag, error) {
	return quotaTagRules(quota).merge(have, add)
}

// removeTagKeys drops the tags whose keys match keys case-insensitively.
func removeTagKeys(have []store.Tag, keys []string) []store.Tag { return tagRules{}.remove(have, keys) }

// pageTagList returns one page of case-insensitively keyed tags for the
// List*Tags operations.
func pageTagList(tags []store.Tag, marker string, maxItems *int32) ([]iamapi.Tag, *bool, string, error) {
	return tagRules{}.page(tags, marker, maxItems)
}

// tagTarget is the tagged entity a Tag*, Untag* or List*Tags request
// names, for the operations that share one implementation (policies,
// providers, MFA devices, instance profiles).
type tagTarget struct {
	rules tagRules
	// read returns the entity's tags, or the refusal its type's Get
	// operation gives for a missing entity (NoSuchEntity).
	read func(ctx context.Context, r store.Reader) ([]store.Tag, error)
	// write reads the entity again in tx and stores it with the tags that
	// edit makes of its current ones.
	write func(ctx context.Context, tx store.Tx, edit func([]store.Tag) ([]store.Tag, error)) error
}

// rowTags is the tag target of one stored row: find reads it, refusing a
// missing one as its type's Get operation does, tags points at its tags,
// and update writes it back in the transaction.
func rowTags[R any](rules tagRules, find func(ctx context.Context, r store.Reader) (R, error), tags func(*R) *[]store.Tag, update func(ctx context.Context, tx store.Tx, row R) error) tagTarget {
	return tagTarget{
		rules: rules,
		read: func(ctx context.Context, r store.Reader) ([]store.Tag, error) {
			row, err := find(ctx, r)
			return *tags(&row), err
		},
		write: func(ctx context.Context, tx store.Tx, edit func([]store.Tag) ([]store.Tag, error)) error {
			row, err := find(ctx, tx)
			if err != nil {
				return err
			}
			t := tags(&row)
			if *t, err = edit(*t); err != nil {
				return err
			}
			return update(ctx, tx, row)
		},
	}
}

// tagEntity adds tags to the entity, authorized on resource with the
// tags passed (aws:RequestTag/KEY, aws:TagKeys) and those it has.
func (s *Service) tagEntity(ctx context.Context, call *rpc.Call, action, resource string, t tagTarget, add []iamapi.Tag) (*struct{}, error) {
	return s.editEntityTags(ctx, call, action, resource, t, func(have []store.Tag) ([]store.Tag, error) {
		return t.rules.merge(have, add)
	}, withRequestTags(add)...)
}

// untagEntity removes tags from the entity by key, authorized with the
// keys as aws:TagKeys (Service Authorization Reference: the Untag* actions
// take aws:TagKeys).
func (s *Service) untagEntity(ctx context.Context, call *rpc.Call, action, resource string, t tagTarget, keys []string) (*struct{}, error) {
	return s.editEntityTags(ctx, call, action, resource, t, func(have []store.Tag) ([]store.Tag, error) {
		return t.rules.remove(have, keys), nil
	}, withKey("aws:TagKeys", keys...))
}

// editEntityTags authorizes action, then rewrites the entity's tags with
// edit in one transaction.
func (s *Service) editEntityTags(ctx context.Context, call *rpc.Call, action, resource string, t tagTarget, edit func([]store.Tag) ([]store.Tag, error), extra ...contextKey) (*struct{}, error) {
	if _, err := s.authorizeTagged(ctx, call, action, resource, t, extra...); err != nil {
		return nil, err
	}
	if err := s.store.Update(ctx, func(tx store.Tx) error { return t.write(ctx, tx, edit) }); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// listEntityTags returns one page of the entity's tags in key order.
func (s *Service) listEntityTags(ctx context.Context, call *rpc.Call, action, resource string, t tagTarget, marker string, maxItems *int32) ([]iamapi.Tag, *bool, string, error) {
	have, err := s.authorizeTagged(ctx, call, action, resource, t)
	if err != nil {
		return nil, nil, "", err
	}
	return t.rules.page(have, marker, maxItems)
}

// authorizeTagged reads the entity, authorizes action on resource with its
// tags as aws:ResourceTag/KEY, and only then refuses a missing entity, so
// a caller without permission learns nothing of what exists. It returns
// the tags read.
func (s *Service) authorizeTagged(ctx context.Context, call *rpc.Call, action, resource string, t tagTarget, extra ...contextKey) ([]store.Tag, error) {
	have, readErr := t.read(ctx, s.store)
	if readErr != nil && !isNoSuchEntity(readErr) {
		return nil, readErr
	}
	keys := make([]contextKey, 0, len(have)+len(extra))
	for _, tg := range have {
		keys = append(keys, withKey("aws:ResourceTag/"+tg.Key, tg.Value))
	}
	if err := s.authorize(ctx, call, action, resource, append(keys, extra...)...); err != nil {
		return nil, err
	}
	return have, readErr
}

// isNoSuchEntity reports whether err is IAM's NoSuchEntity refusal.
func isNoSuchEntity(err error) bool {
	e, ok := apierr.As(err)
	return ok && e.Code == codeNoSuchEntity
}
