package authmsg

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecode: no input panics; every refusal is an InvalidError; whatever
// decodes is JSON (only the codec's own messages can, as the input must
// authenticate).
func FuzzDecode(f *testing.F) {
	c := codec(ring(f, key(1, 1), key(2, 2)))
	for _, m := range []*Message{{}, Build(typical())} {
		s, err := c.Encode(m, t0)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	f.Add("")
	f.Add("AAAA")
	f.Add("-not-a-message_")
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := c.Decode(context.Background(), s, t0)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("refusal %v is not ErrInvalid", err)
			}
			return
		}
		if !json.Valid([]byte(doc)) {
			t.Fatalf("decoded text is not JSON: %q", doc)
		}
	})
}
