package chunked

import (
	"bytes"
	"encoding/base64"
	"errors"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/sigv4"
)

// TestDocExample decodes the PUT Object example of
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// (section "Example: PUT Object"): the request's seed signature, the two
// data chunks (65536 and 1024 bytes of 'a') and the final chunk, with the
// signatures the page lists.
func TestDocExample(t *testing.T) {
	req, err := http.NewRequest(http.MethodPut, "https://s3.amazonaws.com/examplebucket/chunkObject.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Date", "20130524T000000Z")
	req.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	req.Header.Set("X-Amz-Content-Sha256", sigv4.StreamingSignedPayload)
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	req.Header.Set("Content-Length", "66824")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
		"Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
	parsed, err := sigv4.ParseHashed(req, sigv4.StreamingSignedPayload, docTime, sigv4.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seed, err := parsed.StreamSeed(docSecret, nil)
	if err != nil {
		t.Fatalf("seed signature: %v", err)
	}
	var body bytes.Buffer
	body.WriteString("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n")
	body.Write(bytes.Repeat([]byte{'a'}, 65536))
	body.WriteString("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n")
	body.Write(bytes.Repeat([]byte{'a'}, 1024))
	body.WriteString("\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n")
	if body.Len() != 66824 {
		t.Fatalf("example body is %d bytes, the page's Content-Length is 66824", body.Len())
	}
	got, _, err := decode(t, body.Bytes(), Config{Mode: Signed, Seed: seed, DecodedLength: 66560})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.Repeat([]byte{'a'}, 66560)) {
		t.Fatalf("decoded %d bytes, not the example's data", len(got))
	}
	// The same body against a different seed must not verify.
	seed.Signature[0] ^= 1
	if _, _, err := decode(t, body.Bytes(), Config{Mode: Signed, Seed: seed, DecodedLength: 66560}); code(t, err) != "SignatureDoesNotMatch" {
		t.Fatalf("wrong seed: got %v", err)
	}
}

// TestCRC64NVME checks the polynomial against the CRC-64/NVME check value
// (CRC of "123456789"), the vector of the AWS Common Runtime's S3 checksum
// tests (awslabs/aws-c-s3 tests/s3_checksums_crc64nvme_tests.c: ten 'a'
// give 0x0C1A80036D65C555), and AWS's trailer encoding of it.
func TestCRC64NVME(t *testing.T) {
	for in, want := range map[string]uint64{"123456789": 0xae8b14860a799888, "aaaaaaaaaa": 0x0c1a80036d65c555} {
		h := crc64.New(crc64.MakeTable(crc64NVME))
		h.Write([]byte(in))
		if got := h.Sum64(); got != want {
			t.Fatalf("crc64nvme(%q) = %#x, want %#x", in, got, want)
		}
	}
	alg, _ := lookupChecksum("x-amz-checksum-crc64nvme")
	h2 := alg.new()
	h2.Write([]byte("123456789"))
	want := base64.StdEncoding.EncodeToString([]byte{0xae, 0x8b, 0x14, 0x86, 0x0a, 0x79, 0x98, 0x88})
	if got := alg.encode(h2); got != want {
		t.Fatalf("encoded %s, want %s", got, want)
	}
}

var checksums = []string{
	"x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme",
	"x-amz-checksum-sha1", "x-amz-checksum-sha256",
}

