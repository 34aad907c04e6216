package chunked

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"

	"github.com/stsd/stsd/internal/sigv4"
)

// Mode is the aws-chunked flavour a request announces in x-amz-content-sha256.
type Mode int

const (
	// Signed is STREAMING-AWS4-HMAC-SHA256-PAYLOAD: signed chunks, no trailer.
	Signed Mode = iota + 1
	// SignedTrailer is STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed
	// chunks, then a trailer with its own signature.
	SignedTrailer
	// UnsignedTrailer is STREAMING-UNSIGNED-PAYLOAD-TRAILER: unsigned
	// chunks, then an unsigned trailer carrying a checksum.
	UnsignedTrailer
)

// ModeOf maps an x-amz-content-sha256 value to its Mode; ok is false for
// any value that is not an aws-chunked one.
func ModeOf(contentSHA256 string) (m Mode, ok bool) {
	switch contentSHA256 {
	case sigv4.StreamingSignedPayload:
		return Signed, true
	case sigv4.StreamingSignedPayloadTrailer:
		return SignedTrailer, true
	case sigv4.StreamingUnsignedPayloadTrailer:
		return UnsignedTrailer, true
	}
	return 0, false
}

func (m Mode) signed() bool  { return m == Signed || m == SignedTrailer }
func (m Mode) trailer() bool { return m == SignedTrailer || m == UnsignedTrailer }

// Limits on what a Reader accepts.
const (
	// DefaultMaxChunkSize is the largest chunk accepted when
	// Config.MaxChunkSize is zero. SDKs send 64 KiB chunks; the bound keeps
	// the one buffered chunk from growing with a hostile size line.
	DefaultMaxChunkSize = 16 << 20
	// maxLine bounds a chunk header or trailer line (a chunk header with
	// its signature is under 100 bytes).
	maxLine = 4096
	// maxTrailerLines bounds the number of trailing header lines.
	maxTrailerLines = 8
)

// Config describes the body a Reader decodes, from the request's headers.
type Config struct {
	// Mode is the flavour announced by x-amz-content-sha256.
	Mode Mode
	// Seed chains the chunk signatures; required for the signed modes
	// (from sigv4.Request.StreamSeed), ignored otherwise.
	Seed sigv4.Seed
	// DecodedLength is x-amz-decoded-content-length: the decoded body
	// must be exactly this long.
	DecodedLength int64
	// Trailer is the x-amz-trailer header: the name of the checksum the
	// trailer carries (e.g. x-amz-checksum-crc32). Required for the
	// trailer modes, refused for Signed.
	Trailer string
	// MaxChunkSize bounds a chunk's data (default DefaultMaxChunkSize).
	MaxChunkSize int
}

// Reader is an io.Reader of the decoded, verified body. It is not safe for
// concurrent use.
type Reader struct {
	br       *bufio.Reader
	cfg      Config
	maxChunk int

	mac    hash.Hash // HMAC-SHA256 with the signing key; nil when unsigned
	prev   [2 * sha256.Size]byte
	sts    []byte // scratch for strings to sign
	macOut [sha256.Size]byte
	digest hash.Hash
	alg    checksumAlg

	buf   []byte // current chunk's verified data
	off   int
	total int64
	err   error // sticky: io.EOF once everything verified, or a refusal
}

