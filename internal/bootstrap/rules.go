package bootstrap

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Constraints from the IAM API model (shared/reference/aws-models/iam.json),
// shape by shape, and from the IAM User Guide's "IAM and AWS STS quotas".
var (
	// userNameType, roleNameType, policyNameType: [\w+=,.@-]+
	// (\w is [A-Za-z0-9_] in the model's Java-style patterns).
	reName = regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]+$`)
	// pathType: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)
	rePath = regexp.MustCompile(`^(/|/[\x21-\x7e]+/)$`)
	// tagKeyType: [\p{L}\p{Z}\p{N}_.:/=+\-@]+ ; tagValueType: the same, *
	reTagKey   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	reTagValue = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	// accessKeyIdType: [\w]+
	reKeyID = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	// SAMLProviderNameType: [\w._-]+
	reSAMLName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// Lengths and ranges from the model and the quotas page.
const (
	maxUserName        = 64      // userNameType
	maxRoleName        = 64      // roleNameType
	maxGroupName       = 128     // groupNameType
	maxProfileName     = 128     // instanceProfileNameType
	maxMemberName      = 128     // existingUserNameType (AddUserToGroup's UserName)
	maxPolicyName      = 128     // policyNameType
	maxPath            = 512     // pathType
	maxTags            = 50      // tagListType
	maxTagKey          = 128     // tagKeyType
	maxTagValue        = 256     // tagValueType
	minKeyID, maxKeyID = 16, 128 // accessKeyIdType
	maxSecret          = 128     // accessKeySecretType has no bound; 128 is 3x AWS's 40
	minSession         = 3600    // roleMaxSessionDurationType
	maxSession         = 43200   // roleMaxSessionDurationType
	maxSAMLName        = 128     // SAMLProviderNameType
	maxOIDCURL         = 255     // OpenIDConnectProviderUrlType
	maxClientID        = 255     // clientIDType
	maxPolicyDoc       = 131072  // policyDocumentType
	minSAMLMetadata    = 1000    // SAMLMetadataDocumentType
	maxSAMLMetadata    = 10000000
	maxSerial          = 256 // serialNumberType (min 9)
	minSerial          = 9

	// Quotas (IAM User Guide, "IAM and AWS STS quotas").
	maxAccessKeysPerUser = 2  // access keys assigned to a user (or the root)
	maxMFAPerUser        = 8  // MFA devices in use by a user
	maxAttached          = 20 // managed policies per user or role (highest adjustable quota)
	maxAttachedPerGroup  = 10 // managed policies attached to an IAM group
	maxGroupsPerUser     = 10 // IAM groups an IAM user can be a member of
	maxGroupsPerAccount  = 300
	maxProfilesPerAcct   = 1000 // instance profiles in an AWS account
	maxRolesPerProfile   = 1    // roles in an instance profile
	maxPolicyVersions    = 5    // versions of a managed policy that can be stored
	maxClientIDs         = 100
)

// nameRule checks an IAM user, role, group, instance profile or policy
// name: all share the pattern [\w+=,.@-]+ and differ in length.
func nameRule(max int) func(string) string {
	return func(s string) string {
		if n := utf8.RuneCountInString(s); n < 1 || n > max {
			return fmt.Sprintf("%q must be 1 to %d characters long", s, max)
		}
		if !reName.MatchString(s) {
			return fmt.Sprintf(`%q does not match [\w+=,.@-]+`, s)
		}
		return ""
	}
}

func checkPath(s string) string {
	if len(s) > maxPath {
		return fmt.Sprintf("must be at most %d characters long", maxPath)
	}
	if !rePath.MatchString(s) {
		return fmt.Sprintf(`%q must be "/" or start and end with "/" (pattern (\u002F)|(\u002F[\u0021-\u007E]+\u002F))`, s)
	}
	return ""
}

// checkAccountID: AWS account ids are exactly 12 decimal digits.
func checkAccountID(s string) string {
	if len(s) != 12 || strings.Trim(s, "0123456789") != "" {
		return fmt.Sprintf("%q is not a 12-digit account id", s)
	}
	return ""
}

// checkAlias follows accountAliasType:
// ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$ — RE2 has no look-ahead, so the
// "no two dashes in a row" part is checked by hand.
func checkAlias(s string) string {
	bad := len(s) < 3 || len(s) > 63 || strings.Contains(s, "--") || s[0] == '-' || s[len(s)-1] == '-'
	for i := 0; i < len(s) && !bad; i++ {
		c := s[i]
		bad = !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')
	}
	if bad {
		return fmt.Sprintf("%q must be 3 to 63 lowercase letters, digits and single dashes, starting and ending with a letter or digit", s)
	}
	return ""
}

func checkKeyID(s string) string {
	if len(s) < minKeyID || len(s) > maxKeyID {
		return fmt.Sprintf("%q must be %d to %d characters long", s, minKeyID, maxKeyID)
	}
	if !reKeyID.MatchString(s) {
		return fmt.Sprintf(`%q does not match [\w]+`, s)
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
	if n := utf8.RuneCountInString(s); n < 1 || n > maxTagKey {
		return fmt.Sprintf("tag key %q must be 1 to %d characters long", s, maxTagKey)
	}
	if !reTagKey.MatchString(s) {
		return fmt.Sprintf(`tag key %q does not match [\p{L}\p{Z}\p{N}_.:/=+\-@]+`, s)
	}
	// IAM User Guide, "Tagging IAM resources": the aws: prefix is reserved.
	if len(s) >= 4 && strings.EqualFold(s[:4], "aws:") {
		return fmt.Sprintf("tag key %q uses the reserved prefix aws:", s)
	}
	return ""
}

func checkTagValue(s string) string {
	if utf8.RuneCountInString(s) > maxTagValue {
		return fmt.Sprintf("tag value must be at most %d characters long", maxTagValue)
	}
	if !reTagValue.MatchString(s) {
		return fmt.Sprintf(`tag value %q does not match [\p{L}\p{Z}\p{N}_.:/=+\-@]*`, s)
	}
	return ""
}

func checkSAMLName(s string) string {
	if len(s) < 1 || len(s) > maxSAMLName {
		return fmt.Sprintf("%q must be 1 to %d characters long", s, maxSAMLName)
	}
	if !reSAMLName.MatchString(s) {
		return fmt.Sprintf(`%q does not match [\w._-]+`, s)
	}
	return ""
}

func checkClientID(s string) string {
	if n := utf8.RuneCountInString(s); n < 1 || n > maxClientID {
		return fmt.Sprintf("%q must be 1 to %d characters long", s, maxClientID)
	}
	return ""
}
