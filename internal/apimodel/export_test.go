package apimodel

// ParseShapeType maps a model type name to a ShapeType; ok is false for a
// type this package does not know. Only the tests parse type names: the
// generator writes ShapeType constants.
func ParseShapeType(s string) (t ShapeType, ok bool) {
	for i, n := range typeNames {
		if n != "" && n == s {
			return ShapeType(i), true
		}
	}
	return 0, false
}
