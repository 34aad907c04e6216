package apimodel

import (
	"encoding/xml"
	"testing"
	"time"
)

func TestAppendText(t *testing.T) {
	cases := map[string]string{
		"plain":          "plain",
		`<a & 'b' "c">`:  `&lt;a &amp; 'b' "c"&gt;`,
		"cr\rlf\n":       "cr&#xD;lf\n",
		"bad\xffutf8":    "bad\uFFFDutf8",
		"ctl\x01":        "ctl\uFFFD",
		"emoji 😀":        "emoji 😀",
		"":               "",
		"\uFFFE nonchar": "\uFFFD nonchar",
	}
	for in, want := range cases {
		got := string(AppendText(nil, in))
		if got != want {
			t.Errorf("AppendText(%q) = %q, want %q", in, got, want)
		}
		var v struct {
			S string `xml:",chardata"`
		}
		if err := xml.Unmarshal([]byte("<x>"+got+"</x>"), &v); err != nil {
			t.Errorf("AppendText(%q) is not well-formed: %v", in, err)
		}
	}
}

func TestAppendTimestamp(t *testing.T) {
	loc := time.FixedZone("x", 2*3600)
	cases := []struct {
		t    time.Time
		want string
	}{
		// AWS writes e.g. <Expiration>2011-07-15T23:28:33.359Z</Expiration>.
		{time.Date(2011, 7, 15, 23, 28, 33, 359e6, time.UTC), "2011-07-15T23:28:33.359Z"},
		{time.Date(2011, 7, 15, 23, 28, 33, 0, time.UTC), "2011-07-15T23:28:33Z"},
		{time.Date(2011, 7, 16, 1, 28, 33, 0, loc), "2011-07-15T23:28:33Z"},
		{time.Date(2011, 7, 15, 23, 28, 33, 500, time.UTC), "2011-07-15T23:28:33Z"},
	}
	for _, c := range cases {
		if got := string(AppendTimestamp(nil, c.t)); got != c.want {
			t.Errorf("AppendTimestamp(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestSortedKeys(t *testing.T) {
	k := SortedKeys(map[string]int{"b": 1, "a": 2, "c": 3})
	if len(k) != 3 || k[0] != "a" || k[2] != "c" {
		t.Errorf("SortedKeys = %v", k)
	}
	if string(AppendBase64(nil, []byte("hi"))) != "aGk=" {
		t.Error("AppendBase64")
	}
}
