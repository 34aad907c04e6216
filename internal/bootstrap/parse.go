package bootstrap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/store"
)

// MaxFileSize caps the bootstrap file Load reads and Parse accepts. A real
// file with hundreds of users is well under 1 MiB.
const MaxFileSize = 4 << 20

// Parse reads and validates a whole bootstrap file. filename is used in
// messages only. Every problem is reported (up to a cap) as a *Problem
// inside an *Error. A metadata_file is recorded but not read; Load reads it.
func Parse(filename string, data []byte) (*File, error) {
	return parse(filename, data, nil)
}

// Load reads the bootstrap file at path and parses it, reading SAML
// metadata_file entries relative to the file's directory.
func Load(path string) (*File, error) {
	data, err := readCapped(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	dir := filepath.Dir(path)
	return parse(path, data, func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return readCapped(name, int64(samlMetadataMax()))
	})
}

// readCapped reads a whole file, refusing one longer than limit without
// reading past it.
func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, nil
}

// parser holds one Parse's state: problems so far and the uniqueness sets
// that span the whole file.
type parser struct {
	reader
	readFile func(string) ([]byte, error) // nil: leave metadata_file unread
	keyIDs   map[string]string            // access key id -> path of first use
	serials  map[string]string            // MFA serial -> path of first use
	accounts map[string]string            // account id -> path
	aliases  map[string]string            // alias -> path
}

