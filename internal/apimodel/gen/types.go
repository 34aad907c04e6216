package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// typeGen writes the typed structs of one service: one struct per structure
// shape reachable from an operation's input or output, with xml tags that
// encoding/xml understands and a reflection-free AppendQueryXML method that
// the protocol layer uses on the hot path.
type typeGen struct {
	m       *rawModel
	pkg     string
	structs []string
	// imports holds the standard-library imports the output needs.
	imports   map[string]bool
	usesModel bool
}

func genTypes(m *rawModel, pkg string) ([]byte, error) {
	g := &typeGen{m: m, pkg: pkg, imports: map[string]bool{}}
	seen := map[string]bool{}
	var walk func(name string) error
	walk = func(name string) error {
		s, ok := m.Shapes[name]
		if !ok {
			return fmt.Errorf("unknown shape %q", name)
		}
		switch s.Type {
		case "structure":
			if seen[name] {
				return nil
			}
			seen[name] = true
			g.structs = append(g.structs, name)
			for _, mem := range s.Members {
				if err := walk(mem.Ref.Shape); err != nil {
					return err
				}
			}
		case "list":
			return walk(s.Member.Shape)
		case "map":
			if err := walk(s.Key.Shape); err != nil {
				return err
			}
			return walk(s.Value.Shape)
		}
		return nil
	}
	opNames := make([]string, 0, len(m.Operations))
	for n := range m.Operations {
		opNames = append(opNames, n)
	}
	slices.Sort(opNames)
	for _, n := range opNames {
		op := m.Operations[n]
		for _, r := range []*rawRef{op.Input, op.Output} {
			if r != nil {
				if err := walk(r.Shape); err != nil {
					return nil, fmt.Errorf("operation %s: %w", n, err)
				}
			}
		}
	}
	slices.Sort(g.structs)
	goNames := map[string]string{}
	for _, n := range g.structs {
		gn := goName(n)
		if prev, dup := goNames[gn]; dup {
			return nil, fmt.Errorf("shapes %s and %s both map to Go type %s", prev, n, gn)
		}
		goNames[gn] = n
	}

	var body strings.Builder
	for _, n := range g.structs {
		if err := g.genStruct(&body, n); err != nil {
			return nil, fmt.Errorf("shape %s: %w", n, err)
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "%s\n\npackage %s\n\n", header, pkg)
	var std []string
	for imp := range g.imports {
		std = append(std, imp)
	}
	slices.Sort(std)
	out.WriteString("import (\n")
	for _, imp := range std {
		fmt.Fprintf(&out, "\t%q\n", imp)
	}
	if g.usesModel {
		out.WriteString("\n\t\"github.com/stsd/stsd/internal/apimodel\"\n")
	}
	out.WriteString(")\n\n")
	out.WriteString(body.String())
	return []byte(out.String()), nil
}

func (g *typeGen) shape(name string) *rawShape { return g.m.Shapes[name] }

// goType is the Go type of a value of shape name; member says whether the
// value is a struct field (scalars and optional structs become pointers)
// rather than a list element or map value.
func (g *typeGen) goType(name string, member, required bool) (string, error) {
	s := g.shape(name)
	switch s.Type {
	case "string":
		return "string", nil
	case "integer":
		return ptrIf(member, "int32"), nil
	case "long":
		return ptrIf(member, "int64"), nil
	case "boolean":
		return ptrIf(member, "bool"), nil
	case "double", "float":
		return ptrIf(member, "float64"), nil
	case "timestamp":
		g.imports["time"] = true
		return "time.Time", nil
	case "blob":
		return "[]byte", nil
	case "list":
		et, err := g.goType(s.Member.Shape, false, true)
		if err != nil {
			return "", err
		}
		return "[]" + et, nil
	case "map":
		kt, err := g.goType(s.Key.Shape, false, true)
		if err != nil {
			return "", err
		}
		vt, err := g.goType(s.Value.Shape, false, true)
		if err != nil {
			return "", err
		}
		return "map[" + kt + "]" + vt, nil
	case "structure":
		return ptrIf(member && !required, goName(name)), nil
	}
	return "", fmt.Errorf("unsupported type %s", s.Type)
}

func ptrIf(p bool, t string) string {
	if p {
		return "*" + t
	}
	return t
}

func (g *typeGen) genStruct(b *strings.Builder, name string) error {
	s := g.shape(name)
	gn := goName(name)
	req := map[string]bool{}
	for _, r := range s.Required {
		req[r] = true
	}
	fmt.Fprintf(b, "// %s is the %s shape %s.\n", gn, g.m.Metadata.ServiceID, name)
	fmt.Fprintf(b, "type %s struct {\n", gn)
	for _, mem := range s.Members {
		t, err := g.goType(mem.Ref.Shape, true, req[mem.Name])
		if err != nil {
			return fmt.Errorf("member %s: %w", mem.Name, err)
		}
		fmt.Fprintf(b, "\t%s %s `xml:\"%s\"`\n", goName(mem.Name), t, g.xmlTag(mem, req[mem.Name]))
	}
	b.WriteString("}\n\n")

	fmt.Fprintf(b, "// AppendQueryXML appends the members of v as Query-protocol XML elements.\n")
	fmt.Fprintf(b, "func (v *%s) AppendQueryXML(b []byte) []byte {\n", gn)
	for _, mem := range s.Members {
		if err := g.genMember(b, mem, req[mem.Name]); err != nil {
			return fmt.Errorf("member %s: %w", mem.Name, err)
		}
	}
	b.WriteString("\treturn b\n}\n\n")
	return nil
}

func wireName(r namedRef) string {
	if r.Ref.LocationName != "" {
		return r.Ref.LocationName
	}
	return r.Name
}

func listItemName(s *rawShape) string {
	if s.Member != nil && s.Member.LocationName != "" {
		return s.Member.LocationName
	}
	return "member"
}

func (g *typeGen) xmlTag(mem namedRef, required bool) string {
	s := g.shape(mem.Ref.Shape)
	name := wireName(mem)
	opt := ""
	if !required {
		opt = ",omitempty"
	}
	switch s.Type {
	case "list":
		if s.Flattened || mem.Ref.Flattened {
			if s.Member.LocationName != "" {
				name = s.Member.LocationName
			}
			return name + opt
		}
		return name + ">" + listItemName(s) + opt
	case "map":
		// encoding/xml cannot encode maps; AppendQueryXML writes them.
		return "-"
	}
	return name + opt
}

func (g *typeGen) genMember(b *strings.Builder, mem namedRef, required bool) error {
	s := g.shape(mem.Ref.Shape)
	f := "v." + goName(mem.Name)
	name := wireName(mem)
	switch s.Type {
	case "string", "blob":
		if !required {
			fmt.Fprintf(b, "\tif len(%s) > 0 {\n", f)
		} else {
			b.WriteString("\t{\n")
		}
		g.genValue(b, mem.Ref.Shape, f, name, "\t\t")
		b.WriteString("\t}\n")
	case "integer", "long", "boolean", "double", "float":
		fmt.Fprintf(b, "\tif %s != nil {\n", f)
		g.genValue(b, mem.Ref.Shape, "*"+f, name, "\t\t")
		b.WriteString("\t}\n")
	case "timestamp":
		if !required {
			fmt.Fprintf(b, "\tif !%s.IsZero() {\n", f)
		} else {
			b.WriteString("\t{\n")
		}
		g.genValue(b, mem.Ref.Shape, f, name, "\t\t")
		b.WriteString("\t}\n")
	case "structure":
		if !required {
			fmt.Fprintf(b, "\tif %s != nil {\n", f)
		} else {
			b.WriteString("\t{\n")
		}
		g.genValue(b, mem.Ref.Shape, f, name, "\t\t")
		b.WriteString("\t}\n")
	case "list":
		flat := s.Flattened || mem.Ref.Flattened
		if !required || flat {
			fmt.Fprintf(b, "\tif len(%s) > 0 {\n", f)
		} else {
			b.WriteString("\t{\n")
		}
		item := listItemName(s)
		if flat {
			if s.Member.LocationName != "" {
				item = s.Member.LocationName
			} else {
				item = name
			}
		} else {
			fmt.Fprintf(b, "\t\tb = append(b, %q...)\n", "<"+name+">")
		}
		fmt.Fprintf(b, "\t\tfor i := range %s {\n", f)
		g.genValue(b, s.Member.Shape, f+"[i]", item, "\t\t\t")
		b.WriteString("\t\t}\n")
		if !flat {
			fmt.Fprintf(b, "\t\tb = append(b, %q...)\n", "</"+name+">")
		}
		b.WriteString("\t}\n")
	case "map":
		if !required {
			fmt.Fprintf(b, "\tif len(%s) > 0 {\n", f)
		} else {
			b.WriteString("\t{\n")
		}
		flat := s.Flattened || mem.Ref.Flattened
		entry := "entry"
		if flat {
			entry = name
		} else {
			fmt.Fprintf(b, "\t\tb = append(b, %q...)\n", "<"+name+">")
		}
		g.usesModel = true
		fmt.Fprintf(b, "\t\tfor _, k := range apimodel.SortedKeys(%s) {\n", f)
		fmt.Fprintf(b, "\t\t\tb = append(b, %q...)\n", "<"+entry+">")
		g.genValue(b, s.Key.Shape, "k", refName(s.Key, "key"), "\t\t\t")
		g.genValue(b, s.Value.Shape, f+"[k]", refName(s.Value, "value"), "\t\t\t")
		fmt.Fprintf(b, "\t\t\tb = append(b, %q...)\n", "</"+entry+">")
		b.WriteString("\t\t}\n")
		if !flat {
			fmt.Fprintf(b, "\t\tb = append(b, %q...)\n", "</"+name+">")
		}
		b.WriteString("\t}\n")
	default:
		return fmt.Errorf("unsupported type %s", s.Type)
	}
	return nil
}

func refName(r *rawRef, def string) string {
	if r.LocationName != "" {
		return r.LocationName
	}
	return def
}

// genValue writes one element <elem>expr</elem>; expr is a non-pointer
// value, except for structures where it may be a pointer or addressable.
func (g *typeGen) genValue(b *strings.Builder, shape, expr, elem, ind string) {
	s := g.shape(shape)
	open, close := strconv.Quote("<"+elem+">"), strconv.Quote("</"+elem+">")
	fmt.Fprintf(b, "%sb = append(b, %s...)\n", ind, open)
	switch s.Type {
	case "string", "timestamp", "blob":
		g.usesModel = true
	}
	switch s.Type {
	case "string":
		fmt.Fprintf(b, "%sb = apimodel.AppendText(b, %s)\n", ind, expr)
	case "integer", "long":
		g.imports["strconv"] = true
		fmt.Fprintf(b, "%sb = strconv.AppendInt(b, int64(%s), 10)\n", ind, expr)
	case "boolean":
		g.imports["strconv"] = true
		fmt.Fprintf(b, "%sb = strconv.AppendBool(b, %s)\n", ind, expr)
	case "double", "float":
		g.imports["strconv"] = true
		fmt.Fprintf(b, "%sb = strconv.AppendFloat(b, %s, 'g', -1, 64)\n", ind, expr)
	case "timestamp":
		fmt.Fprintf(b, "%sb = apimodel.AppendTimestamp(b, %s)\n", ind, expr)
	case "blob":
		fmt.Fprintf(b, "%sb = apimodel.AppendBase64(b, %s)\n", ind, expr)
	case "structure":
		fmt.Fprintf(b, "%sb = %s.AppendQueryXML(b)\n", ind, expr)
	case "list", "map":
		// Lists of lists and maps inside lists do not occur in the STS and
		// IAM models; genTypes rejects them before reaching here.
	}
	fmt.Fprintf(b, "%sb = append(b, %s...)\n", ind, close)
}
