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

// CreateUser implements store.Tx.
func (w *tx) CreateUser(ctx context.Context, u store.User) error {
	return w.write(ctx, func(st *state) error { return st.userRows().create(st, u) })
}

// UpdateUser implements store.Tx. A rename, even of case alone, hands
// everything the user holds to the new spelling.
func (w *tx) UpdateUser(ctx context.Context, oldName string, u store.User) error {
	return w.write(ctx, func(st *state) error { return st.userRows().rename(st, oldName, u) })
}

// DeleteUser implements store.Tx. Everything the user holds goes with it,
// but its MFA devices, which IAM keeps apart from users: they become
// unassigned.
func (w *tx) DeleteUser(ctx context.Context, accountID, name string) error {
	return w.write(ctx, func(st *state) error { return st.userRows().remove(st, accountID, name) })
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
	return principal[store.User]{"user", &st.users, func(u store.User) string { return u.Name }, st.dropUser, st.moveUser}
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

// dropUser deletes what the deleted user who held and unassigns its MFA
// devices.
func (st *state) dropUser(who nameKey) {
	g := st.gen
	drop(g, &st.accessKeys, accessKeyUser, who)
	drop(g, &st.inline, inlineOf(store.KindUser), who)
	drop(g, &st.attachments, attachmentOf(store.KindUser), who)
	drop(g, &st.members, linkTo, who)
	drop(g, &st.logins, loginUser, who)
	drop(g, &st.sshKeys, sshKeyUser, who)
	drop(g, &st.certs, certUser, who)
	drop(g, &st.serviceCreds, serviceCredUser, who)
	st.mfa.remap(g, func(d store.MFADevice) (store.MFADevice, bool) {
		if !heldBy(mfaUser, d, who) {
			return d, false
		}
		d.UserName = ""
		return d, true
	})
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
	return w.write(ctx, func(st *state) error {
		if err := st.requireHolder(store.KindUser, p.AccountID, p.UserName); err != nil {
			return err
		}
		return putIn(st, &st.logins, p, p.AccountID)
	})
}

// DeleteLoginProfile implements store.Tx.
func (w *tx) DeleteLoginProfile(ctx context.Context, accountID, userName string) error {
	return w.write(ctx, func(st *state) error {
		return remove(st, &st.logins, nk(accountID, userName), "login profile of user "+userName)
	})
}
