package sqlstore

import (
	"bytes"
	"context"

	"github.com/stsd/stsd/internal/store"
)

func scanCredentialReport(_ *reader, sc scanner) (store.CredentialReport, error) {
	var r store.CredentialReport
	var generated string
	if err := sc.Scan(&r.AccountID, &r.Content, &generated); err != nil {
		return r, err
	}
	var err error
	r.GeneratedAt, err = decTime(generated)
	return r, err
}

// GetCredentialReport implements store.Reader.
func (r *reader) GetCredentialReport(ctx context.Context, accountID string) (store.CredentialReport, error) {
	return getOne(ctx, r, scanCredentialReport, "credential report of account "+accountID,
		`SELECT account_id, content, generated_at FROM credential_reports WHERE account_id = ?`, accountID)
}

// PutCredentialReport implements store.Tx. Like PutLoginProfile it
// updates first and inserts only when that changed nothing, so no
// statement fails on a conflict.
func (w *writer) PutCredentialReport(ctx context.Context, cr store.CredentialReport) error {
	what := "credential report of account " + cr.AccountID
	generated, err := encTime(cr.GeneratedAt)
	if err != nil {
		return err
	}
	// A nil slice would be stored as NULL, which the column refuses.
	content := bytes.Clone(cr.Content)
	if content == nil {
		content = []byte{}
	}
	n, err := w.exec(ctx, what, `UPDATE credential_reports SET content = ?, generated_at = ? WHERE account_id = ?`,
		content, generated, cr.AccountID)
	if err != nil || n > 0 {
		return err
	}
	if err := w.requireAccount(ctx, cr.AccountID); err != nil {
		return err
	}
	_, err = w.exec(ctx, what, `INSERT INTO credential_reports (account_id, content, generated_at) VALUES (?, ?, ?)`,
		cr.AccountID, content, generated)
	return err
}
