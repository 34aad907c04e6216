package iam

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/store"
)

// prefixServiceCredential starts the ids of service-specific credentials
// ("ACCA: Context-specific credential", IAM User Guide, "Unique
// identifiers"). AWS's are 21 characters, as ids.NewUniqueID makes them
// ("ACCAYVOX5SUYX5PVDRUM5" in a recorded CreateServiceSpecificCredential
// answer).
const prefixServiceCredential = "ACCA"

// credentialKind is the shape of a service's credential: what IAM
// generates and which response members carry it.
type credentialKind int

const (
	// kindPassword is a user name and password (CodeCommit Git over HTTPS,
	// Amazon Keyspaces): ServiceUserName and ServicePassword.
	kindPassword credentialKind = iota + 1
	// kindAPIKey is a long-term API key used as a bearer token:
	// ServiceCredentialAlias and ServiceCredentialSecret, optionally
	// expiring after CredentialAgeDays.
	kindAPIKey
)

// credentialService is what IAM knows of one service that accepts
// service-specific credentials.
type credentialService struct {
	kind credentialKind
	// secretPrefix starts the service's API key secrets.
	secretPrefix string
}

// lookupCredentialService reports whether IAM issues service-specific
// credentials for the service, and of which kind. The names are exact:
// CodeCommit and Keyspaces take passwords (API reference,
// CreateServiceSpecificCredential); Bedrock, Claude Platform on AWS,
// CloudWatch and CloudWatch Logs take long-term API keys (IAM User Guide,
// "API keys for AWS services", whose CLI examples give these service
// names). Bedrock keys start with "ABSK" (the prefix AWS's long-term
// Bedrock keys carry, matched by the secret scanners' Bedrock rules); the
// other services' key formats are not documented, so theirs have no
// prefix.
func lookupCredentialService(name string) (credentialService, bool) {
	switch name {
	case "codecommit.amazonaws.com", "cassandra.amazonaws.com":
		return credentialService{kind: kindPassword}, true
	case "bedrock.amazonaws.com":
		return credentialService{kind: kindAPIKey, secretPrefix: "ABSK"}, true
	case "aws-external-anthropic.amazonaws.com", "cloudwatch.amazonaws.com", "logs.amazonaws.com":
		return credentialService{kind: kindAPIKey}, true
	}
	return credentialService{}, false
}

// Sizes of the random parts of secrets. A password is the base64 of 32
// random bytes, 44 characters, the shape of the ServicePassword in the AWS
// CLI's create-service-specific-credential example
// ("k1zPZM6uVxMQ3oxqgoYlNuJPyRTZ1vREs76zTQE3eJk="). An API key's random
// part is 48 bytes, which keeps a Bedrock key of any user within the
// 109 to 269 base64 characters after "ABSK" that secret scanners expect
// of one.
const (
	passwordBytes = 32
	apiKeyBytes   = 48
)

// newSecret generates a fresh secret from crypto/rand for a credential
// named name (its ServiceUserName or alias). An API key is prefix +
// base64(name + ":" + base64(random)): a bearer token that names its
// credential, so a service can find the credential a token belongs to.
// That layout is stsd's; AWS does not document its own.
func (svc credentialService) newSecret(name string) (string, error) {
	n := passwordBytes
	if svc.kind == kindAPIKey {
		n = apiKeyBytes
	}
	raw := make([]byte, n)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := base64.StdEncoding.EncodeToString(raw)
	if svc.kind == kindAPIKey {
		secret = svc.secretPrefix + base64.StdEncoding.EncodeToString([]byte(name+":"+secret))
	}
	return secret, nil
}

// serviceUserName is the name IAM generates for a user's new credential:
// "USER-at-ACCOUNT", as recorded from AWS for CodeCommit and Keyspaces
// passwords (aws-parity-snapshots/localstack/test_iam.snapshot.json), and
// the ServiceCredentialAlias of Bedrock keys in CLI output users have
// published (e.g. "bedrock-api-user-at-672109488524"). When a credential
// of the account (have) already uses it, the first free
// "USER+N-at-ACCOUNT" (the
// API reference's ListServiceSpecificCredentials example lists
// "thomas-at-123456789012" and "thomas+1-at-123456789012" for one user).
func serviceUserName(user, acct string, have []store.ServiceSpecificCredential) string {
	used := make(map[string]bool, len(have))
	for _, c := range have {
		used[c.ServiceUserName] = true
	}
	for n := 0; ; n++ {
		name := user
		if n > 0 {
			name += "+" + strconv.Itoa(n)
		}
		name += "-at-" + acct
		if !used[name] {
			return name
		}
	}
}

// credentialStatus is the status IAM reports: "Expired" once an expiring
// credential's time has come (statusType's third value), else the stored
// Active or Inactive.
func credentialStatus(c store.ServiceSpecificCredential, now time.Time) string {
	if !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt) {
		return statusExpired
	}
	return string(c.Status)
}

// statusExpired is the status of a credential past its ExpirationDate.
const statusExpired = "Expired"

// credentialOut is a credential as Create and Reset answer it, with its
// secret in the member its kind uses: ServiceUserName and ServicePassword
// for a password, ServiceCredentialAlias and ServiceCredentialSecret for
// an API key (as AWS answers for Bedrock in the IAM User Guide's
// examples).
func credentialOut(c store.ServiceSpecificCredential, secret string, now time.Time) *iamapi.ServiceSpecificCredential {
	out := &iamapi.ServiceSpecificCredential{
		CreateDate:                  c.CreatedAt,
		ExpirationDate:              c.ExpiresAt,
		ServiceName:                 c.ServiceName,
		ServiceSpecificCredentialId: c.ID,
		UserName:                    c.UserName,
		Status:                      credentialStatus(c, now),
	}
	if svc, _ := lookupCredentialService(c.ServiceName); svc.kind == kindAPIKey {
		out.ServiceCredentialAlias, out.ServiceCredentialSecret = c.ServiceUserName, secret
	} else {
		out.ServiceUserName, out.ServicePassword = c.ServiceUserName, secret
	}
	return out
}

// credentialMetadata is a credential as List answers it: never a secret.
func credentialMetadata(c store.ServiceSpecificCredential, now time.Time) iamapi.ServiceSpecificCredentialMetadata {
	out := iamapi.ServiceSpecificCredentialMetadata{
		UserName:                    c.UserName,
		Status:                      credentialStatus(c, now),
		CreateDate:                  c.CreatedAt,
		ExpirationDate:              c.ExpiresAt,
		ServiceSpecificCredentialId: c.ID,
		ServiceName:                 c.ServiceName,
	}
	if svc, _ := lookupCredentialService(c.ServiceName); svc.kind == kindAPIKey {
		out.ServiceCredentialAlias = c.ServiceUserName
	} else {
		out.ServiceUserName = c.ServiceUserName
	}
	return out
}
