// Package awsquery is the AWS Query protocol layer: it decodes form
// parameters into the generated request structs, validating every
// constraint of the service model the way AWS words its refusals, and it
// writes typed results and *apierr.Error refusals as the exact XML that the
// AWS SDKs parse.
package awsquery

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
)

// Limits on the work one request can cause. They are far above anything a
// real STS or IAM request needs (IAM's largest inputs, e.g.
// SimulateCustomPolicy, send a few hundred parameters).
const (
	// MaxParams is the most form parameters a request may carry.
	MaxParams = 2000
	// MaxListMembers is the most items decoded into one list or map; more
	// are refused rather than decoded.
	MaxListMembers = 500
	// maxDepth bounds structure nesting; the STS and IAM inputs nest at most
	// three levels, and this keeps a recursive shape from recursing freely.
	maxDepth = 8
)

// Decode fills dst, a pointer to the generated input struct of op, from the
// Query-protocol form, and validates it against the model. All constraint
// violations are reported together as one ValidationError worded as AWS
// words it. Parameters that are not members of the input (Action, Version,
// X-Amz-* of presigned requests, anything unknown) are ignored, as AWS
// ignores them. An error that is not an *apierr.Error means dst does not fit
// op's input shape, a programming error.
func Decode(form url.Values, op *apimodel.Operation, dst any) error {
	if op == nil {
		return errors.New("awsquery: nil operation")
	}
	if len(form) > MaxParams {
		return apierr.New(apierr.ValidationError, "Request has too many parameters: the limit is %d.", MaxParams)
	}
	if op.Input == nil {
		return nil
	}
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("awsquery: Decode needs a non-nil pointer to a struct, got %T", dst)
	}
	d := decoder{form: form, omitValues: omitsValues(op)}
	d.keys = make([]string, 0, len(form))
	for k := range form {
		d.keys = append(d.keys, k)
	}
	slices.Sort(d.keys)
	if err := d.structure(op.Input, "", "", v.Elem(), 0); err != nil {
		return err
	}
	if d.tooMany != "" {
		return apierr.New(apierr.ValidationError, "%s has more than %d members.", d.tooMany, MaxListMembers)
	}
	return validationError(d.errs)
}

type decoder struct {
	form url.Values
	// keys are the form's parameter names, sorted, for prefix look-ups.
	keys []string
	errs []string
	// omitValues is set for services that leave the offending value out of
	// their validation messages (see omitsValues).
	omitValues bool
	tooMany    string
}

