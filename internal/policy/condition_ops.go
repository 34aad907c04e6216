package policy

import "strings"

// opKind is a base condition operator, as listed in "IAM JSON policy
// elements: Condition operators" (reference_policies_elements_condition_
// operators.html).
type opKind uint8

const (
	opStringEquals opKind = iota
	opStringNotEquals
	opStringEqualsIgnoreCase
	opStringNotEqualsIgnoreCase
	opStringLike
	opStringNotLike
	opNumericEquals
	opNumericNotEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateNotEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opNotIPAddress
	opArnEquals
	opArnLike
	opArnNotEquals
	opArnNotLike
	opNull
)

var opNames = map[string]opKind{
	"StringEquals":              opStringEquals,
	"StringNotEquals":           opStringNotEquals,
	"StringEqualsIgnoreCase":    opStringEqualsIgnoreCase,
	"StringNotEqualsIgnoreCase": opStringNotEqualsIgnoreCase,
	"StringLike":                opStringLike,
	"StringNotLike":             opStringNotLike,
	"NumericEquals":             opNumericEquals,
	"NumericNotEquals":          opNumericNotEquals,
	"NumericLessThan":           opNumericLessThan,
	"NumericLessThanEquals":     opNumericLessThanEquals,
	"NumericGreaterThan":        opNumericGreaterThan,
	"NumericGreaterThanEquals":  opNumericGreaterThanEquals,
	"DateEquals":                opDateEquals,
	"DateNotEquals":             opDateNotEquals,
	"DateLessThan":              opDateLessThan,
	"DateLessThanEquals":        opDateLessThanEquals,
	"DateGreaterThan":           opDateGreaterThan,
	"DateGreaterThanEquals":     opDateGreaterThanEquals,
	"Bool":                      opBool,
	"BinaryEquals":              opBinaryEquals,
	"IpAddress":                 opIPAddress,
	"NotIpAddress":              opNotIPAddress,
	"ArnEquals":                 opArnEquals,
	"ArnLike":                   opArnLike,
	"ArnNotEquals":              opArnNotEquals,
	"ArnNotLike":                opArnNotLike,
	"Null":                      opNull,
}

// setKind is the set-operator qualifier of a condition.
type setKind uint8

const (
	setNone setKind = iota
	setForAllValues
	setForAnyValue
)

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts.
// Operator names are case-sensitive, as IAM's validator treats them.
func parseOperator(s string) (op opKind, set setKind, ifExists bool, ok bool) {
	if rest, found := strings.CutPrefix(s, "ForAllValues:"); found {
		set, s = setForAllValues, rest
	} else if rest, found := strings.CutPrefix(s, "ForAnyValue:"); found {
		set, s = setForAnyValue, rest
	}
	if rest, found := strings.CutSuffix(s, "IfExists"); found {
		ifExists, s = true, rest
	}
	op, ok = opNames[s]
	// "You can add IfExists to the end of any condition operator name
	// except the Null condition" (…condition_operators.html#Conditions_IfExists).
	if op == opNull && ifExists {
		ok = false
	}
	return op, set, ifExists, ok
}

// negated reports whether the operator is the negation of another: such
// operators are evaluated as NOT(positive form), which gives AWS's documented
// results: several values are ANDed ("StringNotEquals with multiple values"
// must differ from every value) and an absent key makes them true.
func (o opKind) negated() bool {
	switch o {
	case opStringNotEquals, opStringNotEqualsIgnoreCase, opStringNotLike,
		opNumericNotEquals, opDateNotEquals, opNotIPAddress, opArnNotEquals, opArnNotLike:
		return true
	}
	return false
}

// family groups operators that share value parsing and comparison.
type family uint8

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famArn
	famNull
)

func (o opKind) family() family {
	switch {
	case o <= opStringNotLike:
		return famString
	case o <= opNumericGreaterThanEquals:
		return famNumeric
	case o <= opDateGreaterThanEquals:
		return famDate
	case o == opBool:
		return famBool
	case o == opBinaryEquals:
		return famBinary
	case o == opIPAddress || o == opNotIPAddress:
		return famIP
	case o <= opArnNotLike:
		return famArn
	}
	return famNull
}
