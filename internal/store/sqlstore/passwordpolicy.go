package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

const passwordPolicyCols = `account_id, minimum_password_length, require_symbols, require_numbers, require_uppercase_characters,
	require_lowercase_characters, allow_users_to_change_password, max_password_age, password_reuse_prevention, hard_expiry`

func scanPasswordPolicy(_ *reader, sc scanner) (store.PasswordPolicy, error) {
	var p store.PasswordPolicy
	var minLen, maxAge, reuse int64
	var symbols, numbers, upper, lower, change, hard int64
	if err := sc.Scan(&p.AccountID, &minLen, &symbols, &numbers, &upper, &lower, &change, &maxAge, &reuse, &hard); err != nil {
		return p, err
	}
	p.MinimumPasswordLength, p.MaxPasswordAge, p.PasswordReusePrevention = int32(minLen), int32(maxAge), int32(reuse)
	p.RequireSymbols, p.RequireNumbers = symbols != 0, numbers != 0
	p.RequireUppercaseCharacters, p.RequireLowercaseCharacters = upper != 0, lower != 0
	p.AllowUsersToChangePassword, p.HardExpiry = change != 0, hard != 0
	return p, nil
}

// GetPasswordPolicy implements store.Reader.
func (r *reader) GetPasswordPolicy(ctx context.Context, accountID string) (store.PasswordPolicy, error) {
	return getOne(ctx, r, scanPasswordPolicy, "password policy of account "+accountID,
		`SELECT `+passwordPolicyCols+` FROM password_policies WHERE account_id = ?`, accountID)
}

// PutPasswordPolicy implements store.Tx, updating first and inserting only
// when there was no row, as PutLoginProfile does.
func (w *writer) PutPasswordPolicy(ctx context.Context, p store.PasswordPolicy) error {
	what := "password policy of account " + p.AccountID
	vals := []any{int64(p.MinimumPasswordLength), encBool(p.RequireSymbols), encBool(p.RequireNumbers),
		encBool(p.RequireUppercaseCharacters), encBool(p.RequireLowercaseCharacters), encBool(p.AllowUsersToChangePassword),
		int64(p.MaxPasswordAge), int64(p.PasswordReusePrevention), encBool(p.HardExpiry)}
	n, err := w.exec(ctx, what, `UPDATE password_policies SET minimum_password_length = ?, require_symbols = ?, require_numbers = ?,
		require_uppercase_characters = ?, require_lowercase_characters = ?, allow_users_to_change_password = ?,
		max_password_age = ?, password_reuse_prevention = ?, hard_expiry = ? WHERE account_id = ?`,
		append(vals, p.AccountID)...)
	if err != nil || n > 0 {
		return err
	}
	if err := w.requireAccount(ctx, p.AccountID); err != nil {
		return err
	}
	_, err = w.exec(ctx, what, `INSERT INTO password_policies (`+passwordPolicyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{p.AccountID}, vals...)...)
	return err
}

// DeletePasswordPolicy implements store.Tx.
func (w *writer) DeletePasswordPolicy(ctx context.Context, accountID string) error {
	what := "password policy of account " + accountID
	n, err := w.exec(ctx, what, `DELETE FROM password_policies WHERE account_id = ?`, accountID)
	return mustAffect(n, err, what)
}
