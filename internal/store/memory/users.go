package memory

import (
	"context"

	"github.com/stsd/stsd/internal/store"
)

// GetUser implements store.Reader.
func (r reader) GetUser(ctx context.Context, accountID, name string) (store.User, error) {
	return read(ctx, r, func(st *state) (store.User, error) { return find(&st.users, nk(accountID, name), "user "+name) })
}

// ListUsers implements store.Reader.
func (r reader) ListUsers(ctx context.Context, accountID, pathPrefix string, page store.Page) ([]store.User, error) {
	return view(ctx, r, func(st *state) []store.User {
		return inAccount(&st.users, accountID, pathPrefix, page, func(u store.User) string { return u.Path })
	})
}

// CreateUser implements store.Tx. Rows a deleted user of the same name
// left behind are cleared, so the new user starts with none of them.
func (w *tx) CreateUser(ctx context.Context, u store.User) error {
	return w.write(ctx, func(st *state) error { return st.userRows().create(st, u) })
}

// UpdateUser implements store.Tx. A rename, even of case alone, hands
// everything the user holds to the new spelling.
func (w *tx) UpdateUser(ctx context.Context, oldName string, u store.User) error {
	return w.write(ctx, func(st *state) error { return st.userRows().rename(st, oldName, u) })
}

// DeleteUser implements store.Tx. What the user holds stays; reads of
// memberships never show it and CreateUser clears it.
func (w *tx) DeleteUser(ctx context.Context, accountID, name string) error {
	return w.write(ctx, func(st *state) error { return remove(st, &st.users, nk(accountID, name), "user "+name) })
}

// Owners of the rows a user holds.
func accessKeyUser(k *store.AccessKey) (*string, *string)     { return &k.AccountID, &k.UserName }
func mfaUser(d *store.MFADevice) (*string, *string)           { return &d.AccountID, &d.UserName }
func loginUser(p *store.LoginProfile) (*string, *string)      { return &p.AccountID, &p.UserName }
func sshKeyUser(k *store.SSHPublicKey) (*string, *string)     { return &k.AccountID, &k.UserName }
func certUser(c *store.SigningCertificate) (*string, *string) { return &c.AccountID, &c.UserName }
func serviceCredUser(c *store.ServiceSpecificCredential) (*string, *string) {
	return &c.AccountID, &c.UserName
}

func (st *state) userRows() principal[store.User] {
	return principal[store.User]{"user", &st.users, func(u store.User) string { return u.Name }, st.clearUser, st.moveUser}
}

// moveUser hands everything the user from holds to the user spelled name.
func (st *state) moveUser(from nameKey, name string) {
	g := st.gen
	move(g, &st.accessKeys, accessKeyUser, from, name)
	move(g, &st.mfa, mfaUser, from, name)
	move(g, &st.logins, loginUser, from, name)
	move(g, &st.sshKeys, sshKeyUser, from, name)
	move(g, &st.certs, certUser, from, name)
	move(g, &st.serviceCreds, serviceCredUser, from, name)
	move(g, &st.inline, inlineOf(store.KindUser), from, name)
	move(g, &st.attachments, attachmentOf(store.KindUser), from, name)
	move(g, &st.members, linkTo, from, name)
}

// clearUser deletes the memberships, login profile and credentials a
// deleted user named who left behind. Access keys, MFA devices and
// policies are not cleared: IAM refuses to delete a user holding them.
func (st *state) clearUser(who nameKey) {
	g := st.gen
	drop(g, &st.members, linkTo, who)
	drop(g, &st.logins, loginUser, who)
	drop(g, &st.sshKeys, sshKeyUser, who)
	drop(g, &st.certs, certUser, who)
	drop(g, &st.serviceCreds, serviceCredUser, who)
}

// GetLoginProfile implements store.Reader.
func (r reader) GetLoginProfile(ctx context.Context, accountID, userName string) (store.LoginProfile, error) {
	return read(ctx, r, func(st *state) (store.LoginProfile, error) {
		return find(&st.logins, nk(accountID, userName), "login profile of user "+userName)
	})
}

// PutLoginProfile implements store.Tx. Errors name the user, never the
// hash.
func (w *tx) PutLoginProfile(ctx context.Context, p store.LoginProfile) error {
	return w.write(ctx, func(st *state) error { return putIn(st, &st.logins, p, p.AccountID) })
}

// DeleteLoginProfile implements store.Tx.
func (w *tx) DeleteLoginProfile(ctx context.Context, accountID, userName string) error {
	return w.write(ctx, func(st *state) error {
		return remove(st, &st.logins, nk(accountID, userName), "login profile of user "+userName)
	})
}
