package memory

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// table holds the rows of one kind, each under a key derived from the row.
// A committed state's tables are never written: a transaction copies a
// table's map the first time it writes to it, and the copy belongs to the
// generation the transaction would commit.
type table[K comparable, V any] struct {
	rows  map[K]V
	owner uint64 // the generation whose transaction made rows its own copy

	key   func(V) K
	order func(a, b K) int // list order
}

func newTable[K comparable, V any](key func(V) K, order func(a, b K) int) table[K, V] {
	return table[K, V]{rows: map[K]V{}, key: key, order: order}
}

func (t *table[K, V]) get(k K) (V, bool) {
	v, ok := t.rows[k]
	if ok {
		v = fresh(v)
	}
	return v, ok
}

func (t *table[K, V]) has(k K) bool {
	_, ok := t.rows[k]
	return ok
}

// writable returns rows for the transaction committing generation gen,
// copying them first if they are still shared with an earlier state.
func (t *table[K, V]) writable(gen uint64) map[K]V {
	if t.owner != gen {
		t.rows, t.owner = maps.Clone(t.rows), gen
	}
	return t.rows
}

// put stores v, replacing any row under its key.
func (t *table[K, V]) put(gen uint64, v V) {
	v = fresh(v)
	t.writable(gen)[t.key(v)] = v
}

func (t *table[K, V]) del(gen uint64, k K) bool {
	if !t.has(k) {
		return false
	}
	delete(t.writable(gen), k)
	return true
}

// deleteWhere deletes the rows match picks.
func (t *table[K, V]) deleteWhere(gen uint64, match func(V) bool) {
	for k, v := range t.rows {
		if match(v) {
			delete(t.writable(gen), k)
		}
	}
}

// remap replaces each row f picks with f's version of it, which may have
// another key. Every old row goes before any new one is stored, so rows
// that swap keys do not overwrite each other.
func (t *table[K, V]) remap(gen uint64, f func(V) (V, bool)) {
	var old []K
	var changed []V
	for k, v := range t.rows {
		if nv, ok := f(v); ok {
			old, changed = append(old, k), append(changed, nv)
		}
	}
	for _, k := range old {
		t.del(gen, k)
	}
	for _, v := range changed {
		t.put(gen, v)
	}
}

// list returns fresh copies of the rows match picks, in the table's order,
// at most limit of them (0 means all).
func (t *table[K, V]) list(match func(K, V) bool, limit int) []V {
	var keys []K
	for k, v := range t.rows {
		if match(k, v) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, t.order)
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	var out []V
	for _, k := range keys {
		out = append(out, fresh(t.rows[k]))
	}
	return out
}

// all lists the rows match picks by row alone.
func (t *table[K, V]) all(match func(V) bool) []V {
	return t.list(func(_ K, v V) bool { return match(v) }, 0)
}

// key is the case-insensitive form of an IAM name. IAM names are ASCII,
// so lower-casing is exactly IAM's comparison.
func key(name string) string { return strings.ToLower(name) }

// nameKey names an account's entity case-insensitively: name is lower-cased.
type nameKey struct{ account, name string }

func nk(account, name string) nameKey { return nameKey{account, key(name)} }

func byName(a, b nameKey) int {
	return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.name, b.name))
}

// owner finds the fields of a row that name the principal holding it: its
// account and its name, in any spelling. It returns nils for a row held by
// another kind of principal.
type owner[V any] func(v *V) (account, name *string)

// heldBy reports whether who (a nameKey) holds v.
func heldBy[V any](of owner[V], v V, who nameKey) bool {
	a, n := of(&v)
	return a != nil && nk(*a, *n) == who
}

// held lists the rows of t that who holds, in the table's order.
func held[K comparable, V any](t *table[K, V], of owner[V], who nameKey) []V {
	return t.all(func(v V) bool { return heldBy(of, v, who) })
}

// move hands the rows of t that from holds to the same account's
// principal spelled name.
func move[K comparable, V any](gen uint64, t *table[K, V], of owner[V], from nameKey, name string) {
	t.remap(gen, func(v V) (V, bool) {
		if !heldBy(of, v, from) {
			return v, false
		}
		_, n := of(&v)
		*n = name
		return v, true
	})
}

// drop deletes the rows of t that who holds.
func drop[K comparable, V any](gen uint64, t *table[K, V], of owner[V], who nameKey) {
	t.deleteWhere(gen, func(v V) bool { return heldBy(of, v, who) })
}

// findHeld finds the row of t under k if who holds it.
func findHeld[K comparable, V any](t *table[K, V], of owner[V], who nameKey, k K, what string) (V, error) {
	v, ok := t.get(k)
	if !ok || !heldBy(of, v, who) {
		var zero V
		return zero, notFound(what)
	}
	return v, nil
}

// modifyHeld replaces the row under k that who holds with f's version.
func modifyHeld[K comparable, V any](st *state, t *table[K, V], of owner[V], who nameKey, k K, what string, f func(V) V) error {
	v, err := findHeld(t, of, who, k, what)
	if err != nil {
		return err
	}
	t.put(st.gen, f(v))
	return nil
}

// removeHeld deletes the row under k if who holds it.
func removeHeld[K comparable, V any](st *state, t *table[K, V], of owner[V], who nameKey, k K, what string) error {
	if _, err := findHeld(t, of, who, k, what); err != nil {
		return err
	}
	t.del(st.gen, k)
	return nil
}

