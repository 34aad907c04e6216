package bootstrap

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Guards against documents that are small on disk but huge in memory once
// aliases are followed ("billion laughs"). yaml.v3 only guards its own
// decoding into Go values; a yaml.Node tree keeps aliases as pointers, so
// every walk over it here is bounded by checkExpansion first.
const (
	// maxExpandedWeight bounds the document with every alias expanded, in
	// units of one per node plus one per byte of scalar text: four times
	// the largest file Load accepts, so alias-free files never hit it.
	maxExpandedWeight = 4 * MaxFileSize
	// maxDepth bounds nesting with aliases expanded; real bootstrap files
	// and policies nest a dozen levels at most.
	maxDepth = 200
)

var (
	errTooBig   = errors.New("the document expands to more than the allowed size (too many aliases?)")
	errTooDeep  = fmt.Errorf("the document nests deeper than %d levels", maxDepth)
	errAliasCyc = errors.New("an alias refers to a node that contains it")
)

// checkExpansion walks the tree once, following aliases, and refuses alias
// cycles, over-deep nesting and documents whose expansion is too large.
// Anchored nodes are memoised, so the walk costs the size of the file, not
// of its expansion.
func checkExpansion(root *yaml.Node) error {
	w := weigher{memo: map[*yaml.Node][2]int64{}, active: map[*yaml.Node]bool{}}
	weight, _, err := w.weigh(root)
	if err != nil {
		return err
	}
	if weight > maxExpandedWeight {
		return errTooBig
	}
	return nil
}

type weigher struct {
	memo   map[*yaml.Node][2]int64 // anchored node -> weight, height
	active map[*yaml.Node]bool     // anchored nodes on the current walk
}

func (w *weigher) weigh(n *yaml.Node) (weight, height int64, err error) {
	if n == nil {
		return 0, 0, nil
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 0, 0, errors.New("an alias refers to no anchor")
		}
		wt, ht, err := w.weigh(n.Alias)
		return sat(1 + wt), ht + 1, err
	}
	if n.Anchor != "" {
		if w.active[n] {
			return 0, 0, errAliasCyc
		}
		if m, ok := w.memo[n]; ok {
			return m[0], m[1], nil
		}
		w.active[n] = true
		defer delete(w.active, n)
	}
	weight = 1 + int64(len(n.Value))
	for _, c := range n.Content {
		cw, ch, err := w.weigh(c)
		if err != nil {
			return 0, 0, err
		}
		weight = sat(weight + cw)
		height = max(height, ch+1)
		if height > maxDepth {
			return 0, 0, errTooDeep
		}
		if weight > maxExpandedWeight {
			return 0, 0, errTooBig
		}
	}
	if n.Anchor != "" {
		w.memo[n] = [2]int64{weight, height}
	}
	return weight, height, nil
}

// sat keeps sums of weights from overflowing; anything past the limit is
// refused anyway.
func sat(v int64) int64 { return min(v, maxExpandedWeight+1) }

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch deref(n).Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "empty"
}

func at(n *yaml.Node, path string) Position {
	if n == nil {
		return Position{Path: path}
	}
	return Position{Line: n.Line, Column: n.Column, Path: path}
}

// Field-path builders: accounts[0].users[1].name, tags.team,
// inline_policies["odd key"].
func fieldPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func indexPath(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

func keyPath(parent, key string) string {
	plain := key != ""
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			plain = false
			break
		}
	}
	if plain {
		return fieldPath(parent, key)
	}
	return parent + "[" + strconv.Quote(key) + "]"
}

// pair is one key/value of a YAML mapping.
type pair struct {
	key, val *yaml.Node // key is a scalar; val is dereferenced
	name     string
}

// reader turns yaml.Nodes into values, reporting problems with positions.
type reader struct {
	ps *problems
}

func (r *reader) add(n *yaml.Node, path, format string, args ...any) {
	r.ps.add(at(n, path), format, args...)
}

// pairs returns a mapping's entries in file order, refusing non-scalar keys,
// merge keys and exact duplicates. It reports and returns nil when n is not
// a mapping.
func (r *reader) pairs(n *yaml.Node, path string) []pair {
	orig := n
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		r.add(orig, path, "must be a mapping, not %s", kindName(orig))
		return nil
	}
	out := make([]pair, 0, len(n.Content)/2)
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			r.add(n.Content[i], path, "keys must be plain strings, not %s", kindName(n.Content[i]))
			continue
		}
		if k.Tag == "!!merge" {
			r.add(k, path, "merge keys (<<) are not supported")
			continue
		}
		if line, dup := seen[k.Value]; dup {
			r.add(k, keyPath(path, k.Value), "duplicate key (first at line %d)", line)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{key: k, val: deref(v), name: k.Value})
	}
	return out
}

// fields reads a mapping with a fixed set of known keys. Unknown keys are
// errors, because a misspelt optional field would otherwise be ignored.
// Keys whose value is null are treated as absent.
func (r *reader) fields(n *yaml.Node, path string, known ...string) map[string]*yaml.Node {
	ps := r.pairs(n, path)
	if ps == nil {
		return nil
	}
	out := make(map[string]*yaml.Node, len(ps))
	for _, p := range ps {
		if !contains(known, p.name) {
			sorted := append([]string(nil), known...)
			sort.Strings(sorted)
			r.add(p.key, keyPath(path, p.name), "unknown field (known fields: %s)", strings.Join(sorted, ", "))
			continue
		}
		if isNull(p.val) {
			continue
		}
		out[p.name] = p.val
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str reads a scalar as the text written in the file, so that unquoted
// account ids with leading zeros or numeric-looking names keep their exact
// spelling.
func (r *reader) str(n *yaml.Node, path string) (string, bool) {
	d := deref(n)
	if d == nil || d.Kind != yaml.ScalarNode {
		r.add(n, path, "must be a string, not %s", kindName(n))
		return "", false
	}
	return d.Value, true
}

// list reads a sequence; it reports and returns nil when n is not one.
func (r *reader) list(n *yaml.Node, path string) []*yaml.Node {
	d := deref(n)
	if d == nil || d.Kind != yaml.SequenceNode {
		r.add(n, path, "must be a list, not %s", kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(d.Content))
	for i, c := range d.Content {
		out[i] = deref(c)
	}
	return out
}

// required reports a missing field at the mapping that lacks it.
func (r *reader) required(m map[string]*yaml.Node, parent *yaml.Node, path, name string) (*yaml.Node, bool) {
	v, ok := m[name]
	if !ok {
		r.add(deref(parent), fieldPath(path, name), "is required")
	}
	return v, ok
}
