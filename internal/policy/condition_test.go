package policy

import "testing"

// Condition operator semantics, from "IAM JSON policy elements: Condition
// operators" (reference_policies_elements_condition_operators.html),
// "Single-valued vs. multivalued context keys"
// (reference_policies_condition-single-vs-multi-valued-context-keys.html)
// and "Creating a condition with multiple keys or values"
// (reference_policies_condition-logic-multiple-context-keys-or-values.html).
func TestConditionOperators(t *testing.T) {
	multi := func(k string, v ...string) map[string][]string { return map[string][]string{k: v} }
	tests := []struct {
		name string
		cond string
		ctx  map[string][]string
		want bool
	}{
		// String operators: case-sensitive values, case-insensitive key names.
		{"StringEquals match", `{"StringEquals":{"aws:username":"alice"}}`, one("aws:username", "alice"), true},
		{"StringEquals value case-sensitive", `{"StringEquals":{"aws:username":"alice"}}`, one("aws:username", "Alice"), false},
		{"StringEquals key case-insensitive", `{"StringEquals":{"AWS:UserName":"alice"}}`, one("aws:username", "alice"), true},
		{"StringEquals key case-insensitive 2", `{"StringEquals":{"aws:username":"alice"}}`, one("AWS:USERNAME", "alice"), true},
		{"StringEquals no wildcard", `{"StringEquals":{"aws:username":"al*"}}`, one("aws:username", "alice"), false},
		{"StringEquals literal star", `{"StringEquals":{"aws:username":"al*"}}`, one("aws:username", "al*"), true},
		{"StringEquals multiple values OR", `{"StringEquals":{"aws:username":["bob","alice"]}}`, one("aws:username", "alice"), true},
		{"StringEquals multiple values none", `{"StringEquals":{"aws:username":["bob","carol"]}}`, one("aws:username", "alice"), false},
		{"StringEquals absent key", `{"StringEquals":{"aws:username":"alice"}}`, nil, false},
		{"StringEquals empty string", `{"StringEquals":{"aws:username":""}}`, one("aws:username", ""), true},
		{"StringEquals two keys AND both", `{"StringEquals":{"aws:username":"alice","aws:PrincipalTag/team":"blue"}}`, one("aws:username", "alice", "aws:PrincipalTag/team", "blue"), true},
		{"StringEquals two keys AND one", `{"StringEquals":{"aws:username":"alice","aws:PrincipalTag/team":"blue"}}`, one("aws:username", "alice"), false},
		{"two operators AND", `{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}`, one("aws:username", "alice", "aws:SecureTransport", "true"), true},
		{"two operators AND fails", `{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}`, one("aws:username", "alice", "aws:SecureTransport", "false"), false},
		{"StringNotEquals differs", `{"StringNotEquals":{"aws:username":"bob"}}`, one("aws:username", "alice"), true},
		{"StringNotEquals same", `{"StringNotEquals":{"aws:username":"alice"}}`, one("aws:username", "alice"), false},
		{"StringNotEquals multiple values AND", `{"StringNotEquals":{"aws:username":["bob","alice"]}}`, one("aws:username", "alice"), false},
		{"StringNotEquals multiple values differs from all", `{"StringNotEquals":{"aws:username":["bob","carol"]}}`, one("aws:username", "alice"), true},
		{"StringNotEquals absent key matches", `{"StringNotEquals":{"aws:username":"alice"}}`, nil, true},
		{"StringNotEquals case-sensitive", `{"StringNotEquals":{"aws:username":"alice"}}`, one("aws:username", "ALICE"), true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}`, one("aws:username", "alice"), true},
		{"StringEqualsIgnoreCase differs", `{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}`, one("aws:username", "alicia"), false},
		{"StringEqualsIgnoreCase no wildcard", `{"StringEqualsIgnoreCase":{"aws:username":"A*"}}`, one("aws:username", "alice"), false},
		{"StringNotEqualsIgnoreCase same", `{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}`, one("aws:username", "alice"), false},
		{"StringNotEqualsIgnoreCase differs", `{"StringNotEqualsIgnoreCase":{"aws:username":"bob"}}`, one("aws:username", "alice"), true},
		{"StringNotEqualsIgnoreCase absent", `{"StringNotEqualsIgnoreCase":{"aws:username":"bob"}}`, nil, true},
		{"StringLike star", `{"StringLike":{"s3:prefix":"home/*"}}`, one("s3:prefix", "home/alice/x"), true},
		{"StringLike star empty", `{"StringLike":{"s3:prefix":"home/*"}}`, one("s3:prefix", "home/"), true},
		{"StringLike star no match", `{"StringLike":{"s3:prefix":"home/*"}}`, one("s3:prefix", "Home/alice"), false},
		{"StringLike question", `{"StringLike":{"s3:prefix":"a?c"}}`, one("s3:prefix", "abc"), true},
		{"StringLike question needs one", `{"StringLike":{"s3:prefix":"a?c"}}`, one("s3:prefix", "ac"), false},
		{"StringLike question one rune", `{"StringLike":{"s3:prefix":"a?c"}}`, one("s3:prefix", "aéc"), true},
		{"StringLike only star", `{"StringLike":{"aws:RequestTag/p":"*"}}`, one("aws:RequestTag/p", ""), true},
		{"StringLike star absent key", `{"StringLike":{"aws:RequestTag/p":"*"}}`, nil, false},
		{"StringLike multiple", `{"StringLike":{"s3:prefix":["x*","home/*"]}}`, one("s3:prefix", "home/a"), true},
		{"StringLike middle", `{"StringLike":{"s3:prefix":"a*b*c"}}`, one("s3:prefix", "aXXbYYc"), true},
		{"StringLike middle fail", `{"StringLike":{"s3:prefix":"a*b*c"}}`, one("s3:prefix", "aXXcYYb"), false},
		{"StringNotLike match", `{"StringNotLike":{"s3:prefix":"home/*"}}`, one("s3:prefix", "home/a"), false},
		{"StringNotLike no match", `{"StringNotLike":{"s3:prefix":"home/*"}}`, one("s3:prefix", "tmp/a"), true},
		{"StringNotLike absent", `{"StringNotLike":{"s3:prefix":"home/*"}}`, nil, true},
		{"StringNotLike multiple AND", `{"StringNotLike":{"s3:prefix":["tmp/*","home/*"]}}`, one("s3:prefix", "home/a"), false},
		// Numeric.
		{"NumericEquals", `{"NumericEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10"), true},
		{"NumericEquals float form", `{"NumericEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10.0"), true},
		{"NumericEquals JSON number", `{"NumericEquals":{"s3:max-keys":10}}`, one("s3:max-keys", "10"), true},
		{"NumericEquals differs", `{"NumericEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "11"), false},
		{"NumericEquals non-numeric request", `{"NumericEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "ten"), false},
		{"NumericEquals absent", `{"NumericEquals":{"s3:max-keys":"10"}}`, nil, false},
		{"NumericNotEquals", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "11"), true},
		{"NumericNotEquals equal", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10"), false},
		{"NumericNotEquals absent", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, nil, true},
		{"NumericLessThan", `{"NumericLessThan":{"s3:max-keys":"10"}}`, one("s3:max-keys", "9"), true},
		{"NumericLessThan equal", `{"NumericLessThan":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10"), false},
		{"NumericLessThanEquals equal", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10"), true},
		{"NumericLessThanEquals above", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10.5"), false},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, one("s3:max-keys", "11"), true},
		{"NumericGreaterThan equal", `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10"), false},
		{"NumericGreaterThanEquals equal", `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10"), true},
		{"NumericGreaterThanEquals below", `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "-3"), false},
		{"NumericLessThan negative", `{"NumericLessThan":{"s3:max-keys":"-1"}}`, one("s3:max-keys", "-2"), true},
		{"NumericLessThan multiple OR", `{"NumericLessThan":{"s3:max-keys":["1","100"]}}`, one("s3:max-keys", "50"), true},
		// Date.
		{"DateLessThan ISO", `{"DateLessThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "2020-03-31T23:59:59Z"), true},
		{"DateLessThan ISO after", `{"DateLessThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "2020-04-01T00:00:01Z"), false},
		{"DateGreaterThan ISO", `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "2021-01-01T00:00:00Z"), true},
		{"DateGreaterThan date only", `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01"}}`, one("aws:CurrentTime", "2020-04-01T00:00:01Z"), true},
		{"DateEquals epoch vs ISO", `{"DateEquals":{"aws:EpochTime":"1585699200"}}`, one("aws:EpochTime", "2020-04-01T00:00:00Z"), true},
		{"DateEquals ISO vs epoch", `{"DateEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "1585699200"), true},
		{"DateEquals zone offset", `{"DateEquals":{"aws:CurrentTime":"2020-04-01T02:00:00+02:00"}}`, one("aws:CurrentTime", "2020-04-01T00:00:00Z"), true},
		{"DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "2020-04-02T00:00:00Z"), true},
		{"DateNotEquals same", `{"DateNotEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "2020-04-01T00:00:00Z"), false},
		{"DateLessThanEquals same", `{"DateLessThanEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "2020-04-01T00:00:00Z"), true},
		{"DateGreaterThanEquals same", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "2020-04-01T00:00:00Z"), true},
		{"DateGreaterThanEquals earlier", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "2019-04-01T00:00:00Z"), false},
		{"Date bad request value", `{"DateLessThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, one("aws:CurrentTime", "yesterday"), false},
		{"Date fractional seconds", `{"DateLessThan":{"aws:TokenIssueTime":"2020-04-01T00:00:00Z"}}`, one("aws:TokenIssueTime", "2020-03-31T23:59:59.5Z"), true},
		{"Date absent", `{"DateLessThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, nil, false},
		// Bool.
		{"Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, one("aws:SecureTransport", "true"), true},
		{"Bool JSON true", `{"Bool":{"aws:SecureTransport":true}}`, one("aws:SecureTransport", "true"), true},
		{"Bool case-insensitive", `{"Bool":{"aws:SecureTransport":"True"}}`, one("aws:SecureTransport", "TRUE"), true},
		{"Bool false vs true", `{"Bool":{"aws:SecureTransport":"false"}}`, one("aws:SecureTransport", "true"), false},
		{"Bool false", `{"Bool":{"aws:SecureTransport":"false"}}`, one("aws:SecureTransport", "false"), true},
		{"Bool absent", `{"Bool":{"aws:SecureTransport":"false"}}`, nil, false},
		{"Bool garbage request", `{"Bool":{"aws:SecureTransport":"true"}}`, one("aws:SecureTransport", "yes"), false},
		{"BoolIfExists absent", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, nil, true},
		{"BoolIfExists present false", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, one("aws:MultiFactorAuthPresent", "false"), true},
		{"BoolIfExists present true", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, one("aws:MultiFactorAuthPresent", "true"), false},
		// Binary.
		{"BinaryEquals", `{"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, one("k:bin", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="), true},
		{"BinaryEquals differs", `{"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, one("k:bin", "QmluYXJ5"), false},
		{"BinaryEquals bad base64", `{"BinaryEquals":{"k:bin":"QmluYXJ5"}}`, one("k:bin", "!!!"), false},
		{"BinaryEqualsIfExists absent", `{"BinaryEqualsIfExists":{"k:bin":"QmluYXJ5"}}`, nil, true},
		// IP addresses.
		{"IpAddress v4 in", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "203.0.113.7"), true},
		{"IpAddress v4 out", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "203.0.114.7"), false},
		{"IpAddress single", `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, one("aws:SourceIp", "203.0.113.7"), true},
		{"IpAddress single other", `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, one("aws:SourceIp", "203.0.113.8"), false},
		{"IpAddress unmasked CIDR", `{"IpAddress":{"aws:SourceIp":"203.0.113.9/24"}}`, one("aws:SourceIp", "203.0.113.200"), true},
		{"IpAddress v6 in", `{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, one("aws:SourceIp", "2001:db8:1234:5678::1"), true},
		{"IpAddress v6 out", `{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, one("aws:SourceIp", "2001:db8:1234:5679::1"), false},
		{"IpAddress v4 vs v6 list", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8::/32"]}}`, one("aws:SourceIp", "2001:db8::5"), true},
		{"IpAddress v4-mapped v6", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "::ffff:203.0.113.7"), true},
		{"IpAddress bad request", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "not-an-ip"), false},
		{"IpAddress absent", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, false},
		{"NotIpAddress out", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "198.51.100.1"), true},
		{"NotIpAddress in", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "203.0.113.1"), false},
		{"NotIpAddress multiple AND", `{"NotIpAddress":{"aws:SourceIp":["198.51.100.0/24","203.0.113.0/24"]}}`, one("aws:SourceIp", "203.0.113.1"), false},
		{"NotIpAddress absent", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, true},
		// ARN operators: six sections compared separately, wildcards allowed.
		{"ArnEquals exact", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}`, one("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"), true},
		{"ArnEquals differs", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}`, one("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:other"), false},
		{"ArnLike region wildcard", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:topic"}}`, one("aws:SourceArn", "arn:aws:sns:eu-west-1:123456789012:topic"), true},
		{"ArnLike star stays in section", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:1234*:topic"}}`, one("aws:SourceArn", "arn:aws:sns:eu:west:123456789012:topic"), false},
		{"ArnLike resource with colons", `{"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:123456789012:log-group:*"}}`, one("aws:SourceArn", "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s"), true},
		{"ArnLike role path", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ops/*"}}`, one("aws:PrincipalArn", "arn:aws:iam::123456789012:role/ops/deploy"), true},
		{"ArnLike not an ARN", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`, one("aws:PrincipalArn", "role/x"), false},
		{"ArnEquals wildcard section", `{"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::bucket-?"}}`, one("aws:SourceArn", "arn:aws:s3:::bucket-1"), true},
		{"ArnLike case-sensitive", `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::Bucket"}}`, one("aws:SourceArn", "arn:aws:s3:::bucket"), false},
		{"ArnNotEquals", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::a"}}`, one("aws:SourceArn", "arn:aws:s3:::b"), true},
		{"ArnNotEquals same", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::a"}}`, one("aws:SourceArn", "arn:aws:s3:::a"), false},
		{"ArnNotLike", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::a*"}}`, one("aws:SourceArn", "arn:aws:s3:::ab"), false},
		{"ArnNotLike absent", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::a*"}}`, nil, true},
		{"ArnLikeIfExists absent", `{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:s3:::a*"}}`, nil, true},
		// Null.
		{"Null true absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, true},
		{"Null true present", `{"Null":{"aws:TokenIssueTime":"true"}}`, one("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), false},
		{"Null false present", `{"Null":{"aws:TokenIssueTime":"false"}}`, one("aws:TokenIssueTime", "x"), true},
		{"Null false absent", `{"Null":{"aws:TokenIssueTime":"false"}}`, nil, false},
		{"Null JSON bool", `{"Null":{"aws:TokenIssueTime":true}}`, nil, true},
		{"Null present empty value", `{"Null":{"aws:TokenIssueTime":"true"}}`, one("aws:TokenIssueTime", ""), false},
		// IfExists forms.
		{"StringEqualsIfExists absent", `{"StringEqualsIfExists":{"ec2:InstanceType":"t2.micro"}}`, nil, true},
		{"StringEqualsIfExists present match", `{"StringEqualsIfExists":{"ec2:InstanceType":"t2.micro"}}`, one("ec2:InstanceType", "t2.micro"), true},
		{"StringEqualsIfExists present other", `{"StringEqualsIfExists":{"ec2:InstanceType":"t2.micro"}}`, one("ec2:InstanceType", "m5.large"), false},
		{"StringNotEqualsIfExists present same", `{"StringNotEqualsIfExists":{"ec2:InstanceType":"t2.micro"}}`, one("ec2:InstanceType", "t2.micro"), false},
		{"StringLikeIfExists absent", `{"StringLikeIfExists":{"ec2:InstanceType":"t2.*"}}`, nil, true},
		{"NumericLessThanIfExists absent", `{"NumericLessThanIfExists":{"s3:max-keys":"5"}}`, nil, true},
		{"NumericLessThanIfExists present", `{"NumericLessThanIfExists":{"s3:max-keys":"5"}}`, one("s3:max-keys", "6"), false},
		{"DateLessThanIfExists absent", `{"DateLessThanIfExists":{"aws:CurrentTime":"2020-01-01"}}`, nil, true},
		{"IpAddressIfExists absent", `{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}`, nil, true},
		{"IpAddressIfExists present out", `{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}`, one("aws:SourceIp", "11.0.0.1"), false},
		{"ArnEqualsIfExists present other", `{"ArnEqualsIfExists":{"aws:SourceArn":"arn:aws:s3:::a"}}`, one("aws:SourceArn", "arn:aws:s3:::b"), false},
		// Set operators with multivalued keys.
		{"ForAllValues all in", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}}`, multi("aws:TagKeys", "a", "c"), true},
		{"ForAllValues one out", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, multi("aws:TagKeys", "a", "z"), false},
		{"ForAllValues absent true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}`, nil, true},
		{"ForAllValues empty set true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}`, multi("aws:TagKeys"), true},
		{"ForAllValues like", `{"ForAllValues:StringLike":{"aws:TagKeys":["env-*"]}}`, multi("aws:TagKeys", "env-a", "env-b"), true},
		{"ForAllValues like out", `{"ForAllValues:StringLike":{"aws:TagKeys":["env-*"]}}`, multi("aws:TagKeys", "env-a", "cost"), false},
		{"ForAllValues ignorecase", `{"ForAllValues:StringEqualsIgnoreCase":{"aws:TagKeys":["Env"]}}`, multi("aws:TagKeys", "env", "ENV"), true},
		{"ForAllValues NotEquals none in set", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`, multi("aws:TagKeys", "a", "b"), true},
		{"ForAllValues NotEquals one in set", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`, multi("aws:TagKeys", "a", "secret"), false},
		{"ForAllValues NotEquals absent", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`, nil, true},
		{"ForAllValues numeric", `{"ForAllValues:NumericLessThan":{"k:n":"10"}}`, multi("k:n", "1", "9"), true},
		{"ForAllValues numeric one above", `{"ForAllValues:NumericLessThan":{"k:n":"10"}}`, multi("k:n", "1", "10"), false},
		{"ForAllValues IfExists absent", `{"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":["a"]}}`, nil, true},
		{"ForAnyValue one in", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, multi("aws:TagKeys", "z", "b"), true},
		{"ForAnyValue none in", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, multi("aws:TagKeys", "y", "z"), false},
		{"ForAnyValue absent false", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`, nil, false},
		{"ForAnyValue empty set false", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`, multi("aws:TagKeys"), false},
		{"ForAnyValue like", `{"ForAnyValue:StringLike":{"aws:TagKeys":["env-*"]}}`, multi("aws:TagKeys", "x", "env-1"), true},
		{"ForAnyValue NotEquals one outside", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}`, multi("aws:TagKeys", "a", "c"), true},
		{"ForAnyValue NotEquals all inside", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}`, multi("aws:TagKeys", "a", "b"), false},
		{"ForAnyValue NotEquals absent", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}`, nil, false},
		{"ForAnyValue IfExists absent", `{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}}`, nil, true},
		{"ForAnyValue ip", `{"ForAnyValue:IpAddress":{"k:ips":"10.0.0.0/8"}}`, multi("k:ips", "192.0.2.1", "10.1.2.3"), true},
		{"ForAnyValue arn", `{"ForAnyValue:ArnLike":{"k:arns":"arn:aws:s3:::a*"}}`, multi("k:arns", "arn:aws:s3:::b", "arn:aws:s3:::ab"), true},
		{"ForAnyValue bool", `{"ForAnyValue:Bool":{"k:b":"true"}}`, multi("k:b", "false", "true"), true},
		{"ForAnyValue date", `{"ForAnyValue:DateGreaterThan":{"k:d":"2020-01-01T00:00:00Z"}}`, multi("k:d", "2019-01-01T00:00:00Z", "2021-01-01T00:00:00Z"), true},
		// Single-valued operators on a multivalued key: any value matches.
		{"plain op on multivalued key any", `{"StringEquals":{"aws:TagKeys":"b"}}`, multi("aws:TagKeys", "a", "b"), true},
		{"plain negated on multivalued key", `{"StringNotEquals":{"aws:TagKeys":"b"}}`, multi("aws:TagKeys", "a", "b"), false},
		// Policy variables in condition values (2012-10-17).
		{"variable in value", `{"StringEquals":{"s3:prefix":"home/${aws:username}"}}`, one("s3:prefix", "home/alice", "aws:username", "alice"), true},
		{"variable other user", `{"StringEquals":{"s3:prefix":"home/${aws:username}"}}`, one("s3:prefix", "home/bob", "aws:username", "alice"), false},
		{"variable missing no default", `{"StringEquals":{"s3:prefix":"home/${aws:username}"}}`, one("s3:prefix", "home/"), false},
		{"variable default", `{"StringEquals":{"s3:prefix":"home/${aws:username, 'anon'}"}}`, one("s3:prefix", "home/anon"), true},
		{"variable default unused", `{"StringEquals":{"s3:prefix":"home/${aws:username, 'anon'}"}}`, one("s3:prefix", "home/alice", "aws:username", "alice"), true},
		{"variable in like with star", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, one("s3:prefix", "home/alice/docs", "aws:username", "alice"), true},
		{"variable value not a wildcard", `{"StringLike":{"s3:prefix":"home/${aws:username}"}}`, one("s3:prefix", "home/xyz", "aws:username", "*"), false},
		{"variable value literal star", `{"StringLike":{"s3:prefix":"home/${aws:username}"}}`, one("s3:prefix", "home/*", "aws:username", "*"), true},
		{"special ${*} is literal in Like", `{"StringLike":{"s3:prefix":"a${*}b"}}`, one("s3:prefix", "a*b"), true},
		{"special ${*} not wildcard", `{"StringLike":{"s3:prefix":"a${*}b"}}`, one("s3:prefix", "axxb"), false},
		{"special ${?} literal", `{"StringLike":{"s3:prefix":"a${?}"}}`, one("s3:prefix", "a?"), true},
		{"special ${?} not wildcard", `{"StringLike":{"s3:prefix":"a${?}"}}`, one("s3:prefix", "ab"), false},
		{"special ${$} literal", `{"StringEquals":{"s3:prefix":"${$}{x}"}}`, one("s3:prefix", "${x}"), true},
		{"principal tag variable", `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, one("aws:ResourceTag/team", "blue", "aws:PrincipalTag/team", "blue"), true},
		{"principal tag variable mismatch", `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, one("aws:ResourceTag/team", "red", "aws:PrincipalTag/team", "blue"), false},
		{"variable key case-insensitive", `{"StringEquals":{"k:v":"${AWS:SourceIdentity}"}}`, one("k:v", "me", "aws:sourceidentity", "me"), true},
		{"ignorecase with variable", `{"StringEqualsIgnoreCase":{"k:v":"${aws:username}"}}`, one("k:v", "ALICE", "aws:username", "alice"), true},
		{"arn with variable", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/${aws:username}"}}`, one("aws:PrincipalArn", "arn:aws:iam::1:user/alice", "aws:username", "alice"), true},
		{"multivalued key as variable unresolved", `{"StringEquals":{"k:v":"${aws:TagKeys}"}}`, map[string][]string{"k:v": {"a"}, "aws:TagKeys": {"a", "b"}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := condHolds(t, Version2012, tc.cond, tc.ctx); got != tc.want {
				t.Errorf("%s with %v: got %v, want %v", tc.cond, tc.ctx, got, tc.want)
			}
		})
	}
}

// With Version 2008-10-17 policy variables are plain text
// (reference_policies_variables.html#policy-vars-wheretouse).
func TestVariablesNeedVersion2012(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    Decision
	}{{Version2008, DecisionAllow}, {Version2012, DecisionImplicitDeny}} {
		doc := `{"Version":"` + tc.version + `","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}","Condition":{"StringEquals":{"s3:prefix":"home/${aws:username}"}}}}`
		p := MustParse(doc, KindResource)
		req := Request{Principal: Principal{ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"},
			Action: "s3:ListBucket", Resource: "arn:aws:s3:::b/${aws:username}",
			Context: ctxm(one("s3:prefix", "home/${aws:username}", "aws:username", "alice"))}
		if r := Evaluate(&PolicySet{Resource: []*Policy{p}}, &req); r.Decision != tc.want {
			t.Errorf("%s: got %v, want %v", tc.version, r.Decision, tc.want)
		}
	}
}