// TestRoundTrip decodes SDK-signed bodies in every mode and checksum, at
// sizes around the chunk boundaries.
func TestRoundTrip(t *testing.T) {
	for _, mode := range []Mode{Signed, SignedTrailer, UnsignedTrailer} {
		trailers := checksums
		if mode == Signed {
			trailers = []string{""}
		}
		for _, trailer := range trailers {
			for _, n := range []int{0, 1, 8191, 8192, 8193, 3*8192 + 5} {
				data := pattern(n)
				seed := sdkSeed(t, mode, n, trailer)
				body := encode(t, encoding{mode: mode, seed: seed, chunk: 8192, trailer: trailer}, data)
				got, r, err := decode(t, body, Config{Mode: mode, Seed: seed, DecodedLength: int64(n), Trailer: trailer})
				if err != nil {
					t.Fatalf("%s %s %d: %v", modeValue[mode], trailer, n, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("%s %s %d: decoded data differs", modeValue[mode], trailer, n)
				}
				name, _, ok := r.Checksum()
				if ok != (trailer != "") || name != trailer {
					t.Fatalf("%s %s: Checksum() = %q, %v", modeValue[mode], trailer, name, ok)
				}
				if r.DecodedLength() != int64(n) {
					t.Fatalf("DecodedLength = %d", r.DecodedLength())
				}
			}
		}
	}
}

func TestModeOf(t *testing.T) {
	for m, v := range modeValue {
		if got, ok := ModeOf(v); !ok || got != m {
			t.Errorf("ModeOf(%s) = %v, %v", v, got, ok)
		}
	}
	for _, v := range []string{"", sigv4.UnsignedPayload, "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", strings.Repeat("0", 64)} {
		if _, ok := ModeOf(v); ok {
			t.Errorf("ModeOf(%q) accepted", v)
		}
	}
}

func TestConfigRefusals(t *testing.T) {
	cases := []struct {
		name   string
		cfg    Config
		code   string
		status int
	}{
		{"no mode", Config{}, "InvalidArgument", 400},
		{"negative length", Config{Mode: Signed, DecodedLength: -1}, "MissingContentLength", 411},
		{"trailer without trailer mode", Config{Mode: Signed, Trailer: "x-amz-checksum-crc32"}, "InvalidRequest", 400},
		{"trailer mode without trailer", Config{Mode: UnsignedTrailer}, "InvalidRequest", 400},
		{"unknown checksum", Config{Mode: SignedTrailer, Trailer: "x-amz-checksum-md5"}, "InvalidRequest", 400},
	}
	for _, c := range cases {
		_, err := NewReader(strings.NewReader(""), c.cfg)
		if got := code(t, err); got != c.code {
			t.Errorf("%s: code %q, want %q", c.name, got, c.code)
			continue
		}
		if st := statusOf(err); st != c.status {
			t.Errorf("%s: status %d, want %d", c.name, st, c.status)
		}
	}
}

// tamper is one alteration of a valid body or of its Config.
type tamper struct {
	name string
	edit func(body []byte) []byte
	cfg  func(*Config)
	code string // "" when any refusal will do
	// released bounds how many data bytes may come out before the error:
	// the chunks verified before the altered one.
	released int
}

const tamperLen, tamperChunk = 3*1000 + 17, 1000

func flipAt(i int) func([]byte) []byte {
	return func(b []byte) []byte { b = bytes.Clone(b); b[i] ^= 0x01; return b }
}

// framingCases apply to every mode; hdr is the length of a chunk header
// line in the mode's layout.
func framingCases(hdr int) []tamper {
	const n, chunk = tamperLen, tamperChunk
	return []tamper{
		{"size digit", func(b []byte) []byte { b = bytes.Clone(b); b[0] = '4'; return b }, nil, "", 0},
		{"truncated in data", func(b []byte) []byte { return b[:hdr+chunk/2] }, nil, "IncompleteBody", 0},
		{"truncated at the end", func(b []byte) []byte { return b[:len(b)-3] }, nil, "", n},
		{"extended", func(b []byte) []byte { return append(bytes.Clone(b), 'x') }, nil, "InvalidRequest", n},
		{"extended by a line", func(b []byte) []byte { return append(bytes.Clone(b), "\r\n"...) }, nil, "", n},
		{"decoded length too large", nil, func(c *Config) { c.DecodedLength++ }, "IncompleteBody", n},
		{"decoded length too small", nil, func(c *Config) { c.DecodedLength-- }, "IncompleteBody", 3 * chunk},
		{"chunk above limit", nil, func(c *Config) { c.MaxChunkSize = chunk - 1 }, "EntityTooLarge", 0},
		{"CR missing", func(b []byte) []byte {
			return bytes.Replace(b, []byte("\r\n"), []byte("\n"), 1)
		}, nil, "InvalidRequest", 0},
		{"data not followed by CRLF", func(b []byte) []byte {
			b = bytes.Clone(b)
			b[hdr+chunk] = 'x'
			return b
		}, nil, "InvalidRequest", chunk},
		{"size line too long", func(b []byte) []byte {
			return append([]byte(strings.Repeat("0", 5000)), b...)
		}, nil, "InvalidRequest", 0},
		{"size not hex", func(b []byte) []byte { return append([]byte("x"), b...) }, nil, "InvalidRequest", 0},
	}
}

// signedCases alter what the chunk signatures cover.
func signedCases(hdr int) []tamper {
	const chunk = tamperChunk
	frame := hdr + chunk + 2
	return []tamper{
		{"data byte in first chunk", flipAt(hdr + 10), nil, "SignatureDoesNotMatch", 0},
		{"data byte in second chunk", flipAt(frame + hdr + 500), nil, "SignatureDoesNotMatch", chunk},
		{"signature digit", flipAt(hdr - 4), nil, "SignatureDoesNotMatch", 0},
		{"final signature digit", nil, nil, "SignatureDoesNotMatch", tamperLen},
		{"signature missing", func(b []byte) []byte {
			return append([]byte("3e8\r\n"), b[hdr:]...)
		}, nil, "InvalidRequest", 0},
		{"wrong key", nil, func(c *Config) { c.Seed.Key[0] ^= 1 }, "SignatureDoesNotMatch", 0},
		{"wrong seed", nil, func(c *Config) { c.Seed.Signature[0] ^= 1 }, "SignatureDoesNotMatch", 0},
		{"chunks reordered", func(b []byte) []byte {
			out := append([]byte(nil), b[frame:2*frame]...)
			out = append(out, b[:frame]...)
			return append(out, b[2*frame:]...)
		}, nil, "SignatureDoesNotMatch", 0},
		{"chunk dropped", func(b []byte) []byte { return append(bytes.Clone(b[:frame]), b[2*frame:]...) }, nil, "SignatureDoesNotMatch", chunk},
	}
}

// trailerCases alter the trailer.
func trailerCases(signed bool) []tamper {
	const n = tamperLen
	cases := []tamper{
		{"wrong checksum", nil, nil, "BadDigest", n},
		{"checksum not base64", nil, nil, "MalformedTrailerError", n},
		{"trailer name differs from x-amz-trailer", nil, func(c *Config) { c.Trailer = "x-amz-checksum-crc32c" }, "MalformedTrailerError", n},
		{"trailer missing", func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte("x-amz-checksum"))
			return append(bytes.Clone(b[:i]), "\r\n"...)
		}, nil, "MalformedTrailerError", n},
		{"trailer line without colon", func(b []byte) []byte {
			return bytes.Replace(b, []byte("x-amz-checksum-crc32:"), []byte("x-amz-checksum-crc32="), 1)
		}, nil, "MalformedTrailerError", n},
		{"trailer truncated", func(b []byte) []byte { return b[:len(b)-2] }, nil, "IncompleteBody", n},
	}
	if !signed {
		return append(cases, tamper{"data byte", flipAt(len("3e8\r\n") + 10), nil, "BadDigest", n})
	}
	return append(cases,
		tamper{"trailer signature digit", func(b []byte) []byte { return flipAt(len(b) - 5)(b) }, nil, "SignatureDoesNotMatch", n},
		tamper{"trailer value changed", func(b []byte) []byte {
			i := bytes.Index(b, []byte("x-amz-checksum-crc32:")) + len("x-amz-checksum-crc32:")
			return flipAt(i)(b)
		}, nil, "", n},
		tamper{"trailer signature missing", func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte("x-amz-trailer-signature"))
			return append(bytes.Clone(b[:i]), "\r\n"...)
		}, nil, "MalformedTrailerError", n},
	)
}

