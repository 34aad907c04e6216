package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// groupHandlers lists the operations of this group: groups and their
// members. A group's inline and attached policies are served with the
// other principals' policies (policyHandlers).
func (s *Service) groupHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	return []rpc.Handler{
		rpc.Typed(ops["CreateGroup"], s.CreateGroup),
		rpc.Typed(ops["GetGroup"], s.GetGroup),
		rpc.Typed(ops["ListGroups"], s.ListGroups),
		rpc.Typed(ops["UpdateGroup"], s.UpdateGroup),
		rpc.Typed(ops["DeleteGroup"], s.DeleteGroup),
		rpc.Typed(ops["AddUserToGroup"], s.AddUserToGroup),
		rpc.Typed(ops["RemoveUserFromGroup"], s.RemoveUserFromGroup),
		rpc.Typed(ops["ListGroupsForUser"], s.ListGroupsForUser),
	}
}

// Messages IAM answers for groups. "Group with name X already exists."
// (CreateGroup and UpdateGroup) and "The group with name X cannot be
// found." are recorded from AWS in localstack/localstack
// tests/aws/services/iam/test_iam_groups.snapshot.json. "Cannot delete
// entity, must remove users from group first." is AWS's DeleteConflict both
// for DeleteGroup with members (quoted in go-to-k/delstack#40 and
// hashicorp/terraform#29147) and for DeleteUser of a member
// (mozilla-services/userplex#17).
const (
	msgNoSuchGroup        = "The group with name %s cannot be found."
	msgGroupExists        = "Group with name %s already exists."
	msgRemoveMembersFirst = "Cannot delete entity, must remove users from group first."
)

// The group quotas' refusals (iamlimits.GroupsPerAccount, GroupsPerUser)
// follow IAM's "Cannot exceed quota for NAME: N" wording (e.g.
// "InstanceProfilesPerAccount: 1000", quoted from AWS in
// ansible/workshops#1801); the GroupsPerAccount and GroupsPerUser texts
// themselves are not recorded anywhere stsd found.

// groupOut shapes a stored group as the IAM model's Group.
func groupOut(g store.Group) iamapi.Group {
	return iamapi.Group{
		Path:       g.Path,
		GroupName:  g.Name,
		GroupId:    g.ID,
		Arn:        arn.Group(g.AccountID, g.Path, g.Name),
		CreateDate: g.CreatedAt,
	}
}

// groupKind is how groups are found, listed and refused.
var groupKind = entityKind[store.Group]{
	arn:      arn.Group,
	pathName: func(g store.Group) (string, string) { return g.Path, g.Name },
	get:      store.Reader.GetGroup,
	list:     store.Reader.ListGroups,
	remove:   store.Tx.DeleteGroup,
	notFound: func(name string) error { return noSuchEntity(msgNoSuchGroup, name) },
	exists:   func(name string) error { return alreadyExists(msgGroupExists, name) },
	// Its refusal follows IAM's quota wording (see above).
	insert:    store.Tx.CreateGroup,
	quotaName: "GroupsPerAccount",
	quota:     iamlimits.GroupsPerAccount,
	id:        func(g store.Group) string { return g.ID },
	moved: func(g store.Group, path, name string) store.Group {
		g.Path, g.Name = path, name
		return g
	},
	update: store.Tx.UpdateGroup,
}

// CreateGroup creates an IAM group.
func (s *Service) CreateGroup(ctx context.Context, call *rpc.Call, in *iamapi.CreateGroupRequest) (*iamapi.CreateGroupResponse, error) {
	acct := call.Principal.AccountID
	path := in.Path
	if path == "" {
		path = defaultPath
	}
	if err := s.authorize(ctx, call, "iam:CreateGroup", arn.Group(acct, path, in.GroupName)); err != nil {
		return nil, err
	}
	id, err := ids.NewUniqueID(ids.PrefixGroup, acct)
	if err != nil {
		return nil, err
	}
	g := store.Group{AccountID: acct, Name: in.GroupName, ID: id, Path: path, CreatedAt: callTime(call)}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		return groupKind.create(ctx, tx, acct, &g, nil)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateGroupResponse{Group: groupOut(g)}, nil
}

