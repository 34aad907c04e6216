package app_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// Tagging of customer managed policies, OIDC and SAML providers and
// virtual MFA devices. Where the messages asserted below come from:
//   - Recorded from AWS (2026-02) in LocalStack's
//     tests/aws/services/iam/test_iam_policies.snapshot.json: a policy's
//     tag keys are case sensitive ("a" and "A" are two tags, listed "A"
//     first; UntagPolicy of "a" keeps "A"), "Duplicate tag keys found."
//     (InvalidInput, 400) for a key given twice, and "Policy ARN was not
//     found." (NoSuchEntity, 404) from TagPolicy and UntagPolicy.
//   - Recorded in LocalStack's test_iam_oidc.snapshot.json: "The number of
//     tags has reached the maximum limit." (LimitExceeded, 409) for a 51st
//     tag on an OIDC provider, and "OpenIDConnect Provider not found for
//     arn ARN" (NoSuchEntity, 404, GetOpenIDConnectProvider).
//   - Recorded in test_iam_saml_providers.snapshot.json: "Manifest not found
//     for arn ARN" (NoSuchEntity, 404, GetSAMLProvider).
//   - Recorded in test_iam_mfa.snapshot.json: "MFA Device with serial number
//     SERIAL does not exist." (NoSuchEntity, 404, DeleteVirtualMFADevice).
//   - "Duplicate tag keys found. Please note that Tag keys are case
//     insensitive." (recorded in test_sts.snapshot.json).
//
// Not confirmed by a recording (stsd's reading, asserted so a change is
// deliberate): the NoSuchEntity texts of the tag operations of OIDC and
// SAML providers and MFA devices (their Get or Delete operations' texts),
// the LimitExceeded text for policies, SAML providers and MFA devices (the
// OIDC one), case-insensitive keys for providers and MFA devices, and the
// refusal of aws: keys, "Tag keys cannot start with aws:" (stsd's STS
// wording; AWS's IAM text is not recorded).

const tagsBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIATAGSROOT00000001, secret: "tagsRootSecret0000000000000000000000000000"}
    users:
      - name: nobody
        access_keys: [{id: AKIATAGSNOBODY000001, secret: "tagsNobodySecret000000000000000000000000"}]
      - name: tagger
        access_keys: [{id: AKIATAGSTAGGER000001, secret: "tagsTaggerSecret000000000000000000000000"}]
        inline_policies:
          tags:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ["iam:TagPolicy", "iam:TagOpenIDConnectProvider", "iam:TagSAMLProvider", "iam:TagMFADevice"]
                Resource: "*"
                Condition: {StringEquals: {"aws:RequestTag/team": "blue"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}
              - Effect: Allow
                Action: ["iam:UntagPolicy", "iam:UntagOpenIDConnectProvider", "iam:UntagSAMLProvider", "iam:UntagMFADevice"]
                Resource: "*"
                Condition: {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}
              - Effect: Allow
                Action: ["iam:ListPolicyTags", "iam:ListOpenIDConnectProviderTags", "iam:ListSAMLProviderTags", "iam:ListMFADeviceTags"]
                Resource: "*"
                Condition: {StringEquals: {"aws:ResourceTag/owner": "ops"}}
`

const tagsAccount = "111111111111"

// tagKind is one tagged entity type, driven through its own operations.
type tagKind struct {
	name string
	// tagOp, untagOp and listOp are the actions, for AccessDenied texts.
	tagOp, untagOp, listOp string
	// create makes a new entity named name with tags and returns its ARN
	// (or serial number).
	create func(t *testing.T, c *iam.Client, name string, tags []iamtypes.Tag) string
	tag    func(c *iam.Client, id string, tags []iamtypes.Tag) error
	untag  func(c *iam.Client, id string, keys []string) error
	list   func(c *iam.Client, id, marker string, maxItems int32) ([]iamtypes.Tag, bool, string, error)
	// shown reads the tags where AWS shows them besides List*Tags.
	shown func(c *iam.Client, id string) ([]iamtypes.Tag, error)
	// missing names no entity; notFound is the refusal for it.
	missing, notFound string
	// caseSensitive: keys differing in case are distinct tags.
	caseSensitive bool
	limit         string
}

func tagKinds(t *testing.T) []tagKind {
	ctx := context.Background()
	metadata := freshMetadata(selfSignedCert(t), "")
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	return []tagKind{
		{
			name: "policy", tagOp: "iam:TagPolicy", untagOp: "iam:UntagPolicy", listOp: "iam:ListPolicyTags",
			create: func(t *testing.T, c *iam.Client, name string, tags []iamtypes.Tag) string {
				out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc), Tags: tags})
				if err != nil {
					t.Fatal(err)
				}
				return aws.ToString(out.Policy.Arn)
			},
			tag: func(c *iam.Client, id string, tags []iamtypes.Tag) error {
				_, err := c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(id), Tags: tags})
				return err
			},
			untag: func(c *iam.Client, id string, keys []string) error {
				_, err := c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: aws.String(id), TagKeys: keys})
				return err
			},
			list: func(c *iam.Client, id, marker string, maxItems int32) ([]iamtypes.Tag, bool, string, error) {
				out, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: aws.String(id), Marker: tagsOptString(marker), MaxItems: aws.Int32(maxItems)})
				if err != nil {
					return nil, false, "", err
				}
				return out.Tags, out.IsTruncated, aws.ToString(out.Marker), nil
			},
			shown: func(c *iam.Client, id string) ([]iamtypes.Tag, error) {
				out, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(id)})
				if err != nil {
					return nil, err
				}
				return out.Policy.Tags, nil
			},
			missing:       "arn:aws:iam::" + tagsAccount + ":policy/missing",
			notFound:      "Policy arn:aws:iam::" + tagsAccount + ":policy/missing was not found.",
			caseSensitive: true,
			limit:         "The number of tags has reached the maximum limit.",
		},
		{
			name: "oidc", tagOp: "iam:TagOpenIDConnectProvider", untagOp: "iam:UntagOpenIDConnectProvider", listOp: "iam:ListOpenIDConnectProviderTags",
			create: func(t *testing.T, c *iam.Client, name string, tags []iamtypes.Tag) string {
				out, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://" + name + ".example.com"), ThumbprintList: []string{thumbA}, Tags: tags})
				if err != nil {
					t.Fatal(err)
				}
				return aws.ToString(out.OpenIDConnectProviderArn)
			},
			tag: func(c *iam.Client, id string, tags []iamtypes.Tag) error {
				_, err := c.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(id), Tags: tags})
				return err
			},
			untag: func(c *iam.Client, id string, keys []string) error {
				_, err := c.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(id), TagKeys: keys})
				return err
			},
			list: func(c *iam.Client, id, marker string, maxItems int32) ([]iamtypes.Tag, bool, string, error) {
				out, err := c.ListOpenIDConnectProviderTags(ctx, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: aws.String(id), Marker: tagsOptString(marker), MaxItems: aws.Int32(maxItems)})
				if err != nil {
					return nil, false, "", err
				}
				return out.Tags, out.IsTruncated, aws.ToString(out.Marker), nil
			},
			shown: func(c *iam.Client, id string) ([]iamtypes.Tag, error) {
				out, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(id)})
				if err != nil {
					return nil, err
				}
				return out.Tags, nil
			},
			missing:  "arn:aws:iam::" + tagsAccount + ":oidc-provider/missing.example.com",
			notFound: "OpenIDConnect Provider not found for arn arn:aws:iam::" + tagsAccount + ":oidc-provider/missing.example.com",
			limit:    "The number of tags has reached the maximum limit.",
		},
		{
			name: "saml", tagOp: "iam:TagSAMLProvider", untagOp: "iam:UntagSAMLProvider", listOp: "iam:ListSAMLProviderTags",
			create: func(t *testing.T, c *iam.Client, name string, tags []iamtypes.Tag) string {
				out, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String(name), SAMLMetadataDocument: aws.String(metadata), Tags: tags})
				if err != nil {
					t.Fatal(err)
				}
				return aws.ToString(out.SAMLProviderArn)
			},
			tag: func(c *iam.Client, id string, tags []iamtypes.Tag) error {
				_, err := c.TagSAMLProvider(ctx, &iam.TagSAMLProviderInput{SAMLProviderArn: aws.String(id), Tags: tags})
				return err
			},
			untag: func(c *iam.Client, id string, keys []string) error {
				_, err := c.UntagSAMLProvider(ctx, &iam.UntagSAMLProviderInput{SAMLProviderArn: aws.String(id), TagKeys: keys})
				return err
			},
			list: func(c *iam.Client, id, marker string, maxItems int32) ([]iamtypes.Tag, bool, string, error) {
				out, err := c.ListSAMLProviderTags(ctx, &iam.ListSAMLProviderTagsInput{SAMLProviderArn: aws.String(id), Marker: tagsOptString(marker), MaxItems: aws.Int32(maxItems)})
				if err != nil {
					return nil, false, "", err
				}
				return out.Tags, out.IsTruncated, aws.ToString(out.Marker), nil
			},
			shown: func(c *iam.Client, id string) ([]iamtypes.Tag, error) {
				out, err := c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(id)})
				if err != nil {
					return nil, err
				}
				return out.Tags, nil
			},
			missing:  "arn:aws:iam::" + tagsAccount + ":saml-provider/missing",
			notFound: "Manifest not found for arn arn:aws:iam::" + tagsAccount + ":saml-provider/missing",
			limit:    "The number of tags has reached the maximum limit.",
		},
		{
			name: "mfa", tagOp: "iam:TagMFADevice", untagOp: "iam:UntagMFADevice", listOp: "iam:ListMFADeviceTags",
			create: func(t *testing.T, c *iam.Client, name string, tags []iamtypes.Tag) string {
				out, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name), Tags: tags})
				if err != nil {
					t.Fatal(err)
				}
				return aws.ToString(out.VirtualMFADevice.SerialNumber)
			},
			tag: func(c *iam.Client, id string, tags []iamtypes.Tag) error {
				_, err := c.TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: aws.String(id), Tags: tags})
				return err
			},
			untag: func(c *iam.Client, id string, keys []string) error {
				_, err := c.UntagMFADevice(ctx, &iam.UntagMFADeviceInput{SerialNumber: aws.String(id), TagKeys: keys})
				return err
			},
			list: func(c *iam.Client, id, marker string, maxItems int32) ([]iamtypes.Tag, bool, string, error) {
				out, err := c.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: aws.String(id), Marker: tagsOptString(marker), MaxItems: aws.Int32(maxItems)})
				if err != nil {
					return nil, false, "", err
				}
				return out.Tags, out.IsTruncated, aws.ToString(out.Marker), nil
			},
			// The IAM API shows a device's tags in ListMFADeviceTags and in
			// ListVirtualMFADevices.
			shown: func(c *iam.Client, id string) ([]iamtypes.Tag, error) {
				out, err := c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{})
				if err != nil {
					return nil, err
				}
				for _, d := range out.VirtualMFADevices {
					if aws.ToString(d.SerialNumber) == id {
						return d.Tags, nil
					}
				}
				return nil, fmt.Errorf("device %s not listed", id)
			},
			missing:  "arn:aws:iam::" + tagsAccount + ":mfa/missing",
			notFound: "MFA Device with serial number arn:aws:iam::" + tagsAccount + ":mfa/missing does not exist.",
			limit:    "The number of tags has reached the maximum limit.",
		},
	}
}

// tagsAPIError is apiError with the whole message compared, not a prefix.
func tagsAPIError(t *testing.T, err error, code, msg string, status int) {
	t.Helper()
	apiError(t, err, code, msg, status)
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != msg {
		t.Fatalf("message = %q, want %q", ae.ErrorMessage(), msg)
	}
}

func tagsOptString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func tagsKV(k, v string) iamtypes.Tag { return iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

func tagsJoined(tags []iamtypes.Tag) string {
	out := make([]string, len(tags))
	for i, tg := range tags {
		out[i] = aws.ToString(tg.Key) + "=" + aws.ToString(tg.Value)
	}
	return strings.Join(out, ",")
}

// tagsListAll pages through List*Tags one tag at a time, checking that every
// page but the last is truncated and carries a marker.
func tagsListAll(t *testing.T, k tagKind, c *iam.Client, id string) string {
	t.Helper()
	var all []iamtypes.Tag
	marker := ""
	for pages := 0; ; pages++ {
		if pages > tagsMaxPages+1 {
			t.Fatal("paging does not end")
		}
		tags, truncated, next, err := k.list(c, id, marker, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(tags) > 1 {
			t.Fatalf("page of %d tags with MaxItems 1", len(tags))
		}
		all = append(all, tags...)
		if !truncated {
			if next != "" {
				t.Fatalf("last page has marker %q", next)
			}
			break
		}
		if next == "" {
			t.Fatal("truncated page without marker")
		}
		marker = next
	}
	return tagsJoined(all)
}

const tagsMaxPages = 50

func TestIAMTagsLifecycle(t *testing.T) {
	h := start(t, withBootstrap(t, tagsBootstrap))
	c := h.iamClient("AKIATAGSROOT00000001", "tagsRootSecret0000000000000000000000000000", "")
	for _, k := range tagKinds(t) {
		t.Run(k.name, func(t *testing.T) {
			id := k.create(t, c, "life-"+k.name, []iamtypes.Tag{tagsKV("owner", "ops")})
			// An existing key takes the new value; keys differing in case
			// are the same tag except for policies.
			if err := k.tag(c, id, []iamtypes.Tag{tagsKV("Env", "dev"), tagsKV("cost", "1"), tagsKV("OWNER", "sre")}); err != nil {
				t.Fatal(err)
			}
			want := "cost=1,Env=dev,OWNER=sre"
			if k.caseSensitive {
				// Sorted by key bytes, as AWS lists "A" before "a".
				want = "Env=dev,OWNER=sre,cost=1,owner=ops"
			}
			if got := tagsListAll(t, k, c, id); got != want {
				t.Fatalf("tags = %s, want %s", got, want)
			}
			shown, err := k.shown(c, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := tagsSorted(shown); got != tagsSorted(tagsSplit(want)) {
				t.Fatalf("shown tags = %s, want %s", got, want)
			}
			// A tag is replaced, not added, when the key is given again.
			if err := k.tag(c, id, []iamtypes.Tag{tagsKV("cost", "2")}); err != nil {
				t.Fatal(err)
			}
			want = strings.Replace(want, "cost=1", "cost=2", 1)
			if got := tagsListAll(t, k, c, id); got != want {
				t.Fatalf("after retag: %s, want %s", got, want)
			}

			// Untagging ignores keys the entity does not have.
			if err := k.untag(c, id, []string{"env", "absent"}); err != nil {
				t.Fatal(err)
			}
			if k.caseSensitive {
				if got := tagsListAll(t, k, c, id); got != want {
					t.Fatalf("untag of env removed Env: %s", got)
				}
				if err := k.untag(c, id, []string{"Env", "owner"}); err != nil {
					t.Fatal(err)
				}
				want = "OWNER=sre,cost=2"
			} else {
				want = "cost=2,OWNER=sre"
			}
			if got := tagsListAll(t, k, c, id); got != want {
				t.Fatalf("after untag: %s, want %s", got, want)
			}
			if err := k.untag(c, id, []string{"OWNER", "cost"}); err != nil {
				t.Fatal(err)
			}
			if tags, truncated, marker, err := k.list(c, id, "", 100); err != nil || len(tags) != 0 || truncated || marker != "" {
				t.Fatalf("after untagging all: %v %v %q %v", tags, truncated, marker, err)
			}
			if _, _, _, err := k.list(c, id, "!!not a marker!!", 1); err == nil {
				t.Fatal("bad marker accepted")
			} else {
				tagsAPIError(t, err, "InvalidInput", "Invalid Marker.", 400)
			}
		})
	}
}

func tagsSplit(s string) []iamtypes.Tag {
	var out []iamtypes.Tag
	for _, p := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(p, "=")
		out = append(out, tagsKV(k, v))
	}
	return out
}

func tagsSorted(tags []iamtypes.Tag) string {
	p := strings.Split(tagsJoined(tags), ",")
	slices.Sort(p)
	return strings.Join(p, ",")
}

func TestIAMTagsRefusals(t *testing.T) {
	h := start(t, withBootstrap(t, tagsBootstrap))
	c := h.iamClient("AKIATAGSROOT00000001", "tagsRootSecret0000000000000000000000000000", "")
	for _, k := range tagKinds(t) {
		t.Run(k.name, func(t *testing.T) {
			id := k.create(t, c, "refuse-"+k.name, []iamtypes.Tag{tagsKV("owner", "ops")})

			// Keys in the reserved aws: namespace, in any case.
			for _, key := range []string{"aws:team", "AWS:team", "Aws:x"} {
				tagsAPIError(t, k.tag(c, id, []iamtypes.Tag{tagsKV(key, "x")}), "InvalidInput", "Tag keys cannot start with aws:", 400)
			}
			// The same key twice in one request.
			exact := []iamtypes.Tag{tagsKV("dup", "1"), tagsKV("dup", "2")}
			folded := []iamtypes.Tag{tagsKV("dup", "1"), tagsKV("DUP", "2")}
			if k.caseSensitive {
				tagsAPIError(t, k.tag(c, id, exact), "InvalidInput", "Duplicate tag keys found.", 400)
				if err := k.tag(c, id, folded); err != nil {
					t.Fatalf("keys differing in case: %v", err)
				}
				if err := k.untag(c, id, []string{"dup", "DUP"}); err != nil {
					t.Fatal(err)
				}
			} else {
				for _, in := range [][]iamtypes.Tag{exact, folded} {
					tagsAPIError(t, k.tag(c, id, in), "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)
				}
			}
			// Nothing refused was stored.
			if got := tagsListAll(t, k, c, id); got != "owner=ops" {
				t.Fatalf("tags after refusals = %s", got)
			}

			// 50 tags in all: 49 more fit, a 51st does not, replacing one
			// at the quota does, and untagging makes room again.
			var more []iamtypes.Tag
			for i := 0; i < 49; i++ {
				more = append(more, tagsKV(fmt.Sprintf("k%02d", i), "v"))
			}
			tagsAPIError(t, k.tag(c, id, append(slices.Clone(more), tagsKV("one-too-many", "v"))), "LimitExceeded", k.limit, 409)
			if err := k.tag(c, id, more); err != nil {
				t.Fatalf("50 tags: %v", err)
			}
			tagsAPIError(t, k.tag(c, id, []iamtypes.Tag{tagsKV("extra", "v")}), "LimitExceeded", k.limit, 409)
			if err := k.tag(c, id, []iamtypes.Tag{tagsKV("k00", "w")}); err != nil {
				t.Fatalf("replace at quota: %v", err)
			}
			if err := k.untag(c, id, []string{"k01"}); err != nil {
				t.Fatal(err)
			}
			if err := k.tag(c, id, []iamtypes.Tag{tagsKV("extra", "v")}); err != nil {
				t.Fatalf("after untag: %v", err)
			}
			tags, truncated, _, err := k.list(c, id, "", 100)
			if err != nil || len(tags) != 50 || truncated {
				t.Fatalf("list of 50: %d tags, truncated %v, %v", len(tags), truncated, err)
			}

			// An entity that does not exist, with its Get operation's text.
			tagsAPIError(t, k.tag(c, k.missing, []iamtypes.Tag{tagsKV("a", "b")}), "NoSuchEntity", k.notFound, 404)
			tagsAPIError(t, k.untag(c, k.missing, []string{"a"}), "NoSuchEntity", k.notFound, 404)
			_, _, _, err = k.list(c, k.missing, "", 10)
			tagsAPIError(t, err, "NoSuchEntity", k.notFound, 404)
		})
	}
}

func TestIAMTagsAuthorization(t *testing.T) {
	h := start(t, withBootstrap(t, tagsBootstrap))
	root := h.iamClient("AKIATAGSROOT00000001", "tagsRootSecret0000000000000000000000000000", "")
	nobody := h.iamClient("AKIATAGSNOBODY000001", "tagsNobodySecret000000000000000000000000", "")
	tagger := h.iamClient("AKIATAGSTAGGER000001", "tagsTaggerSecret000000000000000000000000", "")
	const who = "User: arn:aws:iam::" + tagsAccount + ":user/"
	for _, k := range tagKinds(t) {
		t.Run(k.name, func(t *testing.T) {
			owned := k.create(t, root, "owned-"+k.name, []iamtypes.Tag{tagsKV("owner", "ops")})
			other := k.create(t, root, "other-"+k.name, nil)

			// Without permission: AccessDenied on the entity's ARN, for an
			// existing entity and a missing one alike, so nothing leaks.
			for _, id := range []string{owned, k.missing} {
				denied := func(action string) string {
					return who + "nobody is not authorized to perform: " + action + " on resource: " + id + " because no identity-based policy allows the " + action + " action"
				}
				apiError(t, k.tag(nobody, id, []iamtypes.Tag{tagsKV("team", "blue")}), "AccessDenied", denied(k.tagOp), 403)
				apiError(t, k.untag(nobody, id, []string{"team"}), "AccessDenied", denied(k.untagOp), 403)
				_, _, _, err := k.list(nobody, id, "", 10)
				apiError(t, err, "AccessDenied", denied(k.listOp), 403)
			}

			// aws:RequestTag and aws:TagKeys: tagger may set team=blue and
			// nothing else.
			if err := k.tag(tagger, owned, []iamtypes.Tag{tagsKV("team", "blue")}); err != nil {
				t.Fatalf("tag team=blue: %v", err)
			}
			apiError(t, k.tag(tagger, owned, []iamtypes.Tag{tagsKV("team", "red")}), "AccessDenied", who+"tagger is not authorized to perform: "+k.tagOp+" on resource: "+owned, 403)
			apiError(t, k.tag(tagger, owned, []iamtypes.Tag{tagsKV("team", "blue"), tagsKV("owner", "me")}), "AccessDenied", who+"tagger is not authorized to perform: "+k.tagOp, 403)
			// aws:TagKeys on untag: only the team key.
			apiError(t, k.untag(tagger, owned, []string{"owner"}), "AccessDenied", who+"tagger is not authorized to perform: "+k.untagOp, 403)
			// aws:ResourceTag: only entities owned by ops are listed.
			tags, _, _, err := k.list(tagger, owned, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := tagsJoined(tags); got != "owner=ops,team=blue" {
				t.Fatalf("tagger lists %s", got)
			}
			_, _, _, err = k.list(tagger, other, "", 10)
			apiError(t, err, "AccessDenied", who+"tagger is not authorized to perform: "+k.listOp+" on resource: "+other, 403)
			// The permitted caller still learns that a missing entity is
			// missing only where it is allowed to act.
			tagsAPIError(t, k.tag(tagger, k.missing, []iamtypes.Tag{tagsKV("team", "blue")}), "NoSuchEntity", k.notFound, 404)
			if err := k.untag(tagger, owned, []string{"team"}); err != nil {
				t.Fatalf("untag team: %v", err)
			}
			if got := tagsListAll(t, k, root, owned); got != "owner=ops" {
				t.Fatalf("after tagger's untag: %s", got)
			}
		})
	}
}

// TestIAMTagsPolicyCreate: CreatePolicy treats tag keys as TagPolicy does,
// case sensitively, keeping the order given; ListPolicyTags sorts them.
func TestIAMTagsPolicyCreate(t *testing.T) {
	h := start(t, withBootstrap(t, tagsBootstrap))
	ctx := context.Background()
	c := h.iamClient("AKIATAGSROOT00000001", "tagsRootSecret0000000000000000000000000000", "")
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	create := func(tags ...iamtypes.Tag) (*iam.CreatePolicyOutput, error) {
		return c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("cased"), PolicyDocument: aws.String(doc), Tags: tags})
	}
	_, err := create(tagsKV("a", "1"), tagsKV("a", "2"))
	tagsAPIError(t, err, "InvalidInput", "Duplicate tag keys found.", 400)
	_, err = create(tagsKV("aws:a", "1"))
	tagsAPIError(t, err, "InvalidInput", "Tag keys cannot start with aws:", 400)
	out, err := create(tagsKV("a", "lowercase"), tagsKV("A", "uppercase"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tagsJoined(out.Policy.Tags); got != "a=lowercase,A=uppercase" {
		t.Fatalf("CreatePolicy tags = %s", got)
	}
	list, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: out.Policy.Arn})
	if err != nil {
		t.Fatal(err)
	}
	if got := tagsJoined(list.Tags); got != "A=uppercase,a=lowercase" || list.IsTruncated {
		t.Fatalf("ListPolicyTags = %s (truncated %v)", got, list.IsTruncated)
	}
}
