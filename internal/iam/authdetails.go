package iam

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// authorizationDetailsHandlers lists GetAccountAuthorizationDetails, the
// one-call snapshot of an account's IAM configuration that security tools
// (Cloudsplaining, PMapper, Prowler) read. Its answer is written by
// authorizationDetailsOutput, which keeps the empty lists AWS sends.
func (s *Service) authorizationDetailsHandlers() []rpc.Handler {
	ops := apimodel.IAM.Operations
	serve := func(ctx context.Context, call *rpc.Call, in *iamapi.GetAccountAuthorizationDetailsRequest) (*authorizationDetailsOutput, error) {
		out, err := s.GetAccountAuthorizationDetails(ctx, call, in)
		if err != nil {
			return nil, err
		}
		return &authorizationDetailsOutput{resp: out}, nil
	}
	return []rpc.Handler{
		rpc.Typed(ops["GetAccountAuthorizationDetails"], serve),
	}
}

// The Filter values (the model's EntityType enum) stsd has entities for.
// AWSManagedPolicy is valid too but selects nothing: stsd holds no AWS
// managed policies.
const (
	filterUser        = "User"
	filterGroup       = "Group"
	filterRole        = "Role"
	filterLocalPolicy = "LocalManagedPolicy"
)

// detailSection is one of the response's four lists. The lists are paged
// as one sequence (users, then groups, roles and customer managed
// policies), so MaxItems counts entities of every kind together and a
// page may end inside any list.
type detailSection struct {
	// id orders the sections in markers: a marker is id, "/", and the
	// lower-cased name of the last entity returned, so markers ascend along
	// the sequence.
	id     byte
	filter string
	// fill lists the section's entities after p.After (at most p.Limit),
	// adds the first max of them to the response, and returns how many it
	// listed and the key of the last one added ("" when none).
	fill func(ctx context.Context, p store.Page, max int) (listed int, last string, err error)
}

