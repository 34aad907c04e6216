package bootstrap

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/iamlimits"
)

// The validator's rules are the API's: quotas come from iamlimits, and
// lengths and patterns from the IAM model through it, so a file is refused
// for what a CreateUser or AttachRolePolicy call would be refused for. The
// checks below only word the refusals for a file (quoting the value, the
// model's pattern and the bounds).

// maxSecret bounds a secret access key. The model's accessKeySecretType has
// no bound; 128 is three times the 40 characters of AWS's secrets.
const maxSecret = 128

// The group and profile tests name these two quotas; they are the table's.
const (
	maxGroupsPerUser    = iamlimits.GroupsPerUser
	maxAttachedPerGroup = iamlimits.AttachedPoliciesPerGroup
)

func checkPath(s string) string {
	if max, _ := iamlimits.Path.Max(); utf8.RuneCountInString(s) > max {
		return fmt.Sprintf("must be at most %d characters long", max)
	}
	if !iamlimits.Path.Matches(s) {
		return fmt.Sprintf(`%q must be "/" or start and end with "/" (pattern %s)`, s, iamlimits.Path.Pattern())
	}
	return ""
}

// checkAccountID: AWS account ids are exactly 12 decimal digits
// (accountIdType).
func checkAccountID(s string) string {
	if !iamlimits.AccountID.Valid(s) {
		return fmt.Sprintf("%q is not a 12-digit account id", s)
	}
	return ""
}

// checkAlias follows accountAliasType, worded for people: the model's
// pattern forbids two dashes in a row with a look-ahead few would read.
func checkAlias(s string) string {
	if !iamlimits.AccountAlias.Valid(s) {
		max, _ := iamlimits.AccountAlias.Max()
		return fmt.Sprintf("%q must be %d to %d lowercase letters, digits and single dashes, starting and ending with a letter or digit", s, iamlimits.AccountAlias.Min(), max)
	}
	return ""
}

// checkSecret never echoes the secret.
func checkSecret(s string) string {
	if s == "" || len(s) > maxSecret {
		return fmt.Sprintf("must be 1 to %d characters long", maxSecret)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return "must be printable ASCII without spaces"
		}
	}
	return ""
}

func checkTagKey(s string) string {
	if msg := iamlimits.TagKey.Check(s); msg != "" {
		return "tag key " + msg
	}
	// IAM User Guide, "Tagging IAM resources": the aws: prefix is reserved.
	if len(s) >= 4 && strings.EqualFold(s[:4], "aws:") {
		return fmt.Sprintf("tag key %q uses the reserved prefix aws:", s)
	}
	return ""
}

// checkTagValue does not quote an over-long value: it may be a whole
// paragraph.
func checkTagValue(s string) string {
	if !iamlimits.TagValue.LengthOK(s) {
		max, _ := iamlimits.TagValue.Max()
		return fmt.Sprintf("tag value must be at most %d characters long", max)
	}
	if !iamlimits.TagValue.Matches(s) {
		return fmt.Sprintf("tag value %q does not match %s", s, iamlimits.TagValue.Pattern())
	}
	return ""
}
