package session

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
	"sync"
)

// dictionary primes DEFLATE with text common in claims (ARNs, policy JSON,
// tag-ish words) so even a few hundred bytes compress well. It is part of
// token format version 1: changing it requires a new version.
const dictionary = `arn:aws:iam::arn:aws:sts::assumed-role/federated-user/oidc-provider/saml-provider/` +
	`:policy/:role/:user/:root` +
	`{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Deny","Effect":"Allow",` +
	`"Action":["s3:GetObject","s3:PutObject","s3:ListBucket","sts:AssumeRole","sts:TagSession",` +
	`"Resource":["arn:aws:s3:::*"],"Condition":{"StringEquals":{"StringLike":{"aws:PrincipalTag/` +
	`"aws:RequestTag/"aws:ResourceTag/"aws:SourceIp":"aws:username}"}}]}` +
	`team:project:environment:production:staging:development:cost-center:department:owner:application:` +
	`AROAAIDAASIA`

// flatePools reuses DEFLATE state, which costs hundreds of kilobytes to set
// up, across Seal and Open calls of one Ring.
type flatePools struct {
	writers sync.Pool // *flate.Writer
	readers sync.Pool // io.ReadCloser implementing flate.Resetter
}

// compress returns the deflated body for records: bodyDeflate, the uvarint
// length of records, then the DEFLATE stream.
func (p *flatePools) compress(records []byte) []byte {
	buf := bytes.NewBuffer(make([]byte, 0, len(records)/2))
	buf.WriteByte(bodyDeflate)
	buf.Write(binary.AppendUvarint(nil, uint64(len(records))))
	w, _ := p.writers.Get().(*flate.Writer)
	if w == nil {
		// BestCompression and a dictionary are valid arguments, so
		// NewWriterDict cannot fail.
		w, _ = flate.NewWriterDict(buf, flate.BestCompression, []byte(dictionary))
	} else {
		w.Reset(buf)
	}
	// Writes to a bytes.Buffer do not fail.
	_, _ = w.Write(records)
	_ = w.Close()
	p.writers.Put(w)
	return buf.Bytes()
}

var errBadDeflate = errors.New("session: bad deflated claims")

// decompress inflates what follows bodyDeflate: the announced length, at
// most maxBodyLen, must be exactly what the stream holds.
func (p *flatePools) decompress(src []byte) ([]byte, error) {
	size, k := binary.Uvarint(src)
	if k <= 0 || size == 0 || size > maxBodyLen {
		return nil, errBadDeflate
	}
	in := bytes.NewReader(src[k:])
	r, _ := p.readers.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReaderDict(in, []byte(dictionary))
	} else if err := r.(flate.Resetter).Reset(in, []byte(dictionary)); err != nil {
		return nil, err
	}
	defer p.readers.Put(r)
	out := make([]byte, size)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, errBadDeflate
	}
	var one [1]byte
	if n, err := r.Read(one[:]); n != 0 || err != io.EOF {
		return nil, errBadDeflate
	}
	return out, nil
}
