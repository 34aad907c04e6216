// Package chunked decodes S3 request bodies sent in aws-chunked encoding
// and verifies them as it streams: per-chunk signatures chained from the
// request's seed signature (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), trailing
// checksums (STREAMING-UNSIGNED-PAYLOAD-TRAILER) and both together with a
// signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER).
//
// The formats are AWS's, from
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// (chunk framing and the AWS4-HMAC-SHA256-PAYLOAD string to sign) and
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
// (trailer chunk and the AWS4-HMAC-SHA256-TRAILER string to sign).
//
// A Reader buffers one chunk at a time (at most Config.MaxChunkSize bytes)
// and hands a chunk's bytes to its caller only after that chunk's signature
// has verified. Whole-body properties (the decoded length, the trailing
// checksum and its signature) can only be known at the end, so a Reader
// returns io.EOF only when they hold too; any other error means the body
// must be discarded (a forwarding gateway aborts its upstream request).
// Every refusal is an *apierr.Error with S3's code.
package chunked
