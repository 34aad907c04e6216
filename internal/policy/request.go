package policy

import (
	"iter"
	"strings"
)

// Principal describes who makes a request, in the terms a Principal element
// can name.
type Principal struct {
	// ARN is the caller's ARN: an IAM user, the account root, an
	// assumed-role session (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION) or
	// a federated user. Empty for web-identity and SAML callers.
	ARN string
	// Account is the caller's account id.
	Account string
	// RoleARN is, for an assumed-role session, the ARN of the role (with its
	// path). When empty the role is recognised from the session ARN by name,
	// which is unambiguous because role names are unique in an account.
	RoleARN string
	// Federated is the identity provider for AssumeRoleWithSAML and
	// AssumeRoleWithWebIdentity: the provider ARN or a well-known name such
	// as "accounts.google.com".
	Federated string
	// Service is the service principal, e.g. "ec2.amazonaws.com".
	Service string
	// CanonicalUser is the caller's canonical user id (S3).
	CanonicalUser string
}

// Request is the request context a policy set is evaluated against.
type Request struct {
	Principal Principal
	// Action is "service:Name"; matched case-insensitively.
	Action string
	// Resource is the resource ARN ("*" or empty when the action has none).
	Resource string
	// ResourceAccount owns the resource and its resource-based policy; empty
	// means the caller's account.
	ResourceAccount string
	// Context holds the condition keys.
	Context Context
}

// Context holds request-context keys. Key names are case-insensitive
// ("Condition keys: key names are not case-sensitive", reference_policies_
// elements_condition.html); values are kept as given. A key may hold several
// values (multivalued keys such as aws:TagKeys).
type Context struct {
	m map[string][]string
	// lists marks keys given with a list type (SimulatePolicy's
	// stringList, numericList, …), which single-valued operators cannot
	// compare; nil when there are none.
	lists map[string]struct{}
	// one backs the one-value slices SetValue stores, so that a context
	// reused through Reset stores single values without allocating.
	one []string
}

// Reset empties the context but keeps its storage, so that filling it
// again with as many keys allocates nothing. Slices returned by Get before
// Reset must not be used after it.
func (c *Context) Reset() {
	clear(c.m)
	clear(c.lists)
	c.one = c.one[:0]
}

// SetValue sets key to the single value v, as Set(key, v) does, without
// allocating once the context has held as many keys before its last
// Reset. A key already in lower case is not converted (nor copied).
func (c *Context) SetValue(key, v string) {
	if c.m == nil {
		c.m = make(map[string][]string)
	}
	if len(c.one) == cap(c.one) {
		// The old array stays behind the values already stored.
		c.one = make([]string, 0, 2*cap(c.one)+8)
	}
	i := len(c.one)
	c.one = append(c.one, v)
	lkey := strings.ToLower(key)
	c.m[lkey] = c.one[i : i+1 : i+1]
	delete(c.lists, lkey)
}

// Set sets key to values, replacing any earlier values. Set with no values
// records a present key with an empty set of values.
func (c *Context) Set(key string, values ...string) {
	if c.m == nil {
		c.m = make(map[string][]string)
	}
	if values == nil {
		values = []string{}
	}
	lkey := strings.ToLower(key)
	c.m[lkey] = values
	delete(c.lists, lkey)
}

// SetList sets key to values and marks it list-typed, as IAM's policy
// simulator types a context entry "stringList", "numericList" and so on.
// Only the set operators (ForAllValues, ForAnyValue) compare a list-typed
// key: AWS's simulator never matches a plain operator against one (the
// politest scenario 11-context-stringlist, run against AWS, expects
// StringLike "t2.*" not to match stringList ["t2.micro"]), and
// "multivalued context keys require a condition set operator"
// (reference_policies_condition-single-vs-multi-valued-context-keys.html).
func (c *Context) SetList(key string, values ...string) {
	c.Set(key, values...)
	if c.lists == nil {
		c.lists = make(map[string]struct{})
	}
	c.lists[strings.ToLower(key)] = struct{}{}
}

// Get returns the values of key and whether it is present.
func (c *Context) Get(key string) ([]string, bool) {
	return c.lookup(strings.ToLower(key))
}

// Delete removes key.
func (c *Context) Delete(key string) {
	delete(c.m, strings.ToLower(key))
	delete(c.lists, strings.ToLower(key))
}

// isList reports whether an already lower-cased key was set with SetList.
func (c *Context) isList(lkey string) bool {
	_, ok := c.lists[lkey]
	return ok
}

// All yields every key (lower-cased) with its values, in no set order,
// for describing a request (an encoded authorization message lists them).
// The values must not be modified.
func (c *Context) All() iter.Seq2[string, []string] {
	return func(yield func(string, []string) bool) {
		for k, v := range c.m {
			if !yield(k, v) {
				return
			}
		}
	}
}

// Len is the number of keys.
func (c *Context) Len() int { return len(c.m) }

// lookup takes an already lower-cased key, so compiled policies look keys up
// without allocating.
func (c *Context) lookup(lkey string) ([]string, bool) {
	v, ok := c.m[lkey]
	return v, ok
}

// variable resolves a policy variable: single-valued keys only, as
// multivalued keys cannot be substituted.
func (c *Context) variable(lkey string) (string, bool) {
	v, ok := c.m[lkey]
	if !ok || len(v) != 1 {
		return "", false
	}
	return v[0], true
}
