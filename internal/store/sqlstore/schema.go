package sqlstore

// migrations are the schema steps, applied in order; step i brings the
// database to version i+1. Steps are append-only: never edit a released
// one, add a new step instead. Each step is a list of single statements
// because not every driver runs several statements in one Exec.
//
// Portability rules: TEXT, BIGINT and {{BLOB}} only; times are RFC 3339
// text in UTC ("" for none), tags and string lists are JSON text, and every
// case-insensitive name has a lower-cased *_key column beside its spelling.
var migrations = [][]string{
	{
		`CREATE TABLE generation (id BIGINT PRIMARY KEY, value BIGINT NOT NULL)`,
		`INSERT INTO generation (id, value) VALUES (1, 0)`,
		`CREATE TABLE seal_check (id BIGINT PRIMARY KEY, value {{BLOB}} NOT NULL)`,
		`CREATE TABLE accounts (
			id TEXT PRIMARY KEY,
			alias TEXT NOT NULL,
			created_at TEXT NOT NULL)`,
		`CREATE TABLE access_keys (
			id TEXT PRIMARY KEY,
			secret {{BLOB}} NOT NULL,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			user_key TEXT NOT NULL,
			user_name TEXT NOT NULL,
			status TEXT NOT NULL,
			created_at TEXT NOT NULL,
			last_used_at TEXT NOT NULL,
			last_service TEXT NOT NULL,
			last_region TEXT NOT NULL)`,
		`CREATE INDEX access_keys_owner ON access_keys (account_id, user_key, id)`,
		`CREATE TABLE users (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			id TEXT NOT NULL,
			path TEXT NOT NULL,
			permissions_boundary TEXT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL,
			password_last_used TEXT NOT NULL,
			PRIMARY KEY (account_id, name_key))`,
		`CREATE TABLE roles (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			id TEXT NOT NULL,
			path TEXT NOT NULL,
			description TEXT NOT NULL,
			trust_policy TEXT NOT NULL,
			max_session_duration BIGINT NOT NULL,
			permissions_boundary TEXT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL,
			last_used_at TEXT NOT NULL,
			last_used_region TEXT NOT NULL,
			PRIMARY KEY (account_id, name_key))`,
		`CREATE TABLE policies (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			id TEXT NOT NULL,
			path TEXT NOT NULL,
			description TEXT NOT NULL,
			default_version_id TEXT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL,
			updated_at TEXT NOT NULL,
			PRIMARY KEY (account_id, name_key))`,
		`CREATE TABLE policy_versions (
			account_id TEXT NOT NULL,
			policy_key TEXT NOT NULL,
			policy_name TEXT NOT NULL,
			version_id TEXT NOT NULL,
			document TEXT NOT NULL,
			created_at TEXT NOT NULL,
			PRIMARY KEY (account_id, policy_key, version_id),
			FOREIGN KEY (account_id, policy_key) REFERENCES policies (account_id, name_key))`,
		`CREATE TABLE inline_policies (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			kind TEXT NOT NULL,
			principal_key TEXT NOT NULL,
			principal_name TEXT NOT NULL,
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			document TEXT NOT NULL,
			PRIMARY KEY (account_id, kind, principal_key, name_key))`,
		`CREATE TABLE attachments (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			kind TEXT NOT NULL,
			principal_key TEXT NOT NULL,
			policy_arn TEXT NOT NULL,
			PRIMARY KEY (account_id, kind, principal_key, policy_arn))`,
		`CREATE INDEX attachments_policy ON attachments (policy_arn)`,
		`CREATE TABLE mfa_devices (
			serial_number TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			path TEXT NOT NULL,
			seed {{BLOB}} NOT NULL,
			user_key TEXT NOT NULL,
			user_name TEXT NOT NULL,
			enabled_at TEXT NOT NULL,
			last_used_step BIGINT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL)`,
		`CREATE INDEX mfa_devices_owner ON mfa_devices (account_id, user_key, serial_number)`,
		`CREATE TABLE oidc_providers (
			arn TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			url TEXT NOT NULL,
			client_ids TEXT NOT NULL,
			thumbprints TEXT NOT NULL,
			jwks TEXT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL)`,
		`CREATE INDEX oidc_providers_account ON oidc_providers (account_id, arn)`,
		`CREATE TABLE saml_providers (
			arn TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name TEXT NOT NULL,
			metadata TEXT NOT NULL,
			valid_until TEXT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL)`,
		`CREATE INDEX saml_providers_account ON saml_providers (account_id, arn)`,
		`CREATE TABLE token_keys (
			id BIGINT PRIMARY KEY,
			secret {{BLOB}} NOT NULL,
			created_at TEXT NOT NULL,
			retired_at TEXT NOT NULL)`,
	},
	// 2: IAM groups. Memberships name both ends by key only; reads join
	// the live users and groups, so a membership left behind by a delete
	// never shows.
	{
		`CREATE TABLE groups (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			id TEXT NOT NULL,
			path TEXT NOT NULL,
			created_at TEXT NOT NULL,
			PRIMARY KEY (account_id, name_key))`,
		`CREATE TABLE group_members (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			group_key TEXT NOT NULL,
			user_key TEXT NOT NULL,
			PRIMARY KEY (account_id, group_key, user_key))`,
		`CREATE INDEX group_members_user ON group_members (account_id, user_key, group_key)`,
	},
	// 3: outbound identity federation, one row per account that ever
	// enabled it. enabled is 0 or 1; the private keys are sealed to the
	// account and to their column. issuer_id is UNIQUE as a last guard:
	// PutOutboundFederation checks for a holder before writing.
	{
		`CREATE TABLE outbound_federations (
			account_id TEXT PRIMARY KEY REFERENCES accounts (id),
			issuer_id TEXT NOT NULL UNIQUE,
			enabled BIGINT NOT NULL,
			rsa_key {{BLOB}} NOT NULL,
			ec_key {{BLOB}} NOT NULL,
			created_at TEXT NOT NULL,
			updated_at TEXT NOT NULL)`,
	},
	// 4: IAM instance profiles. Like group memberships, a profile's roles
	// name both ends by key only; reads join the live roles, so a role
	// deleted while still in a profile never shows.
	{
		`CREATE TABLE instance_profiles (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			id TEXT NOT NULL,
			path TEXT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL,
			PRIMARY KEY (account_id, name_key))`,
		`CREATE TABLE instance_profile_roles (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			profile_key TEXT NOT NULL,
			role_key TEXT NOT NULL,
			PRIMARY KEY (account_id, profile_key, role_key))`,
		`CREATE INDEX instance_profile_roles_role ON instance_profile_roles (account_id, role_key, profile_key)`,
	},
	// 5: the other user credentials and the password policy. Booleans are
	// 0 or 1. A service-specific credential's secret is sealed to its id;
	// the password hash is a slow salted hash and is stored as is.
	// Signing certificates of the account root have user_key "".
	{
		`CREATE TABLE login_profiles (
			account_id TEXT NOT NULL REFERENCES accounts (id),
			user_key TEXT NOT NULL,
			user_name TEXT NOT NULL,
			password_hash TEXT NOT NULL,
			password_reset_required BIGINT NOT NULL,
			created_at TEXT NOT NULL,
			password_changed_at TEXT NOT NULL,
			PRIMARY KEY (account_id, user_key))`,
		`CREATE TABLE password_policies (
			account_id TEXT PRIMARY KEY REFERENCES accounts (id),
			minimum_password_length BIGINT NOT NULL,
			require_symbols BIGINT NOT NULL,
			require_numbers BIGINT NOT NULL,
			require_uppercase_characters BIGINT NOT NULL,
			require_lowercase_characters BIGINT NOT NULL,
			allow_users_to_change_password BIGINT NOT NULL,
			max_password_age BIGINT NOT NULL,
			password_reuse_prevention BIGINT NOT NULL,
			hard_expiry BIGINT NOT NULL)`,
		`CREATE TABLE ssh_public_keys (
			id TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			user_key TEXT NOT NULL,
			user_name TEXT NOT NULL,
			body TEXT NOT NULL,
			fingerprint TEXT NOT NULL,
			status TEXT NOT NULL,
			uploaded_at TEXT NOT NULL)`,
		`CREATE INDEX ssh_public_keys_owner ON ssh_public_keys (account_id, user_key, id)`,
		`CREATE TABLE signing_certificates (
			id TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			user_key TEXT NOT NULL,
			user_name TEXT NOT NULL,
			body TEXT NOT NULL,
			status TEXT NOT NULL,
			uploaded_at TEXT NOT NULL)`,
		`CREATE INDEX signing_certificates_owner ON signing_certificates (account_id, user_key, id)`,
		`CREATE TABLE service_specific_credentials (
			id TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			user_key TEXT NOT NULL,
			user_name TEXT NOT NULL,
			service_name TEXT NOT NULL,
			service_user_name TEXT NOT NULL,
			secret {{BLOB}} NOT NULL,
			status TEXT NOT NULL,
			created_at TEXT NOT NULL,
			expires_at TEXT NOT NULL)`,
		`CREATE INDEX service_specific_credentials_owner ON service_specific_credentials (account_id, user_key, id)`,
	},
}
