package sqlstore

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

const accountCols = `id, alias, created_at`

func scanAccount(_ *reader, sc scanner) (store.Account, error) {
	var a store.Account
	var created string
	if err := sc.Scan(&a.ID, &a.Alias, &created); err != nil {
		return a, err
	}
	var err error
	a.CreatedAt, err = decTime(created)
	return a, err
}

// GetAccount implements store.Reader.
func (r *reader) GetAccount(ctx context.Context, id string) (store.Account, error) {
	return getOne(ctx, r, scanAccount, "account "+id, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id)
}

// ListAccounts implements store.Reader; accounts are ordered by id.
func (r *reader) ListAccounts(ctx context.Context) ([]store.Account, error) {
	return list(ctx, r, scanAccount, "accounts", `SELECT `+accountCols+` FROM accounts ORDER BY id`)
}

// CreateAccount implements store.Tx.
func (w *writer) CreateAccount(ctx context.Context, a store.Account) error {
	created, err := encTime(a.CreatedAt)
	if err != nil {
		return err
	}
	return w.create(ctx, "account "+a.ID, `SELECT 1 FROM accounts WHERE id = ?`, []any{a.ID}, "",
		`INSERT INTO accounts (`+accountCols+`) VALUES (?, ?, ?)`, a.ID, a.Alias, created)
}

// UpdateAccount implements store.Tx.
func (w *writer) UpdateAccount(ctx context.Context, a store.Account) error {
	created, err := encTime(a.CreatedAt)
	if err != nil {
		return err
	}
	n, err := w.exec(ctx, "account "+a.ID, `UPDATE accounts SET alias = ?, created_at = ? WHERE id = ?`, a.Alias, created, a.ID)
	return mustAffect(n, err, "account "+a.ID)
}
