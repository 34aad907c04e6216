package awsquery

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
)

// The wording below is AWS's, as recorded from real responses:
//
//	1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*
//
// (aws-parity-snapshots/localstack/test_sts.snapshot.json,
// test_sts_invalid_parameters). Several violations are joined with "; "
// after "N validation errors detected: ", in member order, and a string's
// pattern violation is listed before its length violation (a recorded STS
// AssumeRole reply: "2 validation errors detected: Value '' at 'roleArn'
// failed to satisfy constraint: Member must satisfy regular expression
// pattern: [...]+; Value '' at 'roleArn' failed to satisfy constraint: Member
// must have length greater than or equal to 20").

// omitsValues reports whether the service leaves the offending value out of
// its messages. IAM does ("Value at 'serviceSpecificCredentialId' failed to
// satisfy constraint: …" and "Value at 'status' failed to satisfy
// constraint: Member must satisfy enum value set" in
// aws-parity-snapshots/localstack/test_iam.snapshot.json, recorded 2025);
// STS quotes it.
func omitsValues(op *apimodel.Operation) bool {
	return op.Input != nil && isIAMShape(op.Input)
}

// isIAMShape recognises the IAM model by its shape table identity rather
// than by name, so that a same-named shape of another model cannot match.
func isIAMShape(s *apimodel.Shape) bool {
	return apimodel.IAM.Shapes[s.Name] == s
}

func (d *decoder) fail(sh *apimodel.Shape, value, path, constraint string) {
	var b strings.Builder
	b.WriteString("Value ")
	if !d.omitValues && !sh.Sensitive {
		b.WriteByte('\'')
		b.WriteString(value)
		b.WriteString("' ")
	}
	b.WriteString("at '")
	b.WriteString(path)
	b.WriteString("' failed to satisfy constraint: ")
	b.WriteString(constraint)
	d.errs = append(d.errs, b.String())
}

func (d *decoder) checkString(sh *apimodel.Shape, s, path string) {
	if len(sh.Enum) > 0 && !contains(sh.Enum, s) {
		if d.omitValues {
			d.fail(sh, s, path, "Member must satisfy enum value set")
		} else {
			d.fail(sh, s, path, "Member must satisfy enum value set: ["+strings.Join(sh.Enum, ", ")+"]")
		}
	}
	if sh.Pattern != "" {
		m, err := sh.PatternMatcher()
		if err != nil || !m.MatchString(s) {
			d.fail(sh, s, path, "Member must satisfy regular expression pattern: "+sh.Pattern)
		}
	}
	// Lengths count characters (code points), not bytes.
	d.checkLength(sh, utf8.RuneCountInString(s), s, path)
}

func (d *decoder) checkLength(sh *apimodel.Shape, n int, value, path string) {
	if sh.HasMin && int64(n) < sh.Min {
		d.fail(sh, value, path, "Member must have length greater than or equal to "+strconv.FormatInt(sh.Min, 10))
	}
	if sh.HasMax && int64(n) > sh.Max {
		d.fail(sh, value, path, "Member must have length less than or equal to "+strconv.FormatInt(sh.Max, 10))
	}
}

func (d *decoder) checkRange(sh *apimodel.Shape, n int64, value, path string) {
	if sh.HasMin && n < sh.Min {
		d.fail(sh, value, path, "Member must have value greater than or equal to "+strconv.FormatInt(sh.Min, 10))
	}
	if sh.HasMax && n > sh.Max {
		d.fail(sh, value, path, "Member must have value less than or equal to "+strconv.FormatInt(sh.Max, 10))
	}
}

func contains(set []string, s string) bool {
	for _, e := range set {
		if e == s {
			return true
		}
	}
	return false
}

// validationError joins the violations into AWS's one-message form, or
// returns nil when there are none.
func validationError(errs []string) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return &apierr.Error{Code: apierr.ValidationError, Message: "1 validation error detected: " + errs[0]}
	}
	return &apierr.Error{Code: apierr.ValidationError, Message: strconv.Itoa(len(errs)) + " validation errors detected: " + strings.Join(errs, "; ")}
}