// NewReader returns a Reader decoding body as cfg describes. It refuses a
// Config that does not fit its mode (a missing or unsupported trailer name,
// a negative decoded length).
func NewReader(body io.Reader, cfg Config) (*Reader, error) {
	if cfg.Mode < Signed || cfg.Mode > UnsignedTrailer {
		return nil, refuse(codeInvalidArgument, "x-amz-content-sha256 must be an aws-chunked streaming value.")
	}
	if cfg.DecodedLength < 0 {
		return nil, refuse(codeMissingContentLength, msgMissingDecodedLength)
	}
	r := &Reader{br: bufio.NewReaderSize(body, maxLine), cfg: cfg, maxChunk: cfg.MaxChunkSize}
	if r.maxChunk <= 0 {
		r.maxChunk = DefaultMaxChunkSize
	}
	switch {
	case cfg.Mode.trailer():
		alg, ok := lookupChecksum(cfg.Trailer)
		if !ok {
			return nil, refuse(codeInvalidRequest, msgBadTrailerHeader)
		}
		r.alg, r.digest = alg, alg.new()
	case cfg.Trailer != "":
		return nil, refuse(codeInvalidRequest, msgBadTrailerHeader)
	}
	if cfg.Mode.signed() {
		r.mac = hmac.New(sha256.New, cfg.Seed.Key[:])
		hex.Encode(r.prev[:], cfg.Seed.Signature[:])
		r.sts = make([]byte, 0, 512)
	}
	return r, nil
}

// Read implements io.Reader. It returns io.EOF only after the final chunk,
// the trailer and the decoded length have all verified.
func (r *Reader) Read(p []byte) (int, error) {
	for r.off == len(r.buf) {
		if r.err != nil {
			return 0, r.err
		}
		r.err = r.next()
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// next reads, verifies and buffers one chunk; at the final chunk it checks
// the trailer, the length and the end of the body and returns io.EOF.
func (r *Reader) next() error {
	line, err := r.line()
	if err != nil {
		return err
	}
	size, sig, err := r.parseHeader(line)
	if err != nil {
		return err
	}
	if int64(size) > r.cfg.DecodedLength-r.total {
		return errLength()
	}
	if cap(r.buf) < size {
		r.buf = make([]byte, size)
	}
	r.buf, r.off = r.buf[:size], 0
	if _, err := io.ReadFull(r.br, r.buf); err != nil {
		r.buf = r.buf[:0]
		return errLength()
	}
	if r.mac != nil && !r.verifyChunk(sig) {
		r.buf = r.buf[:0]
		return errMismatch()
	}
	r.total += int64(size)
	if r.digest != nil {
		r.digest.Write(r.buf)
	}
	if size > 0 {
		return r.crlf()
	}
	if r.cfg.Mode.trailer() {
		if err := r.readTrailer(); err != nil {
			return err
		}
	} else if err := r.crlf(); err != nil {
		return err
	}
	if r.total != r.cfg.DecodedLength {
		return errLength()
	}
	if _, err := r.br.ReadByte(); err != io.EOF {
		return errMalformed()
	}
	return io.EOF
}

// line reads one CRLF-terminated line, without the CRLF.
func (r *Reader) line() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull:
		return nil, errMalformed()
	case err != nil:
		return nil, errLength()
	case len(line) < 2 || line[len(line)-2] != '\r':
		return nil, errMalformed()
	}
	return line[:len(line)-2], nil
}

func (r *Reader) crlf() error {
	line, err := r.line()
	if err != nil {
		return err
	}
	if len(line) != 0 {
		return errMalformed()
	}
	return nil
}

const sigExt = ";chunk-signature="

// parseHeader splits "hex-size[;chunk-signature=sig]"; the signature is
// required exactly in the signed modes.
func (r *Reader) parseHeader(line []byte) (size int, sig []byte, err error) {
	sizeHex := line
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		sizeHex = line[:i]
		if r.mac == nil || !bytes.HasPrefix(line[i:], []byte(sigExt)) {
			return 0, nil, errMalformed()
		}
		sig = line[i+len(sigExt):]
		if len(sig) != 2*sha256.Size {
			return 0, nil, errMalformed()
		}
	} else if r.mac != nil {
		return 0, nil, errMalformed()
	}
	// At most 8 hex digits: anything longer is above every limit anyway,
	// and the bound keeps the arithmetic from overflowing.
	if len(sizeHex) == 0 || len(sizeHex) > 8 {
		return 0, nil, errMalformed()
	}
	for _, c := range sizeHex {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, nil, errMalformed()
		}
		size = size<<4 | int(d)
	}
	if size > r.maxChunk {
		return 0, nil, errChunkTooLarge()
	}
	return size, sig, nil
}