// GetGroup returns a group and its users, a page at a time. Like the user
// listings it leaves out the users' tags and permissions boundaries (AWS's
// GetGroup answer carries Path, UserName, UserId, Arn and CreateDate only:
// test_iam_groups.snapshot.json, "group-with-user").
func (s *Service) GetGroup(ctx context.Context, call *rpc.Call, in *iamapi.GetGroupRequest) (*iamapi.GetGroupResponse, error) {
	g, err := s.authorizedGroup(ctx, call, "iam:GetGroup", in.GroupName)
	if err != nil {
		return nil, err
	}
	users, truncated, marker, err := storePage(in.Marker, in.MaxItems, userKind.key, func(p store.Page) ([]store.User, error) {
		return s.store.ListGroupMembers(ctx, g.AccountID, g.Name, p)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.GetGroupResponse{Group: groupOut(g), Users: usersListed(users), IsTruncated: truncated, Marker: marker}, nil
}

// ListGroups lists the groups whose path starts with PathPrefix, by name.
func (s *Service) ListGroups(ctx context.Context, call *rpc.Call, in *iamapi.ListGroupsRequest) (*iamapi.ListGroupsResponse, error) {
	groups, truncated, marker, err := listByPath(ctx, s, call, groupKind, "iam:ListGroups", in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListGroupsResponse{Groups: groupsOut(groups), IsTruncated: truncated, Marker: marker}, nil
}

// groupsOut shapes a list of groups, empty rather than nil.
func groupsOut(groups []store.Group) []iamapi.Group {
	out := make([]iamapi.Group, 0, len(groups))
	for _, g := range groups {
		out = append(out, groupOut(g))
	}
	return out
}

// UpdateGroup changes a group's path and/or name. As for UpdateUser, IAM
// requires permission on the group as it is and as it will be ("the
// requester must have appropriate permissions on both the source object
// and the target object", IAM API reference, UpdateGroup). A rename carries
// the group's members, inline policies and attachments along (the store
// does it in the same transaction).
func (s *Service) UpdateGroup(ctx context.Context, call *rpc.Call, in *iamapi.UpdateGroupRequest) (*struct{}, error) {
	return renameEntity(ctx, s, call, groupKind, "iam:UpdateGroup", in.GroupName, in.NewPath, in.NewGroupName)
}

// DeleteGroup deletes a group that has no members, attached policies or
// inline policies left: IAM does not cascade. The DeleteConflict texts are
// AWS's for groups: "…must remove users from group first." (see
// msgRemoveMembersFirst), "…must detach all policies first."
// (cloud-custodian/cloud-custodian#7484,
// hashicorp/terraform-provider-aws#44357) and "…must delete policies
// first." (rebuy-de/aws-nuke#275). Which IAM reports first when several
// apply is not recorded; stsd checks members, then attachments and inline
// policies in DeleteRole's order.
func (s *Service) DeleteGroup(ctx context.Context, call *rpc.Call, in *iamapi.DeleteGroupRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	return deleteEntity(ctx, s, call, groupKind, "iam:DeleteGroup", in.GroupName, func(tx store.Tx, g store.Group) error {
		members := leftOver{msgRemoveMembersFirst, func() (int, error) {
			return counted(tx.ListGroupMembers(ctx, acct, g.Name, store.Page{Limit: 1}))
		}}
		return noneLeft(append([]leftOver{members}, policiesLeft(ctx, tx, acct, store.KindGroup, g.Name)...)...)
	})
}

// AddUserToGroup makes a user a member of a group; adding a member again
// changes nothing (AWS answers success: test_iam_groups.py,
// test_add_user_to_group_idempotent). The action is authorized on the
// group, its only resource type in the Service Authorization Reference.
func (s *Service) AddUserToGroup(ctx context.Context, call *rpc.Call, in *iamapi.AddUserToGroupRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	err := s.changeMembership(ctx, call, "iam:AddUserToGroup", in.GroupName, in.UserName, func(tx store.Tx, g store.Group, u store.User) error {
		groups, err := tx.ListGroupsForUser(ctx, acct, u.Name)
		if err != nil {
			return err
		}
		for _, have := range groups {
			if strings.EqualFold(have.Name, g.Name) {
				return nil
			}
		}
		if len(groups) >= iamlimits.GroupsPerUser {
			return limitExceeded("Cannot exceed quota for GroupsPerUser: %d", iamlimits.GroupsPerUser)
		}
		return tx.AddGroupMember(ctx, acct, g.Name, u.Name)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// RemoveUserFromGroup ends a user's membership of a group. A user that is
// not a member is answered like a missing one, "The user with name X cannot
// be found.": AWS answers NoSuchEntity there, but its text for this case is
// not recorded; the user wording is the one it uses when neither exists
// (test_iam_groups.snapshot.json, "remove-from-unknown-group").
func (s *Service) RemoveUserFromGroup(ctx context.Context, call *rpc.Call, in *iamapi.RemoveUserFromGroupRequest) (*struct{}, error) {
	acct := call.Principal.AccountID
	err := s.changeMembership(ctx, call, "iam:RemoveUserFromGroup", in.GroupName, in.UserName, func(tx store.Tx, g store.Group, u store.User) error {
		err := tx.RemoveGroupMember(ctx, acct, g.Name, u.Name)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchEntity(msgNoSuchUser, in.UserName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// changeMembership is what adding and removing a member share: the caller
// is authorized on the group, then, in one transaction, the user and the
// group must exist before change runs. The user is checked first: with
// neither present AWS names the user (test_iam_groups.snapshot.json,
// "remove-from-unknown-group").
func (s *Service) changeMembership(ctx context.Context, call *rpc.Call, action, groupName, userName string, change func(tx store.Tx, g store.Group, u store.User) error) error {
	acct := call.Principal.AccountID
	if err := s.authorizeNamed(ctx, call, action, groupKind.resource, groupName); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		u, err := tx.GetUser(ctx, acct, userName)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchEntity(msgNoSuchUser, userName)
		} else if err != nil {
			return err
		}
		g, err := tx.GetGroup(ctx, acct, groupName)
		if err != nil {
			return groupKind.lookupErr(groupName, err)
		}
		return change(tx, g, u)
	})
}

// ListGroupsForUser lists the groups a user belongs to, by name. It is
// authorized on the user, its resource type in the Service Authorization
// Reference.
func (s *Service) ListGroupsForUser(ctx context.Context, call *rpc.Call, in *iamapi.ListGroupsForUserRequest) (*iamapi.ListGroupsForUserResponse, error) {
	u, err := s.authorizedUser(ctx, call, "iam:ListGroupsForUser", call.Principal.AccountID, in.UserName)
	if err != nil {
		return nil, err
	}
	groups, err := s.store.ListGroupsForUser(ctx, u.AccountID, u.Name)
	if err != nil {
		return nil, err
	}
	items, truncated, marker, err := pageSlice(groups, in.Marker, in.MaxItems, groupKind.key)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListGroupsForUserResponse{Groups: groupsOut(items), IsTruncated: truncated, Marker: marker}, nil
}

// authorizedGroup is authorizedEntity for a group of the caller's account.
func (s *Service) authorizedGroup(ctx context.Context, call *rpc.Call, action, name string) (store.Group, error) {
	return authorizedEntity(ctx, s, call, groupKind, action, call.Principal.AccountID, name)
}
