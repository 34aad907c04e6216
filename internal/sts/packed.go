package sts

import (
	"bytes"
	"compress/flate"

	"github.com/stsd/stsd/internal/apimodel/stsapi"
)

// packedLimit is the packed space session policies and session tags may
// take, in compressed bytes. AWS does not publish its limit, only that "the
// request fails if the packed size is greater than 100 percent" (STS API
// reference, AssumeRole, PackedPolicySize). stsd's is chosen so that a
// session within it always fits the 4 KiB session token with room for the
// rest of the claims.
const packedLimit = 2048

// packedPercent returns the packed size of the session policy, managed
// session policy ARNs and session tags as a percentage of packedLimit,
// rounded up, the figure AssumeRole returns as PackedPolicySize.
func (s *Service) packedPercent(policy string, arns []stsapi.PolicyDescriptorType, tags []stsapi.Tag, transitive []string) int {
	var raw bytes.Buffer
	raw.WriteString(policy)
	for _, a := range arns {
		raw.WriteByte(0)
		raw.WriteString(a.Arn)
	}
	for _, t := range tags {
		raw.WriteByte(1)
		raw.WriteString(t.Key)
		raw.WriteByte('=')
		raw.WriteString(t.Value)
	}
	for _, k := range transitive {
		raw.WriteByte(2)
		raw.WriteString(k)
	}
	var out bytes.Buffer
	w := s.packers.Get().(*flate.Writer)
	w.Reset(&out)
	_, _ = w.Write(raw.Bytes()) // writes to a bytes.Buffer do not fail
	_ = w.Close()
	s.packers.Put(w)
	n := out.Len()
	return (n*100 + packedLimit - 1) / packedLimit
}