func parse(filename string, data []byte, readFile func(string) ([]byte, error)) (*File, error) {
	ps := &problems{file: filename}
	p := &parser{
		reader:   reader{ps: ps},
		readFile: readFile,
		keyIDs:   map[string]string{},
		serials:  map[string]string{},
		accounts: map[string]string{},
		aliases:  map[string]string{},
	}
	if len(data) > MaxFileSize {
		ps.add(Position{}, "file is larger than %d bytes", MaxFileSize)
		return nil, ps.err()
	}
	root, err := decodeSingle(data)
	if err != nil {
		line, msg := splitYAMLError(err)
		ps.add(Position{Line: line}, "%s", msg)
		return nil, ps.err()
	}
	if root == nil || len(root.Content) == 0 {
		ps.add(Position{Path: "accounts"}, "the file is empty; it needs an accounts list")
		return nil, ps.err()
	}
	if err := checkExpansion(root); err != nil {
		ps.add(Position{Line: 1}, "%v", err)
		return nil, ps.err()
	}
	f := &File{Name: filename}
	doc := root.Content[0]
	top := p.fields(doc, "", "accounts")
	if top != nil {
		if acc, ok := p.required(top, doc, "", "accounts"); ok {
			for i, n := range p.list(acc, "accounts") {
				if ps.full() {
					break
				}
				f.Accounts = append(f.Accounts, p.account(n, indexPath("accounts", i)))
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return f, nil
}

// decodeSingle parses exactly one YAML document: a second one would be
// silently ignored by yaml.Unmarshal, which hides mistakes.
func decodeSingle(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// yaml.v3 turns its own errors into return values but panics on
		// states it deems impossible ("please report"); bad input must
		// come back as an error, never a crash.
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("yaml: malformed document: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("line %d: only one YAML document is allowed", extra.Line)
	}
	return &doc, nil
}

// splitYAMLError takes "yaml: line N: msg" apart so the line goes into
// the Problem's position instead of being repeated in its message.
func splitYAMLError(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	num, text, ok := strings.Cut(rest, ": ")
	n, convErr := strconv.Atoi(num)
	if !ok || convErr != nil {
		return 0, msg
	}
	return n, text
}

// quotaList reads a list that IAM caps at max items: a longer one is
// refused as "at most N <what> (IAM quota)", and its items are still
// returned, so that their own faults are reported in the same pass.
func (p *parser) quotaList(n *yaml.Node, path string, max int, what string) []*yaml.Node {
	items := p.list(n, path)
	if len(items) > max {
		p.add(n, path, "at most %d %s (IAM quota)", max, what)
	}
	return items
}

// checked reads a string field and applies a rule; it reports with the
// field's position.
func (p *parser) checked(m map[string]*yaml.Node, parent *yaml.Node, path, name string, required bool, rule func(string) string) (string, *yaml.Node, bool) {
	fp := fieldPath(path, name)
	n, ok := m[name]
	if !ok {
		if required {
			p.add(deref(parent), fp, "is required")
		}
		return "", nil, false
	}
	s, ok := p.str(n, fp)
	if !ok {
		return "", n, false
	}
	if rule != nil {
		if msg := rule(s); msg != "" {
			p.add(n, fp, "%s", msg)
			return s, n, false
		}
	}
	return s, n, true
}

// names tracks case-insensitive uniqueness of names within one scope, as
// IAM compares names.
type names map[string]int

// uniqueName reads an entity's required "name" field, checked by rule
// and, when it passes, unique among seen; what names the kind in the
// duplicate's message ("user", "role"). ok is whether the rule passed.
func (p *parser) uniqueName(m map[string]*yaml.Node, n *yaml.Node, path string, rule func(string) string, seen names, what string) (name string, ok bool) {
	name, nn, ok := p.checked(m, n, path, "name", true, rule)
	if ok {
		p.unique(seen, name, nn, fieldPath(path, "name"), what)
	}
	return name, ok
}

func (p *parser) unique(seen names, name string, n *yaml.Node, path, what string) {
	k := strings.ToLower(name)
	if line, dup := seen[k]; dup {
		p.add(n, path, "duplicate %s %q (names are case-insensitive; first at line %d)", what, name, line)
		return
	}
	seen[k] = n.Line
}

func (p *parser) account(n *yaml.Node, path string) Account {
	a := Account{Pos: at(n, path)}
	m := p.fields(n, path, "id", "alias", "root_access_keys", "users", "roles", "groups", "instance_profiles", "policies", "oidc_providers", "saml_providers")
	if m == nil {
		return a
	}
	var idNode *yaml.Node
	var ok bool
	if a.ID, idNode, ok = p.checked(m, n, path, "id", true, checkAccountID); ok {
		if first, dup := p.accounts[a.ID]; dup {
			p.add(idNode, fieldPath(path, "id"), "duplicate account id %s (first at %s)", a.ID, first)
		}
		p.accounts[a.ID] = fieldPath(path, "id")
	}
	if alias, an, ok := p.checked(m, n, path, "alias", false, checkAlias); ok {
		a.Alias = alias
		if first, dup := p.aliases[alias]; dup {
			p.add(an, fieldPath(path, "alias"), "duplicate alias %q (aliases are global; first at %s)", alias, first)
		}
		p.aliases[alias] = fieldPath(path, "alias")
	}
	if v, ok := m["root_access_keys"]; ok {
		a.RootAccessKeys = p.accessKeys(v, fieldPath(path, "root_access_keys"))
	}
	a.Policies = eachNamed(p, m, path, "policies", p.policy)
	a.Users = eachNamed(p, m, path, "users", func(n *yaml.Node, path string, seen names) User { return p.user(n, path, a.ID, seen) })
	a.Roles = eachNamed(p, m, path, "roles", func(n *yaml.Node, path string, seen names) Role { return p.role(n, path, a.ID, seen) })
	if v, ok := m["groups"]; ok {
		a.Groups = p.groups(v, fieldPath(path, "groups"), a.ID)
	}
	if v, ok := m["instance_profiles"]; ok {
		a.Profiles = p.profiles(v, fieldPath(path, "instance_profiles"))
	}
	a.OIDCProviders = eachNamed(p, m, path, "oidc_providers", func(n *yaml.Node, path string, seen names) OIDCProvider {
		return p.oidc(n, path, a.ID, seen)
	})
	a.SAMLProviders = eachNamed(p, m, path, "saml_providers", func(n *yaml.Node, path string, seen names) SAMLProvider {
		return p.saml(n, path, a.ID, seen)
	})
	return a
}

// eachNamed reads the list under key of m, if present, with one for each
// item; seen is shared by the list's items, whose names are unique in it.
func eachNamed[T any](p *parser, m map[string]*yaml.Node, path, key string, one func(n *yaml.Node, path string, seen names) T) []T {
	v, ok := m[key]
	if !ok {
		return nil
	}
	lp := fieldPath(path, key)
	seen := names{}
	var out []T
	for i, item := range p.list(v, lp) {
		out = append(out, one(item, indexPath(lp, i), seen))
	}
	return out
}

func (p *parser) accessKeys(n *yaml.Node, path string) []AccessKey {
	items := p.quotaList(n, path, iamlimits.AccessKeysPerUser, "access keys are allowed")
	var out []AccessKey
	for i, kn := range items {
		kp := indexPath(path, i)
		m := p.fields(kn, kp, "id", "secret")
		if m == nil {
			continue
		}
		k := AccessKey{Pos: at(kn, kp)}
		var idNode *yaml.Node
		var ok bool
		if k.ID, idNode, ok = p.checked(m, kn, kp, "id", true, iamlimits.AccessKeyID.Check); ok {
			if first, dup := p.keyIDs[k.ID]; dup {
				p.add(idNode, fieldPath(kp, "id"), "duplicate access key id %s (first at %s)", k.ID, first)
			}
			p.keyIDs[k.ID] = fieldPath(kp, "id")
		}
		k.Secret, _, _ = p.checked(m, kn, kp, "secret", true, checkSecret)
		out = append(out, k)
	}
	return out
}

func (p *parser) path(m map[string]*yaml.Node, n *yaml.Node, path string) string {
	s, _, ok := p.checked(m, n, path, "path", false, checkPath)
	if !ok {
		return ""
	}
	return s
}

// tags reads a mapping of tag keys to values. A present but empty mapping
// gives an empty, non-nil slice: the file asks for no tags.
func (p *parser) tags(m map[string]*yaml.Node, path string) []store.Tag {
	n, ok := m["tags"]
	if !ok {
		return nil
	}
	tp := fieldPath(path, "tags")
	pairs := p.pairs(n, tp)
	if pairs == nil {
		return nil
	}
	if len(pairs) > iamlimits.TagsPerEntity {
		p.add(n, tp, "at most %d tags are allowed, not %d", iamlimits.TagsPerEntity, len(pairs))
	}
	out := make([]store.Tag, 0, len(pairs))
	seen := names{}
	for _, kv := range pairs {
		kp := keyPath(tp, kv.name)
		if msg := checkTagKey(kv.name); msg != "" {
			p.add(kv.key, kp, "%s", msg)
			continue
		}
		p.unique(seen, kv.name, kv.key, kp, "tag key")
		value := ""
		if !isNull(kv.val) {
			v, ok := p.str(kv.val, kp)
			if !ok {
				continue
			}
			if msg := checkTagValue(v); msg != "" {
				p.add(kv.val, kp, "%s", msg)
				continue
			}
			value = v
		}
		out = append(out, store.Tag{Key: kv.name, Value: value})
	}
	return out
}

func (p *parser) inlinePolicies(m map[string]*yaml.Node, path string, kind policy.Kind) []InlinePolicy {
	n, ok := m["inline_policies"]
	if !ok {
		return nil
	}
	ip := fieldPath(path, "inline_policies")
	var out []InlinePolicy
	seen := names{}
	for _, kv := range p.pairs(n, ip) {
		kp := keyPath(ip, kv.name)
		if msg := iamlimits.PolicyName.Check(kv.name); msg != "" {
			p.add(kv.key, kp, "%s", msg)
			continue
		}
		p.unique(seen, kv.name, kv.key, kp, "inline policy")
		doc, ok := p.policyDoc(kv.val, kp, kind)
		if !ok {
			continue
		}
		out = append(out, InlinePolicy{Pos: at(kv.key, kp), Name: kv.name, Document: doc})
	}
	return out
}

func (p *parser) policyDoc(n *yaml.Node, path string, kind policy.Kind) (string, bool) {
	doc, ok := p.jsonDoc(n, path)
	if !ok {
		return "", false
	}
	if err := checkPolicyDocument(kind, doc); err != nil {
		p.add(n, path, "%v", err)
		return "", false
	}
	return doc, true
}

// managedPolicies reads ARNs of customer managed policies of the account.
// Whether each exists is known only at Apply, against the file and the store.
// quota is IAM's limit of policies attached to one entity of that kind.
func (p *parser) managedPolicies(m map[string]*yaml.Node, path, account string, quota int) []PolicyRef {
	n, ok := m["managed_policies"]
	if !ok {
		return nil
	}
	mp := fieldPath(path, "managed_policies")
	items := p.quotaList(n, mp, quota, "managed policies may be attached")
	var out []PolicyRef
	seen := map[string]int{}
	for i, an := range items {
		ap := indexPath(mp, i)
		s, ok := p.str(an, ap)
		if !ok {
			continue
		}
		r, err := arn.ParseIAM(s)
		if err != nil || r.Type != arn.TypePolicy || r.Partition != arn.PartitionAWS {
			p.add(an, ap, "%q is not a managed policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)", s)
			continue
		}
		if account != "" && r.AccountID != account {
			p.add(an, ap, "%q is not a policy of account %s (only the account's own customer managed policies can be attached)", s, account)
			continue
		}
		if line, dup := seen[strings.ToLower(s)]; dup {
			p.add(an, ap, "%q is listed twice (first at line %d)", s, line)
			continue
		}
		seen[strings.ToLower(s)] = an.Line
		out = append(out, PolicyRef{Pos: at(an, ap), ARN: s, Path: r.Path, Name: r.Name})
	}
	return out
}

func (p *parser) user(n *yaml.Node, path, account string, seen names) User {
	u := User{Pos: at(n, path)}
	m := p.fields(n, path, "name", "path", "tags", "access_keys", "inline_policies", "managed_policies", "mfa_devices")
	if m == nil {
		return u
	}
	u.Name, _ = p.uniqueName(m, n, path, iamlimits.UserName.Check, seen, "user")
	u.Path = p.path(m, n, path)
	u.Tags = p.tags(m, path)
	if v, ok := m["access_keys"]; ok {
		u.AccessKeys = p.accessKeys(v, fieldPath(path, "access_keys"))
	}
	u.InlinePolicies = p.inlinePolicies(m, path, policy.KindInlineUser)
	u.ManagedPolicies = p.managedPolicies(m, path, account, iamlimits.AttachedPoliciesPerUser)
	if v, ok := m["mfa_devices"]; ok {
		u.MFADevices = p.mfaDevices(v, fieldPath(path, "mfa_devices"), account)
	}
	return u
}

func (p *parser) mfaDevices(n *yaml.Node, path, account string) []MFADevice {
	items := p.quotaList(n, path, iamlimits.MFADevicesPerUser, "MFA devices per user are allowed")
	var out []MFADevice
	for i, dn := range items {
		dp := indexPath(path, i)
		m := p.fields(dn, dp, "serial", "seed")
		if m == nil {
			continue
		}
		d := MFADevice{Pos: at(dn, dp)}
		serial, sn, ok := p.checked(m, dn, dp, "serial", true, nil)
		if ok {
			sp := fieldPath(dp, "serial")
			r, err := arn.ParseIAM(serial)
			switch {
			case !iamlimits.SerialNumber.LengthOK(serial):
				max, _ := iamlimits.SerialNumber.Max()
				p.add(sn, sp, "must be %d to %d characters long (%s)", iamlimits.SerialNumber.Min(), max, iamlimits.SerialNumber.Shape())
			case err != nil || r.Type != arn.TypeMFA || r.Partition != arn.PartitionAWS:
				p.add(sn, sp, "%q is not a virtual MFA device ARN (arn:aws:iam::ACCOUNT:mfa/NAME)", serial)
			case account != "" && r.AccountID != account:
				p.add(sn, sp, "%q is not a device of account %s", serial, account)
			default:
				if first, dup := p.serials[serial]; dup {
					p.add(sn, sp, "duplicate MFA device %s (first at %s)", serial, first)
				}
				p.serials[serial] = sp
				d.Serial, d.Path = serial, r.Path
			}
		}
		if seed, sn, ok := p.checked(m, dn, dp, "seed", true, nil); ok {
			raw, err := decodeSeed(seed)
			if err != nil {
				p.add(sn, fieldPath(dp, "seed"), "%v", err)
			}
			d.Seed = raw
		}
		out = append(out, d)
	}
	return out
}

func (p *parser) role(n *yaml.Node, path, account string, seen names) Role {
	r := Role{Pos: at(n, path)}
	m := p.fields(n, path, "name", "path", "trust_policy", "max_session_duration", "tags", "inline_policies", "managed_policies")
	if m == nil {
		return r
	}
	r.Name, _ = p.uniqueName(m, n, path, iamlimits.RoleName.Check, seen, "role")
	r.Path = p.path(m, n, path)
	if tn, ok := p.required(m, n, path, "trust_policy"); ok {
		r.TrustPolicy, _ = p.policyDoc(tn, fieldPath(path, "trust_policy"), policy.KindTrust)
	}
	if dn, ok := m["max_session_duration"]; ok {
		dp := fieldPath(path, "max_session_duration")
		if s, ok := p.str(dn, dp); ok {
			v, err := strconv.ParseInt(s, 10, 32)
			lo := iamlimits.RoleMaxSessionDuration.Min()
			hi, _ := iamlimits.RoleMaxSessionDuration.Max()
			if err != nil || v < int64(lo) || v > int64(hi) {
				p.add(dn, dp, "%q must be a whole number of seconds from %d to %d", s, lo, hi)
			} else {
				r.MaxSessionDuration = int32(v)
			}
		}
	}
	r.Tags = p.tags(m, path)
	r.InlinePolicies = p.inlinePolicies(m, path, policy.KindInlineRole)
	r.ManagedPolicies = p.managedPolicies(m, path, account, iamlimits.AttachedPoliciesPerRole)
	return r
}

func (p *parser) policy(n *yaml.Node, path string, seen names) Policy {
	pol := Policy{Pos: at(n, path)}
	m := p.fields(n, path, "name", "document")
	if m == nil {
		return pol
	}
	pol.Name, _ = p.uniqueName(m, n, path, iamlimits.PolicyName.Check, seen, "managed policy")
	if dn, ok := p.required(m, n, path, "document"); ok {
		pol.Document, _ = p.policyDoc(dn, fieldPath(path, "document"), policy.KindManaged)
	}
	return pol
}

func (p *parser) oidc(n *yaml.Node, path, account string, seen names) OIDCProvider {
	o := OIDCProvider{Pos: at(n, path)}
	m := p.fields(n, path, "url", "client_ids", "jwks")
	if m == nil {
		return o
	}
	if u, un, ok := p.checked(m, n, path, "url", true, nil); ok {
		hostPath, err := checkOIDCURL(u)
		if err != nil {
			p.add(un, fieldPath(path, "url"), "%v", err)
		} else {
			o.URL = u
			o.ARN = arn.OIDCProvider(account, hostPath)
			p.unique(seen, hostPath, un, fieldPath(path, "url"), "OIDC provider")
		}
	}
	if cn, ok := m["client_ids"]; ok {
		cp := fieldPath(path, "client_ids")
		items := p.list(cn, cp)
		if len(items) > iamlimits.ClientIDsPerOIDCProvider {
			p.add(cn, cp, "at most %d client ids are allowed", iamlimits.ClientIDsPerOIDCProvider)
		}
		o.ClientIDs = make([]string, 0, len(items))
		dup := map[string]bool{}
		for i, c := range items {
			ip := indexPath(cp, i)
			s, ok := p.str(c, ip)
			if !ok {
				continue
			}
			if msg := iamlimits.ClientID.Check(s); msg != "" {
				p.add(c, ip, "%s", msg)
				continue
			}
			if dup[s] {
				p.add(c, ip, "client id %q is listed twice", s)
				continue
			}
			dup[s] = true
			o.ClientIDs = append(o.ClientIDs, s)
		}
	}
	if jn, ok := m["jwks"]; ok {
		jp := fieldPath(path, "jwks")
		if doc, ok := p.jsonDoc(jn, jp); ok {
			if len(doc) > maxJWKS {
				p.add(jn, jp, "must be at most %d bytes of JSON", maxJWKS)
			} else if err := checkJWKS(doc); err != nil {
				p.add(jn, jp, "%v", err)
			} else {
				o.JWKS = doc
			}
		}
	}
	return o
}

// maxJWKS bounds an inline key set; real sets of a few RSA keys are a few KiB.
const maxJWKS = 256 << 10

func (p *parser) saml(n *yaml.Node, path, account string, seen names) SAMLProvider {
	s := SAMLProvider{Pos: at(n, path)}
	m := p.fields(n, path, "name", "metadata", "metadata_file")
	if m == nil {
		return s
	}
	var ok bool
	if s.Name, ok = p.uniqueName(m, n, path, iamlimits.SAMLProviderName.Check, seen, "SAML provider"); ok {
		s.ARN = arn.SAMLProvider(account, s.Name)
	}
	inline, hasInline := m["metadata"]
	file, hasFile := m["metadata_file"]
	switch {
	case hasInline && hasFile:
		p.add(file, fieldPath(path, "metadata_file"), "give metadata or metadata_file, not both")
	case !hasInline && !hasFile:
		p.add(deref(n), fieldPath(path, "metadata"), "is required (or metadata_file)")
	case hasInline:
		mp := fieldPath(path, "metadata")
		if doc, ok := p.str(inline, mp); ok {
			if err := checkSAMLMetadata(doc); err != nil {
				p.add(inline, mp, "%v", err)
			} else {
				s.Metadata = doc
			}
		}
	default:
		fp := fieldPath(path, "metadata_file")
		name, ok := p.str(file, fp)
		if !ok || name == "" {
			if ok {
				p.add(file, fp, "must not be empty")
			}
			break
		}
		s.MetadataFile = name
		if p.readFile == nil {
			break
		}
		data, err := p.readFile(name)
		if err != nil {
			p.add(file, fp, "cannot read: %v", err)
			break
		}
		if err := checkSAMLMetadata(string(data)); err != nil {
			p.add(file, fp, "%s %v", name, err)
			break
		}
		s.Metadata = string(data)
	}
	return s
}
