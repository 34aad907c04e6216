package sqlstore

// migrations are the schema steps, applied in order; step i brings the
// database to version i+1. Steps are append-only: never edit a released
// one, add a new step instead. Each step is a list of single statements
// because not every driver runs several statements in one Exec.
//
// Portability rules: TEXT, BIGINT, {{BLOB}} and {{AUTOKEY}} only; times are RFC 3339
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
	// 6: rows that belong to a user, role, group or instance profile name
	// it by the parent's pk, a key the database assigns and nothing ever
	// changes, with ON DELETE CASCADE; a rename is one UPDATE of the
	// parent and a delete leaves nothing behind. (The IAM ids cannot serve:
	// the store lets UpdateUser rewrite them.) MFA devices outlive their
	// user, unassigned (SET NULL), as they exist apart from users in IAM.
	// Root access keys and signing certificates have user_pk NULL. Inline
	// policies and attachments have one parent column per kind, exactly
	// one of them set. Also new: each account's latest credential report.
	//
	// The step rebuilds each table (rename, create, copy, drop), the only
	// way SQLite changes a primary key. Child rows whose parent no longer
	// exists, which no read showed, are not copied. Index names are taken
	// by the renamed tables until they are dropped, so the indexes come
	// last.
	migrationIDKeys(),
}

