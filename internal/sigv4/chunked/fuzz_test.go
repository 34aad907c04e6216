package chunked

import (
	"bytes"
	"testing"
)

// FuzzChunked decodes arbitrary bodies in every mode. Besides never
// panicking, a body may only succeed if it is genuine: in the signed modes
// the decoded data must be the data the seed corpus signed (the chained
// signatures leave no other success), and in the unsigned mode the
// trailer's checksum must be that of the decoded data.
func FuzzChunked(f *testing.F) {
	data := pattern(300)
	const trailer = "x-amz-checksum-crc32c"
	seeds := map[Mode]encoding{}
	for _, mode := range []Mode{Signed, SignedTrailer, UnsignedTrailer} {
		tr := trailer
		if mode == Signed {
			tr = ""
		}
		e := encoding{mode: mode, seed: sdkSeed(f, mode, len(data), tr), chunk: 128, trailer: tr}
		seeds[mode] = e
		f.Add(uint8(mode), encode(f, e, data))
	}
	f.Add(uint8(UnsignedTrailer), []byte("0\r\nx-amz-checksum-crc32c:AAAAAA==\r\n\r\n"))
	f.Fuzz(func(t *testing.T, m uint8, body []byte) {
		mode := Mode(m%3) + Signed
		e := seeds[mode]
		cfg := Config{Mode: mode, Seed: e.seed, DecodedLength: int64(len(data)), Trailer: e.trailer, MaxChunkSize: 1 << 10}
		if mode == UnsignedTrailer {
			cfg.DecodedLength = int64(len(body)) % 512
		}
		got, r, err := decode(t, body, cfg)
		if err != nil {
			code(t, err) // an *apierr.Error
			return
		}
		if int64(len(got)) != cfg.DecodedLength {
			t.Fatalf("success with %d bytes, decoded length %d", len(got), cfg.DecodedLength)
		}
		if mode.signed() {
			if !bytes.Equal(got, data) {
				t.Fatalf("signed body accepted with data the seed never signed")
			}
			return
		}
		alg, _ := lookupChecksum(trailer)
		h := alg.new()
		h.Write(got)
		if _, v, ok := r.Checksum(); !ok || v != alg.encode(h) {
			t.Fatalf("unsigned body accepted with checksum %q, data's is %q", v, alg.encode(h))
		}
	})
}
