package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

// loginProfileRead selects a profile with its user's account and name.
const loginProfileRead = `SELECT u.account_id, u.name, l.password_hash, l.password_reset_required, l.created_at, l.password_changed_at
	FROM login_profiles l JOIN users u ON u.pk = l.user_pk`

func scanLoginProfile(_ *reader, sc scanner) (store.LoginProfile, error) {
	var p store.LoginProfile
	var reset int64
	var created, changed string
	if err := sc.Scan(&p.AccountID, &p.UserName, &p.PasswordHash, &reset, &created, &changed); err != nil {
		return p, err
	}
	p.PasswordResetRequired = reset != 0
	var err error
	if p.CreatedAt, err = decTime(created); err != nil {
		return p, err
	}
	p.PasswordChangedAt, err = decTime(changed)
	return p, err
}

// GetLoginProfile implements store.Reader.
func (r *reader) GetLoginProfile(ctx context.Context, accountID, userName string) (store.LoginProfile, error) {
	return getOne(ctx, r, scanLoginProfile, "login profile of user "+userName,
		loginProfileRead+` WHERE u.account_id = ? AND u.name_key = ?`, accountID, key(userName))
}

// PutLoginProfile implements store.Tx. An update comes first and an
// insert only when it changed nothing, so no statement fails on a
// conflict (which would abort a PostgreSQL transaction). Errors name the
// user, never the hash. A missing user is ErrNotFound.
func (w *writer) PutLoginProfile(ctx context.Context, p store.LoginProfile) error {
	what := "login profile of user " + p.UserName
	ts, err := encTimes(p.CreatedAt, p.PasswordChangedAt)
	if err != nil {
		return err
	}
	pk, err := w.pkOf(ctx, "users", "user", p.AccountID, p.UserName)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, what, `UPDATE login_profiles SET password_hash = ?, password_reset_required = ?,
		created_at = ?, password_changed_at = ? WHERE user_pk = ?`,
		p.PasswordHash, encBool(p.PasswordResetRequired), ts[0], ts[1], pk)
	if err != nil || n > 0 {
		return err
	}
	_, err = w.exec(ctx, what, `INSERT INTO login_profiles (user_pk, password_hash, password_reset_required, created_at, password_changed_at)
		VALUES (?, ?, ?, ?, ?)`,
		pk, p.PasswordHash, encBool(p.PasswordResetRequired), ts[0], ts[1])
	return err
}

// DeleteLoginProfile implements store.Tx.
func (w *writer) DeleteLoginProfile(ctx context.Context, accountID, userName string) error {
	what := "login profile of user " + userName
	n, err := w.exec(ctx, what, `DELETE FROM login_profiles WHERE user_pk = `+pkSelect("users"), accountID, key(userName))
	return mustAffect(n, err, what)
}
