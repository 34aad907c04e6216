package policy

import (
	"slices"
	"testing"
)

// TestContextReuse checks that SetValue is Set of one value, that Reset
// forgets every key, and that a reset context refills without allocating.
func TestContextReuse(t *testing.T) {
	var c Context
	c.SetList("aws:TagKeys", "a", "b")
	c.SetValue("AWS:TagKeys", "c") // replaces, and is no longer a list
	if v, ok := c.Get("aws:tagkeys"); !ok || !slices.Equal(v, []string{"c"}) || c.isList("aws:tagkeys") {
		t.Fatalf("after SetValue: %v %v list=%v", v, ok, c.isList("aws:tagkeys"))
	}
	c.SetValue("aws:username", "alice")
	c.Reset()
	if c.Len() != 0 {
		t.Fatalf("Len after Reset = %d", c.Len())
	}
	keys := []string{"aws:username", "aws:userid", "aws:principalarn", "aws:sourceip", "aws:currenttime",
		"aws:epochtime", "aws:securetransport", "aws:principaltype", "aws:principalaccount", "aws:useragent"}
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = k + "-value"
	}
	fill := func() {
		c.Reset()
		for i, k := range keys {
			c.SetValue(k, values[i])
		}
	}
	fill()
	if v, _ := c.Get("aws:SourceIp"); !slices.Equal(v, []string{"aws:sourceip-value"}) {
		t.Fatalf("aws:SourceIp = %v", v)
	}
	if n := testing.AllocsPerRun(50, fill); n != 0 {
		t.Errorf("refilling a reset context allocates %v times", n)
	}
}