// inAccount lists a page of an account's named rows whose path starts
// with prefix, ordered by lower-cased name.
func inAccount[V any](t *table[nameKey, V], account, prefix string, page store.Page, path func(V) string) []V {
	return t.list(func(k nameKey, v V) bool {
		return k.account == account && k.name > page.After && strings.HasPrefix(path(v), prefix)
	}, page.Limit)
}

// principal is how users and groups are created, renamed and deleted:
// they hold rows in other tables, which cascade deletes with them (as the
// SQL backends' foreign keys do) and handOver gives to a new spelling.
type principal[V any] struct {
	what     string
	rows     *table[nameKey, V]
	name     func(V) string
	cascade  func(who nameKey)
	handOver func(from nameKey, name string)
}

// create adds v.
func (p principal[V]) create(st *state, v V) error {
	return addIn(st, p.rows, v, p.rows.key(v).account, p.what+" "+p.name(v))
}

// remove deletes the holder named name and the rows it holds.
func (p principal[V]) remove(st *state, account, name string) error {
	who := nk(account, name)
	if err := remove(st, p.rows, who, p.what+" "+name); err != nil {
		return err
	}
	p.cascade(who)
	return nil
}

// rename replaces the row named oldName with v. A new name must be free; a
// new spelling, even of case alone, takes over the old one's rows.
func (p principal[V]) rename(st *state, oldName string, v V) error {
	to := p.rows.key(v)
	from := nk(to.account, oldName)
	old, err := find(p.rows, from, p.what+" "+oldName)
	if err != nil {
		return err
	}
	if to != from {
		if p.rows.has(to) {
			return fmt.Errorf("%s %s: %w", p.what, p.name(v), store.ErrAlreadyExists)
		}
	}
	p.rows.del(st.gen, from)
	p.rows.put(st.gen, v)
	if p.name(old) != p.name(v) {
		p.handOver(from, p.name(v))
	}
	return nil
}

// requireHolder returns ErrNotFound unless the account has a principal of
// kind named name: rows held by one that does not exist are refused, as
// the SQL backends' foreign keys refuse them.
func (st *state) requireHolder(kind store.PrincipalKind, account, name string) error {
	var ok bool
	switch kind {
	case store.KindUser:
		ok = st.users.has(nk(account, name))
	case store.KindRole:
		ok = st.roles.has(nk(account, name))
	case store.KindGroup:
		ok = st.groups.has(nk(account, name))
	}
	if !ok {
		return notFound(string(kind) + " " + name)
	}
	return nil
}

// requireUser is requireHolder for a user, where "" is the account root,
// which exists with its account.
func (st *state) requireUser(account, name string) error {
	if name == "" {
		return st.requireAccount(account)
	}
	return st.requireHolder(store.KindUser, account, name)
}

// find returns the row under k.
func find[K comparable, V any](t *table[K, V], k K, what string) (V, error) {
	v, ok := t.get(k)
	if !ok {
		return v, notFound(what)
	}
	return v, nil
}

// add stores v under a free key.
func add[K comparable, V any](st *state, t *table[K, V], v V, what string) error {
	if t.has(t.key(v)) {
		return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
	}
	t.put(st.gen, v)
	return nil
}

// addIn is add for a row of an account, which must exist.
func addIn[K comparable, V any](st *state, t *table[K, V], v V, accountID, what string) error {
	if t.has(t.key(v)) {
		return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
	}
	if err := st.requireAccount(accountID); err != nil {
		return err
	}
	return add(st, t, v, what)
}

// addHeld adds v like addIn once holder, which checks that the user
// holding v exists, says it does. A taken key is reported first, as the
// SQL backends report it.
func addHeld[K comparable, V any](st *state, t *table[K, V], v V, accountID, what string, holder func() error) error {
	if t.has(t.key(v)) {
		return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
	}
	if err := holder(); err != nil {
		return err
	}
	return addIn(st, t, v, accountID, what)
}

// putIn creates or replaces v, a row of an account that must exist.
func putIn[K comparable, V any](st *state, t *table[K, V], v V, accountID string) error {
	if !t.has(t.key(v)) {
		if err := st.requireAccount(accountID); err != nil {
			return err
		}
	}
	t.put(st.gen, v)
	return nil
}

// modify replaces the row under k with f's version of it.
func modify[K comparable, V any](st *state, t *table[K, V], k K, what string, f func(V) V) error {
	v, err := find(t, k, what)
	if err != nil {
		return err
	}
	t.put(st.gen, f(v))
	return nil
}

// remove deletes the row under k.
func remove[K comparable, V any](st *state, t *table[K, V], k K, what string) error {
	if !t.del(st.gen, k) {
		return notFound(what)
	}
	return nil
}

func notFound(what string) error { return fmt.Errorf("%s: %w", what, store.ErrNotFound) }

// fresh returns a copy of v that shares no memory with it, with times in
// UTC and empty slices nil, as the SQL backends return rows. Every row
// stored and every row returned passes through it, so neither a caller's
// later changes to what it wrote nor changes to a result reach the store.
// It walks the fields, so a field added to a store type needs nothing here.
func fresh[V any](v V) V {
	freshen(reflect.ValueOf(&v).Elem())
	return v
}

func freshen(v reflect.Value) {
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			freshen(v.Field(i))
		}
	case v.Kind() == reflect.Slice && v.Len() == 0:
		v.SetZero()
	case v.Kind() == reflect.Slice:
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := range c.Len() {
			freshen(c.Index(i))
		}
		v.Set(c)
	}
}
