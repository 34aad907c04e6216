package sqlstore

import (
	"reflect"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

func TestRebind(t *testing.T) {
	tests := []struct {
		numbered bool
		in, want string
	}{
		{false, "SELECT ? FROM t WHERE a = ?", "SELECT ? FROM t WHERE a = ?"},
		{true, "SELECT 1", "SELECT 1"},
		{true, "a = ? AND b = ?", "a = $1 AND b = $2"},
		{true, "?????????????", "$1$2$3$4$5$6$7$8$9$10$11$12$13"},
	}
	for _, tt := range tests {
		d := &Dialect{NumberedPlaceholders: tt.numbered}
		if got := d.rebind(tt.in); got != tt.want {
			t.Errorf("rebind(%q, numbered=%v) = %q, want %q", tt.in, tt.numbered, got, tt.want)
		}
	}
}

func TestTimeCodec(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		ok   bool
	}{
		{"zero", time.Time{}, true},
		{"nanos in a zone", time.Date(2024, 2, 29, 23, 0, 0, 1, time.FixedZone("z", -7*3600)), true},
		{"year 9999", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year 0", time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		s, err := encTime(tt.in)
		if (err == nil) != tt.ok {
			t.Fatalf("%s: encTime err = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if !tt.ok {
			continue
		}
		got, err := decTime(s)
		if err != nil || !got.Equal(tt.in) || (!got.IsZero() && got.Location() != time.UTC) {
			t.Fatalf("%s: round trip %q -> %v, %v", tt.name, s, got, err)
		}
	}
	if _, err := decTime("yesterday"); err == nil {
		t.Fatal("decTime accepted garbage")
	}
}

func TestTagCodec(t *testing.T) {
	for _, tags := range [][]store.Tag{nil, {{Key: "a", Value: ""}}, {{Key: "Z", Value: "1"}, {Key: "a", Value: `"quoted" \ <x>`}}} {
		got, err := decTags(encTags(tags))
		if err != nil || !reflect.DeepEqual(got, tags) {
			t.Fatalf("tags %v round trip = %v, %v", tags, got, err)
		}
	}
	if _, err := decTags("{"); err == nil {
		t.Fatal("decTags accepted garbage")
	}
	for _, ss := range [][]string{nil, {"a"}, {"", "b"}} {
		got, err := decStrings(encStrings(ss))
		if err != nil || !reflect.DeepEqual(got, ss) {
			t.Fatalf("strings %v round trip = %v, %v", ss, got, err)
		}
	}
}

// FuzzDecode feeds arbitrary stored text to the column decoders: a corrupt
// row must give an error, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add(`[{"k":"a","v":"b"}]`)
	f.Add("2024-05-06T07:08:09.123456789Z")
	f.Add(`["x","y"]`)
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if tags, err := decTags(s); err == nil {
			if again, err := decTags(encTags(tags)); err != nil || !reflect.DeepEqual(again, tags) {
				t.Fatalf("tags re-encode of %q: %v", s, err)
			}
		}
		if tm, err := decTime(s); err == nil {
			if enc, err := encTime(tm); err == nil {
				if back, err := decTime(enc); err != nil || !back.Equal(tm) {
					t.Fatalf("time re-encode of %q: %v", s, err)
				}
			}
		}
		_, _ = decStrings(s)
		d := &Dialect{NumberedPlaceholders: true}
		_ = d.rebind(s)
	})
}
