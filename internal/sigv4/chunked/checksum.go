package chunked

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strings"
)

// crc64NVME is the CRC-64/NVME polynomial in the reversed (LSB-first) form
// hash/crc64 expects; its normal form is 0xad93d23594c93659.
const crc64NVME = 0x9a6c9329ac4bc9b5

// checksumAlg is one of the trailing checksums S3 accepts, named by its
// header; its value is the base64 of the big-endian digest. See
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
type checksumAlg struct {
	header string // lower-case x-amz-checksum-* name
	label  string // as S3 names it in BadDigest messages
	new    func() hash.Hash
}

var (
	crc32cTable = crc32.MakeTable(crc32.Castagnoli)
	crc64Table  = crc64.MakeTable(crc64NVME)
)

// lookupChecksum maps an x-amz-trailer value to its algorithm.
func lookupChecksum(name string) (checksumAlg, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "x-amz-checksum-crc32":
		return checksumAlg{"x-amz-checksum-crc32", "CRC32", func() hash.Hash { return crc32.NewIEEE() }}, true
	case "x-amz-checksum-crc32c":
		return checksumAlg{"x-amz-checksum-crc32c", "CRC32C", func() hash.Hash { return crc32.New(crc32cTable) }}, true
	case "x-amz-checksum-crc64nvme":
		return checksumAlg{"x-amz-checksum-crc64nvme", "CRC64NVME", func() hash.Hash { return crc64.New(crc64Table) }}, true
	case "x-amz-checksum-sha1":
		return checksumAlg{"x-amz-checksum-sha1", "SHA1", sha1.New}, true
	case "x-amz-checksum-sha256":
		return checksumAlg{"x-amz-checksum-sha256", "SHA256", sha256.New}, true
	}
	return checksumAlg{}, false
}

func (a checksumAlg) encode(h hash.Hash) string {
	var buf [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(h.Sum(buf[:0]))
}

// check compares the trailer's base64 value with the digest of the data.
func (a checksumAlg) check(h hash.Hash, value []byte) error {
	var buf [sha256.Size]byte
	got := h.Sum(buf[:0])
	want, err := base64.StdEncoding.DecodeString(string(value))
	if err != nil || len(want) != len(got) {
		return errTrailer()
	}
	if subtle.ConstantTimeCompare(want, got) != 1 {
		return errBadDigest(a.label)
	}
	return nil
}
