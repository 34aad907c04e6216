package dictflate

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// TestDecompressBound: a stream announcing more than the bound, or less or
// more than its stream holds, is refused.
func TestDecompressBound(t *testing.T) {
	const max = 64 << 10
	p := New("{\"a\":", max)
	doc := []byte(strings.Repeat(`{"a":1}`, 100))
	z := p.Compress(1, doc)
	if got, err := p.Decompress(z[1:]); err != nil || !bytes.Equal(got, doc) {
		t.Fatalf("decompress = %q, %v", got, err)
	}
	stream := z[1+len(binary.AppendUvarint(nil, uint64(len(doc)))):]
	for _, n := range []uint64{0, uint64(len(doc)) - 1, uint64(len(doc)) + 1, max + 1} {
		bad := append(binary.AppendUvarint([]byte{}, n), stream...)
		if _, err := p.Decompress(bad); err == nil {
			t.Errorf("announced length %d of %d accepted", n, len(doc))
		}
	}
}
