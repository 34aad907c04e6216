package iam

import (
	"strings"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/store"
)

// codePasswordPolicyViolation is the model's PasswordPolicyViolation
// (HTTP 400).
const codePasswordPolicyViolation = "PasswordPolicyViolation"

// msgPasswordPolicyViolation is AWS's refusal of a password that breaks
// the account's password policy, whichever rule it breaks: the text
// ansible/ansible matches on CreateLoginProfile's error
// (lib/ansible/modules/cloud/amazon/iam.py) and the one CloudFormation
// relays for an AWS::IAM::User password (quoted in the awscfncli README).
// No recording of a per-rule wording was found, so stsd names no rule.
const msgPasswordPolicyViolation = "Password does not conform to the account password policy."

// passwordSymbols are the non-alphanumeric characters IAM counts as
// symbols: "! @ # $ % ^ & * ( ) _ + - = [ ] { } | '" (IAM API Reference,
// UpdateAccountPasswordPolicy, RequireSymbols). Other punctuation is
// allowed in a password but does not count.
const passwordSymbols = "!@#$%^&*()_+-=[]{}|'"

// The AWS default password policy, which applies while an account has no
// custom one (IAM User Guide, "Setting an account password policy for IAM
// users", Default password policy): at least 8 characters, at least three
// of the four character types, and not the account's name or email.
const (
	defaultMinimumPasswordLength = 8
	defaultPasswordTypesRequired = 3
)

// passwordRule names the rule a password broke. It is for stsd's own
// tests and reasoning; AWS's answer is the same for every rule.
type passwordRule string

// The rules of custom and default password policies.
const (
	ruleNone      passwordRule = ""
	ruleLength    passwordRule = "minimum length"
	ruleUppercase passwordRule = "uppercase letter"
	ruleLowercase passwordRule = "lowercase letter"
	ruleNumber    passwordRule = "number"
	ruleSymbol    passwordRule = "symbol"
	ruleMix       passwordRule = "three character types"
	ruleAccount   passwordRule = "not the account name"
)

// passwordTypes records which character types a password contains.
type passwordTypes struct {
	upper, lower, number, symbol bool
}

// count is the number of types present.
func (t passwordTypes) count() int {
	n := 0
	for _, b := range []bool{t.upper, t.lower, t.number, t.symbol} {
		if b {
			n++
		}
	}
	return n
}

// classifyPassword finds the character types of password. Letters count
// only from the ISO basic Latin alphabet, as IAM's policy options say
// ("A to Z", "a to z"); a Latin-1 letter such as é is none of the types.
func classifyPassword(password string) passwordTypes {
	var t passwordTypes
	for _, r := range password {
		switch {
		case r >= 'A' && r <= 'Z':
			t.upper = true
		case r >= 'a' && r <= 'z':
			t.lower = true
		case r >= '0' && r <= '9':
			t.number = true
		case strings.ContainsRune(passwordSymbols, r):
			t.symbol = true
		}
	}
	return t
}

// brokenPasswordRule returns the first rule password breaks: the custom
// policy p's, or the default policy's when p is nil. accountName is the
// account's alias, stsd's only name for an account ("" for none); stsd
// accounts have no email address. Lengths count characters, not bytes.
func brokenPasswordRule(p *store.PasswordPolicy, accountName, password string) passwordRule {
	length := utf8.RuneCountInString(password)
	t := classifyPassword(password)
	if p == nil {
		switch {
		case length < defaultMinimumPasswordLength:
			return ruleLength
		case t.count() < defaultPasswordTypesRequired:
			return ruleMix
		case accountName != "" && password == accountName:
			return ruleAccount
		}
		return ruleNone
	}
	switch {
	case length < int(p.MinimumPasswordLength):
		return ruleLength
	case p.RequireUppercaseCharacters && !t.upper:
		return ruleUppercase
	case p.RequireLowercaseCharacters && !t.lower:
		return ruleLowercase
	case p.RequireNumbers && !t.number:
		return ruleNumber
	case p.RequireSymbols && !t.symbol:
		return ruleSymbol
	}
	return ruleNone
}

// passwordViolation is the refusal of a password that broke a rule.
func passwordViolation() error {
	return apierr.New(codePasswordPolicyViolation, msgPasswordPolicyViolation)
}
