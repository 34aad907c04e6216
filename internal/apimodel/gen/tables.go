package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// genTables writes the apimodel Service table of one model: facts only, no
// documentation. Shapes live in one array so that members can point at
// shapes declared later (IAM's shape graph is recursive) without init().
func genTables(m *rawModel, varName string) ([]byte, error) {
	names := make([]string, 0, len(m.Shapes))
	for n := range m.Shapes {
		names = append(names, n)
	}
	slices.Sort(names)
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	ref := func(name string) (string, error) {
		i, ok := index[name]
		if !ok {
			return "", fmt.Errorf("unknown shape %q", name)
		}
		return fmt.Sprintf("&sh[%d]", i), nil
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\npackage apimodel\n\n", header)
	fmt.Fprintf(&b, "// %s is the %s service model, API version %s.\n", varName, m.Metadata.ServiceID, m.Metadata.APIVersion)
	fmt.Fprintf(&b, "var %s = build%s()\n\n", varName, varName)
	fmt.Fprintf(&b, "func build%s() *Service {\n", varName)
	fmt.Fprintf(&b, "\tvar sh [%d]Shape\n", len(names))
	for i, n := range names {
		s := m.Shapes[n]
		typ, err := goShapeType(s.Type)
		if err != nil {
			return nil, fmt.Errorf("shape %s: %w", n, err)
		}
		fields := []string{"Name: " + strconv.Quote(n), "Type: " + typ}
		req := map[string]bool{}
		for _, r := range s.Required {
			req[r] = true
		}
		if len(s.Members) > 0 {
			var ms []string
			for _, mem := range s.Members {
				p, err := ref(mem.Ref.Shape)
				if err != nil {
					return nil, fmt.Errorf("shape %s member %s: %w", n, mem.Name, err)
				}
				f := []string{"Name: " + strconv.Quote(mem.Name), "GoName: " + strconv.Quote(goName(mem.Name)), "PathName: " + strconv.Quote(pathName(mem.Name))}
				if mem.Ref.LocationName != "" {
					f = append(f, "LocationName: "+strconv.Quote(mem.Ref.LocationName))
				}
				f = append(f, "Shape: "+p)
				if req[mem.Name] {
					f = append(f, "Required: true")
				}
				ms = append(ms, "{"+strings.Join(f, ", ")+"}")
			}
			fields = append(fields, "Members: []Member{\n\t\t"+strings.Join(ms, ",\n\t\t")+",\n\t}")
		}
		for _, r := range s.Required {
			if !slices.ContainsFunc(s.Members, func(nr namedRef) bool { return nr.Name == r }) {
				return nil, fmt.Errorf("shape %s: required member %s does not exist", n, r)
			}
		}
		if s.Member != nil {
			p, err := ref(s.Member.Shape)
			if err != nil {
				return nil, fmt.Errorf("shape %s: %w", n, err)
			}
			fields = append(fields, "Member: "+p)
			if s.Member.LocationName != "" {
				fields = append(fields, "MemberLocationName: "+strconv.Quote(s.Member.LocationName))
			}
		}
		if s.Flattened {
			fields = append(fields, "Flattened: true")
		}
		if s.Key != nil {
			k, err := ref(s.Key.Shape)
			if err != nil {
				return nil, fmt.Errorf("shape %s: %w", n, err)
			}
			v, err := ref(s.Value.Shape)
			if err != nil {
				return nil, fmt.Errorf("shape %s: %w", n, err)
			}
			fields = append(fields, "Key: "+k, "Value: "+v)
		}
		if s.Min != nil {
			fields = append(fields, fmt.Sprintf("Min: %d, HasMin: true", int64(*s.Min)))
		}
		if s.Max != nil {
			fields = append(fields, fmt.Sprintf("Max: %d, HasMax: true", int64(*s.Max)))
		}
		if s.Pattern != "" {
			fields = append(fields, "Pattern: "+goString(s.Pattern))
		}
		if len(s.Enum) > 0 {
			q := make([]string, len(s.Enum))
			for j, e := range s.Enum {
				q[j] = strconv.Quote(e)
			}
			fields = append(fields, "Enum: []string{"+strings.Join(q, ", ")+"}")
		}
		if s.Sensitive {
			fields = append(fields, "Sensitive: true")
		}
		fmt.Fprintf(&b, "\tsh[%d] = Shape{%s}\n", i, strings.Join(fields, ", "))
	}

	fmt.Fprintf(&b, "\treturn finish(&Service{\n")
	fmt.Fprintf(&b, "\t\tName: %q,\n\t\tAPIVersion: %q,\n\t\tXMLNamespace: %q,\n",
		m.Metadata.ServiceID, m.Metadata.APIVersion, m.Metadata.XMLNamespace)

	opNames := make([]string, 0, len(m.Operations))
	for n := range m.Operations {
		opNames = append(opNames, n)
	}
	slices.Sort(opNames)
	b.WriteString("\t\tOperations: map[string]*Operation{\n")
	for _, n := range opNames {
		op := m.Operations[n]
		f := []string{"Name: " + strconv.Quote(n)}
		if op.Input != nil {
			p, err := ref(op.Input.Shape)
			if err != nil {
				return nil, fmt.Errorf("operation %s: %w", n, err)
			}
			f = append(f, "Input: "+p)
		}
		if op.Output != nil {
			p, err := ref(op.Output.Shape)
			if err != nil {
				return nil, fmt.Errorf("operation %s: %w", n, err)
			}
			f = append(f, "Output: "+p)
			wrapper := op.Output.ResultWrapper
			if wrapper == "" {
				wrapper = n + "Result"
			}
			f = append(f, "ResultWrapper: "+strconv.Quote(wrapper))
		}
		if len(op.Errors) > 0 {
			var codes []string
			for _, e := range op.Errors {
				es, ok := m.Shapes[e.Shape]
				if !ok {
					return nil, fmt.Errorf("operation %s: unknown error shape %s", n, e.Shape)
				}
				codes = append(codes, strconv.Quote(errorCode(e.Shape, es)))
			}
			f = append(f, "Errors: []string{"+strings.Join(codes, ", ")+"}")
		}
		if op.unsigned() {
			f = append(f, "Unsigned: true")
		}
		fmt.Fprintf(&b, "\t\t\t%q: {%s},\n", n, strings.Join(f, ", "))
	}
	b.WriteString("\t\t},\n")

	b.WriteString("\t\tErrors: map[string]ErrorShape{\n")
	seen := map[string]string{}
	for _, n := range names {
		s := m.Shapes[n]
		if !s.Exception {
			continue
		}
		code := errorCode(n, s)
		if prev, dup := seen[code]; dup {
			return nil, fmt.Errorf("error code %s declared by both %s and %s", code, prev, n)
		}
		seen[code] = n
		status, sender := 400, true
		if s.Error != nil {
			if s.Error.HTTPStatusCode != 0 {
				status = s.Error.HTTPStatusCode
			}
			sender = s.Error.SenderFault
		}
		fmt.Fprintf(&b, "\t\t\t%q: {Code: %q, Shape: %q, HTTPStatus: %d, SenderFault: %t},\n", code, code, n, status, sender)
	}
	b.WriteString("\t\t},\n")

	b.WriteString("\t\tShapes: map[string]*Shape{\n")
	for i, n := range names {
		fmt.Fprintf(&b, "\t\t\t%q: &sh[%d],\n", n, i)
	}
	b.WriteString("\t\t},\n\t})\n}\n")
	return []byte(b.String()), nil
}

func goShapeType(t string) (string, error) {
	switch t {
	case "string":
		return "TypeString", nil
	case "integer":
		return "TypeInteger", nil
	case "long":
		return "TypeLong", nil
	case "boolean":
		return "TypeBoolean", nil
	case "double", "float":
		return "TypeDouble", nil
	case "timestamp":
		return "TypeTimestamp", nil
	case "blob":
		return "TypeBlob", nil
	case "list":
		return "TypeList", nil
	case "map":
		return "TypeMap", nil
	case "structure":
		return "TypeStructure", nil
	}
	return "", fmt.Errorf("unsupported shape type %q", t)
}

// goString quotes s as a raw string when it can, so patterns stay readable.
func goString(s string) string {
	if !strings.ContainsAny(s, "`\r") && strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}
