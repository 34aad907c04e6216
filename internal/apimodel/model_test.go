package apimodel

import "testing"

func TestServiceFacts(t *testing.T) {
	if STS.APIVersion != "2011-06-15" || STS.XMLNamespace != "https://sts.amazonaws.com/doc/2011-06-15/" {
		t.Errorf("STS = %q %q", STS.APIVersion, STS.XMLNamespace)
	}
	if IAM.APIVersion != "2010-05-08" || IAM.XMLNamespace != "https://iam.amazonaws.com/doc/2010-05-08/" {
		t.Errorf("IAM = %q %q", IAM.APIVersion, IAM.XMLNamespace)
	}
	// The reference README: the STS model has these 11 operations.
	for _, op := range []string{"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
		"DecodeAuthorizationMessage", "GetAccessKeyInfo", "GetCallerIdentity", "GetDelegatedAccessToken",
		"GetFederationToken", "GetSessionToken", "GetWebIdentityToken"} {
		if STS.Operations[op] == nil {
			t.Errorf("STS lacks %s", op)
		}
	}
	if len(STS.Operations) != 11 || len(IAM.Operations) != 176 {
		t.Errorf("operations: STS %d, IAM %d", len(STS.Operations), len(IAM.Operations))
	}
}

func TestErrorsKeyedByWireCode(t *testing.T) {
	cases := []struct {
		svc    *Service
		code   string
		status int
		shape  string
	}{
		{STS, "IDPRejectedClaim", 403, "IDPRejectedClaimException"},
		{STS, "RegionDisabledException", 403, "RegionDisabledException"},
		{STS, "ExpiredTokenException", 400, "ExpiredTokenException"},
		{STS, "MalformedPolicyDocument", 400, "MalformedPolicyDocumentException"},
		{IAM, "NoSuchEntity", 404, "NoSuchEntityException"},
		{IAM, "EntityAlreadyExists", 409, "EntityAlreadyExistsException"},
		{IAM, "ServiceFailure", 500, "ServiceFailureException"},
	}
	for _, c := range cases {
		es, ok := c.svc.Errors[c.code]
		if !ok {
			t.Errorf("%s: no error %s", c.svc.Name, c.code)
			continue
		}
		if es.HTTPStatus != c.status || es.Shape != c.shape || es.Code != c.code {
			t.Errorf("%s %s = %+v", c.svc.Name, c.code, es)
		}
	}
	if IAM.Errors["ServiceFailure"].SenderFault {
		t.Error("ServiceFailure should be a Receiver fault")
	}
	op := STS.Operations["AssumeRole"]
	want := []string{"MalformedPolicyDocument", "PackedPolicyTooLarge", "RegionDisabledException", "ExpiredTokenException"}
	if len(op.Errors) != len(want) {
		t.Fatalf("AssumeRole errors = %v", op.Errors)
	}
	for i := range want {
		if op.Errors[i] != want[i] {
			t.Errorf("AssumeRole errors = %v, want %v", op.Errors, want)
		}
	}
}

func TestShapesWired(t *testing.T) {
	op := STS.Operations["AssumeRole"]
	if op.Input.Name != "AssumeRoleRequest" || op.Output.Name != "AssumeRoleResponse" || op.ResultWrapper != "AssumeRoleResult" {
		t.Fatalf("AssumeRole = %+v", op)
	}
	in := op.Input
	if in.Members[0].Name != "RoleArn" || !in.Members[0].Required || in.Members[1].Name != "RoleSessionName" {
		t.Errorf("member order/required wrong: %+v", in.Members[:2])
	}
	var tags *Member
	for i := range in.Members {
		if in.Members[i].Name == "Tags" {
			tags = &in.Members[i]
		}
	}
	if tags == nil || tags.Shape.Type != TypeList || tags.Shape.Member.Name != "Tag" || !tags.Shape.HasMax || tags.Shape.Max != 50 {
		t.Fatalf("Tags = %+v", tags)
	}
	key := tags.Shape.Member.Members[0]
	if key.Name != "Key" || !key.Required || key.Shape.Min != 1 || key.Shape.Max != 128 || key.Shape.Pattern == "" {
		t.Errorf("Tag.Key = %+v %+v", key, key.Shape)
	}
	mi := IAM.Shapes["maxItemsType"]
	if mi.Type != TypeInteger || mi.Min != 1 || mi.Max != 1000 || !mi.HasMin || !mi.HasMax {
		t.Errorf("maxItemsType = %+v", mi)
	}
	if e := IAM.Shapes["statusType"]; len(e.Enum) != 3 && len(e.Enum) != 2 {
		t.Errorf("statusType enum = %v", e.Enum)
	}
	if !STS.Shapes["SAMLAssertionType"].Sensitive {
		t.Error("SAMLAssertionType should be sensitive")
	}
	if IAM.Operations["ListUsers"].Output.Members[0].Shape.Type != TypeList {
		t.Error("ListUsers Users should be a list")
	}
	if got := TypeTimestamp.String(); got != "timestamp" {
		t.Errorf("String = %q", got)
	}
	if pt, ok := ParseShapeType("map"); !ok || pt != TypeMap {
		t.Errorf("ParseShapeType(map) = %v %v", pt, ok)
	}
}
