package iam

import (
	"strings"
	"testing"
)

func TestStatementSpans(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want []span
	}{
		// aws-cli awscli/examples/iam/simulate-custom-policy.rst.
		{"cli example", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`,
			[]span{{position{1, 38}, position{1, 167}}}},
		// aws-parity-snapshots/localstack/test_iam.snapshot.json,
		// test_simulate_principle_policy (Python json.dumps of the document).
		{"snapshot", `{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}`,
			[]span{{position{1, 41}, position{1, 113}}}},
		{"array multiline", "{\n \"Statement\": [\n  {\"Effect\":\"Allow\"},\n  {\"Effect\":\"Deny\",\"Condition\":{\"A\":{\"k\":\"}\"}}}\n ],\n \"Version\":\"2012-10-17\"}",
			[]span{{position{3, 4}, position{3, 21}}, {position{4, 4}, position{4, 48}}}},
		{"escaped key and strings", `{"Id":"a\"}","V\u0065rsion":"2012-10-17","Statement":[{"Sid":"x\\"}]}`,
			[]span{{position{1, 56}, position{1, 68}}}},
		{"non-ascii column counts characters", "{\"Id\":\"é\",\n\"Statement\":{}}", []span{{position{2, 14}, position{2, 15}}}},
		{"no statement", `{"Version":"2012-10-17"}`, nil},
		{"not an object", `[1,2]`, nil},
		{"truncated", `{"Statement":[{"Effect":"Allow"`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := statementSpans(c.doc)
			if len(got) != len(c.want) {
				t.Fatalf("spans = %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("span %d = %v, want %v", i, got[i], c.want[i])
				}
			}
		})
	}
}

// FuzzStatementSpans checks that no input makes the span scanner panic or
// report a position outside the document.
func FuzzStatementSpans(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
		`{"Statement":[{"a":"\"}"},{},[]]}`,
		`{"Statement":[`, `{"Statement"`, `{"x":tru`, `"`, ``, `{"Statement":[{"a":[[[[`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		lines := int32(strings.Count(doc, "\n") + 1)
		for _, sp := range statementSpans(doc) {
			for _, p := range []position{sp.start, sp.end} {
				if p.line < 1 || p.line > lines || p.column < 2 {
					t.Fatalf("position %v outside %q", p, doc)
				}
			}
		}
	})
}