// TestTamper alters valid bodies and checks that each is refused with
// S3's code and that nothing from the altered chunk on was released.
func TestTamper(t *testing.T) {
	data := pattern(tamperLen)
	for _, mode := range []Mode{Signed, SignedTrailer, UnsignedTrailer} {
		trailer := "x-amz-checksum-crc32"
		if mode == Signed {
			trailer = ""
		}
		hdr := len("3e8\r\n")
		if mode.signed() {
			hdr += len(";chunk-signature=") + 64
		}
		cases := framingCases(hdr)
		if mode.signed() {
			cases = append(cases, signedCases(hdr)...)
		}
		if mode.trailer() {
			cases = append(cases, trailerCases(mode.signed())...)
		}
		seed := sdkSeed(t, mode, tamperLen, trailer)
		for _, c := range cases {
			enc := encoding{mode: mode, seed: seed, chunk: tamperChunk, trailer: trailer}
			switch c.name {
			case "wrong checksum":
				enc.sum = "AAAAAA=="
			case "checksum not base64":
				enc.sum = "!!"
			}
			body := encode(t, enc, data)
			if c.name == "final signature digit" {
				i := bytes.LastIndex(body, []byte("0;chunk-signature=")) + len("0;chunk-signature=")
				body = flipAt(i)(body)
			}
			if c.edit != nil {
				body = c.edit(body)
			}
			cfg := Config{Mode: mode, Seed: seed, DecodedLength: tamperLen, Trailer: trailer}
			if c.cfg != nil {
				c.cfg(&cfg)
			}
			got, _, err := decode(t, body, cfg)
			if err == nil {
				t.Errorf("%s/%s: accepted", modeValue[mode], c.name)
				continue
			}
			if got := code(t, err); c.code != "" && got != c.code {
				t.Errorf("%s/%s: code %q (%v), want %q", modeValue[mode], c.name, got, err, c.code)
			}
			if mode == UnsignedTrailer {
				// Nothing signs unsigned chunks: their bytes flow as they
				// come and only the trailer's checksum, at the end, can
				// refuse them. What matters is that the body ends in an
				// error rather than io.EOF.
				continue
			}
			if !bytes.HasPrefix(data, got) || len(got) > c.released {
				t.Errorf("%s/%s: released %d bytes, at most %d verified", modeValue[mode], c.name, len(got), c.released)
			}
		}
	}
}

func statusOf(err error) int {
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae.HTTPStatus
	}
	return 0
}

// TestReadSmallBuffer reads with a 7-byte buffer to cover partial copies.
func TestReadSmallBuffer(t *testing.T) {
	data := pattern(5000)
	seed := sdkSeed(t, SignedTrailer, len(data), "x-amz-checksum-sha256")
	body := encode(t, encoding{mode: SignedTrailer, seed: seed, chunk: 1024, trailer: "x-amz-checksum-sha256"}, data)
	r, err := NewReader(bytes.NewReader(body), Config{Mode: SignedTrailer, Seed: seed, DecodedLength: int64(len(data)), Trailer: "X-Amz-Checksum-SHA256"})
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 7)
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatal("data differs")
	}
	_, v, ok := r.Checksum()
	if !ok || v == "" {
		t.Fatal("no checksum after EOF")
	}
}