// GetAccountAuthorizationDetails returns the account's users, groups,
// roles and customer managed policies with their relationships: inline
// policies (documents URL-encoded as IAM returns documents), attached
// policies, group memberships, instance profiles, boundaries, tags, and
// every version of each managed policy. Filter picks the lists; without it
// all are returned ("Only the entities that match the types you specify
// are included in the output", IAM API reference,
// GetAccountAuthorizationDetails).
func (s *Service) GetAccountAuthorizationDetails(ctx context.Context, call *rpc.Call, in *iamapi.GetAccountAuthorizationDetailsRequest) (*iamapi.GetAccountAuthorizationDetailsResponse, error) {
	acct := call.Principal.AccountID
	// The action has no resource type in the Service Authorization
	// Reference, so it is authorized on "*" (Cloudsplaining documents
	// iam:GetAccountAuthorizationDetails on Resource "*" as what it needs).
	if err := s.authorize(ctx, call, "iam:GetAccountAuthorizationDetails", "*"); err != nil {
		return nil, err
	}
	p, limit, err := page(in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	from, after, err := parseDetailsMarker(p.After)
	if err != nil {
		return nil, err
	}
	out := &iamapi.GetAccountAuthorizationDetailsResponse{}
	remaining, last, truncated := limit, "", false
	for _, sec := range s.detailSections(acct, out) {
		if sec.id < from || (len(in.Filter) > 0 && !slices.Contains(in.Filter, sec.filter)) {
			continue
		}
		// One more than still fits tells whether the page ends here; once
		// the page is full, that one-entity probe is all a section costs.
		pg := store.Page{Limit: remaining + 1}
		if sec.id == from {
			pg.After = after
		}
		listed, key, err := sec.fill(ctx, pg, remaining)
		if err != nil {
			return nil, err
		}
		if key != "" {
			last = string(sec.id) + "/" + key
		}
		if listed > remaining {
			truncated = true
			break
		}
		remaining -= listed
	}
	out.IsTruncated = &truncated
	if truncated {
		// Encoded as paging.go's truncate encodes the list operations'
		// markers.
		out.Marker = base64.RawURLEncoding.EncodeToString([]byte(last))
	}
	return out, nil
}

// parseDetailsMarker splits a decoded marker into the section it points
// into and the key to continue after; "" starts at the first section.
func parseDetailsMarker(after string) (byte, string, error) {
	if after == "" {
		return 0, "", nil
	}
	id, key, ok := strings.Cut(after, "/")
	if !ok || len(id) != 1 || id[0] < '1' || id[0] > '4' || key == "" {
		return 0, "", invalidInput("Invalid Marker.")
	}
	return id[0], key, nil
}

// detailSections are the four lists in response order, each adding its
// entities to out.
func (s *Service) detailSections(acct string, out *iamapi.GetAccountAuthorizationDetailsResponse) []detailSection {
	// PermissionsBoundaryUsageCount needs every user and role of the
	// account; read them only for a page that holds policies.
	var boundaries map[string]int
	return []detailSection{
		{id: '1', filter: filterUser, fill: fillSection(
			func(ctx context.Context, p store.Page) ([]store.User, error) {
				return s.store.ListUsers(ctx, acct, "", p)
			},
			func(u store.User) string { return strings.ToLower(u.Name) },
			func(ctx context.Context, u store.User) error {
				d, err := s.userDetail(ctx, u)
				if err != nil {
					return err
				}
				out.UserDetailList = append(out.UserDetailList, d)
				return nil
			})},
		{id: '2', filter: filterGroup, fill: fillSection(
			func(ctx context.Context, p store.Page) ([]store.Group, error) {
				return s.store.ListGroups(ctx, acct, "", p)
			},
			groupKind.key,
			func(ctx context.Context, g store.Group) error {
				d, err := s.groupDetail(ctx, g)
				if err != nil {
					return err
				}
				out.GroupDetailList = append(out.GroupDetailList, d)
				return nil
			})},
		{id: '3', filter: filterRole, fill: fillSection(
			func(ctx context.Context, p store.Page) ([]store.Role, error) {
				return s.store.ListRoles(ctx, acct, "", p)
			},
			func(r store.Role) string { return strings.ToLower(r.Name) },
			func(ctx context.Context, r store.Role) error {
				d, err := s.roleDetail(ctx, r)
				if err != nil {
					return err
				}
				out.RoleDetailList = append(out.RoleDetailList, d)
				return nil
			})},
		{id: '4', filter: filterLocalPolicy, fill: fillSection(
			func(ctx context.Context, p store.Page) ([]store.ManagedPolicy, error) {
				return s.store.ListPolicies(ctx, acct, "", p)
			},
			func(p store.ManagedPolicy) string { return strings.ToLower(p.Name) },
			func(ctx context.Context, p store.ManagedPolicy) error {
				if boundaries == nil {
					var err error
					if boundaries, err = boundaryUsage(ctx, s.store, acct); err != nil {
						return err
					}
				}
				d, err := s.policyDetail(ctx, p, boundaries[strings.ToLower(canonicalARN(p))])
				if err != nil {
					return err
				}
				out.Policies = append(out.Policies, d)
				return nil
			})},
	}
}

// fillSection makes a detailSection's fill from a store listing, the key
// the listing is ordered by, and the step that adds one entity's details.
func fillSection[T any](list func(context.Context, store.Page) ([]T, error), key func(T) string, add func(context.Context, T) error) func(context.Context, store.Page, int) (int, string, error) {
	return func(ctx context.Context, p store.Page, max int) (int, string, error) {
		items, err := list(ctx, p)
		if err != nil {
			return 0, "", err
		}
		last := ""
		for _, it := range items[:min(max, len(items))] {
			if err := add(ctx, it); err != nil {
				return 0, "", err
			}
			last = key(it)
		}
		return len(items), last, nil
	}
}