// emptyHash is the hex SHA-256 of the empty string, the fifth line of a
// chunk's string to sign (it stands for the chunk's absent headers).
const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// verifyChunk checks sig against the chunk in r.buf:
// HMAC(key, "AWS4-HMAC-SHA256-PAYLOAD\n" + time + "\n" + scope + "\n" +
// previous signature + "\n" + emptyHash + "\n" + hex(sha256(data))),
// and on success makes sig the previous signature.
func (r *Reader) verifyChunk(sig []byte) bool {
	sum := sha256.Sum256(r.buf)
	return r.verify("AWS4-HMAC-SHA256-PAYLOAD", emptyHash, sum, sig)
}

func (r *Reader) verify(alg, extra string, sum [sha256.Size]byte, sig []byte) bool {
	s := append(r.sts[:0], alg...)
	s = append(s, '\n')
	s = append(s, r.cfg.Seed.Time...)
	s = append(s, '\n')
	s = append(s, r.cfg.Seed.Scope...)
	s = append(s, '\n')
	s = append(s, r.prev[:]...)
	s = append(s, '\n')
	if extra != "" {
		s = append(s, extra...)
		s = append(s, '\n')
	}
	s = hex.AppendEncode(s, sum[:])
	r.sts = s
	r.mac.Reset()
	r.mac.Write(s)
	// The MAC output lives in r so that the interface call does not make
	// it escape (one allocation per chunk otherwise).
	var wantHex [2 * sha256.Size]byte
	hex.Encode(wantHex[:], r.mac.Sum(r.macOut[:0]))
	if !hmac.Equal(wantHex[:], sig) {
		return false
	}
	r.prev = wantHex
	return true
}

// readTrailer reads the trailer after the final chunk: "name:value" lines
// and an empty line. The checksum line must name cfg.Trailer and match the
// decoded data; in SignedTrailer mode an x-amz-trailer-signature line must
// sign the checksum lines (each as "name:value\n") chained from the final
// chunk's signature.
func (r *Reader) readTrailer() error {
	var value []byte
	var sig []byte
	canon := make([]byte, 0, 128)
	for n := 0; ; n++ {
		line, err := r.line()
		if err != nil {
			return err
		}
		if len(line) == 0 {
			break
		}
		if n >= maxTrailerLines || sig != nil {
			return errTrailer()
		}
		name, val, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return errTrailer()
		}
		switch {
		case r.mac != nil && string(name) == "x-amz-trailer-signature":
			if len(val) != 2*sha256.Size {
				return errTrailer()
			}
			sig = append([]byte(nil), val...)
		case value == nil && string(bytes.ToLower(name)) == r.alg.header:
			value = append([]byte(nil), val...)
			canon = append(canon, r.alg.header...)
			canon = append(canon, ':')
			canon = append(canon, val...)
			canon = append(canon, '\n')
		default:
			return errTrailer()
		}
	}
	if value == nil {
		return errTrailer()
	}
	if r.mac != nil {
		if sig == nil {
			return errTrailer()
		}
		if !r.verify("AWS4-HMAC-SHA256-TRAILER", "", sha256.Sum256(canon), sig) {
			return errMismatch()
		}
	}
	return r.alg.check(r.digest, value)
}

// Checksum returns the trailer's checksum header name and its verified
// base64 value once Read has returned io.EOF, so that a gateway can carry
// it over to the store; ok is false before that or in Signed mode.
func (r *Reader) Checksum() (name, value string, ok bool) {
	if r.err != io.EOF || r.digest == nil {
		return "", "", false
	}
	return r.alg.header, r.alg.encode(r.digest), true
}

// DecodedLength returns the number of verified data bytes decoded so far.
func (r *Reader) DecodedLength() int64 { return r.total }
