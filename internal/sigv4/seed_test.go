package sigv4

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stsd/stsd/internal/apierr"
)

// TestStreamSeed signs S3 PUTs announcing each streaming payload with the
// SDK's signer and checks that ParseHashed accepts exactly the announced
// value and StreamSeed hands out the seed only for the right secret.
func TestStreamSeed(t *testing.T) {
	for _, mode := range []string{StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer} {
		req, err := http.NewRequest(http.MethodPut, "https://examplebucket.s3.amazonaws.com/key", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Content-Sha256", mode)
		creds := aws.Credentials{AccessKeyID: sdkAKID, SecretAccessKey: sdkSecret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, mode, "s3", "us-east-1", sdkTime); err != nil {
			t.Fatal(err)
		}
		// A streaming value the caller did not pass is refused as an
		// unaccepted payload, as UNSIGNED-PAYLOAD is.
		other := StreamingSignedPayload
		if mode == other {
			other = StreamingUnsignedPayloadTrailer
		}
		var ae *apierr.Error
		if _, err := ParseHashed(req, other, sdkTime, Options{}); !errors.As(err, &ae) || ae.Code != CodeInvalidArgument {
			t.Fatalf("%s parsed as %s: %v", mode, other, err)
		}
		r, err := ParseHashed(req, mode, sdkTime, Options{})
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if _, err := r.StreamSeed("wrong"+sdkSecret, nil); !errors.As(err, &ae) || ae.Code != apierr.SignatureDoesNotMatch {
			t.Fatalf("%s: wrong secret gave %v", mode, err)
		}
		seed, err := r.StreamSeed(sdkSecret, NewKeyCache(4))
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if seed.Time != "20260301T100000Z" || seed.Scope != "20260301/us-east-1/s3/aws4_request" {
			t.Fatalf("seed time %q scope %q", seed.Time, seed.Scope)
		}
		if got := hex.EncodeToString(seed.Signature[:]); req.Header.Get("Authorization")[len(req.Header.Get("Authorization"))-64:] != got {
			t.Fatalf("seed signature %s is not the request's", got)
		}
		if seed.Key != deriveKey(sdkSecret, "20260301", "us-east-1", "s3") {
			t.Fatal("seed key is not the scope's signing key")
		}
	}
}
