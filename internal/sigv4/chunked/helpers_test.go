package chunked

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/sigv4"
)

// The AWS documentation's example credentials and time
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html).
const (
	docAKID   = "AKIAIOSFODNN7EXAMPLE"
	docSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	region    = "us-east-1"
)

var docTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

var modeValue = map[Mode]string{
	Signed:          sigv4.StreamingSignedPayload,
	SignedTrailer:   sigv4.StreamingSignedPayloadTrailer,
	UnsignedTrailer: sigv4.StreamingUnsignedPayloadTrailer,
}

// sdkSeed signs a PUT announcing mode with the SDK's v4 signer, then parses
// and verifies it with sigv4 to get the seed a gateway would have.
func sdkSeed(t testing.TB, mode Mode, decoded int, trailer string) sigv4.Seed {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, "https://s3.amazonaws.com/examplebucket/chunkObject.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Content-Sha256", modeValue[mode])
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(decoded))
	if trailer != "" {
		req.Header.Set("X-Amz-Trailer", trailer)
	}
	creds := aws.Credentials{AccessKeyID: docAKID, SecretAccessKey: docSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, modeValue[mode], "s3", region, docTime); err != nil {
		t.Fatal(err)
	}
	parsed, err := sigv4.ParseHashed(req, modeValue[mode], docTime, sigv4.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seed, err := parsed.StreamSeed(docSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// encoding describes a body for encode.
type encoding struct {
	mode    Mode
	seed    sigv4.Seed
	chunk   int    // data bytes per chunk
	trailer string // checksum header name, for the trailer modes
	sum     string // overrides the trailer's checksum value when set
}

// encode builds an aws-chunked body. Chunk signatures come from the SDK's
// stream signer, whose string to sign with empty headers is the chunk's
// (its fifth line is the hash of the empty header block). The SDK exposes
// no trailer signer, so the trailer signature follows the documented
// AWS4-HMAC-SHA256-TRAILER string to sign.
func encode(t testing.TB, e encoding, data []byte) []byte {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: docAKID, SecretAccessKey: docSecret}
	ss := v4.NewStreamSigner(creds, "s3", region, e.seed.Signature[:])
	prev := hex.EncodeToString(e.seed.Signature[:])
	var out bytes.Buffer
	for off := 0; ; {
		n := min(e.chunk, len(data)-off)
		chunk := data[off : off+n]
		out.WriteString(strconv.FormatInt(int64(n), 16))
		if e.mode.signed() {
			sig, err := ss.GetSignature(context.Background(), nil, chunk, docTime)
			if err != nil {
				t.Fatal(err)
			}
			prev = hex.EncodeToString(sig)
			out.WriteString(";chunk-signature=" + prev)
		}
		out.WriteString("\r\n")
		out.Write(chunk)
		off += n
		if n == 0 {
			break
		}
		out.WriteString("\r\n")
	}
	if !e.mode.trailer() {
		out.WriteString("\r\n")
		return out.Bytes()
	}
	alg, ok := lookupChecksum(e.trailer)
	if !ok {
		t.Fatalf("no checksum %q", e.trailer)
	}
	h := alg.new()
	h.Write(data)
	sum := alg.encode(h)
	if e.sum != "" {
		sum = e.sum
	}
	line := e.trailer + ":" + sum
	out.WriteString(line + "\r\n")
	if e.mode.signed() {
		digest := sha256.Sum256([]byte(line + "\n"))
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + e.seed.Time + "\n" + e.seed.Scope + "\n" + prev + "\n" + hex.EncodeToString(digest[:])
		m := hmac.New(sha256.New, e.seed.Key[:])
		m.Write([]byte(sts))
		out.WriteString("x-amz-trailer-signature:" + hex.EncodeToString(m.Sum(nil)) + "\r\n")
	}
	out.WriteString("\r\n")
	return out.Bytes()
}

// decode reads body through a Reader and returns what it released.
func decode(t testing.TB, body []byte, cfg Config) ([]byte, *Reader, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(body), cfg)
	if err != nil {
		return nil, nil, err
	}
	got, err := io.ReadAll(r)
	return got, r, err
}

// code returns the S3 error code of err, or "" for nil.
func code(t testing.TB, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *apierr.Error", err)
	}
	return ae.Code
}

func pattern(n int) []byte {
	return []byte(strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz", n/36+1)[:n])
}
