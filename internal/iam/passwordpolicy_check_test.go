package iam

import (
	"testing"

	"github.com/stsd/stsd/internal/store"
)

func TestBrokenPasswordRuleDefault(t *testing.T) {
	// The AWS default policy: 8 characters, three of four types, not the
	// account's name.
	for _, tc := range []struct {
		pw, alias string
		want      passwordRule
	}{
		{"Ab1!", "", ruleLength},
		{"Ab1!xyz", "", ruleLength},
		{"Ab1!wxyz", "", ruleNone},
		{"abcdefgh", "", ruleMix},
		{"abcdefg1", "", ruleMix},
		{"abcdefG1", "", ruleNone},
		{"abcdefg!", "", ruleMix},
		{"abcdef1!", "", ruleNone},
		{"ABCDEF1!", "", ruleNone},
		// Only the listed symbols count: "." and "é" are no type.
		{"abcdef1.", "", ruleMix},
		{"abcdéf1é", "", ruleMix},
		// Characters, not bytes: seven characters in nine bytes.
		{"Ab1!éxé", "", ruleLength},
		{"team-alpha-2024", "team-alpha-2024", ruleAccount},
		{"team-alpha-2025", "team-alpha-2024", ruleNone},
	} {
		if got := brokenPasswordRule(nil, tc.alias, tc.pw); got != tc.want {
			t.Errorf("default policy, %q (alias %q): rule %q, want %q", tc.pw, tc.alias, got, tc.want)
		}
	}
}

func TestBrokenPasswordRuleCustom(t *testing.T) {
	all := &store.PasswordPolicy{MinimumPasswordLength: 10, RequireUppercaseCharacters: true,
		RequireLowercaseCharacters: true, RequireNumbers: true, RequireSymbols: true}
	lax := &store.PasswordPolicy{MinimumPasswordLength: 6}
	for _, tc := range []struct {
		p    *store.PasswordPolicy
		pw   string
		want passwordRule
	}{
		{all, "Aa1!aaaaa", ruleLength},
		{all, "Aa1!aaaaaa", ruleNone},
		{all, "aa1!aaaaaa", ruleUppercase},
		{all, "AA1!AAAAAA", ruleLowercase},
		{all, "Aa!!aaaaaa", ruleNumber},
		{all, "Aa11aaaaaa", ruleSymbol},
		{all, "Aa1'aaaaaa", ruleNone},
		// A custom policy replaces the default one whole: no type mix,
		// no account-name rule.
		{lax, "abcdef", ruleNone},
		{lax, "abcde", ruleLength},
	} {
		if got := brokenPasswordRule(tc.p, "abcdef", tc.pw); got != tc.want {
			t.Errorf("%+v, %q: rule %q, want %q", *tc.p, tc.pw, got, tc.want)
		}
	}
}

func TestPasswordSymbols(t *testing.T) {
	// Every listed symbol counts, and nothing else outside letters and
	// digits does.
	for _, r := range passwordSymbols {
		if !classifyPassword(string(r)).symbol {
			t.Errorf("%q is not a symbol", r)
		}
	}
	for _, r := range ".,;:<>?/\\\"`~ \té" {
		if classifyPassword(string(r)).count() != 0 {
			t.Errorf("%q counts as a type", r)
		}
	}
}

func TestPasswordPolicyOut(t *testing.T) {
	// The defaults: no age, reuse or hard expiry in the answer.
	out := passwordPolicyOut(store.PasswordPolicy{MinimumPasswordLength: 6})
	if *out.MinimumPasswordLength != 6 || *out.ExpirePasswords || out.MaxPasswordAge != nil ||
		out.PasswordReusePrevention != nil || out.HardExpiry != nil || *out.AllowUsersToChangePassword {
		t.Fatalf("defaults = %+v", out)
	}
	out = passwordPolicyOut(store.PasswordPolicy{MinimumPasswordLength: 10, MaxPasswordAge: 60, PasswordReusePrevention: 3, HardExpiry: true})
	if !*out.ExpirePasswords || *out.MaxPasswordAge != 60 || *out.PasswordReusePrevention != 3 || !*out.HardExpiry {
		t.Fatalf("custom = %+v", out)
	}
}
