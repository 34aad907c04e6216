// Package dictflate compresses short documents, such as session-token
// claims and authorization messages, with DEFLATE primed by a preset
// dictionary, and inflates them back within a bound. A few hundred bytes
// of text compress only when the compressor already knows the words they
// repeat; the dictionary is that knowledge, and part of each caller's
// format.
//
// A compressed document is marker ‖ uvarint length ‖ DEFLATE stream. The
// announced length must be exactly what the stream holds and at most the
// bound, so the output is allocated once and no stream inflates past it.
package dictflate

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
	"sync"
)

// ErrCorrupt is Decompress's refusal of a stream that is malformed, longer
// or shorter than it announces, or announces more than the bound.
var ErrCorrupt = errors.New("dictflate: corrupt or oversized stream")

// Codec compresses and inflates with one dictionary. It reuses DEFLATE
// state, which costs hundreds of kilobytes to set up, across calls, and is
// safe for concurrent use.
type Codec struct {
	dict    []byte
	max     uint64
	writers sync.Pool // *flate.Writer
	readers sync.Pool // io.ReadCloser implementing flate.Resetter
}

// New returns a Codec priming DEFLATE with dict and inflating documents of
// at most max bytes.
func New(dict string, max int) *Codec {
	return &Codec{dict: []byte(dict), max: uint64(max)}
}

// Compress returns marker ‖ uvarint len(doc) ‖ DEFLATE(doc), compressed as
// hard as DEFLATE can: documents are small and written once.
func (c *Codec) Compress(marker byte, doc []byte) []byte {
	buf := bytes.NewBuffer(make([]byte, 0, len(doc)/2+binary.MaxVarintLen64+1))
	buf.WriteByte(marker)
	buf.Write(binary.AppendUvarint(nil, uint64(len(doc))))
	w, _ := c.writers.Get().(*flate.Writer)
	if w == nil {
		// BestCompression and a dictionary are valid arguments, so
		// NewWriterDict cannot fail.
		w, _ = flate.NewWriterDict(buf, flate.BestCompression, c.dict)
	} else {
		w.Reset(buf)
	}
	// Writes to a bytes.Buffer do not fail.
	_, _ = w.Write(doc)
	_ = w.Close()
	c.writers.Put(w)
	return buf.Bytes()
}

// Decompress inflates src, what follows the marker, or returns ErrCorrupt.
func (c *Codec) Decompress(src []byte) ([]byte, error) {
	size, k := binary.Uvarint(src)
	if k <= 0 || size == 0 || size > c.max {
		return nil, ErrCorrupt
	}
	in := bytes.NewReader(src[k:])
	r, _ := c.readers.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReaderDict(in, c.dict)
	} else if err := r.(flate.Resetter).Reset(in, c.dict); err != nil {
		return nil, ErrCorrupt
	}
	defer c.readers.Put(r)
	out := make([]byte, size)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, ErrCorrupt
	}
	var one [1]byte
	if n, err := r.Read(one[:]); n != 0 || err != io.EOF {
		return nil, ErrCorrupt
	}
	return out, nil
}