// value returns the first value of parameter name.
func (d *decoder) value(name string) (string, bool) {
	vs, ok := d.form[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// hasPrefix reports whether some parameter name starts with p.
func (d *decoder) hasPrefix(p string) bool {
	i, _ := slices.BinarySearch(d.keys, p)
	return i < len(d.keys) && strings.HasPrefix(d.keys[i], p)
}

// present reports whether name is given, as a scalar or as the parent of
// nested parameters.
func (d *decoder) present(name string) bool {
	if _, ok := d.form[name]; ok {
		return true
	}
	return d.hasPrefix(name + ".")
}

func (d *decoder) structure(sh *apimodel.Shape, prefix, path string, v reflect.Value, depth int) error {
	if depth > maxDepth {
		return nil
	}
	t := v.Type()
	for i := range sh.Members {
		m := &sh.Members[i]
		// The generated structs hold the members in model order, so field
		// i is member i; FieldByName is the slow path for other types.
		var f reflect.Value
		if i < t.NumField() && t.Field(i).Name == m.GoName {
			f = v.Field(i)
		} else {
			f = v.FieldByName(m.GoName)
		}
		if !f.IsValid() {
			return fmt.Errorf("awsquery: %s has no field for member %s", v.Type(), m.Name)
		}
		mpath := path + m.PathName
		present, err := d.member(m.Shape, prefix+m.WireName(), mpath, f, depth)
		if err != nil {
			return err
		}
		if !present && m.Required {
			d.errs = append(d.errs, "Value null at '"+mpath+"' failed to satisfy constraint: Member must not be null")
		}
	}
	return nil
}

// member decodes the parameter(s) called name into f and reports whether
// the member was given at all.
func (d *decoder) member(sh *apimodel.Shape, name, path string, f reflect.Value, depth int) (bool, error) {
	switch sh.Type {
	case apimodel.TypeList:
		return d.list(sh, name, path, f, depth)
	case apimodel.TypeMap:
		return d.mapValue(sh, name, path, f, depth)
	case apimodel.TypeStructure:
		if !d.hasPrefix(name + ".") {
			return false, nil
		}
		target := f
		if f.Kind() == reflect.Pointer {
			target = reflect.New(f.Type().Elem()).Elem()
		}
		if target.Kind() != reflect.Struct {
			return false, fmt.Errorf("awsquery: field for %s is %s, want struct", name, f.Type())
		}
		if err := d.structure(sh, name+".", path+".", target, depth+1); err != nil {
			return false, err
		}
		if f.Kind() == reflect.Pointer {
			f.Set(target.Addr())
		}
		return true, nil
	}
	s, ok := d.value(name)
	if !ok {
		return false, nil
	}
	return true, d.scalar(sh, s, path, f)
}

func (d *decoder) list(sh *apimodel.Shape, name, path string, f reflect.Value, depth int) (bool, error) {
	if f.Kind() != reflect.Slice {
		return false, fmt.Errorf("awsquery: field for %s is %s, want slice", name, f.Type())
	}
	// An empty list is sent as the bare name with an empty value ("Tags=").
	_, present := d.form[name]
	itemPrefix := name + "." + sh.ListMemberName() + "."
	if sh.Flattened {
		itemPrefix = name + "."
	}
	n := 0
	for d.present(itemPrefix + strconv.Itoa(n+1)) {
		n++
		if n > MaxListMembers {
			d.tooMany = name
			return true, nil
		}
	}
	if n == 0 {
		if present {
			d.checkLength(sh, 0, "[]", path)
		}
		return present, nil
	}
	out := reflect.MakeSlice(f.Type(), n, n)
	for i := range n {
		idx := strconv.Itoa(i + 1)
		// AWS names list items in messages "tags.1.member.key".
		ipath := path + "." + idx + ".member"
		ok, err := d.member(sh.Member, itemPrefix+idx, ipath, out.Index(i), depth+1)
		if err != nil {
			return false, err
		}
		if !ok && sh.Member.Type != apimodel.TypeStructure {
			d.errs = append(d.errs, "Value null at '"+ipath+"' failed to satisfy constraint: Member must not be null")
		}
	}
	f.Set(out)
	d.checkLength(sh, n, renderList(out), path)
	return true, nil
}

func (d *decoder) mapValue(sh *apimodel.Shape, name, path string, f reflect.Value, depth int) (bool, error) {
	if f.Kind() != reflect.Map {
		return false, fmt.Errorf("awsquery: field for %s is %s, want map", name, f.Type())
	}
	_, present := d.form[name]
	entryPrefix := name + ".entry."
	if sh.Flattened {
		entryPrefix = name + "."
	}
	n := 0
	for d.present(entryPrefix + strconv.Itoa(n+1)) {
		n++
		if n > MaxListMembers {
			d.tooMany = name
			return true, nil
		}
	}
	if n == 0 {
		return present, nil
	}
	m := reflect.MakeMapWithSize(f.Type(), n)
	for i := range n {
		idx := strconv.Itoa(i + 1)
		k := reflect.New(f.Type().Key()).Elem()
		val := reflect.New(f.Type().Elem()).Elem()
		epath := path + "." + idx + ".entry"
		kok, err := d.member(sh.Key, entryPrefix+idx+".key", epath+".key", k, depth+1)
		if err != nil {
			return false, err
		}
		vok, err := d.member(sh.Value, entryPrefix+idx+".value", epath+".value", val, depth+1)
		if err != nil {
			return false, err
		}
		if !kok {
			d.errs = append(d.errs, "Value null at '"+epath+".key' failed to satisfy constraint: Member must not be null")
			continue
		}
		if !vok {
			d.errs = append(d.errs, "Value null at '"+epath+".value' failed to satisfy constraint: Member must not be null")
		}
		m.SetMapIndex(k, val)
	}
	f.Set(m)
	d.checkLength(sh, n, fmt.Sprint(m.Interface()), path)
	return true, nil
}

// scalar parses s into f (a value or a pointer to one) and checks the
// shape's constraints.
func (d *decoder) scalar(sh *apimodel.Shape, s, path string, f reflect.Value) error {
	target := f
	if f.Kind() == reflect.Pointer {
		target = reflect.New(f.Type().Elem()).Elem()
	}
	switch sh.Type {
	case apimodel.TypeString:
		if target.Kind() != reflect.String {
			return fieldTypeError(path, f)
		}
		target.SetString(s)
		d.checkString(sh, s, path)
	case apimodel.TypeInteger, apimodel.TypeLong:
		bits := 32
		if sh.Type == apimodel.TypeLong {
			bits = 64
		}
		if target.Kind() != reflect.Int32 && target.Kind() != reflect.Int64 {
			return fieldTypeError(path, f)
		}
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			d.fail(sh, s, path, "Member must be a number")
			return nil
		}
		target.SetInt(n)
		d.checkRange(sh, n, s, path)
	case apimodel.TypeDouble:
		if target.Kind() != reflect.Float64 {
			return fieldTypeError(path, f)
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			d.fail(sh, s, path, "Member must be a number")
			return nil
		}
		target.SetFloat(x)
	case apimodel.TypeBoolean:
		if target.Kind() != reflect.Bool {
			return fieldTypeError(path, f)
		}
		switch strings.ToLower(s) {
		case "true":
			target.SetBool(true)
		case "false":
			target.SetBool(false)
		default:
			d.fail(sh, s, path, "Member must be a boolean")
			return nil
		}
	case apimodel.TypeTimestamp:
		if target.Type() != reflect.TypeFor[time.Time]() {
			return fieldTypeError(path, f)
		}
		t, ok := parseTimestamp(s)
		if !ok {
			d.fail(sh, s, path, "Member must be a timestamp")
			return nil
		}
		target.Set(reflect.ValueOf(t))
	case apimodel.TypeBlob:
		if target.Type() != reflect.TypeFor[[]byte]() {
			return fieldTypeError(path, f)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			d.fail(sh, s, path, "Member must be base64-encoded")
			return nil
		}
		target.SetBytes(b)
		d.checkLength(sh, len(b), s, path)
	default:
		return fmt.Errorf("awsquery: %s: unsupported shape type %s", path, sh.Type)
	}
	if f.Kind() == reflect.Pointer {
		f.Set(target.Addr())
	}
	return nil
}

func fieldTypeError(path string, f reflect.Value) error {
	return fmt.Errorf("awsquery: field for %s has unexpected type %s", path, f.Type())
}

// parseTimestamp accepts the forms the SDKs send in Query requests:
// ISO 8601 (with or without fractional seconds) and epoch seconds.
func parseTimestamp(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(x) && math.Abs(x) < 1e12 {
		sec, frac := math.Modf(x)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	return time.Time{}, false
}

// renderList formats a list value for a message as Java's List.toString
// would: "[a, b]".
func renderList(v reflect.Value) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range v.Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		e := v.Index(i)
		if e.Kind() == reflect.String {
			b.WriteString(e.String())
		} else {
			fmt.Fprint(&b, e.Interface())
		}
	}
	b.WriteByte(']')
	return b.String()
}
