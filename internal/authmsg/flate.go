package authmsg

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
)

// dictionary primes DEFLATE with the text every message repeats (AWS's
// field names and the common ARN and key prefixes), so even a short
// message compresses. It is part of format version 1.
const dictionary = `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"",` +
	`"effect":"DENY","effect":"ALLOW","principals":{"items":[{"value":""}]},"principalGroups":{"items":[]},` +
	`"actions":{"items":[{"value":"sts:AssumeRole"}]},"resources":{"items":[{"value":"*"}]},` +
	`"conditions":{"items":[]},"sourcePolicy":"","statementIndex":0}]},"failures":{"items":[]},` +
	`"context":{"principal":{"id":"AIDA","id":"AROA","arn":"arn:aws:iam::"},"action":"s3:GetObject",` +
	`"resource":"arn:aws:s3:::","conditions":{"items":[{"key":"aws:username","values":{"items":[{"value":"` +
	`aws:SourceIp","aws:CurrentTime","aws:EpochTime","aws:SecureTransport","aws:PrincipalArn",` +
	`"aws:PrincipalAccount","aws:userid","aws:PrincipalType","aws:RequestedRegion","aws:PrincipalTag/` +
	`arn:aws:sts::assumed-role/:role/:user/:root`

var errBadStream = errors.New("authmsg: bad compressed body")

// compress returns bodyDeflate ‖ uvarint len(doc) ‖ DEFLATE(doc).
func (p *flatePools) compress(doc []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(doc) / 2)
	out.WriteByte(bodyDeflate)
	out.Write(binary.AppendUvarint(nil, uint64(len(doc))))
	zw, ok := p.writers.Get().(*flate.Writer)
	if ok {
		zw.Reset(&out)
	} else {
		// The level and dictionary are valid, so this cannot fail.
		zw, _ = flate.NewWriterDict(&out, flate.BestCompression, []byte(dictionary))
	}
	defer p.writers.Put(zw)
	// A bytes.Buffer takes every write.
	_, _ = zw.Write(doc)
	_ = zw.Close()
	return out.Bytes()
}

// decompress inflates what follows bodyDeflate. The announced length, at
// most maxJSONLen, must be exactly what the stream holds: the output is
// allocated once and no stream inflates past the bound.
func (p *flatePools) decompress(src []byte) ([]byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n == 0 || n > maxJSONLen {
		return nil, errBadStream
	}
	in := bytes.NewReader(src[k:])
	zr, ok := p.readers.Get().(io.ReadCloser)
	if ok {
		if err := zr.(flate.Resetter).Reset(in, []byte(dictionary)); err != nil {
			return nil, errBadStream
		}
	} else {
		zr = flate.NewReaderDict(in, []byte(dictionary))
	}
	defer p.readers.Put(zr)
	doc := make([]byte, n)
	if _, err := io.ReadFull(zr, doc); err != nil {
		return nil, errBadStream
	}
	if extra, err := zr.Read(make([]byte, 1)); extra != 0 || err != io.EOF {
		return nil, errBadStream
	}
	return doc, nil
}
