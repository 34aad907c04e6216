package chunked

import (
	"bytes"
	"io"
	"testing"
)

// BenchmarkDecode decodes a 1 MiB body sent in 64 KiB chunks, the SDKs'
// chunk size, in each mode.
func BenchmarkDecode(b *testing.B) {
	const size, chunk = 1 << 20, 64 << 10
	data := pattern(size)
	for _, c := range []struct {
		name    string
		mode    Mode
		trailer string
	}{
		{"signed", Signed, ""},
		{"signed-trailer-crc32", SignedTrailer, "x-amz-checksum-crc32"},
		{"unsigned-trailer-crc32", UnsignedTrailer, "x-amz-checksum-crc32"},
		{"unsigned-trailer-crc64nvme", UnsignedTrailer, "x-amz-checksum-crc64nvme"},
	} {
		b.Run(c.name, func(b *testing.B) {
			seed := sdkSeed(b, c.mode, size, c.trailer)
			body := encode(b, encoding{mode: c.mode, seed: seed, chunk: chunk, trailer: c.trailer}, data)
			cfg := Config{Mode: c.mode, Seed: seed, DecodedLength: size, Trailer: c.trailer}
			src := bytes.NewReader(body)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				src.Reset(body)
				r, err := NewReader(src, cfg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