// migrationIDKeys returns step 6 (see migrations). Like every step it
// must never change once released, so it names its tables itself rather
// than sharing lists with the queries.
func migrationIDKeys() []string {
	rebuilt := []string{
		"users", "roles", "groups", "instance_profiles",
		"access_keys", "mfa_devices", "inline_policies", "attachments", "group_members",
		"instance_profile_roles", "login_profiles", "ssh_public_keys", "signing_certificates",
		"service_specific_credentials",
	}
	var steps []string
	for _, t := range rebuilt {
		steps = append(steps, `ALTER TABLE `+t+` RENAME TO `+t+`_v5`)
	}
	steps = append(steps,
		`CREATE TABLE users (
			pk {{AUTOKEY}},
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			id TEXT NOT NULL,
			path TEXT NOT NULL,
			permissions_boundary TEXT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL,
			password_last_used TEXT NOT NULL,
			UNIQUE (account_id, name_key))`,
		`INSERT INTO users (account_id, name_key, name, id, path, permissions_boundary, tags, created_at, password_last_used)
			SELECT account_id, name_key, name, id, path, permissions_boundary, tags, created_at, password_last_used
			FROM users_v5 ORDER BY account_id, name_key`,
		`CREATE TABLE roles (
			pk {{AUTOKEY}},
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
			UNIQUE (account_id, name_key))`,
		`INSERT INTO roles (account_id, name_key, name, id, path, description, trust_policy, max_session_duration,
				permissions_boundary, tags, created_at, last_used_at, last_used_region)
			SELECT account_id, name_key, name, id, path, description, trust_policy, max_session_duration,
				permissions_boundary, tags, created_at, last_used_at, last_used_region
			FROM roles_v5 ORDER BY account_id, name_key`,
		`CREATE TABLE groups (
			pk {{AUTOKEY}},
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			id TEXT NOT NULL,
			path TEXT NOT NULL,
			created_at TEXT NOT NULL,
			UNIQUE (account_id, name_key))`,
		`INSERT INTO groups (account_id, name_key, name, id, path, created_at)
			SELECT account_id, name_key, name, id, path, created_at FROM groups_v5 ORDER BY account_id, name_key`,
		`CREATE TABLE instance_profiles (
			pk {{AUTOKEY}},
			account_id TEXT NOT NULL REFERENCES accounts (id),
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			id TEXT NOT NULL,
			path TEXT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL,
			UNIQUE (account_id, name_key))`,
		`INSERT INTO instance_profiles (account_id, name_key, name, id, path, tags, created_at)
			SELECT account_id, name_key, name, id, path, tags, created_at FROM instance_profiles_v5 ORDER BY account_id, name_key`,

		`CREATE TABLE access_keys (
			id TEXT PRIMARY KEY,
			secret {{BLOB}} NOT NULL,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			user_pk BIGINT REFERENCES users (pk) ON DELETE CASCADE,
			status TEXT NOT NULL,
			created_at TEXT NOT NULL,
			last_used_at TEXT NOT NULL,
			last_service TEXT NOT NULL,
			last_region TEXT NOT NULL)`,
		`INSERT INTO access_keys (id, secret, account_id, user_pk, status, created_at, last_used_at, last_service, last_region)
			SELECT k.id, k.secret, k.account_id, u.pk, k.status, k.created_at, k.last_used_at, k.last_service, k.last_region
			FROM access_keys_v5 k LEFT JOIN users u ON u.account_id = k.account_id AND u.name_key = k.user_key
			WHERE k.user_key = '' OR u.pk IS NOT NULL`,
		`CREATE TABLE mfa_devices (
			serial_number TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			path TEXT NOT NULL,
			seed {{BLOB}} NOT NULL,
			user_pk BIGINT REFERENCES users (pk) ON DELETE SET NULL,
			enabled_at TEXT NOT NULL,
			last_used_step BIGINT NOT NULL,
			tags TEXT NOT NULL,
			created_at TEXT NOT NULL)`,
		`INSERT INTO mfa_devices (serial_number, account_id, path, seed, user_pk, enabled_at, last_used_step, tags, created_at)
			SELECT d.serial_number, d.account_id, d.path, d.seed, u.pk, d.enabled_at, d.last_used_step, d.tags, d.created_at
			FROM mfa_devices_v5 d LEFT JOIN users u ON u.account_id = d.account_id AND u.name_key = d.user_key`,
		`CREATE TABLE inline_policies (
			user_pk BIGINT REFERENCES users (pk) ON DELETE CASCADE,
			role_pk BIGINT REFERENCES roles (pk) ON DELETE CASCADE,
			group_pk BIGINT REFERENCES groups (pk) ON DELETE CASCADE,
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			document TEXT NOT NULL,
			CHECK (`+oneParent+`))`,
		`CREATE TABLE attachments (
			user_pk BIGINT REFERENCES users (pk) ON DELETE CASCADE,
			role_pk BIGINT REFERENCES roles (pk) ON DELETE CASCADE,
			group_pk BIGINT REFERENCES groups (pk) ON DELETE CASCADE,
			policy_arn TEXT NOT NULL,
			CHECK (`+oneParent+`))`,
	)
	for _, p := range []struct{ kind, table, col string }{
		{"user", "users", "user_pk"}, {"role", "roles", "role_pk"}, {"group", "groups", "group_pk"},
	} {
		steps = append(steps,
			`INSERT INTO inline_policies (`+p.col+`, name_key, name, document)
			SELECT o.pk, i.name_key, i.name, i.document
			FROM inline_policies_v5 i JOIN `+p.table+` o ON o.account_id = i.account_id AND o.name_key = i.principal_key
			WHERE i.kind = '`+p.kind+`'`,
			`INSERT INTO attachments (`+p.col+`, policy_arn)
			SELECT o.pk, a.policy_arn
			FROM attachments_v5 a JOIN `+p.table+` o ON o.account_id = a.account_id AND o.name_key = a.principal_key
			WHERE a.kind = '`+p.kind+`'`)
	}
	steps = append(steps,
		`CREATE TABLE group_members (
			group_pk BIGINT NOT NULL REFERENCES groups (pk) ON DELETE CASCADE,
			user_pk BIGINT NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
			PRIMARY KEY (group_pk, user_pk))`,
		`INSERT INTO group_members (group_pk, user_pk)
			SELECT g.pk, u.pk FROM group_members_v5 m
			JOIN groups g ON g.account_id = m.account_id AND g.name_key = m.group_key
			JOIN users u ON u.account_id = m.account_id AND u.name_key = m.user_key`,
		`CREATE TABLE instance_profile_roles (
			profile_pk BIGINT NOT NULL REFERENCES instance_profiles (pk) ON DELETE CASCADE,
			role_pk BIGINT NOT NULL REFERENCES roles (pk) ON DELETE CASCADE,
			PRIMARY KEY (profile_pk, role_pk))`,
		`INSERT INTO instance_profile_roles (profile_pk, role_pk)
			SELECT p.pk, r.pk FROM instance_profile_roles_v5 m
			JOIN instance_profiles p ON p.account_id = m.account_id AND p.name_key = m.profile_key
			JOIN roles r ON r.account_id = m.account_id AND r.name_key = m.role_key`,
		`CREATE TABLE login_profiles (
			user_pk BIGINT PRIMARY KEY REFERENCES users (pk) ON DELETE CASCADE,
			password_hash TEXT NOT NULL,
			password_reset_required BIGINT NOT NULL,
			created_at TEXT NOT NULL,
			password_changed_at TEXT NOT NULL)`,
		`INSERT INTO login_profiles (user_pk, password_hash, password_reset_required, created_at, password_changed_at)
			SELECT u.pk, l.password_hash, l.password_reset_required, l.created_at, l.password_changed_at
			FROM login_profiles_v5 l JOIN users u ON u.account_id = l.account_id AND u.name_key = l.user_key`,
		`CREATE TABLE ssh_public_keys (
			id TEXT PRIMARY KEY,
			user_pk BIGINT NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
			body TEXT NOT NULL,
			fingerprint TEXT NOT NULL,
			status TEXT NOT NULL,
			uploaded_at TEXT NOT NULL)`,
		`INSERT INTO ssh_public_keys (id, user_pk, body, fingerprint, status, uploaded_at)
			SELECT k.id, u.pk, k.body, k.fingerprint, k.status, k.uploaded_at
			FROM ssh_public_keys_v5 k JOIN users u ON u.account_id = k.account_id AND u.name_key = k.user_key`,
		`CREATE TABLE signing_certificates (
			id TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts (id),
			user_pk BIGINT REFERENCES users (pk) ON DELETE CASCADE,
			body TEXT NOT NULL,
			status TEXT NOT NULL,
			uploaded_at TEXT NOT NULL)`,
		`INSERT INTO signing_certificates (id, account_id, user_pk, body, status, uploaded_at)
			SELECT c.id, c.account_id, u.pk, c.body, c.status, c.uploaded_at
			FROM signing_certificates_v5 c LEFT JOIN users u ON u.account_id = c.account_id AND u.name_key = c.user_key
			WHERE c.user_key = '' OR u.pk IS NOT NULL`,
		`CREATE TABLE service_specific_credentials (
			id TEXT PRIMARY KEY,
			user_pk BIGINT NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
			service_name TEXT NOT NULL,
			service_user_name TEXT NOT NULL,
			secret {{BLOB}} NOT NULL,
			status TEXT NOT NULL,
			created_at TEXT NOT NULL,
			expires_at TEXT NOT NULL)`,
		`INSERT INTO service_specific_credentials (id, user_pk, service_name, service_user_name, secret, status, created_at, expires_at)
			SELECT c.id, u.pk, c.service_name, c.service_user_name, c.secret, c.status, c.created_at, c.expires_at
			FROM service_specific_credentials_v5 c JOIN users u ON u.account_id = c.account_id AND u.name_key = c.user_key`,
		`CREATE TABLE credential_reports (
			account_id TEXT PRIMARY KEY REFERENCES accounts (id),
			content {{BLOB}} NOT NULL,
			generated_at TEXT NOT NULL)`,
	)
	for _, t := range rebuilt {
		steps = append(steps, `DROP TABLE `+t+`_v5`)
	}
	return append(steps,
		`CREATE INDEX access_keys_user ON access_keys (user_pk, id)`,
		`CREATE INDEX access_keys_account ON access_keys (account_id, id)`,
		`CREATE INDEX mfa_devices_user ON mfa_devices (user_pk, serial_number)`,
		`CREATE INDEX mfa_devices_account ON mfa_devices (account_id, serial_number)`,
		`CREATE UNIQUE INDEX inline_policies_user ON inline_policies (user_pk, name_key)`,
		`CREATE UNIQUE INDEX inline_policies_role ON inline_policies (role_pk, name_key)`,
		`CREATE UNIQUE INDEX inline_policies_group ON inline_policies (group_pk, name_key)`,
		`CREATE UNIQUE INDEX attachments_user ON attachments (user_pk, policy_arn)`,
		`CREATE UNIQUE INDEX attachments_role ON attachments (role_pk, policy_arn)`,
		`CREATE UNIQUE INDEX attachments_group ON attachments (group_pk, policy_arn)`,
		`CREATE INDEX attachments_policy ON attachments (policy_arn)`,
		`CREATE INDEX group_members_user ON group_members (user_pk, group_pk)`,
		`CREATE INDEX instance_profile_roles_role ON instance_profile_roles (role_pk, profile_pk)`,
		`CREATE INDEX ssh_public_keys_user ON ssh_public_keys (user_pk, id)`,
		`CREATE INDEX signing_certificates_user ON signing_certificates (user_pk, id)`,
		`CREATE INDEX signing_certificates_account ON signing_certificates (account_id, id)`,
		`CREATE INDEX service_specific_credentials_user ON service_specific_credentials (user_pk, id)`,
	)
}

// oneParent is the CHECK that an inline policy or attachment belongs to
// exactly one user, role or group.
const oneParent = `(CASE WHEN user_pk IS NULL THEN 0 ELSE 1 END) + (CASE WHEN role_pk IS NULL THEN 0 ELSE 1 END)
				+ (CASE WHEN group_pk IS NULL THEN 0 ELSE 1 END) = 1`
